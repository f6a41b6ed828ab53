// The lock as a lease, over any coordination store. The holder writes when its lease ends and
// renews it while it works; a lock whose lease has ended is provably stale on every machine, so a
// lock left by a dead laptop or a killed CI runner frees itself without anyone checking a pid on a
// host they cannot see. Clearing a stale lock is a conditional delete of the exact version read, so
// two processes that found the same stale lock cannot delete a fresh one the other just took.
import { AbortedError, LockedError, LockHolder } from "../errors";
import { CoordinationStore, StoredLock } from "./store";

/** The lease length when none is given: long enough to survive a slow renewal, short enough to wait out. */
export const defaultLeaseMs = 60_000;

/** Options of `acquireLease`. */
export interface AcquireLeaseOptions {
    /** How long the lease lasts unless renewed, in ms. Defaults to `defaultLeaseMs`. */
    readonly leaseMs?: number;
    /** How long to wait for the holder to release it, in ms. Defaults to 0 (fail at once). */
    readonly waitMs?: number;
    /** How often to look again while waiting, in ms. Defaults to 250. */
    readonly pollMs?: number;
    readonly signal?: AbortSignal;
    /** Told of every stale lock cleared, before the new lock is taken (the caller audits it). Defaults to nothing. */
    readonly onStaleCleared?: (holder: LockHolder) => Promise<void> | void;
    /** The clock, for tests. Defaults to `Date.now`. */
    readonly now?: () => number;
}

/** A held lease. */
export interface HeldLease {
    readonly holder: LockHolder;
    /**
     * Extends the lease by its length from now.
     *
     * @throws LeaseLostError when the lock is no longer ours (it was broken, or expired and retaken).
     */
    renew(): Promise<void>;
    /**
     * Renews every third of the lease until released; `onLost` is told once if a renewal finds the
     * lock taken from us (a failed request is retried at the next tick: the lease has slack).
     */
    keepRenewed(onLost: (err: LeaseLostError) => void): void;
    /** Stops renewing and deletes the lock if it is still ours. Safe to call twice. */
    release(): Promise<void>;
}

/** The lock this process held was broken or taken over: whatever it guarded must stop. */
export class LeaseLostError extends AbortedError {
    constructor(message: string) {
        super(message);
        this.name = "LeaseLostError";
    }
}

/** Whether a lock holder's lease has ended at `now` (a holder without a lease never ends by time). */
export function leaseExpired(holder: LockHolder, now: number): boolean {
    if (holder.expiresAt === undefined) {
        return false;
    }
    const end = Date.parse(holder.expiresAt);
    return Number.isFinite(end) && end <= now;
}

/** Whether a held lock may be cleared without asking anyone: its lease ended, or the store proves its holder gone. */
export function isStale(store: CoordinationStore, holder: LockHolder, now: number = Date.now()): boolean {
    return leaseExpired(holder, now) || store.holderProvablyGone(holder);
}

function withLease(holder: LockHolder, leaseMs: number, now: number): LockHolder {
    return { ...holder, leaseMs, expiresAt: new Date(now + leaseMs).toISOString() };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(new AbortedError("aborted while waiting for the lock"));
        };
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}

/**
 * Takes the lock as a lease, waiting up to `waitMs` for the current holder to release it or for
 * its lease to end. Stale locks met on the way are cleared and reported through `onStaleCleared`.
 *
 * @throws LockedError naming the holder when it is still held after the wait.
 * @throws AbortedError when the signal fires while waiting.
 */
export async function acquireLease(store: CoordinationStore, holder: LockHolder, opts: AcquireLeaseOptions = {}): Promise<HeldLease> {
    const leaseMs = opts.leaseMs ?? defaultLeaseMs;
    const now = opts.now ?? Date.now;
    const deadline = now() + (opts.waitMs ?? 0);
    for (;;) {
        if (opts.signal?.aborted) {
            throw new AbortedError("aborted while waiting for the lock");
        }
        const mine = withLease(holder, leaseMs, now());
        const token = await store.createLock(mine);
        if (token !== undefined) {
            return heldLease(store, mine, token, leaseMs, now);
        }
        const current: StoredLock = await store.readLock();
        if (current.state === "held" && isStale(store, current.holder, now()) && (await store.deleteLock(current.token))) {
            await opts.onStaleCleared?.(current.holder);
            continue;
        }
        if (current.state === "free") {
            continue;
        }
        if (now() >= deadline) {
            throw new LockedError(current.state === "held" ? current.holder : undefined, store.lockLocation);
        }
        await sleep(Math.min(opts.pollMs ?? 250, Math.max(1, deadline - now())), opts.signal);
    }
}

function heldLease(store: CoordinationStore, first: LockHolder, firstToken: string, leaseMs: number, now: () => number): HeldLease {
    let holder = first;
    let token = firstToken;
    let released = false;
    let timer: NodeJS.Timeout | undefined;
    let renewing: Promise<void> | undefined;
    const renew = async (): Promise<void> => {
        if (released) {
            return;
        }
        const next = withLease(first, leaseMs, now());
        const replaced = await store.replaceLock(next, token);
        if (replaced === undefined) {
            throw new LeaseLostError(`the lock at ${store.location} is no longer held by run ${first.runId}: it was broken or its lease ran out and it was taken`);
        }
        holder = next;
        token = replaced;
    };
    return {
        get holder() {
            return holder;
        },
        renew,
        keepRenewed(onLost) {
            if (timer !== undefined) {
                return;
            }
            timer = setInterval(() => {
                if (renewing !== undefined) {
                    return;
                }
                renewing = renew()
                    .catch((err) => {
                        if (err instanceof LeaseLostError) {
                            clearInterval(timer);
                            onLost(err);
                        }
                        // Any other failure (a dropped request) is retried at the next tick.
                    })
                    .finally(() => {
                        renewing = undefined;
                    });
            }, Math.max(1, Math.floor(leaseMs / 3)));
            // A pending renewal must not keep a finished process alive.
            timer.unref();
        },
        async release() {
            if (released) {
                return;
            }
            released = true;
            if (timer !== undefined) {
                clearInterval(timer);
            }
            await renewing;
            await store.deleteLock(token);
        },
    };
}

/**
 * Deletes the lock whatever holds it — the explicit break (`sftp-failover unlock`), which the caller
 * audits. Returns what was cleared (free: nothing). A lock changed between the read and the delete
 * is read again, a bounded number of times.
 */
export async function breakLock(store: CoordinationStore): Promise<StoredLock> {
    for (let attempt = 0; attempt < 5; attempt++) {
        const current = await store.readLock();
        if (current.state === "free" || (await store.deleteLock(current.token))) {
            return current;
        }
    }
    throw new LockedError(undefined, store.lockLocation);
}
