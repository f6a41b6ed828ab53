import { expect } from "chai";
import { FenceObservation } from "../../automation/fence/client";
import { RegionName } from "../../foundation/posture";
import { unreachable } from "../support/fake-stacks";
import { failoverRun } from "../support/switch-run-harness";

// The fence a switch publishes when it cannot reach a region obeys the fence operation's rule
// "never fence both", read from the fence's own store: with both fenced Route 53 answers both, and
// the region the switch could not reach (its DNS API down) gets answers again.

/** A fence store that reads `secondary` as given and `primary` as unfenced, counting its reads. */
function storeReading(secondary: FenceObservation["state"] | Error) {
    const reads: RegionName[] = [];
    const read = async (region: RegionName): Promise<FenceObservation> => {
        reads.push(region);
        if (region === "secondary" && secondary instanceof Error) {
            throw secondary;
        }
        return { state: region === "secondary" ? (secondary as FenceObservation["state"]) : "unfenced", alarm: "present" };
    };
    return { read, reads };
}

describe("a switch's fence of a region it cannot reach", () => {
    it("is not published when the store says the other region is fenced: the step says why, the switch ends degraded", async () => {
        const store = storeReading("fenced");
        const { run, fenced, journal } = failoverRun({ behaviour: { dns: unreachable }, fenceRead: store.read });
        const result = await run.execute();
        expect(fenced, "primary not fenced beside a fenced secondary").to.deep.equal([]);
        expect(store.reads).to.include("secondary");
        expect(result.status).to.equal("degraded");
        const dnsStep = result.steps.find((s) => s.stack === "dns");
        expect(dnsStep?.error).to.match(/fencing primary also failed: not published, as secondary is fenced \(read from CloudWatch SftpFailover\/Enabled in us-east-1\): fencing primary too would leave no healthy record, and Route 53 would answer both/);
        expect(journal.some((r) => r.type === "step" && r.status === "fenced" && /not published, as secondary is fenced/.test(r.error ?? ""))).to.equal(true);
    });

    it("is published when the store says the other region is unfenced, or cannot be read (unknown is not fenced)", async () => {
        for (const secondary of ["unfenced", new Error("connect ECONNREFUSED")] as const) {
            const { run, fenced } = failoverRun({ behaviour: { dns: unreachable }, fenceRead: storeReading(secondary).read });
            const result = await run.execute();
            expect(fenced, String(secondary)).to.deep.equal(["primary"]);
            expect(result.status).to.equal("degraded");
        }
    });
});
