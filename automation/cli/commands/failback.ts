import { Argv, CommandModule } from "yargs";
import { processIo } from "../context";
import { GlobalArgs, withForceOption, withSwitchOptions } from "../options";
import { runSwitch, SwitchArgs } from "../switch";

/** `failback`: back to active-passive once replication from the serving region has caught up. */
export const failbackCommand: CommandModule<GlobalArgs, SwitchArgs> = {
    command: "failback",
    describe: "Return to active-passive once the S3 replication backlog is below its thresholds",
    builder: (y) => withForceOption(withSwitchOptions(y), "; also skips the replication backlog check (writes not yet replicated may be lost)") as unknown as Argv<SwitchArgs>,
    handler: async (argv) => {
        process.exitCode = await runSwitch(argv, processIo, () => ({ target: "active-passive" }), "fail back", (c, _target, common) => c.failback({ ...common, force: argv.force }));
    },
};
