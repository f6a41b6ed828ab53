// Which datapoints a fence or an unfence must publish so that its word is the last one, whatever
// was published before it in the same alarm period. Pure: the CloudWatch client
// (automation/fence/cloudwatch-fence.ts) and the sandbox's fence (sandbox/fence.ts) both publish what this says.
//
// Why more than one datapoint. The fence alarm (components/dns-fence.ts) takes the Minimum of each
// 60-s period, compares it with LessThanThreshold 1, and ignores missing data. So:
//   - a 0 anywhere in a period makes that period breach: fence → unfence → fence within a minute
//     is fenced, but unfence after fence within a minute is NOT unfenced by a single 1 — the
//     period still holds the 0. An unfence therefore also publishes a 1 stamped in the period
//     after the latest period that holds a 0, so the latest period with data holds only 1s;
//   - with treatMissingData `ignore`, "the current alarm state is maintained" while periods are
//     missing (CloudWatch User Guide, "Configuring how CloudWatch alarms treat missing data"), so
//     the latest period with data decides the state for good. A fence therefore publishes its 0
//     now AND into every later period that already holds data (a 1 an unfence stamped ahead), so no
//     pre-published 1 outlives it.
// PutMetricData accepts timestamps ahead of the current time (CloudWatch API Reference,
// PutMetricData / MetricDatum `Timestamp`: up to two hours after the current date); the writes
// here reach at most a few periods ahead, and the reads look two hours ahead for the same reason.
//
// A read may decide to write MORE, never to skip: the datapoint of "now" is always published. When
// the read fails, the writes are conservative: a fence also covers the next periods an unfence
// could have stamped ahead; an unfence also stamps the next period, and says it could not confirm.

/** The fence alarm's period: Route 53 reads only standard-resolution alarms, so 60 s. */
export const fencePeriodMs = 60_000;

/** How far ahead CloudWatch accepts a datapoint's timestamp, and so how far ahead to read. */
export const futureTimestampLimitMs = 2 * 3600_000;

/** How many later periods a fence covers when it cannot read what is there. */
export const conservativeFencePeriods = 2;

/** The lowest value published in one period of the fence metric (what the alarm compares). */
export interface PeriodMinimum {
    /** Start of the period, ms since the epoch (a multiple of the period). */
    readonly start: number;
    readonly minimum: number;
}

/** What to publish. */
export interface LastWordWrites {
    /** 0 fences, 1 enables. */
    readonly value: 0 | 1;
    /** Timestamps of the datapoints, ms since the epoch; the first is always "now". */
    readonly timestamps: readonly number[];
    /** Set when the periods could not be read and the writes are a conservative guess: why. */
    readonly unconfirmed?: string;
}

/** The start of the period holding `ms`: a datapoint exactly on a boundary opens the new period. */
export function periodStartOf(ms: number, periodMs = fencePeriodMs): number {
    return Math.floor(ms / periodMs) * periodMs;
}

/**
 * The datapoints a fence (`0`) or an unfence (`1`) publishes at `now`, given the minimum of each
 * period from the current one on (`undefined` when they could not be read).
 */
export function lastWordWrites(action: "fence" | "unfence", now: number, periods: readonly PeriodMinimum[] | undefined, periodMs = fencePeriodMs): LastWordWrites {
    const current = periodStartOf(now, periodMs);
    const ahead = (n: number) => current + n * periodMs;
    if (action === "fence") {
        if (periods === undefined) {
            const later = Array.from({ length: conservativeFencePeriods }, (_, i) => ahead(i + 1));
            return { value: 0, timestamps: [now, ...later], unconfirmed: "the fence metric's later periods could not be read, so the next ones were fenced too" };
        }
        const later = periods.filter((p) => p.start > current).map((p) => periodStartOf(p.start, periodMs));
        return { value: 0, timestamps: [now, ...unique(later)] };
    }
    if (periods === undefined) {
        return {
            value: 1,
            timestamps: [now, ahead(1)],
            unconfirmed: "the fence metric could not be read: a fence published ahead of the next period would still win (check `status` in two minutes)",
        };
    }
    const zeros = periods.filter((p) => p.start >= current && p.minimum < 1).map((p) => periodStartOf(p.start, periodMs));
    if (zeros.length === 0) {
        return { value: 1, timestamps: [now] };
    }
    return { value: 1, timestamps: [now, Math.max(...zeros) + periodMs] };
}

function unique(values: readonly number[]): number[] {
    return [...new Set(values)].sort((a, b) => a - b);
}
