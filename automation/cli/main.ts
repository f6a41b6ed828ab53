#!/usr/bin/env node
// The operator CLI: `failover <verb>`. One module per verb in commands/; this file only wires
// them together, refuses unknown flags (.strict()) and maps usage errors to exit code 2.
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { exitCodes, UsageError } from "./errors";
import { withGlobalOptions } from "./options";
import { bootstrapCommand } from "./commands/bootstrap";
import { failbackCommand } from "./commands/failback";
import { failoverCommand } from "./commands/failover";
import { fenceCommand } from "./commands/fence";
import { historyCommand } from "./commands/history";
import { planCommand } from "./commands/plan";
import { postureCommand } from "./commands/posture";
import { reconcileCommand } from "./commands/reconcile";
import { statusCommand } from "./commands/status";
import { unfenceCommand } from "./commands/unfence";

/** Builds the parser (exported for tests that inspect it without spawning). */
export function cli(argv: readonly string[]) {
    return withGlobalOptions(yargs(argv as string[]))
        .scriptName("failover")
        .usage("$0 <command> [options]\n\nSwitch the SFTP service's failover posture safely, in order, resumably.")
        .command(statusCommand)
        .command(planCommand)
        .command(postureCommand)
        .command(failoverCommand)
        .command(failbackCommand)
        .command(fenceCommand)
        .command(unfenceCommand)
        .command(historyCommand)
        .command(bootstrapCommand)
        .command(reconcileCommand)
        .demandCommand(1, "a command is required")
        .strict()
        .epilogue("Exit codes: 0 ok, 1 failed, 2 bad input (nothing changed), 3 degraded (serving, with skipped steps).")
        .fail((msg, err) => {
            // Throwing stops yargs before any handler runs: a bad flag must change nothing.
            throw err ?? new UsageError(msg);
        })
        .help()
        .version(false)
        .wrap(Math.min(110, process.stdout.columns ?? 110));
}

/** Parses and runs; resolves to the exit code (also left in process.exitCode by the handlers). */
export async function main(argv: readonly string[]): Promise<void> {
    try {
        await cli(argv).parseAsync();
    } catch (err) {
        // yargs' own validation (unknown flag, missing argument) arrives here, thrown by .fail().
        const usage = err instanceof UsageError || (err instanceof Error && err.name === "YError");
        process.stderr.write(`error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}${usage ? " (see --help)" : ""}\n`);
        process.exitCode = usage ? exitCodes.badInput : exitCodes.failed;
    }
}

if (require.main === module) {
    // The AWS SDK warns once per process that its 2027 releases will need Node 22; the project
    // supports Node 20 with the versions it pins, and on an operator's terminal the notice would
    // bury the one line that matters. A value the operator sets wins.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    void main(hideBin(process.argv));
}
