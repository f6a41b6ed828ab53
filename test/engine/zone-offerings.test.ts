import { expect } from "chai";
import { createLab, Lab } from "../../sandbox/lab";

// The regional program under the real engine, with the sandbox answering ec2.getInstanceTypeOfferings
// from SANDBOX_INSTANCE_TYPE_OFFERINGS: a region where too few zones offer the gateways' instance
// type is refused before anything is declared, in one line naming the type and the region.

describe("zones offering the instance type (sandbox lab)", function () {
    let lab: Lab;

    before(function () {
        lab = createLab({ extraEnv: { SANDBOX_INSTANCE_TYPE_OFFERINGS: JSON.stringify({ "us-west-2": { "t3.small": ["us-west-2c"] } }) } });
    });

    after(function () {
        lab?.remove();
    });

    it("a preview of the secondary fails naming t3.small and us-west-2; the primary's region, which offers it everywhere, previews", async function () {
        const stacks = await lab.stacks();
        const failure = await stacks.secondary.preview().then(
            () => undefined,
            (e: Error) => e,
        );
        expect(failure?.message).to.contain(
            "sftp-failover:instanceType t3.small is offered in 1 of the 3 zones of us-west-2 (us-west-2c); network.availabilityZoneCount needs 2",
        );
        const primary = await stacks.primary.preview();
        expect(primary.changeSummary.create ?? 0).to.be.greaterThan(25);
    });
});
