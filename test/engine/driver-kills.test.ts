import { expect } from "chai";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AuditEntry } from "../../automation/driver/audit";
import { backendLocks } from "../../automation/driver/backend-locks";
import { JournalRecord } from "../../automation/driver/journal";
import { readJsonLines } from "../../automation/driver/jsonl";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { runMain } from "../support/run-main";
import { engineChildrenOf } from "../support/engine-children";

// Every kill converges. A seeded, bounded loop of 20 kills spread over alternating failover and
// failback cycles, on one lab: the CLI is killed (SIGKILL) before the lock (while it waits for
// it), between lock and journal, mid-step in each of the three steps and between steps; the
// engine alone (SIGKILL to the `pulumi up` child) mid-step in each of the three steps; and SIGINT
// and SIGTERM mid-step, which must cancel the engine and exit 130. After each kill the same command
// runs again with no hand intervention: it must reach the requested posture, leave no lock and no
// unfinished run, and the audit log must hold the cycle's switch once as "ok".
//
// The kill points are found from what the CLI leaves behind — the lock file, the journal's records,
// the `pulumi up` child in /proc — not from sleeps; the seed (KILL_SEED, default 9) only picks a
// delay inside a step, and a failing seed is in every test title so it can be replayed. A point the
// run passed before the kill landed is marked in the title rather than counted as covered.

const root = path.resolve(__dirname, "..", "..");
const stackNames = ["primary", "secondary", "dns"];
/** A switch that finished: `ok`, or `unverified` (the lab has no canary to verify with). */
const completed = (result: string) => result === "ok" || result === "unverified";

type Target = "failover" | "active-passive";
type Point =
    | { readonly at: "waiting-for-lock"; readonly kill: "cli" }
    | { readonly at: "lock-before-journal"; readonly kill: "cli" }
    | { readonly at: "mid-step"; readonly step: 0 | 1 | 2; readonly kill: "cli" | "engine" | "SIGINT" | "SIGTERM" }
    | { readonly at: "between-steps"; readonly after: 0 | 1; readonly kill: "cli" };

