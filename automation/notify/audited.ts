// Where notifications hook in: the audit log. Every switch, fence and unfence writes exactly one
// audit entry, whichever path wrote it (the controller, the fence operation, the emergency fence),
// so wrapping the one call that appends an entry tells of each change once and misses none.
// The entry is written first: a notification is news about a change on record, and a process
// killed while notifying still leaves the change audited.
import type { AuditEntry } from "../driver/audit";
import type { CoordinationStore } from "../driver/coordination/store";
import { BadInputError } from "../driver/errors";
import type { CheckResult } from "../driver/readiness/check";
import { newRunId } from "../run-id";
import { changeNotificationOf, checkNotificationOf, Notification } from "./message";
import { Notifier, NotifyFailure, NotifyOptions } from "./notifier";

/** Appends an audit entry (a store's `appendAudit`, a log's `append`). */
export type AuditAppend = (entry: AuditEntry) => Promise<void>;

/** The audit entry that records a notification that did not go out (operation `notify`, result `failed`). */
export function notifyFailureEntry(failure: NotifyFailure, about: { readonly identity: string; readonly host: string; readonly runId?: string }): AuditEntry {
    return {
        at: new Date().toISOString(),
        identity: about.identity,
        host: about.host,
        operation: "notify",
        reason: failure.about,
        to: failure.target,
        result: "failed",
        runId: about.runId ?? newRunId(),
        durationMs: failure.durationMs,
        error: failure.error,
    };
}

/**
 * Publishes a notification and, when it fails, audits the failure with `append`. Never rejects
 * for the notification; an audit write that fails is the caller's own failure to write.
 */
export async function publishAudited(notifier: Notifier, n: Notification, about: string, append: AuditAppend): Promise<NotifyFailure | undefined> {
    const failure = await notifier.publish(n, about);
    if (failure !== undefined) {
        await append(notifyFailureEntry(failure, { identity: n.identity, host: n.host, ...(n.kind === "change" ? { runId: n.runId } : {}) }));
    }
    return failure;
}

/** `append`, followed by the entry's notification when it is one anyone is told of. */
export function notifyingAppend(append: AuditAppend, notifier: Notifier | undefined): AuditAppend {
    if (notifier === undefined) {
        return append;
    }
    return async (entry) => {
        await append(entry);
        const n = changeNotificationOf(entry);
        if (n !== undefined) {
            await publishAudited(notifier, n, `${entry.operation} ${entry.to}: ${entry.result}`, append);
        }
    };
}

/** The store with `appendAudit` notifying (`notifyingAppend`); every other method is the store's own. */
export function notifyingStore(store: CoordinationStore, notifier: Notifier | undefined): CoordinationStore {
    if (notifier === undefined) {
        return store;
    }
    const appendAudit = notifyingAppend((entry) => store.appendAudit(entry), notifier);
    return new Proxy(store, {
        get(target, key, receiver) {
            if (key === "appendAudit") {
                return appendAudit;
            }
            const value: unknown = Reflect.get(target, key, receiver);
            return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
    });
}

/**
 * The SDK option's notifier.
 *
 * @throws BadInputError naming `notify.target` or `notify.timeoutMs` when one is malformed.
 */
export function notifierOf(options: NotifyOptions | undefined): Notifier | undefined {
    try {
        return Notifier.from(options);
    } catch (err) {
        throw new BadInputError((err as Error).message, { cause: err });
    }
}

/**
 * Tells of a check that found the service not ready (a ready or unknown one is not news), auditing
 * a notification that failed. A check writes nothing else: an audit log that cannot be written
 * loses the record of the failure, never the check's result.
 */
export async function notifyCheck(notifier: Notifier | undefined, result: CheckResult, identity: string, store: Pick<CoordinationStore, "appendAudit">): Promise<NotifyFailure | undefined> {
    const n = notifier === undefined ? undefined : checkNotificationOf(result, identity);
    if (notifier === undefined || n === undefined) {
        return undefined;
    }
    return publishAudited(notifier, n, "check: not-ready", (entry) => store.appendAudit(entry).catch(() => undefined));
}
