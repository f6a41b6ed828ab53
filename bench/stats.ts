// Summary statistics of repeated measurements. Benchmarks report the median (robust to one slow run
// on a shared machine) and the spread (min–max), never a single run.

/** The median, min and max of a list of samples, in the samples' unit. */
export interface Summary {
    readonly median: number;
    readonly min: number;
    readonly max: number;
    readonly samples: readonly number[];
}

/** Summarises samples; an empty list is a programming error, not a zero. */
export function summarize(samples: readonly number[]): Summary {
    if (samples.length === 0) {
        throw new Error("summarize: no samples");
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { median, min: sorted[0], max: sorted[sorted.length - 1], samples: [...samples] };
}

/** Milliseconds since `start` (from `performance.now()`). */
export function since(start: number): number {
    return performance.now() - start;
}

/** Runs `fn` and returns its result with how long it took, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ readonly value: T; readonly ms: number }> {
    const start = performance.now();
    const value = await fn();
    return { value, ms: since(start) };
}
