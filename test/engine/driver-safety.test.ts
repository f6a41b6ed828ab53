import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { FailoverController } from "../../automation/driver/controller";
import { AuditEntry } from "../../automation/driver/audit";
import { AnswerSafetyError, BadInputError, SwitchStoppedError } from "../../automation/driver/errors";
import { SetPostureResult } from "../../automation/driver/types";
import { sandboxEndpointHealth } from "../../sandbox/endpoint-health";
import { sandboxFenceClient } from "../../sandbox/fence";
import { changesSince, readRecords } from "../../sandbox/recorder";
import { freePort } from "../support/ports";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { labDigest as digest } from "../support/lab-digest";
import { CliRun, runMain } from "../support/run-main";
import { spawnCli } from "../support/spawn-cli";
import { withoutProgress } from "../support/progress-lines";

// Bad input changes nothing. One lab is deployed once (deploying is the expensive part); then a
// corpus of bad inputs — CLI flags, stack files, users.yaml, SDK arguments — is run against it,
// mostly through the CLI's own main() in this process. Each case asserts the one-line message,
// exit 2 (or BadInputError), and a sha256 of every stack file, state file and driver file taken
// before and after: unchanged. The harmful cases of issue 9 come first, each its own test.

/** Rewrites the value of `  sftp-failover:<key>:` in a stack file, nested lines included (adds it when absent). */
function setStackKey(file: string, key: string, value: string): void {
    const text = fs.readFileSync(file, "utf8");
    const line = `  sftp-failover:${key}: ${value}`;
    const pattern = new RegExp(`^  sftp-failover:${key}:.*(\n    .*)*$`, "m");
    fs.writeFileSync(file, pattern.test(text) ? text.replace(pattern, line) : text.replace(/^config:\n/m, `config:\n${line}\n`));
}

