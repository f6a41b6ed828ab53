import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { SandboxProvider } from "../../sandbox/provider";
import { readRecords } from "../../sandbox/recorder";
import { regionFromConfigure } from "../../sandbox/server";
import { isSecret, makeSecret } from "../../sandbox/values";

const urn = (type: string, name: string) => `urn:pulumi:dev::proj::${type}::${name}`;
const vpcUrn = urn("aws:ec2/vpc:Vpc", "net");
const lbUrn = urn("sftp:index:Gateway$aws:lb/loadBalancer:LoadBalancer", "gw-nlb");

describe("sandbox provider", () => {
    let dir: string;
    let recordFile: string;
    let provider: SandboxProvider;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-provider-"));
        recordFile = path.join(dir, "records.jsonl");
        provider = new SandboxProvider({ env: { SANDBOX_RECORD_FILE: recordFile } });
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("answers version 7.48.0, the installed @pulumi/aws's", () => {
        expect(provider.version).to.equal("7.48.0");
    });

    it("places a resource in its own region, else in the configured region", async () => {
        provider.configure({ region: "eu-west-1" });
        const own = await provider.create(vpcUrn, { region: "us-west-2", cidrBlock: "10.0.0.0/16" });
        const configured = await provider.create(vpcUrn, { cidrBlock: "10.0.0.0/16" });
        expect(own.outs.arn).to.match(/^arn:aws:ec2:us-west-2:/);
        expect(configured.outs.arn).to.match(/^arn:aws:ec2:eu-west-1:/);
        expect(configured.outs.region).to.equal("eu-west-1");
    });

    it("keeps inputs as outputs, secrets still wrapped, and never writes values to the record file", async () => {
        const created = await provider.create(vpcUrn, { region: "us-east-1", cidrBlock: "10.0.0.0/16", tags: makeSecret({ Owner: "s3cr3t" }) });
        expect(created.outs.cidrBlock).to.equal("10.0.0.0/16");
        expect(isSecret(created.outs.tags)).to.equal(true);
        expect(fs.readFileSync(recordFile, "utf8")).to.not.include("s3cr3t");
        expect(readRecords(recordFile)).to.have.length(1);
        expect(readRecords(recordFile)[0]).to.deep.include({
            op: "create", type: "aws:ec2/vpc:Vpc", name: "net", urn: vpcUrn, region: "us-east-1", id: created.id,
            changedKeys: ["cidrBlock", "region", "tags"], outcome: "ok",
        });
    });

    it("autonames in check, and the autoname does not force delete-before-replace", async () => {
        const checked = await provider.check(lbUrn, {}, { loadBalancerType: "network", subnets: ["subnet-a", "subnet-b"] });
        expect(checked.failures).to.equal(undefined);
        expect(checked.inputs.name).to.match(/^gw-nlb-[0-9a-f]{7}$/);
        const diff = await provider.diffWithDetail("arn", lbUrn, {}, { ...checked.inputs, internal: true }, { ...checked.inputs, internal: false });
        expect(diff).to.deep.include({ changes: true, replaces: ["internal"], deleteBeforeReplace: false });
        const created = await provider.create(lbUrn, checked.inputs);
        expect(created.outs).to.not.have.property("__defaults");
    });

    it("check reports a name AWS would reject as a failure of that property", async () => {
        const checked = await provider.check(lbUrn, {}, { name: "a-load-balancer-name-far-longer-than-aws-allows", loadBalancerType: "network", subnets: ["subnet-a"] });
        expect(checked.failures).to.deep.equal([{
            property: "name",
            reason: `elasticloadbalancing: name "a-load-balancer-name-far-longer-than-aws-allows" is 47 characters; ELB names are at most 32 (CreateLoadBalancer)`,
        }]);
    });

    it("a fixed name that must be replaced deletes first (AWS names are unique)", async () => {
        const news = { name: "gw", loadBalancerType: "network", internal: true };
        const diff = await provider.diffWithDetail("arn", lbUrn, {}, news, { ...news, internal: false });
        expect(diff.deleteBeforeReplace).to.equal(true);
    });

    it("without old inputs, diffs against the old outputs of the new inputs' keys only (computed outputs are not changes)", async () => {
        const created = await provider.create(vpcUrn, { cidrBlock: "10.0.0.0/16" });
        const diff = await provider.diffWithDetail(created.id, vpcUrn, created.outs, { cidrBlock: "10.0.0.0/16" }, undefined);
        expect(diff.changes).to.equal(false);
    });

    it("an update keeps the id-like outputs, takes the new inputs, and records the diff's changed keys", async () => {
        const created = await provider.create(vpcUrn, { cidrBlock: "10.0.0.0/16", tags: { Name: "a" } });
        const news = { cidrBlock: "10.0.0.0/16", tags: { Name: "b" } };
        await provider.diffWithDetail(created.id, vpcUrn, created.outs, news, { cidrBlock: "10.0.0.0/16", tags: { Name: "a" } });
        const updated = await provider.update(created.id, vpcUrn, created.outs, news);
        expect(updated.outs.arn).to.equal(created.outs.arn);
        expect(updated.outs.tags).to.deep.equal({ Name: "b" });
        expect(updated.outs.tagsAll).to.deep.equal({ Name: "b" });
        const update = readRecords(recordFile).find((r) => r.op === "update");
        expect(update).to.deep.include({ id: created.id, changedKeys: ["tags"], outcome: "ok" });
    });

    it("reads back the state it is given, and makes up a resource it never created (Resource.get)", async () => {
        expect(await provider.read("vpc-1", vpcUrn, { cidrBlock: "10.0.0.0/16" })).to.deep.equal({ id: "vpc-1", props: { cidrBlock: "10.0.0.0/16" } });
        const got = await provider.read("vpc-2", vpcUrn, {});
        expect(got.id).to.equal("vpc-2");
        expect(got.props.arn).to.match(/^arn:aws:ec2:us-east-1:123456789012:vpc\//);
    });

    it("refuses to delete a load balancer with deletion protection on, as ELB does, and deletes it once it is off", async () => {
        const lb = { region: "us-east-1", name: "gw-nlb-abc1234", loadBalancerType: "network", subnets: ["subnet-1", "subnet-2"] };
        const created = await provider.create(lbUrn, { ...lb, enableDeletionProtection: true });
        let error: Error | undefined;
        await provider.delete(created.id, lbUrn, created.outs).catch((e: Error) => { error = e; });
        expect(error?.message).to.equal(
            `sandbox: elasticloadbalancing DeleteLoadBalancer: OperationNotPermitted: Load balancer '${String(created.outs.arn)}' cannot be deleted because deletion protection is enabled`,
        );
        expect(readRecords(recordFile).at(-1)).to.deep.include({ op: "delete", outcome: "error" });
        const updated = await provider.update(created.id, lbUrn, created.outs, { ...lb, enableDeletionProtection: false });
        await provider.delete(created.id, lbUrn, { ...created.outs, ...updated.outs });
        expect(readRecords(recordFile).at(-1)).to.deep.include({ op: "delete", outcome: "ok" });
    });

    it("a fault fails create, update, delete and read in that region, and the failure is recorded", async () => {
        const faulty = new SandboxProvider({ env: { SANDBOX_RECORD_FILE: recordFile, SANDBOX_FAULTS: '{"regions":{"us-west-2":"fail"}}' } });
        const message = "sandbox: region us-west-2 is unreachable (fault injected)";
        const failures = [
            faulty.create(vpcUrn, { region: "us-west-2" }),
            faulty.update("vpc-1", vpcUrn, { region: "us-west-2" }, { region: "us-west-2", tags: {} }),
            faulty.delete("vpc-1", vpcUrn, { region: "us-west-2" }),
            faulty.read("vpc-1", vpcUrn, { region: "us-west-2" }),
        ];
        for (const failure of failures) {
            let error: Error | undefined;
            await failure.catch((e: Error) => { error = e; });
            expect(error?.message).to.equal(message);
        }
        expect(readRecords(recordFile).map((r) => [r.op, r.outcome, r.error]).sort()).to.deep.equal(
            ["create", "delete", "read", "update"].map((op) => [op, "error", message]),
        );
        await faulty.create(vpcUrn, { region: "us-east-1" });
    });

    it("a region fault fails invokes that call AWS in that region, but not getRegion", async () => {
        const faulty = new SandboxProvider({ env: { SANDBOX_FAULTS: '{"regions":{"us-east-1":"fail"}}' } });
        const region = await faulty.invoke("aws:index/getRegion:getRegion", {});
        expect(region.outputs.region).to.equal("us-east-1");
        let error: Error | undefined;
        await faulty.invoke("aws:index/getAvailabilityZones:getAvailabilityZones", {}).catch((e: Error) => { error = e; });
        expect(error?.message).to.equal("sandbox: region us-east-1 is unreachable (fault injected)");
        expect((await faulty.invoke("aws:index/getAvailabilityZones:getAvailabilityZones", { region: "us-west-2" })).outputs.names).to.have.length(3);
    });

    it("a bad knob does not stop the provider; every operation that reaches AWS fails naming the variable", async () => {
        const misconfigured = new SandboxProvider({ env: { SANDBOX_HANG_SECONDS: "forever" } });
        let error: Error | undefined;
        await misconfigured.create(vpcUrn, {}).catch((e: Error) => { error = e; });
        expect(error?.message).to.equal('sandbox: SANDBOX_HANG_SECONDS must be a non-negative number (got "forever")');
        expect((await misconfigured.check(vpcUrn, {}, { cidrBlock: "10.0.0.0/16" })).inputs).to.deep.equal({ cidrBlock: "10.0.0.0/16" });
    });

    it("records invokes with their token and region", async () => {
        provider.configure({ region: "us-west-2" });
        await provider.invoke("aws:index/getRegion:getRegion", {});
        expect(readRecords(recordFile)[0]).to.deep.include({ op: "invoke", type: "aws:index/getRegion:getRegion", region: "us-west-2", outcome: "ok" });
    });
});

describe("sandbox Configure handling", () => {
    it("takes the region from the structured args, else from the legacy variable", () => {
        expect(regionFromConfigure({ region: "eu-west-1" }, new Map())).to.equal("eu-west-1");
        expect(regionFromConfigure(undefined, new Map([["aws:config:region", "us-west-2"]]))).to.equal("us-west-2");
        expect(regionFromConfigure({}, new Map())).to.equal(undefined);
    });
});
