import { Argv, CommandModule } from "yargs";
import { confirm, processIo, progressPrinter, run } from "../context";
import { UsageError } from "../errors";
import { GlobalArgs } from "../options";
import { renderBootstrap, renderBootstrapStep } from "../render";

/** Flags of `bootstrap`. */
export interface BootstrapArgs extends GlobalArgs {
    readonly yes: boolean;
    readonly canary: boolean;
}

/**
 * `bootstrap`: bring the environment up from nothing in the order AWS accepts (both regions without
 * replication, then with it, then DNS), creating the stacks. Idempotent and resumable.
 */
export const bootstrapCommand: CommandModule<GlobalArgs, BootstrapArgs> = {
    command: "bootstrap",
    describe: "Create and deploy all three stacks from nothing: regions without replication, then with it, then DNS (safe to rerun)",
    builder: (y) =>
        y
            .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask for confirmation (required when stdin is not a terminal)" })
            .option("canary", {
                type: "boolean",
                default: true,
                describe: "Give both regions the canary the gate before DNS verifies with: a new key in secret config sftp-failover:canaryKey unless one is set (--no-canary: switches end unverified)",
            }) as unknown as Argv<BootstrapArgs>,
    handler: async (argv) => {
        const abort = new AbortController();
        const onSigint = () => {
            processIo.err("interrupt: stopping after the engine cancels the current up (rerun bootstrap to finish)");
            abort.abort();
        };
        process.once("SIGINT", onSigint);
        try {
            process.exitCode = await run(
                argv,
                processIo,
                async () => {
                    if (!(await confirm(processIo, argv.yes, "Deploy the primary, secondary and dns stacks?"))) {
                        throw new UsageError("declined: nothing was changed");
                    }
                    const printer = progressPrinter(processIo);
                    // Imported here, not at the top: see context.ts.
                    const { FailoverController } = await import("../../driver/controller");
                    return FailoverController.bootstrap({
                        projectDir: argv["stack-dir"],
                        backendUrl: argv.backend,
                        sandbox: argv.sandbox,
                        stacks: { primary: argv["primary-stack"], secondary: argv["secondary-stack"], dns: argv["dns-stack"] },
                        canary: argv.canary,
                        signal: abort.signal,
                        onEvent: printer.onEvent,
                        onProgress: (e) => {
                            if (e.type === "step-end") {
                                processIo.err(renderBootstrapStep(e.result));
                            } else {
                                processIo.err(`${e.phase}: up ${e.stack} (stack ${e.stackName}) …`);
                            }
                        },
                    });
                },
                renderBootstrap,
            );
        } finally {
            process.removeListener("SIGINT", onSigint);
        }
    },
};
