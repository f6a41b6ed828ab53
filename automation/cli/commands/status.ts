import { CommandModule } from "yargs";
import { controllerFrom, processIo, run, withInterrupts, withProgress } from "../context";
import { GlobalArgs } from "../options";
import { renderStatus } from "../render";

/** `status`: each stack's posture, weights, capacity, last update; lock holder; fence; serving region. */
export const statusCommand: CommandModule<GlobalArgs, GlobalArgs> = {
    command: "status",
    describe: "Show the deployed posture, weights, capacity, last updates, lock, fence and serving region",
    builder: (y) => y,
    handler: async (argv) => {
        process.exitCode = await withInterrupts(processIo, "stopping (status only reads)", (signal) =>
            run(argv, processIo, () => withProgress(processIo, argv, async (printer) => (await controllerFrom(argv, signal, printer.onProgress)).status({ signal, onProgress: printer.onProgress })), renderStatus),
        );
    },
};
