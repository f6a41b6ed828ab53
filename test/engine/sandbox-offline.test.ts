import { expect } from "chai";
import { exitCodes } from "../../automation/cli/errors";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { verbCommands, verbNameOf } from "../../automation/cli/main";
import { reconcileUnavailable } from "../../sandbox/cli-backends";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { leavingAttempts, OutboundAttempt, runTraced, TracedRun } from "../support/outbound-trace";
import { cliCommand } from "../support/spawn-cli";

// The sandbox never reaches AWS (issue 19): with AWS credentials in the environment, every verb of
// the CLI with --sandbox, and every method of the SDK with the sandbox's options, runs against one
// deployed lab under strace, which sees every connection of every process they start (the engine,
// the language host, the provider plugins). Any connection off loopback, and any DNS query for an
// amazonaws.com name, fails the test. The verbs come from the CLI's own list, so a new verb is
// toured without anyone adding it here; the arguments below only make a known verb do its work.

const root = path.resolve(__dirname, "..", "..");

/** Where the tour's `init` writes its starter project (removed afterwards). */
const starterDir = path.join(os.tmpdir(), `sandbox-offline-init-${process.pid}`);

/** Arguments that make each verb act (each list is one run); a verb not named here runs bare. */
const tour: Readonly<Record<string, readonly (readonly string[])[]>> = {
    init: [[starterDir]],
    status: [["--json"]],
    plan: [["failover"]],
    posture: [["active-passive", "--reason", "tour", "--yes"]],
    failover: [["--reason", "tour", "--yes"]],
    failback: [["--reason", "tour", "--yes"]],
    fence: [
        ["primary", "--reason", "tour", "--yes"],
        ["primary", "--from-stack", "--reason", "tour", "--yes"],
    ],
    unfence: [
        ["primary", "--reason", "tour", "--yes"],
        ["primary", "--from-stack", "--reason", "tour", "--yes"],
    ],
    history: [["--limit", "5"]],
    bootstrap: [["--yes"]],
    hostkeys: [["show"]],
    unlock: [["--reason", "tour", "--yes"]],
    verify: [["primary"], ["secondary"]],
    reconcile: [["--serving-bucket", "b-secondary", "--serving-region", "us-west-2", "--other-bucket", "b-primary", "--other-region", "us-east-1"]],
};

function describeAttempts(attempts: readonly OutboundAttempt[]): string {
    return attempts.map((a) => `${a.syscall} to ${a.address}:${a.port}${a.awsName !== undefined ? ` (DNS query ${a.awsName})` : ""}: ${a.line}`).join("\n");
}

