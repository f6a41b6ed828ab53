// The stack programs' source of the live posture record (stacks/posture-guard.ts): the driver's
// coordination store, as `$SFTP_FAILOVER_COORDINATION` or `<projectDir>/.failover` names it.
// Injected by the composition roots, so the stacks never import the driver.
import { PostureRecordSource } from "../../../stacks/posture-guard";
import { postureOverrideEnvVar } from "../../../stacks/posture-record";
import { coordinationEnvVar, openCoordination } from "./from-options";
import { CoordinationStore } from "./store";

/** Reads the record from the coordination store the driver itself would open. */
export const coordinationPostureRecords: PostureRecordSource = {
    async read(projectDir) {
        let store: CoordinationStore;
        try {
            store = openCoordination({ projectDir });
        } catch (err) {
            // With no store named and no project folder found, there is no record to compare with.
            if (process.env[coordinationEnvVar] === undefined) {
                return undefined;
            }
            throw err;
        }
        try {
            return await store.readPosture();
        } catch (err) {
            throw new Error(`cannot read the live posture record in ${store.location} (${(err as Error).message}); ${postureOverrideEnvVar}=1 runs without it`);
        }
    },
};
