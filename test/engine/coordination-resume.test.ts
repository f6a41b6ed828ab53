import { expect } from "chai";
import { CliProcessRun } from "../support/spawn-cli";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { AuditEntry } from "../../automation/driver/audit";
import { runsOf, unfinishedOf } from "../../automation/driver/journal";
import { S3CoordinationStore } from "../../automation/driver/coordination/s3-store";
import { parseCoordinationUrl, S3Location } from "../../automation/driver/coordination/url";
import { SetPostureResult, StatusResult } from "../../automation/driver/types";
import { sandboxEngineEnvironment } from "../../sandbox/engine";
import { openStack } from "../../automation/engine/workspace";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { MotoServer, motoCredentials, startMoto } from "../support/moto";

// Two operators on two "machines" — each with its own checkout of the project and its own HOME —
// share the state backend and a coordination store in S3 (moto server). Operator A is killed with
// kill -9 in the middle of a failover; operator B finds the unfinished switch in `status` and
// finishes it with the same command once A's lease has run out. No pid is checked: both run on
// this host, and the S3 store only ever trusts the lease.

const root = path.resolve(__dirname, "..", "..");

// The SDK's notice about its future Node versions is noise here (as in test/support/integration-setup.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

type CliRun = CliProcessRun;

/** A checkout of the project for another operator: the program and stack files, none of the first one's local state. */
function checkout(labDir: string, name: string): { dir: string; home: string } {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), `sftp-failover-${name}-`));
    const dir = path.join(base, "project");
    const skip = new Set([".state", ".pulumi-home", ".failover"]);
    fs.cpSync(labDir, dir, { recursive: true, filter: (source) => !skip.has(path.basename(source)) });
    const home = path.join(base, "home");
    fs.mkdirSync(home);
    return { dir, home };
}

