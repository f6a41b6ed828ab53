import { exitCodeHelp } from "../../automation/cli/errors";
import { cliCommand, spawnCli } from "../support/spawn-cli";
import { runOnPty } from "../support/pty";
import { expect } from "chai";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withoutProgress } from "../support/progress-lines";

// The operator CLI run as a user runs it: a separate process, its stdout, stderr and exit code.
// Every refusal must be one line on stderr, exit code 2, and leave the project folder untouched.

const root = path.resolve(__dirname, "..", "..");
const verbs = ["init", "status", "check", "plan", "posture", "failover", "failback", "fence", "unfence", "history", "bootstrap", "hostkeys", "unlock", "reconcile"] as const;

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

function failover(args: readonly string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
    // stdin a pipe, never a terminal: the CLI must treat it as non-interactive.
    return spawnCli(args, { input: opts.input, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", ...opts.env }, timeoutMs: 90_000 });
}

/**
 * A digest of every file under a folder (names and contents), to prove nothing changed. The
 * engine's own cache folder and the file backend's one-time format marker (meta.yaml, written when
 * a backend folder is first opened) are not the project's state and are left out; so are empty folders.
 */
function snapshot(dir: string): string {
    const hash = crypto.createHash("sha256");
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            if (entry.name === ".pulumi-home" || entry.name.startsWith("meta.yaml")) {
                continue;
            }
            const p = path.join(d, entry.name);
            if (entry.isDirectory()) {
                walk(p);
            } else {
                hash.update(path.relative(dir, p));
                hash.update(fs.readFileSync(p, "utf8"));
            }
        }
    };
    walk(dir);
    return hash.digest("hex");
}

