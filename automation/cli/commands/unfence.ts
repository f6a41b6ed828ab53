import { Argv, CommandModule } from "yargs";
import { controllerFrom, processIo, run } from "../context";
import { UsageError } from "../errors";
import { GlobalArgs } from "../options";
import { renderFence } from "../render";
import { regionNames } from "../../posture";

/** Flags of `unfence`. */
export interface UnfenceArgs extends GlobalArgs {
    readonly region?: string;
    readonly reason?: string;
}

/** `unfence <region>`: Lift a region's fence (its records serve again once their endpoint checks are healthy). */
export const unfenceCommand: CommandModule<GlobalArgs, UnfenceArgs> = {
    command: "unfence <region>",
    describe: "Lift a region's fence (its records serve again once their endpoint checks are healthy)",
    builder: (y) =>
        y
            .positional("region", { type: "string", demandOption: true, describe: `Region: ${regionNames.join(", ")}` })
            .option("reason", { type: "string", describe: "Why, for the audit log" }) as unknown as Argv<UnfenceArgs>,
    handler: async (argv) => {
        process.exitCode = await run(
            argv,
            processIo,
            async () => {
                const region = argv.region ?? "";
                if (!(regionNames as readonly string[]).includes(region)) {
                    throw new UsageError(`<region>: unknown region "${region}" (valid: ${regionNames.join(", ")})`);
                }
                return (await controllerFrom(argv)).unfence(region, { ...(argv.reason !== undefined ? { reason: argv.reason } : {}) });
            },
            renderFence,
        );
    },
};
