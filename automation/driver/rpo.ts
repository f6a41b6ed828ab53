// What `status` says of the data at risk: the replication rule from the serving region's bucket to
// the other's, and the exposure its metrics imply (automation/aws/rpo-exposure.ts). A reading that
// fails is an `unknown` exposure with the reason, never an error of `status` and never zero.
import { RpoExposure, rpoExposure } from "../aws/rpo-exposure";
import { RegionName } from "../posture";
import { ReplicationMetricsReader, ReplicationRule, ReplicationThresholds } from "./replication";
import { StackStatus } from "./types";

/** The rule id the regional stacks use when they export none. */
export const defaultReplicationRuleId = "to-peer-region";

/** The replication rule from `from`'s bucket to the other region's, or undefined when the stacks export no buckets. */
export function replicationRuleOf(stacks: Readonly<Record<RegionName, StackStatus>>, from: RegionName): ReplicationRule | undefined {
    const source = stacks[from].outputs;
    const destination = stacks[from === "primary" ? "secondary" : "primary"].outputs;
    const rule = {
        region: String(source.region ?? ""),
        sourceBucket: String(source.bucketName ?? ""),
        destinationBucket: String(destination.bucketName ?? ""),
        ruleId: typeof source.replicationRuleId === "string" ? source.replicationRuleId : defaultReplicationRuleId,
    };
    return rule.region === "" || rule.sourceBucket === "" || rule.destinationBucket === "" ? undefined : rule;
}

/** The exposure of the serving region's writes, read now. */
export async function readRpoExposure(
    reader: ReplicationMetricsReader,
    thresholds: ReplicationThresholds,
    stacks: Readonly<Record<RegionName, StackStatus>>,
    serving: RegionName,
): Promise<RpoExposure | undefined> {
    const rule = replicationRuleOf(stacks, serving);
    if (rule === undefined) {
        return undefined;
    }
    try {
        return rpoExposure(await reader.backlog(rule, thresholds));
    } catch (err) {
        const reason = `cannot read the replication metrics: ${(err as Error).message.split("\n")[0]}`;
        return { from: rule.sourceBucket, to: rule.destinationBucket, status: "unknown", unknown: [reason] };
    }
}
