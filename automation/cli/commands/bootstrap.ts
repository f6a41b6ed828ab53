import { Argv, CommandModule } from "yargs";
import { backendsOf } from "../backends";
import { confirm, processIo, run, withInterrupts, withProgress } from "../context";
import { UsageError } from "../errors";
import { GlobalArgs } from "../options";
import { renderBootstrap, renderBootstrapStep } from "../render";

/** What one `up` of a bootstrap is doing: the key that ends its live line. */
function bootstrapTask(step: { readonly phase: string; readonly stack: string; readonly stackName: string }): string {
    return `${step.phase}: up ${step.stack} (stack ${step.stackName})`;
}

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
        // Ctrl-C stops after the engine cancels the current up, releasing its lock: exit 130, and a
        // rerun resumes (it also clears the lock of an engine that was killed outright).
        process.exitCode = await withInterrupts(processIo, "stopping after the engine cancels the current up (rerun bootstrap to finish)", (signal) =>
            run(
                argv,
                processIo,
                async () => {
                    if (!(await confirm(processIo, argv.yes, "Deploy the primary, secondary and dns stacks?"))) {
                        throw new UsageError("declined: nothing was changed");
                    }
                    // Imported here, not at the top: see context.ts.
                    const { FailoverController } = await import("../../driver/controller");
                    return withProgress(processIo, argv, async (printer) => FailoverController.bootstrap({
                        projectDir: argv["stack-dir"],
                        backendUrl: argv.backend,
                        standIn: await (await backendsOf(argv)).standIn(),
                        stacks: { primary: argv["primary-stack"], secondary: argv["secondary-stack"], dns: argv["dns-stack"] },
                        ...(argv["journal-dir"] !== undefined ? { journalDir: argv["journal-dir"] } : {}),
                        ...(argv.coordination !== undefined ? { coordination: argv.coordination } : {}),
                        ...(argv.identity !== undefined ? { identity: argv.identity } : {}),
                        canary: argv.canary,
                        signal,
                        onEvent: printer.onEvent,
                        onProgress: (e) => {
                            if (e.type === "step-start") {
                                printer.view.begin(bootstrapTask(e), { immediately: true });
                            } else if (e.type === "step-end") {
                                printer.view.end(bootstrapTask(e.result), e.result.durationMs, renderBootstrapStep(e.result));
                            } else {
                                printer.onProgress(e);
                            }
                        },
                    }));
                },
                renderBootstrap,
            ),
        );
    },
};
