// Options shared by every verb, built by small composable functions so each command declares
// exactly what it accepts (and `.strict()` refuses the rest).
import { withDrainOptions } from "./drain-flags";
import { Argv } from "yargs";
import { postures } from "../../foundation/posture";
import { withAfterDnsOptions } from "./after-dns-flags";

// String options take exactly one value (nargs 1), so a value that starts with "-" — `--weights
// -1/101`, `--reason "-"` — is that option's value, not taken for another flag.

/** The global options every verb receives. */
export interface GlobalArgs {
    readonly json: boolean;
    readonly "stack-dir"?: string;
    readonly backend?: string;
    readonly sandbox: boolean;
    readonly identity?: string;
    readonly wait: number;
    readonly "primary-stack": string;
    readonly "secondary-stack": string;
    readonly "dns-stack": string;
    readonly "journal-dir"?: string;
    readonly coordination?: string;
    readonly lease?: number;
    readonly "cloudwatch-endpoint"?: string;
    readonly "sftp-endpoint"?: string[];
    readonly notify?: string;
}

/**
 * The heading of the options every verb shares. yargs prints a verb's own options (the default
 * group) before named groups, so an operator reading `<verb> --help` at 3 a.m. sees what that verb
 * takes first, and the shared ones after.
 */
export const globalGroup = "Global options:";

/** Adds the global options. */
export function withGlobalOptions<T>(y: Argv<T>) {
    return y
        .option("json", { type: "boolean", default: false, group: globalGroup, describe: "Print only JSON on stdout (progress still goes to stderr)" })
        .option("stack-dir", { type: "string", group: globalGroup, describe: "Project folder holding Pulumi.yaml and the stack files (default: $SFTP_FAILOVER_PROJECT_DIR, else the nearest folder at or above the current one holding Pulumi.yaml)" })
        .option("backend", { type: "string", group: globalGroup, describe: "State backend URL (default: file://<stack-dir>/.pulumi-state)" })
        .option("sandbox", { type: "boolean", default: false, group: globalGroup, describe: "Run against the sandbox provider (nothing reaches AWS)" })
        .option("identity", { type: "string", nargs: 1, group: globalGroup, describe: "Who is acting, for the audit log (default: the OS user)" })
        .option("wait", { type: "number", default: 0, group: globalGroup, describe: "Seconds to wait for another operator's lock before giving up" })
        .option("primary-stack", { type: "string", default: "primary", group: globalGroup, describe: "Name of the primary regional stack" })
        .option("secondary-stack", { type: "string", default: "secondary", group: globalGroup, describe: "Name of the secondary regional stack" })
        .option("dns-stack", { type: "string", default: "dns", group: globalGroup, describe: "Name of the dns stack" })
        .option("journal-dir", { type: "string", group: globalGroup, describe: "Folder of the journal, lock and audit log (default: <stack-dir>/.failover)" })
        .option("coordination", { type: "string", nargs: 1, group: globalGroup, describe: "Where the lock, journal and audit log are shared: s3://bucket/prefix?region=…&endpoint=… or a folder (default: --journal-dir, else $SFTP_FAILOVER_COORDINATION, else .failover/ beside the state when --backend is s3://, else <stack-dir>/.failover)" })
        .option("lease", { type: "number", group: globalGroup, describe: "Seconds the switch lock's lease lasts unless renewed; a lock whose lease ended is stale on any machine (default: 60)" })
        .option("cloudwatch-endpoint", { type: "string", group: globalGroup, describe: "CloudWatch endpoint for the fence, replication metrics and endpoint health, also used for Route 53 and SNS (e.g. a moto server, which serves all three); with --sandbox and none, the fence is recorded in <journal-dir>/sandbox-fence.json" })
        .option("sftp-endpoint", { type: "string", array: true, nargs: 1, group: globalGroup, describe: "Where verify and the gate before DNS reach a region's SFTP service instead of its exported endpoint: region=[login@]host:port (repeatable; a lab, a tunnel)" })
        .option("notify", { type: "string", nargs: 1, group: globalGroup, describe: "Tell each switch, fence, unfence and a check not ready to an SNS topic ARN or an http(s) webhook URL; a failed notification is a warning (default: $SFTP_FAILOVER_NOTIFY, else nobody)" });
}

/** Options of the verbs that switch posture. */
export function withSwitchOptions<T>(y: Argv<T>) {
    return withDrainOptions(withAfterDnsOptions(y))
        .option("reason", { type: "string", nargs: 1, describe: "Why, for the audit log (required for failover)" })
        .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask for confirmation (required when stdin is not a terminal)" })
        .option("refresh", { type: "boolean", default: false, describe: "Refresh each stack before its update" })
        .option("step-timeout", { type: "number", describe: "Seconds a step may take before its region counts as unreachable (default: 1200)" })
        .option("skip-verify", { type: "boolean", default: false, describe: "Move DNS without verifying over SFTP the regions that gain traffic, nor checking after it moved (audited)" });
}

/** `--force`: switch even when the predicted answer harms clients (needs --reason; audited). */
export function withForceOption<T>(y: Argv<T>, also = "") {
    return y.option("force", {
        type: "boolean",
        default: false,
        describe: `Switch even when the predicted Route 53 answer harms clients (a region known unhealthy gains answers, or no healthy region stays answered); needs --reason, audited as forced${also}`,
    });
}

/** The `--weights` option of active-active. */
export function withWeightsOption<T>(y: Argv<T>) {
    return y.option("weights", { type: "string", nargs: 1, describe: "Active-active split as primary/secondary, e.g. 70/30 (each 0–255)" });
}

/** The posture positional. */
export function withPosturePositional<T>(y: Argv<T>) {
    return y.positional("posture", { type: "string", demandOption: true, describe: `Target posture: ${postures.join(", ")}` });
}
