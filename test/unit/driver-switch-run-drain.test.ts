import { expect } from "chai";
import { RegionName } from "../../foundation/posture";
import { DrainOutcome, planDrains, resolveDrainOptions, rtoSplit, unplannedReason } from "../../automation/driver/drain";
import { SwitchStoppedError } from "../../automation/driver/errors";
import { pendingSteps, planSteps, planTransition } from "../../automation/driver/planner";
import { SwitchRun } from "../../automation/driver/switch-run";
import { standInPort } from "../support/switch-run-harness";

// The drain in a planned switch: before the region losing traffic is scaled down, the run waits
// for its open sessions (the wait itself is tested in driver-drain.test.ts); a timeout reports the
// sessions and scales down, or stops before the scale-down when told to; an unplanned switch skips it.

const steps = planTransition("active-passive", "failover");
const timedOut: DrainOutcome = { region: "primary", outcome: "timed-out", openSessions: 2, waitedSeconds: 300, detail: "2 session(s) still open in primary after 300 s" };
const drained: DrainOutcome = { region: "primary", outcome: "drained", openSessions: 0, waitedSeconds: 12, detail: "no open session in primary" };

function switchRun(outcome: DrainOutcome, drain: { onTimeout: "scale-down" | "stop"; unplanned: boolean }) {
    const { port, calls, journal, audit } = standInPort();
    const asked: RegionName[] = [];
    const before = { config: { "sftp-failover:capacityMode": { value: "active" }, "sftp-failover:posture": { value: "active-passive" } }, targets: "all" as const };
    const run = new SwitchRun(
        {
            ...port,
            readBefore: { primary: before, secondary: before, dns: before },
            drain: async (region) => {
                asked.push(region);
                calls.push(`drain ${region}`);
                return outcome;
            },
        },
        {
            runId: "r1", operation: "failover", target: "failover", steps, from: "active-passive", reason: "drill",
            currentWeights: { primary: 100, secondary: 0 }, targetWeights: { primary: 0, secondary: 100 }, verifyRegions: [],
            drain, started: Date.now(), identity: "alice", host: "laptop-a",
        },
        {},
    );
    return { run, calls, journal, audit, asked };
}

describe("the drain before a scale-down in a switch run", () => {
    it("waits for the losing region's sessions after DNS moved and before its scale-down", async () => {
        const { run, calls, journal, audit } = switchRun(drained, { onTimeout: "scale-down", unplanned: false });
        const result = await run.execute();
        expect(calls).to.deep.equal(["secondary: setAllConfig sftp-failover:capacityMode", "secondary: up", "dns: setAllConfig sftp-failover:posture", "dns: up", "drain primary", "primary: setAllConfig sftp-failover:capacityMode", "primary: up"]);
        expect(result.drains).to.deep.equal([drained]);
        expect(journal.find((r) => r.type === "drain")).to.deep.include({ stepId: "after-dns:primary", drain: drained });
        expect(audit[0].drain).to.deep.equal(["drain primary: drained (no open session in primary)"]);
    });

    it("a drain that times out reports the open sessions and still scales down (default)", async () => {
        const { run, calls, audit } = switchRun(timedOut, { onTimeout: "scale-down", unplanned: false });
        const result = await run.execute();
        expect(result.status).to.equal("ok");
        expect(calls.slice(-2)).to.deep.equal(["primary: setAllConfig sftp-failover:capacityMode", "primary: up"]);
        expect(result.drains?.[0]).to.deep.include({ outcome: "timed-out", openSessions: 2 });
        expect(audit[0].drain?.[0]).to.contain("2 session(s) still open in primary after 300 s");
    });

    it("a drain that times out with action stop stops before the scale-down: nothing scaled down, journalled failed, resumable", async () => {
        const { run, calls, journal, audit } = switchRun(timedOut, { onTimeout: "stop", unplanned: false });
        const err = await run.execute().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(SwitchStoppedError);
        expect((err as Error).message).to.contain("2 session(s) still open in primary after 300 s); stopped before the scale-down");
        expect(calls.some((c) => c.startsWith("primary:")), "primary not touched").to.equal(false);
        expect(journal.filter((r) => r.type === "step" && r.stepId === "after-dns:primary").map((r) => r.type === "step" && r.status)).to.deep.equal(["failed"]);
        expect(journal.at(-1)).to.deep.include({ type: "end", result: "failed" });
        expect(audit[0]).to.deep.include({ result: "failed" });
        // The same switch again, from where it stopped (DNS moved, primary still active): the scale-down alone, drain first.
        const again = pendingSteps(planSteps({ capacity: { primary: "active", secondary: "active" }, dns: { posture: "failover", weights: { primary: 0, secondary: 100 } } }, "failover"));
        expect(again.map((s) => [s.id, s.drainFirst])).to.deep.equal([["after-dns:primary", true]]);
    });

    it("an unplanned switch skips the drain and says so", async () => {
        const { run, asked, calls } = switchRun(timedOut, { onTimeout: "stop", unplanned: true });
        const result = await run.execute();
        expect(asked).to.deep.equal([]);
        expect(calls.slice(-1)).to.deep.equal(["primary: up"]);
        expect(result.drains?.[0]).to.deep.include({ region: "primary", outcome: "skipped", detail: `drain skipped: ${unplannedReason}` });
    });
});

describe("the drain in a plan", () => {
    it("shows a drain before the scale-down only, with the RTO split into DNS and drain", () => {
        const drains = planDrains(steps, resolveDrainOptions({}));
        expect(drains).to.deep.equal([{ stepId: "after-dns:primary", region: "primary", timeoutSeconds: 300, action: "scale-down" }]);
        expect(rtoSplit(drains, 70)).to.deep.equal({ newConnectionsSeconds: 70, existingSessionsSeconds: 300 });
        expect(steps.filter((s) => s.drainFirst === true).map((s) => s.id)).to.deep.equal(["after-dns:primary"]);
    });

    it("an unplanned switch plans the drain as skipped and its sessions part as 0", () => {
        const drains = planDrains(steps, resolveDrainOptions({ unplanned: true, drainTimeoutSeconds: 120 }));
        expect(drains[0]).to.deep.include({ region: "primary", skipped: unplannedReason });
        expect(rtoSplit(drains, 70)).to.deep.equal({ newConnectionsSeconds: 70, existingSessionsSeconds: 0 });
    });

    it("a switch that scales nothing down plans no drain", () => {
        expect(planDrains(planTransition("active-passive", "active-active"), resolveDrainOptions({}))).to.deep.equal([]);
    });

    it("refuses a drain timeout outside 0–3600 or an unknown action, naming the option", () => {
        expect(() => resolveDrainOptions({ drainTimeoutSeconds: 3601 })).to.throw("drainTimeoutSeconds must be whole seconds 0–3600 (got 3601)");
        expect(() => resolveDrainOptions({ drainTimeoutSeconds: -1 })).to.throw("drainTimeoutSeconds must be whole seconds 0–3600 (got -1)");
        expect(() => resolveDrainOptions({ drainTimeoutAction: "wait" as never })).to.throw('drainTimeoutAction must be one of scale-down, stop (got "wait")');
    });
});
