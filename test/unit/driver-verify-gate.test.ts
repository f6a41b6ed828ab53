import { expect } from "chai";
import { FenceReading, HealthReading, predictAnswerChange } from "../../automation/answer-safety";
import { switchAnswerInputs } from "../../automation/driver/switch-answer";
import { VerifyResult } from "../../automation/driver/verify";
import { describeVerification, regionsToVerify, runVerifyGate } from "../../automation/driver/verify-gate";
import { CapacityMode, Posture, postureSpec, RegionName, Weights } from "../../foundation/posture";

// The gate before DNS moves: which regions must pass verification, and what each outcome means.

const w = (primary: number, secondary: number): Weights => ({ primary, secondary });
const healthy = { primary: "healthy", secondary: "healthy" } as const;
const unfenced = { primary: "unfenced", secondary: "unfenced" } as const;

/** The regions the gate verifies for a switch from `now` to `target`, with the world as given. */
function verified(
    now: Weights,
    target: Posture,
    opts: {
        split?: Weights;
        endpoint?: Record<RegionName, HealthReading>;
        fence?: Record<RegionName, FenceReading>;
        capacityNow?: Partial<Record<RegionName, CapacityMode>>;
    } = {},
): RegionName[] {
    const next = postureSpec(target, opts.split).weights;
    const inputs = switchAnswerInputs({
        world: { endpoint: opts.endpoint ?? healthy, fence: opts.fence ?? unfenced },
        weightsNow: now,
        weightsAfter: next,
        capacityNow: opts.capacityNow ?? { primary: "active", secondary: "active" },
        capacityAfter: postureSpec(target, opts.split).capacity,
        skipVerify: false,
    });
    return regionsToVerify({ next, current: now, prediction: predictAnswerChange(inputs.before, inputs.after) });
}

const ok = (region: RegionName): VerifyResult => ({ region, ok: true, endpoint: "127.0.0.1:22", hostKeyFingerprint: "SHA256:x" });
const failed = (region: RegionName): VerifyResult => ({ region, ok: false, stage: "authenticate", message: `${region} (127.0.0.1:22) failed at authenticate: denied` });
const noCanary = (region: RegionName): VerifyResult => ({ region, ok: false, unverifiable: true, message: `${region} has no canary to verify with` });

describe("verify gate before DNS (pure)", () => {
    describe("which regions are verified: every region whose share of answers grows", () => {
        it("verifies the secondary before a failover sends it traffic, and never the drained primary", () => {
            expect(verified(w(100, 0), "failover", { capacityNow: { primary: "active", secondary: "pilot-light" } })).to.deep.equal(["secondary"]);
        });

        it("255/1 → failover verifies the secondary: its share goes from 0.4 % to 100 %, though its weight was never 0", () => {
            expect(verified(w(255, 1), "failover")).to.deep.equal(["secondary"]);
        });

        it("verifies the primary before failback, and the secondary before active-active", () => {
            expect(verified(w(0, 100), "active-passive", { capacityNow: { primary: "drained", secondary: "active" } })).to.deep.equal(["primary"]);
            expect(verified(w(100, 0), "active-active")).to.deep.equal(["secondary"]);
        });

        it("active-active 50/50 back to active-passive verifies the primary: its share goes from 50 % to 100 %", () => {
            expect(verified(w(50, 50), "active-passive")).to.deep.equal(["primary"]);
        });

        it("a split where the secondary is heavier (30/70): each way out verifies exactly the region that gains", () => {
            expect(verified(w(30, 70), "failover"), "failover").to.deep.equal(["secondary"]);
            expect(verified(w(30, 70), "active-passive"), "active-passive").to.deep.equal(["primary"]);
            expect(verified(w(30, 70), "active-active", { split: w(70, 30) }), "70/30").to.deep.equal(["primary"]);
            expect(verified(w(30, 70), "active-active", { split: w(10, 90) }), "10/90").to.deep.equal(["secondary"]);
            expect(verified(w(30, 70), "active-active", { split: w(3, 7) }), "3/7: the same shares").to.deep.equal([]);
            expect(verified(w(30, 70), "active-active", { split: w(0, 255) }), "0/255").to.deep.equal(["secondary"]);
        });

        it("a split where the secondary is heavier and the primary is fenced: active-passive still verifies the primary, which takes every answer once unfenced", () => {
            expect(verified(w(1, 255), "active-passive", { fence: { primary: "fenced", secondary: "unfenced" } })).to.deep.equal(["primary"]);
        });

        it("a weight-0 partner that health makes the answer is verified: failover → active-active 0/255 with the secondary's health unknown", () => {
            // If the secondary's endpoint is down, the drained primary answers nobody now (fail open
            // to the secondary) but, scaled up and healthy, takes every answer after.
            const regions = verified(w(0, 100), "active-active", {
                split: w(0, 255),
                endpoint: { primary: "unhealthy", secondary: "unknown" },
                capacityNow: { primary: "drained", secondary: "active" },
            });
            expect(regions).to.deep.equal(["primary"]);
        });

        it("verifies nothing when the answer does not move (70/30 → 70/30 written as 140/60)", () => {
            expect(verified(w(70, 30), "active-active", { split: w(140, 60) })).to.deep.equal([]);
        });

        it("verifies every region the new weights serve when the deployed weights are unknown", () => {
            expect(regionsToVerify({ next: w(70, 30), current: undefined })).to.deep.equal(["primary", "secondary"]);
            expect(regionsToVerify({ next: w(0, 100), current: undefined })).to.deep.equal(["secondary"]);
        });
    });

    it("fails when any region that gains traffic fails, naming it and the phase", async () => {
        const summary = await runVerifyGate({ regions: ["primary", "secondary"], skip: false, verify: async (r) => (r === "primary" ? ok(r) : failed(r)) });
        expect(summary.outcome).to.equal("failed");
        expect(describeVerification(summary)).to.equal("verification failed: secondary (127.0.0.1:22) failed at authenticate: denied");
    });

    it("passes as unverified, saying why, when a region has no canary", async () => {
        const summary = await runVerifyGate({ regions: ["secondary"], skip: false, verify: async (r) => noCanary(r) });
        expect(summary.outcome).to.equal("unverified");
        expect(describeVerification(summary)).to.equal("not verified (secondary has no canary to verify with)");
    });

    it("probes nothing when skipped, and says the operator skipped it", async () => {
        let probed = 0;
        const summary = await runVerifyGate({ regions: ["secondary"], skip: true, verify: async (r) => (probed++, ok(r)) });
        expect(probed).to.equal(0);
        expect(describeVerification(summary)).to.equal("verification skipped by the operator (--skip-verify)");
    });

    it("is verified only when every region passed", async () => {
        const summary = await runVerifyGate({ regions: ["secondary"], skip: false, verify: async (r) => ok(r) });
        expect(summary).to.deep.equal({ outcome: "verified", results: [ok("secondary")] });
        expect(describeVerification(summary)).to.equal("verified secondary before DNS moved");
    });
});
