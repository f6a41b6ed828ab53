// Whether a switch completes an earlier, interrupted one: a pure decision beside the planner,
// taken from the journal alone, so it reads the same on whichever machine runs the next switch.
import { JournalRun } from "./journal";

/** What a new switch does about the runs before it. */
export interface ResumeDecision {
    /** The run this one completes (its audit entry names it), if any. */
    readonly resumes?: string;
    /** The posture the audit entry names as the start: the interrupted run's, when completing it. */
    readonly auditFrom?: string;
    /** An unfinished run to close in the journal (it never ended). */
    readonly close?: JournalRun;
    /** Whether that unfinished run wanted another posture, and so is audited as aborted. */
    readonly closeAsAborted: boolean;
}

/**
 * - An unfinished run (killed, even by kill -9) to the same posture: this run completes it.
 * - An unfinished run to another posture: it is closed and audited as aborted, so every run
 *   ends up in the audit log once.
 * - Otherwise, a last run to this posture that ended aborted or failed may still have reached it
 *   (an engine cancelled mid-`up` finishes the operations in flight): this run completes it, so the
 *   audit log holds one "ok" for the switch, naming it.
 */
export function decideResume(target: string, deployedFrom: string | undefined, unfinished: JournalRun | undefined, lastRun: JournalRun | undefined): ResumeDecision {
    if (unfinished !== undefined) {
        if (unfinished.begin.target === target) {
            return { resumes: unfinished.begin.runId, ...(unfinished.begin.from !== undefined ? { auditFrom: unfinished.begin.from } : {}), close: unfinished, closeAsAborted: false };
        }
        return { ...(deployedFrom !== undefined ? { auditFrom: deployedFrom } : {}), close: unfinished, closeAsAborted: true };
    }
    const end = lastRun?.end;
    if (lastRun !== undefined && end !== undefined && (end.result === "aborted" || end.result === "failed") && lastRun.begin.target === target) {
        return { resumes: lastRun.begin.runId, ...(lastRun.begin.from !== undefined ? { auditFrom: lastRun.begin.from } : {}), closeAsAborted: false };
    }
    return { ...(deployedFrom !== undefined ? { auditFrom: deployedFrom } : {}), closeAsAborted: false };
}
