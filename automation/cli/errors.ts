// Errors of the command line itself (bad flags), and the mapping of every error to an exit code.
import { AbortedError, BadInputError, FailoverError, NotDeployedError } from "../driver/errors";
import { escapeControl } from "../driver/text";

/** Exit codes, documented in docs/driver.md and in --help. */
export const exitCodes = { ok: 0, failed: 1, badInput: 2, degraded: 3, checkFailed: 4, unverified: 5, notReady: 6, interrupted: 130 } as const;

/** The exit code table as --help shows it. */
export const exitCodeHelp =
    "Exit codes: 0 ok · 1 failed · 2 bad input or declined (nothing changed) · 3 degraded (serving, with steps left) · 4 switched, but the check after DNS moved failed · 5 switched unverified (no canary, or --skip-verify) · 6 not ready: `check`'s findings, or `plan` with stacks not deployed · 130 interrupted (the journal records where).";

/** A flag or argument the CLI refuses before doing anything. */
export class UsageError extends BadInputError {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** The exit code of an error: 2 for bad input or a refused answer (nothing changed), 6 for stacks not deployed, 130 when interrupted, 1 for anything else. */
export function exitCodeOf(err: unknown): number {
    if (err instanceof AbortedError) {
        return exitCodes.interrupted;
    }
    if (err instanceof NotDeployedError) {
        return exitCodes.notReady;
    }
    return err instanceof BadInputError ? exitCodes.badInput : exitCodes.failed;
}

/** One line naming the error. */
export function oneLine(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    const first = message.split("\n")[0];
    // A message may quote what a user typed: print it as data.
    return escapeControl(err instanceof FailoverError || err instanceof Error ? first : String(err));
}
