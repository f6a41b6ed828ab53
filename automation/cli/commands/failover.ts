import { Argv, CommandModule } from "yargs";
import { processIo } from "../context";
import { GlobalArgs, withForceOption, withSwitchOptions } from "../options";
import { runSwitch, SwitchArgs } from "../switch";

/** `failover`: switch to the failover posture (secondary serves); `--reason` is required. */
export const failoverCommand: CommandModule<GlobalArgs, SwitchArgs> = {
    command: "failover",
    describe: "Fail over to the secondary region (= posture failover; --reason required)",
    builder: (y) => withForceOption(withSwitchOptions(y)) as unknown as Argv<SwitchArgs>,
    handler: async (argv) => {
        process.exitCode = await runSwitch(argv, processIo, () => ({ target: "failover" }), "fail over", (c, _target, common) => c.setPosture("failover", common));
    },
};
