import { expect } from "chai";
import { confirm, Io, postureArg, progressPrinter, stepTimeoutMs, waitMs, weightsArg } from "../../automation/cli/context";
import { exitCodeOf, exitCodes, UsageError } from "../../automation/cli/errors";
import { renderHistory, renderSwitch } from "../../automation/cli/render";
import { GlobalArgs } from "../../automation/cli/options";
import { drainOptionsOf } from "../../automation/cli/drain-flags";
import { switchExitCode } from "../../automation/cli/switch";
import { HistoryArgs, historyLimitOf } from "../../automation/cli/commands/history";
import { parseCli } from "../support/parse-cli";
import { BadInputError, FailoverError, LockedError } from "../../automation/driver/errors";
import { planTransition } from "../../automation/driver/planner";

function io(stdinIsTTY: boolean, answer = ""): Io & { errors: string[]; asked: string[] } {
    const errors: string[] = [];
    const asked: string[] = [];
    return {
        errors,
        asked,
        out: () => undefined,
        err: (t) => errors.push(t),
        stdinIsTTY,
        ask: async (q) => {
            asked.push(q);
            return answer;
        },
    };
}

const globals = { wait: 0 } as GlobalArgs;

describe("CLI arguments and rendering", () => {
    it("a posture is parsed or refused naming <posture> and the valid ones", () => {
        expect(postureArg("failover")).to.equal("failover");
        expect(() => postureArg("up")).to.throw(UsageError, '<posture>: unknown posture "up" (valid: active-active, active-passive, failover)');
    });

    it("--weights is primary/secondary, in range, and only for active-active", () => {
        expect(weightsArg("70/30", "active-active")).to.deep.equal({ primary: 70, secondary: 30 });
        expect(weightsArg(undefined, "active-active")).to.equal(undefined);
        expect(() => weightsArg("70/30", "failover")).to.throw("--weights applies only to active-active (got posture failover)");
        expect(() => weightsArg("256/0", "active-active")).to.throw("--weights.primary must be an integer 0–255 (got 256)");
        expect(() => weightsArg("7,3", "active-active")).to.throw('--weights must be primary/secondary, e.g. 70/30 (got "7,3")');
    });

    it("--drain-timeout is whole seconds 0–3600, --drain-timeout-action scale-down or stop, each refused naming the flag", () => {
        expect(drainOptionsOf({ "drain-timeout": 120, "drain-timeout-action": "stop", unplanned: false })).to.deep.equal({ drainTimeoutSeconds: 120, drainTimeoutAction: "stop" });
        expect(drainOptionsOf({ quiesce: true })).to.deep.equal({ quiesce: true });
        expect(drainOptionsOf({ unplanned: true })).to.deep.equal({ unplanned: true });
        expect(() => drainOptionsOf({ "drain-timeout": 3601 })).to.throw(UsageError, "--drain-timeout must be whole seconds 0–3600 (got 3601)");
        expect(() => drainOptionsOf({ "drain-timeout": -5 })).to.throw(UsageError, "--drain-timeout must be whole seconds 0–3600 (got -5)");
        expect(() => drainOptionsOf({ "drain-timeout-action": "wait" })).to.throw(UsageError, '--drain-timeout-action must be one of scale-down, stop (got "wait")');
    });

    it("--wait and --step-timeout are seconds, converted once", () => {
        expect(waitMs({ ...globals, wait: 2.5 })).to.equal(2500);
        expect(() => waitMs({ ...globals, wait: Number.NaN })).to.throw("--wait must be a number of seconds ≥ 0 (got NaN)");
        expect(stepTimeoutMs(undefined)).to.equal(undefined);
        expect(stepTimeoutMs(30)).to.equal(30_000);
    });

    it("confirmation: --yes skips it, a non-terminal refuses, a terminal asks and takes only yes", async () => {
        expect(await confirm(io(false), true, "go?")).to.equal(true);
        await confirm(io(false), false, "go?").then(
            () => expect.fail("should refuse"),
            (e: unknown) => expect((e as Error).message).to.equal("--yes is required when stdin is not a terminal (nothing was changed)"),
        );
        const terminal = io(true, "y");
        expect(await confirm(terminal, false, "go?")).to.equal(true);
        expect(terminal.asked).to.deep.equal(["go? [y/N] "]);
        expect(await confirm(io(true, ""), false, "go?")).to.equal(false);
        expect(await confirm(io(true, "nope"), false, "go?")).to.equal(false);
    });

    it("exit codes: bad input 2, any other failure 1, degraded 3, ok and unchanged 0", () => {
        expect(exitCodeOf(new UsageError("x"))).to.equal(exitCodes.badInput);
        expect(exitCodeOf(new BadInputError("x"))).to.equal(2);
        expect(exitCodeOf(new LockedError(undefined, "/l"))).to.equal(1);
        expect(exitCodeOf(new FailoverError("x"))).to.equal(1);
        const result = { runId: "r", to: "failover", steps: [], remaining: [], fenced: [], durationMs: 1 } as const;
        expect(switchExitCode({ ...result, status: "degraded" })).to.equal(3);
        expect(switchExitCode({ ...result, status: "ok" })).to.equal(0);
        expect(switchExitCode({ ...result, status: "unchanged" })).to.equal(0);
    });

    it("a degraded switch is rendered with what was fenced and what remains", () => {
        const text = renderSwitch({
            runId: "r1",
            status: "degraded",
            from: "failover",
            to: "active-passive",
            steps: [{ id: "after-dns:secondary", stack: "secondary", description: "scale secondary active → pilot-light", status: "fenced", durationMs: 10, error: "unreachable" }],
            remaining: ["scale secondary active → pilot-light (stack secondary, when secondary is reachable again)"],
            fenced: ["secondary"],
            durationMs: 12_300,
        });
        expect(text.split("\n")).to.deep.equal([
            "DEGRADED: failover → active-passive in 12.3s (run r1)",
            "  fenced  scale secondary active → pilot-light — unreachable",
            "fenced: secondary",
            "remaining: scale secondary active → pilot-light (stack secondary, when secondary is reachable again)",
        ]);
        expect(renderHistory([])).to.equal("no changes recorded");
    });

    it("progress prints one line per step with the elapsed time and the engine's changes", () => {
        const out = io(false);
        // Not quiet at first: the two events come at once, as a long step's would after its first seconds.
        const printer = progressPrinter(out, { quietMs: 0 });
        const [step] = planTransition("active-passive", "failover");
        printer.onProgress({ type: "step-start", step });
        printer.onProgress({ type: "step-end", step, result: { id: step.id, stack: step.stack, description: step.description, status: "done", durationMs: 4200, changes: { update: 1, same: 30 } } });
        expect(out.errors).to.have.length(2);
        expect(out.errors[0]).to.match(/^\[\s+\d+\.\ds\] step 1: scale secondary pilot-light → active \(stack secondary\) …$/);
        expect(out.errors[1]).to.match(/^\[\s+\d+\.\ds\] step 1: done in 4\.2s \(update 1\)$/);
    });

    describe("history --limit at its edge", () => {
        // Parsed by the CLI's own parser, then checked as the handler checks it, before anything is read.
        const limit = async (...flags: string[]) => historyLimitOf(await parseCli<HistoryArgs>(["history", ...flags]));

        it("takes 1 and any larger whole number; unset means every entry", async () => {
            expect(await limit("--limit", "1")).to.equal(1);
            expect(await limit("--limit", "500")).to.equal(500);
            expect(await limit()).to.equal(undefined);
        });

        it("refuses 0, a negative, a fraction and a non-number, naming the flag", async () => {
            for (const [value, shown] of [["0", "0"], ["-1", "-1"], ["1.5", "1.5"], ["many", "NaN"]]) {
                const err = await limit("--limit", value).catch((e: unknown) => e);
                expect(err, value).to.be.instanceOf(UsageError);
                expect((err as Error).message).to.equal(`--limit must be a whole number ≥ 1 (got ${shown})`);
            }
        });
    });
});

