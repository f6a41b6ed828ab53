// A metric store behind test/support/in-process-cloudwatch.ts: PutMetricData keeps each datapoint,
// GetMetricData aggregates them per period by the statistic asked, as CloudWatch does (the period
// counted from StartTime rounded down to it, timestamps the periods' starts). Enough of CloudWatch to
// replay a fence and an unfence in one minute and read what the alarm's Minimum would see, in the
// unit suite; test/integration/fence.test.ts does the same against moto.
import type { CloudWatchAnswer, CloudWatchCall } from "./in-process-cloudwatch";

interface StoredPoint {
    readonly key: string;
    readonly at: number;
    readonly value: number;
}

type Dimensions = readonly { readonly Name: string; readonly Value: string }[];

const statistics: Readonly<Record<string, (values: readonly number[]) => number>> = {
    Minimum: (values) => Math.min(...values),
    Maximum: (values) => Math.max(...values),
};

/** The store's answer to each call; DescribeAlarmsForMetric lists no alarm; other operations and statistics are refused. */
export function metricStore(): (call: CloudWatchCall) => CloudWatchAnswer {
    const points: StoredPoint[] = [];
    const keyOf = (namespace: string, metricName: string, dimensions: Dimensions) =>
        JSON.stringify([namespace, metricName, [...dimensions].map((d) => [d.Name, d.Value]).sort()]);
    return (call) => {
        const input = call.input;
        switch (call.operation) {
            case "PutMetricData":
                for (const datum of input.MetricData as { MetricName: string; Dimensions: Dimensions; Timestamp: number; Value: number }[]) {
                    points.push({ key: keyOf(input.Namespace, datum.MetricName, datum.Dimensions), at: datum.Timestamp * 1000, value: datum.Value });
                }
                return { output: {} };
            case "GetMetricData": {
                const query = input.MetricDataQueries[0];
                const stat = statistics[query.MetricStat.Stat];
                if (stat === undefined) {
                    return { error: { type: "InvalidParameterValueException", message: `The store knows no statistic ${JSON.stringify(query.MetricStat.Stat)}` } };
                }
                const periodMs = query.MetricStat.Period * 1000;
                const metric = query.MetricStat.Metric;
                const key = keyOf(metric.Namespace, metric.MetricName, metric.Dimensions);
                const start = Math.floor((input.StartTime * 1000) / periodMs) * periodMs;
                const end = input.EndTime * 1000;
                const byPeriod = new Map<number, number[]>();
                for (const p of points.filter((p) => p.key === key && p.at >= start && p.at < end)) {
                    const period = start + Math.floor((p.at - start) / periodMs) * periodMs;
                    byPeriod.set(period, [...(byPeriod.get(period) ?? []), p.value]);
                }
                const order = input.ScanBy === "TimestampAscending" ? 1 : -1;
                const periods = [...byPeriod.keys()].sort((a, b) => order * (a - b));
                return {
                    output: {
                        MetricDataResults: [{ Id: query.Id, Timestamps: periods.map((t) => new Date(t)), Values: periods.map((t) => stat(byPeriod.get(t) ?? [])), StatusCode: "Complete" }],
                    },
                };
            }
            case "DescribeAlarmsForMetric":
                return { output: { MetricAlarms: [] } };
            default:
                throw new Error(`the metric store answers no ${call.operation}`);
        }
    };
}
