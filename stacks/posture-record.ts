// The posture record: the live posture as the driver last set it (who, when, why, which run), kept
// in the coordination store. Every run of a stack program compares its own posture and capacity
// config with it, so a `pulumi up` from a checkout whose stack file still says active-passive cannot
// silently revert a failover in the middle of an incident. Pure: it lives with the stacks, which own
// the comparison; the driver imports it from here.
import { configKeys } from "./contract";
import { CapacityMode, Posture, RegionName, Weights } from "../foundation/posture";

/** The live posture, as recorded by the driver after a switch. */
export interface PostureRecord {
    readonly posture: Posture;
    /** The DNS weights of that posture. */
    readonly weights: Weights;
    /** Each region's capacity mode in that posture. */
    readonly capacity: Readonly<Record<RegionName, CapacityMode>>;
    readonly identity: string;
    readonly host: string;
    readonly at: string;
    readonly runId: string;
    readonly reason?: string;
}

/** What one stack's config says about the posture. */
export type StackPostureConfig =
    | { readonly kind: "dns"; readonly posture: Posture; readonly weights: Weights }
    | { readonly kind: "regional"; readonly region: RegionName; readonly capacityMode: CapacityMode };

/** The environment variable that lets one by-hand run go ahead against the record, knowingly. */
export const postureOverrideEnvVar = "SFTP_FAILOVER_POSTURE_OVERRIDE";

function recordedBy(r: PostureRecord): string {
    return `recorded by ${r.identity} on ${r.host} at ${r.at}, run ${r.runId}${r.reason !== undefined ? `, "${r.reason}"` : ""}`;
}

/**
 * The one-line refusal when a stack's config disagrees with the live posture, naming both values
 * and the command to run; undefined when they agree.
 */
export function postureConflict(config: StackPostureConfig, record: PostureRecord): string | undefined {
    const fix = `switch with \`sftp-failover posture <posture>\` (the driver records it), or set the stack's config to the live value; ${postureOverrideEnvVar}=1 overrides`;
    switch (config.kind) {
        case "dns":
            if (config.posture !== record.posture) {
                return `${configKeys.posture} is "${config.posture}" but the live posture is "${record.posture}" (${recordedBy(record)}): this update would revert it; ${fix}`;
            }
            if (config.weights.primary !== record.weights.primary || config.weights.secondary !== record.weights.secondary) {
                return `the weights configured are ${config.weights.primary}/${config.weights.secondary} but the live weights are ${record.weights.primary}/${record.weights.secondary} (${recordedBy(record)}): this update would revert them; ${fix}`;
            }
            return undefined;
        case "regional": {
            const live = record.capacity[config.region];
            if (config.capacityMode !== live) {
                return `${configKeys.capacityMode} of ${config.region} is "${config.capacityMode}" but the live posture "${record.posture}" has it "${live}" (${recordedBy(record)}): this update would revert it; ${fix}`;
            }
            return undefined;
        }
        default:
            throw new Error(`unknown stack kind "${(config as { kind: string }).kind}"`);
    }
}

let driverRuns = 0;

/**
 * Runs `work` as the driver: stack programs run inline in this process during it skip the
 * comparison, since the driver is the one changing the posture (and records it after).
 */
export async function asPostureDriver<T>(work: () => Promise<T>): Promise<T> {
    driverRuns++;
    try {
        return await work();
    } finally {
        driverRuns--;
    }
}

/** Whether the comparison is overridden: the driver is running in this process, or the environment says so. */
export function postureCheckOverridden(env: NodeJS.ProcessEnv = process.env): boolean {
    return driverRuns > 0 || env[postureOverrideEnvVar] === "1";
}
