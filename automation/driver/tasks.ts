// What a long read or preview is doing, and when to stop it. Every SDK operation that can take
// longer than a moment reports each of its parts as a task (started, ended, how long) through the
// caller's `onProgress`, and stops within a moment of its AbortSignal: a part that cannot be
// cancelled (an engine process reading a stack) is left to finish on its own while the operation
// rejects at once, which is safe because such parts only read.
import { AbortedError } from "./errors";

/** A part of an operation starting or ending. `task` says what it does, e.g. "read the three stacks". */
export type TaskEvent =
    | { readonly type: "task-start"; readonly task: string }
    | { readonly type: "task-end"; readonly task: string; readonly durationMs: number; readonly ok: boolean };

/** Where an operation reports its tasks and learns it should stop. */
export interface TaskContext {
    readonly signal?: AbortSignal;
    readonly onProgress?: (event: TaskEvent) => void;
}

/** Throws AbortedError when `signal` has fired: the check every operation makes before it changes or reads anything. */
export function throwIfAborted(signal: AbortSignal | undefined, what = "aborted"): void {
    if (signal?.aborted === true) {
        throw new AbortedError(what);
    }
}

/**
 * `work`, or an AbortedError as soon as `signal` fires, whichever comes first. The abort listener
 * is removed when `work` settles, so a long-lived signal collects no listeners.
 */
export function untilAborted<T>(signal: AbortSignal | undefined, work: Promise<T>): Promise<T> {
    if (signal === undefined) {
        return work;
    }
    throwIfAborted(signal);
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(new AbortedError());
        signal.addEventListener("abort", onAbort, { once: true });
        work.then(
            (value) => {
                signal.removeEventListener("abort", onAbort);
                resolve(value);
            },
            (err: unknown) => {
                signal.removeEventListener("abort", onAbort);
                reject(signal.aborted ? new AbortedError("aborted", { cause: err }) : err);
            },
        );
    });
}

/** Runs one task: refused when aborted, reported when it starts and ends, abandoned when the signal fires. */
export async function runTask<T>(ctx: TaskContext, task: string, work: () => Promise<T>): Promise<T> {
    throwIfAborted(ctx.signal);
    ctx.onProgress?.({ type: "task-start", task });
    const started = Date.now();
    let ok = false;
    try {
        const value = await untilAborted(ctx.signal, work());
        ok = true;
        return value;
    } finally {
        ctx.onProgress?.({ type: "task-end", task, durationMs: Date.now() - started, ok });
    }
}
