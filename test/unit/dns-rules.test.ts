import { expect } from "chai";
import { effectiveState } from "../../automation/fence/cloudwatch-fence";
import { maxRecommendedTtl, modelledRtoSeconds, recordTypes, validateTtl } from "../../components/dns-failover";
import { fenceAlarmSettings } from "../../components/dns-fence";
import { checkFenceRegion, defaultFenceRegion, fenceCoordinates, regionEnabledValue, regionFencedValue } from "../../components/dns-fence-coordinates";
import { allowedRequestIntervals, validateHealthCheckTiming } from "../../components/dns-region-health";
import { describeRangeEdges } from "../support/range-edges";

// The DNS layer's decisions as pure functions: no mocks, no engine.

describe("DNS rules", () => {
    describe("validateTtl", () => {
        it("accepts 0..60 without an allowance and refuses every TTL above 60 unless allowed", () => {
            for (let ttl = 0; ttl <= 3600; ttl++) {
                if (ttl <= maxRecommendedTtl) {
                    expect(validateTtl(ttl, false)).to.equal(ttl);
                } else {
                    expect(() => validateTtl(ttl, false), String(ttl)).to.throw(`ttl ${ttl} is above 60 s on health-checked records`);
                    expect(validateTtl(ttl, true)).to.equal(ttl);
                }
            }
        });

        it("refuses negative and fractional TTLs even when long TTLs are allowed", () => {
            for (const ttl of [-1, 0.5, 59.9, NaN]) {
                expect(() => validateTtl(ttl, true), String(ttl)).to.throw(`ttl must be a non-negative integer of seconds (got ${String(ttl)})`);
            }
        });
    });

    describe("validateHealthCheckTiming", () => {
        it("accepts exactly intervals 10 and 30 with thresholds 1–10", () => {
            for (let interval = 0; interval <= 60; interval++) {
                for (let threshold = 0; threshold <= 11; threshold++) {
                    const ok = allowedRequestIntervals.includes(interval) && threshold >= 1 && threshold <= 10;
                    const call = () => validateHealthCheckTiming({ requestInterval: interval, failureThreshold: threshold });
                    if (ok) {
                        expect(call()).to.deep.equal({ requestInterval: interval, failureThreshold: threshold });
                    } else {
                        expect(call, `${interval}/${threshold}`).to.throw(/^(requestInterval|failureThreshold) must be/);
                    }
                }
            }
        });
    });

    describe("modelledRtoSeconds", () => {
        it("is interval × threshold + TTL", () => {
            expect(modelledRtoSeconds({ requestInterval: 10, failureThreshold: 3 }, 60)).to.equal(90);
            expect(modelledRtoSeconds({ requestInterval: 30, failureThreshold: 10 }, 0)).to.equal(300);
            expect(modelledRtoSeconds({ requestInterval: 10, failureThreshold: 1 }, 120)).to.equal(130);
        });
        it("alias records are cached for the alias target's 60 s, so a lower TTL does not lower the modelled RTO", () => {
            expect(modelledRtoSeconds({ requestInterval: 10, failureThreshold: 3 }, 0, "alias")).to.equal(90);
            expect(modelledRtoSeconds({ requestInterval: 10, failureThreshold: 3 }, 0, "cname")).to.equal(30);
            expect(modelledRtoSeconds({ requestInterval: 10, failureThreshold: 3 }, 120, "alias")).to.equal(150);
        });
    });

    describe("recordTypes", () => {
        it("gives alias A (+ AAAA when dual-stack) when both endpoints have a zone id, one CNAME when neither has", () => {
            const alias = { primary: { zoneId: "Z1" }, secondary: { zoneId: "Z2" } };
            expect(recordTypes(alias, false)).to.deep.equal({ kind: "alias", types: ["A"] });
            expect(recordTypes(alias, true)).to.deep.equal({ kind: "alias", types: ["A", "AAAA"] });
            expect(recordTypes({ primary: {}, secondary: {} }, false)).to.deep.equal({ kind: "cname", types: ["CNAME"] });
        });

        it("refuses a mix, which Route 53 cannot hold under one name", () => {
            expect(() => recordTypes({ primary: { zoneId: "Z1" }, secondary: {} }, false)).to.throw(/both regions need a zoneId/);
            expect(() => recordTypes({ primary: {}, secondary: { zoneId: "Z2" } }, true)).to.throw(/both regions need a zoneId/);
        });
    });

    describe("fence coordinates", () => {
        it("put both regions under one metric, told apart by the RegionName dimension", () => {
            const c = fenceCoordinates({ service: "sftp.example.com" });
            expect(c).to.deep.equal({
                region: defaultFenceRegion,
                namespace: "SftpFailover/Fence",
                metricName: "RegionEnabled",
                dimensions: {
                    primary: { Service: "sftp.example.com", RegionName: "primary" },
                    secondary: { Service: "sftp.example.com", RegionName: "secondary" },
                },
            });
        });

        it("take region, namespace and metric name from the arguments, and refuse an empty service", () => {
            const c = fenceCoordinates({ service: "s", region: "eu-west-1", namespace: "Ours", metricName: "Up" });
            expect(c).to.include({ region: "eu-west-1", namespace: "Ours", metricName: "Up" });
            expect(() => fenceCoordinates({ service: " " })).to.throw(/fence service must not be empty/);
        });

        it("refuse a fence region that serves traffic, and accept any other", () => {
            const serving = { primary: "us-east-1", secondary: "us-west-2" };
            expect(() => checkFenceRegion("us-east-1", serving)).to.throw('fenceRegion "us-east-1" is also the primary region');
            expect(() => checkFenceRegion("us-west-2", serving, "sftp-failover:fenceRegion")).to.throw('sftp-failover:fenceRegion "us-west-2" is also the secondary region');
            expect(checkFenceRegion(defaultFenceRegion, serving)).to.equal("us-east-2");
            expect(checkFenceRegion("us-east-1", {})).to.equal("us-east-1");
        });

        // CloudWatch's limits on the fence metric: each text 1–255 characters.
        describeRangeEdges([
            { name: "fence namespace (length)", min: 1, max: 255, check: (v) => fenceCoordinates({ service: "s", namespace: "n".repeat(v) }), refusal: /^fence\.namespace must be 1–255/, integer: false },
            { name: "fence metric name (length)", min: 1, max: 255, check: (v) => fenceCoordinates({ service: "s", metricName: "m".repeat(v) }), refusal: /^fence\.metricName must be 1–255/, integer: false },
            { name: "fence service (length)", min: 1, max: 255, check: (v) => fenceCoordinates({ service: "s".repeat(v) }), refusal: /^fence(\.service is 256 characters| service must not be empty)/, integer: false },
        ]);
    });

    describe("fence alarm", () => {
        it("alarms on one datapoint below 'enabled' and keeps its state while no data arrives", () => {
            const s = fenceAlarmSettings();
            expect(s).to.include({ treatMissingData: "ignore", insufficientDataHealthStatus: "LastKnownStatus", comparisonOperator: "LessThanThreshold", statistic: "Minimum" });
            // The published values sit on the right sides of the threshold.
            expect(regionFencedValue < s.threshold).to.equal(true);
            expect(regionEnabledValue < s.threshold).to.equal(false);
            expect(s.evaluationPeriods).to.equal(1);
            expect(s.datapointsToAlarm).to.equal(1);
            // Route 53 reads only standard-resolution alarms.
            expect(s.period % 60).to.equal(0);
        });

        it("is read as Route 53 reads it: any ALARM fences, all OK enables, anything else is unknown", () => {
            expect(effectiveState(["ALARM"])).to.equal("fenced");
            expect(effectiveState(["OK", "ALARM"])).to.equal("fenced");
            expect(effectiveState(["OK"])).to.equal("enabled");
            expect(effectiveState(["INSUFFICIENT_DATA"])).to.equal("unknown");
            expect(effectiveState(["OK", "INSUFFICIENT_DATA"])).to.equal("unknown");
            expect(effectiveState([])).to.equal("unknown");
        });
    });
});
