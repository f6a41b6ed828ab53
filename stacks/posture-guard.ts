// Before a stack program declares anything: does its posture or capacity config agree with the
// live posture the driver recorded? A `pulumi up` by hand, from any checkout or CI, whose stack
// file is behind the incident must fail in preview with one line — never silently revert a
// failover. The driver's own runs, which change the posture and record it, skip the comparison.
//
// Where the record lives is the driver's business (its coordination store): the composition roots
// (stacks/main.ts for a by-hand run, automation/engine/workspace.ts for the driver's) inject a
// source, so the stacks never import the driver.
import { postureCheckOverridden, postureConflict, PostureRecord, StackPostureConfig } from "./posture-record";

/** Where a stack program reads the live posture record. */
export interface PostureRecordSource {
    /**
     * The record for the project in `projectDir` (or found from the current folder), undefined when
     * there is none or no store to hold one.
     * @throws Error (one line, naming the store) when the store cannot be read.
     */
    read(projectDir?: string): Promise<PostureRecord | undefined>;
}

/**
 * Throws (one line) when the stack's config disagrees with the recorded live posture. No record —
 * a stack never switched by the driver — is no disagreement, and neither is no source.
 *
 * @throws Error naming both values and the command to run; or that the record cannot be read.
 */
export async function refuseRevert(config: StackPostureConfig, source: PostureRecordSource | undefined, projectDir?: string): Promise<void> {
    if (postureCheckOverridden() || source === undefined) {
        return;
    }
    const record = await source.read(projectDir);
    const conflict = record !== undefined ? postureConflict(config, record) : undefined;
    if (conflict !== undefined) {
        throw new Error(conflict);
    }
}
