// What the CLI takes from the world it runs against: which provider plugins the engine runs, how a
// fence is published, where endpoint health and replication metrics come from, how an endpoint's
// name becomes an address, and which S3 `reconcile` reads. AWS is the default implementation (this file). The
// sandbox's lives in sandbox/cli-backends.ts, and only the executable entry (./bin.ts) offers it:
// product code never imports sandbox/ (issue 11), so an embedder of the CLI or of the SDK never
// loads the stand-in provider, and the sandbox plugs in through the same interface as AWS.
//
// Nothing heavy is imported at the top: every verb loads this module, and the emergency fence must
// start without loading Pulumi (automation/cli/fence-verb.ts).
import type { ProviderStandIn } from "../engine/environment";
import type { EndpointHealthSource } from "../driver/endpoint-health";
import type { FenceClientOptions, RegionFenceClient } from "../fence/client";
import type { ReplicationMetricsReader } from "../driver/replication";
import type { OnDemandQuotaReader } from "../standby-quota";
import type { OpenSessionsSource } from "../driver/drain";
import type { SftpEndpoint } from "../driver/verify";
import type { RegionName } from "../../foundation/posture";
import { coordinationEnvVar } from "../driver/coordination/env-var";
import { UsageError } from "./errors";
import type { GlobalArgs } from "./options";

/**
 * What the flags say about where a backend may act. The locations are functions because resolving
 * them can fail (no project folder), and a backend that does not need one must not fail for it.
 */
export interface CliBackendContext {
    /** `--cloudwatch-endpoint`, e.g. a moto server. Defaults to AWS's endpoint of the region. */
    readonly cloudWatchEndpoint: string | undefined;
    /** The folder of the journal, lock and audit log (`--journal-dir`, else `<project>/.failover`). */
    journalDir(): string;
    /** The state backend's URL (`--backend`, else the project's file backend). */
    stateBackendUrl(): string;
}

/** Where the flags put the state and the coordination store, as given (undefined: not given). */
export interface CliLocations {
    /** `--backend`. */
    readonly backend: string | undefined;
    /** `--coordination`, else `$SFTP_FAILOVER_COORDINATION`. */
    readonly coordination: string | undefined;
}

/** What the CLI needs from a backend. Each method may load its implementation lazily. */
export interface CliBackends {
    /** Refuses, with a UsageError naming the flag, a location this backend must not reach. */
    admit(locations: CliLocations): Promise<void>;
    /** Provider plugins that stand in for AWS's; undefined runs the installed AWS provider. */
    standIn(): Promise<ProviderStandIn | undefined>;
    /** The fence client, or CloudWatch settings for automation/fence/cloudwatch-fence.ts (the driver's and the emergency path's default). */
    fence(ctx: CliBackendContext): Promise<RegionFenceClient | FenceClientOptions>;
    /** What Route 53's endpoint checks report, for `status` and the switches; undefined when there is no source (status then shows none). */
    endpointHealth(ctx: CliBackendContext): Promise<EndpointHealthSource | undefined>;
    /** Where the drain before a scale-down reads open sessions, given the `--sftp-endpoint`s; undefined: the driver's default (CloudWatch's ActiveFlowCount). */
    openSessions(ctx: CliBackendContext, endpoints: Partial<Readonly<Record<RegionName, SftpEndpoint>>>): Promise<OpenSessionsSource | undefined>;
    /** The S3 replication metrics failback reads before it may switch back. */
    replicationMetrics(ctx: CliBackendContext): Promise<ReplicationMetricsReader>;
    /** The On-Demand vCPU quota `plan` and `status` judge the standby against. */
    onDemandQuota(ctx: CliBackendContext): Promise<OnDemandQuotaReader>;
    /** How a region's exported endpoint name becomes addresses; undefined: the system's resolvers. */
    resolveEndpointName(): Promise<((name: string) => Promise<string[]>) | undefined>;
    /**
     * The S3 endpoint `reconcile` reads, given `--s3-endpoint` (undefined: AWS's own). Throws a
     * UsageError where there is no S3 to read.
     */
    s3Endpoint(given: string | undefined): Promise<string | undefined>;
}

/**
 * AWS: the installed provider; the fence is one CloudWatch PutMetricData (automation/fence/cloudwatch-fence.ts),
 * replication metrics come from CloudWatch, endpoint health from Route 53 and CloudWatch
 * (automation/aws/endpoint-health.ts), all at `--cloudwatch-endpoint` when given: it stands in for
 * Route 53's and Service Quotas' endpoints too, because an emulator such as moto serves every service on one port, and
 * on AWS neither flag is needed. Names resolve through the system's resolvers; reconcile reads S3
 * at `--s3-endpoint` or AWS's.
 */
export const awsCliBackends: CliBackends = {
    async admit() {
        // Every location is AWS's or the operator's own.
    },
    async standIn() {
        return undefined;
    },
    async fence(ctx) {
        return { endpoint: ctx.cloudWatchEndpoint };
    },
    async endpointHealth(ctx) {
        const { awsEndpointHealth } = await import("../aws/endpoint-health");
        return awsEndpointHealth(ctx.cloudWatchEndpoint === undefined ? {} : { cloudWatchEndpoint: ctx.cloudWatchEndpoint, route53Endpoint: ctx.cloudWatchEndpoint });
    },
    async openSessions() {
        return undefined;
    },
    async replicationMetrics(ctx) {
        const { cloudWatchReplicationMetrics } = await import("../driver/replication");
        return cloudWatchReplicationMetrics({ endpoint: ctx.cloudWatchEndpoint });
    },
    async onDemandQuota(ctx) {
        const { serviceQuotasReader } = await import("../aws/on-demand-quota");
        return serviceQuotasReader(ctx.cloudWatchEndpoint === undefined ? {} : { endpoint: ctx.cloudWatchEndpoint });
    },
    async resolveEndpointName() {
        return undefined;
    },
    async s3Endpoint(given) {
        return given;
    },
};

/** The backends an entry offers: AWS always; the sandbox only where the entry can load it (`--sandbox`). */
export interface CliBackendChoice {
    readonly aws: CliBackends;
    /** Loads the sandbox's backends. Defaults to none: `--sandbox` is then refused. */
    readonly sandbox?: () => Promise<CliBackends>;
}

/** An entry that offers AWS alone (the default of `runCli`). */
export const awsOnly: CliBackendChoice = { aws: awsCliBackends };

/**
 * Where the entry's choice travels to the handlers: yargs' parse context, merged into every
 * handler's argv. A symbol, so no command-line flag can set it, strict mode does not see it as an
 * unknown option, and `--json` never prints it.
 */
export const backendChoiceKey: unique symbol = Symbol("sftp-failover.cli-backends");

/** Parsed flags, with the entry's backend choice when the entry gave one. */
export type ArgsWithBackends = GlobalArgs & { readonly [backendChoiceKey]?: CliBackendChoice };

/** The backends the flags select (the sandbox's with `--sandbox`, else AWS), once they admit the flags' locations. */
export async function backendsOf(argv: ArgsWithBackends): Promise<CliBackends> {
    const choice = argv[backendChoiceKey] ?? awsOnly;
    if (argv.sandbox && choice.sandbox === undefined) {
        throw new UsageError("--sandbox is not available from this entry point (run the sftp-failover executable)");
    }
    const backends = argv.sandbox && choice.sandbox !== undefined ? await choice.sandbox() : choice.aws;
    await backends.admit({ backend: argv.backend, coordination: argv.coordination ?? process.env[coordinationEnvVar] });
    return backends;
}