describe("two machines, one coordination store on S3 (sandbox + moto)", function () {
    let lab: Lab;
    let moto: MotoServer;
    let coordination: string;
    let store: S3CoordinationStore;
    const made: string[] = [];

    /** Runs the CLI as one operator: their checkout, their HOME, the shared backend and store. */
    function cli(machine: { dir: string; home: string }, args: readonly string[], extraEnv: Record<string, string> = {}): { child: ReturnType<typeof spawn>; done: Promise<CliRun> } {
        const child = spawn(
            process.execPath,
            ["-r", require.resolve("ts-node/register/transpile-only"), path.join(root, "automation/cli/bin.ts"), ...args, "--sandbox", "--stack-dir", machine.dir, "--backend", lab.env.backendUrl, "--coordination", coordination],
            {
                cwd: machine.dir,
                stdio: ["ignore", "pipe", "pipe"],
                env: {
                    ...process.env,
                    // The sandbox's record and fault files; the engine's PULUMI_HOME is each checkout's own.
                    SANDBOX_RECORD_FILE: lab.recordFile,
                    SANDBOX_FAULT_FILE: lab.faultFile,
                    HOME: machine.home,
                    // The CLI runs from the checkout: ts-node must still compile it with the repository's settings.
                    TS_NODE_PROJECT: path.join(root, "tsconfig.json"),
                    AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
                    AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
                    AWS_REGION: "us-east-1",
                    ...extraEnv,
                },
            },
        );
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (d) => (stdout += String(d)));
        child.stderr?.on("data", (d) => (stderr += String(d)));
        const done = new Promise<CliRun>((resolve) => child.on("exit", (status) => resolve({ status, stdout, stderr })));
        return { child, done };
    }

    before(async function () {
        moto = await startMoto();
        const s3 = new S3Client(moto.clientConfig);
        await s3.send(new CreateBucketCommand({ Bucket: "team-ops" }));
        s3.destroy();
        coordination = `s3://team-ops/sftp-failover?region=us-east-1&endpoint=${moto.endpoint}`;
        store = new S3CoordinationStore(parseCoordinationUrl(coordination) as S3Location, { credentials: motoCredentials });
        lab = (await deployedLab()).lab;
    });

    after(async function () {
        lab?.remove();
        for (const dir of made) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        await moto?.stop();
    });

    it("operator A killed mid-failover: B, from another checkout and HOME, sees it in status, finishes it with the same command, and the audit log holds it once", async function () {
        const a = checkout(lab.dir, "operator-a");
        const b = checkout(lab.dir, "operator-b");
        const c = checkout(lab.dir, "operator-c");
        made.push(...[a, b, c].map((m) => path.dirname(m.dir)));
        const failover = ["failover", "--yes", "--reason", "us-east-1 degraded", "--lease", "3"];

        // A: slow every cloud operation so the kill lands inside an `up`, then kill -9 once the DNS step has begun.
        const runA = cli(a, [...failover, "--identity", "alice"], { SANDBOX_DELAY_MS: "4000" });
        let runId: string | undefined;
        let exitedEarly: CliRun | undefined;
        void runA.done.then((r) => (exitedEarly = r));
        for (let i = 0; i < 1200 && runId === undefined && exitedEarly === undefined; i++) {
            await new Promise((r) => setTimeout(r, 250));
            const run = runsOf(await store.readJournal()).at(-1);
            runId = run?.steps.get("dns:dns") === "started" ? run.begin.runId : undefined;
        }
        expect(runId, `A's run reached the DNS step (A exited ${exitedEarly?.status}: ${exitedEarly?.stderr})`).to.be.a("string");
        runA.child.kill("SIGKILL");
        await runA.done;
        expect(unfinishedOf(runsOf(await store.readJournal()))?.begin.identity).to.equal("alice");

        // B's status shows A's unfinished switch and A's lock, read from the shared store.
        const status = await cli(b, ["status", "--json", "--identity", "bob"]).done;
        expect(status.status, status.stderr).to.equal(0);
        const seen = JSON.parse(status.stdout) as StatusResult;
        expect(seen.unfinished).to.include({ runId, identity: "alice", target: "failover" });
        expect(seen.lock?.identity).to.equal("alice");

        // B runs the same command; it waits out A's lease, clears the stale lock, and resumes A's run.
        // The lab has no canary: when B's gate runs (A was killed before its DNS step finished) the
        // switch ends unverified (exit 5), never plain ok; had A moved DNS, nothing is left to verify.
        const finish = await cli(b, [...failover, "--identity", "bob", "--wait", "120", "--json"]).done;
        const result = JSON.parse(finish.stdout) as SetPostureResult;
        const completed = result.verification !== undefined ? "unverified" : "ok";
        expect(finish.status, finish.stderr).to.equal(completed === "unverified" ? 5 : 0);
        expect(result).to.include({ status: completed, to: "failover", resumed: runId });
        expect(result.steps.find((s) => s.id === "before-dns:secondary")?.status, "A's finished step is not run again").to.equal("skipped");

        // A third checkout reads the whole history from the store, without the engine.
        const history = await cli(c, ["history", "--json"]).done;
        expect(history.status, history.stderr).to.equal(0);
        const entries = JSON.parse(history.stdout) as AuditEntry[];
        const switches = entries.filter((e) => e.operation === "failover");
        expect(switches, "one entry per completed switch").to.have.length(1);
        expect(switches[0]).to.include({ identity: "bob", host: os.hostname(), from: "active-passive", to: "failover", result: completed, resumes: runId });
        const unlocks = entries.filter((e) => e.operation === "unlock" && e.runId === runId);
        expect(unlocks, "clearing A's stale lock is audited once").to.have.length(1);
        expect(unlocks[0].reason).to.match(/^holder alice \(pid \d+ on .*\) is gone: its lease ended at /);

        // Nothing went to either checkout's local files: the store is the one truth.
        for (const m of [a, b]) {
            expect(fs.existsSync(path.join(m.dir, ".failover", "journal.jsonl")), `${m.dir} has no local journal`).to.equal(false);
        }
        expect((await cli(c, ["status", "--json"]).done).stdout).to.satisfy((out: string) => (JSON.parse(out) as StatusResult).posture === "failover");
        expect(await store.readPosture()).to.include({ posture: "failover", identity: "bob", runId: result.runId, reason: "us-east-1 degraded" });
    });

    it("a `pulumi up` by hand from a checkout whose stack file still says active-passive is refused before any change; the driver's switch is not", async function () {
        // Checkout C was copied before the failover: its dns stack file still says active-passive.
        const c = checkout(lab.dir, "by-hand");
        made.push(path.dirname(c.dir));
        const env = sandboxEngineEnvironment({ projectDir: c.dir, backendUrl: lab.env.backendUrl, extraEnv: { SANDBOX_RECORD_FILE: lab.recordFile, SANDBOX_FAULT_FILE: lab.faultFile } });
        const saved = { ...process.env };
        Object.assign(process.env, { SFTP_FAILOVER_COORDINATION: coordination, AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey });
        let refusal: Error | undefined;
        try {
            const dns = await openStack("dns", env);
            refusal = await dns.up().then(() => undefined, (e: Error) => e);
        } finally {
            for (const key of ["SFTP_FAILOVER_COORDINATION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
                if (saved[key] === undefined) {
                    delete process.env[key];
                } else {
                    process.env[key] = saved[key];
                }
            }
        }
        expect(refusal, "the by-hand up was refused").to.be.instanceOf(Error);
        expect(refusal!.message).to.match(/sftp-failover:posture is "active-passive" but the live posture is "failover" \(recorded by bob on [^)]*\): this update would revert it; switch with `sftp-failover posture <posture>`/);
        const status = JSON.parse((await cli(c, ["status", "--json"]).done).stdout) as StatusResult;
        expect(status.posture, "nothing was reverted").to.equal("failover");

        // The driver, from that same checkout, switches back: its own runs are not refused, and it records the new posture.
        const back = await cli(c, ["posture", "active-passive", "--yes", "--identity", "carol", "--reason", "us-east-1 recovered", "--json"]).done;
        expect(back.status, back.stderr).to.equal(5);
        expect((JSON.parse(back.stdout) as SetPostureResult).status).to.equal("unverified");
        expect(await store.readPosture()).to.include({ posture: "active-passive", identity: "carol", reason: "us-east-1 recovered" });
    });
});
