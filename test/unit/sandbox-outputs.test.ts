import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { outputRules } from "../../sandbox/output-rules";
import { typesWithReplaceRules } from "../../sandbox/replacements";
import { hostedZoneIdFor, nameServersFor } from "../../sandbox/hosted-zones";
import { computeOutputs, isGlobalType, updatedComputed } from "../../sandbox/outputs";
import { availabilityZoneId, loadBalancerZoneId, partitionOf, regionShortCode } from "../../sandbox/regions";
import { makeSecret } from "../../sandbox/values";

/** Pinned randomness: every hex string is "a…" and every UUID the same, so outputs can be compared whole. */
const pinned = { hex: (n: number) => "a".repeat(n), uuid: () => "11111111-2222-3333-4444-555555555555" };

const outputsOf = (type: string, inputs: Record<string, unknown>, region = "us-east-1", name = "probe") =>
    computeOutputs({ type, name, region, inputs, ...pinned });

describe("sandbox computed outputs", () => {
    it("a network load balancer gets an NLB ARN, a regional elb DNS name and its region's canonical zone", () => {
        for (const [region, zoneId] of [["us-east-1", "Z26RNL4JYFTOTI"], ["us-west-2", "Z18D5FSROUN65G"], ["eu-west-1", "Z2IFOLAFXWLO4F"]]) {
            const { id, computed } = outputsOf("aws:lb/loadBalancer:LoadBalancer", { name: "sftp-nlb", loadBalancerType: "network" }, region);
            expect(computed.dnsName).to.equal(`sftp-nlb-${"a".repeat(16)}.elb.${region}.amazonaws.com`);
            expect(computed.zoneId).to.equal(zoneId);
            expect(id).to.equal(`arn:aws:elasticloadbalancing:${region}:123456789012:loadbalancer/net/sftp-nlb/${"a".repeat(16)}`);
            expect(computed.arn).to.equal(id);
            expect(computed.region).to.equal(region);
        }
    });

    it("an application load balancer gets the ALB zone and DNS shape", () => {
        const { computed } = outputsOf("aws:lb/loadBalancer:LoadBalancer", { name: "web" }, "us-east-1");
        expect(computed.zoneId).to.equal("Z35SXDOTRQ7X7K");
        expect(computed.dnsName).to.match(/^web-\d+\.us-east-1\.elb\.amazonaws\.com$/);
        expect(loadBalancerZoneId("mars-north-1", "network")).to.match(/^Z[A-Z0-9]{13}$/);
    });

    it("a bucket is identified by its name and has global and regional domain names", () => {
        const { id, computed } = outputsOf("aws:s3/bucket:Bucket", { bucket: "data-1234567" }, "us-west-2");
        expect(id).to.equal("data-1234567");
        expect(computed).to.deep.include({
            bucket: "data-1234567", arn: "arn:aws:s3:::data-1234567", bucketDomainName: "data-1234567.s3.amazonaws.com",
            bucketRegionalDomainName: "data-1234567.s3.us-west-2.amazonaws.com", hostedZoneId: "Z3BJ6K6RIION7M", region: "us-west-2",
        });
    });

    it("a VPC and a subnet get EC2-shaped ids and ARNs in the sandbox account", () => {
        const vpc = outputsOf("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16" });
        expect(vpc.id).to.equal(`vpc-${"a".repeat(17)}`);
        expect(vpc.computed.arn).to.equal(`arn:aws:ec2:us-east-1:123456789012:vpc/${vpc.id}`);
        const subnet = outputsOf("aws:ec2/subnet:Subnet", { vpcId: vpc.id, availabilityZone: "us-east-1b" });
        expect(subnet.id).to.match(/^subnet-/);
        expect(subnet.computed).to.deep.include({ availabilityZone: "us-east-1b", availabilityZoneId: "use1-az2" });
    });

    it("an IAM role is global: an ARN without region, no region output", () => {
        const { id, computed } = outputsOf("aws:iam/role:Role", { name: "gateway-role" }, "eu-west-1");
        expect(id).to.equal("gateway-role");
        expect(computed.arn).to.equal("arn:aws:iam::123456789012:role/gateway-role");
        expect(computed).to.not.have.property("region");
        expect(isGlobalType("aws:route53/record:Record")).to.equal(true);
        expect(isGlobalType("aws:ec2/vpc:Vpc")).to.equal(false);
    });

    it("a secret's ARN carries its name plus AWS's six-character suffix; replicas report in sync", () => {
        const { id, computed } = outputsOf("aws:secretsmanager/secret:Secret", { name: "users", replicas: [{ region: "us-west-2" }] });
        expect(id).to.equal("arn:aws:secretsmanager:us-east-1:123456789012:secret:users-aaaaaa");
        expect(computed.replicas).to.deep.equal([{ region: "us-west-2", status: "InSync", statusMessage: "Replication succeeded" }]);
    });

    it("a hosted zone's id is derived from its name, so getZone finds it; it has four name servers", () => {
        const { id, computed } = outputsOf("aws:route53/zone:Zone", { name: "example.com." });
        expect(id).to.equal(hostedZoneIdFor("Example.com"));
        expect(computed.zoneId).to.equal(id);
        expect(computed.nameServers).to.have.length(4);
        expect(nameServersFor(id)[0]).to.match(/^ns-\d+\.awsdns-\d+\.com$/);
    });

    it("a record's id joins zone, name, type and set identifier; a health check gets a UUID", () => {
        const record = outputsOf("aws:route53/record:Record", { zoneId: "Z1", name: "SFTP.example.com", type: "A", setIdentifier: "primary" });
        expect(record.id).to.equal("Z1_sftp.example.com_A_primary");
        expect(record.computed.fqdn).to.equal("sftp.example.com");
        expect(outputsOf("aws:route53/healthCheck:HealthCheck", { type: "TCP" }).id).to.equal(pinned.uuid());
    });

    it("a type the sandbox does not know still gets an id and an ARN under its module", () => {
        const { id, computed } = outputsOf("aws:sqs/queue:Queue", {});
        expect(id).to.equal(`sbx-${"a".repeat(17)}`);
        expect(computed.arn).to.equal(`arn:aws:sqs:us-east-1:123456789012:queue/${id}`);
    });

    it("tags become tagsAll, secret wrappers included", () => {
        const tags = makeSecret({ Name: "x" });
        expect(outputsOf("aws:ec2/vpc:Vpc", { tags }).computed.tagsAll).to.equal(tags);
    });

    it("names from a prefix start with the prefix and fit the type's limit", () => {
        const { computed } = outputsOf("aws:lb/targetGroup:TargetGroup", { namePrefix: "tg-" });
        expect(computed.name).to.match(/^tg-\d+$/);
        expect((computed.name as string).length).to.be.at.most(32);
    });

    it("an update keeps the identity AWS gave, follows mirrored inputs, and bumps a launch template's version", () => {
        const type = "aws:ec2/launchTemplate:LaunchTemplate";
        const old = { arn: "arn:old", latestVersion: 3, region: "us-east-1", tagsAll: { a: "1" } };
        const fresh = { arn: "arn:new", latestVersion: 1, region: "us-east-1", tagsAll: { a: "2" } };
        expect(updatedComputed(type, old, fresh)).to.deep.equal({ arn: "arn:old", latestVersion: 4, region: "us-east-1", tagsAll: { a: "2" } });
    });
});

