import { Argv, CommandModule } from "yargs";
import { confirm, controllerFrom, processIo, run } from "./context";
import { UsageError } from "./errors";
import { GlobalArgs } from "./options";
import { renderFence } from "./render";
import { fenceEffect } from "../fence-effect";
import { RegionName, regionNames } from "../posture";

/** Flags of `fence` and `unfence`. */
export interface FenceArgs extends GlobalArgs {
    readonly region?: string;
    readonly reason?: string;
    readonly yes?: boolean;
}

/** The `fence` and `unfence` verbs differ only in the controller method they call and their help. */
export function fenceVerb(verb: "fence" | "unfence", describe: string): CommandModule<GlobalArgs, FenceArgs> {
    return {
        command: `${verb} <region>`,
        describe,
        builder: (y) =>
            y
                .positional("region", { type: "string", demandOption: true, describe: `Region: ${regionNames.join(", ")}` })
                .option("reason", { type: "string", describe: "Why, for the audit log" })
                .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask before a fence that moves clients (required then when stdin is not a terminal)" })
                .example(`$0 ${verb} primary --reason "primary unreachable" --yes`, `${verb === "fence" ? "take the primary out of" : "put the primary back into"} DNS answers`) as unknown as Argv<FenceArgs>,
        handler: async (argv) => {
            process.exitCode = await run(
                argv,
                processIo,
                async () => {
                    const region = argv.region ?? "";
                    if (!(regionNames as readonly string[]).includes(region)) {
                        throw new UsageError(`<region>: unknown region "${region}" (valid: ${regionNames.join(", ")})`);
                    }
                    const controller = await controllerFrom(argv);
                    // A fence that moves clients is a decision: say what it does and when, and ask.
                    const status = await controller.status();
                    if (status.weights !== undefined) {
                        const effect = fenceEffect({ weights: status.weights, fence: status.fence }, region as RegionName, verb);
                        processIo.err(effect.summary);
                        if (verb === "fence" && effect.movesTraffic && !(await confirm(processIo, argv.yes ?? false, `${verb} ${region}?`))) {
                            throw new UsageError("declined: nothing was changed");
                        }
                    }
                    return controller[verb](region, { ...(argv.reason !== undefined ? { reason: argv.reason } : {}) });
                },
                renderFence,
            );
        },
    };
}
