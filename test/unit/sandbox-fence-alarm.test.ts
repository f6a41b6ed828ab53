import { expect } from "chai";
import { fenceAlarmSettings } from "../../components/dns-fence-coordinates";
import { alarmStateAt, AlarmDefinition, metricKey, periodValues, settledAlarmState } from "../../sandbox/fence-alarm";

// The sandbox's CloudWatch alarm, evaluated per period as CloudWatch does: the fence alarm is
// Minimum over 60 s, 1 of 1, LessThanThreshold 1, missing data ignored.

const alarm: AlarmDefinition = fenceAlarmSettings();
const minute = (n: number, s = 0) => 1_000_000 * 60_000 + n * 60_000 + s * 1000;

describe("sandbox alarm model (pure)", () => {
    it("has insufficient data before any datapoint, and before the first period closes", () => {
        expect(alarmStateAt([], alarm, minute(5))).to.equal("INSUFFICIENT_DATA");
        expect(alarmStateAt([{ at: minute(0, 10), value: 0 }], alarm, minute(0, 59))).to.equal("INSUFFICIENT_DATA");
        expect(alarmStateAt([{ at: minute(0, 10), value: 0 }], alarm, minute(1))).to.equal("ALARM");
    });

    it("fence → unfence → fence in one minute: the minute's minimum is 0, so ALARM", () => {
        const points = [
            { at: minute(0, 10), value: 0 },
            { at: minute(0, 20), value: 1 },
            { at: minute(0, 30), value: 0 },
        ];
        expect(alarmStateAt(points, alarm, minute(1))).to.equal("ALARM");
    });

    it("unfence → fence → unfence in one minute with a single 1 each: still ALARM (why an unfence stamps the next period)", () => {
        const points = [
            { at: minute(0, 10), value: 1 },
            { at: minute(0, 20), value: 0 },
            { at: minute(0, 30), value: 1 },
        ];
        expect(alarmStateAt(points, alarm, minute(1))).to.equal("ALARM");
        // With the unfence's 1 stamped in the next minute, that minute decides once it closes.
        const lastWord = [...points, { at: minute(1), value: 1 }];
        expect(alarmStateAt(lastWord, alarm, minute(1, 30))).to.equal("ALARM");
        expect(alarmStateAt(lastWord, alarm, minute(2))).to.equal("OK");
        expect(settledAlarmState(lastWord, alarm)).to.equal("OK");
    });

    it("a datapoint exactly on a period boundary belongs to the period it opens", () => {
        expect(periodValues([{ at: minute(1), value: 0 }], alarm)).to.deep.equal([{ start: minute(1), value: 0 }]);
        const points = [
            { at: minute(0, 30), value: 1 },
            { at: minute(1), value: 0 },
        ];
        expect(alarmStateAt(points, alarm, minute(1, 59))).to.equal("OK");
        expect(alarmStateAt(points, alarm, minute(2))).to.equal("ALARM");
    });

    it("missing data is ignored: the state holds through periods without datapoints, for as long as it takes", () => {
        const fenced = [{ at: minute(0, 5), value: 0 }];
        expect(alarmStateAt(fenced, alarm, minute(600))).to.equal("ALARM");
        const lifted = [...fenced, { at: minute(3, 5), value: 1 }];
        expect(alarmStateAt(lifted, alarm, minute(2))).to.equal("ALARM");
        expect(alarmStateAt(lifted, alarm, minute(600))).to.equal("OK");
    });

    it("other missing-data rules: breaching alarms, notBreaching lifts, missing goes to insufficient data", () => {
        const one = [{ at: minute(0, 5), value: 1 }];
        expect(alarmStateAt(one, { ...alarm, treatMissingData: "breaching" }, minute(5))).to.equal("ALARM");
        expect(alarmStateAt([{ at: minute(0, 5), value: 0 }], { ...alarm, treatMissingData: "notBreaching" }, minute(5))).to.equal("OK");
        expect(alarmStateAt(one, { ...alarm, treatMissingData: "missing" }, minute(5))).to.equal("INSUFFICIENT_DATA");
    });

    it("keys a metric by its dimensions in canonical order (CloudWatch treats them as a set)", () => {
        expect(metricKey("us-east-2", "N", "M", { Service: "s", RegionName: "primary" })).to.equal(metricKey("us-east-2", "N", "M", { RegionName: "primary", Service: "s" }));
        expect(metricKey("us-east-2", "N", "M", { RegionName: "primary" })).to.not.equal(metricKey("us-east-2", "N", "M", { RegionName: "secondary" }));
    });
});
