import { Argv, CommandModule } from "yargs";
import { controllerFrom, postureArg, processIo, run, weightsArg, withInterrupts, withProgress } from "../context";
import { GlobalArgs, withPosturePositional, withWeightsOption } from "../options";
import { renderPlan } from "../render";
import { DrainArgs, drainOptionsOf, withDrainOptions } from "../drain-flags";

/** Flags of `plan`. */
export interface PlanArgs extends GlobalArgs, DrainArgs {
    readonly posture?: string;
    readonly weights?: string;
    readonly preview: boolean;
}

/** Builds `plan`'s flags (shared with `posture --dry-run`). */
export function planBuilder(y: Argv<GlobalArgs>): Argv<PlanArgs> {
    return withDrainOptions(withWeightsOption(withPosturePositional(y))).option("preview", {
        type: "boolean",
        default: true,
        describe: "Run the engine's preview of each step (--no-preview for the steps only)",
    }) as unknown as Argv<PlanArgs>;
}

/** Runs `plan` (also the body of `posture --dry-run`). */
export async function runPlan(argv: PlanArgs): Promise<number> {
    return withInterrupts(processIo, "stopping (plan changes nothing)", (signal) =>
        run(
            argv,
            processIo,
            async () => {
                const target = postureArg(argv.posture);
                const weights = weightsArg(argv.weights, target);
                const drain = drainOptionsOf(argv);
                return withProgress(processIo, argv, async (printer) => {
                    const controller = await controllerFrom(argv, signal, printer.onProgress);
                    return controller.plan(target, { ...drain, preview: argv.preview, signal, onProgress: printer.onProgress, onEvent: printer.onEvent, ...(weights !== undefined ? { activeActiveWeights: weights } : {}) });
                });
            },
            renderPlan,
        ),
    );
}

/** `plan <posture>`: ordered steps, the engine's preview of each, modelled RTO, standby cost estimate. Changes nothing. */
export const planCommand: CommandModule<GlobalArgs, PlanArgs> = {
    command: "plan <posture>",
    describe: "Show the ordered steps to a posture, the engine's preview of each, the modelled RTO and a cost estimate (changes nothing)",
    builder: planBuilder,
    handler: async (argv) => {
        process.exitCode = await runPlan(argv);
    },
};
