// Errors of the command line itself (bad flags), and the mapping of every error to an exit code.
import { BadInputError, FailoverError } from "../driver/errors";

/** Exit codes, documented in docs/driver.md. */
export const exitCodes = { ok: 0, failed: 1, badInput: 2, degraded: 3 } as const;

/** A flag or argument the CLI refuses before doing anything. */
export class UsageError extends BadInputError {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** The exit code of an error: 2 for bad input (nothing changed), 1 for anything else. */
export function exitCodeOf(err: unknown): number {
    return err instanceof BadInputError ? exitCodes.badInput : exitCodes.failed;
}

/** One line naming the error. */
export function oneLine(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    const first = message.split("\n")[0];
    return err instanceof FailoverError || err instanceof Error ? first : String(err);
}
