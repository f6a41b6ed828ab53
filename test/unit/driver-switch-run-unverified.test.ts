import { expect } from "chai";
import { failoverRun } from "../support/switch-run-harness";

// Issue 19 (3): a switch whose gate could not prove the region it sends clients to, or was told to
// skip it, ends unverified — never plain ok. The failover sends the secondary its traffic, so the
// gate must verify it. The engine tests run the same through the CLI (exit 5, history, audit).

describe("a switch's end when its gate could not verify", () => {
    it("with a verifier that passes, the switch is ok (the control)", async () => {
        const { run } = failoverRun({ verify: async (region) => ({ region, ok: true, message: `${region} served the canary` }) });
        const result = await run.execute();
        expect(result.status).to.equal("ok");
        expect(result.verification?.outcome).to.equal("verified");
    });

    it("a region that cannot be verified (no canary) ends the switch unverified, audited so", async () => {
        const { run, audit } = failoverRun({ verify: async (region) => ({ region, ok: false, unverifiable: true, message: `${region} has no canary to verify with` }) });
        const result = await run.execute();
        expect(result.status).to.equal("unverified");
        expect(audit[0]).to.deep.include({ result: "unverified" });
    });

    it("a switch told to skip the gate ends unverified", async () => {
        const { run } = failoverRun({ verify: async (region) => ({ region, ok: true, message: "" }), options: { skipVerify: true } });
        const result = await run.execute();
        expect(result.status).to.equal("unverified");
        expect(result.verification?.outcome).to.equal("skipped");
    });

    it("a switch given no verifier at all ends unverified, naming why", async () => {
        const { run } = failoverRun();
        const result = await run.execute();
        expect(result.status).to.equal("unverified");
        expect(result.verification?.results.map((r) => r.message)).to.deep.equal(["secondary cannot be verified: this switch was given no verifier"]);
    });
});
