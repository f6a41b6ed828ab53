// The journal and the audit log as the controller uses them, over any coordination store: who is
// acting and from where is added here, once, so every entry says it the same way.
import * as os from "node:os";
import { AuditEntry, AuditOperation, AuditQuery, filterAudit } from "../audit";
import { LockHolder } from "../errors";
import { JournalRecord, JournalRun, runsOf, unfinishedOf } from "../journal";
import { StepResult } from "../types";
import { CoordinationStore, StoredLock } from "./store";

/**
 * What a caller says about an audited event: the audit entry's fields (audit.ts) but those the log
 * adds itself — the time, identity and host, and the duration from `started` — with the steps as the
 * run has them.
 */
export type AuditEvent = Omit<AuditEntry, "at" | "identity" | "host" | "durationMs" | "steps"> & {
    /** When the operation began (ms since the epoch), for its duration. */
    readonly started: number;
    readonly steps?: readonly StepResult[];
};

/** The journal and audit log of one operator. */
export class RunLog {
    /** Where the actor runs, as the audit log names it. */
    readonly host = os.hostname();

    constructor(
        readonly store: CoordinationStore,
        readonly identity: string,
    ) {}

    /** Appends a journal record durably. */
    append(record: JournalRecord): Promise<void> {
        return this.store.appendJournal(record);
    }

    /** Every run, in order. */
    async runs(): Promise<JournalRun[]> {
        return runsOf(await this.store.readJournal());
    }

    /** The audit log, oldest first, filtered. */
    async read(query: AuditQuery = {}): Promise<AuditEntry[]> {
        return filterAudit(await this.store.readAudit(), query);
    }

    /** Writes one audit entry, saying who and from where. */
    async record(e: AuditEvent): Promise<void> {
        await this.store.appendAudit({
            at: new Date().toISOString(),
            identity: this.identity,
            host: this.host,
            operation: e.operation,
            ...(e.reason !== undefined ? { reason: e.reason } : {}),
            ...(e.from !== undefined ? { from: e.from } : {}),
            to: e.to,
            result: e.result,
            runId: e.runId,
            durationMs: Date.now() - e.started,
            ...(e.steps !== undefined ? { steps: e.steps.map((s) => ({ id: s.id, status: s.status })) } : {}),
            ...(e.remaining !== undefined && e.remaining.length > 0 ? { remaining: e.remaining } : {}),
            ...(e.error !== undefined ? { error: e.error } : {}),
            ...(e.resumes !== undefined ? { resumes: e.resumes } : {}),
            ...(e.verification !== undefined ? { verification: e.verification } : {}),
            ...(e.afterDns !== undefined ? { afterDns: e.afterDns } : {}),
            ...(e.answer !== undefined ? { answer: e.answer } : {}),
            ...(e.forced !== undefined ? { forced: e.forced } : {}),
            ...(e.drain !== undefined && e.drain.length > 0 ? { drain: e.drain } : {}),
            ...(e.quiesce !== undefined && e.quiesce.length > 0 ? { quiesce: e.quiesce } : {}),
        });
    }

    /**
     * The run the journal shows unfinished — unless the audit log already holds its entry: the
     * audit entry is written before the journal's end record, so a crash (or a torn last record)
     * between the two leaves a run that did finish. With `repair`, such a run is closed in the
     * journal here, once, and not resumed or audited again.
     */
    async unfinishedRun(repair: boolean): Promise<JournalRun | undefined> {
        const unfinished = unfinishedOf(await this.runs());
        if (unfinished === undefined) {
            return undefined;
        }
        // Only the run's own switch entry counts: clearing its stale lock, and a lost notification,
        // are audited under its id too.
        const audited = (await this.store.readAudit()).find((e) => e.runId === unfinished.begin.runId && e.operation !== "unlock" && e.operation !== "notify");
        if (audited === undefined) {
            return unfinished;
        }
        if (repair) {
            await this.append({ type: "end", runId: unfinished.begin.runId, result: audited.result, at: new Date().toISOString() });
        }
        return undefined;
    }

    /** Audits a lock cleared because its holder is gone (its lease ended, or its pid is gone on this host). */
    recordStaleLock(h: LockHolder): Promise<void> {
        // The parenthesis already names the pid; a lease that ended is the other proof, said apart.
        const why = h.expiresAt !== undefined && Date.parse(h.expiresAt) <= Date.now() ? `: its lease ended at ${h.expiresAt}` : "";
        return this.record({
            operation: "unlock",
            runId: h.runId,
            to: "lock cleared",
            result: "ok",
            started: Date.now(),
            reason: `holder ${h.identity} (pid ${h.pid} on ${h.host}, ${h.operation}, since ${h.since}) is gone${why}`,
        });
    }

    /** Audits a run that was interrupted and is superseded by a switch to another posture, under the interrupted run's own identity. */
    recordInterrupted(unfinished: JournalRun, by: string): Promise<void> {
        const at = Date.parse(unfinished.begin.at);
        return this.store.appendAudit({
            at: new Date().toISOString(),
            identity: unfinished.begin.identity,
            host: unfinished.begin.host,
            operation: (["posture", "failover", "failback"].includes(unfinished.begin.operation) ? unfinished.begin.operation : "posture") as AuditOperation,
            ...(unfinished.begin.reason !== undefined ? { reason: unfinished.begin.reason } : {}),
            ...(unfinished.begin.from !== undefined ? { from: unfinished.begin.from } : {}),
            to: unfinished.begin.target,
            result: "aborted",
            runId: unfinished.begin.runId,
            durationMs: Number.isFinite(at) ? Date.now() - at : 0,
            steps: unfinished.begin.steps.map((s) => ({ id: s.id, status: unfinished.steps.get(s.id) ?? (s.skip ? "skipped" : "not started") })),
            error: `interrupted; superseded by run ${by}`,
        });
    }
}

/** How an explicitly broken lock reads in the audit log. */
export function describeBrokenLock(lock: StoredLock, location: string): string | undefined {
    switch (lock.state) {
        case "free":
            return undefined;
        case "held": {
            const h = lock.holder;
            return `driver lock of ${h.identity} on ${h.host} (pid ${h.pid}, ${h.operation}, run ${h.runId})`;
        }
        case "corrupt":
            return `driver lock at ${location} (${lock.problem})`;
        default:
            throw new Error(`unknown lock state "${(lock as { state: string }).state}"`);
    }
}

