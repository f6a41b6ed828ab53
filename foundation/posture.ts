// The failover posture model: pure TypeScript, no Pulumi import, shared by the DNS stack, the
// regional stacks (through the capacity mode) and the driver. The ground floor: it imports nothing
// of the project, so components and stacks need not reach into automation/ for their vocabulary
// (foundation/ is that floor).

/** A failover posture of the two-region service. */
export type Posture = "active-active" | "active-passive" | "failover";

/** The two regions of the service, by role. */
export type RegionName = "primary" | "secondary";

/** How much gateway capacity a region runs. */
export type CapacityMode = "active" | "pilot-light" | "drained";

/** Every valid posture, in the order operators usually move through them. */
export const postures: readonly Posture[] = ["active-active", "active-passive", "failover"];

/** Both regions, primary first. */
export const regionNames: readonly RegionName[] = ["primary", "secondary"];

/** Route 53 weights of the two records. */
export interface Weights {
    readonly primary: number;
    readonly secondary: number;
}

/** Everything a posture decides: the DNS weights and each region's capacity. */
export interface PostureSpec {
    readonly posture: Posture;
    readonly weights: Weights;
    readonly capacity: Readonly<Record<RegionName, CapacityMode>>;
}

/** Route 53's limit on a record's weight. */
export const maxWeight = 255;

/** The active-active split used when none is configured. */
export const defaultActiveActiveWeights: Weights = { primary: 50, secondary: 50 };

/** Thrown for a posture or weights that must not reach Route 53. */
export class InvalidPostureError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InvalidPostureError";
    }
}

/** Narrows a string to a Posture, or throws naming the valid ones. */
export function parsePosture(value: string): Posture {
    if ((postures as readonly string[]).includes(value)) {
        return value as Posture;
    }
    throw new InvalidPostureError(`unknown posture "${value}" (valid: ${postures.join(", ")})`);
}

/**
 * Checks a pair of weights. Route 53 accepts 0–255; when every record of a weighted set has
 * weight 0 it answers all of them with equal probability, which would silently turn a posture into
 * active-active — so all-zero is refused rather than deployed.
 */
export function validateWeights(weights: Weights, label = "weights"): Weights {
    // Weights often come from JSON config; a missing object should name the key, not raise a TypeError.
    if (typeof weights !== "object" || weights === null) {
        throw new InvalidPostureError(`${label} must be an object { primary, secondary } (got ${String(weights)})`);
    }
    for (const region of regionNames) {
        const w = weights[region];
        if (!Number.isInteger(w) || w < 0 || w > maxWeight) {
            throw new InvalidPostureError(`${label}.${region} must be an integer 0–${maxWeight} (got ${String(w)})`);
        }
    }
    if (weights.primary === 0 && weights.secondary === 0) {
        throw new InvalidPostureError(
            `${label} are all 0: Route 53 would then spread traffic equally over every record; give at least one region a weight above 0`,
        );
    }
    return weights;
}

/**
 * The weights and capacities of a posture.
 *
 * In active-passive the secondary keeps weight 0 and pilot-light capacity: Route 53 answers a
 * weight-0 record only once every non-zero record is unhealthy, so a failed primary health check
 * moves clients without any API call, and the pilot light can take the first connections.
 */
export function postureSpec(posture: Posture, activeActiveWeights: Weights = defaultActiveActiveWeights): PostureSpec {
    switch (posture) {
        case "active-active":
            return {
                posture,
                weights: validateWeights(activeActiveWeights, "activeActiveWeights"),
                capacity: { primary: "active", secondary: "active" },
            };
        case "active-passive":
            return { posture, weights: { primary: 100, secondary: 0 }, capacity: { primary: "active", secondary: "pilot-light" } };
        case "failover":
            return { posture, weights: { primary: 0, secondary: 100 }, capacity: { primary: "drained", secondary: "active" } };
        default:
            throw new InvalidPostureError(`unknown posture "${posture as string}" (valid: ${postures.join(", ")})`);
    }
}

/** The region that takes traffic first under a posture's weights (the one with the larger weight; primary on a tie). */
export function servingRegion(spec: { readonly weights: Weights }): RegionName {
    return spec.weights.secondary > spec.weights.primary ? "secondary" : "primary";
}
