import { Argv, CommandModule } from "yargs";
import { controllerFrom, processIo, run } from "./context";
import { UsageError } from "./errors";
import { GlobalArgs } from "./options";
import { renderFence } from "./render";
import { regionNames } from "../posture";

/** Flags of `fence` and `unfence`. */
export interface FenceArgs extends GlobalArgs {
    readonly region?: string;
    readonly reason?: string;
}

/** The `fence` and `unfence` verbs differ only in the controller method they call and their help. */
export function fenceVerb(verb: "fence" | "unfence", describe: string): CommandModule<GlobalArgs, FenceArgs> {
    return {
        command: `${verb} <region>`,
        describe,
        builder: (y) =>
            y
                .positional("region", { type: "string", demandOption: true, describe: `Region: ${regionNames.join(", ")}` })
                .option("reason", { type: "string", describe: "Why, for the audit log" }) as unknown as Argv<FenceArgs>,
        handler: async (argv) => {
            process.exitCode = await run(
                argv,
                processIo,
                async () => {
                    const region = argv.region ?? "";
                    if (!(regionNames as readonly string[]).includes(region)) {
                        throw new UsageError(`<region>: unknown region "${region}" (valid: ${regionNames.join(", ")})`);
                    }
                    return (await controllerFrom(argv))[verb](region, { ...(argv.reason !== undefined ? { reason: argv.reason } : {}) });
                },
                renderFence,
            );
        },
    };
}
