import { Argv, CommandModule } from "yargs";
import { regionNames } from "../../../foundation/posture";
import { controllerFrom, processIo, regionArg, run } from "../context";
import { exitCodes, UsageError } from "../errors";
import { GlobalArgs } from "../options";
import { renderVerify } from "../render";

/** Flags of `verify`. */
export interface VerifyArgs extends GlobalArgs {
    readonly region?: string;
}

/**
 * `verify <region>`: logs in to the region's SFTP endpoint as the canary and checks the host key, a
 * write, a read back, a listing and a delete. Changes nothing deployed. Exit 0 verified, 1 failed,
 * 2 bad input or no canary configured. `--sftp-endpoint` points it at a lab or a tunnel.
 */
export const verifyCommand: CommandModule<GlobalArgs, VerifyArgs> = {
    command: "verify <region>",
    describe: "Verify a region as a customer would use it: shared host key, canary login, put/get/list/delete of a canary file",
    builder: (y) => y.positional("region", { type: "string", demandOption: true, describe: `Region: ${regionNames.join(", ")}` }) as unknown as Argv<VerifyArgs>,
    handler: async (argv) => {
        process.exitCode = await run(
            argv,
            processIo,
            async () => {
                const region = regionArg(argv.region);
                const result = await (await controllerFrom(argv)).verify(region);
                if (result.unverifiable === true) {
                    throw new UsageError(result.message ?? `${region} cannot be verified`);
                }
                return result;
            },
            renderVerify,
            (result) => (result.ok ? exitCodes.ok : exitCodes.failed),
        );
    },
};
