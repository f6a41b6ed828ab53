// The shared body of the verbs that switch posture (posture, failover, failback): validate every
// flag first, refuse a non-terminal without --yes, show the plan and its predicted Route 53 answer
// (each case when health is unknown) and ask, then run with progress on stderr and Ctrl-C wired to
// the driver's AbortSignal. The driver predicts again under the lock and refuses a harmful switch
// unless --force --reason; health that is still unknown there is what the operator accepted here.
import { DrainArgs, drainOptionsOf } from "./drain-flags";
import type { FailoverController } from "../driver/controller";
import { pendingSteps } from "../driver/planner";
import { SetPostureOptions, SetPostureResult } from "../driver/types";
import { Posture, Weights } from "../../foundation/posture";
import { AfterDnsArgs, afterDnsOf } from "./after-dns-flags";
import { describePostDnsCheck } from "../driver/post-dns-check";
import { confirm, controllerFrom, Io, progressPrinter, run, stepTimeoutMs, waitMs, withInterrupts } from "./context";
import { exitCodes, UsageError } from "./errors";
import { GlobalArgs } from "./options";
import { answerLines, renderSwitch } from "./render";

/** Flags of the switching verbs. */
export interface SwitchArgs extends GlobalArgs, AfterDnsArgs, DrainArgs {
    readonly reason?: string;
    readonly yes: boolean;
    readonly refresh: boolean;
    readonly "step-timeout"?: number;
    readonly "skip-verify": boolean;
    /** Switch through a harmful predicted answer (posture, failover, failback). */
    readonly force?: boolean;
}

/** The driver options every switching verb passes through. */
export type SwitchCommon = Pick<
    SetPostureOptions,
    "waitMs" | "stepTimeoutMs" | "signal" | "onProgress" | "onEvent" | "refresh" | "reason" | "activeActiveWeights" | "skipVerify" | "afterDns" | "force" | "acceptUnknownHealth" | "drainTimeoutSeconds" | "drainTimeoutAction" | "unplanned" | "quiesce"
>;

/**
 * Exit code of a switch: 3 when degraded (serving, with steps left); else 4 when the check after
 * DNS moved failed (the switch stands: DNS has moved); else 5 when it switched unverified (no
 * canary, or --skip-verify); else 0.
 */
export function switchExitCode(result: SetPostureResult): number {
    if (result.status === "degraded") {
        return exitCodes.degraded;
    }
    if (result.afterDns?.outcome === "failed") {
        return exitCodes.checkFailed;
    }
    return result.status === "unverified" ? exitCodes.unverified : exitCodes.ok;
}

/** Validates the flags every switch shares; throws UsageError naming the flag. */
export function checkSwitchArgs(argv: SwitchArgs, target: Posture): { waitMs: number; stepTimeoutMs?: number } {
    if (target === "failover" && (argv.reason === undefined || argv.reason.trim() === "")) {
        throw new UsageError("--reason is required for failover (it goes to the audit log)");
    }
    return { waitMs: waitMs(argv), stepTimeoutMs: stepTimeoutMs(argv["step-timeout"]) };
}

/** Runs a switch through `operate` after validation and confirmation; returns the exit code. */
export async function runSwitch(
    argv: SwitchArgs,
    io: Io,
    resolve: () => { readonly target: Posture; readonly weights?: Weights },
    label: string,
    operate: (c: FailoverController, target: Posture, common: SwitchCommon) => Promise<SetPostureResult>,
): Promise<number> {
    // SIGINT (Ctrl-C) and SIGTERM both stop the switch gracefully: the engine is cancelled, the
    // journal records the step, and the exit code is 130. A second signal while the engine is
    // still stopping is ignored — the step runner already insists.
    return withInterrupts(io, "stopping after the engine cancels the current step (the journal records where)", (signal) =>
        run(
            argv,
            io,
            async () => {
                const { target, weights } = resolve();
                const checked = checkSwitchArgs(argv, target);
                const afterDns = afterDnsOf(argv);
                const drain = drainOptionsOf(argv);
                if (!argv.yes && !io.stdinIsTTY) {
                    await confirm(io, false, "");
                }
                const printer = progressPrinter(io, { json: argv.json });
                const controller = await controllerFrom(argv, signal, printer.onProgress);
                // Health the operator saw unknown in the prompt (or accepted with --yes) is accepted;
                // health that becomes unknown only under the lock is asked about again.
                let acceptUnknownHealth: SwitchCommon["acceptUnknownHealth"] = argv.yes;
                if (!argv.yes) {
                    const plan = await controller.plan(target, { preview: false, activeActiveWeights: weights, signal, onProgress: printer.onProgress, ...drain }).finally(() => printer.close());
                    const steps = pendingSteps(plan.steps);
                    io.err(steps.length === 0 ? `already ${target}: nothing to do` : steps.map((s) => `  ${s.index}. ${s.description}`).join("\n"));
                    if (steps.length > 0 && plan.answer !== undefined) {
                        io.err(answerLines(plan.answer).join("\n"));
                    }
                    // A harmful switch that is not forced is refused by the driver, without a question.
                    const refused = plan.answer?.verdict === "harmful" && argv.force !== true;
                    if (steps.length > 0 && !refused && !(await confirm(io, false, `${label}: ${plan.from ?? "(not deployed)"} → ${target}?`))) {
                        throw new UsageError("declined: nothing was changed");
                    }
                    acceptUnknownHealth =
                        plan.answer?.verdict === "unknown"
                            ? true
                            : async (prediction) => {
                                  io.err(answerLines(prediction).join("\n"));
                                  return confirm(io, false, "health is unknown now: switch anyway?");
                              };
                }
                const result = await operate(controller, target, {
                    waitMs: checked.waitMs,
                    ...(checked.stepTimeoutMs !== undefined ? { stepTimeoutMs: checked.stepTimeoutMs } : {}),
                    signal,
                    onProgress: printer.onProgress,
                    onEvent: printer.onEvent,
                    refresh: argv.refresh,
                    skipVerify: argv["skip-verify"] === true,
                    force: argv.force === true,
                    acceptUnknownHealth,
                    ...(argv.reason !== undefined ? { reason: argv.reason } : {}),
                    ...(weights !== undefined ? { activeActiveWeights: weights } : {}),
                    ...(afterDns !== undefined ? { afterDns } : {}),
                    ...drain,
                }).finally(() => printer.close());
                if (result.afterDns?.outcome === "failed") {
                    io.err(`error: ${describePostDnsCheck(result.afterDns)}`);
                }
                return result;
            },
            renderSwitch,
            switchExitCode,
        ),
    );
}
