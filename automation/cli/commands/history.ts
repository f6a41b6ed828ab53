import { Argv, CommandModule } from "yargs";
import { backendsOf } from "../backends";
import { processIo, run } from "../context";
import { UsageError } from "../errors";
import { GlobalArgs } from "../options";
import { historyWidth, parseSince, SinceError } from "../history-view";
import { renderHistory } from "../render";

/** Flags of `history`. */
export interface HistoryArgs extends GlobalArgs {
    readonly since?: string;
    readonly limit?: number;
    readonly wide?: boolean;
}

/** `history`: the audit log — who changed what, when, why, and how it ended. */
export const historyCommand: CommandModule<GlobalArgs, HistoryArgs> = {
    command: "history",
    describe: "Show the audit log: who switched or fenced what, when, why, and the result",
    builder: (y) =>
        y
            .option("since", { type: "string", describe: "Only entries at or after this time: an ISO date/time, a duration ago (30m, 2h, 1d, 1w), today or yesterday" })
            .option("limit", { type: "number", describe: "Only the most recent N entries" })
            .option("wide", { type: "boolean", default: false, describe: "Show every column whole (by default, on a terminal, long text is cut to its width)" })
            .example("$0 history --since 2h", "what changed in the last two hours") as unknown as Argv<HistoryArgs>,
    handler: async (argv) => {
        process.exitCode = await run(
            argv,
            processIo,
            async () => {
                const since = argv.since === undefined ? undefined : sinceOf(argv.since);
                const limit = historyLimitOf(argv);
                // History needs no engine: it reads the audit log directly.
                // Imported here, not at the top: see context.ts.
                // The backends admit the coordination store's location (the sandbox refuses AWS's S3).
                await backendsOf(argv);
                const { FailoverController } = await import("../../driver/controller");
                return FailoverController.readHistory({ projectDir: argv["stack-dir"], journalDir: argv["journal-dir"], coordination: argv.coordination, backendUrl: argv.backend }, { ...(since !== undefined ? { since } : {}), ...(limit !== undefined ? { limit } : {}) });
            },
            (entries) => renderHistory(entries, historyWidth({ wide: argv.wide ?? false, isTTY: process.stdout.isTTY === true, columns: process.stdout.columns })),
        );
    },
};

/** `--limit` as parsed: undefined (every entry) or a whole number ≥ 1; else a usage error naming the flag. */
export function historyLimitOf(argv: Pick<HistoryArgs, "limit">): number | undefined {
    if (argv.limit !== undefined && (!Number.isInteger(argv.limit) || argv.limit < 1)) {
        throw new UsageError(`--limit must be a whole number ≥ 1 (got ${String(argv.limit)})`);
    }
    return argv.limit;
}

/** `--since` as a time, or a usage error naming the flag. */
function sinceOf(value: string): Date {
    try {
        return parseSince(value);
    } catch (err) {
        throw err instanceof SinceError ? new UsageError(err.message) : err;
    }
}
