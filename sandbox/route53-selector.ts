// Which records of a weighted group Route 53 answers, for the lab's DNS server: written from the
// Route 53 documentation alone, over any number of records, and kept apart from the project's own
// model (automation/dns-answers.ts), so the lab's answers are not the model checking itself. A unit
// test (test/unit/route53-selector.test.ts) holds the guide's examples as data and cross-checks the
// two over every combination of two records' weights and health; a disagreement fails it.
//
// The rules, as the documentation states them:
// - Amazon Route 53 Developer Guide, "Weighted routing"
//   (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html):
//   a record's share is its weight over the sum of the weights of the records considered (1 and 255
//   give 1/256 and 255/256). Section "Health checks and weighted routing": when every record has a
//   health check, Route 53 first considers only the records with a non-zero weight, and the
//   weight-0 records only when every record with a weight above 0 is unhealthy (its table:
//   weights 1, 1, 0).
// - Developer Guide, "How Amazon Route 53 chooses records when health checking is configured"
//   (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html),
//   "If no record is healthy, all records are healthy": with every record unhealthy Route 53 has
//   no criterion left, so it treats them all as healthy and chooses by the routing policy and the
//   records' values as usual.
// - API reference, ResourceRecordSet, Weight
//   (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html): an
//   integer 0–255; with Weight 0 on every record of the group, every record is answered with equal
//   probability.
//
// Not modelled: records without a health check (the DNS stack gives every record one, and the guide
// counts such a record as always healthy), and the per-query random draw itself — the lab serves
// every selected record at once and the probabilities say how often each would be drawn.

/** One record of a weighted group, as Route 53 holds it: its Record ID, weight and health check status. */
export interface WeightedRecordInput {
    /** The record's SetIdentifier (Record ID); unique within the group. */
    readonly setIdentifier: string;
    /** 0–255. */
    readonly weight: number;
    /** The status of the record's health check, as GetHealthCheckStatus words it. */
    readonly healthCheckStatus: "Healthy" | "Unhealthy";
}

/** What Route 53 answers for the group. */
export interface RecordSelection {
    /** The Record IDs that can be answered, in the group's order. Never empty. */
    readonly selected: readonly string[];
    /** How often each Record ID is answered (0 for the ones not selected); the values sum to 1. */
    readonly probability: Readonly<Record<string, number>>;
    /** True when no record was healthy, so every record counted as healthy ("fail open"). */
    readonly allConsideredHealthy: boolean;
    /** True when the records chosen from are the weight-0 ones (no eligible record had a weight above 0). */
    readonly fromZeroWeight: boolean;
}

/** Selects the answered records of a weighted group in which every record has a health check. */
export function selectWeightedRecords(group: readonly WeightedRecordInput[]): RecordSelection {
    checkGroup(group);
    const anyHealthy = group.some((r) => r.healthCheckStatus === "Healthy");
    // "If no record is healthy, all records are healthy": the same choice, made over every record.
    const eligible = anyHealthy ? group.filter((r) => r.healthCheckStatus === "Healthy") : group;
    // "Route 53 initially considers only the nonzero weighted records, if any"; then the zero-weighted.
    const nonZero = eligible.filter((r) => r.weight > 0);
    const considered = nonZero.length > 0 ? nonZero : eligible;
    const total = considered.reduce((sum, r) => sum + r.weight, 0);
    const probability: Record<string, number> = {};
    for (const r of group) {
        const chosen = considered.includes(r);
        // Weight over the sum of the weights; all zero → equal probability (API reference, Weight).
        probability[r.setIdentifier] = !chosen ? 0 : total > 0 ? r.weight / total : 1 / considered.length;
    }
    return {
        selected: considered.map((r) => r.setIdentifier),
        probability,
        allConsideredHealthy: !anyHealthy,
        fromZeroWeight: nonZero.length === 0,
    };
}

function checkGroup(group: readonly WeightedRecordInput[]): void {
    if (group.length === 0) {
        throw new Error("a weighted group needs at least one record");
    }
    const seen = new Set<string>();
    group.forEach((r, i) => {
        if (!Number.isInteger(r.weight) || r.weight < 0 || r.weight > 255) {
            throw new Error(`group[${i}].weight (${r.setIdentifier}) must be an integer 0–255 (got ${String(r.weight)})`);
        }
        if (seen.has(r.setIdentifier)) {
            throw new Error(`group[${i}].setIdentifier "${r.setIdentifier}" appears twice; each record of a group has its own`);
        }
        seen.add(r.setIdentifier);
    });
}
