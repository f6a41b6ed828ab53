// How long the fence takes to move clients: an estimate with its parts, pure, so `plan`, `status`,
// the DNS component and the docs state the same figures. It is an estimate, not a bound: each part
// is what the service typically takes, and CloudWatch does not promise when it evaluates.
//
// Sources: CloudWatch User Guide, "Evaluating an alarm" (an alarm evaluates a period once it has
// closed, typically within a minute after); Route 53 Developer Guide, "Creating, updating, and
// deleting health checks" (request interval 10 or 30 s, failure threshold 1–10; CloudWatch-alarm
// health checks need a standard-resolution alarm) and "Choosing between alias and non-alias records"
// (an alias to an ELB is answered with the target's 60-s TTL).
//
// Only the CloudWatch-alarm fence is deployed. The S3-object fence (automation/aws/s3-object-fence.ts)
// is an evaluated alternative no stack deploys, so no figure of it is modelled or shown.

/**
 * How long resolvers cache an alias record: alias records carry no TTL of their own, and Route 53
 * answers them with the TTL of the alias target, 60 s for an Elastic Load Balancing name (Route 53
 * Developer Guide, "Choosing between alias and non-alias records").
 */
export const aliasCacheSeconds = 60;

/** One period of the fence alarm (Route 53 reads only standard-resolution alarms: 60 s). */
export const fenceAlarmPeriodSeconds = 60;

/** How long after its period closes an alarm is typically evaluated. */
export const alarmEvaluationLagSeconds = 60;

/** The parts of the estimate, in seconds, in the order they happen. */
export interface FenceEffectParts {
    /** Up to one alarm period for the current period to close. */
    readonly period: number;
    /** An unfence that had to stamp the period after a fence's (automation/fence/last-word.ts) waits up to one more; 0 for a fence. */
    readonly nextPeriod: number;
    /** CloudWatch's evaluation after the period closes (typical). */
    readonly evaluation: number;
    /** Route 53's health checks following: the endpoint checks' interval × failure threshold, taken as the estimate. */
    readonly healthCheck: number;
    /** Resolvers keep the old answer for the record's cache time (TTL; an alias's 60 s). */
    readonly cache: number;
}

/** The fence's estimated effect time, for a fence and for an unfence, with the parts. */
export interface FenceEffect {
    /** Estimated seconds for a fence to move clients: the sum of its parts. */
    readonly alarm: number;
    /** Estimated seconds for an unfence that had to wait for the next period. */
    readonly unfence: number;
    /** The parts of the unfence's estimate (a fence's is the same without `nextPeriod`). */
    readonly parts: FenceEffectParts;
}

/** The alarm fence's estimated effect time under the DNS stack's health-check timing and TTL. */
export function fenceEffectSeconds(timing: { readonly requestInterval: number; readonly failureThreshold: number }, ttl: number, alias: boolean): FenceEffect {
    const parts: FenceEffectParts = {
        period: fenceAlarmPeriodSeconds,
        nextPeriod: fenceAlarmPeriodSeconds,
        evaluation: alarmEvaluationLagSeconds,
        healthCheck: timing.requestInterval * timing.failureThreshold,
        cache: alias ? Math.max(ttl, aliasCacheSeconds) : ttl,
    };
    const fence = parts.period + parts.evaluation + parts.healthCheck + parts.cache;
    return { alarm: fence, unfence: fence + parts.nextPeriod, parts };
}

/** The estimate in words: `about 210 s (period ≤ 60 + evaluation ~60 + health checks 30 + cache 60; an unfence up to 60 s more)`. */
export function describeFenceEffect(e: FenceEffect): string {
    const p = e.parts;
    return `about ${e.alarm} s, an estimate (alarm period ≤ ${p.period} s + evaluation ~${p.evaluation} s + health checks ${p.healthCheck} s + cache ${p.cache} s; an unfence up to ${p.nextPeriod} s more)`;
}
