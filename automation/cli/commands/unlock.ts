import { Argv, CommandModule } from "yargs";
import { controllerFrom, processIo, run } from "../context";
import { GlobalArgs } from "../options";
import { renderUnlock } from "../render";

/** Flags of `unlock`. */
export interface UnlockArgs extends GlobalArgs {
    readonly reason?: string;
    readonly force: boolean;
}

/**
 * `unlock`: clears the locks a switch left that the driver cannot prove stale by itself (a corrupt
 * lock file, a holder on another host, the state backend's stack locks). Audited.
 */
export const unlockCommand: CommandModule<GlobalArgs, UnlockArgs> = {
    command: "unlock",
    describe: "Clear the driver's lock and the backend's stack locks left by a dead switch, and put back config it left undeployed (audited; refuses a holder still running here unless --force)",
    builder: (y) =>
        y
            .option("reason", { type: "string", nargs: 1, describe: "Why, for the audit log" })
            .option("force", { type: "boolean", default: false, describe: "Clear even a lock whose holder still runs on this host" }) as unknown as Argv<UnlockArgs>,
    handler: async (argv) => {
        process.exitCode = await run(
            argv,
            processIo,
            async () => (await controllerFrom(argv)).unlock({ force: argv.force, ...(argv.reason !== undefined ? { reason: argv.reason } : {}) }),
            renderUnlock,
        );
    },
};
