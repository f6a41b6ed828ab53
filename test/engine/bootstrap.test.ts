import { spawn } from "node:child_process";
import { cliCommand, spawnCli } from "../support/spawn-cli";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { BootstrapEvent } from "../../automation/driver/bootstrap";
import { FailoverController } from "../../automation/driver/controller";
import { AbortedError } from "../../automation/driver/errors";
import { summarizeEngineError } from "../../automation/driver/stack-state";
import { writeFaultFile } from "../../sandbox/faults";
import { createLab, Lab } from "../../sandbox/lab";
import { healthCheckListName, prefixListId } from "../../sandbox/prefix-lists";
import { readRecords } from "../../sandbox/recorder";
import { World } from "../../sandbox/world";

// Issue 8, item 4: a fresh account can only be brought up in one order, and the sandbox now
// refuses the wrong one as S3 does. The real program, the real engine, a fresh backend.


const stepsOf = (r: { steps: readonly { phase: string; stack: string; status: string }[] }) => r.steps.map((s) => `${s.phase} ${s.stack} ${s.status}`);

describe("bootstrap from nothing (sandbox)", function () {
    let lab: Lab;

    before(function () {
        lab = createLab();
    });

    after(function () {
        lab?.remove();
    });

    it("a plain up of the primary first is refused by the sandbox with S3's message", async function () {
        const { primary } = await lab.stacks();
        const error = await primary.up({ onOutput: () => undefined }).then(() => undefined, (err: unknown) => err);
        expect(error, "up should have failed").to.not.equal(undefined);
        expect(summarizeEngineError(error)).to.contain("S3 PutBucketReplication").and.to.contain("InvalidRequest: Destination bucket must exist.");
    });

    it("bootstrap then deploys both regions without replication, then with it, then dns — without touching the stack files", async function () {
        const stackFilesBefore = ["primary", "secondary", "dns"].map((s) => fs.readFileSync(path.join(lab.dir, `Pulumi.${s}.yaml`), "utf8"));
        const result = await lab.deploy();
        expect(result.status).to.equal("bootstrapped");
        expect(stepsOf(result)).to.deep.equal([
            "regions-without-replication primary done",
            "regions-without-replication secondary done",
            "regions-with-replication primary done",
            "regions-with-replication secondary done",
            "dns dns done",
        ]);
        const stackFilesAfter = ["primary", "secondary", "dns"].map((s) => fs.readFileSync(path.join(lab.dir, `Pulumi.${s}.yaml`), "utf8"));
        expect(stackFilesAfter).to.deep.equal(stackFilesBefore);
        expect(stackFilesAfter.join("\n")).to.not.contain("replicationEnabled");
        // Each replication rule was accepted only once the peer's bucket existed with versioning on.
        const world = new World(lab.worldDir).list();
        const rules = world.filter((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig").map((r) => r.id).sort();
        expect(rules).to.deep.equal(["sftp-failover-primary-123456789012", "sftp-failover-secondary-123456789012"]);
        const creates = readRecords(lab.recordFile).filter((r) => r.op === "create" && r.outcome === "ok");
        const lastVersioning = Math.max(...creates.map((r, i) => (r.type === "aws:s3/bucketVersioning:BucketVersioning" ? i : -1)));
        const firstRule = creates.findIndex((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
        expect(firstRule).to.be.greaterThan(lastVersioning);
    });

    it("a second bootstrap changes nothing and says so", async function () {
        const result = await lab.deploy();
        expect(result.status).to.equal("unchanged");
        expect(stepsOf(result)).to.deep.equal([
            "regions-without-replication primary skipped",
            "regions-without-replication secondary skipped",
            "regions-with-replication primary unchanged",
            "regions-with-replication secondary unchanged",
            "dns dns unchanged",
        ]);
    });

    it("status reports each region's endpoint check from the reachability model, and the faults of the lab", async function () {
        const controller = await FailoverController.create({ engine: lab.env, journalDir: path.join(lab.dir, ".failover"), endpointHealth: lab.endpointHealth });
        const world = new World(lab.worldDir).list();
        // The deployed program admits Route 53's checkers on each NLB (issue 8, defect 1): without
        // these rules both checks would be unhealthy and Route 53 would fail open.
        for (const region of ["us-east-1", "us-west-2"]) {
            const rule = world.find((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.facts.prefixListId === prefixListId(region, healthCheckListName(region)));
            expect(rule, `a health-checker rule in ${region}`).to.not.equal(undefined);
        }
        const status = await controller.status();
        const health = status.endpointHealth;
        expect(health, "status carries endpoint health").to.not.equal(undefined);
        expect(health?.regions.primary.health).to.equal("healthy");
        expect(health?.regions.secondary.health).to.equal("healthy");
        expect(health?.failsOpen).to.equal(false);

        writeFaultFile(lab.faultFile, { regions: { "us-east-1": "fail" } });
        try {
            const outage = (await controller.status()).endpointHealth;
            expect(outage?.regions.primary.health).to.equal("unhealthy");
            expect(outage?.regions.primary.reasons).to.include("region us-east-1 is unreachable (fault injected: fail)");
            expect(outage?.regions.secondary.health).to.equal("healthy");
        } finally {
            writeFaultFile(lab.faultFile, {});
        }
    });

    it("the CLI's bootstrap on the deployed lab prints that nothing changed, and its status shows the endpoint checks", function () {
        const cli = (args: readonly string[]) =>
            spawnCli([...args, "--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl], { env: { ...process.env, ...lab.env.envVars } });
        const again = cli(["bootstrap", "--yes", "--no-canary"]);
        expect(again.status, again.stderr).to.equal(0);
        expect(again.stdout).to.contain("already bootstrapped: nothing changed");
        const refused = cli(["bootstrap"]);
        expect(refused.status).to.equal(2);
        expect(refused.stderr).to.contain("--yes is required when stdin is not a terminal");
        const status = cli(["status"]);
        expect(status.status, status.stderr).to.equal(0);
        expect(status.stdout).to.match(/endpoint checks: primary healthy/);
    });

    it("the CLI's bootstrap sets up the canary out of the box: one new key in both regions' secret config, never printed, and both regions serve the canary", async function () {
        const { primary, secondary } = await lab.stacks();
        const keyOf = async (stack: typeof primary) => (await stack.getAllConfig())["sftp-failover:canaryKey"];
        expect(await keyOf(primary), "the lab starts without a canary").to.equal(undefined);
        const r = spawnCli(["bootstrap", "--yes", "--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl], { env: { ...process.env, ...lab.env.envVars } });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.contain("canary: a new key in secret config sftp-failover:canaryKey of both regional stacks");
        const [p, s] = [await keyOf(primary), await keyOf(secondary)];
        expect(p?.secret, "stored as a secret").to.equal(true);
        expect(p?.value).to.match(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
        expect(s?.value, "one key for both regions").to.equal(p?.value);
        const body = p!.value.split("\n")[1];
        expect(r.stdout + r.stderr, "the key is never printed").to.not.contain(body);
        expect(fs.readFileSync(path.join(lab.dir, "Pulumi.primary.yaml"), "utf8"), "encrypted in the stack file").to.not.contain(body);
        for (const stack of [primary, secondary]) {
            expect((await stack.outputs()).canaryUser?.value, `${stack.name} serves the canary`).to.equal("sftp-canary");
        }
        const rerun = spawnCli(["bootstrap", "--yes", "--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl], { env: { ...process.env, ...lab.env.envVars } });
        expect(rerun.status, rerun.stderr).to.equal(0);
        expect(rerun.stdout).to.contain("already bootstrapped: nothing changed").and.contain("canary: both regional stacks already hold sftp-failover:canaryKey");
    });
});

describe("bootstrap killed between phases (sandbox)", function () {
    let lab: Lab;

    before(function () {
        lab = createLab();
    });

    after(function () {
        lab?.remove();
    });

    it("stops when aborted after the first region, and a rerun finishes from where it stopped", async function () {
        const abort = new AbortController();
        const onProgress = (e: BootstrapEvent) => {
            if (e.type === "step-end" && e.result.stack === "primary") {
                abort.abort();
            }
        };
        const error = await lab.deploy({ signal: abort.signal, onProgress }).then(() => undefined, (err: unknown) => err);
        expect(error).to.be.instanceOf(AbortedError);
        const rerun = await lab.deploy();
        expect(rerun.status).to.equal("bootstrapped");
        expect(stepsOf(rerun)).to.deep.equal([
            "regions-without-replication primary skipped",
            "regions-without-replication secondary done",
            "regions-with-replication primary done",
            "regions-with-replication secondary done",
            "dns dns done",
        ]);
    });
});

// Issue 25 (4): an interrupt in the second phase killed the CLI by the signal and left the dead
// engine's backend lock, so every rerun failed "the stack is currently locked" until `unlock`.
// The CLI runs as its own process group, so a signal reaches it and its engine as a terminal's does.
for (const kind of ["SIGINT", "SIGKILL"] as const) {
    describe(`bootstrap ${kind === "SIGINT" ? "interrupted by Ctrl-C" : "killed outright (kill -9)"} in its second phase (sandbox, the CLI as a process)`, function () {
        let lab: Lab;

        before(function () {
            lab = createLab();
        });

        after(function () {
            lab?.remove();
        });

        const args = () => ["bootstrap", "--yes", "--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl];

        it(kind === "SIGINT" ? "exits 130 (not killed by the signal), and a plain rerun completes without unlock" : "a plain rerun clears the dead engine's lock (audited) and completes without unlock", async function () {
            await lab.stacks(); // the lab's own host keys, in its stack files
            const [node, ...rest] = cliCommand(args());
            const child = spawn(node, rest, { cwd: path.resolve(__dirname, "..", ".."), env: { ...process.env, ...lab.env.envVars }, stdio: ["ignore", "pipe", "pipe"], detached: true });
            let stderr = "";
            let signalled = false;
            const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
            // The safety net: a CLI that never stops is killed, and the test fails by its signal. Not a measure of time.
            const safety = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 540_000);
            child.stdout.resume();
            child.stderr.on("data", (chunk: Buffer) => {
                stderr += chunk.toString();
                // The second phase's engine has started changing the primary: signal it there.
                if (!signalled && /regions-with-replication: up primary[^\n]*\n[\s\S]*primary: (create|update|replace|delete) /.test(stderr)) {
                    signalled = true;
                    process.kill(-child.pid!, kind);
                }
            });
            const { code, signal } = await exit;
            clearTimeout(safety);
            expect(signalled, `the second phase was reached: ${stderr}`).to.equal(true);
            if (kind === "SIGINT") {
                expect(signal, stderr).to.equal(null);
                expect(code, stderr).to.equal(130);
                expect(stderr).to.match(/^error: bootstrap aborted during regions-with-replication \(primary\)/m);
            } else {
                expect(signal).to.equal("SIGKILL");
                expect(fs.readdirSync(path.join(lab.dir, ".state", ".pulumi", "locks"), { recursive: true }).some((f) => String(f).endsWith(".json")), "the killed engine's lock is left").to.equal(true);
            }

            const rerun = spawnCli(args(), { env: { ...process.env, ...lab.env.envVars } });
            expect(rerun.status, rerun.stderr).to.equal(0);
            expect(rerun.stderr).to.not.contain("currently locked");
            expect(rerun.stdout).to.match(/^bootstrapped/m);
            const audit = path.join(lab.dir, ".failover", "audit.jsonl");
            const cleared = fs.existsSync(audit) ? fs.readFileSync(audit, "utf8").split("\n").filter((l) => l.includes("backend lock cleared")) : [];
            if (kind === "SIGKILL") {
                expect(cleared, "the cleared lock is audited").to.have.length.greaterThan(0);
                expect(cleared[0]).to.match(/"operation":"unlock"/).and.to.match(/stack primary backend lock cleared/);
            } else {
                expect(cleared, "a graceful stop leaves no lock to clear").to.deep.equal([]);
            }
        });
    });
}
