// The lock as a lease, over any coordination store. The holder writes when its lease ends and
// renews it while it works; a lock whose lease has ended is provably stale on every machine, so a
// lock left by a dead laptop or a killed CI runner frees itself without anyone checking a pid on a
// host they cannot see. Clearing a stale lock is a conditional delete of the exact version read, so
// two processes that found the same stale lock cannot delete a fresh one the other just took.
//
// A lease alone stops its holder only at the next renewal. So every take carries the store's next
// generation (a count of takes and breaks that only grows), and the holder proves before each
// action that the lock still holds its run and generation — a fencing token checked by a real read
// of the store, so a broken lock stops its holder at its next step or engine call.
import { AbortedError, LockedError, LockHolder, LockLostError } from "../errors";
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
    /** What schedules the renewals, for tests. Defaults to Node's timers. */
    readonly timers?: LeaseTimers;
}

/** How a lease schedules its renewals. Tests pass a fake clock; defaults to Node's timers. */
export interface LeaseTimers {
    /** Calls `tick` every `ms` until the returned function is called; never keeps the process alive. */
    every(ms: number, tick: () => void): () => void;
}

const nodeTimers: LeaseTimers = {
    every(ms, tick) {
        const timer = setInterval(tick, ms);
        // A pending renewal must not keep a finished process alive.
        timer.unref();
        return () => clearInterval(timer);
    },
};

/** A held lease. */
export interface HeldLease {
    readonly holder: LockHolder;
    /** The lock's generation when this lease took it: the fencing token every step of its holder carries. */
    readonly generation: number;
    /**
     * Extends the lease by its length from now.
     *
     * @throws LockLostError when the lock is no longer ours (it was broken, or expired and retaken).
     */
    renew(): Promise<void>;
    /**
     * Proves, by reading the store, that the lock is still this lease's — the same run and the same
     * generation — immediately before the holder acts. A lock broken between two renewals thus stops
     * its holder at its next action, not at its next renewal. A lock still ours whose lease ended (a
     * machine that slept through its renewals) is renewed first, over the version read.
     *
     * @throws LockLostError naming who holds the lock now, or that the store could not be read.
     */
    proveHeld(): Promise<void>;
    /**
     * Renews every third of the lease until released, so that one lost renewal still leaves a third
     * of the lease to the next; `onLost` is told once if a renewal finds the lock taken from us (a
     * failed request is retried at the next tick).
     */
    keepRenewed(onLost: (err: LockLostError) => void): void;
    /** Stops renewing and deletes the lock if it is still ours. Safe to call twice. */
    release(): Promise<void>;
}