describe("driver safety: bad input changes nothing (one shared sandbox lab)", function () {
    let lab: Lab;
    let common: string[];
    let journalDir: string;
    const saved = new Map<string, string>();

    /** Saves a lab file once, so each case can restore it. */
    const keep = (name: string) => {
        const file = path.join(lab.dir, name);
        if (!saved.has(file)) {
            saved.set(file, fs.readFileSync(file, "utf8"));
        }
        return file;
    };
    const restoreAll = () => {
        for (const [file, text] of saved) {
            fs.writeFileSync(file, text);
        }
    };

    /** Runs the CLI expecting a refusal: exit 2, one line matching `message`, nothing changed. */
    async function refused(args: readonly string[], message: RegExp, opts: { json?: boolean } = {}): Promise<CliRun> {
        const before = digest(lab.dir);
        const r = await runMain([...args, ...common]);
        expect(r.status, r.stderr).to.equal(2);
        // What it read before refusing is progress, not part of the refusal.
        const lines = withoutProgress(r.stderr).trim().split("\n");
        expect(lines, r.stderr).to.have.length(1);
        expect(lines[0]).to.match(message);
        if (opts.json !== true) {
            expect(r.stdout).to.equal("");
        }
        expect(digest(lab.dir), "nothing changed").to.equal(before);
        return r;
    }

    /** Runs an SDK call expecting BadInputError with `message`, nothing changed. */
    async function sdkRefused(call: () => Promise<unknown>, message: RegExp): Promise<void> {
        const before = digest(lab.dir);
        let error: unknown;
        try {
            await call();
        } catch (err) {
            error = err;
        }
        expect(error, "a BadInputError").to.be.instanceOf(BadInputError);
        expect((error as Error).message.split("\n")).to.have.length(1);
        expect((error as Error).message).to.match(message);
        expect(digest(lab.dir), "nothing changed").to.equal(before);
    }

    before(async function () {
        // Deployed in the order AWS accepts (bootstrap), copied from this process's snapshot.
        lab = (await deployedLab()).lab;
        journalDir = path.join(lab.dir, ".failover");
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl];
        // One real switch first, so the driver's files exist and their digest is part of every check.
        const r = await runMain(["posture", "active-active", "--yes", "--reason", "baseline", ...common]);
        // The lab has no canary: the switch ends unverified (exit 5).
        expect(r.status, r.stderr).to.equal(5);
        for (const name of ["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.dns.yaml", "users.yaml"]) {
            keep(name);
        }
    });

    afterEach(function () {
        restoreAll();
    });

    after(function () {
        lab?.remove();
    });

    describe("the harmful cases of issue 9, each refused before any change", function () {
        it("1. swapped roles (--primary-stack secondary --secondary-stack primary) are refused: the stack says it is the secondary", async function () {
            await refused(
                ["failover", "--yes", "--reason", "drill", "--primary-stack", "secondary", "--secondary-stack", "primary"],
                /^error: stack secondary was given as the primary stack, but Pulumi\.secondary\.yaml has sftp-failover:regionName secondary \(are the stacks swapped\?\)$/,
            );
        });

        it("2. an invalid users.yaml in --stack-dir is refused, naming that file (not the repository's)", async function () {
            fs.writeFileSync(keep("users.yaml"), "users:\n  - name: Bad-Name\n    publicKeys: []\n");
            await refused(["posture", "active-passive", "--yes"], new RegExp(`^error: Pulumi\\.primary\\.yaml \\(stack primary\\): ${path.join(lab.dir, "users.yaml").replace(/[.\\/]/g, "\\$&")}: user "Bad-Name"`));
        });

        it("3. ttl: 3600 in Pulumi.dns.yaml is refused before any step: no scale-up, no fence, no drain", async function () {
            setStackKey(keep("Pulumi.dns.yaml"), "ttl", "3600");
            await refused(["failover", "--yes", "--reason", "drill"], /^error: Pulumi\.dns\.yaml \(stack dns\): sftp-failover:ttl 3600 is above 60 s/);
        });

        it("4. a health-check threshold of -1 is refused before the secondary is scaled up", async function () {
            setStackKey(keep("Pulumi.dns.yaml"), "healthCheckFailureThreshold", "-1");
            await refused(["posture", "active-passive", "--yes"], /^error: Pulumi\.dns\.yaml \(stack dns\): sftp-failover:healthCheckFailureThreshold/);
        });

        it("5. noncurrentVersionDays: \"thirty\" is a bad value, not an unreachable region: refused, nothing fenced", async function () {
            setStackKey(keep("Pulumi.primary.yaml"), "noncurrentVersionDays", '"thirty"');
            await refused(["failover", "--yes", "--reason", "drill"], /^error: Pulumi\.primary\.yaml \(stack primary\): sftp-failover:noncurrentVersionDays must be a number \(got "thirty"\)$/);
        });

        it("6a. --backend file:///proc/x is refused at once (no spinning), creating nothing", async function () {
            const before = digest(lab.dir);
            const r = await runMain(["posture", "active-passive", "--yes", "--sandbox", "--stack-dir", lab.dir, "--backend", "file:///proc/x"]);
            expect(r.status).to.equal(2);
            expect(r.stderr.trim()).to.equal("error: backend file:///proc/x does not exist (the driver works on deployed stacks; a mistyped --backend?)");
            expect(r.stdout).to.equal("");
            expect(digest(lab.dir), "nothing changed").to.equal(before);
        });

        it("6b. --journal-dir /proc/x is refused at once (no spinning) before any change", async function () {
            await refused(["posture", "active-passive", "--yes", "--journal-dir", "/proc/x"], /^error: journal folder \/proc\/x cannot be written \(E[A-Z]+\); nothing was changed$/);
        });

        // Issue 25 (3): status, which writes only the fence cache, spun at 100 % CPU in Node's
        // recursive mkdir. Each verb runs as its own process; the kill timer is a safety net for
        // the old spin (it fails the test by status null), never a measure of time.
        for (const verb of [["status"], ["plan", "active-active"], ["verify", "primary"], ["unlock", "--yes"]]) {
            it(`6c. ${verb[0]} --journal-dir /proc/x exits 2 with one line naming the folder (a process, not a spin)`, function () {
                const before = digest(lab.dir);
                const r = spawnCli([...verb, "--journal-dir", "/proc/x", ...common], { timeoutMs: 120_000 });
                expect(r.signal, "killed by the safety timer: the CLI spun").to.equal(null);
                expect(r.status, r.stderr).to.equal(2);
                expect(r.stderr.trim().split("\n"), r.stderr).to.deep.equal(["error: journal folder /proc/x cannot be written (ENOENT); nothing was changed"]);
                expect(r.stdout).to.equal("");
                expect(digest(lab.dir), "nothing changed").to.equal(before);
            });
        }

        it("7. an audit log that cannot be written stops the switch before it starts", async function () {
            const dir = path.join(lab.dir, "journal-unwritable");
            fs.mkdirSync(path.join(dir, "audit.jsonl"), { recursive: true });
            try {
                await refused(["posture", "active-passive", "--yes", "--journal-dir", dir], /^error: audit log .*audit\.jsonl cannot be written \(not a regular file\); nothing was changed$/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("8a. a --reason with a newline and terminal escapes is refused and shown escaped", async function () {
            await refused(["posture", "active-passive", "--yes", "--reason", "ok\n2026-01-01 mallory failover \u001b[2J"], /^error: reason must not contain control characters .*\(got "ok\\n2026-01-01 mallory failover \\x1b\[2J"\)$/);
        });

        it("8b. history escapes control characters of an audit log written by anything else: no forged row, no raw escape", async function () {
            const dir = path.join(lab.dir, "journal-forged");
            fs.mkdirSync(dir);
            try {
                const entry = { at: "2026-01-01T00:00:00.000Z", identity: "eve\u001b[31m", host: "h", operation: "failover", reason: "x\n2026-01-02T00:00:00.000Z  mallory  failback", to: "failover", result: "ok", runId: "r1", durationMs: 1 };
                fs.writeFileSync(path.join(dir, "audit.jsonl"), JSON.stringify(entry) + "\n");
                const r = await runMain(["history", "--journal-dir", dir, ...common]);
                expect(r.status, r.stderr).to.equal(0);
                expect(r.stdout.trim().split("\n")).to.have.length(2);
                expect(r.stdout).to.not.contain("\u001b");
                expect(r.stdout).to.contain("eve\\x1b[31m");
                expect(r.stdout).to.contain("x\\n2026-01-02");
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("corpus: CLI flags", function () {
        const cases: [string, string[], RegExp][] = [
            ["an unknown posture", ["posture", "sideways", "--yes"], /^error: <posture>: unknown posture "sideways"/],
            ["a missing posture", ["posture", "--yes"], /^error: posture: <posture> is required \(see --help\)$/],
            ["a missing posture to plan", ["plan"], /^error: plan: <posture> is required \(see --help\)$/],
            ["an unknown region to fence", ["fence", "moon"], /^error: <region>: unknown region "moon"/],
            ["a missing region to unfence", ["unfence"], /^error: unfence: <region> \(primary or secondary\) is required \(see --help\)$/],
            // Issue 9 found "Unknown argument: 1" here: the message must name --weights and the value.
            ["weights out of range, negative first", ["posture", "active-active", "--yes", "--weights", "-1/101"], /^error: --weights\.primary must be an integer 0–255 \(got -1\)$/],
            ["weights above 255", ["posture", "active-active", "--yes", "--weights", "300/0"], /^error: --weights\.primary must be an integer 0–255 \(got 300\)$/],
            ["weights that are not a split", ["posture", "active-active", "--yes", "--weights", "seventy"], /^error: --weights must be primary\/secondary/],
            ["weights for a posture without a split", ["posture", "failover", "--yes", "--reason", "x", "--weights", "70/30"], /^error: --weights applies only to active-active/],
            ["a negative --wait", ["posture", "active-passive", "--yes", "--wait", "-1"], /^error: --wait must be a number of seconds ≥ 0/],
            ["a zero --step-timeout", ["posture", "active-passive", "--yes", "--step-timeout", "0"], /^error: --step-timeout must be a number of seconds > 0/],
            ["--identity given twice", ["posture", "active-passive", "--yes", "--identity", "a", "--identity", "b"], /^error: --identity was given more than once \("a", "b"\); give it once \(see --help\)$/],
            ["--reason given twice", ["failover", "--yes", "--reason", "a", "--reason", "b"], /^error: --reason was given more than once \("a", "b"\); give it once \(see --help\)$/],
            ["failover without --reason", ["failover", "--yes"], /^error: --reason is required for failover/],
            ["failover with a blank --reason", ["failover", "--yes", "--reason", "   "], /^error: --reason is required for failover/],
            ["an identity with an escape sequence", ["posture", "active-passive", "--yes", "--identity", "\u001b[31mroot"], /^error: identity must not contain control characters .*\(got "\\x1b\[31mroot"\)$/],
            ["an unknown flag", ["status", "--colour"], /^error: Unknown argument: colour/],
            ["no verb at all", [], /^error: a command is required/],
            ["an unknown stack", ["posture", "active-passive", "--yes", "--primary-stack", "nowhere"], /^error: unknown stack "nowhere" for primary/],
            ["the same stack for two roles", ["posture", "active-passive", "--yes", "--secondary-stack", "primary"], /^error: stacks must be three different stacks/],
            ["a --since that is no date", ["history", "--since", "yesterday-ish"], /^error: --since must be an ISO date/],
            ["a --limit of 0", ["history", "--limit", "0"], /^error: --limit must be a whole number ≥ 1/],
            ["a switch without --yes on a non-terminal", ["posture", "active-passive"], /^error: --yes is required when stdin is not a terminal/],
        ];
        for (const [what, args, message] of cases) {
            it(`${what} → one line, exit 2, nothing changed`, async function () {
                await refused(args, message);
            });
        }

        it("a --stack-dir without Pulumi.yaml is refused without creating anything in it", async function () {
            const dir = path.join(lab.dir, "not-a-project");
            fs.mkdirSync(dir);
            try {
                const r = await runMain(["status", "--sandbox", "--stack-dir", dir]);
                expect(r.status).to.equal(2);
                expect(r.stderr.trim()).to.equal(`error: projectDir ${dir} has no Pulumi.yaml`);
                expect(fs.readdirSync(dir)).to.deep.equal([]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("a mistyped --backend is refused without creating its folder", async function () {
            const typo = path.join(lab.dir, ".stat");
            const before = digest(lab.dir);
            const r = await runMain(["status", "--sandbox", "--stack-dir", lab.dir, "--backend", `file://${typo}`]);
            expect(r.status).to.equal(2);
            expect(r.stderr.trim()).to.equal(`error: backend file://${typo} does not exist (the driver works on deployed stacks; a mistyped --backend?)`);
            expect(fs.existsSync(typo)).to.equal(false);
            expect(digest(lab.dir), "nothing changed").to.equal(before);
        });

        it("with --json a usage error is JSON on stdout too", async function () {
            const r = await refused(["posture", "--json"], /^error: posture: <posture> is required/, { json: true });
            expect(JSON.parse(r.stdout)).to.deep.equal({ error: { name: "UsageError", message: "posture: <posture> is required" } });
        });
    });

    describe("corpus: stack files and users.yaml", function () {
        const stackCases: [string, string, string, string, RegExp][] = [
            ["an unknown posture in Pulumi.dns.yaml", "Pulumi.dns.yaml", "posture", "sideways", /Pulumi\.dns\.yaml \(stack dns\): sftp-failover:posture/],
            ["weights above 255 in Pulumi.dns.yaml", "Pulumi.dns.yaml", "activeActiveWeights", "{ primary: 300, secondary: 0 }", /Pulumi\.dns\.yaml \(stack dns\): sftp-failover:activeActiveWeights/],
            ["a dns stack pointing at another primary", "Pulumi.dns.yaml", "primaryStack", "organization/sftp-failover/staging", /sftp-failover:primaryStack is organization\/sftp-failover\/staging, but the primary stack given is primary/],
            ["a ttl that is not a number", "Pulumi.dns.yaml", "ttl", "soon", /sftp-failover:ttl must be a number \(got "soon"\)/],
            ["a secondary that says it is the primary", "Pulumi.secondary.yaml", "regionName", "primary", /stack secondary was given as the secondary stack, but Pulumi\.secondary\.yaml has sftp-failover:regionName primary/],
            ["a capacity with min above desired", "Pulumi.secondary.yaml", "capacity", "{ min: 3, desired: 2, max: 4, pilotLight: 1 }", /Pulumi\.secondary\.yaml \(stack secondary\): sftp-failover:capacity must satisfy min ≤ desired ≤ max/],
            ["a listener port out of range", "Pulumi.primary.yaml", "listenerPort", "70000", /Pulumi\.primary\.yaml \(stack primary\): sftp-failover:listenerPort must be 1–65535 \(got "70000"\)/],
            ["the whole internet allowed without allowAnyCidr", "Pulumi.primary.yaml", "allowedCidrs", '["0.0.0.0/0"]', /sftp-failover:allowedCidrs contains 0\.0\.0\.0\/0/],
            ["an unknown capacity mode", "Pulumi.primary.yaml", "capacityMode", "half", /sftp-failover:capacityMode must be one of active, pilot-light, drained \(got "half"\)/],
            ["a region that is not a region", "Pulumi.secondary.yaml", "region", "moon-1", /sftp-failover:region must be an AWS region like us-east-1 \(got "moon-1"\)/],
            ["a peer region equal to the region", "Pulumi.primary.yaml", "peerRegion", "us-east-1", /sftp-failover:peerRegion must differ from region/],
            ["a regional stack with the dns role", "Pulumi.primary.yaml", "role", "dns", /Pulumi\.primary\.yaml \(stack primary\): sftp-failover:role is "dns", but the primary stack must have role regional/],
        ];
        for (const [what, file, key, value, message] of stackCases) {
            it(`${what} → refused naming file, key and value; nothing changed`, async function () {
                setStackKey(keep(file), key, value);
                await refused(["failover", "--yes", "--reason", "drill"], new RegExp(`^error: .*${message.source}`));
            });
        }

        it("invalid YAML in a stack file → refused naming the file, exit 2", async function () {
            const file = keep("Pulumi.primary.yaml");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8") + "  sftp-failover:broken: [unclosed\n");
            await refused(["posture", "active-passive", "--yes"], /^error: Pulumi\.primary\.yaml \(stack primary\) cannot be read: /);
        });

        const usersCases: [string, string, RegExp][] = [
            ["users.yaml that is not YAML", "users: [unclosed\n", /users\.yaml/],
            ["a duplicate user", "users:\n  - name: zoe\n    publicKeys: []\n  - name: zoe\n    publicKeys: []\n", /user "zoe"/],
            ["a user with an unknown field", "users:\n  - name: zoe\n    publicKeys: []\n    admin: true\n", /user "zoe" \(users\[0\]\): unknown field\(s\) admin/],
            ["no users list", "people: []\n", /expected a top-level "users:" list/],
        ];
        for (const [what, text, message] of usersCases) {
            it(`${what} → refused naming the users file; nothing changed`, async function () {
                fs.writeFileSync(keep("users.yaml"), text);
                await refused(["posture", "active-passive", "--yes"], new RegExp(`^error: Pulumi\\.primary\\.yaml \\(stack primary\\): .*${message.source}`));
            });
        }

        it("a missing users.yaml → refused naming it", async function () {
            fs.rmSync(keep("users.yaml"));
            await refused(["posture", "active-passive", "--yes"], /^error: Pulumi\.primary\.yaml \(stack primary\): sftp-failover:usersFile cannot be read: .*users\.yaml \(ENOENT\)$/);
        });

        it("plan refuses a bad stack file the same way (it runs the same loaders)", async function () {
            setStackKey(keep("Pulumi.dns.yaml"), "ttl", "3600");
            await refused(["plan", "failover", "--no-preview"], /^error: Pulumi\.dns\.yaml \(stack dns\): sftp-failover:ttl 3600 is above 60 s/);
        });
    });

    describe("a program error during a step is never taken for an outage", function () {
        it("a failing DNS update that is not the region's stops the switch: nothing fenced, the primary not drained, exit 1; the rerun finishes", async function () {
            // A type-level fault: the Route 53 record update fails, but us-east-1 answers.
            fs.writeFileSync(lab.faultFile, JSON.stringify({ regions: {}, types: { "aws:route53/record:Record": "fail" } }));
            process.env.SANDBOX_FAULT_FILE = lab.faultFile;
            try {
                const r = await runMain(["failover", "--yes", "--reason", "program error drill", ...common]);
                expect(r.status, r.stderr).to.equal(1);
                expect(r.stderr).to.match(/error: stopped at switch DNS active-active → failover \(stack dns\): .*type aws:route53\/record:Record is failing.*; (done before it: .*|no step was done); nothing was fenced/);
                const status = JSON.parse((await runMain(["status", "--json", ...common])).stdout);
                expect(status.capacity.primary, "the primary is not drained").to.equal("active");
                expect(status.fence).to.deep.equal({ primary: "unfenced", secondary: "unfenced" });
                const last = JSON.parse((await runMain(["history", "--json", "--limit", "1", ...common])).stdout)[0];
                expect(last).to.deep.include({ operation: "failover", result: "failed" });
            } finally {
                fs.rmSync(lab.faultFile, { force: true });
                delete process.env.SANDBOX_FAULT_FILE;
            }
            const again = await runMain(["failover", "--yes", "--reason", "program error drill", "--json", ...common]);
            expect(again.status, again.stderr).to.equal(5);
            expect(JSON.parse(again.stdout).status).to.equal("unverified");
        });

        it("a torn last journal line after a completed switch shows no unfinished run, and the rerun audits nothing twice", async function () {
            const journalFile = path.join(journalDir, "journal.jsonl");
            const text = fs.readFileSync(journalFile, "utf8");
            // Cut the last record (the run's end) in half, as a crash mid-write would.
            const lastLine = text.trimEnd().split("\n").pop()!;
            expect(JSON.parse(lastLine).type).to.equal("end");
            fs.writeFileSync(journalFile, text.slice(0, text.length - Math.ceil(lastLine.length / 2) - 1));
            const auditBefore = JSON.parse((await runMain(["history", "--json", ...common])).stdout).length;
            const status = JSON.parse((await runMain(["status", "--json", ...common])).stdout);
            expect(status.unfinished, "no false unfinished run").to.equal(undefined);
            const again = await runMain(["failover", "--yes", "--reason", "after a torn line", "--json", ...common]);
            expect(again.status, again.stderr).to.equal(0);
            expect(JSON.parse(again.stdout).status).to.equal("unchanged");
            expect(JSON.parse((await runMain(["history", "--json", ...common])).stdout)).to.have.length(auditBefore);
        });

        it("unfence --from-stack of a region that is not fenced still publishes and audits it: a read never decides to skip a write", async function () {
            // The last word must win: a read-back that judged the fence in place once skipped the write.
            const audited = JSON.parse((await runMain(["history", "--json", ...common])).stdout).length;
            const r = await runMain(["unfence", "primary", "--from-stack", "--yes", ...common]);
            expect(r.status, r.stderr).to.equal(0);
            expect(r.stdout.trim()).to.equal("primary unfenced");
            const history = JSON.parse((await runMain(["history", "--json", ...common])).stdout);
            expect(history).to.have.length(audited + 1);
            expect(history.at(-1)).to.deep.include({ operation: "unfence", to: "primary unfenced", result: "ok" });
        });
    });

    describe("corpus: SDK arguments", function () {
        const create = (extra: Parameters<typeof FailoverController.create>[0] = {}) => FailoverController.create({ engine: lab.env, journalDir, fence: { endpoint: "http://127.0.0.1:9" }, ...extra });

        it("an unknown posture → BadInputError, nothing changed", async function () {
            const c = await create();
            await sdkRefused(() => c.setPosture("sideways"), /unknown posture "sideways"/);
        });
        it("weights above 255 → BadInputError naming them", async function () {
            const c = await create();
            await sdkRefused(() => c.setPosture("active-active", { activeActiveWeights: { primary: 300, secondary: 0 } }), /activeActiveWeights/);
        });
        it("failover without a reason → BadInputError", async function () {
            const c = await create();
            await sdkRefused(() => c.setPosture("failover"), /^a reason is required to switch to failover$/);
        });
        it("a reason with control characters → BadInputError, shown escaped", async function () {
            const c = await create();
            await sdkRefused(() => c.setPosture("failover", { reason: "a\rb" }), /^reason must not contain control characters .*\(got "a\\rb"\)$/);
        });
        it("a step timeout of 0 → BadInputError", async function () {
            const c = await create();
            await sdkRefused(() => c.setPosture("active-passive", { stepTimeoutMs: 0 }), /^stepTimeoutMs must be a positive number/);
        });
        it("an unknown region to fence → BadInputError", async function () {
            const c = await create();
            await sdkRefused(() => c.fence("moon"), /^unknown region "moon"/);
        });
        it("an empty stack name → BadInputError", async function () {
            await sdkRefused(() => create({ stacks: { primary: " " } }), /^stacks\.primary must not be empty$/);
        });
        it("a negative timeout → BadInputError", async function () {
            await sdkRefused(() => create({ timeouts: { stepMs: -1 } }), /^timeouts\.stepMs must be a positive number/);
        });
        it("an identity with an escape sequence → BadInputError", async function () {
            await sdkRefused(() => create({ identity: "\u001b]0;owned\u0007" }), /^identity must not contain control characters/);
        });
        it("swapped stacks through the SDK → BadInputError", async function () {
            const c = await create({ stacks: { primary: "secondary", secondary: "primary" } });
            await sdkRefused(() => c.setPosture("failover", { reason: "drill" }), /are the stacks swapped\?/);
        });
    });

    // Issue 19: a switch acts on the world, not the plan. The lab is in failover when this begins
    // (the program-error tests above end there); each test leaves the posture the next one needs.
    describe("answer-safe switches, the gate over every region answered, and unverified switches", function () {
        const history = async () => JSON.parse((await runMain(["history", "--json", ...common])).stdout) as AuditEntry[];
        /** A controller whose endpoint health is the lab's reachability model under `faultFile` (the engine's faults stay the lab's). */
        const controllerSeeing = (faultFile: string, extra: Parameters<typeof FailoverController.create>[0] = {}) =>
            FailoverController.create({
                engine: lab.env,
                journalDir,
                identity: "gate-test",
                fence: sandboxFenceClient(path.join(journalDir, "sandbox-fence.json")),
                endpointHealth: sandboxEndpointHealth({ worldDir: lab.worldDir, env: { SANDBOX_FAULT_FILE: faultFile } }),
                ...extra,
            });

        it("--skip-verify ends unverified: exit 5, the final line, --json, the audit entry and history's row say so", async function () {
            const r = await runMain(["posture", "active-active", "--yes", "--skip-verify", "--reason", "back to both", "--json", ...common]);
            expect(r.status, r.stderr).to.equal(5);
            const result = JSON.parse(r.stdout) as SetPostureResult;
            expect(result).to.deep.include({ status: "unverified", to: "active-active" });
            expect(result.verification?.outcome).to.equal("skipped");
            // The drained primary comes up unverified: its health after is unknown, which --yes accepts.
            expect(result.answer?.verdict).to.equal("unknown");
            expect(result.answer?.unknowns).to.deep.equal(["primary endpoint"]);
            expect(r.stderr).to.contain("answer: primary endpoint is unknown: 0 of 2 cases harm clients");
            const last = (await history()).at(-1)!;
            expect(last).to.deep.include({ operation: "posture", to: "active-active", result: "unverified", verification: "verification skipped by the operator (--skip-verify)" });
            expect(last.answer).to.equal("primary endpoint is unknown: 0 of 2 cases harm clients");
            const text = await runMain(["history", "--limit", "1", ...common]);
            expect(text.stdout.split("\n")[1]).to.match(/ posture +failover +active-active +unverified +back to both$/);
        });

        it("with no canary configured a switch ends unverified, naming why, and the CLI's final line says UNVERIFIED", async function () {
            const r = await runMain(["posture", "active-passive", "--yes", "--reason", "no canary", ...common]);
            expect(r.status, r.stderr).to.equal(5);
            expect(r.stdout.split("\n")[0]).to.match(/^UNVERIFIED: active-active → active-passive in \d+\.\ds/);
            expect(r.stdout).to.match(/verification: not verified \(primary has no canary to verify with/);
            expect((await history()).at(-1)).to.deep.include({ result: "unverified" });
        });

        it("with us-west-2 failed, a failover onto the dead secondary is refused before any step: exit 2, the harm in one line, nothing changed; plan shows it", async function () {
            fs.writeFileSync(lab.faultFile, JSON.stringify({ regions: { "us-west-2": "fail" } }));
            process.env.SANDBOX_FAULT_FILE = lab.faultFile;
            try {
                const plan = await runMain(["plan", "failover", "--no-preview", ...common]);
                expect(plan.status, plan.stderr).to.equal(0);
                expect(plan.stdout).to.contain("answer: Route 53 answers primary 100 % now, secondary 100 % (fail open: no record is healthy) after: secondary's endpoint is unhealthy");
                expect(plan.stdout).to.contain("HARMFUL: secondary's endpoint is unhealthy and would get 100 % of answers (now 0 %)");
                const before = digest(lab.dir);
                const r = await runMain(["failover", "--yes", "--reason", "secondary is dead", ...common]);
                expect(r.status, r.stderr).to.equal(2);
                expect(r.stdout).to.equal("");
                const errors = r.stderr.trim().split("\n").filter((l) => l.startsWith("error: "));
                expect(errors).to.deep.equal(["error: refused: secondary's endpoint is unhealthy and would get 100 % of answers (now 0 %) (force with a reason to switch anyway)"]);
                expect(digest(lab.dir), "nothing changed").to.equal(before);
            } finally {
                fs.rmSync(lab.faultFile, { force: true });
                delete process.env.SANDBOX_FAULT_FILE;
            }
        });

        it("a secondary whose endpoint check is down (its API up) is refused through the SDK too; forced with a reason the failover goes through and is audited as forced", async function () {
            const seen = path.join(lab.dir, "health-faults.json");
            fs.writeFileSync(seen, JSON.stringify({ regions: { "us-west-2": "fail" } }));
            const c = await controllerSeeing(seen);
            const before = digest(lab.dir);
            const refusal = await c.setPosture("failover", { reason: "drill" }).then(() => undefined, (err: Error) => err);
            expect(refusal).to.be.instanceOf(AnswerSafetyError).and.instanceOf(BadInputError);
            expect((refusal as AnswerSafetyError).prediction.verdict).to.equal("harmful");
            expect(digest(lab.dir), "nothing changed").to.equal(before);
            const forced = await c.setPosture("failover", { reason: "checked the secondary by hand: the checker is wrong", force: true });
            expect(forced.status).to.equal("unverified");
            expect(forced.forced).to.equal("secondary's endpoint is unhealthy and would get 100 % of answers (now 0 %)");
            expect((await c.status()).posture).to.equal("failover");
            const last = (await history()).at(-1)!;
            expect(last).to.deep.include({ operation: "failover", to: "failover", reason: "checked the secondary by hand: the checker is wrong", forced: forced.forced });
            const text = await runMain(["history", "--limit", "1", ...common]);
            expect(text.stdout.split("\n")[1]).to.match(/ failover +active-passive +failover +unverified \(forced\) +checked the secondary by hand/);
        });

        it("255/1 → failover with the secondary unreachable over SFTP is refused before DNS: the gate verifies the secondary, though its weight was never 0", async function () {
            // Back to 255/1 without a gate, then a canary as bootstrap sets one up, so the gate can run.
            const c = await controllerSeeing(path.join(lab.dir, "no-faults.json"));
            const split = await c.setPosture("active-active", { activeActiveWeights: { primary: 255, secondary: 1 }, skipVerify: true, acceptUnknownHealth: true, reason: "split" });
            expect(split.status).to.equal("unverified");
            expect((await FailoverController.bootstrap({ engine: lab.env })).canary).to.equal("created");
            // Nothing listens where the secondary's SFTP service should be: its sshd is down.
            const closed = await freePort();
            const gated = await controllerSeeing(path.join(lab.dir, "no-faults.json"), { endpoints: { secondary: { host: "127.0.0.1", port: closed } } });
            const { dns } = await lab.stacks();
            const dnsBefore = await dns.exportStack();
            const records = readRecords(lab.recordFile).length;
            const err = await gated.setPosture("failover", { reason: "gate drill" }).then(() => undefined, (e: Error) => e);
            expect(err).to.be.instanceOf(SwitchStoppedError);
            expect(err?.message).to.match(/^verification failed: secondary \(127\.0\.0\.1:\d+\) failed at connect: .*; DNS was not switched, the old posture keeps serving/);
            expect(await dns.exportStack(), "the dns stack was not updated").to.deep.equal(dnsBefore);
            expect(changesSince(lab.recordFile, records).filter((r) => r.type === "aws:route53/record:Record"), "no record changed").to.deep.equal([]);
            expect((await gated.status()).weights).to.deep.equal({ primary: 255, secondary: 1 });
            expect((await history()).at(-1)).to.deep.include({ operation: "failover", result: "failed" });
        });
    });
});
