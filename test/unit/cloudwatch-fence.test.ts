import { expect } from "chai";
import { fenceRegion, FenceError, observeFence, readFence, ReadFenceOptions, unfenceRegion } from "../../automation/fence/cloudwatch-fence";
import { fenceCoordinates, FenceCoordinates } from "../../components/dns-fence-coordinates";
import { RegionName } from "../../foundation/posture";
import { periodStartOf } from "../../automation/fence/last-word";
import { metricStore } from "../support/cloudwatch-metric-store";
import { CloudWatchAnswer, CloudWatchCall, InProcessCloudWatch, inProcessCloudWatch, LoopbackCloudWatch, onLoopback } from "../support/in-process-cloudwatch";

// The fence's reads and writes through the real CloudWatchClient, its requests answered in process
// (test/support/in-process-cloudwatch.ts): what goes on the wire, and what a reading decides.
// test/integration/fence.test.ts runs the same module against moto.

const coordinates: FenceCoordinates = fenceCoordinates({ service: "sftp.example.com" });
const minute = Date.UTC(2026, 11, 8, 1, 30);
const now = new Date(minute + 25_500);
const periodMs = 60_000;
const credentials = { accessKeyId: "AKIDFENCEUNIT", secretAccessKey: "not-a-secret" };
const dimensionsOf = (region: RegionName) => [
    { Name: "Service", Value: "sftp.example.com" },
    { Name: "RegionName", Value: region },
];
const epochSeconds = (ms: number) => ms / 1000;

/** A stand-in answering only the operations named; any other request fails the test. */
function cloudWatch(answers: Readonly<Record<string, CloudWatchAnswer | ((call: CloudWatchCall) => CloudWatchAnswer)>>): InProcessCloudWatch {
    return inProcessCloudWatch((call) => {
        const answer = answers[call.operation];
        if (answer === undefined) {
            throw new Error(`the test expected no ${call.operation} call`);
        }
        return typeof answer === "function" ? answer(call) : answer;
    });
}

/** GetMetricData's answer: one point per [period start, minimum]. */
function periods(...points: readonly (readonly [number, number])[]): CloudWatchAnswer {
    return { output: { MetricDataResults: [{ Id: "fence", Label: "fence", Timestamps: points.map(([at]) => new Date(at)), Values: points.map(([, v]) => v), StatusCode: "Complete" }] } };
}

const stored: CloudWatchAnswer = { output: {} };
const invalid = (message: string): CloudWatchAnswer => ({ error: { type: "InvalidParameterValueException", message } });

function options(cw: InProcessCloudWatch, extra: ReadFenceOptions = {}): ReadFenceOptions {
    return { credentials, now: () => now, requestHandler: cw.requestHandler, ...extra };
}

/** The datapoints PutMetricData carried, as [timestamp ms, value]. */
function published(cw: InProcessCloudWatch): [number, number][] {
    const puts = cw.calls.filter((c) => c.operation === "PutMetricData");
    expect(puts, "one PutMetricData").to.have.length(1);
    return puts[0].input.MetricData.map((d: { Timestamp: number; Value: number }) => [d.Timestamp * 1000, d.Value]);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
    const outcome = await promise.then(
        () => undefined,
        (err: unknown) => err,
    );
    expect(outcome, "the call rejects").to.be.instanceOf(Error);
    return outcome as Error;
}

