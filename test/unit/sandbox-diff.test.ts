import { expect } from "chai";
import { diffInputs } from "../../sandbox/diff";
import { applyAutoname, needsDeleteBeforeReplace } from "../../sandbox/naming";
import { canonicalType, changeReplaces, replaceProperties, typesWithReplaceRules } from "../../sandbox/replacements";
import { makeSecret, unknownValue } from "../../sandbox/values";

describe("sandbox diff", () => {
    it("reports no change when every input keeps its value, whatever the key order", () => {
        const d = diffInputs("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", tags: { a: "1", b: "2" } }, { tags: { b: "2", a: "1" }, cidrBlock: "10.0.0.0/16" });
        expect(d).to.deep.equal({ changes: false, diffs: [], replaces: [], detailedDiff: {} });
    });

    it("a file asset is compared by its hash, as the engine sends it: a new path to the same bytes is no change, new bytes are an update", () => {
        const asset = (hash: string, path: string) => ({ "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", hash, path });
        const object = "aws:s3/bucketObjectv2:BucketObjectv2";
        expect(diffInputs(object, { key: "k", source: asset("ab12", "/old/users.json") }, { key: "k", source: asset("ab12", "/new/users.json") }).changes).to.equal(false);
        expect(diffInputs(object, { key: "k", source: asset("ab12", "/same.json") }, { key: "k", source: asset("cd34", "/same.json") }).detailedDiff).to.deep.equal({ source: "update" });
    });

    it("a changed tag is an in-place update of exactly that property", () => {
        const d = diffInputs("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", tags: { Name: "a" } }, { cidrBlock: "10.0.0.0/16", tags: { Name: "b" } });
        expect(d.diffs).to.deep.equal(["tags"]);
        expect(d.replaces).to.deep.equal([]);
        expect(d.detailedDiff).to.deep.equal({ tags: "update" });
    });

    it("a changed VPC CIDR block replaces the VPC", () => {
        const d = diffInputs("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16" }, { cidrBlock: "10.1.0.0/16" });
        expect(d.replaces).to.deep.equal(["cidrBlock"]);
        expect(d.detailedDiff).to.deep.equal({ cidrBlock: "update-replace" });
    });

    it("tells additions and deletions apart, and marks a replacing addition", () => {
        const d = diffInputs("aws:ec2/subnet:Subnet", { vpcId: "vpc-1", mapPublicIpOnLaunch: true }, { vpcId: "vpc-1", availabilityZone: "us-east-1a" });
        expect(d.detailedDiff).to.deep.equal({ availabilityZone: "add-replace", mapPublicIpOnLaunch: "delete" });
    });

    it("treats null and absent as the same unset value", () => {
        expect(diffInputs("aws:s3/bucket:Bucket", { bucket: "b", forceDestroy: null }, { bucket: "b" }).changes).to.equal(false);
    });

    it("a secret that keeps its value is unchanged; one that changes shows as changed", () => {
        const type = "aws:secretsmanager/secretVersion:SecretVersion";
        expect(diffInputs(type, { secretString: makeSecret("s1") }, { secretString: makeSecret("s1") }).changes).to.equal(false);
        expect(diffInputs(type, { secretString: makeSecret("s1") }, { secretString: makeSecret("s2") }).replaces).to.deep.equal(["secretString"]);
    });

    it("a value not yet known (preview) counts as a change, and replaces when its property does", () => {
        const d = diffInputs("aws:ec2/subnet:Subnet", { vpcId: "vpc-1", tags: { a: "1" } }, { vpcId: unknownValue, tags: { a: "1" } });
        expect(d.detailedDiff).to.deep.equal({ vpcId: "update-replace" });
    });

    it("a changed region replaces any regional resource, even of a type the table does not list", () => {
        const d = diffInputs("aws:sqs/queue:Queue", { region: "us-east-1", delaySeconds: 1 }, { region: "us-west-2", delaySeconds: 2 });
        expect(d.detailedDiff).to.deep.equal({ region: "update-replace", delaySeconds: "update" });
    });

    it("ignores the provider's own __defaults bookkeeping", () => {
        expect(diffInputs("aws:lb/targetGroup:TargetGroup", { __defaults: ["name"], name: "tg-1" }, { name: "tg-1" }).changes).to.equal(false);
    });
});

