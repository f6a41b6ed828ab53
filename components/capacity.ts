// How many gateway instances a region runs in each capacity mode. Pure: the driver's planner, the
// stack and the tests share it.
import { CapacityMode } from "../foundation/posture";

/** Every capacity mode, for messages and allowed-values checks. */
export const capacityModes: readonly CapacityMode[] = ["active", "pilot-light", "drained"];

/** The configured sizes of the gateway group. */
export interface CapacitySettings {
    /** Minimum instances when active. */
    readonly min: number;
    /** Desired instances when active. */
    readonly desired: number;
    /** Maximum instances when active (and the ceiling in pilot-light). */
    readonly max: number;
    /** Desired (and minimum) instances in pilot-light; 0 keeps only the load balancer warm. */
    readonly pilotLight: number;
}

/** The sizes the Auto Scaling group is given. */
export interface AsgCapacity {
    readonly min: number;
    readonly desired: number;
    readonly max: number;
}

/** The sizes used where the config gives none. */
export const defaultCapacity: CapacitySettings = { min: 2, desired: 2, max: 4, pilotLight: 1 };

/**
 * Checks the configured sizes: whole numbers, `0 ≤ min ≤ desired ≤ max`, `max ≥ 1`, and a pilot
 * light no larger than max. `label` names the config key in messages.
 */
export function validateCapacity(settings: CapacitySettings, label = "capacity"): CapacitySettings {
    for (const field of ["min", "desired", "max", "pilotLight"] as const) {
        const v = settings[field];
        if (!Number.isInteger(v) || v < 0 || v > 1000) {
            throw new Error(`${label}.${field} must be an integer 0–1000 (got ${String(v)})`);
        }
    }
    if (settings.max < 1) {
        throw new Error(`${label}.max must be at least 1 (got ${settings.max})`);
    }
    if (settings.min > settings.desired || settings.desired > settings.max) {
        throw new Error(
            `${label} must satisfy min ≤ desired ≤ max (got min ${settings.min}, desired ${settings.desired}, max ${settings.max})`,
        );
    }
    if (settings.pilotLight > settings.max) {
        throw new Error(`${label}.pilotLight must not exceed ${label}.max (got ${settings.pilotLight} > ${settings.max})`);
    }
    return settings;
}

/**
 * The Auto Scaling group's sizes for a capacity mode. Pilot light pins min to the small desired
 * count so the group never scales the standby in to nothing by itself; drained is 0/0/0 so nothing
 * can start an instance in a fenced region.
 */
export function capacityFor(mode: CapacityMode, settings: CapacitySettings): AsgCapacity {
    switch (mode) {
        case "active":
            return { min: settings.min, desired: settings.desired, max: settings.max };
        case "pilot-light":
            return { min: settings.pilotLight, desired: settings.pilotLight, max: settings.max };
        case "drained":
            return { min: 0, desired: 0, max: 0 };
        default:
            throw new Error(`unknown capacity mode "${mode as string}" (valid: ${capacityModes.join(", ")})`);
    }
}

/**
 * The gateways' instance refresh, as percentages of the group's desired capacity: launch before
 * terminating. 100 % stays in service, so a new instance must be healthy behind the load balancer
 * before an old one goes; 200 % leaves room to launch a whole group's worth, so a pilot light of one
 * is replaced by launching a second first. (The room is temporary: the On-Demand vCPU quota must
 * allow twice the group during a refresh.) The sandbox's model of what Auto Scaling keeps in
 * service (`lowestInServiceDuringRefresh`, sandbox/rules/autoscaling.ts) checks it.
 */
export const launchBeforeTerminate = { minHealthyPercentage: 100, maxHealthyPercentage: 200 } as const;

/**
 * The gateways' target group health check: the load balancer counts an instance healthy after
 * `healthyThreshold` passing checks `interval` seconds apart (ELB User Guide for Network Load
 * Balancers, "Health checks for your target groups": HealthCheckIntervalSeconds,
 * HealthyThresholdCount). The time-to-serve model (automation/time-to-serve.ts) counts them.
 */
export const targetHealthCheck = { interval: 10, healthyThreshold: 3, unhealthyThreshold: 3 } as const;

/** The size of each gateway's encrypted gp3 root volume, in GiB (what a stopped instance still costs). */
export const gatewayRootVolumeGb = 16;

/**
 * An optional warm pool (Amazon EC2 Auto Scaling User Guide, "Decrease latency for applications
 * with long boot times using warm pools"): instances launched ahead, run through their first boot,
 * then kept Stopped, so a scale-up starts them instead of launching and installing new ones. For
 * the pilot-light region, the one that must grow when it has to serve.
 */
