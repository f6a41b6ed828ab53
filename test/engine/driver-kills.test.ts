import { expect } from "chai";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AuditEntry } from "../../automation/driver/audit";
import { JournalRecord } from "../../automation/driver/journal";
import { readJsonLines } from "../../automation/driver/jsonl";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { runMain } from "../support/run-main";

// Every kill converges. A seeded, bounded loop kills the CLI (SIGKILL) or, separately, its engine
// (SIGKILL to the `pulumi up` child) at points spread over failover and failback cycles, then runs
// the same command again with no hand intervention: it must reach the requested posture, and the
// audit log must hold each completed switch once. One more point sends SIGINT mid-step: the
// engine is cancelled, the journal records where, exit 130. One lab serves the whole loop.
//
// Coverage, honestly: KILL_POINTS below (9 runs: before the lock, between lock and journal,
// mid-step in each of the three steps, between steps, the engine mid-step twice and mid-DNS, and
// SIGINT) — not the 20 of issue 9. The seed (KILL_SEED, default 9) picks the delay inside each
// point; a failing seed is printed so it can be replayed.

const root = path.resolve(__dirname, "..", "..");

type Point =
    | { readonly at: "before-lock"; readonly kill: "cli" }
    | { readonly at: "lock-before-journal"; readonly kill: "cli" }
    | { readonly at: "mid-step"; readonly step: number; readonly kill: "cli" | "engine" | "sigint" }
    | { readonly at: "after-step"; readonly step: number; readonly kill: "cli" };

const KILL_POINTS: readonly Point[] = [
    { at: "before-lock", kill: "cli" },
    { at: "lock-before-journal", kill: "cli" },
    { at: "mid-step", step: 0, kill: "cli" },
    { at: "mid-step", step: 0, kill: "engine" },
    { at: "after-step", step: 0, kill: "cli" },
    { at: "mid-step", step: 1, kill: "engine" },
    { at: "mid-step", step: 1, kill: "cli" },
    { at: "mid-step", step: 2, kill: "engine" },
    { at: "mid-step", step: 2, kill: "sigint" },
];

/** A small deterministic generator (mulberry32), so a run can be replayed from its seed. */
function seeded(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids of `pulumi` processes whose parent is `pid` (Linux /proc). */
function engineChildrenOf(pid: number): number[] {
    const found: number[] = [];
    for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
            if (ppid === pid && path.basename(argv[0]) === "pulumi" && argv.includes("up")) {
                found.push(Number(entry));
            }
        } catch {
            // Gone while we looked.
        }
    }
    return found;
}

