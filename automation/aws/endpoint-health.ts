// The AWS endpoint-health source: what Route 53 itself reports about each region's checks, read
// where Route 53 publishes it.
//   - the endpoint check: Route 53's GetHealthCheckStatus (one observation per health checker),
//     judged by Route 53's documented 18 % rule (health-check-verdicts.ts);
//   - the combined (calculated) check on the records: GetHealthCheckStatus does not serve
//     calculated checks, so CloudWatch's `AWS/Route53` `HealthCheckStatus` metric, which Route 53
//     publishes in us-east-1 only;
//   - the fence alarm: its state in the fence region, read by automation/fence/cloudwatch-fence.ts's readFence.
// Anything unreadable (an API error, throttling, us-east-1 down, no data) is `unknown` with the
// error as the reason, never healthy: status and the actions that follow it must not act on a guess.
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import type { EndpointHealth, EndpointHealthScope, EndpointHealthSource, ObservedReading, RegionEndpoint, RelatedCheckReading } from "../driver/endpoint-health";
import { readFence } from "../fence/cloudwatch-fence";
import { CheckVerdict, endpointCheckVerdict, metricStatusVerdict, StatusPoint } from "./health-check-verdicts";

/** Where Route 53 publishes health checks' status and metrics: its control plane and CloudWatch metrics live in us-east-1. */
export const route53HomeRegion = "us-east-1";

/** Options of {@link awsEndpointHealth}. */
export interface AwsEndpointHealthOptions {
    /** Route 53's endpoint URL, e.g. a moto server. Defaults to AWS's. */
    readonly route53Endpoint?: string;
    /** CloudWatch's endpoint URL for the status metric and the fence alarms, e.g. a moto server. Defaults to AWS's endpoint of each region. */
    readonly cloudWatchEndpoint?: string;
    /** Credentials. Defaults to the SDK's default provider chain. */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
    /** Attempts per API call, the first included. Defaults to 3 (the SDK's own default). */
    readonly maxAttempts?: number;
    /** Milliseconds to open a connection and, separately, to wait for an answer. Defaults to 5 000: status must not hang on a dead region. */
    readonly timeoutMs?: number;
    /** How far back to look for the status metric, in seconds. Defaults to 300 (Route 53 publishes each minute; CloudWatch lags a little). */
    readonly metricWindowSeconds?: number;
    /** The clock. Defaults to the system clock. */
    readonly now?: () => Date;
}

const defaultMaxAttempts = 3;
const defaultTimeoutMs = 5_000;
const defaultMetricWindowSeconds = 300;

/**
 * An endpoint-health source that reads Route 53 and CloudWatch. Each region's reading is its
 * endpoint check's; the combined check and the fence alarm come with it in `checks`.
 * IAM: route53:GetHealthCheckStatus, cloudwatch:GetMetricData, cloudwatch:DescribeAlarms.
 */
export function awsEndpointHealth(options: AwsEndpointHealthOptions = {}): EndpointHealthSource {
    return {
        name: "route53 + cloudwatch",
        async endpointHealth(endpoint: RegionEndpoint, scope: EndpointHealthScope = {}): Promise<EndpointHealth> {
            const ids = endpoint.healthCheckIds;
            const now = (options.now ?? (() => new Date()))();
            if (ids === undefined) {
                const reason = `the dns stack exports no health check ids for ${endpoint.region} (is it deployed?)`;
                return { health: "unknown", reasons: [reason], source: "dns stack outputs", observedAt: now.toISOString() };
            }
            if (scope.endpointOnly === true) {
                return readEndpointCheck(ids.endpoint, options, now);
            }
            const [endpointCheck, combined, fence] = await Promise.all([
                readEndpointCheck(ids.endpoint, options, now),
                readCalculatedCheck(ids.combined, options, now),
                readFenceCheck(endpoint, options, now),
            ]);
            return { ...endpointCheck, checks: [combined, fence] };
        },
    };
}

/** The endpoint check through GetHealthCheckStatus, judged by Route 53's rule. */
async function readEndpointCheck(healthCheckId: string, options: AwsEndpointHealthOptions, now: Date): Promise<ObservedReading> {
    const source = `route53:GetHealthCheckStatus ${healthCheckId}`;
    const client = new Route53Client({ region: route53HomeRegion, ...clientSettings(options, options.route53Endpoint) });
    try {
        const answer = await client.send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }));
        const observations = (answer.HealthCheckObservations ?? []).map((o) => ({ region: o.Region, status: o.StatusReport?.Status, checkedTime: o.StatusReport?.CheckedTime }));
        // The reading is as old as its oldest observation: every checker counted had spoken by then.
        const times = observations.map((o) => o.checkedTime?.getTime()).filter((t): t is number => t !== undefined);
        const observedAt = times.length > 0 ? new Date(Math.min(...times)) : now;
        return { ...endpointCheckVerdict(observations), source, observedAt: observedAt.toISOString() };
    } catch (err) {
        return unreadable(source, now, `GetHealthCheckStatus ${healthCheckId} failed`, err);
    } finally {
        client.destroy();
    }
}

