import { Argv, CommandModule } from "yargs";
import type { ReconcileReport } from "../../aws/reconcile";
import { backendsOf } from "../backends";
import { processIo, run } from "../context";
import { exitCodes, UsageError } from "../errors";
import { GlobalArgs } from "../options";

/** Flags of `reconcile`. */
export interface ReconcileArgs extends GlobalArgs {
    readonly "serving-bucket": string;
    readonly "serving-region": string;
    readonly "other-bucket": string;
    readonly "other-region": string;
    readonly prefix?: string;
    readonly copy: boolean;
    readonly "s3-endpoint"?: string;
}

/**
 * `reconcile`: before failing back, what the serving region's bucket holds that the other's lacks;
 * with --copy, copy it. Never deletes. Exit 1 when any copy failed.
 */
export const reconcileCommand: CommandModule<GlobalArgs, ReconcileArgs> = {
    command: "reconcile",
    describe: "Before failback: list objects and delete markers the serving bucket has that the other lacks (--copy copies; never deletes)",
    builder: (y) =>
        y
            .option("serving-bucket", { type: "string", demandOption: true, describe: "Bucket clients wrote to meanwhile" })
            .option("serving-region", { type: "string", demandOption: true, describe: "AWS region of the serving bucket" })
            .option("other-bucket", { type: "string", demandOption: true, describe: "Bucket traffic returns to" })
            .option("other-region", { type: "string", demandOption: true, describe: "AWS region of the other bucket" })
            .option("prefix", { type: "string", describe: "Only keys under this prefix (default: all)" })
            .option("copy", { type: "boolean", default: false, describe: "Copy the latest version of what replication has not delivered" })
            .option("s3-endpoint", { type: "string", describe: "S3 endpoint URL, e.g. a moto server (path-style addressing)" }) as unknown as Argv<ReconcileArgs>,
    handler: async (argv) => {
        // The S3 client comes with these modules: loaded by this verb only (see context.ts).
        const { renderReconcile } = await import("../render-reconcile");
        process.exitCode = await run(
            argv,
            processIo,
            async () => {
                for (const flag of ["serving-bucket", "serving-region", "other-bucket", "other-region"] as const) {
                    if (argv[flag].trim() === "") {
                        throw new UsageError(`--${flag} must not be empty`);
                    }
                }
                const serving = { bucket: argv["serving-bucket"], region: argv["serving-region"] };
                const other = { bucket: argv["other-bucket"], region: argv["other-region"] };
                const { reconcileBuckets, sameBucket } = await import("../../aws/reconcile");
                if (sameBucket(serving, other)) {
                    throw new UsageError(`--serving-bucket and --other-bucket name the same bucket (${serving.bucket}): bucket names are global, whatever --serving-region and --other-region say`);
                }
                const given = argv["s3-endpoint"];
                if (given !== undefined && !/^https?:\/\/[^\s/]+/.test(given)) {
                    throw new UsageError(`--s3-endpoint must be an http(s) URL (got "${given}")`);
                }
                // The sandbox keeps no objects: without an emulator it refuses rather than ask AWS.
                const endpoint = await (await backendsOf(argv)).s3Endpoint(given);
                return reconcileBuckets({
                    serving,
                    other,
                    copy: argv.copy,
                    ...(argv.prefix === undefined ? {} : { prefix: argv.prefix }),
                    ...(endpoint === undefined ? {} : { endpoint }),
                });
            },
            renderReconcile,
            (report: ReconcileReport) => ((report.copied ?? []).some((c) => !c.ok) ? exitCodes.failed : exitCodes.ok),
        );
    },
};
