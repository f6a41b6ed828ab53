// The bench table: one row per figure, with its target and whether the target was met.
import { BenchResult } from "./result";

/** One row of the table. */
export interface Row {
    readonly measure: string;
    readonly value: string;
    readonly target: string;
    /** undefined: informational, no target. */
    readonly met?: boolean;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const spread = (x: { median: number; min: number; max: number }) => `${s(x.median)} (${s(x.min)}–${s(x.max)})`;

/** The rows of a result, in the order of issue 13. */
export function rows(r: BenchResult): Row[] {
    const out: Row[] = [];
    const sw = r.switch;
    const overhead = (sw.driver.median - sw.bare.median) / sw.bare.median;
    out.push({ measure: "planned switch, driver setPosture (median, min–max)", value: spread(sw.driver), target: "" });
    out.push({ measure: "(a) bare targeted ups of the same steps, summed", value: spread(sw.bare), target: "" });
    out.push({ measure: "(b) naive up --refresh of all three stacks", value: spread(sw.naive), target: "" });
    out.push({ measure: "driver overhead over (a)", value: `${(overhead * 100).toFixed(0)} %`, target: "≤ 15 %", met: overhead <= 0.15 });
    out.push({ measure: "driver / naive (b)", value: `${(sw.driver.median / sw.naive.median).toFixed(2)}×`, target: "" });
    const noopRatio = sw.noop.median / sw.driver.median;
    out.push({ measure: "no-op re-run of the current posture", value: spread(sw.noop), target: "" });
    out.push({ measure: "no-op / real switch", value: `${noopRatio.toFixed(2)}×`, target: "≤ 0.25×", met: noopRatio <= 0.25 });
    if (r.scale.length > 0) {
        for (const p of r.scale) {
            out.push({
                measure: `switch with ${p.storage.users} users`,
                value: `${spread(p.driverSwitch)}; program ${p.program.evalMs.toFixed(0)} ms (first ${p.program.firstMs.toFixed(0)} ms), peak ${p.program.peakRssMiB.toFixed(0)} MiB; ${p.storage.parametersPerRegion} SSM parameter(s)/region (${(p.storage.canonicalBytes / 1024).toFixed(0)} KiB)`,
                target: "",
            });
        }
        // A ratio needs two sizes; with one, the target is neither met nor missed.
        const ratio = r.scale[r.scale.length - 1].driverSwitch.median / r.scale[0].driverSwitch.median;
        if (r.scale.length > 1) out.push({ measure: `switch ${r.scale[r.scale.length - 1].storage.users} / ${r.scale[0].storage.users} users`, value: `${ratio.toFixed(2)}×`, target: "≤ 1.2×", met: ratio <= 1.2 });
        out.push({ measure: "records per region (1 vs 4)", value: "not measured: the dns program has one record per region", target: "" });
    }
    if (r.fence.length > 0) {
        const acks = r.fence.map((f) => f.ackMs ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
        const ack = acks[Math.floor(acks.length / 2)];
        const calls = [...new Set(r.fence.map((f) => f.calls.length))].sort((a, b) => a - b);
        const ops = [...new Set(r.fence.flatMap((f) => f.calls.map((c) => c.operation)))].join(", ");
        out.push({ measure: "fence: process start → PutMetricData acknowledged (median)", value: Number.isFinite(ack) ? s(ack) : "never", target: "≤ 1 s", met: ack <= 1000 });
        out.push({ measure: "fence: AWS API calls per run", value: `${calls.join("–")} (${ops})`, target: "exactly 1", met: calls.length === 1 && calls[0] === 1 });
    }
    if (r.coldStart !== undefined) {
        out.push({ measure: "engine build, warm Go module cache", value: s(r.coldStart.buildWarmModulesMs), target: "" });
        out.push({ measure: "engine build, cold Go module cache", value: s(r.coldStart.buildColdModulesMs), target: "" });
        out.push({ measure: "first drill on the new engine", value: s(r.coldStart.firstDrillMs), target: "" });
    }
    return out;
}

/** The rows as a Markdown table. */
export function markdown(r: BenchResult): string {
    const lines = ["| measure | value | target | |", "|---|---|---|---|"];
    for (const row of rows(r)) {
        lines.push(`| ${row.measure} | ${row.value} | ${row.target} | ${row.met === undefined ? "" : row.met ? "met" : "**missed**"} |`);
    }
    return lines.join("\n");
}