describe("a boolean flag given a value", () => {
    // yargs reads `--flag=<anything but true>` as false: `--quiesce=yes` would switch without the quiesce.
    it("is refused unless the value is true or false, naming the flag and the value, before any handler", async () => {
        for (const [args, flag, value] of [
            [["failover", "--reason", "x", "--quiesce=yes"], "--quiesce", "yes"],
            [["failover", "--reason", "x", "--unplanned=1"], "--unplanned", "1"],
            [["fence", "primary", "--yes=y"], "--yes", "y"],
            [["posture", "failover", "--reason", "x", "--skip-verify="], "--skip-verify", ""],
        ] as const) {
            const error = await parseCli([...args]).then(
                () => undefined,
                (err: unknown) => err as Error,
            );
            expect(error?.message, args.join(" ")).to.equal(`${flag} takes no value, or =true or =false (got ${JSON.stringify(value)})`);
            expect(error).to.be.instanceOf(UsageError);
        }
    });

    it("takes =true and =false as yargs does, and leaves other flags' values and anything after -- alone", async () => {
        expect((await parseCli(["failover", "--reason", "x", "--quiesce=true"])).quiesce).to.equal(true);
        expect((await parseCli(["failover", "--reason", "x", "--quiesce=false"])).quiesce).to.equal(false);
        expect((await parseCli(["failover", "--reason=a=b", "--drain-timeout=5"])).reason).to.equal("a=b");
        expect((await parseCli(["history", "--since=2h", "--limit=5"])).limit).to.equal(5);
    });
});
