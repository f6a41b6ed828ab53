// What `status` says of the data at risk: the replication rule from the serving region's bucket to
// the other's, and the exposure its metrics imply (automation/aws/rpo-exposure.ts). A reading that
// fails is an `unknown` exposure with the reason, never an error of `status` and never zero.
import { replicationRuleId } from "../../components/replication-rule";
import { RpoExposure, rpoExposure } from "../aws/rpo-exposure";
import { RegionName } from "../../foundation/posture";
import { ReplicationMetricsReader, ReplicationRule, ReplicationThresholds } from "./replication";
import { RegionalReads } from "./stack-state";

/** The rule id of a regional stack deployed before it exported `replicationRuleId` (the component's one rule). */
export const defaultReplicationRuleId = replicationRuleId;

/** The replication rule from `from`'s bucket to the other region's (its metrics in the other's region), or undefined when the stacks export no buckets or regions. */
export function replicationRuleOf(stacks: RegionalReads, from: RegionName): ReplicationRule | undefined {
    const source = stacks[from].typed;
    const destination = stacks[from === "primary" ? "secondary" : "primary"].typed;
    const rule = {
        destinationRegion: destination.region ?? "",
        sourceBucket: source.bucketName ?? "",
        destinationBucket: destination.bucketName ?? "",
        ruleId: source.replicationRuleId ?? defaultReplicationRuleId,
    };
    return rule.destinationRegion === "" || rule.sourceBucket === "" || rule.destinationBucket === "" ? undefined : rule;
}

/** The exposure of the serving region's writes, read now. */
export async function readRpoExposure(
    reader: ReplicationMetricsReader,
    thresholds: ReplicationThresholds,
    stacks: RegionalReads,
    serving: RegionName,
    signal?: AbortSignal,
): Promise<RpoExposure | undefined> {
    const rule = replicationRuleOf(stacks, serving);
    if (rule === undefined) {
        return undefined;
    }
    try {
        return rpoExposure(await reader.backlog(rule, thresholds, signal !== undefined ? { signal } : {}));
    } catch (err) {
        const reason = `cannot read the replication metrics: ${(err as Error).message.split("\n")[0]}`;
        return { from: rule.sourceBucket, to: rule.destinationBucket, status: "unknown", unknown: [reason] };
    }
}
