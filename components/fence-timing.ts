// How long a fence takes to move clients, for each kind of fence: pure, so `plan`, `status`, the
// DNS component and the docs state the same figures.
//
// Sources: Route 53 Developer Guide, "Creating, updating, and deleting health checks" (request
// interval 10 or 30 s, failure threshold 1–10; CloudWatch-alarm health checks need a
// standard-resolution alarm) and "Values specific for simple/alias records" (an alias to an ELB is
// cached for 60 s); CloudWatch User Guide, "Evaluating an alarm" (an alarm evaluates once its
// period has closed, typically within a minute after).

/**
 * How long resolvers cache an alias record: alias records carry no TTL of their own, and Route 53
 * answers them with the TTL of the alias target, 60 s for an Elastic Load Balancing name (Route 53
 * Developer Guide, "Choosing between alias and non-alias records").
 */
export const aliasCacheSeconds = 60;

/** The fence kinds. */
export type FenceKind = "alarm" | "s3-object";

/** Seconds a fence takes to move clients, worst case, by kind. */
export interface FenceEffect {
    /** The CloudWatch-alarm fence: the minute closes, the alarm evaluates, then the record caches expire. */
    readonly alarm: number;
    /** An HTTPS string-match check on an S3 object: the checkers notice in interval × threshold, then the caches expire. */
    readonly s3Object: number;
}

/** One period of the fence alarm (Route 53 reads only standard-resolution alarms: 60 s). */
export const fenceAlarmPeriodSeconds = 60;

/** How long after its period closes an alarm is typically evaluated. */
export const alarmEvaluationLagSeconds = 60;

/** Both fences' effect time under the DNS stack's health-check timing and TTL. */
export function fenceEffectSeconds(timing: { readonly requestInterval: number; readonly failureThreshold: number }, ttl: number, alias: boolean): FenceEffect {
    const cached = alias ? Math.max(ttl, aliasCacheSeconds) : ttl;
    return {
        alarm: fenceAlarmPeriodSeconds + alarmEvaluationLagSeconds + cached,
        s3Object: timing.requestInterval * timing.failureThreshold + cached,
    };
}
