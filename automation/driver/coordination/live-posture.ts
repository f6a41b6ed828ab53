// Writing the posture record after a switch: the live posture, who set it, when, why, in which run.
import { Posture, postureSpec, Weights } from "../../../foundation/posture";
import { RunLog } from "./run-log";

/** What the switch that sets the record knows. */
export interface LivePosture {
    readonly target: Posture;
    readonly activeActiveWeights?: Weights;
    readonly runId: string;
    readonly reason?: string;
    /** Leave the record alone when it already says this posture and weights (a no-op switch). */
    readonly onlyIfChanged: boolean;
}

/** Records the live posture in the store the log writes to. */
export async function recordLivePosture(log: RunLog, live: LivePosture): Promise<void> {
    const spec = postureSpec(live.target, live.activeActiveWeights);
    if (live.onlyIfChanged) {
        const current = await log.store.readPosture();
        if (current !== undefined && current.posture === spec.posture && current.weights.primary === spec.weights.primary && current.weights.secondary === spec.weights.secondary) {
            return;
        }
    }
    await log.store.writePosture({
        posture: spec.posture,
        weights: spec.weights,
        capacity: spec.capacity,
        identity: log.identity,
        host: log.host,
        at: new Date().toISOString(),
        runId: live.runId,
        ...(live.reason !== undefined ? { reason: live.reason } : {}),
    });
}
