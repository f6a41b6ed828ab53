import { expect } from "chai";
import { planTransition, PlannedStep } from "../../automation/driver/planner";
import { VerifyResult } from "../../automation/driver/verify";
import { describeVerification, regionsGainingTraffic, runVerifyGate } from "../../automation/driver/verify-gate";
import { Posture, RegionName } from "../../automation/posture";

// The gate before DNS moves: which regions must pass verification, and what each outcome means.

const dnsStepOf = (from: Posture, to: Posture, weights?: { primary: number; secondary: number }): PlannedStep =>
    planTransition(from, to, weights !== undefined ? { activeActiveWeights: weights } : {}).find((s) => s.stack === "dns")!;

const ok = (region: RegionName): VerifyResult => ({ region, ok: true, endpoint: "127.0.0.1:22", hostKeyFingerprint: "SHA256:x" });
const failed = (region: RegionName): VerifyResult => ({ region, ok: false, stage: "authenticate", message: `${region} (127.0.0.1:22) failed at authenticate: denied` });
const noCanary = (region: RegionName): VerifyResult => ({ region, ok: false, unverifiable: true, message: `${region} has no canary to verify with` });

describe("verify gate before DNS (pure)", () => {
    it("verifies the secondary before a failover sends it traffic, and never the drained primary", () => {
        expect(regionsGainingTraffic("failover", dnsStepOf("active-passive", "failover"), { primary: 100, secondary: 0 })).to.deep.equal(["secondary"]);
    });

    it("verifies the primary before failback, and the secondary before active-active", () => {
        expect(regionsGainingTraffic("active-passive", dnsStepOf("failover", "active-passive"), { primary: 0, secondary: 100 })).to.deep.equal(["primary"]);
        expect(regionsGainingTraffic("active-active", dnsStepOf("active-passive", "active-active"), { primary: 100, secondary: 0 })).to.deep.equal(["secondary"]);
    });

    it("verifies nothing when no region gains traffic (active-active back to active-passive)", () => {
        expect(regionsGainingTraffic("active-passive", dnsStepOf("active-active", "active-passive"), { primary: 50, secondary: 50 })).to.deep.equal([]);
    });

    it("verifies every region the new weights serve when the deployed weights are unknown", () => {
        expect(regionsGainingTraffic("active-active", dnsStepOf("active-passive", "active-active", { primary: 70, secondary: 30 }), undefined)).to.deep.equal(["primary", "secondary"]);
    });

    it("reads an explicit active-active split from the DNS step: a region given weight 0 gains nothing", () => {
        expect(regionsGainingTraffic("active-active", dnsStepOf("failover", "active-active", { primary: 0, secondary: 255 }), { primary: 0, secondary: 100 })).to.deep.equal([]);
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