/** A calculated check through CloudWatch's HealthCheckStatus metric in us-east-1. */
async function readCalculatedCheck(healthCheckId: string, options: AwsEndpointHealthOptions, now: Date): Promise<RelatedCheckReading> {
    const source = `cloudwatch:AWS/Route53 HealthCheckStatus ${healthCheckId} ${route53HomeRegion}`;
    const windowSeconds = options.metricWindowSeconds ?? defaultMetricWindowSeconds;
    const client = new CloudWatchClient({ region: route53HomeRegion, ...clientSettings(options, options.cloudWatchEndpoint) });
    try {
        const answer = await client.send(
            new GetMetricDataCommand({
                MetricDataQueries: [
                    {
                        Id: "status",
                        MetricStat: {
                            Metric: { Namespace: "AWS/Route53", MetricName: "HealthCheckStatus", Dimensions: [{ Name: "HealthCheckId", Value: healthCheckId }] },
                            Period: 60,
                            Stat: "Minimum",
                        },
                        ReturnData: true,
                    },
                ],
                StartTime: new Date(now.getTime() - windowSeconds * 1000),
                // A minute ahead: the current minute's period ends after now.
                EndTime: new Date(now.getTime() + 60_000),
                ScanBy: "TimestampDescending",
            }),
        );
        const result = answer.MetricDataResults?.[0];
        if (result?.StatusCode === "InternalError" || result?.StatusCode === "Forbidden") {
            return { check: "combined", ...unreadable(source, now, `GetMetricData HealthCheckStatus ${healthCheckId} answered ${result.StatusCode}`, result.Messages?.map((m) => m.Value).join("; ") ?? "") };
        }
        const values = result?.Values ?? [];
        const points: StatusPoint[] = (result?.Timestamps ?? []).map((timestamp, i) => ({ timestamp, value: values[i] })).filter((p) => typeof p.value === "number");
        const verdict = metricStatusVerdict(points, windowSeconds);
        return { check: "combined", health: verdict.health, reasons: verdict.reasons, source, observedAt: (verdict.latest?.timestamp ?? now).toISOString() };
    } catch (err) {
        return { check: "combined", ...unreadable(source, now, `GetMetricData HealthCheckStatus ${healthCheckId} failed`, err) };
    } finally {
        client.destroy();
    }
}

/**
 * The fence alarm's check: healthy while the alarm is OK, unhealthy in ALARM (the region is fenced),
 * unknown otherwise (no alarm, or INSUFFICIENT_DATA, where Route 53 keeps the check's last status).
 */
async function readFenceCheck(endpoint: RegionEndpoint, options: AwsEndpointHealthOptions, now: Date): Promise<RelatedCheckReading> {
    const coordinates = endpoint.fence;
    if (coordinates === undefined) {
        return { check: "fence", health: "unknown", reasons: ["the dns stack exports no fence coordinates"], source: "dns stack outputs", observedAt: now.toISOString() };
    }
    const source = `cloudwatch:DescribeAlarmsForMetric ${coordinates.namespace}/${coordinates.metricName} ${coordinates.region}`;
    // readFence takes no retry budget: the signal bounds it by the same time the other reads may take.
    const budgetMs = (options.maxAttempts ?? defaultMaxAttempts) * 2 * (options.timeoutMs ?? defaultTimeoutMs);
    try {
        const state = await readFence(coordinates, endpoint.region, {
            ...(options.cloudWatchEndpoint !== undefined ? { endpoint: options.cloudWatchEndpoint } : {}),
            ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
            signal: AbortSignal.timeout(budgetMs),
            now: () => now,
        });
        const alarms = state.alarms.map((a) => `${a.name} ${a.state}`).join(", ");
        const verdict: CheckVerdict =
            state.effective === "enabled"
                ? { health: "healthy", reasons: [] }
                : state.effective === "fenced"
                  ? { health: "unhealthy", reasons: [`fenced: ${alarms}`] }
                  : { health: "unknown", reasons: [alarms === "" ? "no alarm watches the fence metric" : `no alarm has decided (${alarms}); Route 53 keeps the fence check's last status`] };
        return { check: "fence", ...verdict, source, observedAt: now.toISOString() };
    } catch (err) {
        return { check: "fence", ...unreadable(source, now, "", err) };
    }
}

function clientSettings(options: AwsEndpointHealthOptions, endpoint: string | undefined) {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    return {
        maxAttempts: options.maxAttempts ?? defaultMaxAttempts,
        requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
        ...(endpoint !== undefined ? { endpoint } : {}),
        ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    };
}

/** An unreadable check: unknown, with what failed and why. */
function unreadable(source: string, now: Date, what: string, err: unknown): ObservedReading {
    const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { health: "unknown", reasons: [[what, why].filter((part) => part !== "").join(": ")], source, observedAt: now.toISOString() };
}
