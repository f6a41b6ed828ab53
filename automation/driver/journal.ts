// The journal of posture switches: where each run began, every step's start and outcome, and how
// it ended. It is what makes a switch resumable after the driver dies mid-`up` (kill -9 included):
// the next run finds the unfinished run, starts from its first unfinished step, and can prove a
// leftover lock is its own.
import { PreviousConfig } from "./config-restore";
import type { DrainOutcome } from "./drain";
import { appendJsonLine, readJsonLines } from "./jsonl";
import { StackKey } from "./planner";

/** Outcome of one step as journalled. `fenced` = the region was unreachable, fenced, and the step skipped. */
export type StepStatus = "started" | "done" | "skipped" | "failed" | "fenced";

/** How a run ended. `superseded` = a later run took over an unfinished one. */
export type RunResult = "ok" | "unverified" | "degraded" | "failed" | "aborted" | "superseded";

/** First record of a run. */
export interface BeginRecord {
    readonly type: "begin";
    readonly runId: string;
    readonly operation: string;
    readonly target: string;
    readonly from?: string;
    readonly steps: readonly { readonly id: string; readonly description: string; readonly skip: boolean }[];
    readonly identity: string;
    readonly reason?: string;
    readonly host: string;
    readonly pid: number;
    readonly at: string;
    /** The unfinished run this one resumes. */
    readonly resumes?: string;
}

/** A step changed status. */
export interface StepRecord {
    readonly type: "step";
    readonly runId: string;
    readonly stepId: string;
    readonly status: StepStatus;
    readonly at: string;
    readonly error?: string;
    /**
     * On "started": the step's stack and the values its config changes replace, written before the
     * first of them, so a run killed mid-step can be put back to what is deployed (config-restore.ts).
     */
    readonly config?: { readonly stack: StackKey; readonly previous: readonly PreviousConfig[] };
}

/** Last record of a run. */
export interface EndRecord {
    readonly type: "end";
    readonly runId: string;
    readonly result: RunResult;
    readonly at: string;
}

/** What the drain before a scale-down step found (drain.ts); written before the step starts. Resuming ignores it. */
export interface DrainRecord {
    readonly type: "drain";
    readonly runId: string;
    readonly stepId: string;
    readonly at: string;
    readonly drain: DrainOutcome;
}

/** Any journal record. */
export type JournalRecord = BeginRecord | StepRecord | DrainRecord | EndRecord;

/** One run as read back from the journal. */
export interface JournalRun {
    readonly begin: BeginRecord;
    /** The last status of each step that has a record, by step id. */
    readonly steps: ReadonlyMap<string, StepStatus>;
    /** What each started step's config replaced, by step id (see StepRecord.config). */
    readonly previousConfig?: ReadonlyMap<string, NonNullable<StepRecord["config"]>>;
    readonly end?: EndRecord;
}

/** A file journal (JSON Lines, each record fsynced). */
export class Journal {
    constructor(readonly file: string) {}

    /** Appends a record durably (fsync before return). */
    append(record: JournalRecord): void {
        appendJsonLine(this.file, record);
    }

    /** Every run in order, rebuilt from the records (torn trailing lines ignored). */
    runs(): JournalRun[] {
        return runsOf(readJsonLines<JournalRecord>(this.file));
    }

    /** The most recent run that has no end record (it crashed or was killed), if any. */
    unfinishedRun(): JournalRun | undefined {
        return unfinishedOf(this.runs());
    }

    /** A run by id. */
    run(runId: string): JournalRun | undefined {
        return this.runs().find((r) => r.begin.runId === runId);
    }
}

/** Every run in order of its begin record, rebuilt from the records of any store. */
export function runsOf(records: readonly JournalRecord[]): JournalRun[] {
    const byId = new Map<string, { begin: BeginRecord; steps: Map<string, StepStatus>; previousConfig: Map<string, NonNullable<StepRecord["config"]>>; end?: EndRecord }>();
    for (const record of records) {
        if (record.type === "begin") {
            byId.set(record.runId, { begin: record, steps: new Map(), previousConfig: new Map() });
            continue;
        }
        const run = byId.get(record.runId);
        if (run === undefined) {
            continue;
        }
        if (record.type === "step") {
            run.steps.set(record.stepId, record.status);
            if (record.config !== undefined) {
                run.previousConfig.set(record.stepId, record.config);
            }
        } else if (record.type === "end") {
            run.end = record;
        }
    }
    return [...byId.values()];
}

/** The most recent run that has no end record (it crashed or was killed), if any. */
export function unfinishedOf(runs: readonly JournalRun[]): JournalRun | undefined {
    const last = runs[runs.length - 1];
    return last !== undefined && last.end === undefined ? last : undefined;
}

/** The ids of a run's steps that completed (done or skipped); resuming starts after them. */
export function completedStepIds(run: JournalRun): Set<string> {
    const done = new Set<string>();
    for (const [id, status] of run.steps) {
        if (status === "done" || status === "skipped") {
            done.add(id);
        }
    }
    return done;
}

/** The first step of a run that did not complete, in plan order. */
export function firstUnfinishedStep(run: JournalRun): string | undefined {
    const done = completedStepIds(run);
    return run.begin.steps.find((s) => !s.skip && !done.has(s.id))?.id;
}

/**
 * The steps of a run that started and did not complete, with the config values they replaced:
 * what a killed run may have left in the stack files undeployed.
 */
export function interruptedSteps(run: JournalRun): { readonly stepId: string; readonly stack: StackKey; readonly runId: string; readonly previous: readonly PreviousConfig[] }[] {
    const done = completedStepIds(run);
    return [...(run.previousConfig ?? new Map<string, NonNullable<StepRecord["config"]>>())]
        .filter(([id]) => !done.has(id))
        .map(([stepId, c]) => ({ stepId, stack: c.stack, runId: run.begin.runId, previous: c.previous }));
}
