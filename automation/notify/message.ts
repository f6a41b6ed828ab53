// What a notification says: the audit entry's own fields (a switch, fence or unfence, with its
// result, its check after DNS and what is left to do), or a `check` that found the service not
// ready. One shape for every sender, so a subscriber parses one JSON object whatever the transport.
import * as os from "node:os";
import type { AuditEntry, AuditOperation } from "../driver/audit";
import type { CheckResult } from "../driver/readiness/check";

/** Marks every message of this project, so a shared topic's subscribers can filter on it. */
export const notificationSource = "sftp-failover";

/** A notification about an audited change: the audit entry, field for field. */
export type ChangeNotification = { readonly source: typeof notificationSource; readonly kind: "change" } & AuditEntry;

/** A notification that `check` found the service not ready. */
export interface CheckNotification {
    readonly source: typeof notificationSource;
    readonly kind: "check";
    readonly at: string;
    readonly identity: string;
    readonly host: string;
    readonly operation: "check";
    readonly result: "not-ready";
    readonly durationMs: number;
    /** The findings that are not ready, one line each (`area: what — fix: …`). */
    readonly notReady: readonly string[];
}

/** Every notification the driver publishes. */
export type Notification = ChangeNotification | CheckNotification;

/**
 * The audited operations that are news to someone on call: a switch (whatever its result, so a
 * degraded one and one whose check after DNS failed are told too), a fence and an unfence. Clearing
 * a dead holder's lock is housekeeping, and a failed notification cannot be notified.
 */
const notifiedOperations: ReadonlySet<AuditOperation> = new Set<AuditOperation>(["posture", "failover", "failback", "fence", "unfence"]);

/** The notification of an audit entry, or undefined when the entry is not one anyone is told of. */
export function changeNotificationOf(entry: AuditEntry): ChangeNotification | undefined {
    return notifiedOperations.has(entry.operation) ? { source: notificationSource, kind: "change", ...entry } : undefined;
}

/** The notification of a check, or undefined when the service is ready (or the check could not tell). */
export function checkNotificationOf(result: CheckResult, identity: string): CheckNotification | undefined {
    if (result.readiness !== "not-ready") {
        return undefined;
    }
    return {
        source: notificationSource,
        kind: "check",
        at: result.checkedAt,
        identity,
        host: os.hostname(),
        operation: "check",
        result: "not-ready",
        durationMs: result.durationMs,
        notReady: result.findings.filter((f) => f.level === "not-ready").map((f) => `${f.area}: ${f.what} — fix: ${f.fix}`),
    };
}

/**
 * A one-line subject (SNS e-mail subscribers see it): ASCII, at most 100 characters, no line
 * break — SNS's own rule for Publish's Subject.
 */
export function subjectOf(n: Notification): string {
    const what = n.kind === "check" ? "check: not ready" : `${n.operation} ${n.to}: ${n.result}`;
    return `${notificationSource} ${what}`.replace(/[^\x20-\x7e]/g, "?").slice(0, 100);
}
