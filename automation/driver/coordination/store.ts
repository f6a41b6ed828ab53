// The coordination store: where the driver keeps what operators on different machines must share —
// the lock (a lease), the journal of switches and the audit log. Two implementations: local files
// (one machine) and S3 (a team). Both give the same guarantees, checked by one contract suite
// (test/integration/coordination-store.test.ts); nothing above this interface knows which it has.
import { AuditEntry } from "../audit";
import { LockHolder } from "../errors";
import { JournalRecord } from "../journal";
import { PostureRecord } from "../../../stacks/posture-record";

/**
 * What the lock holds, with the token that names this exact version of it: a conditional replace
 * or delete given the token succeeds only if nobody changed the lock in between. The token is the
 * S3 ETag, or the local file's content.
 */
export type StoredLock =
    | { readonly state: "free" }
    | { readonly state: "held"; readonly holder: LockHolder; readonly token: string }
    | { readonly state: "corrupt"; readonly problem: string; readonly token: string };

/** Shared state of the driver. Every method may throw the backend's own error (network, permissions). */
export interface CoordinationStore {
    /** Where the store lives, for messages: a folder, or an `s3://bucket/prefix` URL. */
    readonly location: string;
    /** Where the lock itself lives, for messages: a file, or an `s3://bucket/key` URL. */
    readonly lockLocation: string;
    /** Creates the lock holding `holder` if there is none, atomically; its token, or undefined when a lock exists. */
    createLock(holder: LockHolder): Promise<string | undefined>;
    /** Reads the lock; a lock that cannot be parsed is `corrupt`, never free. */
    readLock(): Promise<StoredLock>;
    /** Replaces the lock if it is still the version `token` names (a renewal); the new token, or undefined when it changed. */
    replaceLock(holder: LockHolder, token: string): Promise<string | undefined>;
    /** Deletes the lock if it is still the version `token` names; false when it changed or is gone. */
    deleteLock(token: string): Promise<boolean>;
    /**
     * Raises the store's lock generation by one, atomically for every process sharing the store, and
     * returns the new value. The count lives beside the lock, not in it, so it survives the lock's
     * release and break: every take gets a generation no earlier holder had.
     */
    nextLockGeneration(): Promise<number>;
    /**
     * Whether this store can prove by itself that a holder is gone, beyond its lease (the local
     * store: a pid on this host that no longer exists). A shared store cannot, and says false.
     */
    holderProvablyGone(holder: LockHolder): boolean;
    /** Appends a journal record durably. */
    appendJournal(record: JournalRecord): Promise<void>;
    /** Every readable journal record in the order written; torn or corrupt records are skipped. */
    readJournal(): Promise<JournalRecord[]>;
    /** Appends an audit entry durably. Appending the same entry twice (a retry) stores it once. */
    appendAudit(entry: AuditEntry): Promise<void>;
    /** Every readable audit entry, oldest first, each once; corrupt entries are skipped. */
    readAudit(): Promise<AuditEntry[]>;
    /** The live posture as the driver last recorded it; undefined when none was (or it cannot be parsed). */
    readPosture(): Promise<PostureRecord | undefined>;
    /** Replaces the posture record (only the lock holder writes it). */
    writePosture(record: PostureRecord): Promise<void>;
    /**
     * Checks, without changing anything, that the store can be written: a switch whose audit entry
     * cannot be written must not start.
     *
     * @throws BadInputError naming what cannot be written and why.
     */
    checkWritable(): Promise<void>;
}

/**
 * The stored lock generation from its text: 0 for none. Text that is not a count (damaged) also
 * reads as 0: generations then start again, and a holder is still told apart by its run id.
 */
export function parseLockGeneration(text: string | undefined): number {
    const value = Number((text ?? "").trim());
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
}
