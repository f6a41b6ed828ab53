// Before a stack program declares anything: does its posture or capacity config agree with the
// live posture the driver recorded? A `pulumi up` by hand, from any checkout or CI, whose stack
// file is behind the incident must fail in preview with one line — never silently revert a
// failover. The driver's own runs, which change the posture and record it, skip the comparison.
import { coordinationEnvVar, openCoordination } from "../automation/driver/coordination/from-options";
import { CoordinationStore } from "../automation/driver/coordination/store";
import { postureCheckOverridden, postureConflict, postureOverrideEnvVar, StackPostureConfig } from "../automation/posture-record";

/**
 * Throws (one line) when the stack's config disagrees with the recorded live posture. No record —
 * a stack never switched by the driver — is no disagreement. The store is the driver's:
 * `$SFTP_FAILOVER_COORDINATION`, else `<projectDir>/.failover`.
 *
 * @throws Error naming both values and the command to run; or that the record cannot be read.
 */
export async function refuseRevert(config: StackPostureConfig, projectDir?: string): Promise<void> {
    if (postureCheckOverridden()) {
        return;
    }
    let store: CoordinationStore;
    try {
        store = openCoordination({ projectDir });
    } catch (err) {
        // With no store named and no project folder found, there is no record to compare with.
        if (process.env[coordinationEnvVar] === undefined) {
            return;
        }
        throw err;
    }
    let record;
    try {
        record = await store.readPosture();
    } catch (err) {
        throw new Error(`cannot read the live posture record in ${store.location} (${(err as Error).message}); ${postureOverrideEnvVar}=1 runs without it`);
    }
    const conflict = record !== undefined ? postureConflict(config, record) : undefined;
    if (conflict !== undefined) {
        throw new Error(conflict);
    }
}
