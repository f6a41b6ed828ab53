// The sandbox's model of a CloudWatch metric alarm, for the fence: every datapoint of a metric is
// kept, aggregated per period with the alarm's statistic, compared with its threshold, and missing
// periods are treated as the alarm says. Pure, so the boundaries (a datapoint exactly on a period
// boundary, several datapoints in one minute, periods with no data) are tested directly.
//
// How CloudWatch does it (CloudWatch User Guide, "Using Amazon CloudWatch alarms" → "Evaluating an
// alarm", and "Configuring how CloudWatch alarms treat missing data"): each period's datapoints are
// reduced to one value by the statistic; the alarm looks at the most recent `evaluationPeriods`
// periods and goes to ALARM when `datapointsToAlarm` of them breach; missing periods are breaching,
// not breaching, or — with `ignore` — leave "the current alarm state maintained". A period is
// evaluated once it has closed. Metric dimensions are a set: their order in a request does not name
// a different metric, so the model keys metrics by dimensions sorted by name.

/** The alarm settings the model evaluates (those of components/dns-fence.ts's fence alarm). */
export interface AlarmDefinition {
    readonly statistic: "Minimum" | "Maximum" | "Average" | "Sum" | "SampleCount";
    /** Seconds. */
    readonly period: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    readonly threshold: number;
    readonly comparisonOperator: "LessThanThreshold" | "LessThanOrEqualToThreshold" | "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold";
    readonly treatMissingData: "ignore" | "missing" | "breaching" | "notBreaching";
}

/** An alarm's state, as CloudWatch names it. */
export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** One datapoint: when (ms since the epoch) and its value. */
export interface MetricPoint {
    readonly at: number;
    readonly value: number;
}

/** One period's statistic. */
export interface PeriodValue {
    /** Start of the period, ms since the epoch. */
    readonly start: number;
    readonly value: number;
}

/** Dimensions in one canonical order (by name), as CloudWatch treats them: a set, not a list. */
export function canonicalDimensions(dimensions: Readonly<Record<string, string>>): [string, string][] {
    return Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The key of a metric: region, namespace, name and its dimensions in canonical order. */
export function metricKey(region: string, namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>): string {
    return JSON.stringify([region, namespace, metricName, canonicalDimensions(dimensions)]);
}

/** Each period holding data, oldest first, with the statistic over its datapoints. A datapoint exactly on a boundary opens the later period. */
export function periodValues(points: readonly MetricPoint[], alarm: Pick<AlarmDefinition, "statistic" | "period">): PeriodValue[] {
    const periodMs = alarm.period * 1000;
    const byPeriod = new Map<number, number[]>();
    for (const p of points) {
        const start = Math.floor(p.at / periodMs) * periodMs;
        byPeriod.set(start, [...(byPeriod.get(start) ?? []), p.value]);
    }
    return [...byPeriod.entries()].sort(([a], [b]) => a - b).map(([start, values]) => ({ start, value: statistic(alarm.statistic, values) }));
}

/**
 * The alarm's state at time `at`: every period that has closed by then is evaluated in order, the
 * way CloudWatch evaluates once a minute. Before any datapoint the alarm has INSUFFICIENT_DATA.
 */
export function alarmStateAt(points: readonly MetricPoint[], alarm: AlarmDefinition, at: number): AlarmState {
    const periodMs = alarm.period * 1000;
    const closed = periodValues(points, alarm).filter((p) => p.start + periodMs <= at);
    if (closed.length === 0) {
        return "INSUFFICIENT_DATA";
    }
    const values = new Map(closed.map((p) => [p.start, p.value]));
    const lastClosed = Math.floor(at / periodMs) * periodMs - periodMs;
    // One evaluation per closed period, from the first with data on. Once the window holds no data
    // any more, every later evaluation gives the same state, so the loop stops there and evaluates
    // the last closed period once: bounded by the points' span, not by how long ago they were.
    const lastWithData = Math.min(lastClosed, closed[closed.length - 1].start + alarm.evaluationPeriods * periodMs);
    let state: AlarmState = "INSUFFICIENT_DATA";
    for (let start = closed[0].start; start <= lastWithData; start += periodMs) {
        state = evaluate(values, alarm, start, periodMs, state);
    }
    return lastClosed > lastWithData ? evaluate(values, alarm, lastClosed, periodMs, state) : state;
}

/** The state once every period published so far has closed (what the alarm settles on). */
export function settledAlarmState(points: readonly MetricPoint[], alarm: AlarmDefinition): AlarmState {
    const last = Math.max(...points.map((p) => p.at), 0);
    return alarmStateAt(points, alarm, last + alarm.period * 1000);
}

/** One evaluation over the `evaluationPeriods` periods ending with the one starting at `lastStart`. */
function evaluate(values: ReadonlyMap<number, number>, alarm: AlarmDefinition, lastStart: number, periodMs: number, current: AlarmState): AlarmState {
    let breaching = 0;
    let present = 0;
    for (let i = 0; i < alarm.evaluationPeriods; i++) {
        const value = values.get(lastStart - i * periodMs);
        if (value === undefined) {
            if (alarm.treatMissingData === "breaching") {
                breaching++;
                present++;
            } else if (alarm.treatMissingData === "notBreaching") {
                present++;
            }
            continue;
        }
        present++;
        if (breaches(value, alarm)) {
            breaching++;
        }
    }
    if (breaching >= alarm.datapointsToAlarm) {
        return "ALARM";
    }
    if (present === 0) {
        return alarm.treatMissingData === "missing" ? "INSUFFICIENT_DATA" : current;
    }
    // Not enough breaching periods among those with data: OK once as many periods as it takes to
    // alarm were seen, otherwise (ignore/missing with few datapoints) the state is kept.
    return present >= alarm.datapointsToAlarm ? "OK" : current;
}

function breaches(value: number, alarm: AlarmDefinition): boolean {
    switch (alarm.comparisonOperator) {
        case "LessThanThreshold":
            return value < alarm.threshold;
        case "LessThanOrEqualToThreshold":
            return value <= alarm.threshold;
        case "GreaterThanThreshold":
            return value > alarm.threshold;
        case "GreaterThanOrEqualToThreshold":
            return value >= alarm.threshold;
        default:
            throw new Error(`unknown comparison operator "${String(alarm.comparisonOperator)}"`);
    }
}

function statistic(name: AlarmDefinition["statistic"], values: readonly number[]): number {
    switch (name) {
        case "Minimum":
            return Math.min(...values);
        case "Maximum":
            return Math.max(...values);
        case "Sum":
            return values.reduce((a, b) => a + b, 0);
        case "Average":
            return values.reduce((a, b) => a + b, 0) / values.length;
        case "SampleCount":
            return values.length;
        default:
            throw new Error(`unknown statistic "${String(name)}"`);
    }
}
