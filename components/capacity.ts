// How many gateway instances a region runs in each capacity mode. Pure: the driver's planner, the
// stack and the tests share it.
import { CapacityMode } from "../vocabulary/posture";

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
