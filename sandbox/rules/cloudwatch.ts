// CloudWatch alarms and CloudWatch Logs log groups, as PutMetricAlarm and CreateLogGroup /
// PutRetentionPolicy accept them, with terraform-provider-aws's internal/service/cloudwatch
// (metric_alarm.go) and internal/service/logs (group.go) validation.
import { Inputs, TypeRules, atMostOne, count, custom, exactlyOne, given, intRange, length, matches, num, obj, oneOf, problem, required } from "./engine";
import { alarmActionRegionProblems } from "./sns";

const api = "AWS CloudWatch API reference (PutMetricAlarm)";
const tf = "terraform-provider-aws internal/service/cloudwatch/metric_alarm.go";
const op = "PutMetricAlarm";

const statistics = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
const operators = [
    "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
    "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold",
];

/** A single-metric alarm (namespace + metric name), as opposed to one on metric math queries. */
const singleMetric = (i: Inputs): boolean => given(i.metricName);

/**
 * CloudWatch evaluates high-resolution alarms at 10, 20 or 30 seconds and standard ones at any
 * multiple of 60. Route 53 reads standard-resolution alarms only, so an alarm a health check uses
 * needs a period of at least 60; that use is not visible from the alarm, so the sandbox enforces
 * CloudWatch's own rule here.
 */
function validPeriod(period: number): boolean {
    return [10, 20, 30].includes(period) || (period >= 60 && period % 60 === 0);
}

const metricAlarm: TypeRules = {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    service: "cloudwatch",
    rules: [
        length("name", 1, 255, "alarm names", op, `${api} (AlarmName: 1–255)`),
        length("alarmDescription", 0, 1024, "alarm descriptions", op, `${api} (AlarmDescription: at most 1024); ${tf}`),
        required("comparisonOperator", op, `${api} (ComparisonOperator)`),
        oneOf("comparisonOperator", operators, op, `${api} (ComparisonOperator); ${tf}`),
        required("evaluationPeriods", op, `${api} (EvaluationPeriods)`),
        intRange("evaluationPeriods", 1, 2147483647, op, `${api} (EvaluationPeriods: at least 1)`),
        intRange("datapointsToAlarm", 1, 2147483647, op, `${api} (DatapointsToAlarm: at least 1)`),
        custom("datapointsToAlarm at most evaluationPeriods", `${api} (DatapointsToAlarm: M out of N)`, (i) => {
            const m = num(i.datapointsToAlarm);
            const n = num(i.evaluationPeriods);
            return m !== undefined && n !== undefined && m > n
                ? [problem("datapointsToAlarm", `datapointsToAlarm ${m} is more than evaluationPeriods ${n} (${op})`)]
                : [];
        }),
        atMostOne("", ["metricName", "metricQueries"], op, `${api} (MetricName vs Metrics); ${tf} (metric_name ConflictsWith metric_query)`),
        exactlyOne("", ["metricName", "metricQueries"], op, `${api} (MetricName or Metrics)`),
        required("namespace", `${op}: a single-metric alarm names its namespace`, `${api} (Namespace)`, singleMetric),
        required("period", `${op}: a single-metric alarm has a period`, `${api} (Period)`, singleMetric),
        custom("period is 10, 20, 30 or a multiple of 60", `${api} (Period: 10, 20, 30 or any multiple of 60)`, (i) => {
            const period = num(i.period);
            return period !== undefined && !validPeriod(period)
                ? [problem("period", `period ${period} is not 10, 20, 30 or a multiple of 60 (${op})`)]
                : [];
        }),
        custom("evaluationPeriods × period at most one day", `${api} (EvaluationPeriods: times Period at most 86,400 s)`, (i) => {
            const period = num(i.period);
            const n = num(i.evaluationPeriods);
            return period !== undefined && n !== undefined && period >= 60 && period * n > 86400
                ? [problem("evaluationPeriods", `evaluationPeriods ${n} × period ${period} is ${n * period} s; an alarm evaluates at most one day (86,400 s) (${op})`)]
                : [];
        }),
        custom("a single-metric alarm has exactly one of statistic, extendedStatistic", `${api} (Statistic or ExtendedStatistic); ${tf}`, (i) => {
            const set = ["statistic", "extendedStatistic"].filter((k) => given(i[k]));
            return singleMetric(i) && set.length !== 1
                ? [problem("statistic", `${set.length === 0 ? "one of statistic, extendedStatistic is required" : "statistic and extendedStatistic cannot both be given"} (${op})`)]
                : [];
        }),
        oneOf("statistic", statistics, op, `${api} (Statistic); ${tf}`),
        matches("namespace", /^[^:].{0,254}$/s, "1–255 characters, not starting with a colon", op, `${api} (Namespace: 1–255, pattern [^:].*)`),
        length("metricName", 1, 255, "metric names", op, `${api} (MetricName: 1–255)`),
        custom("at most 30 dimensions, names and values 1–255", `${api} (Dimensions: at most 30; Dimension Name, Value 1–255)`, (i) => {
            const dims = obj(i.dimensions);
            if (dims === undefined) {
                return [];
            }
            const entries = Object.entries(dims);
            if (entries.length > 30) {
                return [problem("dimensions", `dimensions has ${entries.length} entries; at most 30 (${op})`)];
            }
            return entries
                .filter(([k, v]) => k.length < 1 || k.length > 255 || (typeof v === "string" && (v.length < 1 || v.length > 255)))
                .map(([k]) => problem(`dimensions.${k}`, `dimensions.${k}: dimension names and values are 1–255 characters (${op})`));
        }),
        oneOf("treatMissingData", ["breaching", "notBreaching", "ignore", "missing"], op, `${api} (TreatMissingData); ${tf}`),
        oneOf("unit", [
            "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits",
            "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
            "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
        ], op, `${api} (Unit)`),
        count("alarmActions", 0, 5, op, `${api} (AlarmActions: at most 5)`),
        count("okActions", 0, 5, op, `${api} (OKActions: at most 5)`),
        count("insufficientDataActions", 0, 5, op, `${api} (InsufficientDataActions: at most 5)`),
        custom("SNS actions are topics of the alarm's own region", `${api} (AlarmActions: arn:aws:sns:region:account-id:sns-topic-name, the alarm's region; the API's ValidationError "Invalid region … specified. Only <alarm region> is supported.")`, alarmActionRegionProblems),
    ],
};

