// How a Route 53 health check's raw readings make a verdict: pure, so the rules are tested at their
// boundaries without AWS. automation/aws/endpoint-health.ts feeds them what Route 53 and CloudWatch
// return.
import type { HealthVerdict } from "../driver/endpoint-health";

/** One health checker's last observation of an endpoint, as GetHealthCheckStatus returns it. */
export interface CheckerObservation {
    /** The checker's region (`us-east-1`, `eu-west-1`, …). */
    readonly region?: string;
    /** The status text, e.g. `Success: HTTP Status Code 200, OK` or `Failure: Connection timed out.` */
    readonly status?: string;
    readonly checkedTime?: Date;
}

/** A verdict with the figures it was made from. */
export interface CheckVerdict {
    readonly health: HealthVerdict;
    readonly reasons: readonly string[];
}

/**
 * The share of checkers that must report healthy, exclusive. Route 53 Developer Guide, "How Amazon
 * Route 53 determines whether a health check is healthy"
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html):
 * "If more than 18% of health checkers report that an endpoint is healthy, Route 53 considers it
 * healthy. If 18% of health checkers or fewer report that an endpoint is healthy, Route 53 considers
 * it unhealthy." The guide adds that the figure may change; it lives here alone.
 */
export const healthyCheckerPercent = 18;

/** How many distinct failure texts a verdict quotes: enough to see the cause, short enough for one status line. */
const quotedFailures = 3;

/**
 * Route 53's status of an endpoint check from its checkers' observations: healthy when more than
 * 18 % report a status starting with "Success". With no observation at all (a new check not yet
 * propagated, or every checker silent) nothing can be said: `unknown`, never healthy.
 */
export function endpointCheckVerdict(observations: readonly CheckerObservation[]): CheckVerdict {
    const total = observations.length;
    if (total === 0) {
        return { health: "unknown", reasons: ["no health checker reports an observation"] };
    }
    const healthy = observations.filter((o) => (o.status ?? "").startsWith("Success")).length;
    const percent = (healthy * 100) / total;
    // Compared in integers: 9 of 50 is exactly 18 % and must not become healthy through rounding.
    const verdict: HealthVerdict = healthy * 100 > healthyCheckerPercent * total ? "healthy" : "unhealthy";
    const counted = `${healthy} of ${total} health checkers report healthy (${formatPercent(percent)} %; healthy above ${healthyCheckerPercent} %)`;
    const failures = [...new Set(observations.map((o) => o.status ?? "(no status)").filter((s) => !s.startsWith("Success")))].slice(0, quotedFailures);
    return { health: verdict, reasons: verdict === "healthy" ? [counted] : [counted, ...failures] };
}

/** One datapoint of CloudWatch's `HealthCheckStatus` (the period's Minimum). */
export interface StatusPoint {
    readonly timestamp: Date;
    readonly value: number;
}

/**
 * A check's status from Route 53's `HealthCheckStatus` metric (1 healthy, 0 unhealthy): the latest
 * period's Minimum, so one unhealthy moment in the minute counts. No datapoint is `unknown`:
 * Route 53 publishes every minute, so silence means the metric could not be read, not health.
 */
export function metricStatusVerdict(points: readonly StatusPoint[], windowSeconds: number): CheckVerdict & { readonly latest?: StatusPoint } {
    const latest = points.reduce<StatusPoint | undefined>((best, p) => (best === undefined || p.timestamp > best.timestamp ? p : best), undefined);
    if (latest === undefined) {
        return { health: "unknown", reasons: [`no HealthCheckStatus datapoint in the last ${windowSeconds} s`] };
    }
    if (latest.value >= 1) {
        return { health: "healthy", reasons: [], latest };
    }
    return { health: "unhealthy", reasons: [`HealthCheckStatus Minimum ${latest.value} in the minute from ${latest.timestamp.toISOString()}`], latest };
}

function formatPercent(percent: number): string {
    return Number.isInteger(percent) ? String(percent) : percent.toFixed(1);
}
