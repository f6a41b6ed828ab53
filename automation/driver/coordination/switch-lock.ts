// A switch runs only while it holds the lease. The lease is renewed for as long as the switch
// runs; if a renewal finds the lock taken from us (broken by `sftp-failover unlock`, or expired while
// this machine was asleep and retaken), the switch is aborted at once through its signal, so two
// operators never drive the stacks together.
import { AbortedError, LockHolder } from "../errors";
import { acquireLease } from "./lease";
import { RunLog } from "./run-log";

/** Options of `withSwitchLock`. */
export interface SwitchLockOptions {
    readonly leaseMs: number;
    readonly waitMs?: number;
    readonly signal?: AbortSignal;
}

/**
 * Runs `work` holding the lock as `holder`, with a signal that fires when the caller's does or
 * when the lease is lost. Stale locks cleared on the way are audited. The lock is released after,
 * whatever `work` did.
 *
 * @throws LockedError / AbortedError from acquiring, and whatever `work` throws.
 */
export async function withSwitchLock<T>(log: RunLog, holder: LockHolder, opts: SwitchLockOptions, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
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
    lease.keepRenewed((err) => stop.abort(new AbortedError(err.message, { cause: err })));
    try {
        return await work(stop.signal);
    } finally {
        opts.signal?.removeEventListener("abort", onCallerAbort);
        // A release that fails (the store unreachable) leaves a lease that ends by itself; the
        // switch's own result matters more than this error.
        await lease.release().catch(() => undefined);
    }
}
