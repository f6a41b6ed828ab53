// Fencing a region through CloudWatch in the fence region, a regional data-plane API, so it works
// while Route 53's control plane (us-east-1) or the fenced region itself is down. A fence or an
// unfence reads the metric's periods from now on (GetMetricData) and publishes, in one
// PutMetricData, the datapoints automation/fence/last-word.ts says make its word the last one.
import {
    CloudWatchClient,
    CloudWatchClientConfig,
    DescribeAlarmsForMetricCommand,
    Dimension,
    GetMetricDataCommand,
    PutMetricDataCommand,
    StateValue,
} from "@aws-sdk/client-cloudwatch";
import { FenceCoordinates, regionEnabledValue, regionFencedValue } from "../../components/dns-fence-coordinates";
import type { FenceObservation } from "./client";
import { fencePeriodMs, futureTimestampLimitMs, lastWordWrites, PeriodMinimum, periodStartOf } from "./last-word";
import { RegionName, regionNames } from "../../foundation/posture";

/** How the fence client reaches CloudWatch. */
export interface FenceClientOptions {
    /** CloudWatch endpoint URL, e.g. a local moto server. Defaults to AWS's endpoint of the fence region. */
    readonly endpoint?: string;
    /** Credentials. Defaults to the SDK's default provider chain (environment, profile, instance role). */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
    /** Cancels the call. Defaults to none. */
    readonly signal?: AbortSignal;
    /** Clock of the datapoint's timestamp. Defaults to the system clock. */
    readonly now?: () => Date;
    /**
     * What sends the SDK's HTTP requests (an SDK `requestHandler`, or its options). Defaults to the
     * SDK's own; an embedder may route through a proxy, and the unit tests answer in process.
     */
    readonly requestHandler?: CloudWatchClientConfig["requestHandler"];
}

/** Options of {@link readFence}. */
export interface ReadFenceOptions extends FenceClientOptions {
    /** How far back to look for the last fence datapoint, in seconds. Defaults to 14 days (CloudWatch keeps 1-minute data 15 days). */
    readonly lookbackSeconds?: number;
}

/** What a fence or unfence call published. */
export interface FenceChange {
    readonly regionName: RegionName;
    readonly fenced: boolean;
    /** The value published: 0 fences, 1 enables. */
    readonly value: number;
    /** The datapoint of "now". */
    readonly timestamp: Date;
    /** Every datapoint's timestamp: "now", then those stamped ahead so this word stays the last (fence/last-word.ts). */
    readonly timestamps: readonly Date[];
    /** Set when the metric could not be read first and the writes are a conservative guess: why. */
    readonly unconfirmed?: string;
    /** AWS region the metric went to. */
    readonly awsRegion: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, string>>;
}

/** A region's fence metric and alarms as CloudWatch reports them. */
export interface FenceMetricReading {
    readonly regionName: RegionName;
    /** What the latest period with data asked for (its minimum), pre-published periods included; `unset` when none was published within the lookback. */
    readonly requested: "fenced" | "enabled" | "unset";
    readonly lastValue?: number;
    readonly lastTimestamp?: Date;
    /** The alarms watching the metric (the DNS stack creates one per region) and their states. */
    readonly alarms: readonly { readonly name: string; readonly state: string }[];
    /**
     * Whether Route 53 treats the region as fenced: from the alarm when it has decided (ALARM or OK),
     * otherwise `unknown` (no alarm found, or INSUFFICIENT_DATA, where Route 53 keeps the last known status).
     */
    readonly effective: "fenced" | "enabled" | "unknown";
}

/** Thrown when CloudWatch refuses or cannot be reached; `cause` holds the SDK's error. */
export class FenceError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "FenceError";
    }
}

const defaultLookbackSeconds = 14 * 24 * 3600;

/**
 * Fences a region: publishes 0 to its fence metric. Within about a minute the alarm goes to ALARM,
 * the region's fence health check fails, and Route 53 stops answering its records.
 * @throws FenceError when CloudWatch refuses the call or cannot be reached.
 */
export function fenceRegion(coordinates: FenceCoordinates, regionName: RegionName, opts?: FenceClientOptions): Promise<FenceChange> {
    return setFence(coordinates, regionName, true, opts);
}

/**
 * Lifts a region's fence: publishes 1 to its fence metric.
 * @throws FenceError when CloudWatch refuses the call or cannot be reached.
 */
export function unfenceRegion(coordinates: FenceCoordinates, regionName: RegionName, opts?: FenceClientOptions): Promise<FenceChange> {
    return setFence(coordinates, regionName, false, opts);
}

/**
 * Sets a region's fence so that this word is the last within its alarm period: reads the metric's
 * periods from now on, then publishes every datapoint lastWordWrites asks for in one PutMetricData.
 * A failed read does not stop the write: it is made conservatively and `unconfirmed` says so.
 * No Route 53 API is involved.
 * @throws FenceError when CloudWatch refuses the write or cannot be reached.
 */