describe("cloudwatch-fence: the fence's CloudWatch calls through the real SDK client, answered in process", () => {
    describe("fenceRegion and unfenceRegion: what is published", () => {
        it("a fence reads the metric's minutes from this one on, then publishes 0 now to the region's metric, in the fence region", async () => {
            const cw = cloudWatch({ GetMetricData: periods(), PutMetricData: stored });

            const change = await fenceRegion(coordinates, "primary", options(cw));

            expect(cw.calls.map((c) => c.operation)).to.deep.equal(["GetMetricData", "PutMetricData"]);
            expect(cw.calls[0].input).to.deep.equal({
                MetricDataQueries: [
                    {
                        Id: "fence",
                        MetricStat: { Metric: { Namespace: "SftpFailover/Fence", MetricName: "RegionEnabled", Dimensions: dimensionsOf("primary") }, Period: 60, Stat: "Minimum" },
                        ReturnData: true,
                    },
                ],
                // From the start of this minute to as far ahead as CloudWatch accepts datapoints (two hours).
                StartTime: epochSeconds(minute),
                EndTime: epochSeconds(now.getTime() + 2 * 3600_000),
                ScanBy: "TimestampAscending",
            });
            expect(cw.calls[1].input).to.deep.equal({
                Namespace: "SftpFailover/Fence",
                MetricData: [{ MetricName: "RegionEnabled", Dimensions: dimensionsOf("primary"), Value: 0, Timestamp: epochSeconds(now.getTime()), Unit: "None" }],
            });
            expect(change).to.deep.equal({
                regionName: "primary",
                fenced: true,
                value: 0,
                timestamp: now,
                timestamps: [now],
                awsRegion: "us-east-2",
                namespace: "SftpFailover/Fence",
                metricName: "RegionEnabled",
                dimensions: { Service: "sftp.example.com", RegionName: "primary" },
            });
            for (const call of cw.calls) {
                expect(call.url).to.equal("https://monitoring.us-east-2.amazonaws.com/");
                expect(call.authorization).to.contain(`Credential=${credentials.accessKeyId}/20261208/us-east-2/monitoring/aws4_request`);
            }
            expect(cw.destroyed(), "the client is released").to.equal(1);
        });

        it("an unfence publishes 1 now to the secondary's metric, with the secondary's dimensions", async () => {
            const cw = cloudWatch({ GetMetricData: periods(), PutMetricData: stored });

            const change = await unfenceRegion(coordinates, "secondary", options(cw));

            expect(cw.calls[0].input.MetricDataQueries[0].MetricStat.Metric.Dimensions).to.deep.equal(dimensionsOf("secondary"));
            expect(cw.calls[1].input.MetricData).to.deep.equal([{ MetricName: "RegionEnabled", Dimensions: dimensionsOf("secondary"), Value: 1, Timestamp: epochSeconds(now.getTime()), Unit: "None" }]);
            expect(change).to.deep.include({ regionName: "secondary", fenced: false, value: 1, timestamps: [now], dimensions: { Service: "sftp.example.com", RegionName: "secondary" } });
            expect(change).to.not.have.property("unconfirmed");
        });

        it("coordinates of another region, namespace and metric name go to that region's endpoint under those names", async () => {
            const elsewhere = fenceCoordinates({ service: "files.example.org", region: "eu-central-1", namespace: "Acme/Gate", metricName: "Open" });
            const cw = cloudWatch({ GetMetricData: periods(), PutMetricData: stored });

            const change = await fenceRegion(elsewhere, "secondary", options(cw));

            expect(cw.calls[1].input).to.deep.equal({
                Namespace: "Acme/Gate",
                MetricData: [{ MetricName: "Open", Dimensions: [{ Name: "Service", Value: "files.example.org" }, { Name: "RegionName", Value: "secondary" }], Value: 0, Timestamp: epochSeconds(now.getTime()), Unit: "None" }],
            });
            expect(cw.calls.map((c) => c.url)).to.deep.equal(["https://monitoring.eu-central-1.amazonaws.com/", "https://monitoring.eu-central-1.amazonaws.com/"]);
            expect(change).to.include({ awsRegion: "eu-central-1", namespace: "Acme/Gate", metricName: "Open" });
        });

        it("an endpoint given is where both calls go", async () => {
            const cw = cloudWatch({ GetMetricData: periods(), PutMetricData: stored });

            await unfenceRegion(coordinates, "primary", options(cw, { endpoint: "http://127.0.0.1:4566" }));

            expect(cw.calls.map((c) => c.url)).to.deep.equal(["http://127.0.0.1:4566/", "http://127.0.0.1:4566/"]);
        });

        it("the signal given reaches both calls, and an aborted one stops the write with a FenceError", async () => {
            const running = new AbortController();
            const cw = cloudWatch({ GetMetricData: periods(), PutMetricData: stored });
            await fenceRegion(coordinates, "primary", options(cw, { signal: running.signal }));
            expect(cw.calls.map((c) => c.abortSignal)).to.deep.equal([running.signal, running.signal]);

            const cancelled = new AbortController();
            cancelled.abort();
            const stopped = cloudWatch({ GetMetricData: periods(), PutMetricData: stored });
            const err = await rejection(fenceRegion(coordinates, "primary", options(stopped, { signal: cancelled.signal })));

            expect(err).to.be.instanceOf(FenceError);
            expect(err.message).to.equal("fencing primary failed: PutMetricData SftpFailover/Fence/RegionEnabled in us-east-2: AbortError: Request aborted");
            expect(stopped.destroyed()).to.equal(1);
        });

        it("a fence also publishes 0 at the start of each later minute that already holds data (an unfence's 1 stamped ahead)", async () => {
            // The unfence in the minute before stamped a 1 at this minute's start and one ahead.
            const cw = cloudWatch({ GetMetricData: periods([minute, 1], [minute + periodMs, 1], [minute + 3 * periodMs, 1]), PutMetricData: stored });

            const change = await fenceRegion(coordinates, "secondary", options(cw));

            expect(published(cw)).to.deep.equal([
                [now.getTime(), 0],
                [minute + periodMs, 0],
                [minute + 3 * periodMs, 0],
            ]);
            expect(change.timestamps).to.deep.equal([now, new Date(minute + periodMs), new Date(minute + 3 * periodMs)]);
            expect(cw.calls[1].input.MetricData.map((d: { Unit: string; MetricName: string }) => [d.MetricName, d.Unit])).to.deep.equal([
                ["RegionEnabled", "None"],
                ["RegionEnabled", "None"],
                ["RegionEnabled", "None"],
            ]);
        });

        it("a datapoint read inside this minute counts as this minute's, not as a later one to cover", async () => {
            // An emulator may answer with the datapoint's own time rather than its period's start.
            const cw = cloudWatch({ GetMetricData: periods([minute + 40_000, 1]), PutMetricData: stored });

            await fenceRegion(coordinates, "primary", options(cw));

            expect(published(cw)).to.deep.equal([[now.getTime(), 0]]);
        });

        it("fence then unfence in the same minute: the unfence also stamps 1 at the next minute, where the Minimum holds only 1s", async () => {
            const cw = cloudWatch({ GetMetricData: periods([minute, 0]), PutMetricData: stored });

            const change = await unfenceRegion(coordinates, "primary", options(cw));

            expect(published(cw)).to.deep.equal([
                [now.getTime(), 1],
                [minute + periodMs, 1],
            ]);
            expect(change.timestamps).to.deep.equal([now, new Date(minute + periodMs)]);
        });

        it("unfence then fence in the same minute: the fence also covers the next minute the unfence stamped", async () => {
            // This minute's Minimum is already 0 (the earlier fence); the unfence's 1 sits at the next minute.
            const cw = cloudWatch({ GetMetricData: periods([minute, 0], [minute + periodMs, 1]), PutMetricData: stored });

            await fenceRegion(coordinates, "primary", options(cw));

            expect(published(cw)).to.deep.equal([
                [now.getTime(), 0],
                [minute + periodMs, 0],
            ]);
        });

        it("any Minimum below 1 is a fence the unfence must outlast, as the alarm (LessThanThreshold 1) counts it", async () => {
            const cw = cloudWatch({ GetMetricData: periods([minute, 0.5]), PutMetricData: stored });

            await unfenceRegion(coordinates, "primary", options(cw));

            expect(published(cw)).to.deep.equal([
                [now.getTime(), 1],
                [minute + periodMs, 1],
            ]);
        });

        it("an unfence stamps its 1 after the latest minute holding a 0, however far ahead", async () => {
            const cw = cloudWatch({ GetMetricData: periods([minute, 1], [minute + periodMs, 0], [minute + 2 * periodMs, 0], [minute + 4 * periodMs, 1]), PutMetricData: stored });

            await unfenceRegion(coordinates, "primary", options(cw));

            expect(published(cw)).to.deep.equal([
                [now.getTime(), 1],
                [minute + 3 * periodMs, 1],
            ]);
        });

        it("an unfence with no 0 from this minute on publishes only now, and a minute read without a value counts as enabled", async () => {
            const onlyOnes = cloudWatch({ GetMetricData: periods([minute, 1], [minute + periodMs, 1]), PutMetricData: stored });
            await unfenceRegion(coordinates, "primary", options(onlyOnes));
            expect(published(onlyOnes)).to.deep.equal([[now.getTime(), 1]]);

            const noValues = cloudWatch({ GetMetricData: { output: { MetricDataResults: [{ Id: "fence", Timestamps: [new Date(minute)], StatusCode: "Complete" }] } }, PutMetricData: stored });
            await unfenceRegion(coordinates, "primary", options(noValues));
            expect(published(noValues)).to.deep.equal([[now.getTime(), 1]]);

            const noResult = cloudWatch({ GetMetricData: { output: {} }, PutMetricData: stored });
            await unfenceRegion(coordinates, "primary", options(noResult));
            expect(published(noResult)).to.deep.equal([[now.getTime(), 1]]);
        });

        it("when the minutes cannot be read, a fence covers the next two minutes too and says it is unconfirmed", async () => {
            const cw = cloudWatch({ GetMetricData: invalid("The parameter StartTime is invalid."), PutMetricData: stored });

            const change = await fenceRegion(coordinates, "primary", options(cw));

            expect(published(cw)).to.deep.equal([
                [now.getTime(), 0],
                [minute + periodMs, 0],
                [minute + 2 * periodMs, 0],
            ]);
            expect(change.unconfirmed).to.equal("the fence metric's later periods could not be read, so the next ones were fenced too");
        });

        it("when the minutes cannot be read, an unfence stamps the next minute too and says it is unconfirmed", async () => {
            const cw = cloudWatch({ GetMetricData: { fail: new Error("socket hang up") }, PutMetricData: stored });

            const change = await unfenceRegion(coordinates, "secondary", options(cw));

            expect(published(cw)).to.deep.equal([
                [now.getTime(), 1],
                [minute + periodMs, 1],
            ]);
            expect(change.unconfirmed).to.equal("the fence metric could not be read: a fence published ahead of the next period would still win (check `status` in two minutes)");
        });

        it("a refused write is a FenceError naming the action, region, call and metric, with AWS's error name and text, the SDK's error as its cause", async () => {
            const cw = cloudWatch({ GetMetricData: periods(), PutMetricData: invalid("The value for parameter MetricData.member.1.Timestamp is invalid.") });

            const err = await rejection(fenceRegion(coordinates, "primary", options(cw)));

            expect(err).to.be.instanceOf(FenceError);
            expect(err.name).to.equal("FenceError");
            expect(err.message).to.equal(
                "fencing primary failed: PutMetricData SftpFailover/Fence/RegionEnabled in us-east-2: InvalidParameterValueException: The value for parameter MetricData.member.1.Timestamp is invalid.",
            );
            expect((err.cause as Error).name).to.equal("InvalidParameterValueException");
            expect(cw.destroyed()).to.equal(1);

            const unfence = cloudWatch({ GetMetricData: periods(), PutMetricData: { fail: new Error("socket hang up") } });
            const unfenceErr = await rejection(unfenceRegion(coordinates, "secondary", options(unfence)));
            expect(unfenceErr.message).to.equal("unfencing secondary failed: PutMetricData SftpFailover/Fence/RegionEnabled in us-east-2: Error: socket hang up");
        });

        it("an unknown region, or coordinates without its dimensions, is refused before any call", async () => {
            const cw = cloudWatch({});
            const unknown = await rejection(fenceRegion(coordinates, "tertiary" as RegionName, options(cw)));
            expect(unknown).to.be.instanceOf(FenceError);
            expect(unknown.message).to.equal('unknown region "tertiary" (valid: primary, secondary)');

            const primaryOnly = { ...coordinates, dimensions: { primary: coordinates.dimensions.primary } } as unknown as FenceCoordinates;
            const missing = await rejection(unfenceRegion(primaryOnly, "secondary", options(cw)));
            expect(missing).to.be.instanceOf(FenceError);
            expect(missing.message).to.equal("fence coordinates have no dimensions for secondary");
            expect(cw.calls).to.deep.equal([]);
        });
    });

    describe("readFence: what a reading decides", () => {
        const alarmsOn = (...alarms: readonly Readonly<Record<string, unknown>>[]): CloudWatchAnswer => ({ output: { MetricAlarms: alarms } });
        const alarm = (name: string, state: string, region: RegionName = "primary") => ({ AlarmName: name, StateValue: state, Dimensions: dimensionsOf(region) });

        it("reads 14 days back from the start of a minute to two hours ahead, newest first, with the Minimum of each minute, and the alarms on the metric", async () => {
            const cw = cloudWatch({ GetMetricData: periods(), DescribeAlarmsForMetric: alarmsOn() });

            await readFence(coordinates, "primary", options(cw));

            const get = cw.calls.find((c) => c.operation === "GetMetricData");
            const describe = cw.calls.find((c) => c.operation === "DescribeAlarmsForMetric");
            expect(cw.calls).to.have.length(2);
            expect(get?.input).to.deep.equal({
                MetricDataQueries: [
                    {
                        Id: "fence",
                        MetricStat: { Metric: { Namespace: "SftpFailover/Fence", MetricName: "RegionEnabled", Dimensions: dimensionsOf("primary") }, Period: 60, Stat: "Minimum" },
                        ReturnData: true,
                    },
                ],
                StartTime: epochSeconds(minute - 14 * 24 * 3600_000),
                EndTime: epochSeconds(now.getTime() + 2 * 3600_000),
                ScanBy: "TimestampDescending",
            });
            expect(describe?.input).to.deep.equal({ Namespace: "SftpFailover/Fence", MetricName: "RegionEnabled", Dimensions: dimensionsOf("primary") });
            for (const call of cw.calls) {
                expect(call.url).to.equal("https://monitoring.us-east-2.amazonaws.com/");
                expect(call.authorization).to.contain(`Credential=${credentials.accessKeyId}/`);
            }
            expect(cw.destroyed()).to.equal(1);
        });

        it("a lookback given starts the read at the minute holding now minus the lookback; the endpoint and signal given reach both calls", async () => {
            const signal = new AbortController().signal;
            const cw = cloudWatch({ GetMetricData: periods(), DescribeAlarmsForMetric: alarmsOn() });

            // now − 90 s is 64.5 s before this minute: the read starts two minutes back.
            await readFence(coordinates, "secondary", options(cw, { lookbackSeconds: 90, endpoint: "http://127.0.0.1:4566", signal }));

            const get = cw.calls.find((c) => c.operation === "GetMetricData");
            expect(get?.input.StartTime).to.equal(epochSeconds(minute - 2 * periodMs));
            expect(get?.input.MetricDataQueries[0].MetricStat.Metric.Dimensions).to.deep.equal(dimensionsOf("secondary"));
            expect(cw.calls.map((c) => c.url)).to.deep.equal(["http://127.0.0.1:4566/", "http://127.0.0.1:4566/"]);
            expect(cw.calls.map((c) => c.abortSignal)).to.deep.equal([signal, signal]);
        });

        it("the newest minute decides, in whichever order CloudWatch lists the minutes", async () => {
            const newestFirst = cloudWatch({ GetMetricData: periods([minute + periodMs, 1], [minute, 0], [minute - periodMs, 1]), DescribeAlarmsForMetric: alarmsOn() });
            const enabled = await readFence(coordinates, "primary", options(newestFirst));
            expect(enabled).to.deep.include({ requested: "enabled", lastValue: 1, lastTimestamp: new Date(minute + periodMs) });

            const oldestFirst = cloudWatch({ GetMetricData: periods([minute - periodMs, 1], [minute, 1], [minute + periodMs, 0]), DescribeAlarmsForMetric: alarmsOn() });
            const fenced = await readFence(coordinates, "primary", options(oldestFirst));
            expect(fenced).to.deep.include({ requested: "fenced", lastValue: 0, lastTimestamp: new Date(minute + periodMs) });

            const newestInTheMiddle = cloudWatch({ GetMetricData: periods([minute - periodMs, 1], [minute + periodMs, 0], [minute, 1]), DescribeAlarmsForMetric: alarmsOn() });
            expect(await readFence(coordinates, "primary", options(newestInTheMiddle))).to.deep.include({ requested: "fenced", lastTimestamp: new Date(minute + periodMs) });
        });

        it("a minute's Minimum below 1 asks for the fence, 1 for the region enabled", async () => {
            for (const [minimum, requested] of [
                [0, "fenced"],
                [0.5, "fenced"],
                [1, "enabled"],
            ] as const) {
                const cw = cloudWatch({ GetMetricData: periods([minute, minimum]), DescribeAlarmsForMetric: alarmsOn() });
                expect(await readFence(coordinates, "primary", options(cw)), String(minimum)).to.deep.include({ requested, lastValue: minimum });
            }
        });

        it("no datapoint within the lookback reads unset, with no last value or time", async () => {
            for (const answer of [periods(), { output: {} }, { output: { MetricDataResults: [] } }]) {
                const cw = cloudWatch({ GetMetricData: answer, DescribeAlarmsForMetric: alarmsOn() });
                const reading = await readFence(coordinates, "secondary", options(cw));
                expect(reading).to.deep.equal({ regionName: "secondary", requested: "unset", alarms: [], effective: "unknown" });
            }
        });

        it("a minute listed without a value reads enabled (as the fence's own read counts it), with no last value", async () => {
            const cw = cloudWatch({ GetMetricData: { output: { MetricDataResults: [{ Id: "fence", Timestamps: [new Date(minute)], StatusCode: "Complete" }] } }, DescribeAlarmsForMetric: alarmsOn() });

            const reading = await readFence(coordinates, "primary", options(cw));

            expect(reading).to.deep.include({ requested: "enabled", lastTimestamp: new Date(minute) });
            expect(reading.lastValue).to.equal(undefined);
        });

        it("an answer without alarms reads as no alarm, whatever the metric's dimensions", async () => {
            const bare = { ...coordinates, dimensions: { primary: {}, secondary: {} } };
            for (const coords of [coordinates, bare]) {
                const cw = cloudWatch({ GetMetricData: periods([minute, 1]), DescribeAlarmsForMetric: { output: {} } });

                const reading = await readFence(coords, "primary", options(cw));

                expect(reading).to.deep.include({ requested: "enabled", alarms: [], effective: "unknown" });
            }
        });

        it("coordinates whose metric has no dimensions: an alarm listed without dimensions is on it", async () => {
            const bare = { ...coordinates, dimensions: { primary: {}, secondary: {} } };
            const cw = cloudWatch({ GetMetricData: periods(), DescribeAlarmsForMetric: alarmsOn({ AlarmName: "bare", StateValue: "OK" }, alarm("scoped", "ALARM")) });

            const reading = await readFence(bare, "primary", options(cw));

            expect(cw.calls.find((c) => c.operation === "DescribeAlarmsForMetric")?.input).to.deep.equal({ Namespace: "SftpFailover/Fence", MetricName: "RegionEnabled", Dimensions: [] });
            expect(reading.alarms).to.deep.equal([{ name: "bare", state: "OK" }]);
            expect(reading.effective).to.equal("enabled");
        });

        it("keeps only the alarms on exactly this region's dimensions, in any order, and reads Route 53's view from them", async () => {
            const cw = cloudWatch({
                GetMetricData: periods([minute, 0]),
                DescribeAlarmsForMetric: alarmsOn(
                    { AlarmName: "sftp-primary-fence-alarm", StateValue: "ALARM", Dimensions: [...dimensionsOf("primary")].reverse() },
                    alarm("sftp-secondary-fence-alarm", "OK", "secondary"),
                    { AlarmName: "broader", StateValue: "OK", Dimensions: [...dimensionsOf("primary"), { Name: "Extra", Value: "x" }] },
                    { AlarmName: "service-only", StateValue: "OK", Dimensions: [dimensionsOf("primary")[0]] },
                    { AlarmName: "no-dimensions", StateValue: "OK" },
                ),
            });

            const reading = await readFence(coordinates, "primary", options(cw));

            expect(reading).to.deep.equal({
                regionName: "primary",
                requested: "fenced",
                lastValue: 0,
                lastTimestamp: new Date(minute),
                alarms: [{ name: "sftp-primary-fence-alarm", state: "ALARM" }],
                effective: "fenced",
            });
        });

        it("the alarms' states decide the effective fence: ALARM fences, all OK enables, INSUFFICIENT_DATA or no alarm is unknown", async () => {
            for (const [alarms, effective] of [
                [[alarm("a", "OK"), alarm("b", "ALARM")], "fenced"],
                [[alarm("a", "OK"), alarm("b", "OK")], "enabled"],
                [[alarm("a", "OK"), alarm("b", "INSUFFICIENT_DATA")], "unknown"],
                [[], "unknown"],
            ] as const) {
                const cw = cloudWatch({ GetMetricData: periods(), DescribeAlarmsForMetric: alarmsOn(...alarms) });
                const reading = await readFence(coordinates, "primary", options(cw));
                expect(reading.effective, JSON.stringify(alarms)).to.equal(effective);
                expect(reading.alarms).to.deep.equal(alarms.map((a) => ({ name: a.AlarmName, state: a.StateValue })));
            }
        });

        it("an alarm listed without a name or state reads as empty ones, and decides nothing", async () => {
            const cw = cloudWatch({ GetMetricData: periods(), DescribeAlarmsForMetric: alarmsOn({ Dimensions: dimensionsOf("primary") }) });

            const reading = await readFence(coordinates, "primary", options(cw));

            expect(reading.alarms).to.deep.equal([{ name: "", state: "" }]);
            expect(reading.effective).to.equal("unknown");
        });

        it("either call refused is a FenceError naming the region and metric, with AWS's error name and text, the SDK's error as its cause", async () => {
            const getRefused = cloudWatch({ GetMetricData: invalid("The parameter EndTime is invalid."), DescribeAlarmsForMetric: alarmsOn() });
            const err = await rejection(readFence(coordinates, "primary", options(getRefused)));
            expect(err).to.be.instanceOf(FenceError);
            expect(err.message).to.equal("reading the fence of primary failed: SftpFailover/Fence/RegionEnabled in us-east-2: InvalidParameterValueException: The parameter EndTime is invalid.");
            expect((err.cause as Error).name).to.equal("InvalidParameterValueException");
            expect(getRefused.destroyed()).to.equal(1);

            const describeRefused = cloudWatch({ GetMetricData: periods(), DescribeAlarmsForMetric: { error: { type: "ResourceNotFoundException", message: "no such namespace", status: 404 } } });
            const err2 = await rejection(readFence(coordinates, "secondary", options(describeRefused)));
            expect(err2.message).to.equal("reading the fence of secondary failed: SftpFailover/Fence/RegionEnabled in us-east-2: ResourceNotFound: no such namespace");
        });

        it("an unknown region, or coordinates without its dimensions, is refused before any call", async () => {
            const cw = cloudWatch({});
            const unknown = await rejection(readFence(coordinates, "both" as RegionName, options(cw)));
            expect(unknown.message).to.equal('unknown region "both" (valid: primary, secondary)');
            const secondaryOnly = { ...coordinates, dimensions: { secondary: coordinates.dimensions.secondary } } as unknown as FenceCoordinates;
            const missing = await rejection(observeFence(secondaryOnly, "primary", options(cw)));
            expect(missing.message).to.equal("fence coordinates have no dimensions for primary");
            expect(cw.calls).to.deep.equal([]);
        });
    });

    describe("fence and unfence in one minute, replayed on a metric store (the Minimum of each minute)", () => {
        for (const [label, sequence, expected] of [
            ["fence → unfence", ["fence", "unfence"], "enabled"],
            ["unfence → fence", ["unfence", "fence"], "fenced"],
            ["fence → unfence → fence", ["fence", "unfence", "fence"], "fenced"],
            ["unfence → fence → unfence", ["unfence", "fence", "unfence"], "enabled"],
        ] as const) {
            it(`${label} within one minute reads ${expected} at any second afterwards`, async () => {
                const cw = inProcessCloudWatch(metricStore());
                for (const [i, action] of sequence.entries()) {
                    const at = new Date(minute + (i + 1) * 10_000);
                    await (action === "fence" ? fenceRegion : unfenceRegion)(coordinates, "secondary", options(cw, { now: () => at }));
                }
                for (const readAt of [minute + 45_000, minute + 65_000, minute + 125_000]) {
                    const reading = await readFence(coordinates, "secondary", options(cw, { now: () => new Date(readAt) }));
                    expect(reading.requested, `read at +${(readAt - minute) / 1000} s`).to.equal(expected);
                }
                const primary = await readFence(coordinates, "primary", options(cw, { now: () => new Date(minute + 45_000) }));
                expect(primary.requested, "the other region's metric is untouched").to.equal("unset");
            });
        }
    });

    describe("observeFence: the fence as its store says it", () => {
        const read = (points: CloudWatchAnswer, ...states: string[]) =>
            cloudWatch({ GetMetricData: points, DescribeAlarmsForMetric: { output: { MetricAlarms: states.map((s, i) => ({ AlarmName: `alarm-${i}`, StateValue: s, Dimensions: dimensionsOf("primary") })) } } });

        it("the latest minute with data decides over the alarm's state", async () => {
            expect(await observeFence(coordinates, "primary", options(read(periods([minute, 0]), "OK")))).to.deep.equal({ state: "fenced", alarm: "present" });
            expect(await observeFence(coordinates, "primary", options(read(periods([minute, 1]), "ALARM")))).to.deep.equal({ state: "unfenced", alarm: "present" });
            expect(await observeFence(coordinates, "primary", options(read(periods([minute, 0]))))).to.deep.equal({ state: "fenced", alarm: "absent" });
        });

        it("with no datapoint in the lookback, an alarm in ALARM is fenced; OK, INSUFFICIENT_DATA or no alarm is unfenced", async () => {
            expect(await observeFence(coordinates, "primary", options(read(periods(), "ALARM")))).to.deep.equal({ state: "fenced", alarm: "present" });
            expect(await observeFence(coordinates, "primary", options(read(periods(), "OK")))).to.deep.equal({ state: "unfenced", alarm: "present" });
            expect(await observeFence(coordinates, "primary", options(read(periods(), "INSUFFICIENT_DATA")))).to.deep.equal({ state: "unfenced", alarm: "present" });
            expect(await observeFence(coordinates, "primary", options(read(periods())))).to.deep.equal({ state: "unfenced", alarm: "absent" });
        });

        it("a read that fails rejects with the FenceError", async () => {
            const err = await rejection(observeFence(coordinates, "primary", options(read(invalid("The parameter StartTime is invalid.")))));
            expect(err).to.be.instanceOf(FenceError);
            expect(err.message).to.match(/^reading the fence of primary failed: /);
        });
    });

    describe("without options: the SDK's defaults and the system clock", () => {
        // No handler, endpoint or credentials of the test's: the client finds them where the SDK
        // looks (here the environment), served on loopback; the datapoint's time is the system's.
        const variables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDWATCH", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"];
        const saved = new Map<string, string | undefined>();
        let loopback: LoopbackCloudWatch | undefined;

        async function serve(cw: InProcessCloudWatch): Promise<void> {
            loopback = await onLoopback(cw);
            for (const name of variables) {
                saved.set(name, process.env[name]);
                delete process.env[name];
            }
            Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIDFROMENVIRONMENT", AWS_SECRET_ACCESS_KEY: "not-a-secret", AWS_ENDPOINT_URL_CLOUDWATCH: loopback.endpoint });
        }

        afterEach(async () => {
            for (const [name, value] of saved) {
                if (value === undefined) {
                    delete process.env[name];
                } else {
                    process.env[name] = value;
                }
            }
            saved.clear();
            await loopback?.close();
            loopback = undefined;
        });

        it("a fence with no options is signed with the environment's credentials, sent to its endpoint, and stamped now", async () => {
            const cw = cloudWatch({ GetMetricData: periods(), PutMetricData: stored });
            await serve(cw);

            const before = Date.now();
            const change = await fenceRegion(coordinates, "primary");
            const after = Date.now();

            expect(change.timestamp.getTime()).to.be.within(before, after);
            expect(published(cw)).to.deep.equal([[change.timestamp.getTime(), 0]]);
            expect(cw.calls[0].input.StartTime).to.equal(epochSeconds(periodStartOf(change.timestamp.getTime())));
            expect(cw.calls.map((c) => c.url)).to.deep.equal([`${loopback?.endpoint}/`, `${loopback?.endpoint}/`]);
            for (const call of cw.calls) {
                expect(call.authorization).to.contain("Credential=AKIDFROMENVIRONMENT/");
            }
        });

        it("a read with no options looks 14 days back from now, and the observation follows it", async () => {
            const cw = cloudWatch({ GetMetricData: periods([minute, 0]), DescribeAlarmsForMetric: alarmsOf("ALARM") });
            await serve(cw);

            const before = Date.now();
            const observed = await observeFence(coordinates, "secondary");
            const after = Date.now();

            expect(observed).to.deep.equal({ state: "fenced", alarm: "present" });
            const get = cw.calls.find((c) => c.operation === "GetMetricData");
            const day = 24 * 3600_000;
            expect(get?.input.StartTime * 1000).to.be.within(periodStartOf(before - 14 * day), periodStartOf(after - 14 * day));
            expect(get?.input.EndTime * 1000).to.be.within(before + 2 * 3600_000, after + 2 * 3600_000);
            expect(cw.calls.every((c) => c.authorization.includes("Credential=AKIDFROMENVIRONMENT/"))).to.equal(true);
        });

        /** The secondary's alarm, in `state`. */
        function alarmsOf(state: string): CloudWatchAnswer {
            return { output: { MetricAlarms: [{ AlarmName: "sftp-secondary-fence-alarm", StateValue: state, Dimensions: dimensionsOf("secondary") }] } };
        }
    });
});
