import { expect } from "chai";
import { asPostureDriver, postureCheckOverridden, postureConflict, PostureRecord } from "../../stacks/posture-record";
import { refuseRevert } from "../../stacks/posture-guard";

const failover: PostureRecord = {
    posture: "failover",
    weights: { primary: 0, secondary: 100 },
    capacity: { primary: "drained", secondary: "active" },
    identity: "bob",
    host: "ops-laptop",
    at: "2026-11-30T12:00:00.000Z",
    runId: "20261130T120000-abc123",
    reason: "us-east-1 degraded",
};

describe("the posture record: a stack's config against the live posture", () => {
    it("a dns stack still configured active-passive during a failover is refused, naming both values, who recorded it and the command", () => {
        const message = postureConflict({ kind: "dns", posture: "active-passive", weights: { primary: 100, secondary: 0 } }, failover);
        expect(message).to.equal(
            'sftp-failover:posture is "active-passive" but the live posture is "failover" (recorded by bob on ops-laptop at 2026-11-30T12:00:00.000Z, run 20261130T120000-abc123, "us-east-1 degraded"): this update would revert it; switch with `sftp-failover posture <posture>` (the driver records it), or set the stack\'s config to the live value; SFTP_FAILOVER_POSTURE_OVERRIDE=1 overrides',
        );
    });

    it("a regional stack whose capacity mode disagrees with the live posture is refused, naming the region and both modes", () => {
        expect(postureConflict({ kind: "regional", region: "primary", capacityMode: "active" }, failover)).to.match(
            /^sftp-failover:capacityMode of primary is "active" but the live posture "failover" has it "drained" \(recorded by bob /,
        );
    });

    it("active-active with other weights than the live ones is refused", () => {
        const live: PostureRecord = { ...failover, posture: "active-active", weights: { primary: 50, secondary: 50 }, capacity: { primary: "active", secondary: "active" } };
        expect(postureConflict({ kind: "dns", posture: "active-active", weights: { primary: 70, secondary: 30 } }, live)).to.match(/^the weights configured are 70\/30 but the live weights are 50\/50 /);
    });

    it("config that agrees with the record passes", () => {
        expect(postureConflict({ kind: "dns", posture: "failover", weights: { primary: 0, secondary: 100 } }, failover)).to.equal(undefined);
        expect(postureConflict({ kind: "regional", region: "secondary", capacityMode: "active" }, failover)).to.equal(undefined);
    });

    it("the comparison is skipped only while the driver runs in this process, or with the explicit override", async () => {
        expect(postureCheckOverridden({})).to.equal(false);
        expect(await asPostureDriver(async () => postureCheckOverridden({}))).to.equal(true);
        expect(postureCheckOverridden({})).to.equal(false);
        expect(postureCheckOverridden({ SFTP_FAILOVER_POSTURE_OVERRIDE: "1" })).to.equal(true);
    });
});

describe("the posture guard with an injected record source", () => {
    const reading = (record: PostureRecord | undefined) => {
        const asked: (string | undefined)[] = [];
        return { asked, source: { read: async (projectDir?: string) => (asked.push(projectDir), record) } };
    };

    it("refuses a stale stack with the comparison's line, asking the source for the project's record", async () => {
        const { asked, source } = reading(failover);
        const refused = await refuseRevert({ kind: "regional", region: "primary", capacityMode: "active" }, source, "/proj").catch((e: Error) => e);
        expect((refused as Error).message).to.match(/^sftp-failover:capacityMode of primary is "active" but the live posture "failover"/);
        expect(asked).to.deep.equal(["/proj"]);
    });

    it("passes with no record, and with no source at all", async () => {
        await refuseRevert({ kind: "dns", posture: "active-passive", weights: { primary: 100, secondary: 0 } }, reading(undefined).source);
        await refuseRevert({ kind: "dns", posture: "active-passive", weights: { primary: 100, secondary: 0 } }, undefined);
    });

    it("a source that cannot read is an error, never a pass", async () => {
        const failing = { read: async () => Promise.reject(new Error("cannot read the live posture record in s3://x")) };
        const refused = await refuseRevert({ kind: "dns", posture: "failover", weights: { primary: 0, secondary: 100 } }, failing).catch((e: Error) => e);
        expect((refused as Error).message).to.equal("cannot read the live posture record in s3://x");
    });

    it("the driver's own runs do not read the record", async () => {
        const { asked, source } = reading(failover);
        await asPostureDriver(() => refuseRevert({ kind: "regional", region: "primary", capacityMode: "active" }, source));
        expect(asked).to.deep.equal([]);
    });
});
