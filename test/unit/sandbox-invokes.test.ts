import { expect } from "chai";
import { answerInvoke, invokeReachesAws, supportedInvokes } from "../../sandbox/invokes";
import { hostedZoneIdFor } from "../../sandbox/hosted-zones";
import { instanceTypeOfferingsFromEnv } from "../../sandbox/instance-offerings";

describe("sandbox invokes", () => {
    it("answers exactly the invokes docs/architecture.md allows", () => {
        expect([...supportedInvokes].sort()).to.deep.equal([
            "aws:ec2/getAmi:getAmi", "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings", "aws:ec2/getManagedPrefixList:getManagedPrefixList", "aws:index/getAvailabilityZones:getAvailabilityZones", "aws:index/getCallerIdentity:getCallerIdentity",
            "aws:index/getPartition:getPartition", "aws:index/getRegion:getRegion", "aws:route53/getZone:getZone",
        ]);
    });

    it("getManagedPrefixList answers Route 53's health-checker lists by name or filter, with a stable pl- id per region", () => {
        const token = "aws:ec2/getManagedPrefixList:getManagedPrefixList";
        const east = answerInvoke(token, { name: "com.amazonaws.us-east-1.route53-healthchecks" }, "us-east-1");
        expect(east.id).to.match(/^pl-[0-9a-f]{17}$/);
        expect(east).to.deep.include({ name: "com.amazonaws.us-east-1.route53-healthchecks", addressFamily: "IPv4", ownerId: "AWS" });
        expect((east.entries as { cidr: string }[]).map((e) => e.cidr)).to.include("54.243.31.192/26");
        const byFilter = answerInvoke(token, { filters: [{ name: "prefix-list-name", values: ["com.amazonaws.us-east-1.route53-healthchecks"] }] }, "us-east-1");
        expect(byFilter.id).to.equal(east.id);
        const west = answerInvoke(token, { region: "us-west-2", name: "com.amazonaws.us-west-2.route53-healthchecks" }, "us-east-1");
        expect(west.id).to.not.equal(east.id);
        const v6 = answerInvoke(token, { name: "com.amazonaws.us-east-1.ipv6.route53-healthchecks" }, "us-east-1");
        expect(v6.addressFamily).to.equal("IPv6");
        // Another region's name is not a list of this region, as with AWS.
        expect(() => answerInvoke(token, { name: "com.amazonaws.us-west-2.route53-healthchecks" }, "us-east-1")).to.throw(/no managed prefix list in us-east-1 matches name com\.amazonaws\.us-west-2/);
    });

    it("getInstanceTypeOfferings answers per zone from the modelled offerings: every zone by default, the named ones when SANDBOX_INSTANCE_TYPE_OFFERINGS lists them", () => {
        const token = "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings";
        const args = { region: "us-west-2", locationType: "availability-zone", filters: [{ name: "instance-type", values: ["t3.small"] }] };
        expect(answerInvoke(token, args, "us-east-1").locations).to.deep.equal(["us-west-2a", "us-west-2b", "us-west-2c"]);
        const offerings = instanceTypeOfferingsFromEnv({ SANDBOX_INSTANCE_TYPE_OFFERINGS: JSON.stringify({ "us-west-2": { "t3.small": ["us-west-2c", "us-west-2a"] } }) });
        const limited = answerInvoke(token, args, "us-east-1", { instanceTypeOfferings: offerings });
        expect(limited).to.deep.include({ locations: ["us-west-2a", "us-west-2c"], instanceTypes: ["t3.small", "t3.small"], locationTypes: ["availability-zone", "availability-zone"] });
        // Another type, or another region, is still offered everywhere; the location filter narrows.
        expect(answerInvoke(token, { ...args, filters: [{ name: "instance-type", values: ["m7g.large"] }] }, "us-east-1", { instanceTypeOfferings: offerings }).locations).to.have.length(3);
        expect(answerInvoke(token, { ...args, filters: [...args.filters, { name: "location", values: ["us-west-2c"] }] }, "us-east-1", { instanceTypeOfferings: offerings }).locations).to.deep.equal(["us-west-2c"]);
        expect(() => answerInvoke(token, { ...args, locationType: "region" }, "us-east-1")).to.throw(/locationType "region" is not supported/);
        expect(() => answerInvoke(token, { locationType: "availability-zone" }, "us-east-1")).to.throw(/needs an instance-type filter/);
        expect(() => instanceTypeOfferingsFromEnv({ SANDBOX_INSTANCE_TYPE_OFFERINGS: "{\"us-west-2\": [\"a\"]}" })).to.throw(
            'sandbox: SANDBOX_INSTANCE_TYPE_OFFERINGS has a malformed entry for us-west-2: give {"<region>": {"<instance type>": ["<zone>", ...]}}',
        );
    });

    it("getRegion honours a region argument, else answers the provider's region", () => {
        expect(answerInvoke("aws:index/getRegion:getRegion", {}, "eu-west-1")).to.deep.include({ region: "eu-west-1", name: "eu-west-1", id: "eu-west-1" });
        expect(answerInvoke("aws:index/getRegion:getRegion", { region: "us-west-2" }, "eu-west-1").region).to.equal("us-west-2");
    });

    it("getCallerIdentity and getPartition describe the sandbox account", () => {
        expect(answerInvoke("aws:index/getCallerIdentity:getCallerIdentity", {}, "us-east-1")).to.deep.include({ accountId: "123456789012" });
        expect(answerInvoke("aws:index/getPartition:getPartition", {}, "us-east-1")).to.deep.include({ partition: "aws", dnsSuffix: "amazonaws.com" });
    });

    it("getAvailabilityZones answers three zones a, b, c of the region, minus exclusions", () => {
        const all = answerInvoke("aws:index/getAvailabilityZones:getAvailabilityZones", { state: "available" }, "us-west-2");
        expect(all.names).to.deep.equal(["us-west-2a", "us-west-2b", "us-west-2c"]);
        expect(all.zoneIds).to.deep.equal(["usw2-az1", "usw2-az2", "usw2-az3"]);
        const some = answerInvoke("aws:index/getAvailabilityZones:getAvailabilityZones", { region: "eu-west-1", excludeNames: ["eu-west-1b"] }, "us-west-2");
        expect(some.names).to.deep.equal(["eu-west-1a", "eu-west-1c"]);
    });

    it("getAmi answers a stable image id per region, different between regions", () => {
        const args = { mostRecent: true, owners: ["amazon"], filters: [{ name: "name", values: ["al2023-ami-*-x86_64"] }] };
        const east = answerInvoke("aws:ec2/getAmi:getAmi", args, "us-east-1");
        expect(east.id).to.match(/^ami-[0-9a-f]{17}$/);
        expect(answerInvoke("aws:ec2/getAmi:getAmi", args, "us-east-1").id).to.equal(east.id);
        expect(answerInvoke("aws:ec2/getAmi:getAmi", { ...args, region: "us-west-2" }, "us-east-1").id).to.not.equal(east.id);
        expect(east.architecture).to.equal("x86_64");
    });

    it("getZone by name answers the id a zone of that name gets in the sandbox, with its name servers", () => {
        const zone = answerInvoke("aws:route53/getZone:getZone", { name: "Example.com." }, "us-east-1");
        expect(zone).to.deep.include({ zoneId: hostedZoneIdFor("example.com"), name: "example.com", privateZone: false });
        expect(zone.nameServers).to.have.length(4);
    });

    it("getZone by zone id alone fails clearly (the sandbox keeps no zone store)", () => {
        expect(() => answerInvoke("aws:route53/getZone:getZone", { zoneId: "Z123" }, "us-east-1")).to.throw(/getZone by zoneId \("Z123"\) alone is not supported/);
    });

    it("an unknown invoke fails, naming its token — never an empty success", () => {
        expect(() => answerInvoke("aws:ec2/getVpc:getVpc", {}, "us-east-1")).to.throw(/invoke aws:ec2\/getVpc:getVpc is not supported/);
    });

    it("only invokes that call AWS for real are subject to region faults", () => {
        expect(invokeReachesAws("aws:index/getRegion:getRegion")).to.equal(false);
        expect(invokeReachesAws("aws:index/getPartition:getPartition")).to.equal(false);
        expect(invokeReachesAws("aws:index/getAvailabilityZones:getAvailabilityZones")).to.equal(true);
        expect(invokeReachesAws("aws:route53/getZone:getZone")).to.equal(true);
    });
});
