import { Argv, CommandModule } from "yargs";
import { backendsOf } from "../backends";
import { processIo, run } from "../context";
import { UsageError } from "../errors";
import { GlobalArgs } from "../options";
import { renderHistory } from "../render";

/** Flags of `history`. */
export interface HistoryArgs extends GlobalArgs {
    readonly since?: string;
    readonly limit?: number;
}

/** `history`: the audit log — who changed what, when, why, and how it ended. */
export const historyCommand: CommandModule<GlobalArgs, HistoryArgs> = {
    command: "history",
    describe: "Show the audit log: who switched or fenced what, when, why, and the result",
    builder: (y) =>
        y
            .option("since", { type: "string", describe: "Only entries at or after this ISO date/time" })
            .option("limit", { type: "number", describe: "Only the most recent N entries" }) as unknown as Argv<HistoryArgs>,
    handler: async (argv) => {
        process.exitCode = await run(
            argv,
            processIo,
            async () => {
                const since = argv.since === undefined ? undefined : new Date(argv.since);
                if (since !== undefined && Number.isNaN(since.getTime())) {
                    throw new UsageError(`--since must be an ISO date or time (got "${argv.since}")`);
                }
                if (argv.limit !== undefined && (!Number.isInteger(argv.limit) || argv.limit < 1)) {
                    throw new UsageError(`--limit must be a whole number ≥ 1 (got ${String(argv.limit)})`);
                }
                // History needs no engine: it reads the audit log directly.
                // Imported here, not at the top: see context.ts.
                // The backends admit the coordination store's location (the sandbox refuses AWS's S3).
                await backendsOf(argv);
                const { FailoverController } = await import("../../driver/controller");
                return FailoverController.readHistory({ projectDir: argv["stack-dir"], journalDir: argv["journal-dir"], coordination: argv.coordination, backendUrl: argv.backend }, { ...(since !== undefined ? { since } : {}), ...(argv.limit !== undefined ? { limit: argv.limit } : {}) });
            },
            renderHistory,
        );
    },
};
