// The fence of the sandbox: where automation/fence/cloudwatch-fence.ts calls CloudWatch in the fence region, this
// client keeps the datapoints in a file and answers from a model of CloudWatch (fence-alarm.ts), so
// the drill and `--sandbox` runs of the CLI fence without any AWS endpoint. The real calls are
// tested against moto server.
//
// What it models, because the fence's safety rests on it: every datapoint is kept (not only the
// last), metrics are keyed by their dimensions in canonical order (CloudWatch treats them as a set;
// the emergency path and the driver once wrote them in different orders and the sandbox missed a
// fence), the alarm is evaluated per period with its own statistic, threshold and missing-data
// rule, and whether an alarm watches the metric at all comes from the sandbox's world (a destroyed
// dns stack leaves no alarm, and so nothing to fence).
import * as fs from "node:fs";
import * as path from "node:path";
import { RegionName } from "../foundation/posture";
import { FenceCoordinates, fenceAlarmSettings } from "../components/dns-fence-coordinates";
import { FenceObservation, FenceReading, RegionFenceClient } from "../automation/fence/client";
import { ReplicationMetricsReader } from "../automation/driver/replication";
import { makeFolder } from "../foundation/folders";
import { fencePeriodMs, lastWordWrites } from "../automation/fence/last-word";
import { AlarmDefinition, AlarmState, alarmStateAt, canonicalDimensions, metricKey, MetricPoint, periodValues, settledAlarmState } from "./fence-alarm";
import { World, WorldResource } from "./world";

/** One fence datapoint as the sandbox keeps it: what PutMetricData would have published. */
export interface SandboxFenceDatapoint {
    /** The metric: fence region, namespace, name and dimensions in canonical order. */
    readonly key: string;
    readonly region: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, string>>;
    readonly value: 0 | 1;
    /** The datapoint's timestamp (may be ahead of the time it was written, as CloudWatch allows). */
    readonly at: string;
}

/** The file: every datapoint, oldest first. */
interface SandboxFenceFile {
    readonly version: 2;
    readonly points: readonly SandboxFenceDatapoint[];
}

/** Options of {@link sandboxFenceClient}. */
export interface SandboxFenceOptions {
    /** The sandbox world, to know whether the dns stack's alarm exists. Defaults to none (unknown: treated as present). */
    readonly worldDir?: string;
    /** Clock. Defaults to the system clock. */
    readonly now?: () => Date;
}

/** CloudWatch keeps 1-minute data 15 days; older datapoints are dropped so the file stays small. */
const retentionMs = 15 * 24 * 3600_000;

const alarmType = "aws:cloudwatch/metricAlarm:MetricAlarm";

function keyOf(region: RegionName, c: FenceCoordinates): string {
    return metricKey(c.region, c.namespace, c.metricName, c.dimensions[region]);
}

function load(file: string): SandboxFenceDatapoint[] {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
            return [];
        }
        throw err;
    }
    const asFile = parsed as Partial<SandboxFenceFile>;
    if (asFile.version === 2 && Array.isArray(asFile.points)) {
        return [...asFile.points];
    }
    // The first format kept one datapoint per metric, keyed by its dimensions in insertion order.
    return Object.values(parsed as Record<string, Omit<SandboxFenceDatapoint, "key">>).map((p) => ({ ...p, key: metricKey(p.region, p.namespace, p.metricName, p.dimensions) }));
}

function save(file: string, points: readonly SandboxFenceDatapoint[]): void {
    // Written whole under a temporary name, then renamed: a reader never sees half a file. The
    // folder may not exist yet: an emergency fence can be the first thing run in a checkout, and
    // CloudWatch, which this stands in for, needs no local folder.
    makeFolder(path.dirname(file));
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ version: 2, points } satisfies SandboxFenceFile, null, 2));
    fs.renameSync(tmp, file);
}

function pointsOf(all: readonly SandboxFenceDatapoint[], key: string): MetricPoint[] {
    return all.filter((p) => p.key === key).map((p) => ({ at: Date.parse(p.at), value: p.value }));
}

