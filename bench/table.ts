// The bench table: one row per figure, with its target and whether the target was met.
import type { FencePath, FenceRun } from "./fence";
import { RecordFigures } from "./records";
import { BenchResult } from "./result";
import { ScalePoint } from "./scale";
import { SwitchFigures } from "./switch";
import { storageLabel } from "./users";
import { LoadReading, pairedRatios, perRound, quietOtherShare, ratioText, Verdict, verdictAtMost, verdictCell } from "./verdict";

/** One row of the table. */
export interface Row {
    readonly measure: string;
    readonly value: string;
    readonly target: string;
    /** A single measurement against its target; undefined: informational, or judged by `verdict`. */
    readonly met?: boolean;
    /** A ratio judged by its spread over rounds (verdict.ts). */
    readonly verdict?: Verdict;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const spread = (x: { median: number; min: number; max: number }) => `${s(x.median)} (${s(x.min)}–${s(x.max)})`;

/**
 * The planned switch against its floors, and the no-op re-run. Each ratio is taken per round (both
 * directions of the driver against both of the bare ups run in the same round), then judged by its
 * spread.
 */
export function switchRows(sw: SwitchFigures): Row[] {
    const out: Row[] = [];
    const driverRounds = perRound(sw.driver.samples, 2);
    const overhead = pairedRatios(driverRounds, perRound(sw.bare.samples, 2));
    out.push({ measure: "planned switch, driver setPosture (median, min–max)", value: spread(sw.driver), target: "" });
    out.push({ measure: "(a) bare targeted ups of the same steps, summed", value: spread(sw.bare), target: "" });
    if (sw.ups !== undefined) {
        out.push({ measure: "(a′) the same ups without the Automation API's read-back, summed", value: spread(sw.ups), target: "" });
    }
    out.push({ measure: "(b) naive up --refresh of all three stacks", value: spread(sw.naive), target: "" });
    out.push({ measure: "driver / (a), per round", value: ratioText(overhead), target: "≤ 1.15× (15 % overhead)", verdict: verdictAtMost(overhead, 1.15) });
    if (sw.ups !== undefined) {
        const own = pairedRatios(driverRounds, perRound(sw.ups.samples, 2));
        out.push({ measure: "driver / (a′): its own reads, writes and bookkeeping", value: ratioText(own), target: "" });
    }
    out.push({ measure: "driver / naive (b), per round", value: ratioText(pairedRatios(driverRounds, perRound(sw.naive.samples, 2))), target: "" });
    if (sw.engineCalls !== undefined) {
        const c = sw.engineCalls;
        out.push({ measure: "engine processes per switch: driver / (a) bare / no-op (median)", value: `${c.driver.median} / ${c.bare.median} / ${c.noop.median}`, target: "" });
    }
    // The no-op of a round against the mean of that round's two real switches.
    const noop = pairedRatios(sw.noop.samples, driverRounds.map((d) => d / 2));
    out.push({ measure: "no-op re-run of the current posture", value: spread(sw.noop), target: "" });
    out.push({ measure: "no-op / real switch, per round", value: ratioText(noop), target: "≤ 0.25×", verdict: verdictAtMost(noop, 0.25) });
    return out;
}

/** The rows of a result, in the order of issue 13. */
export function rows(r: BenchResult): Row[] {
    const out: Row[] = [];
    out.push(...switchRows(r.switch));
    const points = r.scale.points;
    if (points.length > 0) {
        for (const p of points) {
            out.push({
                measure: `switch with ${p.storage.users} users (gatewayBucketAccess: bucket)`,
                value: `${spread(p.driverSwitch)}; program ${p.program.evalMs.toFixed(0)} ms (first ${p.program.firstMs.toFixed(0)} ms), peak ${p.program.peakRssMiB.toFixed(0)} MiB; ${storageLabel(p.storage)}`,
                target: "",
            });
        }
        // A ratio needs two sizes; with one, there is nothing to judge.
        if (points.length > 1) {
            out.push(...scaleRatioRows(points[0], points.slice(1)));
        }
    }
    if (r.records !== undefined) {
        out.push(...recordRows(r.records));
    }
    if (r.scale.refused !== undefined) {
        // The flatness target cannot be met at a size that cannot be deployed at all.
        out.push({ measure: `switch with ${r.scale.refused.users} users`, value: `cannot be deployed: ${r.scale.refused.error}`, target: "≤ 1.2× of the smallest", met: false });
    }
    out.push(...fenceRows(r.fence));
    if (r.coldStart !== undefined) {
        out.push({ measure: "engine build, warm Go module cache", value: s(r.coldStart.buildWarmModulesMs), target: "" });
        out.push({ measure: "engine build, cold Go module cache", value: s(r.coldStart.buildColdModulesMs), target: "" });
        out.push({ measure: "first drill on the new engine", value: s(r.coldStart.firstDrillMs), target: "" });
    }
    return out;
}

/**
 * Each larger user count against the smallest, per round (the sizes take turns in every round):
 * ≤ 1.2× up to 2,000 users, ≤ 1.5× above.
 */
export function scaleRatioRows(smallest: ScalePoint, larger: readonly ScalePoint[]): Row[] {
    const base = perRound(smallest.driverSwitch.samples, 2);
    return larger.map((p) => {
        const ratios = pairedRatios(perRound(p.driverSwitch.samples, 2), base);
        const target = p.storage.users <= 2000 ? 1.2 : 1.5;
        return { measure: `switch ${p.storage.users} / ${smallest.storage.users} users, per round`, value: ratioText(ratios), target: `≤ ${target}×`, verdict: verdictAtMost(ratios, target) };
    });
}

/** The 1-against-4 records rows: both spreads, and their ratio per round against the flatness target. */
export function recordRows({ oneRecord, fourRecords }: RecordFigures): Row[] {
    const ratios = pairedRatios(perRound(fourRecords.samples, 2), perRound(oneRecord.samples, 2));
    return [
        { measure: "switch with 1 record per region", value: spread(oneRecord), target: "" },
        { measure: "switch with 4 records per region", value: spread(fourRecords), target: "" },
        { measure: "switch 4 / 1 records per region, per round", value: ratioText(ratios), target: "≤ 1.2×", verdict: verdictAtMost(ratios, 1.2) },
    ];
}

const fencePathLabels: Readonly<Record<FencePath, string>> = {
    "emergency-compiled": "fence, emergency path, compiled CLI (dist/)",
    "emergency-ts-node": "fence, emergency path, ts-node",
    "engine-ts-node": "fence --from-stack (engine path), ts-node",
};

/**
 * The fence rows, per way of running it. The targets (≤ 1 s; one PutMetricData, and no call but
 * CloudWatch's reads of the fences) are the emergency path's as installed, i.e. compiled; ts-node
 * adds compiling TypeScript at start, and the engine path is measured beside it.
 */
export function fenceRows(runs: readonly FenceRun[]): Row[] {
    const out: Row[] = [];
    for (const p of Object.keys(fencePathLabels) as FencePath[]) {
        const mine = runs.filter((f) => f.path === p);
        if (mine.length === 0) {
            continue;
        }
        // A run refused before publishing (a rule of the fence operation) has no ack.
        const acks = mine.flatMap((f) => (f.ackMs !== undefined ? [f.ackMs] : [])).sort((a, b) => a - b);
        const median = (xs: readonly number[]) => xs[Math.floor(xs.length / 2)];
        const exits = mine.map((f) => f.exitMs).sort((a, b) => a - b);
        const cpus = mine.flatMap((f) => (f.cpuMs !== undefined ? [f.cpuMs] : [])).sort((a, b) => a - b);
        const calls = [...new Set(mine.map((f) => f.calls.length))].sort((a, b) => a - b);
        const ops = [...new Set(mine.flatMap((f) => f.calls.map((c) => c.operation)))].join(", ");
        const targeted = p === "emergency-compiled";
        const ack = acks.length === mine.length ? median(acks) : Number.POSITIVE_INFINITY;
        const published = acks.length === mine.length ? "" : `; published in ${acks.length} of ${mine.length} runs`;
        out.push({
            measure: `${fencePathLabels[p]}: process start → PutMetricData acknowledged (median, min–max; ${mine.length} runs)`,
            value:
                (acks.length > 0 ? `${s(median(acks))} (${s(acks[0])}–${s(acks[acks.length - 1])})` : "never") +
                `; exit ${s(median(exits))}${cpus.length > 0 ? `; CPU ${s(median(cpus))}` : ""}${published}`,
            target: targeted ? "≤ 1 s" : "",
            ...(targeted ? { met: ack <= 1000 } : {}),
        });
        out.push({
            measure: `${fencePathLabels[p]}: AWS API calls per run`,
            value: `${calls.join("–")} (${ops})`,
            target: p === "engine-ts-node" ? "" : "one PutMetricData; only reads besides (the fences, endpoint health)",
            ...(p === "engine-ts-node" ? {} : { met: mine.every(onlyReadsAndOnePublish) }),
        });
    }
    return out;
}

/**
 * The emergency path's calls: exactly one PutMetricData, and besides it only reads — both fences
 * (GetMetricData, DescribeAlarmsForMetric) and the endpoints' health the answer is predicted from
 * (Route 53's GetHealthCheckStatus, and the HealthCheckStatus metric through GetMetricData).
 */
export function onlyReadsAndOnePublish(run: Pick<FenceRun, "calls">): boolean {
    const isRead = (operation: string) => ["GetMetricData", "DescribeAlarmsForMetric"].includes(operation) || /^GET \/2013-04-01\/healthcheck\/[^/]+\/status$/.test(operation);
    return run.calls.filter((c) => c.operation === "PutMetricData").length === 1 && run.calls.every((c) => c.operation === "PutMetricData" || isRead(c.operation));
}

/** The rows as a Markdown table; verdicts carry the load when the machine was busy. */
export function markdown(r: BenchResult): string {
    const lines = ["| measure | value | target | |", "|---|---|---|---|"];
    for (const row of rows(r)) {
        const judged = row.verdict !== undefined ? verdictCell(row.verdict, r.load) : row.met === undefined ? "" : row.met ? "met" : "**missed**";
        lines.push(`| ${row.measure} | ${row.value} | ${row.target} | ${judged} |`);
    }
    if (r.load !== undefined) {
        lines.push("", loadLine(r.load));
    }
    return lines.join("\n");
}

/** The load under the table: other work's share of the CPU decides quiet or busy; the load average, which counts the bench's own processes, is shown beside it. */
export function loadLine(load: LoadReading): string {
    const average = `peak 1-minute load average ${load.peak.toFixed(1)} on ${load.cpus} cores, the bench's own processes included`;
    if (load.otherShare === undefined) {
        return `Load: ${average}${load.loaded ? " — above 1 per core: these figures were taken on a busy machine" : " (quiet: at most 1 per core)"}.`;
    }
    const other = `other work used ${(load.otherShare * 100).toFixed(0)} % of the CPU while the bench ran`;
    return `Load: ${other}${load.loaded ? ` — above ${quietOtherShare * 100} %: these figures were taken on a busy machine` : ` (quiet: at most ${quietOtherShare * 100} %)`}; ${average}.`;
}
