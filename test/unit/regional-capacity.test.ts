import { expect } from "chai";
import { CapacityMode } from "../../foundation/posture";
import { capacityFor, launchBeforeTerminate, validateCapacity, validateWarmPool, warmPoolFor, warmPoolSize } from "../../components/capacity";
import { lowestInServiceDuringRefresh } from "../../sandbox/rules/autoscaling";
import { parseIpv4Cidr, subnetCidrs, tierCidrs } from "../../components/network";
import { bucketArnOf, regionalBucketName } from "../../components/regional-bucket";
import { regionNames } from "../../foundation/posture";
import { SftpGatewayArgs, validateAllowedCidrs, validateGatewayArgs, validateGatewayName } from "../../components/sftp-gateway";
import { describeRangeEdges } from "../support/range-edges";

// The regional stack's pure decisions: group sizes per capacity mode, CIDR checks and subnet
// layout, and bucket naming — called directly, without mocks.

const settings = { min: 2, desired: 3, max: 5, pilotLight: 1 };

describe("regional capacity and network decisions", () => {
    describe("capacityFor", () => {
        it("active uses the configured min/desired/max", () => {
            expect(capacityFor("active", settings)).to.deep.equal({ min: 2, desired: 3, max: 5 });
        });
        it("pilot-light pins min and desired to the pilot light and keeps max", () => {
            expect(capacityFor("pilot-light", settings)).to.deep.equal({ min: 1, desired: 1, max: 5 });
            expect(capacityFor("pilot-light", { ...settings, pilotLight: 0 })).to.deep.equal({ min: 0, desired: 0, max: 5 });
        });
        it("drained is 0/0/0", () => {
            expect(capacityFor("drained", settings)).to.deep.equal({ min: 0, desired: 0, max: 0 });
        });
        it("an unknown mode throws naming it and the valid ones", () => {
            expect(() => capacityFor("half" as CapacityMode, settings)).to.throw('unknown capacity mode "half" (valid: active, pilot-light, drained)');
        });
    });

    describe("warm pool", () => {
        it("active and pilot-light keep the configured pool, Stopped, reusing instances on scale-in by default; drained and no config have none", () => {
            const pool = { poolState: "Stopped", minSize: 1, instanceReusePolicy: { reuseOnScaleIn: true } };
            expect(warmPoolFor("pilot-light", { minSize: 1 })).to.deep.equal(pool);
            expect(warmPoolFor("active", { minSize: 1 })).to.deep.equal(pool);
            expect(warmPoolFor("pilot-light", { minSize: 0, maxGroupPreparedCapacity: 2, reuseOnScaleIn: false })).to.deep.equal({
                poolState: "Stopped", minSize: 0, maxGroupPreparedCapacity: 2, instanceReusePolicy: { reuseOnScaleIn: false },
            });
            expect(warmPoolFor("drained", { minSize: 1 })).to.equal(undefined);
            expect(warmPoolFor("pilot-light", undefined)).to.equal(undefined);
        });
        it("holds max less desired, or the prepared capacity less desired, never fewer than its minimum (AWS's warm pool size)", () => {
            expect(warmPoolSize({ min: 1, desired: 1, max: 5 }, { minSize: 0 })).to.equal(4);
            expect(warmPoolSize({ min: 1, desired: 1, max: 5 }, { minSize: 0, maxGroupPreparedCapacity: 2 })).to.equal(1);
            expect(warmPoolSize({ min: 3, desired: 3, max: 5 }, { minSize: 1, maxGroupPreparedCapacity: 2 })).to.equal(1);
            expect(warmPoolSize({ min: 3, desired: 3, max: 5 }, { minSize: 0, maxGroupPreparedCapacity: 2 })).to.equal(0);
        });
        it("refuses a negative or fractional size and a reuse flag that is not a boolean, naming the field", () => {
            expect(() => validateWarmPool({ minSize: -1 })).to.throw("warmPool.minSize must be an integer 0–1000 (got -1)");
            expect(() => validateWarmPool({ minSize: 1, maxGroupPreparedCapacity: 1.5 })).to.throw("warmPool.maxGroupPreparedCapacity must be an integer 0–1000 (got 1.5)");
            expect(() => validateWarmPool({ minSize: 1, reuseOnScaleIn: "yes" as unknown as boolean })).to.throw('warmPool.reuseOnScaleIn must be true or false (got "yes")');
        });
        describeRangeEdges([
            { name: "warmPool.minSize", min: 0, max: 1000, check: (v) => validateWarmPool({ minSize: v }), refusal: /^warmPool\.minSize must be an integer 0–1000/ },
            { name: "warmPool.maxGroupPreparedCapacity", min: 0, max: 1000, check: (v) => validateWarmPool({ minSize: 0, maxGroupPreparedCapacity: v }), refusal: /^warmPool\.maxGroupPreparedCapacity must be an integer 0–1000/ },
        ]);
    });

    describe("instance refresh", () => {
        it("AWS's default and 50 % kept healthy take a group of one to 0 in service; two keep one", () => {
            expect(lowestInServiceDuringRefresh(1, {})).to.equal(0);
            expect(lowestInServiceDuringRefresh(1, { minHealthyPercentage: 50 })).to.equal(0);
            expect(lowestInServiceDuringRefresh(1, { minHealthyPercentage: 100, maxHealthyPercentage: 100 })).to.equal(0);
            expect(lowestInServiceDuringRefresh(2, { minHealthyPercentage: 50 })).to.equal(1);
            expect(lowestInServiceDuringRefresh(1, { minHealthyPercentage: 100, maxHealthyPercentage: 150 })).to.equal(0);
        });
        it("the gateways' preferences launch before terminating: every size from 1 to 1000 keeps all its instances in service", () => {
            expect(launchBeforeTerminate).to.deep.equal({ minHealthyPercentage: 100, maxHealthyPercentage: 200 });
            const short = Array.from({ length: 1000 }, (_, n) => n + 1).filter((d) => lowestInServiceDuringRefresh(d, launchBeforeTerminate) !== d);
            expect(short).to.deep.equal([]);
        });
    });

    describe("validateCapacity", () => {
        it("accepts consistent sizes", () => {
            expect(validateCapacity(settings)).to.deep.equal(settings);
        });
        const bad: [string, typeof settings, RegExp][] = [
            ["min above desired", { ...settings, min: 4 }, /capacity must satisfy min ≤ desired ≤ max \(got min 4, desired 3, max 5\)/],
            ["desired above max", { ...settings, desired: 6 }, /capacity must satisfy min ≤ desired ≤ max/],
            ["a fractional size", { ...settings, desired: 2.5 }, /capacity\.desired must be an integer 0–1000 \(got 2\.5\)/],
            ["a negative size", { ...settings, min: -1 }, /capacity\.min must be an integer/],
            ["max of 0", { min: 0, desired: 0, max: 0, pilotLight: 0 }, /capacity\.max must be at least 1/],
            ["a pilot light above max", { ...settings, pilotLight: 6 }, /capacity\.pilotLight must not exceed capacity\.max/],
        ];
        for (const [what, value, message] of bad) {
            it(`refuses ${what}`, () => {
                expect(() => validateCapacity(value)).to.throw(message);
            });
        }
        // Each size is checked on its own before their order; the others are set so that order holds at both edges.
        describeRangeEdges([
            { name: "capacity.min", min: 0, max: 1000, check: (v) => validateCapacity({ min: v, desired: 1000, max: 1000, pilotLight: 0 }), refusal: /^capacity\.min must be an integer 0–1000/ },
            { name: "capacity.desired", min: 0, max: 1000, check: (v) => validateCapacity({ min: 0, desired: v, max: 1000, pilotLight: 0 }), refusal: /^capacity\.desired must be an integer 0–1000/ },
            { name: "capacity.max", min: 1, max: 1000, check: (v) => validateCapacity({ min: 0, desired: 0, max: v, pilotLight: 0 }), refusal: /^capacity\.max must be (at least 1|an integer 0–1000)/ },
            { name: "capacity.pilotLight", min: 0, max: 1000, check: (v) => validateCapacity({ min: 0, desired: 0, max: 1000, pilotLight: v }), refusal: /^capacity\.pilotLight must be an integer 0–1000/ },
        ]);
    });

    describe("CIDRs", () => {
        it("parses strict IPv4 CIDRs and refuses host bits or bad octets", () => {
            expect(parseIpv4Cidr("10.40.0.0/16")).to.deep.equal({ base: 10 * 2 ** 24 + 40 * 2 ** 16, prefix: 16 });
            expect(parseIpv4Cidr("10.40.0.1/16")).to.equal(null);
            expect(parseIpv4Cidr("300.1.1.0/24")).to.equal(null);
            expect(parseIpv4Cidr("10.0.0.0/33")).to.equal(null);
            expect(parseIpv4Cidr("::/0")).to.equal(null);
        });

        it("splits a VPC into /+4 subnets", () => {
            expect(subnetCidrs("10.40.0.0/16", 3)).to.deep.equal(["10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20"]);
            expect(subnetCidrs("192.168.8.0/22", 2)).to.deep.equal(["192.168.8.0/26", "192.168.8.64/26"]);
            expect(() => subnetCidrs("10.0.0.0/8", 2)).to.throw(/network\.vpcCidr must be an IPv4 CIDR from \/16 to \/24/);
        });

        it("client CIDRs: valid ones pass; the open internet only when allowed; mistakes are named", () => {
            expect(validateAllowedCidrs(["203.0.113.0/24"], false)).to.deep.equal(["203.0.113.0/24"]);
            expect(validateAllowedCidrs(["0.0.0.0/0"], true)).to.deep.equal(["0.0.0.0/0"]);
            expect(() => validateAllowedCidrs(["0.0.0.0/0"], false)).to.throw(/allowedCidrs contains 0\.0\.0\.0\/0, .*set allowAnyCidr: true/);
            expect(() => validateAllowedCidrs([], false)).to.throw(/allowedCidrs must list at least one client CIDR/);
            expect(() => validateAllowedCidrs(["203.0.113.7/24"], false)).to.throw(/allowedCidrs entry "203\.0\.113\.7\/24" is not an IPv4 CIDR/);
            expect(() => validateAllowedCidrs(["10.0.0.0/8", "10.0.0.0/8"], false)).to.throw(/lists 10\.0\.0\.0\/8 twice/);
        });
    });

    describe("bucket names", () => {
        it("are <prefix>-<regionName>-<account>, so each stack can name its peer's bucket", () => {
            expect(regionalBucketName("sftp-failover", "secondary", "123456789012")).to.equal("sftp-failover-secondary-123456789012");
            expect(bucketArnOf("aws-us-gov", "b-1")).to.equal("arn:aws-us-gov:s3:::b-1");
        });
        it("refuse a prefix that makes an invalid bucket name", () => {
            expect(() => regionalBucketName("x".repeat(50), "primary", "123456789012")).to.throw(/namePrefix "x+" gives the invalid bucket name/);
        });
    });

    describe("gateway arguments", () => {
        const good = {
            region: "us-east-1",
            partition: "aws",
            vpcId: "vpc-1",
            subnetIds: ["subnet-a", "subnet-b"],
            instanceSubnetIds: ["subnet-c", "subnet-d"],
            allowedCidrs: ["203.0.113.0/24"],
            healthCheckerPrefixListIds: ["pl-0123456789abcdef0"],
            amiId: "ami-1",
            capacity: { min: 1, desired: 1, max: 2 },
            bucketName: "b",
            bucketArn: "arn:aws:s3:::b",
            hostKeySecretArn: "arn:secret",
            usersObjectKey: ".sftp-failover/users/primary.json",
            users: [],
            bootReads: [],
        } as SftpGatewayArgs;

        it("accepts a consistent set", () => {
            expect(() => validateGatewayArgs(good)).to.not.throw();
        });
        const bad: [string, Partial<SftpGatewayArgs>, RegExp][] = [
            ["a listener port of 0", { listenerPort: 0 }, /^listenerPort must be an integer 1–65535 \(got 0\)/],
            ["a privileged gateway port", { gatewayPort: 22 }, /^gatewayPort must be an integer 1024–65535/],
            ["desired above max", { capacity: { min: 0, desired: 3, max: 2 } }, /^capacity must be whole numbers with 0 ≤ min ≤ desired ≤ max \(got 0\/3\/2\)/],
            ["one subnet", { subnetIds: ["subnet-a"] }, /^subnetIds must name at least two subnets/],
            ["one instance subnet", { instanceSubnetIds: ["subnet-c"] }, /^instanceSubnetIds must name at least two subnets/],
            ["a malformed CIDR", { allowedCidrs: ["10.0.0.0/33"] }, /^allowedCidrs entry "10\.0\.0\.0\/33"/],
            ["an unknown home access", { homeAccess: "per_home" as SftpGatewayArgs["homeAccess"] }, /^homeAccess must be one of per-home, bucket \(got "per_home"\)$/],
        ];
        for (const [what, override, message] of bad) {
            it(`refuses ${what}`, () => {
                expect(() => validateGatewayArgs({ ...good, ...override } as SftpGatewayArgs)).to.throw(message);
            });
        }

        const gateway = (override: Partial<SftpGatewayArgs>) => validateGatewayArgs({ ...good, ...override } as SftpGatewayArgs);
        const subnets = (n: number) => Array.from({ length: n }, (_, i) => `subnet-${i}`);
        describeRangeEdges([
            { name: "listenerPort", min: 1, max: 65535, check: (v) => gateway({ listenerPort: v }), refusal: /^listenerPort must be an integer 1–65535/ },
            { name: "gatewayPort", min: 1024, max: 65535, check: (v) => gateway({ gatewayPort: v }), refusal: /^gatewayPort must be an integer 1024–65535/ },
            { name: "healthCheck.port", min: 1024, max: 65535, check: (v) => gateway({ healthCheck: { protocol: "http", port: v } }), refusal: /^healthCheck\.port must be an integer 1024–65535/ },
            { name: "deregistrationDelaySeconds", min: 0, max: 3600, check: (v) => gateway({ deregistrationDelaySeconds: v }), refusal: /^deregistrationDelaySeconds must be an integer 0–3600/ },
            { name: "capacity.min", min: 0, check: (v) => gateway({ capacity: { min: v, desired: 2, max: 2 } }), refusal: /^capacity must be whole numbers with 0 ≤ min ≤ desired ≤ max/ },
            { name: "subnetIds (count)", min: 2, check: (v) => gateway({ subnetIds: subnets(v) }), refusal: /^subnetIds must name at least two subnets/, integer: false },
            { name: "instanceSubnetIds (count)", min: 2, check: (v) => gateway({ instanceSubnetIds: subnets(v) }), refusal: /^instanceSubnetIds must name at least two subnets/, integer: false },
        ]);
    });

    describe("gateway names", () => {
        // The aws provider autonames `<logical>-<7 hex>` and refuses a result over ELB's 32 characters.
        it("the stack's gateway name fits ELB's limit in both regions", () => {
            for (const regionName of regionNames) {
                expect(() => validateGatewayName(`sftp-${regionName}-gw`), regionName).to.not.throw();
            }
        });
        it("refuses a name whose load balancer autoname would break ELB's 32 characters, naming the child and the limit", () => {
            expect(() => validateGatewayName("sftp-secondary-gateway")).to.throw(
                'SftpGateway name "sftp-secondary-gateway" is too long: its load balancer child "sftp-secondary-gateway-nlb" would be autonamed to 34 characters, and ELB allows 32',
            );
        });
        it("accepts a name whose load balancer autoname is exactly 32 characters", () => {
            expect("sftp-primary-gateway-nlb".length + 8).to.equal(32);
            expect(() => validateGatewayName("sftp-primary-gateway")).to.not.throw();
        });
    });

    describe("subnet tiers", () => {
        it("gives the public tier the first half of the split and the private tier the second, one subnet each per zone", () => {
            expect(tierCidrs("10.40.0.0/16", 3)).to.deep.equal({
                public: ["10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20"],
                private: ["10.40.48.0/20", "10.40.64.0/20", "10.40.80.0/20"],
            });
        });
        it("refuses more zones than the split holds (16 subnets)", () => {
            expect(() => tierCidrs("10.40.0.0/16", 9)).to.throw(/subnet count must be 1–16 \(got 18\)/);
        });
        describeRangeEdges([
            // Two subnets (public, private) per zone: 1–8 zones fill 2–16 subnets.
            // The zones are a list's length, never a fraction: only the subnet count's check guards them.
            { name: "zones of the tiers", min: 1, max: 8, check: (v) => tierCidrs("10.40.0.0/16", v), refusal: /^subnet count must be 1–16/, integer: false },
        ]);
    });

    describe("network ranges", () => {
        const parsed = (cidr: string) => {
            if (parseIpv4Cidr(cidr) === null) {
                throw new Error(`not an IPv4 CIDR: ${cidr}`);
            }
        };
        describeRangeEdges([
            { name: "subnet count", min: 1, max: 16, check: (v) => subnetCidrs("10.40.0.0/16", v), refusal: /^subnet count must be 1–16/ },
            // 10.40.0.0 is aligned to every prefix from /13 to /32, so only the bound decides.
            { name: "vpcCidr prefix length", min: 16, max: 24, check: (v) => subnetCidrs(`10.40.0.0/${v}`, 1), refusal: /^network\.vpcCidr must be an IPv4 CIDR from \/16 to \/24/, integer: false },
            { name: "CIDR prefix length", min: 0, max: 32, check: (v) => parsed(`0.0.0.0/${v}`), refusal: /^not an IPv4 CIDR/, integer: false },
            { name: "CIDR octet", min: 0, max: 255, check: (v) => parsed(`10.0.0.${v}/32`), refusal: /^not an IPv4 CIDR/, integer: false },
        ]);
    });
});
