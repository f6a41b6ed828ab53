// A region's open SFTP sessions as its Network Load Balancer reports them: CloudWatch's
// `AWS/NetworkELB` `ActiveFlowCount` (concurrent TCP flows from clients to targets), dimension
// `LoadBalancer` = the `net/<name>/<id>` suffix of the load balancer's ARN, in the load balancer's
// own region. The drain before a scale-down (automation/driver/drain.ts) polls it.
//
// Anything unreadable (an API error, a timeout, no datapoint in the window) is `known: false` with
// the reason, never zero. Elastic Load Balancing publishes a metric only while it has data to
// report, so an idle load balancer may have no recent datapoint: the drain then ends `unknown`
// rather than claiming the region drained.
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { OpenSessionsReading } from "../driver/drain";

/** Where one region's load balancer publishes its flows. */
export interface LoadBalancerMetricTarget {
    /** The AWS region of the load balancer (`us-east-1`). */
    readonly awsRegion: string;
    /** The `LoadBalancer` dimension: `net/<name>/<id>`, the ARN's suffix. */
    readonly loadBalancer: string;
}

/** Options of {@link readActiveFlows}. */
export interface ActiveFlowsOptions {
    /** CloudWatch's endpoint URL, e.g. a moto server. Defaults to AWS's endpoint of the region. */
    readonly endpoint?: string;
    /** Credentials. Defaults to the SDK's default provider chain. */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
    /** Attempts per call, the first included. Defaults to 3. */
    readonly maxAttempts?: number;
    /** Milliseconds to connect and, separately, to wait for an answer. Defaults to 5 000. */
    readonly timeoutMs?: number;
    /** How far back a datapoint still counts, in seconds. Defaults to 180 (the metric is per minute and lags a little). */
    readonly windowSeconds?: number;
    /** The clock. Defaults to the system clock. */
    readonly now?: () => Date;
    readonly signal?: AbortSignal;
}

/** The metric the drain reads. */
export const activeFlowMetric = { namespace: "AWS/NetworkELB", metricName: "ActiveFlowCount", dimension: "LoadBalancer" } as const;

/**
 * The newest per-minute maximum of ActiveFlowCount within the window.
 * IAM: cloudwatch:GetMetricData.
 */
export async function readActiveFlows(target: LoadBalancerMetricTarget, options: ActiveFlowsOptions = {}): Promise<OpenSessionsReading> {
    const source = `cloudwatch:${activeFlowMetric.namespace} ${activeFlowMetric.metricName} ${target.loadBalancer} ${target.awsRegion}`;
    const now = (options.now ?? (() => new Date()))();
    const windowSeconds = options.windowSeconds ?? 180;
    const timeoutMs = options.timeoutMs ?? 5_000;
    const client = new CloudWatchClient({
        region: target.awsRegion,
        maxAttempts: options.maxAttempts ?? 3,
        requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
        ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
        ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    });
    try {
        const answer = await client.send(
            new GetMetricDataCommand({
                MetricDataQueries: [
                    {
                        Id: "flows",
                        MetricStat: {
                            Metric: {
                                Namespace: activeFlowMetric.namespace,
                                MetricName: activeFlowMetric.metricName,
                                Dimensions: [{ Name: activeFlowMetric.dimension, Value: target.loadBalancer }],
                            },
                            Period: 60,
                            Stat: "Maximum",
                        },
                        ReturnData: true,
                    },
                ],
                StartTime: new Date(now.getTime() - windowSeconds * 1000),
                // A minute ahead: the current minute's period ends after now.
                EndTime: new Date(now.getTime() + 60_000),
                ScanBy: "TimestampDescending",
            }),
            options.signal !== undefined ? { abortSignal: options.signal } : {},
        );
        const result = answer.MetricDataResults?.[0];
        if (result?.StatusCode === "InternalError" || result?.StatusCode === "Forbidden") {
            return { known: false, reason: `GetMetricData answered ${result.StatusCode}`, source };
        }
        const points = (result?.Timestamps ?? [])
            .map((timestamp, i) => ({ timestamp, value: result?.Values?.[i] }))
            .filter((p): p is { timestamp: Date; value: number } => typeof p.value === "number")
            .sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime());
        const newest = points[0];
        if (newest === undefined) {
            return { known: false, reason: `no ${activeFlowMetric.metricName} datapoint in the last ${windowSeconds} s`, source };
        }
        return { known: true, sessions: Math.max(0, Math.round(newest.value)), source };
    } catch (err) {
        const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        return { known: false, reason: `GetMetricData failed: ${why}`, source };
    } finally {
        client.destroy();
    }
}

/** The `LoadBalancer` dimension of a load balancer ARN (`…:loadbalancer/net/name/id` → `net/name/id`), or undefined. */
export function loadBalancerDimensionOf(arn: string): string | undefined {
    const match = /:loadbalancer\/(net\/[^/]+\/[^/]+)$/.exec(arn);
    return match?.[1];
}