describe("sandbox regions", () => {
    it("knows partitions and zone-id short codes", () => {
        expect(partitionOf("us-east-1")).to.equal("aws");
        expect(partitionOf("cn-north-1")).to.equal("aws-cn");
        expect(partitionOf("us-gov-west-1")).to.equal("aws-us-gov");
        expect(regionShortCode("ap-southeast-2")).to.equal("apse2");
        expect(availabilityZoneId("eu-west-1c")).to.equal("euw1-az3");
    });
});

describe("sandbox type tables", () => {
    it("name only type tokens that exist in the installed @pulumi/aws", () => {
        const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
        const tokens = new Set([...Object.keys(outputRules), ...typesWithReplaceRules()]);
        const missing = [...tokens].filter((token) => {
            const [, modulePath] = token.split(":");
            const file = path.join(awsDir, `${modulePath}.js`);
            return !fs.existsSync(file) || !fs.readFileSync(file, "utf8").includes(`__pulumiType = '${token}'`);
        });
        expect(missing).to.deep.equal([]);
    });

    it("Route 53 ARC resources are global, with ids under their control panel", () => {
        const panel = "arn:aws:route53-recovery-control::123456789012:controlpanel/" + "a".repeat(32);
        const control = outputsOf("aws:route53recoverycontrol/routingControl:RoutingControl", { name: "primary", controlPanelArn: panel });
        expect(control.id).to.equal(`${panel}/routingcontrol/${"a".repeat(16)}`);
        expect(control.computed).to.not.have.property("region");
    });
});
