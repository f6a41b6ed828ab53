import { expect } from "chai";
import { Lab, LabStacks } from "../../sandbox/lab";
import { changesSince, readRecords } from "../../sandbox/recorder";
import { factString, ofType, World } from "../../sandbox/world";
import { deployedLab, labController } from "../support/deployed-lab";

// Additional record names under the real engine, the sandbox provider and the driver: the names'
// records are created beside the service name's, and a posture switch — whose DNS step targets
// every record of a name the config lists (automation/driver/step-runner.ts) — moves all of them.

const recordType = "aws:route53/record:Record";
const additionalNames = ["files.sandbox.example.com", "Upload.sandbox.example.com."];

/** Each record in the sandbox's Route 53 (its world) as `<name> <set identifier>` → weight. */
function weightsInWorld(lab: Lab): Record<string, number> {
    const records = ofType(new World(lab.worldDir).list(), recordType);
    return Object.fromEntries(
        records.map((r) => {
            const policies = r.facts.weightedRoutingPolicies as { weight: number }[];
            return [`${factString(r, "name")} ${factString(r, "setIdentifier")}`, policies[0].weight];
        }),
    );
}

describe("additional record names move with a posture switch (sandbox)", function () {
    let lab: Lab;
    let stacks: LabStacks;

    before(async function () {
        lab = (await deployedLab()).lab;
        stacks = await lab.stacks();
    });

    after(() => lab?.remove());

    it("deploying the names adds one record per name and region, with the service name's weights, and nothing else", async function () {
        await stacks.dns.setConfig("sftp-failover:additionalRecordNames", { value: JSON.stringify(additionalNames) });
        const before = readRecords(lab.recordFile).length;
        await stacks.dns.up({ onOutput: () => undefined });
        const changed = changesSince(lab.recordFile, before).map((r) => `${r.op} ${r.name}`);
        expect(changed).to.have.members([
            "create sftp-primary-a-files.sandbox.example.com",
            "create sftp-secondary-a-files.sandbox.example.com",
            "create sftp-primary-a-upload.sandbox.example.com",
            "create sftp-secondary-a-upload.sandbox.example.com",
        ]);
        expect(weightsInWorld(lab)).to.deep.equal({
            "sftp.sandbox.example.com primary": 100,
            "sftp.sandbox.example.com secondary": 0,
            "files.sandbox.example.com primary": 100,
            "files.sandbox.example.com secondary": 0,
            "Upload.sandbox.example.com. primary": 100,
            "Upload.sandbox.example.com. secondary": 0,
        });
        const outputs = await stacks.dns.outputs();
        expect(outputs.recordFqdn.value).to.equal("sftp.sandbox.example.com");
        expect(outputs.recordFqdns.value).to.deep.equal(["sftp.sandbox.example.com", "files.sandbox.example.com", "upload.sandbox.example.com"]);
    });

    it("a failover through the driver moves every name's records to 0/100, the additional names' included", async function () {
        const controller = await labController(lab);
        const before = readRecords(lab.recordFile).length;
        const result = await controller.setPosture("failover", { reason: "additional record names" });
        expect(result.status, "no canary in the lab").to.equal("unverified");
        const recordUpdates = changesSince(lab.recordFile, before)
            .filter((r) => r.type === recordType)
            .map((r) => `${r.op} ${r.name}`);
        expect(recordUpdates).to.have.members([
            "update sftp-primary-a",
            "update sftp-secondary-a",
            "update sftp-primary-a-files.sandbox.example.com",
            "update sftp-secondary-a-files.sandbox.example.com",
            "update sftp-primary-a-upload.sandbox.example.com",
            "update sftp-secondary-a-upload.sandbox.example.com",
        ]);
        expect(weightsInWorld(lab)).to.deep.equal({
            "sftp.sandbox.example.com primary": 0,
            "sftp.sandbox.example.com secondary": 100,
            "files.sandbox.example.com primary": 0,
            "files.sandbox.example.com secondary": 100,
            "Upload.sandbox.example.com. primary": 0,
            "Upload.sandbox.example.com. secondary": 100,
        });
    });
    it("a name taken off the list but not deployed keeps its records through the next switch, which moves the others", async function () {
        await stacks.dns.setConfig("sftp-failover:additionalRecordNames", { value: JSON.stringify(["files.sandbox.example.com"]) });
        const controller = await labController(lab);
        const before = readRecords(lab.recordFile).length;
        const result = await controller.setPosture("active-passive", { reason: "a name off the list" });
        expect(result.status, "no canary in the lab").to.equal("unverified");
        const recordChanges = changesSince(lab.recordFile, before)
            .filter((r) => r.type === recordType)
            .map((r) => `${r.op} ${r.name}`);
        expect(recordChanges).to.have.members([
            "update sftp-primary-a",
            "update sftp-secondary-a",
            "update sftp-primary-a-files.sandbox.example.com",
            "update sftp-secondary-a-files.sandbox.example.com",
        ]);
        // Still served, at the weights of the switch before: taking it off the air is a deploy of the list, by hand.
        expect(weightsInWorld(lab)).to.deep.include({ "Upload.sandbox.example.com. primary": 0, "Upload.sandbox.example.com. secondary": 100 });
        expect(weightsInWorld(lab)).to.deep.include({ "files.sandbox.example.com primary": 100, "files.sandbox.example.com secondary": 0 });
    });
});
