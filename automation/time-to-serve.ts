// How long the region that must serve takes to reach its active size, per capacity path, and what
// each path costs a month while it stands by: an ESTIMATE with its parts named, pure, so `plan`, its
// JSON and docs/benchmarks.md state the same figures (like components/fence-timing.ts for the fence).
//
// The three paths a standby can take when a failover scales it to active:
// - cold start: Auto Scaling launches the missing instances, they boot and run the gateway's user
//   data, and the load balancer counts them healthy;
// - warm pool: it starts stopped instances that already ran their first boot (the pool), each
//   completes the group's launch hook, and the load balancer counts them healthy;
// - already active: the standby runs its active size all the time; nothing to wait for.
// DNS's own time (health checks, TTL) comes on top of each and is the `modelledRtoSeconds` figure.
import { AsgCapacity, RegionCapacitySettings, capacityFor, gatewayRootVolumeGb, targetHealthCheck, warmPoolSize } from "../components/capacity";
import { RegionName } from "../foundation/posture";
import { hoursPerMonth, priceTableDate, prices } from "./pricing";

/**
 * From the launch request to a running instance. An ASSUMPTION of this project: EC2 publishes no
 * launch time (User Guide, "Instance state changes": pending until running, no figure given); a
 * minute is what the drill on AWS should replace with a measured figure.
 */
export const launchSeconds = 60;

/**
 * From running to SFTPGo listening: the OS boot, then the gateway's user data (install SFTPGo from
 * the regional bucket or the mirror, read the host keys and users). An ASSUMPTION of this project,
 * to be replaced by a measured figure: AWS gives none, and the install dominates it.
 */
export const bootSeconds = 120;

/**
 * From a scale-out to a warm-pool instance in service: AWS's own figure for a pre-initialized
 * instance, "as low as 30 seconds" (AWS Compute Blog, "Scaling your applications faster with EC2
 * Auto Scaling Warm Pools", 2021). A best case, so the model takes it as the typical one only with
 * the load balancer's checks added after it.
 */
export const warmStartSeconds = 30;

/**
 * From SFTPGo up to the instance in service, with the launch lifecycle hook every warm pool brings
 * (components/capacity.ts gatewayLaunchHook): the instance waits in Pending:Wait until its per-boot
 * unit reads its id from the metadata service and calls CompleteLifecycleAction through the
 * region's endpoint, and the load balancer registers it only then. An ASSUMPTION of this project (two
 * local requests and one API call; AWS gives no figure), to be replaced by a measured one.
 */
export const launchHookSeconds = 5;

/** The load balancer's checks before it counts an instance healthy: interval × healthy threshold of the deployed target group. */
export const healthCheckSeconds = targetHealthCheck.interval * targetHealthCheck.healthyThreshold;

/** The capacity paths, in the order `plan` shows them. */
export const capacityPaths = ["cold-start", "warm-pool", "already-active"] as const;
/** One capacity path. */
export type CapacityPath = (typeof capacityPaths)[number];

/** One path's estimate: the seconds with their parts, and its monthly standing cost. */
export interface ServePath {
    readonly path: CapacityPath;
    /** Estimated seconds until the region runs its active size in service: the sum of `parts`. */
    readonly seconds: number;
    /** The parts, in the order they happen (seconds). */
    readonly parts: Readonly<Record<string, number>>;
    /** The standby region's instances and their volumes per month on this path (absent: no price for the instance type). */
    readonly monthlyUsd?: number;
    /** Instances in the warm pool on this path (the warm-pool path only). */
    readonly warmInstances?: number;
    /** Why the path is slower than its parts suggest, or what it assumes. */
    readonly note?: string;
}

/** The time to serve of one region, per capacity path. */
export interface TimeToServe {
    readonly region: RegionName;
    /** Always true: assumptions and typical figures, not a bound. */
    readonly estimate: true;
    readonly priceTableDate: string;
    readonly instanceType: string;
    /** Instances in service in pilot-light (serving, at reduced size, from the first second). */
    readonly pilotLight: number;
    /** Instances in service when active: the size each path must reach. */
    readonly activeSize: number;
    /** The path the region's config takes: a warm pool when one is configured, else a cold start. */
    readonly configured: Exclude<CapacityPath, "already-active">;
    readonly paths: readonly ServePath[];
}

