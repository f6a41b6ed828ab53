// The replication backlog of one S3 replication rule, read from the metrics S3 publishes to
// CloudWatch (namespace AWS/S3, per source bucket, destination bucket and rule). Failing back while
// objects still wait to replicate would serve clients a bucket without their latest uploads, so a
// metric with no datapoint is reported as unknown, never as zero: "no data" can mean replication
// metrics are off, or that CloudWatch is behind, and neither proves the backlog is empty.
import { CloudWatchClient, GetMetricDataCommand, MetricDataQuery, MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { replicationMetricBucket } from "../../components/alarm-placement";

/** The rule whose backlog is read. S3 publishes its replication metrics per (source, destination, rule). */
export interface ReplicationRule {
    /**
     * AWS region of the destination bucket: S3 publishes the pending figures and the latency there
     * (components/alarm-placement.ts, `replicationMetricBucket`), so the backlog is read there.
     */
    readonly destinationRegion: string;
    readonly sourceBucket: string;
    readonly destinationBucket: string;
    readonly ruleId: string;
}

/** The limits above which the backlog is too large to fail back. An absent limit is not checked. */
export interface ReplicationThresholds {
    readonly maxOperationsPending?: number;
    readonly maxBytesPending?: number;
    readonly maxLatencySeconds?: number;
}

/**
 * Default limits. Zero pending operations is unreachable while clients keep writing, so a small
 * backlog is tolerated; 300 s of latency is a third of S3 Replication Time Control's 15-minute objective.
 */
export const defaultReplicationThresholds: Required<ReplicationThresholds> = {
    maxOperationsPending: 100,
    maxBytesPending: 64 * 1024 * 1024,
    maxLatencySeconds: 300,
};

/** The newest datapoint of one metric, or why there is none. */
export type MetricReading =
    | { readonly known: true; readonly value: number; readonly timestamp: Date }
    | { readonly known: false; readonly reason: string };

/** How the backlog compares with the limits. */
export type BacklogStatus = "within" | "above" | "unknown";

/** What {@link readReplicationBacklog} found. */
export interface ReplicationBacklogReport {
    readonly rule: ReplicationRule;
    /** The window searched for datapoints. */
    readonly window: { readonly start: Date; readonly end: Date };
    /** OperationsPendingReplication (count). */
    readonly operationsPending: MetricReading;
    /** BytesPendingReplication (bytes). */
    readonly bytesPending: MetricReading;
    /** ReplicationLatency (seconds). */
    readonly latencySeconds: MetricReading;
    /** The limits applied. */
    readonly thresholds: ReplicationThresholds;
    /**
     * `above` when any known value exceeds its limit; otherwise `unknown` when a limited metric has
     * no datapoint; otherwise `within`.
     */
    readonly status: BacklogStatus;
    /** One sentence per limit exceeded. */
    readonly excess: readonly string[];
    /** The limited metrics that had no datapoint. */
    readonly unknownMetrics: readonly MetricName[];
}

/** The S3 replication metrics read. */
export type MetricName = "OperationsPendingReplication" | "BytesPendingReplication" | "ReplicationLatency";

/** Where and how to read. */
export interface ReadReplicationBacklogOptions {
    /** CloudWatch endpoint (e.g. moto's `http://127.0.0.1:<port>`). Defaults to AWS's for the rule's region. */
    readonly endpoint?: string;
    /** Credentials. Defaults to the AWS SDK's default chain. */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
    /** A client to use instead of one made here (it is then not destroyed). Defaults to a new one. */
    readonly client?: CloudWatchClient;
    /** Limits. Defaults to {@link defaultReplicationThresholds}. */
    readonly thresholds?: ReplicationThresholds;
    /** How far back to look for the newest datapoint. Defaults to 15 minutes. */
    readonly windowMinutes?: number;
    /** End of the window. Defaults to now. */
    readonly now?: Date;
    /** Bound on the CloudWatch call, retries included. Defaults to 15 000 ms. */
    readonly timeoutMs?: number;
    /** Cancels the read. */
    readonly signal?: AbortSignal;
}

/** CloudWatch could not be read (unreachable, denied, timed out); the cause is attached. */
export class ReplicationMetricsUnavailableError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "ReplicationMetricsUnavailableError";
    }
}

/**
 * The CloudWatch region the backlog is read from: the destination bucket's. S3 publishes every
 * metric read here there (`replicationMetricBucket`, from the S3 User Guide's "Using S3 Replication
 * metrics"); the source's region holds none of them, and a failback reading it would find no
 * datapoint and refuse for ever.
 */
export function backlogMetricsRegion(rule: ReplicationRule): string {
    return rule.destinationRegion;
}

/** Where S3 publishes each metric read here (typed so that a metric published elsewhere does not compile). */
export const backlogMetricPlaces: Readonly<Record<MetricName, "destination">> = replicationMetricBucket;

const metrics: readonly { readonly id: string; readonly name: MetricName; readonly key: ReadingKey; readonly limit: keyof ReplicationThresholds }[] = [
    { id: "ops", name: "OperationsPendingReplication", key: "operationsPending", limit: "maxOperationsPending" },
    { id: "bytes", name: "BytesPendingReplication", key: "bytesPending", limit: "maxBytesPending" },
    { id: "latency", name: "ReplicationLatency", key: "latencySeconds", limit: "maxLatencySeconds" },
];

type ReadingKey = "operationsPending" | "bytesPending" | "latencySeconds";

/** The GetMetricData queries for a rule: the per-minute maximum of each replication metric. */
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

/**
 * Reads the newest value of each replication metric of `rule` and compares them with the limits.
 * Throws {@link ReplicationMetricsUnavailableError} when CloudWatch cannot be read, and an Error
 * naming the option for invalid options; missing datapoints are not errors but `unknown` readings.
 */
