// Where each alarm of the dns stack must live, and so where its SNS topic must be: a CloudWatch
// alarm reads metrics of its own region only, and notifies a topic of its own region only
// (PutMetricAlarm refuses an SNS action elsewhere: "Invalid region … specified. Only <region> is
// supported."). Pure data, no Pulumi: the stack, the docs' table and the tests read the same answer.
import { RegionName, regionNames } from "../foundation/posture";

/**
 * The only region with Route 53's health-check metrics (`AWS/Route53`, `HealthCheckStatus`): Route
 * 53 is a global service whose metrics CloudWatch keeps in US East (N. Virginia). An alarm on an
 * endpoint check lives there whatever the serving regions, and is silent while us-east-1 is down.
 */
export const route53MetricsRegion = "us-east-1";

/**
 * Which bucket's region holds each S3 replication metric of a rule (AWS S3 User Guide, "Using S3
 * Replication metrics", column "Which Region is this metric published in?"): the pending figures
 * and the latency describe the destination catching up, and are published in the destination's
 * region; failed operations are counted where the source tried to send them.
 */
export const replicationMetricBucket = {
    OperationsFailedReplication: "source",
    ReplicationLatency: "destination",
    OperationsPendingReplication: "destination",
    BytesPendingReplication: "destination",
} as const satisfies Readonly<Record<string, "source" | "destination">>;

/** The regions a deployment's alarms live in. */
export interface AlarmRegionsInput {
    /** The fence region (the fence-set alarms). */
    readonly fenceRegion: string;
    /** Each region's AWS region, when its replication is alarmed (a regional stack's); absent: no replication alarms for it. */
    readonly replicationRegions: Readonly<Partial<Record<RegionName, string>>>;
}

/** One topic per region that holds an alarm: us-east-1 (health checks), the fence region, and each replication metric's region. Sorted, without repeats. */
export function alarmRegions(input: AlarmRegionsInput): string[] {
    const regions = new Set<string>([route53MetricsRegion, input.fenceRegion]);
    for (const regionName of regionNames) {
        const source = input.replicationRegions[regionName];
        const destination = input.replicationRegions[peerOf(regionName)];
        if (source !== undefined && destination !== undefined) {
            regions.add(source).add(destination);
        }
    }
    return [...regions].sort();
}

/** The other region. */
export function peerOf(regionName: RegionName): RegionName {
    return regionName === "primary" ? "secondary" : "primary";
}
