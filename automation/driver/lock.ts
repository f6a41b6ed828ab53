// The driver's lock: one file, created atomically, so that two operators can never interleave
// switches. The file is written completely under a temporary name and then hard-linked into place:
// link(2) fails with EEXIST if the lock exists, and a reader never sees a half-written holder.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { AbortedError, LockedError, LockHolder } from "./errors";
import { makeFolder } from "../engine/folders";
import { fsyncDir } from "./jsonl";

/** Options of `acquireLock`. */
export interface AcquireLockOptions {
    /** How long to wait for the holder to release it, in ms. Defaults to 0 (fail at once). */
    readonly waitMs?: number;
    /** How often to look again while waiting, in ms. Defaults to 250. */
    readonly pollMs?: number;
    readonly signal?: AbortSignal;
    /**
     * Decides whether a holder is provably gone and its lock ours to clear (the controller checks
     * host, pid and the journal). Defaults to never.
     */
    readonly isStale?: (holder: LockHolder) => boolean;
    /** Told of every stale lock cleared, before the new lock is taken (the controller audits it). Defaults to nothing. */
    readonly onStaleCleared?: (holder: LockHolder) => void;
}

/** A held lock. */
export interface HeldLock {
    readonly holder: LockHolder;
    /** Removes the lock file if it is still ours. Safe to call twice. */
    release(): void;
}

/** Reads the holder of a lock, or undefined when there is no lock (or it cannot be parsed). */
export function readLock(lockPath: string): LockHolder | undefined {
    try {
        return JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockHolder;
    } catch {
        return undefined;
    }
}

/** What a lock file holds: nothing, a holder, or something that cannot be read as one. */
export type LockState =
    | { readonly state: "free" }
    | { readonly state: "held"; readonly holder: LockHolder }
    | { readonly state: "corrupt"; readonly problem: string };

/** Reads a lock for `status`: a corrupt file is reported as such, never as free. */
export function inspectLock(lockPath: string): LockState {
    let text: string;
    try {
        text = fs.readFileSync(lockPath, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
            return { state: "free" };
        }
        return { state: "corrupt", problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
    }
    try {
        const holder = JSON.parse(text) as Partial<LockHolder>;
        if (typeof holder.identity === "string" && typeof holder.host === "string" && typeof holder.pid === "number" && typeof holder.runId === "string") {
            return { state: "held", holder: holder as LockHolder };
        }
        return { state: "corrupt", problem: "does not name a holder" };
    } catch {
        return { state: "corrupt", problem: "is not valid JSON" };
    }
}

/** Whether a process with this pid exists on this host. */
export function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}

function tryCreate(lockPath: string, holder: LockHolder): boolean {
    const tmp = `${lockPath}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    const fd = fs.openSync(tmp, "wx");
    try {
        fs.writeSync(fd, JSON.stringify(holder, null, 2) + "\n");
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    try {
        fs.linkSync(tmp, lockPath);
        fsyncDir(path.dirname(lockPath));
        return true;
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") {
            return false;
        }
        throw err;
    } finally {
        fs.unlinkSync(tmp);
    }
}

/**
 * Clears a stale lock under a second, short-lived "break" lock, so that two processes that both
 * found the same stale holder cannot end up deleting a fresh lock the other one just took.
 */
function breakStale(lockPath: string, stale: LockHolder, isStale: (h: LockHolder) => boolean): boolean {
    const breakPath = `${lockPath}.break`;
    let fd: number;
    try {
        fd = fs.openSync(breakPath, "wx");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
            throw err;
        }
        // A breaker that died holding the break lock would block everyone: clear it when its pid is gone.
        const pid = Number(fs.readFileSync(breakPath, "utf8").trim());
        if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
            fs.rmSync(breakPath, { force: true });
        }
        return false;
    }
    try {
        fs.writeSync(fd, String(process.pid));
        fs.closeSync(fd);
        const current = readLock(lockPath);
        if (current !== undefined && current.runId === stale.runId && isStale(current)) {
            fs.rmSync(lockPath, { force: true });
            return true;
        }
        return false;
    } finally {
        fs.rmSync(breakPath, { force: true });
    }
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
 * Takes the lock, waiting up to `waitMs` for the current holder to release it.
 *
 * @throws LockedError naming the holder when it is still held after the wait.
 * @throws AbortedError when the signal fires while waiting.
 */
export async function acquireLock(lockPath: string, holder: LockHolder, opts: AcquireLockOptions = {}): Promise<HeldLock> {
    const waitMs = opts.waitMs ?? 0;
    const pollMs = opts.pollMs ?? 250;
    const isStale = opts.isStale ?? (() => false);
    const deadline = Date.now() + waitMs;
    makeFolder(path.dirname(lockPath));
    for (;;) {
        if (opts.signal?.aborted) {
            throw new AbortedError("aborted while waiting for the lock");
        }
        if (tryCreate(lockPath, holder)) {
            let released = false;
            return {
                holder,
                release() {
                    if (released) {
                        return;
                    }
                    released = true;
                    if (readLock(lockPath)?.runId === holder.runId) {
                        fs.rmSync(lockPath, { force: true });
                    }
                },
            };
        }
        const current = readLock(lockPath);
        if (current !== undefined && isStale(current) && breakStale(lockPath, current, isStale)) {
            opts.onStaleCleared?.(current);
            continue;
        }
        if (Date.now() >= deadline) {
            throw new LockedError(current, lockPath);
        }
        await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), opts.signal);
    }
}