export async function setFence(coordinates: FenceCoordinates, regionName: RegionName, fenced: boolean, opts?: FenceClientOptions): Promise<FenceChange> {
    const dimensions = dimensionsOf(coordinates, regionName);
    const value = fenced ? regionFencedValue : regionEnabledValue;
    const now = (opts?.now ?? (() => new Date()))();
    const client = cloudWatchClient(coordinates, opts);
    try {
        const periods = await readPeriods(client, coordinates, dimensions, now, opts?.signal).catch(() => undefined);
        const writes = lastWordWrites(fenced ? "fence" : "unfence", now.getTime(), periods);
        const timestamps = writes.timestamps.map((t) => new Date(t));
        try {
            await client.send(
                new PutMetricDataCommand({
                    Namespace: coordinates.namespace,
                    MetricData: timestamps.map((Timestamp) => ({ MetricName: coordinates.metricName, Dimensions: toDimensions(dimensions), Value: value, Timestamp, Unit: "None" })),
                }),
                { abortSignal: opts?.signal },
            );
        } catch (err) {
            throw new FenceError(`${fenced ? "fencing" : "unfencing"} ${regionName} failed: PutMetricData ${describe(coordinates)}: ${messageOf(err)}`, { cause: err });
        }
        return {
            regionName,
            fenced,
            value,
            timestamp: now,
            timestamps,
            ...(writes.unconfirmed !== undefined ? { unconfirmed: writes.unconfirmed } : {}),
            awsRegion: coordinates.region,
            namespace: coordinates.namespace,
            metricName: coordinates.metricName,
            dimensions,
        };
    } finally {
        client.destroy();
    }
}

/** The minimum of each period of a region's fence metric from the current period to as far ahead as CloudWatch accepts datapoints. */
async function readPeriods(client: CloudWatchClient, coordinates: FenceCoordinates, dimensions: Readonly<Record<string, string>>, now: Date, signal?: AbortSignal): Promise<PeriodMinimum[]> {
    const out = await client.send(
        new GetMetricDataCommand({
            MetricDataQueries: [
                {
                    Id: "fence",
                    MetricStat: { Metric: { Namespace: coordinates.namespace, MetricName: coordinates.metricName, Dimensions: toDimensions(dimensions) }, Period: fencePeriodMs / 1000, Stat: "Minimum" },
                    ReturnData: true,
                },
            ],
            StartTime: new Date(periodStartOf(now.getTime())),
            EndTime: new Date(now.getTime() + futureTimestampLimitMs),
            ScanBy: "TimestampAscending",
        }),
        { abortSignal: signal },
    );
    const result = out.MetricDataResults?.[0];
    return (result?.Timestamps ?? []).map((t, i) => ({ start: periodStartOf(t.getTime()), minimum: result?.Values?.[i] ?? regionEnabledValue }));
}

/**
 * Reads a region's fence back: the last published value and the state of the alarms on it.
 * @throws FenceError when CloudWatch refuses the call or cannot be reached.
 */
export async function readFence(coordinates: FenceCoordinates, regionName: RegionName, opts?: ReadFenceOptions): Promise<FenceMetricReading> {
    const dimensions = toDimensions(dimensionsOf(coordinates, regionName));
    const now = (opts?.now ?? (() => new Date()))();
    const lookbackSeconds = opts?.lookbackSeconds ?? defaultLookbackSeconds;
    const client = cloudWatchClient(coordinates, opts);
    try {
        // Side by side: the emergency fence reads both regions before it may publish.
        const [data, alarms] = await Promise.all([
            client.send(
                new GetMetricDataCommand({
                    MetricDataQueries: [
                        {
                            Id: "fence",
                            MetricStat: {
                                Metric: { Namespace: coordinates.namespace, MetricName: coordinates.metricName, Dimensions: dimensions },
                                Period: 60,
                                // The lowest value of a minute wins: a fence published in the same minute as an unfence is not lost.
                                Stat: "Minimum",
                            },
                            ReturnData: true,
                        },
                    ],
                    // On a period boundary: CloudWatch rounds a recent StartTime down to the minute
                    // (GetMetricData API Reference, StartTime) and counts periods from there; an
                    // emulator that counts from the time as given would put a fence's 0 and the
                    // 1 an unfence stamped a period ahead into one period, and read it as fenced.
                    StartTime: new Date(periodStartOf(now.getTime() - lookbackSeconds * 1000)),
                    // As far ahead as CloudWatch accepts datapoints: an unfence stamps its 1 in a later
                    // period (fence/last-word.ts), and that period is the last word.
                    EndTime: new Date(now.getTime() + futureTimestampLimitMs),
                    ScanBy: "TimestampDescending",
                }),
                { abortSignal: opts?.signal },
            ),
            client.send(new DescribeAlarmsForMetricCommand({ Namespace: coordinates.namespace, MetricName: coordinates.metricName, Dimensions: dimensions }), {
                abortSignal: opts?.signal,
            }),
        ]);
        const result = data.MetricDataResults?.[0];
        const latest = latestPoint(result?.Timestamps ?? [], result?.Values ?? []);
        // Keep only alarms on exactly this region's dimensions (an emulator, or a broad query, may return more).
        const alarmStates = (alarms.MetricAlarms ?? [])
            .filter((a) => sameDimensions(a.Dimensions ?? [], dimensions))
            .map((a) => ({ name: a.AlarmName ?? "", state: a.StateValue ?? "" }));
        return {
            regionName,
            requested: latest === undefined ? "unset" : latest.value < regionEnabledValue ? "fenced" : "enabled",
            ...(latest === undefined ? {} : { lastValue: latest.value, lastTimestamp: latest.timestamp }),
            alarms: alarmStates,
            effective: effectiveState(alarmStates.map((a) => a.state)),
        };
    } catch (err) {
        throw new FenceError(`reading the fence of ${regionName} failed: ${describe(coordinates)}: ${messageOf(err)}`, { cause: err });
    } finally {
        client.destroy();
    }
}