/** Why a lease is lost, in one line naming who holds the lock now. */
export function describeLostLock(mine: LockHolder, location: string, now: StoredLock | Error): string {
    const lost = `lock lost: run ${mine.runId} (generation ${mine.generation ?? "?"}) no longer holds ${location}`;
    if (now instanceof Error) {
        return `lock lost: run ${mine.runId} (generation ${mine.generation ?? "?"}) cannot prove it still holds ${location}: the store cannot be read (${now.message.split("\n")[0]})`;
    }
    switch (now.state) {
        case "free":
            return `${lost}: it was broken, and no one holds it now`;
        case "corrupt":
            return `${lost}: it was replaced by something that is not a lock (${now.problem})`;
        case "held": {
            const h = now.holder;
            return `${lost}: ${h.identity} on ${h.host} holds it now (pid ${h.pid}, ${h.operation}, run ${h.runId}, generation ${h.generation ?? "?"})`;
        }
        default:
            throw new Error(`unknown lock state "${(now as { state: string }).state}"`);
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
 * Each attempt on a lock that looks free takes the store's next generation first (a lost attempt
 * leaves a gap in the count, never a repeat).
 *
 * @throws LockedError naming the holder when it is still held after the wait.
 * @throws AbortedError when the signal fires while waiting.
 */
export async function acquireLease(store: CoordinationStore, holder: LockHolder, opts: AcquireLeaseOptions = {}): Promise<HeldLease> {
    const leaseMs = opts.leaseMs ?? defaultLeaseMs;
    const now = opts.now ?? Date.now;
    const deadline = now() + (opts.waitMs ?? 0);
    // The first attempt creates at once; later ones read first, so a wait does not count up the generation.
    let current: StoredLock = { state: "free" };
    for (;;) {
        if (opts.signal?.aborted) {
            throw new AbortedError("aborted while waiting for the lock");
        }
        if (current.state === "free") {
            const mine: LockHolder = { ...withLease(holder, leaseMs, now()), generation: await store.nextLockGeneration() };
            const token = await store.createLock(mine);
            if (token !== undefined) {
                return heldLease(store, mine, token, { leaseMs, now, timers: opts.timers ?? nodeTimers });
            }
            current = await store.readLock();
            continue;
        }
        if (current.state === "held" && isStale(store, current.holder, now()) && (await store.deleteLock(current.token))) {
            await opts.onStaleCleared?.(current.holder);
            current = { state: "free" };
            continue;
        }
        if (now() >= deadline) {
            throw new LockedError(current.state === "held" ? current.holder : undefined, store.lockLocation);
        }
        await sleep(Math.min(opts.pollMs ?? 250, Math.max(1, deadline - now())), opts.signal);
        current = await store.readLock();
    }
}

interface LeaseClock {
    readonly leaseMs: number;
    readonly now: () => number;
    readonly timers: LeaseTimers;
}

function heldLease(store: CoordinationStore, first: LockHolder, firstToken: string, clock: LeaseClock): HeldLease {
    const { leaseMs, now } = clock;
    const generation = first.generation ?? 0;
    let holder = first;
    let token = firstToken;
    let released = false;
    let stopRenewing: (() => void) | undefined;
    // Renewals and proofs run one at a time: two conditional writes from the same version would
    // make one of them lose, and a lost write reads as a lost lock.
    let queue: Promise<unknown> = Promise.resolve();
    const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
        const run = queue.then(work, work);
        queue = run.catch(() => undefined);
        return run;
    };
    const readNow = () => store.readLock().catch((err: Error) => err);
    const lostFrom = (read: StoredLock | Error) =>
        new LockLostError(describeLostLock(first, store.lockLocation, read), read instanceof Error || read.state !== "held" ? undefined : read.holder, read instanceof Error ? { cause: read } : undefined);
    /** Replaces the lock's version `over` with a lease from now; false when it is no longer that version. */
    const extend = async (over: string): Promise<boolean> => {
        const next = withLease(first, leaseMs, now());
        const replaced = await store.replaceLock(next, over);
        if (replaced === undefined) {
            return false;
        }
        holder = next;
        token = replaced;
        return true;
    };
    const renew = () =>
        oneAtATime(async () => {
            if (!released && !(await extend(token))) {
                throw lostFrom(await readNow());
            }
        });
    const proveHeld = () =>
        oneAtATime(async () => {
            if (released) {
                throw new LockLostError(`run ${first.runId} (generation ${generation}) released the lock at ${store.lockLocation}: it holds it no longer`);
            }
            const read = await readNow();
            const ours = !(read instanceof Error) && read.state === "held" && read.holder.runId === first.runId && read.holder.generation === generation;
            if (!ours) {
                throw lostFrom(read);
            }
            // Still ours but past its lease: anyone may clear it now, so it is extended before the holder acts.
            if (leaseExpired(read.holder, now()) && !(await extend(read.token))) {
                throw lostFrom(await readNow());
            }
        });
    return {
        get holder() {
            return holder;
        },
        generation,
        renew,
        proveHeld,
        keepRenewed(onLost) {
            if (stopRenewing !== undefined || released) {
                return;
            }
            let renewing = false;
            stopRenewing = clock.timers.every(Math.max(1, Math.floor(leaseMs / 3)), () => {
                if (renewing) {
                    return;
                }
                renewing = true;
                renew()
                    .catch((err) => {
                        if (err instanceof LockLostError) {
                            stopRenewing?.();
                            onLost(err);
                        }
                        // Any other failure (a dropped request) is retried at the next tick.
                    })
                    .finally(() => {
                        renewing = false;
                    });
            });
        },
        async release() {
            if (released) {
                return;
            }
            released = true;
            stopRenewing?.();
            await queue;
            await store.deleteLock(token);
        },
    };
}

/**
 * Deletes the lock whatever holds it — the explicit break (`sftp-failover unlock`), which the caller
 * audits — and counts the break in the lock generation. Returns what was cleared (free: nothing). A lock changed between the read and the delete
 * is read again, a bounded number of times.
 */
export async function breakLock(store: CoordinationStore): Promise<StoredLock> {
    for (let attempt = 0; attempt < 5; attempt++) {
        const current = await store.readLock();
        if (current.state === "free") {
            return current;
        }
        if (await store.deleteLock(current.token)) {
            // The holder is stopped by its next proof finding the lock gone; the count records the
            // break. Best effort: the break itself already happened and must be reported.
            await store.nextLockGeneration().catch(() => undefined);
            return current;
        }
    }
    throw new LockedError(undefined, store.lockLocation);
}
