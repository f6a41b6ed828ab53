import { Argv, CommandModule } from "yargs";
import { controllerFrom, processIo, run } from "../context";
import { UsageError } from "../errors";
import { GlobalArgs } from "../options";
import { renderFence } from "../render";
import { regionNames } from "../../posture";

/** Flags of `fence`. */
export interface FenceArgs extends GlobalArgs {
    readonly region?: string;
    readonly reason?: string;
}

/** `fence <region>`: Fence a region: take it out of DNS answers with one CloudWatch PutMetricData (data plane, no Route 53 call). */
export const fenceCommand: CommandModule<GlobalArgs, FenceArgs> = {
    command: "fence <region>",
    describe: "Fence a region: take it out of DNS answers with one CloudWatch PutMetricData (data plane, no Route 53 call)",
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
                return (await controllerFrom(argv)).fence(region, { ...(argv.reason !== undefined ? { reason: argv.reason } : {}) });
            },
            renderFence,
        );
    },
};
