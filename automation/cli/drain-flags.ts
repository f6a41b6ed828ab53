// The flags of the drain before a scale-down (automation/driver/drain.ts): how long to wait for the
// losing region's open sessions (`--drain-timeout`), what to do when they are still open then
// (`--drain-timeout-action`), `--quiesce`, which makes the region's users read-only before DNS moves
// (automation/driver/quiesce.ts), and `--unplanned`, which skips both because the region is gone.
import { Argv } from "yargs";
import { defaultDrainTimeoutSeconds, DrainSwitchOptions, DrainTimeoutAction, drainTimeoutActions, maxDrainTimeoutSeconds } from "../driver/drain";
import { UsageError } from "./errors";

/** The flags as yargs parses them. */
export interface DrainArgs {
    readonly "drain-timeout"?: number;
    readonly "drain-timeout-action"?: string;
    readonly unplanned?: boolean;
    readonly quiesce?: boolean;
}

/** Adds the flags to a switching verb and to `plan`. */
export function withDrainOptions<T>(y: Argv<T>) {
    return y
        .option("drain-timeout", {
            type: "number",
            describe: `Seconds to wait for the open sessions of the region losing traffic to end before it is scaled down, 0–${maxDrainTimeoutSeconds} (default: ${defaultDrainTimeoutSeconds}; 0 does not wait)`,
        })
        .option("drain-timeout-action", {
            type: "string",
            nargs: 1,
            describe: `When sessions are still open at the drain timeout: ${drainTimeoutActions.join(" or ")} (default: scale-down, reporting them; stop leaves the scale-down for the same switch run again)`,
        })
        .option("unplanned", { type: "boolean", default: false, describe: "An unplanned switch: the region losing traffic is gone or must go now, so no quiesce and no drain (said in the plan and the result)" })
        .option("quiesce", {
            type: "boolean",
            default: false,
            describe: "Before DNS moves, make the users of the region losing traffic read-only (new sessions there cannot write; open ones finish in the drain); lifted when the region serves again or the switch stops before DNS",
        });
}

/** The driver's drain options from the flags; throws UsageError naming the flag. */
export function drainOptionsOf(argv: DrainArgs): DrainSwitchOptions {
    const timeout = argv["drain-timeout"];
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 0 || timeout > maxDrainTimeoutSeconds)) {
        throw new UsageError(`--drain-timeout must be whole seconds 0–${maxDrainTimeoutSeconds} (got ${String(timeout)})`);
    }
    const action = argv["drain-timeout-action"];
    if (action !== undefined && !(drainTimeoutActions as readonly string[]).includes(action)) {
        throw new UsageError(`--drain-timeout-action must be one of ${drainTimeoutActions.join(", ")} (got ${JSON.stringify(action)})`);
    }
    return {
        ...(timeout !== undefined ? { drainTimeoutSeconds: timeout } : {}),
        ...(action !== undefined ? { drainTimeoutAction: action as DrainTimeoutAction } : {}),
        ...(argv.unplanned === true ? { unplanned: true } : {}),
        ...(argv.quiesce === true ? { quiesce: true } : {}),
    };
}