describe("every kill converges (seeded, bounded kill loop on one sandbox lab)", function () {
    const seed = Number(process.env.KILL_SEED ?? 9);
    const random = seeded(seed);
    let lab: Lab;
    let common: string[];
    let journal: string;
    let audit: string;
    let lockFile: string;
    const completedRuns: string[] = [];

    const spawnCli = (args: readonly string[]): ChildProcess =>
        spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(root, "automation/cli/main.ts"), ...args, ...common], {
            cwd: root,
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });

    const exited = (child: ChildProcess): Promise<number | null> =>
        new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
                resolve(child.exitCode);
                return;
            }
            child.once("exit", (code) => resolve(code));
        });

    /** Waits (bounded) until `condition` holds or the child exits; true when the condition held. */
    async function until(child: ChildProcess, condition: () => boolean, limitMs = 240_000): Promise<boolean> {
        const deadline = Date.now() + limitMs;
        while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
            if (condition()) {
                return true;
            }
            await sleep(20);
        }
        return false;
    }

    const records = () => readJsonLines<JournalRecord>(journal);
    const stepRecord = (afterIndex: number, status: string, stepNumber: number) => () => {
        const recs = records().slice(afterIndex);
        const begin = recs.find((r) => r.type === "begin");
        if (begin === undefined || begin.type !== "begin") {
            return false;
        }
        const pending = begin.steps.filter((s) => !s.skip);
        const step = pending[stepNumber];
        return step !== undefined && recs.some((r) => r.type === "step" && r.runId === begin.runId && r.stepId === step.id && r.status === status);
    };

    before(async function () {
        // Deployed in the order AWS accepts (bootstrap), copied from this process's snapshot.
        lab = (await deployedLab()).lab;
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl, "--identity", "kill-loop", "--wait", "180"];
        journal = path.join(lab.dir, ".failover", "journal.jsonl");
        audit = path.join(lab.dir, ".failover", "audit.jsonl");
        lockFile = path.join(lab.dir, ".failover", "failover.lock");
    });

    after(function () {
        lab?.remove();
    });

    KILL_POINTS.forEach((point, index) => {
        const target = index % 2 === 0 ? "failover" : "active-passive";
        const args = target === "failover" ? ["failover", "--yes", "--reason", `kill loop ${index}`] : ["failback", "--yes", "--force"];
        const label = point.at === "mid-step" || point.at === "after-step" ? `${point.at} ${point.step + 1}` : point.at;
        it(`kill #${index + 1} (${point.kill} ${label}, ${target}): the same command again converges, seed ${seed}`, async function () {
            const journalStart = records().length;
            const auditStart = readJsonLines<AuditEntry>(audit).length;
            const child = spawnCli(args);
            let stderr = "";
            child.stderr?.on("data", (d) => (stderr += String(d)));
            const delay = Math.floor(random() * 800);
            let reached = false;
            switch (point.at) {
                case "before-lock":
                    // ts-node alone takes longer than this: the process dies before any lock.
                    await sleep(200 + delay);
                    reached = !fs.existsSync(lockFile);
                    break;
                case "lock-before-journal":
                    reached = await until(child, () => fs.existsSync(lockFile));
                    reached = reached && records().length === journalStart;
                    break;
                case "mid-step":
                    reached = await until(child, stepRecord(journalStart, "started", point.step));
                    if (point.kill === "engine") {
                        // The step sets its config and reads its targets first; wait for its `up` itself.
                        reached = reached && (await until(child, () => child.pid !== undefined && engineChildrenOf(child.pid).length > 0, 60_000));
                        await sleep(Math.floor(delay / 2));
                    } else {
                        await sleep(delay);
                    }
                    break;
                case "after-step":
                    reached = await until(child, stepRecord(journalStart, "done", point.step));
                    break;
            }
            if (point.kill === "engine") {
                const engines = child.pid !== undefined ? engineChildrenOf(child.pid) : [];
                for (const pid of engines) {
                    process.kill(pid, "SIGKILL");
                }
                reached = reached && engines.length > 0;
            } else {
                child.kill(point.kill === "sigint" ? "SIGINT" : "SIGKILL");
            }
            const code = await exited(child);
            if (point.kill === "sigint" && reached) {
                expect(code, stderr).to.equal(130);
                const last = records().slice(journalStart);
                expect(last.some((r) => r.type === "step" && r.status === "failed" && r.error === "aborted"), "journal records where it stopped").to.equal(true);
            }
            if (point.kill === "engine" && reached) {
                // A killed engine is not an outage: the switch stops where it stands — exit 1, no
                // later step started (so no region drained after a half-done DNS step), nothing fenced.
                expect(code, stderr).to.equal(1);
                const run = records().slice(journalStart);
                const begin = run.find((r) => r.type === "begin");
                const later = begin?.type === "begin" ? begin.steps.filter((st) => !st.skip).slice(point.step + 1).map((st) => st.id) : [];
                expect(run.filter((r) => r.type === "step" && later.includes(r.stepId)), "no later step ran").to.deep.equal([]);
                expect(run.some((r) => r.type === "step" && r.status === "fenced"), "nothing fenced").to.equal(false);
            }
            // Whether the kill landed where intended depends on timing; say so rather than pretend.
            this.test!.title += reached ? "" : " [kill point not reached: the run ended or moved on first]";

            const again = await runMain([...args, "--json", ...common]);
            expect(again.status, `${again.stderr}\n(seed ${seed})`).to.equal(0);
            const result = JSON.parse(again.stdout) as { status: string; runId: string; to: string };
            expect(result.to).to.equal(target);
            if (result.status !== "unchanged") {
                completedRuns.push(result.runId);
            }
            const status = JSON.parse((await runMain(["status", "--json", ...common])).stdout) as { posture: string; lock?: unknown; unfinished?: unknown };
            expect(status.posture).to.equal(target);
            expect(status.lock).to.equal(undefined);
            expect(status.unfinished).to.equal(undefined);
            // This cycle made one switch: exactly one "ok" entry for it (the killed run's, if it got
            // to finish before the kill, or the rerun's); anything else is a marked failed or
            // interrupted attempt, or the audit line of a cleared lock.
            const added = readJsonLines<AuditEntry>(audit).slice(auditStart).filter((e) => e.operation !== "unlock");
            expect(added.filter((e) => e.result === "ok").map((e) => e.to), JSON.stringify(added)).to.deep.equal([target]);
            for (const e of added.filter((x) => x.result !== "ok")) {
                expect(["failed", "aborted"]).to.include(e.result);
            }
        });
    });

    it("the audit log holds no run twice, and every rerun that switched is in it as ok", function () {
        const switches = readJsonLines<AuditEntry>(audit).filter((e) => e.operation !== "unlock");
        const ids = switches.map((e) => e.runId);
        expect(new Set(ids).size, "no run audited twice").to.equal(ids.length);
        for (const runId of completedRuns) {
            expect(switches.filter((e) => e.runId === runId && e.result === "ok"), `run ${runId}`).to.have.length(1);
        }
    });
});