describe("operator CLI as a user runs it", function () {
    let project: string;
    let common: string[];

    before(function () {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "cli-usage-"));
        for (const f of fs.readdirSync(root).filter((n) => /^Pulumi(\.[\w-]+)?\.yaml$/.test(n))) {
            fs.copyFileSync(path.join(root, f), path.join(project, f));
        }
        // An existing, empty backend: the driver refuses one that does not exist rather than create it.
        fs.mkdirSync(path.join(project, ".state"));
        common = ["--stack-dir", project, "--sandbox", "--backend", `file://${path.join(project, ".state")}`];
    });

    after(function () {
        fs.rmSync(project, { recursive: true, force: true });
    });

    it("--help lists every verb and the exit codes", function () {
        const r = failover(["--help"]);
        expect(r.status).to.equal(0);
        for (const verb of verbs) {
            expect(r.stdout).to.match(new RegExp(`sftp-failover ${verb}\\b`));
        }
        // yargs wraps the epilogue to the terminal's width.
        expect(r.stdout.replace(/\s+/g, " ")).to.contain(exitCodeHelp.replace(/\s+/g, " "));
        expect(exitCodeHelp).to.match(/^Exit codes: 0 ok · 1 failed · 2 bad input .* · 5 switched unverified .* · 6 not ready: `check`'s findings, or `plan` with stacks not deployed · 130 interrupted/);
    });

    for (const verb of verbs) {
        it(`${verb} --help describes the verb and exits 0`, function () {
            const r = failover([verb, "--help"]);
            expect(r.status, r.stderr).to.equal(0);
            expect(r.stdout).to.match(new RegExp(`^sftp-failover ${verb}`));
            expect(r.stdout).to.contain("--json");
        });
    }

    const refusals: { name: string; args: string[]; message: RegExp }[] = [
        { name: "an unknown posture", args: ["posture", "sideways", "--yes"], message: /^error: <posture>: unknown posture "sideways" \(valid: active-active, active-passive, failover\)$/ },
        { name: "an unknown posture to plan", args: ["plan", "sideways"], message: /^error: <posture>: unknown posture "sideways"/ },
        { name: "weights out of range", args: ["posture", "active-active", "--weights", "300/10", "--yes"], message: /^error: --weights\.primary must be an integer 0–255 \(got 300\)$/ },
        { name: "all-zero weights", args: ["posture", "active-active", "--weights", "0/0", "--yes"], message: /^error: --weights are all 0/ },
        { name: "malformed weights", args: ["posture", "active-active", "--weights", "half", "--yes"], message: /^error: --weights must be primary\/secondary, e.g\. 70\/30 \(got "half"\)$/ },
        { name: "weights on a posture without a split", args: ["posture", "failover", "--weights", "60/40", "--reason", "x", "--yes"], message: /^error: --weights applies only to active-active/ },
        { name: "failover without --reason", args: ["failover", "--yes"], message: /^error: --reason is required for failover/ },
        { name: "posture failover without --reason", args: ["posture", "failover", "--yes"], message: /^error: --reason is required for failover/ },
        { name: "a switch without --yes on a non-terminal", args: ["posture", "active-active"], message: /^error: --yes is required when stdin is not a terminal \(nothing was changed\)$/ },
        { name: "failback without --yes on a non-terminal", args: ["failback"], message: /^error: --yes is required when stdin is not a terminal/ },
        { name: "an unknown flag", args: ["status", "--colour"], message: /^error: Unknown argument: colour/ },
        { name: "an unknown region to fence", args: ["fence", "moon"], message: /^error: <region>: unknown region "moon" \(valid: primary, secondary\)$/ },
        { name: "a negative --wait", args: ["posture", "active-active", "--yes", "--wait", "-1"], message: /^error: --wait must be a number of seconds ≥ 0 \(got -1\)$/ },
        { name: "a zero --step-timeout", args: ["posture", "active-active", "--yes", "--step-timeout", "0"], message: /^error: --step-timeout must be a number of seconds > 0/ },
        { name: "a bad --since", args: ["history", "--since", "yesterday-ish"], message: /^error: --since must be an ISO date or time, a duration ago such as 30m, 2h, 1d or 1w, or today or yesterday \(got "yesterday-ish"\)$/ },
        { name: "an unknown stack", args: ["status", "--primary-stack", "nowhere"], message: /^error: unknown stack "nowhere" for primary \(the backend has: no stacks\)$/ },
        { name: "the same stack twice", args: ["status", "--secondary-stack", "primary"], message: /^error: stacks must be three different stacks/ },
        { name: "no verb at all", args: [], message: /^error: a command is required/ },
        { name: "a --coordination that names no store", args: ["history", "--coordination", "gs://team/ops"], message: /^error: coordination "gs:\/\/team\/ops" is neither s3:\/\/bucket\/prefix nor a folder$/ },
        { name: "a zero --lease", args: ["posture", "active-active", "--yes", "--lease", "0"], message: /^error: --lease must be a number of seconds > 0 \(got 0\)$/ },
    ];
    for (const refusal of refusals) {
        it(`${refusal.name} → one line naming it, exit 2, nothing changed`, function () {
            const before = snapshot(project);
            const r = failover([...refusal.args, ...common]);
            expect(r.status, r.stderr).to.equal(2);
            // What it read before refusing is progress, not part of the refusal.
            const lines = withoutProgress(r.stderr).trim().split("\n");
            expect(lines, r.stderr).to.have.length(1);
            expect(lines[0]).to.match(refusal.message);
            expect(r.stdout).to.equal("");
            expect(snapshot(project)).to.equal(before);
        });
    }

    it("a backend folder that does not exist → one line naming it, exit 2, and no folder created", function () {
        const r = failover(["status", "--sandbox", "--stack-dir", project, "--backend", `file://${path.join(project, "typo-state")}`]);
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr.trim().split("\n")).to.deep.equal([`error: backend file://${path.join(project, "typo-state")} does not exist (the driver works on deployed stacks; a mistyped --backend?)`]);
        expect(r.stdout).to.equal("");
        expect(fs.existsSync(path.join(project, "typo-state"))).to.equal(false);
    });

    it("a backend under /proc is refused at once instead of spinning (Node's recursive mkdir loops there)", function () {
        const r = failover(["status", "--sandbox", "--stack-dir", project, "--backend", "file:///proc/x"]);
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr.trim()).to.equal("error: backend file:///proc/x does not exist (the driver works on deployed stacks; a mistyped --backend?)");
    });

    it("--json puts only JSON on stdout, for results and for errors", function () {
        const empty = failover(["history", "--json", ...common]);
        expect(empty.status, empty.stderr).to.equal(0);
        expect(JSON.parse(empty.stdout)).to.deep.equal([]);

        const journalDir = path.join(project, "journal-for-json");
        fs.mkdirSync(journalDir);
        const entry = { at: "2026-01-01T00:00:00.000Z", identity: "alice", host: "h", operation: "failover", reason: "drill", from: "active-passive", to: "failover", result: "ok", runId: "r1", durationMs: 5 };
        fs.writeFileSync(path.join(journalDir, "audit.jsonl"), JSON.stringify(entry) + "\n");
        const listed = failover(["history", "--json", "--journal-dir", journalDir, ...common]);
        expect(listed.status, listed.stderr).to.equal(0);
        expect(JSON.parse(listed.stdout)).to.deep.equal([entry]);

        const refused = failover(["posture", "sideways", "--json", ...common]);
        expect(refused.status).to.equal(2);
        expect(JSON.parse(refused.stdout)).to.deep.equal({
            error: { name: "UsageError", message: '<posture>: unknown posture "sideways" (valid: active-active, active-passive, failover)' },
        });
    });

    it("history as text shows who, what and why", function () {
        const journalDir = path.join(project, "journal-for-text");
        fs.mkdirSync(journalDir);
        const entry = { at: "2026-01-01T00:00:00.000Z", identity: "alice", host: "h", operation: "failover", reason: "region drill", from: "active-passive", to: "failover", result: "ok", runId: "r1", durationMs: 5 };
        fs.writeFileSync(path.join(journalDir, "audit.jsonl"), JSON.stringify(entry) + "\n");
        const r = failover(["history", "--journal-dir", journalDir, ...common]);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.match(/alice\s+failover\s+active-passive\s+failover\s+ok\s+region drill/);
    });

    describe("history fits the terminal", function () {
        let journalDir: string;
        const longTo = `cleared ${Array.from({ length: 12 }, (_, i) => `backend lock of stack s${i} (engine pid ${1000 + i} on host-${i})`).join("; ")}`;

        before(function () {
            journalDir = path.join(project, "journal-wide");
            fs.mkdirSync(journalDir);
            const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
            const entries = [
                { at: at(30), identity: "bob", host: "h", operation: "unlock", to: longTo, result: "ok", runId: "r0", durationMs: 1 },
                { at: at(1), identity: "alice", host: "h", operation: "failover", reason: "region drill", from: "active-passive", to: "failover", result: "ok", runId: "r1", durationMs: 5 },
            ];
            fs.writeFileSync(path.join(journalDir, "audit.jsonl"), entries.map((e) => JSON.stringify(e)).join("\n") + "\n");
        });

        it("on a 120-column terminal every row fits, the long text cut with an ellipsis", async function () {
            const r = await runOnPty([...cliCommand([]), "history", "--journal-dir", journalDir, ...common], { cwd: root, prompt: "\u0000never", answer: "", columns: 120 });
            expect(r.code, r.output).to.equal(0);
            const rows = r.output.split(/\r?\n/).filter((l) => l.trim() !== "");
            expect(rows).to.have.length(3);
            for (const row of rows) {
                expect(row.length, row).to.be.at.most(120);
            }
            expect(rows[1], r.output).to.match(/^\S+\s+bob\s+unlock\s+-\s+cleared backend lock.*…\s+ok\s+-$/);
            expect(rows[2]).to.match(/alice\s+failover\s+active-passive\s+failover\s+ok\s+region drill$/);
        });

        it("--wide on a terminal, and any output that is not a terminal, keep every column whole", async function () {
            const wide = await runOnPty([...cliCommand([]), "history", "--wide", "--journal-dir", journalDir, ...common], { cwd: root, prompt: "\u0000never", answer: "", columns: 80 });
            expect(wide.output).to.include(longTo);
            const piped = failover(["history", "--journal-dir", journalDir, ...common]);
            expect(piped.stdout).to.include(longTo);
        });

        it("--since takes a duration ago, yesterday and ISO, and each selects the entries after it", function () {
            const since = (value: string) => failover(["history", "--since", value, "--journal-dir", journalDir, ...common]);
            expect(since("2h").stdout).to.include("alice").and.not.include("bob");
            expect(since("2d").stdout).to.include("alice").and.include("bob");
            expect(since(new Date(Date.now() - 2 * 3_600_000).toISOString()).stdout).to.include("alice").and.not.include("bob");
            const refused = since("2 fortnights");
            expect(refused.status).to.equal(2);
            expect(refused.stderr.trim()).to.match(/^error: --since must be .* \(got "2 fortnights"\)$/);
        });
    });
});
