import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { expect } from "chai";
import { Io, progressPrinter } from "../../automation/cli/context";
import { progressView, ProgressTerminal } from "../../automation/cli/progress";
import { planTransition } from "../../automation/driver/planner";

// The CLI's progress on stderr: a live line rewritten in place on a terminal, plain lines in a log,
// nothing with --json. The unit tests drive the renderer with a recording terminal and a clock the
// test moves; the last two run it for real on a pseudo-terminal (util-linux `script`) and on a pipe.

/** A terminal that records what is written, and a clock the test sets. */
function recording(isTTY: boolean, columns = 80): ProgressTerminal & { written: string[]; clock: { t: number; now: () => number } } {
    const clock = { t: 0, now: () => clock.t };
    const written: string[] = [];
    return { isTTY, written, clock, write: (text) => void written.push(text), columns: () => columns };
}

/** What a terminal shows once every carriage return and erase-line has been applied. */
function screen(raw: string): string[] {
    const lines: string[] = [""];
    for (const part of raw.split(/(\r|\x1b\[2K|\n)/)) {
        if (part === "\n") {
            lines.push("");
        } else if (part === "\x1b[2K") {
            lines[lines.length - 1] = "";
        } else if (part !== "\r" && part !== "") {
            lines[lines.length - 1] += part;
        }
    }
    return lines;
}

function captureIo(): Io & { errors: string[] } {
    const errors: string[] = [];
    return { errors, out: () => undefined, err: (t) => void errors.push(t), stdinIsTTY: false, ask: async () => "" };
}

const cliRoot = path.resolve(__dirname, "../..");

/** A small program that renders two tasks through the CLI's own view on its real stderr. */
const demo = `
const { progressView } = require("./automation/cli/progress");
const view = progressView({ isTTY: process.stderr.isTTY === true, write: (t) => process.stderr.write(t), columns: () => process.stderr.columns });
view.begin("read the three stacks");
view.end("read the three stacks", 1200);
view.begin("preview step 1");
view.line("  secondary: update sftp-secondary-gateway-asg");
view.end("preview step 1", 3400, "preview step 1: 3.4s (update 1)");
view.close();
process.stdout.write(JSON.stringify({ ok: true }) + "\\n");
`;

describe("progress on stderr", () => {
    it("without a terminal, every start and end is a plain line with the elapsed time, and nothing is rewritten", () => {
        const term = recording(false);
        const view = progressView(term, { now: term.clock.now, announceAfterMs: 0 });
        view.begin("read the three stacks");
        term.clock.t = 6900;
        view.end("read the three stacks", 6900);
        view.close();
        expect(term.written).to.deep.equal(["[   0.0s] read the three stacks …\n", "[   6.9s] read the three stacks: 6.9s\n"]);
        expect(term.written.join("")).not.to.match(/\r|\x1b/);
    });

    it("without a terminal, work that ends within a moment is one line, its end; longer work also gets its start when the moment has passed", async () => {
        const term = recording(false);
        const view = progressView(term, { now: term.clock.now, announceAfterMs: 5 });
        view.begin("read the fences");
        term.clock.t = 100;
        view.end("read the fences", 100);
        view.begin("read the three stacks");
        term.clock.t = 3000;
        // Wait on the condition: the start's line, once the moment has passed.
        while (term.written.length < 2) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        term.clock.t = 7000;
        view.end("read the three stacks", 6900);
        view.close();
        // The start's line carries when it started, not when it was printed.
        expect(term.written).to.deep.equal(["[   0.1s] read the fences: 0.1s\n", "[   0.1s] read the three stacks …\n", "[   7.0s] read the three stacks: 6.9s\n"]);
    });

    it("on a terminal, the running task is one live line rewritten in place, and a finished one stays as a line", () => {
        const term = recording(true);
        const view = progressView(term, { now: term.clock.now });
        view.begin("read the three stacks");
        expect(screen(term.written.join(""))).to.deep.equal(["[   0.0s] read the three stacks … 0.0s"]);
        term.clock.t = 2000;
        view.begin("read the fences");
        expect(screen(term.written.join(""))).to.deep.equal(["[   2.0s] read the fences … 0.0s (+1 more)"]);
        term.clock.t = 3500;
        view.end("read the fences", 1500);
        expect(screen(term.written.join(""))).to.deep.equal(["[   3.5s] read the fences: 1.5s", "[   3.5s] read the three stacks … 3.5s"]);
        view.line("  dns: update sftp-primary-a");
        term.clock.t = 7000;
        view.end("read the three stacks", 7000);
        view.close();
        // Nothing live is left once the operation is over: the result follows on a clean line.
        expect(screen(term.written.join(""))).to.deep.equal([
            "[   3.5s] read the fences: 1.5s",
            "[   3.5s]   dns: update sftp-primary-a",
            "[   7.0s] read the three stacks: 7.0s",
            "",
        ]);
    });

    it("on a terminal, the live line's clock is redrawn while a task runs and stops once it ends", async () => {
        const term = recording(true);
        const view = progressView(term, { now: term.clock.now, refreshMs: 5 });
        view.begin("preview step 1");
        term.clock.t = 4200;
        // Wait on the condition (a redraw showing the new clock), bounded by mocha's timeout.
        while (!screen(term.written.join("")).includes("[   4.2s] preview step 1 … 4.2s")) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        view.end("preview step 1", 4200);
        const after = term.written.length;
        // A second view with the same refresh redrawing twice proves a refresh period has passed.
        const witness = recording(true);
        const other = progressView(witness, { now: witness.clock.now, refreshMs: 5 });
        other.begin("witness");
        while (witness.written.length < 3) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        other.close();
        expect(term.written.length, "no redraw once nothing runs").to.equal(after);
    });

    it("on a narrow terminal the live line is cut with an ellipsis so it never wraps", () => {
        const term = recording(true, 30);
        const view = progressView(term, { now: term.clock.now });
        view.begin("preview step 2: switch DNS active-passive → failover (stack dns)");
        const [live] = screen(term.written.join(""));
        expect([...live]).to.have.length(29);
        expect(live.endsWith("…")).to.equal(true);
        view.close();
    });

    it("the CLI's printer: a line per task and step through err without a terminal; with --json no progress, only the decisions", () => {
        const [step] = planTransition("active-passive", "failover");
        const events = (printer: ReturnType<typeof progressPrinter>) => {
            printer.onProgress({ type: "task-start", task: "read the three stacks" });
            printer.onProgress({ type: "task-end", task: "read the three stacks", durationMs: 2100, ok: true });
            printer.onProgress({ type: "step-start", step });
            printer.onProgress({ type: "fenced", region: "primary", ok: true });
            printer.onProgress({ type: "step-end", step, result: { id: step.id, stack: step.stack, description: step.description, status: "done", durationMs: 4200 } });
            printer.close();
        };
        const plain = captureIo();
        events(progressPrinter(plain, { quietMs: 0 }));
        // The read ended at once: its end is its one line. A step's start always has its own.
        expect(plain.errors.map((l) => l.replace(/^\[\s*[\d.]+s\] /, ""))).to.deep.equal([
            "read the three stacks: 2.1s",
            `step 1: ${step.description} (stack ${step.stack}) …`,
            "fenced primary",
            "step 1: done in 4.2s",
        ]);
        const json = captureIo();
        events(progressPrinter(json, { json: true, quietMs: 0 }));
        expect(json.errors.map((l) => l.replace(/^\[\s*[\d.]+s\] /, ""))).to.deep.equal(["fenced primary"]);
    });

    it("the CLI's printer stays quiet at first: an operation over within it shows no progress, only its decisions; a longer one shows what it held", async () => {
        const [step] = planTransition("active-passive", "failover");
        const quick = captureIo();
        const printer = progressPrinter(quick);
        printer.onProgress({ type: "task-start", task: "read the three stacks" });
        printer.onProgress({ type: "task-end", task: "read the three stacks", durationMs: 300, ok: true });
        printer.close();
        // A refusal found after the read is its one error line: nothing came before it.
        expect(quick.errors).to.deep.equal([]);

        const decided = captureIo();
        const withNotice = progressPrinter(decided);
        withNotice.onProgress({ type: "task-start", task: "read the three stacks" });
        withNotice.onProgress({ type: "task-end", task: "read the three stacks", durationMs: 300, ok: true });
        withNotice.onProgress({ type: "fenced", region: "primary", ok: true });
        withNotice.close();
        // A decision is shown at once, with the work held before it.
        expect(decided.errors.map((l) => l.replace(/^\[\s*[\d.]+s\] /, ""))).to.deep.equal(["read the three stacks: 0.3s", "fenced primary"]);

        const slow = captureIo();
        const long = progressPrinter(slow, { quietMs: 20 });
        long.onProgress({ type: "task-start", task: "read the three stacks" });
        long.onProgress({ type: "task-end", task: "read the three stacks", durationMs: 10, ok: true });
        long.onProgress({ type: "step-start", step });
        expect(slow.errors).to.deep.equal([]);
        // Wait on the condition (the quiet's end shows what it held), bounded by mocha's timeout.
        while (slow.errors.length < 2) {
            await new Promise((resolve) => setTimeout(resolve, 5));
        }
        long.close();
        expect(slow.errors.map((l) => l.replace(/^\[\s*[\d.]+s\] /, ""))).to.deep.equal(["read the three stacks: 0.0s", `step 1: ${step.description} (stack ${step.stack}) …`]);
    });

    it("for real on a pseudo-terminal: the live line is drawn and cleared; on a pipe: plain lines, stdout untouched", function () {
        if (spawnSync("script", ["--version"]).status !== 0) {
            this.skip();
        }
        const tsNode = path.join(cliRoot, "node_modules/.bin/ts-node");
        const command = `${tsNode} --transpile-only -e '${demo.replace(/'/g, "'\\''")}'`;
        // `script` gives the program a real terminal; everything it writes to it comes back on our stdout.
        const onPty = execFileSync("script", ["-qfec", command, "/dev/null"], { cwd: cliRoot, encoding: "utf8", env: { ...process.env, COLUMNS: "100" } });
        expect(onPty).to.contain("\x1b[2K");
        expect(onPty).to.match(/\] read the three stacks … \d+\.\ds/);
        const shown = screen(onPty.replace(/\r\n/g, "\n")).filter((l) => l !== "").map((l) => l.replace(/^\[\s*[\d.]+s\] /, ""));
        expect(shown).to.deep.equal(["read the three stacks: 1.2s", "  secondary: update sftp-secondary-gateway-asg", "preview step 1: 3.4s (update 1)", '{"ok":true}']);
        const piped = spawnSync(tsNode, ["--transpile-only", "-e", demo], { cwd: cliRoot, encoding: "utf8" });
        expect(piped.status, piped.stderr).to.equal(0);
        expect(piped.stdout).to.equal('{"ok":true}\n');
        expect(piped.stderr).not.to.match(/\r|\x1b/);
        expect(piped.stderr.trim().split("\n").map((l) => l.replace(/^\[\s*[\d.]+s\] /, ""))).to.deep.equal([
            "read the three stacks: 1.2s",
            "  secondary: update sftp-secondary-gateway-asg",
            "preview step 1: 3.4s (update 1)",
        ]);
    });
});
