import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import { fenceRegion, observeFence, readFence, unfenceRegion } from "../../automation/fence/cloudwatch-fence";
import { fencePeriodMs, periodStartOf } from "../../automation/fence/last-word";
import { RegionName } from "../../foundation/posture";
import { alarmStateAt } from "../../sandbox/fence-alarm";
import { fenceCoordinates, FenceCoordinates } from "../../components/dns-fence-coordinates";
import { fenceAlarmSettings } from "../../components/dns-fence";
import { putFenceAlarms } from "../support/fence-alarms";
import { motoCredentials, MotoServer, startMoto } from "../support/moto";

describe("fence: one PutMetricData against a real CloudWatch API (moto server)", () => {
    let moto: MotoServer;
    // The coordinates the DNS stack exports for recordName sftp.example.com and the default fence region
    // (test/unit/dns-stack.test.ts checks that the stack exports exactly this function's result).
    const coordinates: FenceCoordinates = fenceCoordinates({ service: "sftp.example.com" });
    const client = (region: string) => new CloudWatchClient({ endpoint: moto.endpoint, region, credentials: motoCredentials });
    const opts = () => ({ endpoint: moto.endpoint, credentials: motoCredentials });

    before(async () => {
        moto = await startMoto();
    });

    after(async () => {
        await moto?.stop();
    });

    beforeEach(async () => {
        await moto.reset();
    });

    it("fencing the primary puts 0 on its metric, in the fence region, with the exported dimensions", async () => {
        const change = await fenceRegion(coordinates, "primary", opts());

        expect(change).to.include({ regionName: "primary", fenced: true, value: 0, awsRegion: "us-east-2" });
        const listed = await client("us-east-2").send(new ListMetricsCommand({ Namespace: coordinates.namespace, MetricName: coordinates.metricName }));
        expect(listed.Metrics ?? []).to.have.length(1);
        const dims = Object.fromEntries((listed.Metrics?.[0].Dimensions ?? []).map((d) => [d.Name, d.Value]));
        expect(dims).to.deep.equal({ Service: "sftp.example.com", RegionName: "primary" });
        expect(dims).to.deep.equal(coordinates.dimensions.primary);
        // CloudWatch is regional: the same metric is absent from a serving region.
        const elsewhere = await client("us-east-1").send(new ListMetricsCommand({ Namespace: coordinates.namespace }));
        expect(elsewhere.Metrics ?? []).to.deep.equal([]);
    });

    it("reads the fence back: fenced after fencing, enabled after a later unfence, the other region unset", async () => {
        const threeMinutesAgo = new Date(Date.now() - 180_000);
        await fenceRegion(coordinates, "primary", { ...opts(), now: () => threeMinutesAgo });
        const fenced = await readFence(coordinates, "primary", opts());
        expect(fenced).to.include({ regionName: "primary", requested: "fenced", lastValue: 0 });

        await unfenceRegion(coordinates, "primary", opts());
        const enabled = await readFence(coordinates, "primary", opts());
        expect(enabled).to.include({ requested: "enabled", lastValue: 1 });
        expect(enabled.lastTimestamp?.getTime()).to.be.greaterThan(threeMinutesAgo.getTime());

        const secondary = await readFence(coordinates, "secondary", opts());
        expect(secondary).to.include({ requested: "unset", effective: "unknown" });
        expect(secondary.lastValue).to.equal(undefined);

        // The fence as its store says it: the latest period with data; no alarm watches it in moto here.
        expect(await observeFence(coordinates, "primary", opts())).to.deep.equal({ state: "unfenced", alarm: "absent" });
        expect(await observeFence(coordinates, "secondary", opts())).to.deep.equal({ state: "unfenced", alarm: "absent" });
    });

    /** The minimum of each period moto holds for a region's fence metric, from `from` to two hours after. */
    async function periodMinima(region: RegionName, from: number): Promise<{ at: number; value: number }[]> {
        const out = await client(coordinates.region).send(
            new GetMetricDataCommand({
                MetricDataQueries: [
                    {
                        Id: "f",
                        MetricStat: { Metric: { Namespace: coordinates.namespace, MetricName: coordinates.metricName, Dimensions: Object.entries(coordinates.dimensions[region]).map(([Name, Value]) => ({ Name, Value })) }, Period: 60, Stat: "Minimum" },
                    },
                ],
                StartTime: new Date(from),
                EndTime: new Date(from + 2 * 3600_000),
                ScanBy: "TimestampAscending",
            }),
        );
        const r = out.MetricDataResults?.[0];
        return (r?.Timestamps ?? []).map((t, i) => ({ at: t.getTime(), value: r?.Values?.[i] ?? Number.NaN }));
    }

    // Within one alarm period the last word must win. moto stores every datapoint and aggregates
    // them per period in GetMetricData, but it does not evaluate alarms: the alarm's verdict is
    // computed here from moto's per-period minima by the sandbox's alarm model (one datapoint per
    // period at its minimum is the same input for a Minimum alarm).
    for (const [label, sequence, expected] of [
        ["fence → unfence → fence", ["fence", "unfence", "fence"], "ALARM"],
        ["unfence → fence → unfence", ["unfence", "fence", "unfence"], "OK"],
        ["fence → unfence", ["fence", "unfence"], "OK"],
    ] as const) {
        it(`${label} within one minute leaves the alarm ${expected} once the periods close (datapoints in moto)`, async () => {
            const start = periodStartOf(Date.now()) - 10 * fencePeriodMs;
            for (const [i, action] of sequence.entries()) {
                const at = new Date(start + (i + 1) * 10_000);
                await (action === "fence" ? fenceRegion : unfenceRegion)(coordinates, "secondary", { ...opts(), now: () => at });
            }
            const minima = await periodMinima("secondary", start);
            expect(minima.length, JSON.stringify(minima)).to.be.greaterThan(0);
            const settled = alarmStateAt(minima, fenceAlarmSettings(), minima[minima.length - 1].at + fencePeriodMs);
            expect(settled, JSON.stringify(minima)).to.equal(expected);
            const last = new Date(start + (sequence.length + 1) * 10_000);
            expect((await observeFence(coordinates, "secondary", { ...opts(), now: () => last })).state).to.equal(expected === "ALARM" ? "fenced" : "unfenced");
        });
    }

    it("a fence then an unfence within one minute reads unfenced at any second it is read afterwards (periods counted from the minute, as CloudWatch rounds)", async () => {
        const start = periodStartOf(Date.now()) - 10 * fencePeriodMs;
        await fenceRegion(coordinates, "secondary", { ...opts(), now: () => new Date(start + 26_000) });
        await unfenceRegion(coordinates, "secondary", { ...opts(), now: () => new Date(start + 36_000) });
        // Read in the same minute after the unfence, and at several seconds of the next minutes: a
        // window counted from the read's own second would put the fence's 0 and the unfence's 1
        // stamped at the next minute into one period (read at +1:05, it did: fenced).
        for (const at of [start + 40_000, start + 65_000, start + 86_000, start + 119_000, start + 185_000]) {
            const read = await observeFence(coordinates, "secondary", { ...opts(), now: () => new Date(at) });
            expect(read.state, `read at +${(at - start) / 1000} s`).to.equal("unfenced");
        }
    });

    it("reports the alarm the DNS stack puts on the metric, and its state as Route 53 would read it", async () => {
        const cw = client("us-east-2");
        await putFenceAlarms(moto.endpoint, coordinates, ["primary"]);
        await fenceRegion(coordinates, "primary", opts());
        // moto stores alarms but does not evaluate them; set the state CloudWatch would reach.
        await cw.send(new SetAlarmStateCommand({ AlarmName: "sftp-primary-fence-alarm", StateValue: "ALARM", StateReason: "RegionEnabled < 1" }));

        const state = await readFence(coordinates, "primary", opts());

        expect(state.alarms).to.deep.equal([{ name: "sftp-primary-fence-alarm", state: "ALARM" }]);
        expect(state).to.include({ requested: "fenced", effective: "fenced" });
        const secondary = await readFence(coordinates, "secondary", opts());
        expect(secondary.alarms).to.deep.equal([]);
    });

    it("fails with a FenceError naming the region and metric when CloudWatch cannot be reached", async () => {
        const dead = { endpoint: "http://127.0.0.1:9", credentials: motoCredentials };

        const err = await fenceRegion(coordinates, "secondary", dead).then(
            () => undefined,
            (e: unknown) => e,
        );

        expect(err).to.be.instanceOf(Error);
        expect((err as Error).name).to.equal("FenceError");
        expect((err as Error).message).to.match(/^fencing secondary failed: PutMetricData SftpFailover\/Fence\/RegionEnabled in us-east-2: /);
    });
});
