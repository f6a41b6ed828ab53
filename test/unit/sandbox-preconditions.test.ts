import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { hostedZoneIdFor } from "../../sandbox/hosted-zones";
import { healthCheckListName, prefixListId } from "../../sandbox/prefix-lists";
import { SandboxProvider } from "../../sandbox/provider";
import { World } from "../../sandbox/world";

// Two providers sharing one world folder stand for two stacks' engines, as in a lab.
const urn = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::sftp-failover::${type}::${name}`;
const bucketType = "aws:s3/bucket:Bucket";
const versioningType = "aws:s3/bucketVersioning:BucketVersioning";
const replicationType = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";

async function bucket(p: SandboxProvider, stack: string, region: string, name: string, versioning: "Enabled" | "Suspended" | "none"): Promise<void> {
    await p.create(urn(stack, bucketType, `${stack}-bucket`), { region, bucket: name });
    if (versioning !== "none") {
        await p.create(urn(stack, versioningType, `${stack}-versioning`), { region, bucket: name, versioningConfiguration: { status: versioning } });
    }
}

function replicate(p: SandboxProvider, stack: string, region: string, source: string, destination: string) {
    return p.create(urn(stack, replicationType, `${stack}-replication`), {
        region, bucket: source, role: "arn:aws:iam::123456789012:role/r",
        rules: [{ id: "to-peer-region", status: "Enabled", destination: { bucket: `arn:aws:s3:::${destination}` } }],
    });
}

describe("sandbox preconditions between resources", () => {
    let dir: string;
    let primary: SandboxProvider;
    let secondary: SandboxProvider;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-world-"));
        primary = new SandboxProvider({ env: { SANDBOX_WORLD_DIR: dir, AWS_REGION: "us-east-1" } });
        secondary = new SandboxProvider({ env: { SANDBOX_WORLD_DIR: dir, AWS_REGION: "us-west-2" } });
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("refuses an object in a bucket that does not exist yet, and accepts it once the bucket does", async () => {
        const objectUrn = urn("primary", "aws:s3/bucketObjectv2:BucketObjectv2", "users");
        const inputs = { region: "us-east-1", bucket: "b-primary", key: ".sftp-failover/users/primary.json", content: "{}" };
        const error = await primary.create(objectUrn, inputs).then(() => undefined, (e: Error) => e);
        expect(error?.message).to.equal("sandbox: S3 PutObject on b-primary: NoSuchBucket: The specified bucket does not exist");
        await bucket(primary, "primary", "us-east-1", "b-primary", "Enabled");
        const created = await primary.create(objectUrn, inputs);
        expect(created.id).to.equal(".sftp-failover/users/primary.json");
        expect(created.outs).to.include({ arn: "arn:aws:s3:::b-primary/.sftp-failover/users/primary.json", etag: "99914b932bd37a50b983c5e7c90ae93b" });
    });

    it("an object uploaded from a file (a file asset) gets the ETag of the file's bytes", async () => {
        await bucket(primary, "primary", "us-east-1", "b-primary", "Enabled");
        const file = path.join(dir, "users-body.json");
        fs.writeFileSync(file, "{}");
        const objectUrn = urn("primary", "aws:s3/bucketObjectv2:BucketObjectv2", "users");
        const created = await primary.create(objectUrn, { region: "us-east-1", bucket: "b-primary", key: ".sftp-failover/users/primary.json", source: new pulumi.asset.FileAsset(file) });
        expect(created.outs).to.include({ etag: "99914b932bd37a50b983c5e7c90ae93b" });
        expect(created.outs).to.not.have.property("contentBase64");
    });

    it("a changed body updates the object in place with a new version and ETag; a changed key replaces it", async () => {
        await bucket(primary, "primary", "us-east-1", "b-primary", "Enabled");
        const objectUrn = urn("primary", "aws:s3/bucketObjectv2:BucketObjectv2", "users");
        const olds = { region: "us-east-1", bucket: "b-primary", key: ".sftp-failover/users/primary.json", content: "{}" };
        const created = await primary.create(objectUrn, olds);
        const news = { ...olds, content: "{\"users\":[]}" };
        const diff = await primary.diff(created.id, objectUrn, { ...olds, ...created.outs }, news);
        expect(diff.changes).to.equal(true);
        expect(diff.replaces ?? []).to.deep.equal([]);
        const updated = await primary.update(created.id, objectUrn, { ...olds, ...created.outs }, news);
        expect(updated.outs?.versionId).to.not.equal(created.outs?.versionId);
        expect(updated.outs?.etag).to.not.equal(created.outs?.etag);
        const moved = await primary.diff(created.id, objectUrn, { ...olds, ...created.outs }, { ...olds, key: ".sftp-failover/users/other.json" });
        expect(moved.replaces).to.deep.equal(["key"]);
    });

    it("refuses an interface endpoint with private DNS in a VPC without DNS hostnames, as EC2 does; accepts it once both DNS attributes are on", async () => {
        const vpcUrn = urn("primary", "aws:ec2/vpc:Vpc", "vpc");
        const vpc = await primary.create(vpcUrn, { region: "us-east-1", cidrBlock: "10.40.0.0/16", enableDnsSupport: true });
        const endpoint = { region: "us-east-1", vpcId: vpc.id, serviceName: "com.amazonaws.us-east-1.secretsmanager", vpcEndpointType: "Interface", privateDnsEnabled: true };
        const endpointUrn = urn("primary", "aws:ec2/vpcEndpoint:VpcEndpoint", "secretsmanager");
        const error = await primary.create(endpointUrn, endpoint).then(() => undefined, (e: Error) => e);
        expect(error?.message).to.equal(`sandbox: EC2 CreateVpcEndpoint: InvalidParameter: Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for ${vpc.id}`);
        // Without private DNS the same endpoint is accepted; with both attributes on, private DNS is too.
        await primary.create(urn("primary", "aws:ec2/vpcEndpoint:VpcEndpoint", "no-dns"), { ...endpoint, privateDnsEnabled: false });
        await primary.update(vpc.id, vpcUrn, { region: "us-east-1", cidrBlock: "10.40.0.0/16", ...vpc.outs }, { region: "us-east-1", cidrBlock: "10.40.0.0/16", enableDnsSupport: true, enableDnsHostnames: true });
        expect((await primary.create(endpointUrn, endpoint)).id).to.be.a("string");
    });

    it("refuses a replication rule to a bucket that does not exist yet, as S3 does", async () => {
        await bucket(primary, "primary", "us-east-1", "b-primary", "Enabled");
        const error = await replicate(primary, "primary", "us-east-1", "b-primary", "b-secondary").then(() => undefined, (e: Error) => e);
        expect(error?.message).to.equal("sandbox: S3 PutBucketReplication on b-primary: InvalidRequest: Destination bucket must exist. (b-secondary)");
    });

    it("refuses a replication rule to a bucket of another stack whose versioning is not Enabled, with S3's message", async () => {
        await bucket(primary, "primary", "us-east-1", "b-primary", "Enabled");
        await bucket(secondary, "secondary", "us-west-2", "b-secondary", "Suspended");
        const error = await replicate(primary, "primary", "us-east-1", "b-primary", "b-secondary").then(() => undefined, (e: Error) => e);
        expect(error?.message).to.contain("InvalidRequest: Destination bucket must have versioning enabled.");
    });

    it("refuses a replication rule on a source bucket without versioning", async () => {
        await bucket(primary, "primary", "us-east-1", "b-primary", "none");
        await bucket(secondary, "secondary", "us-west-2", "b-secondary", "Enabled");
        const error = await replicate(primary, "primary", "us-east-1", "b-primary", "b-secondary").then(() => undefined, (e: Error) => e);
        expect(error?.message).to.contain("InvalidRequest: Versioning must be 'Enabled' on the bucket to apply a replication configuration");
    });

    it("accepts replication once both buckets exist with versioning on, whichever stack created them", async () => {
        await bucket(primary, "primary", "us-east-1", "b-primary", "Enabled");
        await bucket(secondary, "secondary", "us-west-2", "b-secondary", "Enabled");
        await replicate(primary, "primary", "us-east-1", "b-primary", "b-secondary");
        await replicate(secondary, "secondary", "us-west-2", "b-secondary", "b-primary");
        expect(new World(dir).list().filter((r) => r.type === replicationType).map((r) => r.id).sort()).to.deep.equal(["b-primary", "b-secondary"]);
    });

    it("forgets a deleted resource, so what depended on it is refused again", async () => {
        await bucket(primary, "primary", "us-east-1", "b-primary", "Enabled");
        await bucket(secondary, "secondary", "us-west-2", "b-secondary", "Enabled");
        await secondary.delete("b-secondary", urn("secondary", versioningType, "secondary-versioning"), { region: "us-west-2" });
        const error = await replicate(primary, "primary", "us-east-1", "b-primary", "b-secondary").then(() => undefined, (e: Error) => e);
        expect(error?.message).to.contain("Destination bucket must have versioning enabled.");
    });

    it("keeps the new instance of a replaced resource (created before the old one is deleted)", async () => {
        const vUrn = urn("primary", versioningType, "v");
        await primary.create(vUrn, { region: "us-east-1", bucket: "old", versioningConfiguration: { status: "Enabled" } });
        await primary.create(vUrn, { region: "us-east-1", bucket: "new", versioningConfiguration: { status: "Enabled" } });
        await primary.delete("old", vUrn, { region: "us-east-1" });
        expect(new World(dir).list().map((r) => r.id)).to.deep.equal(["new"]);
    });

    it("refuses an alias record to a load balancer that does not exist, and accepts one to a load balancer another stack created", async () => {
        const lb = await primary.create(urn("primary", "aws:lb/loadBalancer:LoadBalancer", "nlb"), { region: "us-east-1", name: "gw-nlb", loadBalancerType: "network" });
        const record = (name: unknown, zoneId: unknown) =>
            new SandboxProvider({ env: { SANDBOX_WORLD_DIR: dir } }).create(urn("dns", "aws:route53/record:Record", "r"), {
                zoneId: "Z1", name: "sftp.example.com", type: "A", aliases: [{ name, zoneId, evaluateTargetHealth: true }],
            });
        const missing = await record("gone-0123456789abcdef.elb.us-east-1.amazonaws.com", "Z26RNL4JYFTOTI").then(() => undefined, (e: Error) => e);
        expect(missing?.message).to.match(/InvalidChangeBatch: \[Tried to create an alias that targets gone-0123456789abcdef\.elb\.us-east-1\.amazonaws\.com\., type A/);
        await record(lb.outs.dnsName, lb.outs.zoneId);
    });

    describe("Route 53 records in a zone", () => {
        const zoneId = hostedZoneIdFor("sandbox.example.com");
        const recordType = "aws:route53/record:Record";
        const weighted = (name: string, setIdentifier: string, weight: number, extra: Record<string, unknown> = {}) => ({
            zoneId, name, type: "CNAME", ttl: 60, records: [`${setIdentifier}.elb.example.net`], setIdentifier, weightedRoutingPolicies: [{ weight }], ...extra,
        });
        const refusalOf = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e.message);

        it("accepts weighted records of one zone under several names, each with both set identifiers", async () => {
            const p = new SandboxProvider({ env: { SANDBOX_WORLD_DIR: dir } });
            for (const name of ["sftp.sandbox.example.com", "files.sandbox.example.com", "Upload.Sandbox.Example.com.", "sandbox.example.com"]) {
                for (const [region, weight] of [["primary", 100], ["secondary", 0]] as const) {
                    await p.create(urn("dns", recordType, `${region}-${name}`), weighted(name, region, weight));
                }
            }
            expect(new World(dir).list().filter((r) => r.type === recordType)).to.have.length(8);
        });

        it("refuses a second record for a record set that exists (one name spelled twice), unless allowOverwrite, as Route 53's CREATE does", async () => {
            const p = new SandboxProvider({ env: { SANDBOX_WORLD_DIR: dir } });
            await p.create(urn("dns", recordType, "files"), weighted("files.sandbox.example.com", "primary", 100));
            await p.create(urn("dns", recordType, "files-secondary"), weighted("files.sandbox.example.com", "secondary", 0));
            expect(await refusalOf(p.create(urn("dns", recordType, "files-again"), weighted("FILES.sandbox.example.com.", "primary", 100)))).to.equal(
                "sandbox: Route 53 ChangeResourceRecordSets: InvalidChangeBatch: [Tried to create resource record set [name='files.sandbox.example.com.', type='CNAME', set-identifier='primary'] but it already exists]",
            );
            // Relative to the zone, which a record of the zone names: the same record set.
            expect(await refusalOf(p.create(urn("dns", recordType, "files-relative"), weighted("files", "secondary", 0)))).to.contain(
                "[Tried to create resource record set [name='files.sandbox.example.com.', type='CNAME', set-identifier='secondary'] but it already exists]",
            );
            await p.create(urn("dns", recordType, "files-upsert"), weighted("files.sandbox.example.com", "primary", 100, { allowOverwrite: true }));
        });

        it("refuses a name that ends with the zone's name inside a label: outside the zone, which Route 53 does not permit", async () => {
            const p = new SandboxProvider({ env: { SANDBOX_WORLD_DIR: dir } });
            expect(await refusalOf(p.create(urn("dns", recordType, "outside"), weighted("files.xsandbox.example.com", "primary", 100)))).to.equal(
                "sandbox: Route 53 ChangeResourceRecordSets: InvalidChangeBatch: [RRSet with DNS name files.xsandbox.example.com. is not permitted in zone sandbox.example.com.]",
            );
            // Any other name the provider completes with the zone's name, so it is in the zone.
            await p.create(urn("dns", recordType, "relative"), weighted("files.other.org", "primary", 100));
        });
    });

    it("refuses a calculated health check whose child does not exist", async () => {
        const p = new SandboxProvider({ env: { SANDBOX_WORLD_DIR: dir } });
        const child = await p.create(urn("dns", "aws:route53/healthCheck:HealthCheck", "endpoint"), { type: "TCP", fqdn: "x.example.com", port: 22 });
        await p.create(urn("dns", "aws:route53/healthCheck:HealthCheck", "ok"), { type: "CALCULATED", childHealthchecks: [child.id], childHealthThreshold: 1 });
        const error = await p
            .create(urn("dns", "aws:route53/healthCheck:HealthCheck", "bad"), { type: "CALCULATED", childHealthchecks: [child.id, "no-such-id"], childHealthThreshold: 2 })
            .then(() => undefined, (e: Error) => e);
        expect(error?.message).to.contain("NoSuchHealthCheck: No health check exists with the specified ID no-such-id.");
    });

    it("refuses a security group rule naming another region's prefix list, and counts a prefix list as its maximum entries", async () => {
        const sg = await primary.create(urn("primary", "aws:ec2/securityGroup:SecurityGroup", "sg"), { region: "us-east-1", vpcId: "vpc-1" });
        const rule = (name: string, extra: Record<string, unknown>) =>
            primary.create(urn("primary", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name), {
                region: "us-east-1", securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 22, toPort: 22, ...extra,
            });
        const west = prefixListId("us-west-2", healthCheckListName("us-west-2"));
        const wrongRegion = await rule("west", { prefixListId: west }).then(() => undefined, (e: Error) => e);
        expect(wrongRegion?.message).to.contain(`InvalidPrefixListID.NotFound: The prefix list ID '${west}' does not exist`);
        const east = prefixListId("us-east-1", healthCheckListName("us-east-1"));
        await rule("checkers", { prefixListId: east }); // 32 of 60
        for (let i = 0; i < 28; i++) {
            await rule(`client-${i}`, { cidrIpv4: `198.51.100.${i}/32` }); // 60 of 60
        }
        const over = await rule("one-too-many", { cidrIpv4: "203.0.113.0/24" }).then(() => undefined, (e: Error) => e);
        expect(over?.message).to.contain("RulesPerSecurityGroupLimitExceeded");
    });

    it("applies no preconditions without a shared world (a provider on its own cannot know other stacks)", async () => {
        const alone = new SandboxProvider({ env: {} });
        await replicate(alone, "primary", "us-east-1", "b-primary", "b-secondary");
    });
});
