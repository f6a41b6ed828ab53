// A switch runs only while it holds the lease. The lease is renewed for as long as the switch
// runs; if a renewal finds the lock taken from us (broken by `sftp-failover unlock`, or expired while
// this machine was asleep and retaken), the switch is aborted at once through its signal, its reason
// the LockLostError. Between renewals the switch proves the lock before every step and engine call
// (`proveHeld`), so two operators never drive the stacks together.
import { LockHolder, LockLostError } from "../errors";
import { acquireLease } from "./lease";
import { RunLog } from "./run-log";

/** Options of `withSwitchLock`. */
export interface SwitchLockOptions {
    readonly leaseMs: number;
    readonly waitMs?: number;
    readonly signal?: AbortSignal;
}

/** What the work under the lock is given. */
export interface HeldSwitchLock {
    /** Fires when the caller's signal does, or when a renewal finds the lease lost (reason: a LockLostError). */
    readonly signal: AbortSignal;
    /** Reads the store and throws LockLostError unless the lock is still this run's, at its generation (lease.ts). */
    readonly proveHeld: () => Promise<void>;
}

/**
 * Runs `work` holding the lock as `holder`. Stale locks cleared on the way are audited. The lock is
 * released after, whatever `work` did.
 *
 * @throws LockedError / AbortedError from acquiring, and whatever `work` throws.
 */
export async function withSwitchLock<T>(log: RunLog, holder: LockHolder, opts: SwitchLockOptions, work: (held: HeldSwitchLock) => Promise<T>): Promise<T> {
    const lease = await acquireLease(log.store, holder, {
        leaseMs: opts.leaseMs,
        waitMs: opts.waitMs,
        signal: opts.signal,
        onStaleCleared: (h) => log.recordStaleLock(h),
    });
    const stop = new AbortController();
    const onCallerAbort = () => stop.abort(opts.signal?.reason);
    opts.signal?.addEventListener("abort", onCallerAbort, { once: true });
    if (opts.signal?.aborted === true) {
        stop.abort(opts.signal.reason);
    }
    lease.keepRenewed((err) => stop.abort(err));
    try {
        return await work({ signal: stop.signal, proveHeld: () => lease.proveHeld() });
    } finally {
        opts.signal?.removeEventListener("abort", onCallerAbort);
        // A release that fails (the store unreachable) leaves a lease that ends by itself; the
        // switch's own result matters more than this error.
        await lease.release().catch(() => undefined);
    }
}

/**
 * The lost lock behind a failure, if there is one: the failure itself, the reason the run's signal
 * fired with, or what proving the lock finds now. A failure while the lock is lost belongs to the
 * lost lock: nothing may act on it (put config back, fence) but whoever holds the lock now.
 */
export async function lockLostBehind(err: unknown, signal?: AbortSignal, proveHeld?: () => Promise<void>): Promise<LockLostError | undefined> {
    if (err instanceof LockLostError) {
        return err;
    }
    if (signal?.reason instanceof LockLostError) {
        return signal.reason;
    }
    return proveHeld?.().then(
        () => undefined,
        (e: unknown) => (e instanceof LockLostError ? e : undefined),
    );
}