/** The alarm on a metric as the world records it, or undefined when none watches it. */
function alarmInWorld(resources: readonly WorldResource[], region: RegionName, c: FenceCoordinates): AlarmDefinition | undefined {
    const wanted = JSON.stringify(canonicalDimensions(c.dimensions[region]));
    const found = resources.find(
        (r) =>
            r.type === alarmType &&
            r.region === c.region &&
            r.facts.namespace === c.namespace &&
            r.facts.metricName === c.metricName &&
            JSON.stringify(canonicalDimensions((r.facts.dimensions ?? {}) as Record<string, string>)) === wanted,
    );
    if (found === undefined) {
        return undefined;
    }
    const defaults = fenceAlarmSettings();
    const f = found.facts as Partial<Record<keyof AlarmDefinition, unknown>>;
    return {
        statistic: (f.statistic as AlarmDefinition["statistic"] | undefined) ?? defaults.statistic,
        period: Number(f.period ?? defaults.period),
        evaluationPeriods: Number(f.evaluationPeriods ?? defaults.evaluationPeriods),
        datapointsToAlarm: Number(f.datapointsToAlarm ?? defaults.datapointsToAlarm),
        threshold: Number(f.threshold ?? defaults.threshold),
        comparisonOperator: (f.comparisonOperator as AlarmDefinition["comparisonOperator"] | undefined) ?? defaults.comparisonOperator,
        treatMissingData: (f.treatMissingData as AlarmDefinition["treatMissingData"] | undefined) ?? defaults.treatMissingData,
    };
}

/** A fence alarm's state read as a fence: ALARM fences; OK, or no data yet (a check that never failed is healthy), does not. */
function readingOf(state: AlarmState): FenceReading {
    return state === "ALARM" ? "fenced" : "unfenced";
}

/**
 * The sandbox's CloudWatch for the fence, one file of datapoints. `fence`/`unfence` publish what
 * automation/fence/last-word.ts says (the last word wins within a period); `read` and `state`
 * answer what the alarm settles on once the periods published so far have closed.
 */
export function sandboxFenceClient(stateFile: string, options: SandboxFenceOptions = {}): RegionFenceClient & { alarmState(region: RegionName, coordinates: FenceCoordinates, at: Date): AlarmState } {
    const now = options.now ?? (() => new Date());
    const world = options.worldDir !== undefined ? new World(options.worldDir) : undefined;
    /** The alarm watching a region's metric: its definition, absent, or unknown (no world to ask). */
    const alarm = (region: RegionName, coordinates: FenceCoordinates): { readonly definition: AlarmDefinition; readonly presence: FenceObservation["alarm"] } => {
        if (world === undefined || !fs.existsSync(world.dir)) {
            return { definition: fenceAlarmSettings(), presence: "unknown" };
        }
        const definition = alarmInWorld(world.list(), region, coordinates);
        return definition === undefined ? { definition: fenceAlarmSettings(), presence: "absent" } : { definition, presence: "present" };
    };
    const publish = async (region: RegionName, coordinates: FenceCoordinates, action: "fence" | "unfence"): Promise<void> => {
        const at = now().getTime();
        const all = load(stateFile).filter((p) => Date.parse(p.at) > at - retentionMs);
        const key = keyOf(region, coordinates);
        const periods = periodValues(pointsOf(all, key), { statistic: "Minimum", period: fencePeriodMs / 1000 }).map((p) => ({ start: p.start, minimum: p.value }));
        const writes = lastWordWrites(action, at, periods);
        const dimensions = Object.fromEntries(canonicalDimensions(coordinates.dimensions[region]));
        for (const timestamp of writes.timestamps) {
            all.push({ key, region: coordinates.region, namespace: coordinates.namespace, metricName: coordinates.metricName, dimensions, value: writes.value, at: new Date(timestamp).toISOString() });
        }
        save(stateFile, all);
    };
    const read = async (region: RegionName, coordinates: FenceCoordinates): Promise<FenceObservation> => {
        const { definition, presence } = alarm(region, coordinates);
        // No alarm: nothing turns the datapoints into a fence, so Route 53 serves the region.
        const state = presence === "absent" ? "unfenced" : readingOf(settledAlarmState(pointsOf(load(stateFile), keyOf(region, coordinates)), definition));
        return { state, alarm: presence };
    };
    return {
        fence: (region, coordinates) => publish(region, coordinates, "fence"),
        unfence: (region, coordinates) => publish(region, coordinates, "unfence"),
        read,
        state: async (region, coordinates) => (await read(region, coordinates)).state,
        /** The alarm's state at a time, periods evaluated as CloudWatch does (only those closed by then). */
        alarmState(region, coordinates, at) {
            const { definition, presence } = alarm(region, coordinates);
            return presence === "absent" ? "INSUFFICIENT_DATA" : alarmStateAt(pointsOf(load(stateFile), keyOf(region, coordinates)), definition, at.getTime());
        },
    };
}

/**
 * Replication metrics in the sandbox: there is no CloudWatch to read them from, so every read fails
 * with that reason — and failback refuses, as it must without proof that replication caught up
 * (the real read is tested against moto server). `--force` is the operator's way past it.
 */
export const sandboxReplicationMetrics: ReplicationMetricsReader = {
    async backlog() {
        throw new Error("the sandbox has no CloudWatch, so there are no replication metrics to read (give a CloudWatch endpoint, or force)");
    },
};
