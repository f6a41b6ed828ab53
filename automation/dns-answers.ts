// Which records Route 53 answers for the service name, given each region's weight and health.
// Pure: the lab's DNS server serves this answer set, tests check postures against it, and `plan`
// or a drill can say where clients go before anything is deployed.
//
// Source: Amazon Route 53 Developer Guide, "Weighted routing" (section "Health checks and weighted
// routing", with its tables of weight-0 records) and "How Amazon Route 53 chooses records when
// health checking is configured" ("If no record is healthy, all records are healthy").
import { Posture, postureSpec, RegionName, regionNames, Weights } from "../foundation/posture";

/** What decides one region's record: its weight and the two inputs of its calculated health check. */
export interface RegionRecordState {
    /** The record's weight, 0–255. */
    readonly weight: number;
    /** Whether the region's TCP endpoint check is healthy. */
    readonly endpointHealthy: boolean;
    /** Whether the region is fenced (its fence alarm is in ALARM, so its gate check is unhealthy). */
    readonly fenced: boolean;
}

/** Each region's health inputs, without the weight (the posture gives it). */
export type RegionHealthState = Pick<RegionRecordState, "endpointHealthy" | "fenced">;

/**
 * Which of Route 53's rules chose the answer:
 * - `non-zero-weight`: healthy records with a weight above 0, in proportion to their weights;
 * - `zero-weight`: no such record, so the healthy records of weight 0, equally;
 * - `fail-open`: no healthy record, so Route 53 treats every record as healthy and applies the
 *   weights to all of them.
 */
export type AnswerRule = "non-zero-weight" | "zero-weight" | "fail-open";

/** The records Route 53 answers, and how often. */
export interface Route53Answer {
    readonly rule: AnswerRule;
    /** The regions whose record can be answered, primary first. Never empty. */
    readonly answered: readonly RegionName[];
    /** The fraction of queries answered with each region's record (0 for the others); they sum to 1. */
    readonly shares: Readonly<Record<RegionName, number>>;
    /** Each region's combined health: endpoint healthy AND not fenced. */
    readonly healthy: Readonly<Record<RegionName, boolean>>;
}

/**
 * The combined check the DNS stack attaches to a record is CALCULATED with every child required
 * (components/dns-region-health.ts): a fenced region is unhealthy even when its endpoint answers.
 */
export function recordHealthy(state: RegionHealthState): boolean {
    return state.endpointHealthy && !state.fenced;
}

/**
 * The answer set of a weighted record group where every record has a health check.
 *
 * Route 53 first considers only the records with a weight above 0; when every one of those is
 * unhealthy it considers the weight-0 records, which is why active-passive's weight-0 secondary
 * takes traffic without any API call. When every record is unhealthy it has nothing to choose
 * from, so it treats them all as healthy and applies the weights as usual: the weight-0 record
 * stays out while any record has a weight above 0 (the guide's table: weights 1, 1, 0, all
 * unhealthy, answers the two weight-1 records). That "fail open" is why a fence on the only
 * healthy region cannot take the service down, and why two dead endpoints make the fence useless.
 */
export function route53Answer(records: Readonly<Record<RegionName, RegionRecordState>>): Route53Answer {
    for (const region of regionNames) {
        const w = records[region].weight;
        if (!Number.isInteger(w) || w < 0 || w > 255) {
            throw new Error(`records.${region}.weight must be an integer 0–255 (got ${String(w)})`);
        }
    }
    const healthy = { primary: recordHealthy(records.primary), secondary: recordHealthy(records.secondary) };
    const healthyRegions = regionNames.filter((r) => healthy[r]);
    const nonZero = healthyRegions.filter((r) => records[r].weight > 0);
    if (nonZero.length > 0) {
        return { rule: "non-zero-weight", ...weighted(nonZero, records), healthy };
    }
    if (healthyRegions.length > 0) {
        return { rule: "zero-weight", ...equally(healthyRegions), healthy };
    }
    const everyNonZero = regionNames.filter((r) => records[r].weight > 0);
    const failOpen = everyNonZero.length > 0 ? weighted(everyNonZero, records) : equally(regionNames);
    return { rule: "fail-open", ...failOpen, healthy };
}

/** The answer set of a posture's weights (postureSpec) under each region's health. */
export function postureAnswer(
    posture: Posture,
    health: Readonly<Record<RegionName, RegionHealthState>>,
    activeActiveWeights?: Weights,
): Route53Answer {
    const { weights } = postureSpec(posture, activeActiveWeights);
    return route53Answer({
        primary: { weight: weights.primary, ...health.primary },
        secondary: { weight: weights.secondary, ...health.secondary },
    });
}

/**
 * Every combination of endpoint health and fence for both regions (16), in a fixed order: what a
 * test or a drill walks through to cover each posture completely.
 */
export function allHealthStates(): Readonly<Record<RegionName, RegionHealthState>>[] {
    const one: RegionHealthState[] = [
        { endpointHealthy: true, fenced: false },
        { endpointHealthy: true, fenced: true },
        { endpointHealthy: false, fenced: false },
        { endpointHealthy: false, fenced: true },
    ];
    return one.flatMap((primary) => one.map((secondary) => ({ primary, secondary })));
}

function weighted(regions: readonly RegionName[], records: Readonly<Record<RegionName, RegionRecordState>>) {
    const total = regions.reduce((sum, r) => sum + records[r].weight, 0);
    return shareOf(regions, (r) => records[r].weight / total);
}

function equally(regions: readonly RegionName[]) {
    return shareOf(regions, () => 1 / regions.length);
}

function shareOf(regions: readonly RegionName[], share: (r: RegionName) => number) {
    const shares = { primary: 0, secondary: 0 };
    for (const r of regions) {
        shares[r] = share(r);
    }
    return { answered: [...regions], shares };
}
