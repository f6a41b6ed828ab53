import { Argv, CommandModule } from "yargs";
import { escapeControl } from "../../driver/text";
import { confirm, controllerFrom, processIo, run } from "../context";
import { GlobalArgs } from "../options";
import { renderUnlock } from "../render";

/** Flags of `unlock`. */
export interface UnlockArgs extends GlobalArgs {
    readonly reason?: string;
    readonly force: boolean;
    readonly yes: boolean;
}

/**
 * `unlock`: clears the locks a switch left that the driver cannot prove stale by itself (a corrupt
 * lock file, a holder on another host, the state backend's stack locks). Audited. Clearing a lock
 * someone still needs lets two switches interleave, so on a terminal it shows what it would clear
 * and asks; elsewhere it wants --yes, like the switching verbs.
 */
export const unlockCommand: CommandModule<GlobalArgs, UnlockArgs> = {
    command: "unlock",
    describe: "Clear the driver's lock and the backend's stack locks left by a dead switch, and put back config it left undeployed (audited; refuses a holder still running here unless --force)",
    builder: (y) =>
        y
            .option("reason", { type: "string", nargs: 1, describe: "Why, for the audit log" })
            .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask for confirmation (required when stdin is not a terminal)" })
            .option("force", { type: "boolean", default: false, describe: "Clear even a lock whose holder still runs on this host" }) as unknown as Argv<UnlockArgs>,
    handler: async (argv) => {
        const io = processIo;
        process.exitCode = await run(
            argv,
            io,
            async () => {
                if (!argv.yes && !io.stdinIsTTY) {
                    await confirm(io, false, "");
                }
                const controller = await controllerFrom(argv);
                return controller.unlock({
                    force: argv.force,
                    ...(argv.reason !== undefined ? { reason: argv.reason } : {}),
                    ...(argv.yes
                        ? {}
                        : {
                              confirm: async (toClear: readonly string[]) => {
                                  // A lock file names whoever wrote it: shown as data.
                                  io.err(toClear.map((c) => `  ${escapeControl(c)}`).join("\n"));
                                  return confirm(io, false, "clear these locks?");
                              },
                          }),
                });
            },
            renderUnlock,
        );
    },
};
