import { Argv, CommandModule } from "yargs";
import { processIo } from "../context";
import { GlobalArgs, withSwitchOptions } from "../options";
import { runSwitch, SwitchArgs } from "../switch";

/** Flags of `failback`. */
export interface FailbackArgs extends SwitchArgs {
    readonly force: boolean;
}

/** `failback`: back to active-passive once replication from the serving region has caught up. */
export const failbackCommand: CommandModule<GlobalArgs, FailbackArgs> = {
    command: "failback",
    describe: "Return to active-passive once the S3 replication backlog is below its thresholds",
    builder: (y) =>
        withSwitchOptions(y).option("force", {
            type: "boolean",
            default: false,
            describe: "Skip the replication backlog check (writes not yet replicated may be lost)",
        }) as unknown as Argv<FailbackArgs>,
    handler: async (argv) => {
        process.exitCode = await runSwitch(argv, processIo, () => ({ target: "active-passive" }), "fail back", (c, _target, common) => c.failback({ ...common, force: argv.force }));
    },
};
