import { Argv, CommandModule } from "yargs";
import { postureArg, processIo, weightsArg } from "../context";
import { GlobalArgs, withForceOption, withPosturePositional, withSwitchOptions, withWeightsOption } from "../options";
import { runSwitch, SwitchArgs } from "../switch";
import { runPlan } from "./plan";

/** Flags of `posture`. */
export interface PostureArgs extends SwitchArgs {
    readonly posture?: string;
    readonly weights?: string;
    readonly "dry-run": boolean;
}

/** `posture <posture>`: switch in the safe order (asks for confirmation unless --yes). */
export const postureCommand: CommandModule<GlobalArgs, PostureArgs> = {
    command: "posture <posture>",
    describe: "Switch to a posture in the safe order: scale up, switch DNS, scale down (asks unless --yes)",
    builder: (y) =>
        withForceOption(withWeightsOption(withSwitchOptions(withPosturePositional(y)))).option("dry-run", {
            type: "boolean",
            default: false,
            describe: "Only show the plan (same as `plan <posture>`)",
        }) as unknown as Argv<PostureArgs>,
    handler: async (argv) => {
        if (argv["dry-run"]) {
            process.exitCode = await runPlan({ ...argv, preview: true });
            return;
        }
        process.exitCode = await runSwitch(
            argv,
            processIo,
            () => {
                const target = postureArg(argv.posture);
                return { target, weights: weightsArg(argv.weights, target) };
            },
            "switch posture",
            (c, target, common) => c.setPosture(target, common),
        );
    },
};
