import { cli } from "../../automation/cli/main";

/** Carries the parsed arguments out of yargs, past the command's handler. */
class Parsed extends Error {
    constructor(readonly argv: Record<string, unknown>) {
        super("parsed");
    }
}

/**
 * Parses a command line with the CLI's own strict parser without running the command: a middleware
 * (after validation) stops before the handler. Rejects with the parser's error on bad input.
 */
export async function parseCli<T = Record<string, unknown>>(args: readonly string[]): Promise<T> {
    try {
        await cli(args)
            .middleware((argv) => {
                throw new Parsed(argv);
            })
            .parseAsync();
    } catch (err) {
        if (err instanceof Parsed) {
            return err.argv as T;
        }
        throw err;
    }
    throw new Error("no command ran");
}
