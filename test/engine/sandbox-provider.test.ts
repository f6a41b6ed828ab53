import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { sandboxEngineEnvironment } from "../../sandbox/engine";
import { writeFaultFile } from "../../sandbox/faults";
import { readRecords } from "../../sandbox/recorder";

/** What the probe program builds; each test changes one thing. */
interface ProbeSettings {
    vpcCidr: string;
    vpcTag: string;
    unknownInvoke: boolean;
    /** Adds a target group whose logical name leaves no room for pulumi-aws's autoname (refused in check). */
    refusedTargetGroup: boolean;
}

/** A tiny program of a few aws resources, all in us-east-1 (the provider's region is eu-west-1), and a few invokes. */
function probeProgram(settings: ProbeSettings): () => Promise<Record<string, unknown>> {
    return async () => {
        const region = "us-east-1";
        const zones = await aws.getAvailabilityZones({ region });
        const providerRegion = await aws.getRegion();
        const vpc = new aws.ec2.Vpc("probe-vpc", { region, cidrBlock: settings.vpcCidr, tags: { Name: settings.vpcTag } });
        // A network load balancer needs subnets (CreateLoadBalancer); the sandbox's check refuses one without.
        const nlb = new aws.lb.LoadBalancer("probe-nlb", { region, loadBalancerType: "network", internal: false, subnets: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"] });
        const bucket = new aws.s3.Bucket("probe-bucket", { region, forceDestroy: true });
        const secret = new aws.secretsmanager.Secret("probe-secret", { region, description: pulumi.secret("not for logs") });
        // An explicit provider: its region reaches the plugin through Configure, and its resources live there.
        const west = new aws.Provider("probe-west", { region: "us-west-2" });
        const logs = new aws.cloudwatch.LogGroup("probe-logs", {}, { provider: west });
        if (settings.refusedTargetGroup) {
            new aws.lb.TargetGroup("probe-target-group-for-sftp", { region, port: 22, protocol: "TCP", vpcId: vpc.id });
        }
        if (settings.unknownInvoke) {
            await aws.getArn({ arn: "arn:aws:s3:::probe" });
        }
        return {
            providerRegion: providerRegion.region, zoneNames: zones.names,
            vpcId: vpc.id, vpcArn: vpc.arn,
            nlbDnsName: nlb.dnsName, nlbZoneId: nlb.zoneId, nlbName: nlb.name,
            bucketName: bucket.bucket, bucketRegionalDomainName: bucket.bucketRegionalDomainName,
            secretArn: secret.arn, logsArn: logs.arn,
        };
    };
}

const quiet = { onOutput: () => undefined };

// The real engine (pulumi CLI from .pulumi-cli) drives the sandbox provider found on PATH.
describe("the sandbox aws provider under the real engine", function () {
    let dir: string;
    let stack: Stack;
    let recordFile: string;
    let faultFile: string;
    const settings: ProbeSettings = { vpcCidr: "10.0.0.0/16", vpcTag: "one", unknownInvoke: false, refusedTargetGroup: false };

    before(async function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-probe-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: sandbox-probe\nruntime: nodejs\n");
        recordFile = path.join(dir, "records.jsonl");
        faultFile = path.join(dir, "faults.json");
        const env = sandboxEngineEnvironment({ projectDir: dir, extraEnv: { SANDBOX_RECORD_FILE: recordFile, SANDBOX_FAULT_FILE: faultFile, SANDBOX_HANG_SECONDS: "1" } });
        stack = await LocalWorkspace.createOrSelectStack(
            { stackName: `probe-${process.pid}`, projectName: "sandbox-probe", program: probeProgram(settings) },
            {
                workDir: dir, envVars: env.envVars, pulumiHome: env.pulumiHome,
                pulumiCommand: await PulumiCommand.get({ root: env.cliRoot, skipVersionCheck: true }),
            },
        );
        await stack.setConfig("aws:region", { value: "eu-west-1" });
    });

    after(async function () {
        try {
            await stack?.workspace.removeStack(stack.name, { force: true });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    const up = () => stack.up({ ...quiet, program: probeProgram(settings) });
    const recordsSince = (count: number) => readRecords(recordFile).slice(count);

    it("up creates every resource with outputs shaped like AWS's, in the resource's region", async function () {
        const result = await up();
        expect(result.summary.resourceChanges).to.deep.equal({ create: 7 });
        const out = (key: string) => result.outputs[key].value as string;
        expect(result.outputs.providerRegion.value, "getRegion() answers the configured aws:region").to.equal("eu-west-1");
        expect(result.outputs.zoneNames.value).to.deep.equal(["us-east-1a", "us-east-1b", "us-east-1c"]);
        expect(out("vpcId")).to.match(/^vpc-[0-9a-f]{17}$/);
        expect(out("vpcArn")).to.equal(`arn:aws:ec2:us-east-1:123456789012:vpc/${out("vpcId")}`);
        expect(out("nlbName")).to.match(/^probe-nlb-[0-9a-f]{7}$/);
        expect(out("nlbDnsName")).to.match(new RegExp(`^${out("nlbName")}-[0-9a-f]{16}\\.elb\\.us-east-1\\.amazonaws\\.com$`));
        expect(out("nlbZoneId")).to.equal("Z26RNL4JYFTOTI");
        expect(out("bucketRegionalDomainName")).to.equal(`${out("bucketName")}.s3.us-east-1.amazonaws.com`);
        expect(out("logsArn")).to.match(/^arn:aws:logs:us-west-2:123456789012:log-group:probe-logs-[0-9a-f]{7}$/);
        expect(out("secretArn")).to.match(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:probe-secret-[0-9a-f]{7}-[0-9a-f]{6}$/);
        const creates = readRecords(recordFile).filter((r) => r.op === "create");
        expect(creates.map((r) => [r.type, r.region, r.outcome]).sort()).to.deep.equal([
            ["aws:cloudwatch/logGroup:LogGroup", "us-west-2", "ok"],
            ["aws:ec2/vpc:Vpc", "us-east-1", "ok"],
            ["aws:lb/loadBalancer:LoadBalancer", "us-east-1", "ok"],
            ["aws:s3/bucket:Bucket", "us-east-1", "ok"],
            ["aws:secretsmanager/secret:Secret", "us-east-1", "ok"],
        ]);
    });

    it("keeps a secret input secret in the stored state, in inputs and outputs alike", async function () {
        const stateFile = findFile(path.join(dir, ".pulumi-state"), `${stack.name}.json`);
        const text = fs.readFileSync(stateFile, "utf8");
        expect(text).to.not.include("not for logs");
        const secretState = JSON.parse(text).checkpoint.latest.resources.find((r: { type: string }) => r.type === "aws:secretsmanager/secret:Secret");
        expect(secretState.inputs.description).to.have.property("ciphertext");
        expect(secretState.outputs.description).to.have.property("ciphertext");
    });

    it("a changed tag is exactly one in-place update, of the tags", async function () {
        const before = readRecords(recordFile).length;
        settings.vpcTag = "two";
        const events: EngineEvent[] = [];
        const result = await stack.up({ ...quiet, program: probeProgram(settings), onEvent: (e) => events.push(e) });
        expect(result.summary.resourceChanges).to.deep.equal({ update: 1, same: 6 });
        const step = events.map((e) => e.resourcePreEvent?.metadata).find((m) => m?.op === "update");
        expect(step?.diffs, "the engine sees the provider's list of changed keys").to.deep.equal(["tags"]);
        expect(step?.detailedDiff).to.deep.equal({ tags: { diffKind: "update", inputDiff: true } });
        const updates = recordsSince(before).filter((r) => r.op === "update");
        expect(updates).to.have.length(1);
        expect(updates[0]).to.deep.include({ type: "aws:ec2/vpc:Vpc", changedKeys: ["tags"] });
    });

    it("a changed CIDR block replaces the VPC", async function () {
        const vpcIdBefore = (await stack.outputs()).vpcId.value as string;
        const before = readRecords(recordFile).length;
        settings.vpcCidr = "10.1.0.0/16";
        const result = await up();
        expect(result.summary.resourceChanges).to.deep.equal({ replace: 1, same: 6 });
        expect(result.outputs.vpcId.value).to.not.equal(vpcIdBefore);
        const ops = recordsSince(before).filter((r) => r.type === "aws:ec2/vpc:Vpc" && r.op !== "diff").map((r) => r.op);
        expect(ops).to.deep.equal(["create", "delete"]);
        const diff = recordsSince(before).find((r) => r.op === "diff" && r.type === "aws:ec2/vpc:Vpc");
        expect(diff?.replaceKeys).to.deep.equal(["cidrBlock"]);
    });

    it("a resource AWS would refuse fails the update in check, with AWS's wording, and nothing is created", async function () {
        const before = readRecords(recordFile).length;
        settings.refusedTargetGroup = true;
        try {
            await expectFailure(up(), /elasticloadbalancing: name "probe-target-group-for-sftp-" plus 7 random characters is longer than the maximum length 32 \(pulumi-aws autonaming\)/);
        } finally {
            settings.refusedTargetGroup = false;
        }
        expect(recordsSince(before).filter((r) => r.op === "create")).to.deep.equal([]);
    });

    it("an invoke the sandbox does not answer fails the update, naming its token", async function () {
        settings.unknownInvoke = true;
        try {
            await expectFailure(up(), /aws:index\/getArn:getArn is not supported/);
        } finally {
            settings.unknownInvoke = false;
        }
    });

    it("a failed region makes up fail with the sandbox's message, and recovers when the fault is lifted", async function () {
        writeFaultFile(faultFile, { regions: { "us-east-1": "fail" } });
        settings.vpcTag = "three";
        await expectFailure(up(), /sandbox: region us-east-1 is unreachable \(fault injected\)/);
        fs.rmSync(faultFile);
        const result = await up();
        expect(result.summary.resourceChanges).to.deep.equal({ update: 1, same: 6 });
    });

    it("a hanging type makes up fail once SANDBOX_HANG_SECONDS pass, naming the type", async function () {
        writeFaultFile(faultFile, { types: { "aws:ec2/vpc:Vpc": "hang" } });
        settings.vpcTag = "four";
        await expectFailure(up(), /sandbox: type aws:ec2\/vpc:Vpc is failing: no answer within 1 s \(fault injected: hang\)/);
        fs.rmSync(faultFile);
        const result = await up();
        expect(result.summary.resourceChanges).to.deep.equal({ update: 1, same: 6 });
    });
});

async function expectFailure(run: Promise<unknown>, message: RegExp): Promise<void> {
    let error: unknown;
    try {
        await run;
    } catch (e) {
        error = e;
    }
    expect(error, "the update should have failed").to.be.instanceOf(Error);
    expect(String((error as Error).message)).to.match(message);
}

/** The first file named `name` under `root` (the file backend nests stacks by project). */
function findFile(root: string, name: string): string {
    const match = fs.readdirSync(root, { recursive: true, encoding: "utf8" }).find((file) => path.basename(file) === name);
    if (match !== undefined) {
        return path.join(root, match);
    }
    throw new Error(`no ${name} under ${root}`);
}
