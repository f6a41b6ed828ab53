// What the lab's DNS answers, from the health checker's raw inputs (sandbox/lab-health.ts): each
// region's record becomes one record of a weighted group with its calculated check's status, and
// the selector written from the Route 53 documentation (sandbox/route53-selector.ts) picks the
// records Knot serves. Nothing here asks the project's model (automation/dns-answers.ts), which is
// what the driver's check after DNS moves judges the lab's answers against.
import { RegionName, regionNames } from "../foundation/posture";
import { LabInputs, LabRegionInputs, labRecordAddresses } from "./lab-health";
import { RecordSelection, selectWeightedRecords, WeightedRecordInput } from "./route53-selector";
import { ARecords } from "./servers/dns-server";

/**
 * The status of a region's record's check: CALCULATED over the endpoint check and the fence's
 * gate check, healthy when at least HealthThreshold children are healthy (API reference,
 * HealthCheckConfig, HealthThreshold), and the DNS stack sets the threshold to the number of
 * children (components/dns-region-health.ts). The gate check is unhealthy while the fence alarm is up.
 */
export function calculatedCheckStatus(region: LabRegionInputs): WeightedRecordInput["healthCheckStatus"] {
    const children = [region.endpointHealthy, !region.fenced];
    const healthThreshold = children.length;
    return children.filter(Boolean).length >= healthThreshold ? "Healthy" : "Unhealthy";
}

/** The regions' records as one weighted group (Record ID = region, as components/dns-failover.ts names them). */
export function labRecordGroup(inputs: LabInputs): WeightedRecordInput[] {
    return regionNames.map((r) => ({ setIdentifier: r, weight: inputs[r].weight, healthCheckStatus: calculatedCheckStatus(inputs[r]) }));
}

/** An answer the lab's DNS started serving, stamped with `Date.now()`. */
export interface LabAnswerEvent {
    readonly at: number;
    readonly answered: readonly RegionName[];
    /** The inputs it was selected from. */
    readonly inputs: LabInputs;
    readonly selection: RecordSelection;
}

/** Serves the selected records under every name of the service, and remembers each change. */
export class LabAnswers {
    readonly events: LabAnswerEvent[] = [];
    private published = "";

    /**
     * @param setRecords the DNS server's (Knot's) zone update.
     * @param names every name of the service relative to the zone (the first is the service name).
     */
    constructor(
        private readonly setRecords: (records: ARecords) => Promise<void>,
        private readonly names: readonly string[],
    ) {}

    /** Selects from one round's inputs and, when the answer changed, publishes it. */
    async serve(inputs: LabInputs): Promise<void> {
        const selection = selectWeightedRecords(labRecordGroup(inputs));
        const answered = regionNames.filter((r) => selection.selected.includes(r));
        const key = JSON.stringify(answered);
        if (key === this.published) {
            return;
        }
        const addresses = answered.map((r) => labRecordAddresses[r]);
        await this.setRecords(Object.fromEntries(this.names.map((name) => [name, addresses])));
        this.published = key;
        this.events.push({ at: Date.now(), answered, inputs, selection });
    }

    /** The first answer of exactly `answered` served at or after `sinceMs`, if any. */
    answeredSince(answered: readonly RegionName[], sinceMs: number): LabAnswerEvent | undefined {
        const wanted = JSON.stringify(answered);
        return this.events.find((e) => e.at >= sinceMs && JSON.stringify(e.answered) === wanted);
    }
}
