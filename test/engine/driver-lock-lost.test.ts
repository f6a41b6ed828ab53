import { expect } from "chai";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { AuditEntry } from "../../automation/driver/audit";
import { backendLocks } from "../../automation/driver/backend-locks";
import { JournalRecord } from "../../automation/driver/journal";
import { readJsonLines } from "../../automation/driver/jsonl";
import { writeFaultFile } from "../../sandbox/faults";
import { Lab } from "../../sandbox/lab";
import { changesSince, readRecords } from "../../sandbox/recorder";
import { deployedLab } from "../support/deployed-lab";
import { runMain } from "../support/run-main";
import { cliCommand } from "../support/spawn-cli";

// A broken lock stops its holder at its next action, not at its next lease renewal (issue 25,
// item 8). Alice's failover hangs inside its first step's `up`; Bob runs `unlock --force`; once the
// hang lifts, Alice's switch proves the lock before its DNS step, finds it gone, and stops there:
// Route 53 is not touched, nothing is fenced, the CLI exits 1 with one line naming the lost lock,
// and the journal and audit log say "lock lost". The lease is 600 s, so no renewal (every 200 s)
// can be what stops it: only the proof before the step can.

const root = path.resolve(__dirname, "..", "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a switch whose lock is broken mid-step (sandbox lab)", function () {
    let lab: Lab;
    let common: string[];

    before(async function () {
        lab = (await deployedLab()).lab;
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl];
    });

    after(function () {
        if (lab !== undefined) {
            writeFaultFile(lab.faultFile, {});
            lab.remove();
        }
    });

    it("`unlock --force` during a live failover: the old switch does not start its DNS step, fences nothing, exits 1 naming the lost lock, and is audited as lock lost", async function () {
        const journal = () => readJsonLines<JournalRecord>(path.join(lab.dir, ".failover", "journal.jsonl"));
        const audit = () => readJsonLines<AuditEntry>(path.join(lab.dir, ".failover", "audit.jsonl"));
        const operationsBefore = readRecords(lab.recordFile).length;
        const journalBefore = journal().length;
        const auditBefore = audit().length;

        // The first step's `up` hangs in the Auto Scaling group, as a call to an unreachable endpoint does.
        writeFaultFile(lab.faultFile, { types: { "aws:autoscaling/group:Group": "hang" } });
        const [node, ...args] = cliCommand(["failover", "--yes", "--reason", "broken-lock drill", "--identity", "alice", "--lease", "600", "--skip-verify", ...common]);
        const child = spawn(node, args, { cwd: root, env: { ...process.env, ...lab.env.envVars }, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdout!.resume();
        const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
        try {
            // Inside the first step's `up`: journalled as started, and its engine holds the stack's backend lock.
            const insideUp = () =>
                journal()
                    .slice(journalBefore)
                    .some((r) => r.type === "step" && r.stepId === "before-dns:secondary" && r.status === "started") && backendLocks(lab.env.backendUrl, ["secondary"]).length > 0;
            for (let i = 0; i < 3_000 && !insideUp() && child.exitCode === null; i++) {
                await sleep(100);
            }
            expect(insideUp(), `the switch reached its first step's up\n${stderr}`).to.equal(true);

            const unlock = await runMain(["unlock", "--yes", "--force", "--identity", "bob", "--reason", "alice's switch looks wedged", ...common]);
            expect(unlock.status, unlock.stderr).to.equal(0);
            expect(unlock.stdout).to.match(/^cleared driver lock of alice on /m);
        } finally {
            writeFaultFile(lab.faultFile, {});
        }

        expect(await exited, stderr).to.equal(1);
        const errors = stderr.split("\n").filter((line) => line.startsWith("error:"));
        expect(errors, stderr).to.have.length(1);
        expect(errors[0]).to.match(
            new RegExp(`^error: lock lost: run \\S+ \\(generation \\d+\\) no longer holds ${path.join(lab.dir, ".failover", "failover.lock").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: it was broken, and no one holds it now; the switch stopped at switch DNS active-passive → failover and fenced nothing$`),
        );

        // The dns stack was not updated by it: no Route 53 change reached the sandbox, and its DNS step never began.
        const route53 = changesSince(lab.recordFile, operationsBefore).filter((r) => r.type.startsWith("aws:route53"));
        expect(route53.map((r) => `${r.op} ${r.name}`)).to.deep.equal([]);
        const steps = journal()
            .slice(journalBefore)
            .filter((r): r is Extract<JournalRecord, { type: "step" }> => r.type === "step")
            .map((r) => `${r.stepId} ${r.status}${r.error !== undefined ? ` (${r.error})` : ""}`);
        expect(steps.some((s) => s.startsWith("dns") && s.includes("started")), steps.join("\n")).to.equal(false);
        expect(steps.at(-1), steps.join("\n")).to.equal("dns:dns failed (lock lost)");

        // Audited: Bob's forced unlock, and Alice's switch as stopped by the lost lock; no fence.
        const added = audit().slice(auditBefore);
        expect(added.map((e) => [e.identity, e.operation, e.result])).to.deep.equal([
            ["bob", "unlock", "ok"],
            ["alice", "failover", "aborted"],
        ]);
        expect(added[1].error).to.match(/^lock lost: /);
        expect(added[1].steps?.some((s) => s.status === "fenced")).to.equal(false);
    });
});
