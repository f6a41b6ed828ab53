import { expect } from "chai";
import { chooseZones } from "../../components/availability-zones";
import { answerInvoke } from "../../sandbox/invokes";
import { instanceTypeOfferingsFromEnv } from "../../sandbox/instance-offerings";
import { mockInstanceTypeZones, ofType, primaryConfig, runRegional, runRegionalFailure, secondaryConfig } from "./regional-harness";

// Zones are chosen among those offering the gateways' instance type (EC2 DescribeInstanceTypeOfferings).

const zones = ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"];
const choose = (offeredIn: readonly string[], count = 2) => chooseZones({ region: "us-west-2", zones, instanceType: "t3.small", offeredIn, count });

describe("availability zone choice", () => {
    it("takes the first zones, in the region's order, that offer the type", () => {
        expect(choose(zones)).to.deep.equal(["us-west-2a", "us-west-2b"]);
        expect(choose(["us-west-2d", "us-west-2b", "us-west-2c"])).to.deep.equal(["us-west-2b", "us-west-2c"]);
    });

    it("exactly enough zones offering the type: all of them", () => {
        expect(choose(["us-west-2c", "us-west-2a"])).to.deep.equal(["us-west-2a", "us-west-2c"]);
        expect(choose(zones, 4)).to.deep.equal(zones);
    });

    it("one zone short: refused in one line naming the type, the region and the zones that offer it", () => {
        expect(() => choose(["us-west-2c"])).to.throw(
            "sftp-failover:instanceType t3.small is offered in 1 of the 4 zones of us-west-2 (us-west-2c); network.availabilityZoneCount needs 2: choose a type offered in 2 zones (aws ec2 describe-instance-type-offerings --location-type availability-zone --region us-west-2)",
        );
        expect(() => choose(["us-west-2a", "us-west-2b", "us-west-2c"], 4)).to.throw(/^sftp-failover:instanceType t3\.small is offered in 3 of the 4 zones of us-west-2 \(us-west-2a, us-west-2b, us-west-2c\); network\.availabilityZoneCount needs 4/);
        // An offering outside the region's regular zones (a Local Zone) does not count.
        expect(() => choose(["us-west-2-lax-1a", "us-west-2a"])).to.throw(/offered in 1 of the 4 zones .*\(us-west-2a\)/);
        expect(() => choose([])).to.throw(/offered in 0 of the 4 zones of us-west-2 \(none\)/);
    });

    it("a region with fewer regular zones than asked is refused, whatever the offerings", () => {
        expect(() => chooseZones({ region: "us-west-1", zones: ["us-west-1a", "us-west-1c"], instanceType: "t3.small", offeredIn: [], count: 3 })).to.throw(
            "sftp-failover:network.availabilityZoneCount is 3 but us-west-1 offers 2 zones",
        );
    });

    describe("in the regional stack", () => {
        afterEach(() => {
            delete mockInstanceTypeZones["us-east-1/t3.small"];
            delete mockInstanceTypeZones["us-west-2/t3.small"];
        });

        it("builds the subnets in the zones offering the instance type, and refuses the region when too few do", async () => {
            mockInstanceTypeZones["us-east-1/t3.small"] = ["us-east-1b", "us-east-1c"];
            const run = await runRegional(primaryConfig());
            const subnetZones = ofType(run, "aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone);
            expect([...new Set(subnetZones)]).to.deep.equal(["us-east-1b", "us-east-1c"]);
            mockInstanceTypeZones["us-east-1/t3.small"] = ["us-east-1c"];
            const { error, resources } = await runRegionalFailure(primaryConfig());
            expect(error.message).to.match(/^sftp-failover:instanceType t3\.small is offered in 1 of the 3 zones of us-east-1 \(us-east-1c\)/);
            expect(resources.filter((r) => r.type === "aws:ec2/subnet:Subnet")).to.deep.equal([]);
        });

        it("with the sandbox's offerings (SANDBOX_INSTANCE_TYPE_OFFERINGS: t3.small in us-west-2c only), the secondary is refused naming t3.small and us-west-2; the primary's region, which offers it everywhere, builds", async () => {
            // The zones as the sandbox's getInstanceTypeOfferings answers them under that variable (the lab's setting).
            const offerings = instanceTypeOfferingsFromEnv({ SANDBOX_INSTANCE_TYPE_OFFERINGS: JSON.stringify({ "us-west-2": { "t3.small": ["us-west-2c"] } }) });
            for (const region of ["us-east-1", "us-west-2"]) {
                const args = { region, locationType: "availability-zone", filters: [{ name: "instance-type", values: ["t3.small"] }] };
                mockInstanceTypeZones[`${region}/t3.small`] = answerInvoke("aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings", args, region, { instanceTypeOfferings: offerings }).locations as string[];
            }
            const { error } = await runRegionalFailure(secondaryConfig());
            expect(error.message).to.contain(
                "sftp-failover:instanceType t3.small is offered in 1 of the 3 zones of us-west-2 (us-west-2c); network.availabilityZoneCount needs 2",
            );
            const primary = await runRegional(primaryConfig());
            expect(primary.resources.filter((r) => r.type.startsWith("aws:")).length).to.be.greaterThan(25);
        });
    });
});
