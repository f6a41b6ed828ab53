// The replication backlog check of failback. The reading itself lives in
// automation/aws/replication-backlog.ts (CloudWatch GetMetricData on AWS/S3's replication metrics,
// missing data reported as unknown, never as zero); the driver depends only on this interface so
// tests and embedders can supply their own reader.
import { readReplicationBacklog, ReplicationBacklogReport, ReplicationRule, ReplicationThresholds } from "../aws/replication-backlog";

export type { ReplicationBacklogReport, ReplicationRule, ReplicationThresholds } from "../aws/replication-backlog";
export { defaultReplicationThresholds } from "../aws/replication-backlog";

/** Reads the backlog of one replication rule against limits. */
export interface ReplicationMetricsReader {
    /** `signal` cancels the read (readers written before it may ignore it: the driver stops waiting anyway). */
    backlog(rule: ReplicationRule, thresholds: ReplicationThresholds, opts?: { readonly signal?: AbortSignal }): Promise<ReplicationBacklogReport>;
}

/** CloudWatch settings (endpoint overridable for an emulator such as moto). */
export interface CloudWatchSettings {
    readonly endpoint?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The default reader: CloudWatch, over the last 15 minutes. */
export function cloudWatchReplicationMetrics(settings: CloudWatchSettings = {}): ReplicationMetricsReader {
    return {
        backlog: (rule, thresholds, opts) => readReplicationBacklog(rule, { endpoint: settings.endpoint, credentials: settings.credentials, thresholds, ...(opts?.signal !== undefined ? { signal: opts.signal } : {}) }),
    };
}

/** The known values of a report, for results and errors. */
export function backlogFigures(report: ReplicationBacklogReport): { operationsPending?: number; bytesPending?: number; latencySeconds?: number } {
    const value = (r: ReplicationBacklogReport["operationsPending"]) => (r.known ? r.value : undefined);
    const figures: { operationsPending?: number; bytesPending?: number; latencySeconds?: number } = {};
    const ops = value(report.operationsPending);
    const bytes = value(report.bytesPending);
    const latency = value(report.latencySeconds);
    if (ops !== undefined) figures.operationsPending = ops;
    if (bytes !== undefined) figures.bytesPending = bytes;
    if (latency !== undefined) figures.latencySeconds = latency;
    return figures;
}