const logsApi = "AWS CloudWatch Logs API reference";
const retentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const logGroup: TypeRules = {
    type: "aws:cloudwatch/logGroup:LogGroup",
    service: "logs",
    rules: [
        length("name", 1, 512, "log group names", "CreateLogGroup", `${logsApi} (CreateLogGroup logGroupName: 1–512)`),
        matches("name", /^[.\-_/#A-Za-z0-9]+$/, "letters, digits and . - _ / #", "CreateLogGroup", `${logsApi} (CreateLogGroup logGroupName pattern)`),
        custom("retentionInDays is 0 (never expire) or one of CloudWatch Logs' values", `${logsApi} (PutRetentionPolicy retentionInDays); terraform-provider-aws internal/service/logs/group.go`, (i) => {
            const days = num(i.retentionInDays);
            return days !== undefined && days !== 0 && !retentionDays.includes(days)
                ? [problem("retentionInDays", `retentionInDays ${days} is not one of 0, ${retentionDays.join(", ")} (PutRetentionPolicy)`)]
                : [];
        }),
        oneOf("logGroupClass", ["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"], "CreateLogGroup", `${logsApi} (CreateLogGroup logGroupClass)`),
        atMostOne("", ["name", "namePrefix"], "CreateLogGroup", "terraform-provider-aws internal/service/logs/group.go (name ConflictsWith name_prefix)"),
    ],
};

export const cloudWatchRules: readonly TypeRules[] = [metricAlarm, logGroup];
