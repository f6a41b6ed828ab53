import { CommandModule } from "yargs";
import { controllerFrom, processIo, run } from "../context";
import { GlobalArgs } from "../options";
import { renderStatus } from "../render";

/** `status`: each stack's posture, weights, capacity, last update; lock holder; fence; serving region. */
export const statusCommand: CommandModule<GlobalArgs, GlobalArgs> = {
    command: "status",
    describe: "Show the deployed posture, weights, capacity, last updates, lock, fence and serving region",
    builder: (y) => y,
    handler: async (argv) => {
        process.exitCode = await run(argv, processIo, async () => (await controllerFrom(argv)).status(), renderStatus);
    },
};
