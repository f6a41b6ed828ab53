import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { Stack } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { canonicalUsersJson, parseUsersYaml } from "../../components/sftp-users";
import { usersBodyDir } from "../../stacks/regional-names";
import { FailoverController } from "../../automation/driver/controller";
import { BadInputError } from "../../automation/driver/errors";
import { sandboxFenceClient } from "../../sandbox/fence";
import { Lab, LabStacks } from "../../sandbox/lab";
import { deployedLab, labController } from "../support/deployed-lab";
import { changesSince, readRecords } from "../../sandbox/recorder";
import * as path from "node:path";

// A posture switch changes what the posture decides and nothing else, even when a stack has an
// unrelated change pending: each step's `up` targets only its Auto Scaling group or DNS records.
describe("posture steps are targeted, fences keep one region serving (sandbox)", function () {
    let lab: Lab;
    let stacks: LabStacks;

    before(async function () {
        lab = (await deployedLab()).lab;
        stacks = await lab.stacks();
    });

    after(() => lab?.remove());

    it("a pending tag change on the secondary is not carried along by a failover", async function () {
        // An unrelated edit nobody has deployed yet: it would touch most resources of the stack.
        await stacks.secondary.setConfig("sftp-failover:tags", { value: JSON.stringify({ team: "storage" }) });
        const controller = await labController(lab);
        const before = readRecords(lab.recordFile).length;
        const result = await controller.setPosture("failover", { reason: "targets test" });
        expect(result.status, "no canary in the lab").to.equal("unverified");
        const changed = changesSince(lab.recordFile, before).map((r) => `${r.op} ${r.type} ${r.region}`);
        expect(changed).to.have.members([
            "update aws:autoscaling/group:Group us-west-2",
            "update aws:route53/record:Record us-east-1",
            "update aws:route53/record:Record us-east-1",
            "update aws:autoscaling/group:Group us-east-1",
        ]);
        // The tag change is still pending: a whole `up` of the secondary would now apply it.
        const preview = await stacks.secondary.preview({ onOutput: () => undefined });
        expect(preview.changeSummary.update ?? 0).to.be.greaterThan(1);
    });

    it("a switch carries no user list: the users object's state holds the body's sha256 and file only, and the switch leaves it as it was", async function () {
        const usersObjectOf = async (stack: Stack): Promise<{ inputs: Record<string, unknown>; outputs: Record<string, unknown> }> => {
            const resources = (await stack.exportStack()).deployment.resources as { type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[];
            const objects = resources.filter((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2");
            expect(objects, "one users object").to.have.length(1);
            return objects[0];
        };
        const before = await usersObjectOf(stacks.primary);
        // The lab has no canary: the object's body is the canonical list of the declared users.
        const usersFile = path.join(lab.dir, "users.yaml");
        const body = canonicalUsersJson(parseUsersYaml(fs.readFileSync(usersFile, "utf8"), usersFile));
        const sha256 = crypto.createHash("sha256").update(body).digest("hex");
        for (const props of [before.inputs, before.outputs]) {
            expect(props).to.not.have.property("content");
            expect(props.sourceHash).to.equal(sha256);
            expect(props.source, "a file asset: its hash and path, not the list").to.have.all.keys("4dabf18193072939515e22adb298388d", "hash", "path");
            expect((props.source as { hash: string }).hash).to.equal(sha256);
        }
        expect(fs.readFileSync(path.join(usersBodyDir(), `users-${sha256}.json`), "utf8"), "the file it uploads from").to.equal(body);
        const records = readRecords(lab.recordFile).length;
        const controller = await labController(lab);
        const result = await controller.setPosture("active-passive", { reason: "targets test: users object" });
        expect(result.status, "no canary in the lab").to.equal("unverified");
        expect(readRecords(lab.recordFile).slice(records).filter((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2"), "no provider call for the users object").to.deep.equal([]);
        expect(await usersObjectOf(stacks.primary)).to.deep.equal(before);
    });

    it("the last unfenced region cannot be fenced: Route 53 would answer both", async function () {
        const fenceFile = path.join(lab.dir, "fence.json");
        const controller = await FailoverController.create({ engine: lab.env, journalDir: path.join(lab.dir, ".failover"), fence: sandboxFenceClient(fenceFile, { worldDir: lab.worldDir }), identity: "test" });
        await controller.fence("secondary", { reason: "test", yes: true });
        const refusal = await controller.fence("primary", { reason: "test", yes: true }).then(
            () => undefined,
            (err: Error) => err,
        );
        expect(refusal).to.be.instanceOf(BadInputError);
        expect(refusal?.message).to.equal(
            "secondary is fenced (read from CloudWatch SftpFailover/Fence/RegionEnabled in us-east-2): fencing primary too would leave no healthy record, and Route 53 would answer both; unfence secondary first; nothing was changed",
        );
        expect((await controller.status()).fence).to.deep.equal({ primary: "unfenced", secondary: "fenced" });
        await controller.unfence("secondary", { reason: "test", yes: true });
        await controller.fence("primary", { reason: "test", yes: true });
        expect((await controller.status()).fence).to.deep.equal({ primary: "fenced", secondary: "unfenced" });
    });
});