describe("the sandbox never reaches AWS: every verb and SDK method, AWS credentials set, traced", function () {
    let lab: Lab;
    let env: NodeJS.ProcessEnv;
    let common: string[];
    let traceNumber = 0;

    const traced = (argv: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): TracedRun =>
        runTraced(argv, { env: { ...env, ...extraEnv }, cwd: root, traceFile: path.join(lab.dir, `trace-${++traceNumber}.txt`) });

    before(async function () {
        ({ lab } = await deployedLab());
        // An operator's shell: credentials and a region that would reach AWS, and none of the
        // engine's variables (the CLI must set them itself). Endpoint overrides would hide a call
        // behind loopback, so none are inherited.
        const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_") && !k.startsWith("AWS_") && !k.startsWith("SANDBOX_")));
        env = {
            ...inherited,
            AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            AWS_REGION: "us-east-1",
            AWS_DEFAULT_REGION: "us-east-1",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            SANDBOX_RECORD_FILE: lab.recordFile,
            SANDBOX_FAULT_FILE: lab.faultFile,
        };
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl, "--identity", "tour"];
    });

    after(function () {
        lab?.remove();
        fs.rmSync(starterDir, { recursive: true, force: true });
    });

    it("the tracer sees a grandchild's connection off loopback and a DNS query for an amazonaws.com name (so a quiet trace means something)", function () {
        // The connection is made by a child of the traced process, as the engine's plugins are.
        const connect = 'const s = require("node:net").connect(9, "192.0.2.1"); s.on("error", () => {}); setImmediate(() => s.destroy());';
        const probe = [
            `require("node:child_process").spawnSync(process.execPath, ["-e", ${JSON.stringify(connect)}]);`,
            'new (require("node:dns").promises.Resolver)({ timeout: 200, tries: 1 }).resolve4("s3.us-east-1.amazonaws.com").catch(() => {});',
        ].join("\n");
        const r = traced([process.execPath, "-e", probe]);
        expect(r.status, r.stderr).to.equal(0);
        const leaving = leavingAttempts(r.attempts);
        expect(leaving.map((a) => `${a.address}:${a.port}`), describeAttempts(r.attempts)).to.include("192.0.2.1:9");
        expect(leaving.map((a) => a.awsName).filter((n) => n !== undefined), describeAttempts(r.attempts)).to.deep.equal(["s3.us-east-1.amazonaws.com"]);
    });

    for (const command of verbCommands) {
        const verb = verbNameOf(command);
        for (const args of tour[verb] ?? [[]]) {
            it(`${[verb, ...args].join(" ")} --sandbox answers from the sandbox or says in one line it cannot, and connects only to loopback`, function () {
                const r = traced(cliCommand([verb, ...args, ...common]));
                expect(leavingAttempts(r.attempts), describeAttempts(leavingAttempts(r.attempts))).to.deep.equal([]);
                const errors = r.stderr.split("\n").filter((l) => l.startsWith("error: "));
                expect(errors.length, r.stderr).to.be.at.most(1);
                // A result that is not ok is reported on stdout, with its own exit code: degraded,
                // the check after DNS failed, unverified, not ready — and `check`'s "could not check".
                const reported =
                    ([exitCodes.degraded, exitCodes.checkFailed, exitCodes.unverified, exitCodes.notReady] as number[]).includes(r.status ?? -1) ||
                    (verb === "check" && r.status === exitCodes.failed && /^readiness unknown/m.test(r.stdout));
                expect(r.status === 0 || errors.length === 1 || reported, `exit ${r.status} without an error line or a report:\n${r.stderr}`).to.equal(true);
            });
        }
    }

    it("the verbs the sandbox cannot serve said so: reconcile without --s3-endpoint, failback without replication metrics", function () {
        // Run again, alone, to read their answers (the tour above runs every verb in the CLI's order).
        const reconcile = traced(cliCommand(["reconcile", ...tour.reconcile[0], ...common]));
        expect(reconcile.status).to.equal(2);
        expect(reconcile.stderr.trim()).to.equal(`error: ${reconcileUnavailable}`);
        const failback = traced(cliCommand(["failback", ...tour.failback[0], ...common]));
        expect(failback.status).to.not.equal(0);
        expect(failback.stderr).to.match(/^error: .*the sandbox has no CloudWatch, so there are no replication metrics to read/m);
        expect(leavingAttempts([...reconcile.attempts, ...failback.attempts])).to.deep.equal([]);
    });

    it("the SDK with sandboxControllerOptions answers every method and connects only to loopback", function () {
        const r = traced([process.execPath, "-r", "ts-node/register/transpile-only", path.join(root, "test", "fixtures", "sandbox-tour", "sdk-tour.ts")], {
            PROJECT_DIR: lab.dir,
            BACKEND_URL: lab.env.backendUrl,
        });
        expect(r.status, r.stderr).to.equal(0);
        expect(leavingAttempts(r.attempts), describeAttempts(leavingAttempts(r.attempts))).to.deep.equal([]);
        const answers = r.stdout
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as { method: string; ok: boolean; message?: string; summary?: Record<string, unknown> });
        expect(answers.map((a) => a.method)).to.deep.equal(["bootstrap", "status", "plan", "verify", "setPosture", "failback", "fence", "unfence", "history", "readHistory", "unlock"]);
        const byMethod = Object.fromEntries(answers.map((a) => [a.method, a]));
        expect(byMethod.status.ok, JSON.stringify(byMethod.status)).to.equal(true);
        expect(byMethod.failback.message, JSON.stringify(byMethod.failback)).to.match(/the sandbox has no CloudWatch/);
        expect(byMethod.fence.ok, JSON.stringify(byMethod.fence)).to.equal(true);
        expect(byMethod.unfence.ok, JSON.stringify(byMethod.unfence)).to.equal(true);
    });
});
