// The audit log: one JSON line per real change (a posture switch that ran at least one step, a
// fence, an unfence), saying who, when, why, from which posture to which, and how it ended.
// A no-op switch changes nothing and so writes nothing.
import * as os from "node:os";
import { appendJsonLine, readJsonLines } from "./jsonl";

/** The operations the audit log records; `notify` is a notification of another entry that did not go out (automation/notify/). */
export type AuditOperation = "posture" | "failover" | "failback" | "fence" | "unfence" | "unlock" | "notify";

/** One audit entry. */
export interface AuditEntry {
    readonly at: string;
    readonly identity: string;
    readonly host: string;
    readonly operation: AuditOperation;
    readonly reason?: string;
    readonly from?: string;
    readonly to: string;
    /** `unverified`: the switch finished, but the gate could not prove a region it sends clients to (no canary, or `--skip-verify`). */
    readonly result: "ok" | "unverified" | "degraded" | "failed" | "aborted";
    readonly runId: string;
    readonly durationMs: number;
    /** What each step did, in order (`id: status`). */
    readonly steps?: readonly { readonly id: string; readonly status: string }[];
    /** What is left to do when the result is degraded. */
    readonly remaining?: readonly string[];
    readonly error?: string;
    /** The unfinished run this one completed. */
    readonly resumes?: string;
    /** What the gate before DNS found (automation/driver/verify-gate.ts), in one line. */
    readonly verification?: string;
    /** What the check after DNS moved found (automation/driver/post-dns-check.ts), in one line. */
    readonly afterDns?: string;
    /** What the switch was predicted to do to Route 53's answer (automation/driver/switch-answer.ts), in one line. */
    readonly answer?: string;
    /** What the drain before each scale-down found (automation/driver/drain.ts), one line per region. */
    readonly drain?: readonly string[];
    /** Each quiesce the switch was asked for and skipped, and why (an unplanned switch leaves users as they are), one line per region. */
    readonly quiesce?: readonly string[];
    /** Set when a switch, fence or unfence was forced through an answer-safety refusal: the harm overridden (`reason` says why). */
    readonly forced?: string;
}

/** Filters of `AuditLog.read`. */
export interface AuditQuery {
    /** Only entries at or after this time. Defaults to all. */
    readonly since?: Date;
    /** Only this operation. Defaults to all. */
    readonly operation?: AuditOperation;
    /** At most this many, the most recent. Defaults to all. */
    readonly limit?: number;
}

/** The JSONL audit log. */
export class AuditLog {
    constructor(readonly file: string) {}

    /** Appends an entry durably. */
    append(entry: AuditEntry): void {
        appendJsonLine(this.file, entry);
    }

    /** Entries oldest first, filtered. */
    read(query: AuditQuery = {}): AuditEntry[] {
        return filterAudit(readJsonLines<AuditEntry>(this.file), query);
    }
}

/** Applies an audit query to entries oldest first (every store's audit log reads through it). */
export function filterAudit(all: readonly AuditEntry[], query: AuditQuery): AuditEntry[] {
    let entries = [...all];
    if (query.since !== undefined) {
        const since = query.since.getTime();
        entries = entries.filter((e) => Date.parse(e.at) >= since);
    }
    if (query.operation !== undefined) {
        entries = entries.filter((e) => e.operation === query.operation);
    }
    if (query.limit !== undefined) {
        entries = entries.slice(Math.max(0, entries.length - query.limit));
    }
    return entries;
}

/** Who is acting: the given identity, else the OS user. */
export function resolveIdentity(identity?: string): string {
    if (identity !== undefined && identity.trim() !== "") {
        return identity.trim();
    }
    try {
        return os.userInfo().username;
    } catch {
        return process.env.USER ?? process.env.LOGNAME ?? `uid-${process.getuid?.() ?? "unknown"}`;
    }
}
