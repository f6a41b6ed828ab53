import { expect } from "chai";
import { createLab, Lab, LabStacks } from "../../sandbox/lab";

// The real Pulumi engine, the real program, the sandbox provider: the ground every other engine
// test stands on.
describe("the three stacks under the real engine (sandbox)", function () {
    let lab: Lab;
    let stacks: LabStacks;

    before(async function () {
        lab = createLab();
        stacks = await lab.stacks();
    });

    after(function () {
        lab?.remove();
    });

    it("deploys primary, secondary and dns, exporting what the driver reads", async function () {
        const primary = await stacks.primary.up({ onOutput: () => undefined });
        const secondary = await stacks.secondary.up({ onOutput: () => undefined });
        const dns = await stacks.dns.up({ onOutput: () => undefined });
        for (const result of [primary, secondary, dns]) {
            expect(result.summary.result).to.equal("succeeded");
            expect(result.summary.resourceChanges?.create ?? 0).to.be.greaterThan(1);
        }
        expect(primary.outputs.region.value).to.equal("us-east-1");
        expect(secondary.outputs.region.value).to.equal("us-west-2");
        expect(primary.outputs.endpointDnsName.value).to.match(/\.elb\.us-east-1\.amazonaws\.com$/);
        expect(secondary.outputs.endpointDnsName.value).to.match(/\.elb\.us-west-2\.amazonaws\.com$/);
        expect(primary.outputs.hostKeyFingerprints.value).to.deep.equal(secondary.outputs.hostKeyFingerprints.value);
        expect(primary.outputs.usersFingerprint.value).to.equal(secondary.outputs.usersFingerprint.value);
        expect(dns.outputs.posture.value).to.equal("active-passive");
        expect(dns.outputs.weights.value).to.deep.equal({ primary: 100, secondary: 0 });
    });

    it("a changed config value makes the engine report exactly one update", async function () {
        await stacks.secondary.setConfig("sftp-failover:capacityMode", { value: "drained" });
        const result = await stacks.secondary.up({ onOutput: () => undefined });
        const changes = result.summary.resourceChanges ?? {};
        expect(changes.update).to.equal(1);
        expect(Object.keys(changes).filter((op) => op !== "same" && op !== "update")).to.deep.equal([]);
        expect(result.outputs.capacityMode.value).to.equal("drained");
        expect(result.outputs.desiredCapacity.value).to.equal(0);
    });
});

describe("the dns stack before the regional stacks exist", function () {
    it("fails naming the missing regional output, instead of waiting forever", async function () {
        const lab = createLab();
        try {
            const { dns } = await lab.stacks();
            let message = "";
            await dns.up({ onOutput: () => undefined }).catch((err: Error) => {
                message = err.message;
            });
            expect(message).to.contain('stack organization/sftp-failover/primary has no output "endpointDnsName"');
        } finally {
            lab.remove();
        }
    });
});