export interface WarmPoolSettings {
    /** Instances kept in the pool whatever the group's sizes (PutWarmPool MinSize). */
    readonly minSize: number;
    /**
     * Instances allowed in the pool plus the group (PutWarmPool MaxGroupPreparedCapacity).
     * Defaults to none: the pool holds the group's max less its desired.
     */
    readonly maxGroupPreparedCapacity?: number;
    /** Return instances to the pool on scale-in instead of terminating them (InstanceReusePolicy). Defaults to true. */
    readonly reuseOnScaleIn?: boolean;
}

/** The warm pool as the Auto Scaling group is given it. */
export interface AsgWarmPool {
    /** Always Stopped: a stopped instance costs only its volume; Running costs as much as serving. */
    readonly poolState: "Stopped";
    readonly minSize: number;
    readonly maxGroupPreparedCapacity?: number;
    readonly instanceReusePolicy: { readonly reuseOnScaleIn: boolean };
}

/** Checks a warm pool's settings: whole numbers and a boolean. `label` names the config key in messages. */
export function validateWarmPool(settings: WarmPoolSettings, label = "warmPool"): WarmPoolSettings {
    for (const field of ["minSize", "maxGroupPreparedCapacity"] as const) {
        const v = settings[field];
        if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 1000)) {
            throw new Error(`${label}.${field} must be an integer 0–1000 (got ${String(v)})`);
        }
    }
    if (settings.reuseOnScaleIn !== undefined && typeof settings.reuseOnScaleIn !== "boolean") {
        throw new Error(`${label}.reuseOnScaleIn must be true or false (got ${JSON.stringify(settings.reuseOnScaleIn)})`);
    }
    return settings;
}

/**
 * The group's warm pool in a capacity mode. Active and pilot-light keep it, so a failover's
 * scale-up draws on it and the switch changes only the group's sizes; drained has none, because a
 * drained region is one nothing should start in (capacityFor says why).
 */
export function warmPoolFor(mode: CapacityMode, settings: WarmPoolSettings | undefined): AsgWarmPool | undefined {
    if (settings === undefined || mode === "drained") {
        return undefined;
    }
    return {
        poolState: "Stopped",
        minSize: settings.minSize,
        ...(settings.maxGroupPreparedCapacity !== undefined ? { maxGroupPreparedCapacity: settings.maxGroupPreparedCapacity } : {}),
        instanceReusePolicy: { reuseOnScaleIn: settings.reuseOnScaleIn ?? true },
    };
}

/**
 * How many instances the pool holds beside a group of `group` (User Guide, "Warm pool size"): the
 * group's max (or MaxGroupPreparedCapacity) less its desired, and never fewer than MinSize.
 */
export function warmPoolSize(group: AsgCapacity, pool: Pick<WarmPoolSettings, "minSize" | "maxGroupPreparedCapacity">): number {
    const prepared = (pool.maxGroupPreparedCapacity ?? group.max) - group.desired;
    return Math.max(pool.minSize, prepared, 0);
}

/** What a regional stack exports about its capacity, for `plan`'s time to serve and the quota check. */
export interface RegionCapacitySettings {
    readonly instanceType: string;
    readonly capacity: CapacitySettings;
    /** Absent: no warm pool configured. */
    readonly warmPool?: WarmPoolSettings;
}

/**
 * The launch lifecycle hook a group with a warm pool gets (User Guide, "Use lifecycle hooks with a
 * warm pool in Auto Scaling group"): AWS stops an instance "as soon as [it] finishes launching into
 * the warm pool" and "does not wait for user data to finish running", so without a hook a gateway
 * can be stopped mid-install. With it, each launch waits in `Warmed:Pending:Wait` (into the pool)
 * or `Pending:Wait` (into the group, and again when a pooled instance is started) until the gateway
 * completes the action itself (components/gateway-user-data.ts).
 *
 * - `defaultResult` ABANDON: an instance that never says it is ready is terminated and replaced,
 *   never stopped into the pool or put in service half-installed.
 * - `heartbeatTimeout` 600 s: five times the modelled boot (automation/time-to-serve.ts
 *   `bootSeconds`, 120) and twice the group's 300-second health check grace period, so a slow
 *   package install is not abandoned. It bounds only an instance that hangs or dies: a boot step
 *   that fails abandons at once. AWS allows 30–7200 s (PutLifecycleHook HeartbeatTimeout).
 */
export const gatewayLaunchHook = {
    name: "gateway-boot",
    lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
    defaultResult: "ABANDON",
    heartbeatTimeout: 600,
} as const;