// Odd entries fail over, even ones fail back, so each cycle starts from the posture the last one
// reached and every step of both directions runs under a kill.
const KILL_POINTS: readonly Point[] = [
    { at: "waiting-for-lock", kill: "cli" },
    { at: "lock-before-journal", kill: "cli" },
    { at: "mid-step", step: 0, kill: "cli" },
    { at: "mid-step", step: 0, kill: "cli" },
    { at: "mid-step", step: 0, kill: "engine" },
    { at: "mid-step", step: 0, kill: "engine" },
    { at: "between-steps", after: 0, kill: "cli" },
    { at: "between-steps", after: 0, kill: "cli" },
    { at: "mid-step", step: 1, kill: "cli" },
    { at: "mid-step", step: 1, kill: "cli" },
    { at: "mid-step", step: 1, kill: "engine" },
    { at: "mid-step", step: 1, kill: "engine" },
    { at: "between-steps", after: 1, kill: "cli" },
    { at: "between-steps", after: 1, kill: "cli" },
    { at: "mid-step", step: 2, kill: "cli" },
    { at: "mid-step", step: 2, kill: "cli" },
    { at: "mid-step", step: 2, kill: "engine" },
    { at: "mid-step", step: 2, kill: "engine" },
    { at: "mid-step", step: 1, kill: "SIGINT" },
    { at: "mid-step", step: 0, kill: "SIGTERM" },
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


function describePoint(p: Point): string {
    switch (p.at) {
        case "mid-step":
            return `${p.kill === "cli" ? "CLI SIGKILL" : p.kill === "engine" ? "engine SIGKILL" : `CLI ${p.kill}`} mid-step ${p.step + 1}`;
        case "between-steps":
            return `CLI SIGKILL between steps ${p.after + 1} and ${p.after + 2}`;
        case "waiting-for-lock":
            return "CLI SIGKILL before the lock (waiting for it)";
        case "lock-before-journal":
            return "CLI SIGKILL between lock and journal";
    }
}

describe("every kill converges (seeded, bounded kill loop of 20 points on one sandbox lab)", function () {
    const seed = Number(process.env.KILL_SEED ?? 9);
    const random = seeded(seed);
    let lab: Lab;
    let common: string[];
    let journal: string;
    let audit: string;
    let lockFile: string;
    const completedRuns: string[] = [];
    const missed: number[] = [];

    const spawnCli = (args: readonly string[]): ChildProcess =>
        spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-r", path.join(root, "scripts/unmapped-sdk-stacks.js"), path.join(root, "automation/cli/bin.ts"), ...args, ...common], {
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
            await sleep(10);
        }
        return false;
    }

    const records = () => readJsonLines<JournalRecord>(journal);
    /** The id of pending step `n` of the run begun after `from`, once its begin record exists. */
    const stepId = (from: number, n: number): string | undefined => {
        const begin = records().slice(from).find((r) => r.type === "begin");
        return begin?.type === "begin" ? begin.steps.filter((s) => !s.skip)[n]?.id : undefined;
    };
    const hasStepRecord = (from: number, n: number, status: string): boolean => {
        const id = stepId(from, n);
        return id !== undefined && records().slice(from).some((r) => r.type === "step" && r.stepId === id && r.status === status);
    };

    before(async function () {
        // Deployed in the order AWS accepts (bootstrap), copied from this process's snapshot.
        lab = (await deployedLab()).lab;
        // Every wait is bounded: the lock wait, each step (--step-timeout below), and the loop's own polling.
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl, "--identity", "kill-loop", "--wait", "180"];
        journal = path.join(lab.dir, ".failover", "journal.jsonl");
        audit = path.join(lab.dir, ".failover", "audit.jsonl");
        lockFile = path.join(lab.dir, ".failover", "failover.lock");
    });

    after(function () {
        lab?.remove();
    });

    KILL_POINTS.forEach((point, index) => {
        const target: Target = index % 2 === 0 ? "failover" : "active-passive";
        const args = [...(target === "failover" ? ["failover", "--yes", "--reason", `kill loop ${index + 1}`] : ["failback", "--yes", "--force"]), "--step-timeout", "300"];
        it(`kill #${index + 1} (${describePoint(point)}, ${target === "failover" ? "failover" : "failback"}): the same command again converges, seed ${seed}`, async function () {
            const journalStart = records().length;
            const auditStart = readJsonLines<AuditEntry>(audit).length;
            // Before the lock: another (live) holder has it, so the CLI is provably waiting for it when killed.
            const holder = point.at === "waiting-for-lock" ? spawn("sleep", ["600"], { stdio: "ignore" }) : undefined;
            if (holder !== undefined) {
                fs.mkdirSync(path.dirname(lockFile), { recursive: true });
                const since = new Date().toISOString();
                fs.writeFileSync(lockFile, JSON.stringify({ identity: "kill-loop-holder", host: os.hostname(), pid: holder.pid, runId: `holder-${index}`, operation: "posture failover", since }));
            }
            const child = spawnCli(args);
            let stderr = "";
            child.stderr?.on("data", (d) => (stderr += String(d)));
            const delay = Math.floor(random() * 600);
            let reached = false;
            switch (point.at) {
                case "waiting-for-lock":
                    reached = await until(child, () => stderr.includes("waiting for the lock held by kill-loop-holder"));
                    break;
                case "lock-before-journal":
                    reached = await until(child, () => fs.existsSync(lockFile));
                    break;
                case "mid-step":
                    if (point.kill === "engine") {
                        // Inside the step's update: its engine holds the stack's lock in the backend.
                        reached = await until(child, () => {
                            const engines = engineChildrenOf(child.pid);
                            return hasStepRecord(journalStart, point.step, "started") && backendLocks(lab.env.backendUrl, stackNames).some((l) => engines.includes(l.pid));
                        });
                    } else {
                        // Inside the step's `up`: its engine runs; the seed picks how far into it.
                        reached = await until(child, () => hasStepRecord(journalStart, point.step, "started") && engineChildrenOf(child.pid).length > 0);
                        await sleep(delay);
                    }
                    break;
                case "between-steps":
                    reached = await until(child, () => hasStepRecord(journalStart, point.after, "done"));
                    break;
            }
            // Where the kill lands is checked at the moment it is sent.
            const engines = engineChildrenOf(child.pid);
            switch (point.at) {
                case "lock-before-journal":
                    reached = reached && records().length === journalStart;
                    break;
                case "mid-step":
                    reached = reached && engines.length > 0 && !hasStepRecord(journalStart, point.step, "done");
                    break;
                case "between-steps":
                    reached = reached && engines.length === 0 && !hasStepRecord(journalStart, point.after + 1, "done");
                    break;
                default:
                    break;
            }
            if (point.kill === "engine") {
                for (const pid of engines) {
                    process.kill(pid, "SIGKILL");
                }
            } else {
                child.kill(point.kill === "SIGINT" || point.kill === "SIGTERM" ? point.kill : "SIGKILL");
            }
            const code = await exited(child);
            if (holder !== undefined) {
                // The holder dies too: its lock is now provably stale (this host, a dead pid).
                holder.kill("SIGKILL");
                await exited(holder);
            }
            if (!reached) {
                missed.push(index + 1);
            }
            if ((point.kill === "SIGINT" || point.kill === "SIGTERM") && reached) {
                expect(code, stderr).to.equal(130);
                expect(stderr).to.contain(`${point.kill}: stopping after the engine cancels the current step`);
                const run = records().slice(journalStart);
                expect(run.some((r) => r.type === "step" && r.status === "failed" && r.error === "aborted"), "the journal records where it stopped").to.equal(true);
                expect(run.some((r) => r.type === "end" && r.result === "aborted"), "the run is closed as aborted").to.equal(true);
            }
            if (point.kill === "engine" && reached) {
                // A killed engine is not an outage: the switch stops where it stands — exit 1, no
                // later step started (so no region drained after a half-done DNS step), nothing
                // fenced — and its stack lock is left in the backend for the rerun to clear.
                expect(code, stderr).to.equal(1);
                const run = records().slice(journalStart);
                const later = [point.step + 1, point.step + 2].map((n) => stepId(journalStart, n)).filter((id) => id !== undefined);
                expect(run.filter((r) => r.type === "step" && later.includes(r.stepId)), "no later step ran").to.deep.equal([]);
                expect(run.some((r) => r.type === "step" && r.status === "fenced"), "nothing fenced").to.equal(false);
                expect(backendLocks(lab.env.backendUrl, stackNames).length, "the killed engine's stack lock is left behind").to.be.greaterThan(0);
            }
            this.test!.title += reached ? "" : " [kill point not reached: the run ended or moved on first]";

            const again = await runMain([...args, "--json", ...common]);
            const result = JSON.parse(again.stdout) as { status: string; runId: string; to: string };
            // The lab has no canary: a rerun whose gate ran ends unverified (exit 5); one that found
            // DNS already moved by the killed run has nothing left to verify.
            expect(again.status, `${again.stderr}\n(seed ${seed})`).to.equal(result.status === "unverified" ? 5 : 0);
            expect(result.to).to.equal(target);
            if (result.status !== "unchanged") {
                completedRuns.push(result.runId);
            }
            const status = JSON.parse((await runMain(["status", "--json", ...common])).stdout) as { posture: string; lock?: unknown; lockProblem?: unknown; unfinished?: unknown };
            expect(status.posture).to.equal(target);
            expect(status.lock).to.equal(undefined);
            expect(status.lockProblem).to.equal(undefined);
            expect(status.unfinished).to.equal(undefined);
            expect(backendLocks(lab.env.backendUrl, stackNames), "no backend stack lock left").to.deep.equal([]);
            // This cycle made one switch: exactly one completed entry for it (the killed run's, if it got
            // to finish before the kill, or the rerun's); anything else is a marked failed or
            // interrupted attempt, or the audit line of a cleared lock.
            const added = readJsonLines<AuditEntry>(audit).slice(auditStart);
            const switches = added.filter((e) => e.operation !== "unlock");
            expect(switches.filter((e) => completed(e.result)).map((e) => e.to), JSON.stringify(switches)).to.deep.equal([target]);
            for (const e of switches.filter((x) => !completed(x.result))) {
                expect(["failed", "aborted"]).to.include(e.result);
            }
            if (holder !== undefined) {
                const cleared = added.filter((e) => e.operation === "unlock" && e.runId === `holder-${index}`);
                expect(cleared.map((e) => e.reason), "the dead holder's lock was cleared, audited").to.have.length(1);
                expect(cleared[0].reason).to.match(new RegExp(`^holder kill-loop-holder \\(pid ${holder.pid} on .*\\) is gone$`));
            }
            if (point.kill === "engine" && reached) {
                expect(added.filter((e) => e.operation === "unlock" && /backend lock cleared$/.test(e.to)).length, "the dead engine's stack lock was cleared, audited").to.be.greaterThan(0);
            }
        });
    });

    it("the audit log holds no run twice, and every rerun that switched is in it as completed (ok or unverified)", function () {
        const switches = readJsonLines<AuditEntry>(audit).filter((e) => e.operation !== "unlock");
        const ids = switches.map((e) => e.runId);
        expect(new Set(ids).size, "no run audited twice").to.equal(ids.length);
        for (const runId of completedRuns) {
            expect(switches.filter((e) => e.runId === runId && completed(e.result)), `run ${runId}`).to.have.length(1);
        }
    });

    it("every one of the 20 kill points was reached (the loop is not vacuous)", function () {
        // A point the run passed before the kill landed still proves convergence, but not the
        // point itself: name the ones missed so a trigger that no longer works is seen.
        expect(missed, `kill points not reached (seed ${seed})`).to.deep.equal([]);
    });
});