export async function readReplicationBacklog(rule: ReplicationRule, opts?: ReadReplicationBacklogOptions): Promise<ReplicationBacklogReport> {
    const windowMinutes = opts?.windowMinutes ?? 15;
    if (!(windowMinutes > 0 && windowMinutes <= 24 * 60)) {
        throw new Error(`windowMinutes must be in (0, 1440] (got ${windowMinutes})`);
    }
    const thresholds = opts?.thresholds ?? defaultReplicationThresholds;
    validateThresholds(thresholds);
    const end = opts?.now ?? new Date();
    const start = new Date(end.getTime() - windowMinutes * 60_000);
    const timeoutMs = opts?.timeoutMs ?? 15_000;
    const region = backlogMetricsRegion(rule);
    const client = opts?.client ?? new CloudWatchClient({
        region,
        ...(opts?.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
        ...(opts?.credentials === undefined ? {} : { credentials: opts.credentials }),
    });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const onAbort = () => abort.abort();
    // A signal aborted before the call fires no event: it is checked too.
    if (opts?.signal?.aborted) {
        abort.abort();
    }
    opts?.signal?.addEventListener("abort", onAbort, { once: true });
    const where = `CloudWatch in ${region}${opts?.endpoint === undefined ? "" : ` at ${opts.endpoint}`}`;
    try {
        const results = await getAllMetricData(client, rule, start, end, abort.signal);
        const readings = {} as Record<ReadingKey, MetricReading>;
        for (const m of metrics) {
            readings[m.key] = newest(results.filter((r) => r.Id === m.id), m.name, windowMinutes);
        }
        return { rule, window: { start, end }, ...readings, thresholds, ...assessBacklog(readings, thresholds) };
    } catch (err) {
        if (abort.signal.aborted) {
            const why = opts?.signal?.aborted ? "aborted" : `timed out after ${timeoutMs} ms`;
            throw new ReplicationMetricsUnavailableError(`reading replication metrics of rule "${rule.ruleId}" from ${where}: ${why}`, { cause: err });
        }
        const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        throw new ReplicationMetricsUnavailableError(`reading replication metrics of rule "${rule.ruleId}" from ${where} failed: ${reason}`, { cause: err });
    } finally {
        clearTimeout(timer);
        opts?.signal?.removeEventListener("abort", onAbort);
        if (opts?.client === undefined) {
            client.destroy();
        }
    }
}

/**
 * Compares readings with limits. A known value above its limit makes the backlog `above` even when
 * other metrics are unknown (it is certainly too large); otherwise any unknown limited metric makes
 * it `unknown`, because the missing one could be the large one.
 */
export function assessBacklog(
    readings: Readonly<Record<ReadingKey, MetricReading>>,
    thresholds: ReplicationThresholds,
): { status: BacklogStatus; excess: string[]; unknownMetrics: MetricName[] } {
    const excess: string[] = [];
    const unknownMetrics: MetricName[] = [];
    for (const m of metrics) {
        const limit = thresholds[m.limit];
        if (limit === undefined) {
            continue;
        }
        const reading = readings[m.key];
        if (!reading.known) {
            unknownMetrics.push(m.name);
        } else if (reading.value > limit) {
            excess.push(`${m.name} is ${reading.value} (limit ${limit})`);
        }
    }
    const status: BacklogStatus = excess.length > 0 ? "above" : unknownMetrics.length > 0 ? "unknown" : "within";
    return { status, excess, unknownMetrics };
}

function validateThresholds(thresholds: ReplicationThresholds): void {
    for (const m of metrics) {
        const limit = thresholds[m.limit];
        if (limit !== undefined && !(Number.isFinite(limit) && limit >= 0)) {
            throw new Error(`thresholds.${m.limit} must be a number ≥ 0 (got ${limit})`);
        }
    }
}

/** GetMetricData, following NextToken (bounded: three metrics over at most a day fit in a few pages). */
async function getAllMetricData(client: CloudWatchClient, rule: ReplicationRule, start: Date, end: Date, signal: AbortSignal): Promise<MetricDataResult[]> {
    const results: MetricDataResult[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 20; page++) {
        const out = await client.send(new GetMetricDataCommand({
            MetricDataQueries: backlogQueries(rule),
            StartTime: start,
            EndTime: end,
            ScanBy: "TimestampDescending",
            NextToken: nextToken,
        }), { abortSignal: signal });
        results.push(...(out.MetricDataResults ?? []));
        nextToken = out.NextToken;
        if (nextToken === undefined || nextToken === "") {
            return results;
        }
    }
    throw new Error("GetMetricData returned more than 20 pages");
}

/** The newest datapoint across the pages of one query (searched, not assumed first: emulators may ignore ScanBy). */
function newest(series: readonly MetricDataResult[], name: MetricName, windowMinutes: number): MetricReading {
    let best: { value: number; timestamp: Date } | undefined;
    for (const s of series) {
        const values = s.Values ?? [];
        const stamps = s.Timestamps ?? [];
        for (let i = 0; i < values.length; i++) {
            const timestamp = stamps[i];
            if (timestamp !== undefined && (best === undefined || timestamp > best.timestamp)) {
                best = { value: values[i], timestamp };
            }
        }
    }
    if (best !== undefined) {
        return { known: true, ...best };
    }
    const status = series.find((s) => s.StatusCode !== undefined && s.StatusCode !== "Complete")?.StatusCode;
    const detail = status === undefined ? "" : ` (query status ${status})`;
    return { known: false, reason: `no ${name} datapoint in the last ${windowMinutes} minutes${detail}` };
}
