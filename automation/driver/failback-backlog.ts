// The gate of a failback from the secondary: replication back to the primary must have caught up,
// or the primary would serve without the writes the secondary took. Read from CloudWatch.
import type { ControllerContext } from "./controller-options";
import { ReplicationBacklogError } from "./errors";
import { backlogFigures } from "./replication";
import { replicationRuleOf } from "./rpo";
import { runTask, throwIfAborted } from "./tasks";
import { RegionalReads } from "./stack-state";
import { FailbackOptions, FailbackResult } from "./types";

/**
 * The secondary's replication backlog, when it is under the thresholds.
 *
 * @throws ReplicationBacklogError when the backlog is above the thresholds, or it cannot be read:
 *   no metrics, CloudWatch unreachable, or stacks that export no buckets. Nothing was changed.
 * @throws AbortedError when `signal` fires.
 */
export async function requireCaughtUp(
    ctx: Pick<ControllerContext, "replication" | "thresholds">,
    stacks: RegionalReads,
    opts: FailbackOptions,
): Promise<NonNullable<FailbackResult["backlog"]>> {
    const rule = replicationRuleOf(stacks, "secondary");
    if (rule === undefined) {
        throw new ReplicationBacklogError("the regional stacks export no region/bucketName: cannot check the replication backlog (force to fail back anyway)", {});
    }
    let report;
    try {
        report = await runTask(opts, "read the replication metrics", () => ctx.replication.backlog(rule, ctx.thresholds, { signal: opts.signal }));
    } catch (err) {
        throwIfAborted(opts.signal);
        const why = (err as Error).message;
        throw new ReplicationBacklogError(`cannot read the replication metrics of ${rule.sourceBucket}: ${why}${/\bforce\b/.test(why) ? "" : " (force to fail back anyway)"}`, {}, { cause: err });
    }
    const figures = backlogFigures(report);
    if (report.status === "above") {
        throw new ReplicationBacklogError(`replication from secondary has not caught up: ${report.excess.join("; ")}`, figures);
    }
    if (report.status === "unknown") {
        throw new ReplicationBacklogError(
            `no datapoint for ${report.unknownMetrics.join(", ")} of ${rule.sourceBucket} → ${rule.destinationBucket} (rule ${rule.ruleId}) in the last 15 minutes: cannot prove replication has caught up (force to fail back anyway)`,
            figures,
        );
    }
    return { status: report.status, ...figures };
}