describe("sandbox replace-on-change table", () => {
    const cases: Array<[string, string, boolean]> = [
        ["aws:ec2/subnet:Subnet", "cidrBlock", true],
        ["aws:ec2/subnet:Subnet", "vpcId", true],
        ["aws:ec2/subnet:Subnet", "mapPublicIpOnLaunch", false],
        ["aws:s3/bucket:Bucket", "bucket", true],
        ["aws:s3/bucket:Bucket", "forceDestroy", false],
        ["aws:lb/loadBalancer:LoadBalancer", "loadBalancerType", true],
        ["aws:lb/loadBalancer:LoadBalancer", "internal", true],
        ["aws:lb/loadBalancer:LoadBalancer", "enableCrossZoneLoadBalancing", false],
        ["aws:lb/targetGroup:TargetGroup", "port", true],
        ["aws:lb/targetGroup:TargetGroup", "healthCheck", false],
        ["aws:ec2/launchTemplate:LaunchTemplate", "name", true],
        ["aws:ec2/launchTemplate:LaunchTemplate", "userData", false],
        ["aws:autoscaling/group:Group", "desiredCapacity", false],
        ["aws:route53/record:Record", "name", true],
        ["aws:route53/record:Record", "zoneId", true],
        ["aws:route53/record:Record", "setIdentifier", false],
        ["aws:route53/record:Record", "weightedRoutingPolicies", false],
        ["aws:route53/healthCheck:HealthCheck", "type", true],
        ["aws:route53/healthCheck:HealthCheck", "childHealthchecks", false],
        ["aws:cloudwatch/metricAlarm:MetricAlarm", "name", true],
        ["aws:cloudwatch/metricAlarm:MetricAlarm", "threshold", false],
        ["aws:secretsmanager/secret:Secret", "name", true],
        ["aws:secretsmanager/secret:Secret", "replicas", false],
        ["aws:iam/role:Role", "name", true],
        ["aws:iam/role:Role", "assumeRolePolicy", false],
        ["aws:kms/key:Key", "multiRegion", true],
        ["aws:kms/key:Key", "description", false],
    ];
    for (const [type, key, replaces] of cases) {
        it(`${type} ${key} ${replaces ? "replaces" : "updates in place"}`, () => {
            expect(replaceProperties(type).includes(key)).to.equal(replaces);
        });
    }

    it("every listed type also replaces on a region change", () => {
        for (const type of typesWithReplaceRules()) {
            expect(replaceProperties(type), type).to.include("region");
        }
    });

    it("maps the aws:alb aliases onto aws:lb", () => {
        expect(canonicalType("aws:alb/targetGroup:TargetGroup")).to.equal("aws:lb/targetGroup:TargetGroup");
        expect(replaceProperties("aws:alb/targetGroup:TargetGroup")).to.include("port");
    });

    it("an NLB gains subnets in place but is replaced when it loses one", () => {
        const type = "aws:lb/loadBalancer:LoadBalancer";
        const olds = { loadBalancerType: "network", subnets: ["subnet-a", "subnet-b"] };
        expect(changeReplaces(type, "subnets", olds, { loadBalancerType: "network", subnets: ["subnet-a", "subnet-b", "subnet-c"] })).to.equal(false);
        expect(changeReplaces(type, "subnets", olds, { loadBalancerType: "network", subnets: ["subnet-a"] })).to.equal(true);
        expect(changeReplaces(type, "subnets", { ...olds, loadBalancerType: "application" }, { loadBalancerType: "application", subnets: ["subnet-a"] })).to.equal(false);
    });
});

describe("sandbox autonaming and delete-before-replace", () => {
    const suffix = () => "abc1234";

    it("names an unnamed resource <logical>-<7 hex>, never cut, and marks the name as a default", () => {
        const { inputs, failure } = applyAutoname("aws:lb/targetGroup:TargetGroup", "sftp-primary-gateway-tg", {}, { port: 2022 }, suffix);
        expect(failure).to.equal(undefined);
        expect(inputs.name).to.equal("sftp-primary-gateway-tg-abc1234");
        expect(inputs.__defaults).to.deep.equal(["name"]);
    });

    it("refuses, as pulumi-aws does, an autoname whose logical name, hyphen and 7 characters exceed the autonaming limit", () => {
        const { inputs, failure } = applyAutoname("aws:lb/targetGroup:TargetGroup", "sftp-secondary-gateway-tg", {}, { port: 2022 }, suffix);
        expect(failure).to.deep.equal({
            property: "name",
            reason: `name "sftp-secondary-gateway-tg-" plus 7 random characters is longer than the maximum length 32`,
        });
        expect(inputs).to.deep.equal({ port: 2022 });
    });

    it("keeps the previous autoname on update", () => {
        expect(applyAutoname("aws:iam/role:Role", "gw", { name: "gw-1111111" }, {}, suffix).inputs.name).to.equal("gw-1111111");
    });

    it("leaves a given name or prefix alone, and lower-cases (only) S3 bucket autonames", () => {
        expect(applyAutoname("aws:iam/role:Role", "gw", {}, { name: "fixed" }, suffix).inputs).to.deep.equal({ name: "fixed" });
        expect(applyAutoname("aws:iam/role:Role", "gw", {}, { namePrefix: "gw-" }, suffix).inputs).to.deep.equal({ namePrefix: "gw-" });
        expect(applyAutoname("aws:s3/bucket:Bucket", "Primary-Data", {}, {}, suffix).inputs.bucket).to.equal("primary-data-abc1234");
    });

    it("does not name types pulumi-aws does not name", () => {
        expect(applyAutoname("aws:ec2/vpc:Vpc", "vpc", {}, { cidrBlock: "10.0.0.0/16" }, suffix).inputs).to.deep.equal({ cidrBlock: "10.0.0.0/16" });
        expect(applyAutoname("aws:route53/record:Record", "rec", {}, { type: "A" }, suffix).inputs).to.deep.equal({ type: "A" });
    });

    it("deletes before replacing only when the program fixed the name", () => {
        expect(needsDeleteBeforeReplace("aws:lb/targetGroup:TargetGroup", { name: "tg" })).to.equal(true);
        expect(needsDeleteBeforeReplace("aws:lb/targetGroup:TargetGroup", { name: "tg-abc1234", __defaults: ["name"] })).to.equal(false);
        expect(needsDeleteBeforeReplace("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16" })).to.equal(false);
    });
});
