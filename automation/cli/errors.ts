// Errors of the command line itself (bad flags), and the mapping of every error to an exit code
// (automation/error-table.ts holds the codes and the table they come from).
import { BadInputError, FailoverError } from "../driver/errors";
import { escapeControl } from "../driver/text";
import { exitCodeHelpText, exitCodeOfError } from "../error-table";

export { exitCodes } from "../error-table";

/** The exit code table as --help shows it (from automation/error-table.ts). */
export const exitCodeHelp = exitCodeHelpText();

/**
 * A flag or argument the CLI refuses before doing anything (a BadInputError: exit 2, nothing
 * changed). With --json its `name` is "UsageError"; yargs' own parse errors are reported so too.
 */
export class UsageError extends BadInputError {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** The exit code of an error, from the error table: 2 for bad input or a refused answer (nothing changed), 130 when interrupted, 1 for anything else. */
export function exitCodeOf(err: unknown): number {
    return exitCodeOfError(err);
}

/** One line naming the error. */
export function oneLine(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    const first = message.split("\n")[0];
    // A message may quote what a user typed: print it as data.
    return escapeControl(err instanceof FailoverError || err instanceof Error ? first : String(err));
}
