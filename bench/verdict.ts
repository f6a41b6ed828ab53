// Verdicts that do not flip with noise. A ratio is measured per repetition, its two sides run side by
// side (interleaved) in the same round, and judged by its whole spread: "met" only when every
// repetition meets the target, "missed" when none does, "unclear" otherwise. One run on a loaded
// machine once printed 0.92× "met" for a ratio whose quiet-machine spread was 1.5–1.7×.
import * as os from "node:os";
import { CpuCounters, readCpuCounters } from "./cpu-time";
import { Summary, summarize } from "./stats";

/** The judgement of a figure against its target. */
export type Verdict = "met" | "missed" | "unclear";

/** The least number of repetitions a verdict is given from; fewer give "unclear" whatever the spread. */
export const minRepetitionsForVerdict = 5;

/**
 * The ratio of two measurements taken in the same rounds: `numerators[i] / denominators[i]` for
 * each round i. Pairing by round keeps a slow round (a noisy neighbour) on both sides of its ratio.
 */
export function pairedRatios(numerators: readonly number[], denominators: readonly number[]): Summary {
    if (numerators.length !== denominators.length) {
        throw new Error(`pairedRatios: ${numerators.length} numerators against ${denominators.length} denominators`);
    }
    return summarize(numerators.map((n, i) => n / denominators[i]));
}

/** Sums consecutive groups of `size` samples: both directions of one round as one figure. */
export function perRound(samples: readonly number[], size: number): number[] {
    const rounds: number[] = [];
    for (let i = 0; i + size <= samples.length; i += size) {
        rounds.push(samples.slice(i, i + size).reduce((a, b) => a + b, 0));
    }
    return rounds;
}

/** A ratio's verdict against "at most `target`": every round at or under it, none, or some. */
export function verdictAtMost(ratios: Summary, target: number): Verdict {
    if (ratios.samples.length < minRepetitionsForVerdict) {
        return "unclear";
    }
    if (ratios.max <= target) {
        return "met";
    }
    return ratios.min > target ? "missed" : "unclear";
}

/**
 * How busy the machine was while the bench ran. The load average counts the bench's own engine
 * processes too (on 2 cores the bench alone peaks near 3), so it cannot say whether anything else
 * ran; the CPU the rest of the machine used can: the machine's busy time (/proc/stat) less this
 * process's and its reaped children's.
 */
export interface LoadReading {
    /** The highest 1-minute load average seen, the bench's own processes included. */
    readonly peak: number;
    readonly cpus: number;
    /** The share of the machine's CPU (0–1) that other work used while the bench ran; absent where /proc is not readable. */
    readonly otherShare?: number;
    /** Other work above {@link quietOtherShare} of the machine (or, without /proc, the load above 1 per core): figures taken then are marked. */
    readonly loaded: boolean;
}

/** The most of the machine's CPU other work may use for a run to count as quiet: a tenth. */
export const quietOtherShare = 0.1;

/**
 * Samples the load average every `intervalMs` until stopped, and the CPU counters at start and
 * stop; the timer never keeps the process alive. The bench reads it beside each verdict, since a
 * loaded machine widens every spread.
 */
export function watchLoad(
    intervalMs = 5_000,
    read: () => number = () => os.loadavg()[0],
    cpus = os.cpus().length,
    counters: () => CpuCounters | undefined = readCpuCounters,
    clockMs: () => number = () => performance.now(),
): { stop(): LoadReading } {
    let peak = read();
    const first = counters();
    const startedMs = clockMs();
    const timer = setInterval(() => {
        peak = Math.max(peak, read());
    }, intervalMs);
    timer.unref();
    return {
        stop() {
            clearInterval(timer);
            peak = Math.max(peak, read());
            const last = counters();
            const wallMs = clockMs() - startedMs;
            if (first === undefined || last === undefined || wallMs <= 0) {
                return { peak, cpus, loaded: peak > cpus };
            }
            const otherMs = last.machineBusyMs - first.machineBusyMs - (last.ownMs - first.ownMs);
            const otherShare = Math.min(1, Math.max(0, otherMs / (wallMs * cpus)));
            return { peak, cpus, otherShare, loaded: otherShare > quietOtherShare };
        },
    };
}

/** A verdict in the table: "met", "**missed**" or "unclear", with the load beside it when the machine was busy. */
export function verdictCell(verdict: Verdict, load: LoadReading | undefined): string {
    const word = verdict === "missed" ? "**missed**" : verdict;
    return load?.loaded === true ? `${word} (${loadText(load)}: loaded)` : word;
}

/** A ratio's spread in words: `1.56× (1.48–1.62×, 5 rounds)`. */
export function ratioText(ratios: Summary): string {
    return `${ratios.median.toFixed(2)}× (${ratios.min.toFixed(2)}–${ratios.max.toFixed(2)}×, ${ratios.samples.length} rounds)`;
}

/** The load in words: other work's share of the CPU where it was measured, else the peak load average. */
export function loadText(load: LoadReading): string {
    return load.otherShare !== undefined
        ? `other work ${(load.otherShare * 100).toFixed(0)} % of ${load.cpus} cores`
        : `load ${load.peak.toFixed(1)} on ${load.cpus} cores`;
}
