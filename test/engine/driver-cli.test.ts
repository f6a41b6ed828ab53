import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { sandboxDefaultOnDemandVcpus, setSandboxOnDemandQuota } from "../../sandbox/service-quotas";
import { cliCommand, spawnCli } from "../support/spawn-cli";
import { runOnPty } from "../support/pty";
import { FailoverController } from "../../automation/driver/controller";
import { AbortedError } from "../../automation/driver/errors";
import type { ProgressEvent } from "../../automation/driver/types";
import { sandboxControllerOptions } from "../../sandbox/controller-options";
import { bootSeconds, healthCheckSeconds, launchHookSeconds, launchSeconds, warmStartSeconds } from "../../automation/time-to-serve";

// The operator CLI and the README's embedding example against real stacks in the sandbox, run as
// separate processes exactly as an operator or an embedding program would run them.

const root = path.resolve(__dirname, "..", "..");

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

describe("operator CLI and embedding example against the sandbox", function () {
    let lab: Lab;
    let common: string[];
    let env: NodeJS.ProcessEnv;

    const cli = (args: readonly string[]): Run => {
        return spawnCli([...args, ...common], { env });
    };

    before(async function () {
        const copy = await deployedLab();
        lab = copy.lab;
        env = { ...process.env, ...lab.env.envVars };
        expect(copy.deployed.status).to.equal("bootstrapped");
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl, "--identity", "dana"];
    });

    after(function () {
        lab?.remove();
    });

    it("status --json prints only JSON: the deployed posture, weights, capacity and serving region", function () {
        const r = cli(["status", "--json"]);
        expect(r.status, r.stderr).to.equal(0);
        const status = JSON.parse(r.stdout);
        expect(status).to.deep.include({ posture: "active-passive", weights: { primary: 100, secondary: 0 }, serving: "primary" });
        expect(status.capacity).to.deep.equal({ primary: "active", secondary: "pilot-light" });
        // Nothing extra with --json: no progress on stderr either.
        expect(r.stderr).to.equal("");
    });

    it("status says what it reads: a plain line per read with its time without a terminal, a live line rewritten in place on one", async function () {
        const piped = cli(["status"]);
        expect(piped.status, piped.stderr).to.equal(0);
        const lines = piped.stderr.trim().split("\n");
        expect(lines.some((l) => /^\[\s*\d+\.\ds\] read the three stacks: \d+\.\ds$/.test(l)), piped.stderr).to.equal(true);
        expect(piped.stderr).not.to.match(/\r|\x1b/);
        expect(piped.stdout).to.match(/^posture: +active-passive/m);
        // On a pseudo-terminal: the live line is drawn with escape codes, and only finished reads stay.
        const vars = Object.entries(lab.env.envVars).map(([k, v]) => `${k}=${v}`);
        const onPty = await runOnPty(["env", ...vars, ...cliCommand(["status", ...common])], { cwd: root, prompt: "\u0000never asked", answer: "", columns: 100 });
        expect(onPty.code, onPty.output).to.equal(0);
        expect(onPty.output).to.contain("\r\x1b[2K");
        expect(onPty.output).to.match(/\] read the three stacks … \d+\.\ds/);
        expect(onPty.output).to.match(/\] read the three stacks: \d+\.\ds\r?\n/);
        expect(onPty.output).to.match(/posture: +active-passive/);
    });

    it("plan() refuses an already-aborted signal at once, and stops mid-preview when aborted there", async function () {
        const controller = await FailoverController.create({
            ...(await sandboxControllerOptions({ projectDir: lab.dir, backendUrl: lab.env.backendUrl })),
            engine: lab.env,
            journalDir: path.join(lab.dir, ".failover-abort"),
        });
        let err = await controller.plan("failover", { signal: AbortSignal.abort() }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(AbortedError);
        const abort = new AbortController();
        const events: ProgressEvent[] = [];
        err = await controller
            .plan("failover", {
                signal: abort.signal,
                onProgress: (e) => {
                    events.push(e);
                    if (e.type === "task-start" && e.task.startsWith("preview step 1")) {
                        abort.abort();
                    }
                },
            })
            .catch((e: unknown) => e);
        expect(err).to.be.instanceOf(AbortedError);
        // The reads ran and the first preview began; no second preview was started.
        const started = events.flatMap((e) => (e.type === "task-start" ? [e.task] : []));
        expect(started).to.have.length(2);
        expect(started[0]).to.equal("check the stack configs and read the three stacks");
        expect(started[1]).to.match(/^preview step 1: scale secondary pilot-light → active \(stack secondary\)$/);
    });

    it("plan --json lists the ordered steps with the engine's preview; the text form names them", function () {
        const r = cli(["plan", "failover", "--json"]);
        expect(r.status, r.stderr).to.equal(0);
        const plan = JSON.parse(r.stdout);
        expect(plan.steps.filter((s: { skip: boolean }) => !s.skip).map((s: { id: string }) => s.id)).to.deep.equal(["before-dns:secondary", "dns:dns", "after-dns:primary"]);
        expect(plan.previews).to.have.length(3);
        // The secondary must serve: pilot light 1 → active 2 × t3.small (the example stack files).
        expect(plan.timeToServe).to.deep.include({ region: "secondary", pilotLight: 1, activeSize: 2, instanceType: "t3.small", configured: "cold-start" });
        expect(plan.timeToServe.paths.map((p: { path: string; seconds: number; monthlyUsd: number }) => [p.path, p.seconds, p.monthlyUsd])).to.deep.equal([
            ["cold-start", launchSeconds + bootSeconds + healthCheckSeconds, 16.46],
            ["warm-pool", warmStartSeconds + launchHookSeconds + healthCheckSeconds, 17.74],
            ["already-active", 0, 32.93],
        ]);
        expect(plan.standbyQuota).to.deep.include({ region: "secondary", awsRegion: "us-west-2", verdict: "enough", neededVcpus: 4, quotaVcpus: sandboxDefaultOnDemandVcpus });
        // One vCPU short in the sandbox's quota model: plan says so, and so does status.
        setSandboxOnDemandQuota(lab.worldDir, "us-west-2", 3);
        try {
            const text = cli(["plan", "failover", "--no-preview"]);
            expect(text.status, text.stderr).to.equal(0);
            expect(text.stdout).to.contain("1. scale secondary pilot-light → active (stack secondary)");
            expect(text.stdout).to.contain("standby cost (ESTIMATE, list prices of");
            expect(text.stdout).to.contain("time to serve of secondary (ESTIMATE, pilot light 1 → active 2 × t3.small");
            expect(text.stdout).to.contain("  * cold-start: about 210 s (launch 60 + boot 120 + healthChecks 30), $16.46/month");
            expect(text.stdout).to.contain("On-Demand vCPU quota: secondary (us-west-2): 4 vCPUs needed (2 × t3.small), On-Demand Standard quota 3: SHORT by 1 vCPUs");
            const status = cli(["status"]);
            expect(status.stdout).to.contain("quota:     secondary (us-west-2): 4 vCPUs needed (2 × t3.small), On-Demand Standard quota 3: SHORT by 1 vCPUs");
        } finally {
            setSandboxOnDemandQuota(lab.worldDir, "us-west-2", sandboxDefaultOnDemandVcpus);
        }
    });

    it("posture --yes switches with a progress line per step on stderr and a result on stdout", function () {
        const r = cli(["posture", "active-active", "--yes", "--reason", "load test"]);
        // The lab has no canary: unverified, exit 5.
        expect(r.status, r.stderr).to.equal(5);
        expect(r.stdout.split("\n")[0]).to.match(/^UNVERIFIED: active-passive → active-active in \d+\.\ds \(run /);
        const stepLines = r.stderr.split("\n").filter((l) => / step \d: /.test(l));
        expect(stepLines.filter((l) => l.includes("…"))).to.have.length(2);
        expect(stepLines.filter((l) => / done in \d+\.\ds/.test(l))).to.have.length(2);
        const again = cli(["posture", "active-active", "--yes", "--json"]);
        expect(again.status).to.equal(0);
        expect(JSON.parse(again.stdout).status).to.equal("unchanged");
    });

    it("an unreachable region makes the CLI exit 3 (degraded) when the fence cannot be reached either, and say what remains", function () {
        // No CloudWatch here: the fence call fails too, which the result reports alongside the skipped step.
        const faults = path.join(lab.dir, "cli-faults.json");
        fs.writeFileSync(faults, JSON.stringify({ regions: { "us-west-2": "fail" } }));
        const r = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", path.join(root, "automation/cli/bin.ts"), "posture", "active-passive", "--yes", "--cloudwatch-endpoint", "http://127.0.0.1:9", ...common],
            { cwd: root, encoding: "utf8", input: "", env: { ...env, SANDBOX_FAULT_FILE: faults, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_MAX_ATTEMPTS: "1" }, timeout: 300_000 },
        );
        expect(r.status, r.stderr).to.equal(3);
        expect(r.stdout).to.match(/^DEGRADED: active-active → active-passive/);
        expect(r.stdout).to.contain("remaining: scale secondary active → pilot-light");
        expect(r.stderr).to.match(/could not fence secondary/);
        const history = JSON.parse(cli(["history", "--json"]).stdout);
        expect(history.map((e: { result: string; identity: string }) => `${e.identity} ${e.result}`)).to.deep.equal(["dana unverified", "dana degraded"]);
    });

    it("fence and unfence in the sandbox are recorded, shown by status, and audited", function () {
        // Fencing the region that serves moves clients: it says what and when, and needs --yes.
        const refused = cli(["fence", "primary", "--reason", "drill", "--json"]);
        expect(refused.status, refused.stderr).to.equal(2);
        expect(refused.stderr).to.match(/Route 53 answers primary 100 % now, secondary 100 % after \(weights from the fence cache|cached weights/);
        expect(refused.stderr).to.match(/clients move in an estimated 3–4 minutes/);
        expect(JSON.parse(cli(["status", "--json"]).stdout).fence.primary).to.not.equal("fenced");
        const fenced = cli(["fence", "primary", "--reason", "drill", "--json", "--yes"]);
        expect(fenced.status, fenced.stderr).to.equal(0);
        expect(JSON.parse(fenced.stdout)).to.deep.include({ region: "primary", state: "fenced" });
        const status = JSON.parse(cli(["status", "--json"]).stdout);
        expect(status.fence).to.deep.equal({ primary: "fenced", secondary: "unfenced" });
        // Status says who really serves: the weight-0 secondary, not the weights' primary.
        expect(status.answer).to.deep.equal({ answered: ["secondary"], rule: "zero-weight" });
        expect(cli(["status"]).stdout).to.match(/serving: +secondary \(its weight-0 record/);
        const unfenced = cli(["unfence", "primary"]);
        expect(unfenced.status, unfenced.stderr).to.equal(0);
        expect(unfenced.stdout.trim()).to.equal("primary unfenced");
        expect(JSON.parse(cli(["status", "--json"]).stdout).fence.primary).to.equal("unfenced");
        const history = JSON.parse(cli(["history", "--json", "--limit", "2"]).stdout);
        expect(history.map((e: { operation: string; to: string }) => `${e.operation} ${e.to}`)).to.deep.equal(["fence primary fenced", "unfence primary unfenced"]);
    });

    it("with us-east-1 down, fencing the only healthy region is refused (exit 2, nothing changed) and fencing the dead one works", function () {
        const faults = path.join(lab.dir, "us-east-1-down.json");
        fs.writeFileSync(faults, JSON.stringify({ regions: { "us-east-1": "fail" } }));
        const down = (args: readonly string[]) => spawnCli([...args, ...common], { env: { ...env, SANDBOX_FAULT_FILE: faults } });
        const before = fs.readFileSync(path.join(lab.dir, ".failover", "sandbox-fence.json"), "utf8");
        const refused = down(["fence", "secondary", "--yes", "--reason", "drill"]);
        expect(refused.status, refused.stderr).to.equal(2);
        expect(refused.stderr.trim().split("\n").at(-1)).to.match(/^error: fence secondary refused: primary's endpoint is unhealthy and would get 100 % of answers \(now 0 %\)/);
        expect(fs.readFileSync(path.join(lab.dir, ".failover", "sandbox-fence.json"), "utf8"), "nothing published").to.equal(before);
        // The same through the engine's path: the same operation, the same refusal.
        const fromStack = down(["fence", "secondary", "--yes", "--reason", "drill", "--from-stack"]);
        expect(fromStack.status, fromStack.stderr).to.equal(2);
        expect(fromStack.stderr).to.match(/fence secondary refused: primary's endpoint is unhealthy/);
        const fenced = down(["fence", "primary", "--yes", "--reason", "drill"]);
        expect(fenced.status, fenced.stderr).to.equal(0);
        expect(fenced.stdout.trim()).to.equal("primary fenced");
        // Never both, on the engine's path too, from the fence's store.
        const both = down(["fence", "secondary", "--yes", "--reason", "drill", "--from-stack"]);
        expect(both.status, both.stderr).to.equal(2);
        expect(both.stderr).to.match(/primary is fenced \(read from CloudWatch .*\): fencing secondary too would leave no healthy record/);
        fs.rmSync(faults);
        const back = cli(["unfence", "primary", "--yes", "--reason", "drill over"]);
        expect(back.status, back.stderr).to.equal(0);
    });

    it("the embedding example in the README compiles and runs", function () {
        const doc = fs.readFileSync(path.join(root, "README.md"), "utf8");
        const example = /### Embedding\n\n```ts\n([\s\S]*?)```/.exec(doc)?.[1];
        expect(example, "README.md has an embedding example").to.be.a("string");
        // Short enough to read at a glance; two of its lines put it on the sandbox.
        expect(example!.trim().split("\n").length).to.be.at.most(18);
        // Inside the checkout (git-ignored .tmp/) so that the compiler finds node_modules' types.
        fs.mkdirSync(path.join(root, ".tmp"), { recursive: true });
        const dir = fs.mkdtempSync(path.join(root, ".tmp", "driver-example-"));
        try {
            // The example imports the package by name; here that name is this checkout's entry point.
            const file = path.join(dir, "example.ts");
            fs.writeFileSync(
                file,
                example!
                    .replace('from "sftp-failover"', `from ${JSON.stringify(path.join(root, "index"))}`)
                    .replace('from "sftp-failover/sandbox"', `from ${JSON.stringify(path.join(root, "sandbox", "controller-options"))}`),
            );
            const tsc = spawnSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "--strict", "--esModuleInterop", "--skipLibCheck", "--target", "ES2022", "--module", "commonjs", "--moduleResolution", "node", "--types", "node", file], { cwd: root, encoding: "utf8" });
            expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
            const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", file], {
                cwd: root,
                encoding: "utf8",
                env: { ...env, PROJECT_DIR: lab.dir, BACKEND_URL: lab.env.backendUrl },
                timeout: 300_000,
            });
            expect(run.status, run.stderr).to.equal(0);
            // The secondary is still at full capacity from the degraded run, so its step is skipped.
            expect(run.stdout.trim().split("\n")).to.deep.equal([
                "steps: switch DNS active-passive → failover; scale primary active → drained",
                "switch DNS active-passive → failover: done",
                "scale primary active → drained: done",
                // The lab has no canary: the gate cannot verify the secondary.
                "unverified: active-passive → failover; remaining: 0",
            ]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
