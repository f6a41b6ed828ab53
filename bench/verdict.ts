// Verdicts that do not flip with noise. A ratio is measured per repetition, its two sides run side by
// side (interleaved) in the same round, and judged by its whole spread: "met" only when every
// repetition meets the target, "missed" when none does, "unclear" otherwise. One run on a loaded
// machine once printed 0.92× "met" for a ratio whose quiet-machine spread was 1.5–1.7×.
import * as os from "node:os";
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

/** How busy the machine was while the bench ran: the highest 1-minute load average seen. */
export interface LoadReading {
    readonly peak: number;
    readonly cpus: number;
    /** Above 1 per core at some point: figures taken then are marked. */
    readonly loaded: boolean;
}

/**
 * Samples the load average every `intervalMs` until stopped; the timer never keeps the process
 * alive. The bench reads it beside each verdict, since a loaded machine widens every spread.
 */
export function watchLoad(intervalMs = 5_000, read: () => number = () => os.loadavg()[0], cpus = os.cpus().length): { stop(): LoadReading } {
    let peak = read();
    const timer = setInterval(() => {
        peak = Math.max(peak, read());
    }, intervalMs);
    timer.unref();
    return {
        stop() {
            clearInterval(timer);
            peak = Math.max(peak, read());
            return { peak, cpus, loaded: peak > cpus };
        },
    };
}

/** A verdict in the table: "met", "**missed**" or "unclear", with the load beside it when the machine was busy. */
export function verdictCell(verdict: Verdict, load: LoadReading | undefined): string {
    const word = verdict === "missed" ? "**missed**" : verdict;
    return load?.loaded === true ? `${word} (load ${load.peak.toFixed(1)} on ${load.cpus} cores: loaded)` : word;
}

/** A ratio's spread in words: `1.56× (1.48–1.62×, 5 rounds)`. */
export function ratioText(ratios: Summary): string {
    return `${ratios.median.toFixed(2)}× (${ratios.min.toFixed(2)}–${ratios.max.toFixed(2)}×, ${ratios.samples.length} rounds)`;
}
