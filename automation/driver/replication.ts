// The replication backlog from the serving region's bucket to the other one, read from S3's
// replication metrics in CloudWatch. Failing back while objects are still waiting to replicate
// would serve clients a bucket that lacks their latest uploads.
import { CloudWatchClient, GetMetricDataCommand, MetricDataQuery } from "@aws-sdk/client-cloudwatch";

/** The replication rule whose backlog matters: S3 publishes its metrics per (source, destination, rule). */
export interface ReplicationRule {
    /** AWS region of the source bucket (the metrics live there). */
    readonly region: string;
    readonly sourceBucket: string;
    readonly destinationBucket: string;
    readonly ruleId: string;
}

/** The latest backlog figures. */
export interface ReplicationBacklog {
    readonly operationsPending: number;
    readonly bytesPending: number;
    readonly latencySeconds: number;
    /** True when CloudWatch returned no datapoint at all (metrics off, or no writes in the window). */
    readonly noData: boolean;
}

/** Limits above which failback refuses. */
export interface ReplicationThresholds {
    readonly maxOperationsPending: number;
    readonly maxBytesPending: number;
    readonly maxLatencySeconds: number;
}

/**
 * Default limits. Zero pending operations is unreachable while clients keep writing, so a small
 * backlog is tolerated; 300 s of latency is a third of S3 RTC's 15-minute objective.
 */
export const defaultReplicationThresholds: ReplicationThresholds = {
    maxOperationsPending: 100,
    maxBytesPending: 64 * 1024 * 1024,
    maxLatencySeconds: 300,
};

/** Reads the backlog of one replication rule. */
export interface ReplicationMetricsReader {
    backlog(rule: ReplicationRule): Promise<ReplicationBacklog>;
}

/** CloudWatch settings (endpoint overridable for an emulator such as moto). */
export interface CloudWatchSettings {
    readonly endpoint?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

const metrics = [
    { id: "ops", name: "OperationsPendingReplication" },
    { id: "bytes", name: "BytesPendingReplication" },
    { id: "latency", name: "ReplicationLatency" },
] as const;

/** The GetMetricData queries for a rule: the maximum per minute of each backlog metric. */
export function backlogQueries(rule: ReplicationRule): MetricDataQuery[] {
    return metrics.map((m) => ({
        Id: m.id,
        MetricStat: {
            Metric: {
                Namespace: "AWS/S3",
                MetricName: m.name,
                Dimensions: [
                    { Name: "SourceBucket", Value: rule.sourceBucket },
                    { Name: "DestinationBucket", Value: rule.destinationBucket },
                    { Name: "RuleId", Value: rule.ruleId },
                ],
            },
            Period: 60,
            Stat: "Maximum",
        },
        ReturnData: true,
    }));
}

/** A reader backed by CloudWatch GetMetricData over the last `windowMinutes` (default 15). */
export function cloudWatchReplicationMetrics(settings: CloudWatchSettings = {}, windowMinutes = 15): ReplicationMetricsReader {
    return {
        async backlog(rule) {
            const client = new CloudWatchClient({ region: rule.region, endpoint: settings.endpoint, credentials: settings.credentials });
            try {
                const end = new Date();
                const start = new Date(end.getTime() - windowMinutes * 60_000);
                const out = await client.send(
                    new GetMetricDataCommand({ MetricDataQueries: backlogQueries(rule), StartTime: start, EndTime: end, ScanBy: "TimestampDescending" }),
                );
                const latest = (id: string): number | undefined => {
                    const series = out.MetricDataResults?.find((r) => r.Id === id);
                    const values = series?.Values ?? [];
                    const stamps = series?.Timestamps ?? [];
                    if (values.length === 0) {
                        return undefined;
                    }
                    // Newest first with ScanBy=TimestampDescending; sorted again in case an emulator ignores it.
                    let best = 0;
                    for (let i = 1; i < values.length; i++) {
                        if ((stamps[i]?.getTime() ?? 0) > (stamps[best]?.getTime() ?? 0)) {
                            best = i;
                        }
                    }
                    return values[best];
                };
                const ops = latest("ops");
                const bytes = latest("bytes");
                const latency = latest("latency");
                return {
                    operationsPending: ops ?? 0,
                    bytesPending: bytes ?? 0,
                    latencySeconds: latency ?? 0,
                    noData: ops === undefined && bytes === undefined && latency === undefined,
                };
            } finally {
                client.destroy();
            }
        },
    };
}

/** The first limit a backlog exceeds, as a sentence, or undefined when it is within every limit. */
export function backlogExcess(backlog: ReplicationBacklog, limits: ReplicationThresholds): string | undefined {
    if (backlog.operationsPending > limits.maxOperationsPending) {
        return `${backlog.operationsPending} operations pending replication (limit ${limits.maxOperationsPending})`;
    }
    if (backlog.bytesPending > limits.maxBytesPending) {
        return `${backlog.bytesPending} bytes pending replication (limit ${limits.maxBytesPending})`;
    }
    if (backlog.latencySeconds > limits.maxLatencySeconds) {
        return `replication latency ${backlog.latencySeconds} s (limit ${limits.maxLatencySeconds} s)`;
    }
    return undefined;
}