/**
 * Route 53's view from the alarms' states: any ALARM fences; all OK enables; anything else
 * (no alarm, INSUFFICIENT_DATA) cannot be told from CloudWatch alone.
 */
export function effectiveState(alarmStates: readonly string[]): FenceMetricReading["effective"] {
    if (alarmStates.includes(StateValue.ALARM)) {
        return "fenced";
    }
    if (alarmStates.length > 0 && alarmStates.every((s) => s === StateValue.OK)) {
        return "enabled";
    }
    return "unknown";
}

function latestPoint(timestamps: readonly Date[], values: readonly number[]): { timestamp: Date; value: number } | undefined {
    let latest: { timestamp: Date; value: number } | undefined;
    timestamps.forEach((timestamp, i) => {
        if (latest === undefined || timestamp.getTime() > latest.timestamp.getTime()) {
            latest = { timestamp, value: values[i] };
        }
    });
    return latest;
}

function dimensionsOf(coordinates: FenceCoordinates, regionName: RegionName): Readonly<Record<string, string>> {
    if (!(regionNames as readonly string[]).includes(regionName)) {
        throw new FenceError(`unknown region "${String(regionName)}" (valid: ${regionNames.join(", ")})`);
    }
    const dimensions = coordinates.dimensions[regionName];
    if (dimensions === undefined) {
        throw new FenceError(`fence coordinates have no dimensions for ${regionName}`);
    }
    return dimensions;
}

function sameDimensions(a: readonly Dimension[], b: readonly Dimension[]): boolean {
    const key = (dims: readonly Dimension[]) => JSON.stringify(dims.map((d) => [d.Name, d.Value]).sort());
    return key(a) === key(b);
}

function toDimensions(dimensions: Readonly<Record<string, string>>): Dimension[] {
    return Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));
}

function cloudWatchClient(coordinates: FenceCoordinates, opts?: FenceClientOptions): CloudWatchClient {
    return new CloudWatchClient({
        region: coordinates.region,
        ...(opts?.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
        ...(opts?.credentials === undefined ? {} : { credentials: opts.credentials }),
        ...(opts?.requestHandler === undefined ? {} : { requestHandler: opts.requestHandler }),
    });
}

function describe(coordinates: FenceCoordinates): string {
    return `${coordinates.namespace}/${coordinates.metricName} in ${coordinates.region}`;
}

function messageOf(err: unknown): string {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * A region's fence as the fence's own store says it: the latest period with data decides (what the
 * alarm settles on); with no datapoint in the lookback, the alarm's state (a fence older than the
 * lookback keeps its alarm in ALARM); and whether any alarm watches the metric at all.
 * @throws FenceError when CloudWatch refuses the call or cannot be reached.
 */
export async function observeFence(coordinates: FenceCoordinates, regionName: RegionName, opts?: ReadFenceOptions): Promise<FenceObservation> {
    const read = await readFence(coordinates, regionName, opts);
    const alarm = read.alarms.length > 0 ? "present" : "absent";
    if (read.requested !== "unset") {
        return { state: read.requested === "fenced" ? "fenced" : "unfenced", alarm };
    }
    // Never published (or not within the lookback): the alarm's own state, and a health check that
    // never failed is healthy (components/dns-fence.ts: insufficient data keeps the last known status).
    return { state: read.effective === "fenced" ? "fenced" : "unfenced", alarm };
}