/** Monthly cost of `running` instances of `instanceType` and the root volumes of `running + stopped`. */
function standingCost(instanceType: string, running: number, stopped: number): number | undefined {
    const hourly = prices.instanceHourUsd[instanceType];
    if (hourly === undefined) {
        return undefined;
    }
    const volumes = (running + stopped) * gatewayRootVolumeGb * prices.ebsGp3GbMonthUsd;
    return Math.round((running * hourly * hoursPerMonth + volumes) * 100) / 100;
}

/**
 * The time to serve of `region` when a failover scales it from pilot-light to active, with what
 * each path costs while it stands by. Without a configured warm pool, the warm-pool path is shown
 * for a pool just large enough (what `warmPool: { minSize }` would have to be).
 */
export function timeToServe(region: RegionName, settings: RegionCapacitySettings): TimeToServe {
    const standby: AsgCapacity = capacityFor("pilot-light", settings.capacity);
    const active = capacityFor("active", settings.capacity);
    const missing = Math.max(active.desired - standby.desired, 0);
    const pool = settings.warmPool !== undefined ? warmPoolSize(standby, settings.warmPool) : missing;
    const cold: ServePath = {
        path: "cold-start",
        seconds: launchSeconds + bootSeconds + healthCheckSeconds,
        parts: { launch: launchSeconds, boot: bootSeconds, healthChecks: healthCheckSeconds },
        ...priced(standingCost(settings.instanceType, standby.desired, 0)),
    };
    const short = pool < missing;
    // With a pool every launch waits on the hook; the instances the pool cannot cover launch cold,
    // and the group is at size only when the last is in.
    const warmParts: Readonly<Record<string, number>> = short
        ? { launch: launchSeconds, boot: bootSeconds, launchHook: launchHookSeconds, healthChecks: healthCheckSeconds }
        : { start: warmStartSeconds, launchHook: launchHookSeconds, healthChecks: healthCheckSeconds };
    const warm: ServePath = {
        path: "warm-pool",
        seconds: Object.values(warmParts).reduce((a, b) => a + b, 0),
        parts: warmParts,
        ...priced(standingCost(settings.instanceType, standby.desired, pool)),
        warmInstances: pool,
        ...(short
            ? { note: `the pool holds ${pool} of the ${missing} instance(s) to add; the rest launch cold` }
            : settings.warmPool === undefined
              ? { note: `not configured; warmPool: { minSize: ${missing} } would hold them` }
              : {}),
    };
    const already: ServePath = {
        path: "already-active",
        seconds: 0,
        parts: {},
        ...priced(standingCost(settings.instanceType, active.desired, 0)),
    };
    return {
        region,
        estimate: true,
        priceTableDate,
        instanceType: settings.instanceType,
        pilotLight: standby.desired,
        activeSize: active.desired,
        configured: settings.warmPool !== undefined ? "warm-pool" : "cold-start",
        paths: missing === 0 ? [{ ...cold, seconds: 0, parts: {}, note: "pilot light already runs the active size" }, already] : [cold, warm, already],
    };
}

function priced(monthlyUsd: number | undefined): { monthlyUsd?: number } {
    return monthlyUsd !== undefined ? { monthlyUsd } : {};
}

/** One path in words: `warm-pool: about 65 s (start 30 + launchHook 5 + healthChecks 30), $20.30/month, 3 stopped`. */
export function describeServePath(p: ServePath): string {
    const parts = Object.entries(p.parts).map(([name, s]) => `${name} ${s}`).join(" + ");
    const cost = p.monthlyUsd !== undefined ? `$${p.monthlyUsd.toFixed(2)}/month` : "cost unknown (no price for the instance type)";
    const pool = p.warmInstances !== undefined ? `, ${p.warmInstances} stopped` : "";
    return `${p.path}: about ${p.seconds} s${parts !== "" ? ` (${parts})` : ""}, ${cost}${pool}${p.note !== undefined ? ` — ${p.note}` : ""}`;
}
