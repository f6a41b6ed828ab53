import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { generateHostKeys } from "../../components/host-keys";
import { RegionalConfig, defaultProjectDir, parseRegionalConfig } from "../../stacks/config/regional";
import { ConfigReader } from "../../stacks/config/source";
import { fixtures, primaryConfig, secondaryConfig } from "./regional-harness";

// The regional loader's decisions, judged by what parseRegionalConfig returns (each default, each
// derived value) and by the exact line each refusal prints, naming the key. The program's own
// refusals under mocks are in regional-config.test.ts; the ranges' edges in config-boundaries.test.ts.

const alice = fs.readFileSync(path.join(fixtures, "user-keys", "alice.pub"), "utf8").trim();
const secretKeys = ["hostKeys", "canaryKey"];
const keyArn = {
    east: "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    west: "arn:aws:kms:us-west-2:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
};
const pinnedPackage = { key: ".sftp-failover/artifacts/sftpgo.rpm", sha256: "0".repeat(64) };

/** A config as the driver's preflight reads it (`getAllConfig`): namespaced keys, objects as JSON text; undefined removes a key. */
function readerOf(config: Record<string, unknown>): ConfigReader {
    const entries = Object.entries(config)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [`sftp-failover:${k}`, { value: typeof v === "string" ? v : JSON.stringify(v), secret: secretKeys.includes(k) }]);
    return ConfigReader.fromEntries(Object.fromEntries(entries));
}

/** The primary's config (or `base`) with `overrides`, parsed. */
function parse(overrides: Record<string, unknown> = {}, base: () => Record<string, unknown> = primaryConfig, projectDir?: string): RegionalConfig {
    return parseRegionalConfig(readerOf({ ...base(), ...overrides }), projectDir === undefined ? {} : { projectDir });
}

/** The refusal of `overrides`, which must be exactly `message`. */
function refusal(overrides: Record<string, unknown>, message: string): void {
    expect(() => parse(overrides)).to.throw(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
}

describe("regional config loader: regions and names", () => {
    it("a primary's peer is the secondary and a secondary's the primary", () => {
        expect(parse()).to.deep.include({ region: "us-east-1", regionName: "primary", peerRegion: "us-west-2", peerRegionName: "secondary" });
        expect(parse({}, secondaryConfig)).to.deep.include({ region: "us-west-2", regionName: "secondary", peerRegion: "us-east-1", peerRegionName: "primary" });
    });

    it("refuses a malformed region or peer region, and a peer equal to the region, naming the key", () => {
        refusal({ region: "US East" }, 'sftp-failover:region must be an AWS region like us-east-1 (got "US East")');
        refusal({ peerRegion: "west" }, 'sftp-failover:peerRegion must be an AWS region like us-east-1 (got "west")');
        refusal({ peerRegion: "us-east-1" }, 'sftp-failover:peerRegion must differ from region (both are "us-east-1")');
        refusal({ regionName: "tertiary" }, 'sftp-failover:regionName must be one of primary, secondary (got "tertiary")');
    });

    it("a stack the driver never ran takes the active-passive capacity mode: active on the primary, pilot-light on the secondary", () => {
        expect(parse({ capacityMode: undefined }).capacityMode).to.equal("active");
        expect(parse({ capacityMode: undefined }, secondaryConfig).capacityMode).to.equal("pilot-light");
        expect(parse({ capacityMode: "drained" }).capacityMode).to.equal("drained");
    });

    it("the name prefix defaults to sftp-failover and takes 3–30 lowercase letters, digits or hyphens, from a letter to a letter or digit", () => {
        expect(parse().namePrefix).to.equal("sftp-failover");
        for (const ok of ["abc", "a1-b", `a${"b".repeat(28)}c`, "acme-9"]) {
            expect(parse({ namePrefix: ok }).namePrefix, ok).to.equal(ok);
        }
        for (const bad of ["ab", `a${"b".repeat(29)}c`, "1abc", "-abc", "abc-", "ab_c", "Abc", "xabc!"]) {
            refusal({ namePrefix: bad }, `sftp-failover:namePrefix must be 3–30 lowercase letters, digits or hyphens, starting with a letter (got "${bad}")`);
        }
    });
});

describe("regional config loader: listener, clients and bucket", () => {
    it("defaults: port 22, 30 noncurrent days, no KMS keys, SSM off, replication and deletion protection on, not quiesced", () => {
        const config = parse();
        expect(config).to.deep.include({
            listenerPort: 22,
            noncurrentVersionDays: 30,
            kmsKeyArn: undefined,
            peerKmsKeyArn: undefined,
            sessionManager: false,
            replicationEnabled: true,
            deletionProtection: true,
            quiesced: false,
            instanceType: "t3.small",
            amiId: undefined,
            sftpgoVersion: undefined,
            drainTimeoutSeconds: 30,
            usersRefreshSeconds: 60,
        });
        expect(config).not.to.have.property("warmPool");
        expect(config).not.to.have.property("sftpgoPackage");
        expect(config).not.to.have.property("canary");
    });

    it("takes each switch as set", () => {
        const config = parse({ sessionManager: true, replicationEnabled: false, deletionProtection: false, quiesced: true, listenerPort: 2222, noncurrentVersionDays: 7 });
        expect(config).to.deep.include({ sessionManager: true, replicationEnabled: false, deletionProtection: false, quiesced: true, listenerPort: 2222, noncurrentVersionDays: 7 });
    });

    it("refuses a fractional port or day count, naming the key and the value", () => {
        refusal({ listenerPort: 22.5 }, "sftp-failover:listenerPort must be an integer (got 22.5)");
        refusal({ noncurrentVersionDays: 1.5 }, "sftp-failover:noncurrentVersionDays must be a whole number of days (got 1.5)");
    });

    it("refuses 0.0.0.0/0 unless allowAnyCidr is true", () => {
        expect(() => parse({ allowedCidrs: ["0.0.0.0/0"] })).to.throw(/^sftp-failover:allowedCidrs contains 0\.0\.0\.0\/0/);
        expect(() => parse({ allowedCidrs: ["0.0.0.0/0"], allowAnyCidr: false })).to.throw(/^sftp-failover:allowedCidrs contains 0\.0\.0\.0\/0/);
        expect(parse({ allowedCidrs: ["0.0.0.0/0"], allowAnyCidr: true }).allowedCidrs).to.deep.equal(["0.0.0.0/0"]);
    });

    it("refuses allowedCidrs that is not a list", () => {
        refusal({ allowedCidrs: { a: "10.0.0.0/8" } }, "sftp-failover:allowedCidrs must be a list of IPv4 CIDRs");
    });

    it("takes both bucket keys, each of its own bucket's region, and refuses either alone naming the one missing", () => {
        expect(parse({ kmsKeyArn: keyArn.east, peerKmsKeyArn: keyArn.west })).to.deep.include({ kmsKeyArn: keyArn.east, peerKmsKeyArn: keyArn.west });
        const together = "must be set together with the other: replicas are re-encrypted with the peer's key";
        refusal({ kmsKeyArn: keyArn.east }, `sftp-failover:peerKmsKeyArn ${together}`);
        refusal({ peerKmsKeyArn: keyArn.west }, `sftp-failover:kmsKeyArn ${together}`);
        expect(() => parse({ kmsKeyArn: keyArn.west, peerKmsKeyArn: keyArn.west })).to.throw(/^sftp-failover:kmsKeyArn is a key in us-west-2 but the bucket it encrypts is in us-east-1 \(sftp-failover:region\)/);
        expect(() => parse({ kmsKeyArn: keyArn.east, peerKmsKeyArn: keyArn.east })).to.throw(/^sftp-failover:peerKmsKeyArn is a key in us-east-1 but the bucket it encrypts is in us-west-2 \(sftp-failover:peerRegion\)/);
    });
});

describe("regional config loader: instances and software", () => {
    it("takes an instance type family.size and refuses anything else", () => {
        for (const ok of ["m5.large", "c6gn.16xlarge", "u-6tb1.metal"]) {
            expect(parse({ instanceType: ok }).instanceType, ok).to.equal(ok);
        }
        for (const bad of ["t3", "T3.small", "3t.small", "t3.small!", "t3.", ".small"]) {
            refusal({ instanceType: bad }, `sftp-failover:instanceType must be an EC2 instance type like t3.small (got "${bad}")`);
        }
    });

    it("takes an AMI id ami-<hex> and refuses anything else", () => {
        expect(parse({ amiId: "ami-0123456789abcdef0" }).amiId).to.equal("ami-0123456789abcdef0");
        for (const bad of ["ubuntu", "ami-", "ami-0123G", "xami-0123", "ami-0123 "]) {
            refusal({ amiId: bad }, `sftp-failover:amiId must be an AMI id like ami-0abc... (got "${bad}")`);
        }
    });

    it("takes an SFTPGo version x.y.z or x.y.z-n and refuses anything else", () => {
        for (const ok of ["2.6.6", "12.10.100", "2.6.6-1", "2.6.6-12"]) {
            expect(parse({ sftpgoVersion: ok }).sftpgoVersion, ok).to.equal(ok);
        }
        for (const bad of ["2.6", "v2.6.6", "2.6.6-", "2.6.6x", "2.6.6-rc1", "2..6"]) {
            refusal({ sftpgoVersion: bad }, `sftp-failover:sftpgoVersion must be a version like 2.6.6 (got "${bad}")`);
        }
    });

    it("takes a pinned package, and refuses it beside sftpgoVersion", () => {
        expect(parse({ sftpgoPackage: pinnedPackage }).sftpgoPackage).to.deep.equal(pinnedPackage);
        refusal({ sftpgoPackage: { ...pinnedPackage, sha256: "abc" } }, 'sftp-failover:sftpgoPackage.sha256 must be the file\'s SHA-256 as 64 lowercase hex digits (got "abc")');
        refusal(
            { sftpgoPackage: pinnedPackage, sftpgoVersion: "2.6.6" },
            "sftp-failover:sftpgoVersion pins the repository's package; with sftpgoPackage the pinned file is the version — leave sftpgoVersion out",
        );
    });

    it("takes the drain and users-refresh periods in whole seconds", () => {
        expect(parse({ drainTimeoutSeconds: 0, usersRefreshSeconds: 3600 })).to.deep.include({ drainTimeoutSeconds: 0, usersRefreshSeconds: 3600 });
        refusal({ drainTimeoutSeconds: 2.5 }, "sftp-failover:drainTimeoutSeconds must be whole seconds 0–3600 (got 2.5)");
        refusal({ usersRefreshSeconds: 2.5 }, "sftp-failover:usersRefreshSeconds must be whole seconds 1–3600 (got 2.5)");
        // The users timer's range at its edges (1 is accepted above the drain's 0).
        expect(parse({ usersRefreshSeconds: 1 }).usersRefreshSeconds).to.equal(1);
        refusal({ usersRefreshSeconds: 0 }, 'sftp-failover:usersRefreshSeconds must be 1–3600 (got "0")');
        refusal({ usersRefreshSeconds: 3601 }, 'sftp-failover:usersRefreshSeconds must be 1–3600 (got "3601")');
    });
});

describe("regional config loader: tags", () => {
    it("every resource carries the project and region name; the user's tags are added and may override them", () => {
        expect(parse().tags).to.deep.equal({ project: "sftp-failover", regionName: "primary" });
        expect(parse({ tags: { team: "ops", project: "acme" } }).tags).to.deep.equal({ project: "acme", regionName: "primary", team: "ops" });
    });

    it("refuses tags that are not a map of strings", () => {
        for (const bad of [["a"], 5, '"text"', { team: 3 }]) {
            refusal({ tags: bad }, "sftp-failover:tags must be a map of strings");
        }
    });

    it("refuses an empty or blank key, the aws: prefix in any case, and a value over 256 characters", () => {
        refusal({ tags: { "": "v" } }, 'sftp-failover:tags key "" must be 1–128 characters');
        refusal({ tags: { "  ": "v" } }, 'sftp-failover:tags key "  " must be 1–128 characters');
        refusal({ tags: { "aws:team": "v" } }, 'sftp-failover:tags.aws:team uses the prefix "aws:", which AWS reserves for its own tags');
        refusal({ tags: { "AWS:team": "v" } }, 'sftp-failover:tags.AWS:team uses the prefix "aws:", which AWS reserves for its own tags');
        expect(parse({ tags: { "team-aws:": "v" } }).tags).to.include({ "team-aws:": "v" });
    });
});

describe("regional config loader: network", () => {
    const existing = { vpcId: "vpc-0abc", subnetIds: ["subnet-0aaa", "subnet-0bbb"], instanceSubnetIds: ["subnet-0ccc", "subnet-0ddd"] };
    const valid = "vpcCidr, availabilityZoneCount, flowLogRetentionDays, nat, vpcId, subnetIds, instanceSubnetIds";

    it("a new network by default: 10.40.0.0/16, two zones, 90 days of flow logs, NAT gateways", () => {
        expect(parse().network).to.deep.equal({ kind: "new", vpcCidr: "10.40.0.0/16", availabilityZoneCount: 2, flowLogRetentionDays: 90, nat: true });
    });

    it("takes each setting of a new network, numbers given as text included", () => {
        expect(parse({ network: { vpcCidr: "10.1.0.0/20", availabilityZoneCount: "3", flowLogRetentionDays: "1", nat: false }, sftpgoPackage: pinnedPackage }).network).to.deep.equal({
            kind: "new",
            vpcCidr: "10.1.0.0/20",
            availabilityZoneCount: 3,
            flowLogRetentionDays: 1,
            nat: false,
        });
        expect(parse({ network: { flowLogRetentionDays: 3653 } }).network).to.include({ flowLogRetentionDays: 3653 });
    });

    it("refuses an unknown key, listing the valid ones", () => {
        refusal({ network: { vpcCIDR: "10.0.0.0/16", zones: 2 } }, `sftp-failover:network has unknown key(s) vpcCIDR, zones (valid: ${valid})`);
    });

    it("refuses a CIDR that is not text, a zone count that is not an integer, and a retention CloudWatch Logs does not offer", () => {
        refusal({ network: { vpcCidr: 16 } }, "sftp-failover:network.vpcCidr must be an IPv4 CIDR from /16 to /24 (got 16)");
        refusal({ network: { vpcCidr: "10.40.0.0" } }, 'sftp-failover:network.vpcCidr must be an IPv4 CIDR from /16 to /24 (got "10.40.0.0")');
        refusal({ network: { vpcCidr: ["10.40.0.0/16"] } }, 'sftp-failover:network.vpcCidr must be an IPv4 CIDR from /16 to /24 (got ["10.40.0.0/16"])');
        refusal({ network: { availabilityZoneCount: 2.5 } }, "sftp-failover:network.availabilityZoneCount must be an integer 2–6 (got 2.5)");
        refusal({ network: { availabilityZoneCount: true } }, "sftp-failover:network.availabilityZoneCount must be an integer 2–6 (got true)");
        expect(() => parse({ network: { flowLogRetentionDays: "ninety" } })).to.throw(/^sftp-failover:network\.flowLogRetentionDays must be one of CloudWatch Logs' retention periods 1, 3, 5, .*, 3653 \(got "ninety"\)$/);
        expect(() => parse({ network: { flowLogRetentionDays: 2 } })).to.throw(/^sftp-failover:network\.flowLogRetentionDays must be one of .* \(got 2\)$/);
    });

    it("refuses a NAT setting that is not true or false", () => {
        refusal({ network: { nat: "no" } }, 'sftp-failover:network.nat must be true or false (got "no")');
        refusal({ network: { nat: 0 } }, "sftp-failover:network.nat must be true or false (got 0)");
    });

    it("NAT off needs the pinned package: without it the gateways cannot reach the mirror", () => {
        refusal(
            { network: { nat: false } },
            "sftp-failover:network.nat is false, but without sftpgoPackage the gateways install SFTPGo from a mirror on the internet; set sftpgoPackage (docs/regional.md) or keep the NAT gateways",
        );
    });

    it("an existing network is taken as given", () => {
        expect(parse({ network: existing }).network).to.deep.equal({ kind: "existing", ...existing });
        // No NAT of its own, and no pinned package needed.
        expect(parse({ network: existing }).sftpgoPackage).to.equal(undefined);
    });

    it("any one of vpcId, subnetIds and instanceSubnetIds asks for an existing network, and so for a VPC id", () => {
        const vpcIdWanted = (got: string) => `sftp-failover:network.vpcId must be a VPC id like vpc-0abc... when subnetIds are given (got ${got})`;
        refusal({ network: { subnetIds: existing.subnetIds } }, vpcIdWanted("undefined"));
        refusal({ network: { instanceSubnetIds: existing.instanceSubnetIds } }, vpcIdWanted("undefined"));
        refusal({ network: { ...existing, vpcId: ["vpc-0abc"] } }, vpcIdWanted('["vpc-0abc"]'));
        for (const bad of ["vpc-", "vpc-0abcZ", "xvpc-0abc", "vpc-0abc "]) {
            refusal({ network: { ...existing, vpcId: bad } }, vpcIdWanted(JSON.stringify(bad)));
        }
        refusal({ network: { ...existing, vpcId: 7 } }, vpcIdWanted("7"));
    });

    it("a VPC id alone asks for the subnets too", () => {
        refusal(
            { network: { vpcId: "vpc-0abc" } },
            "sftp-failover:network.subnetIds must list at least two public subnet ids (subnet-...) for the load balancer in different zones (got undefined)",
        );
    });

    it("an existing network refuses the settings of a new one", () => {
        refusal({ network: { ...existing, flowLogRetentionDays: 90 } }, "sftp-failover:network.flowLogRetentionDays applies only to a network the stack creates (an existing VPC keeps its own flow logs)");
        refusal({ network: { ...existing, nat: true } }, "sftp-failover:network.nat applies only to a network the stack creates (an existing VPC keeps its own egress)");
    });

    it("each subnet list holds at least two subnet ids", () => {
        const publicWanted = (got: string) => `sftp-failover:network.subnetIds must list at least two public subnet ids (subnet-...) for the load balancer in different zones (got ${got})`;
        const privateWanted = (got: string) => `sftp-failover:network.instanceSubnetIds must list at least two private subnet ids (subnet-...) for the instances in different zones (got ${got})`;
        refusal({ network: { ...existing, subnetIds: "subnet-0aaa" } }, publicWanted('"subnet-0aaa"'));
        refusal({ network: { ...existing, subnetIds: ["subnet-0aaa"] } }, publicWanted('["subnet-0aaa"]'));
        refusal({ network: { ...existing, subnetIds: ["subnet-0aaa", 7] } }, publicWanted('["subnet-0aaa",7]'));
        refusal({ network: { ...existing, subnetIds: ["subnet-0aaa", ["subnet-0bbb"]] } }, publicWanted('["subnet-0aaa",["subnet-0bbb"]]'));
        for (const bad of ["subnet-", "subnet-0bbbZ", "xsubnet-0bbb", "subnet-0bbb "]) {
            refusal({ network: { ...existing, subnetIds: ["subnet-0aaa", bad] } }, publicWanted(JSON.stringify(["subnet-0aaa", bad])));
        }
        refusal({ network: { ...existing, instanceSubnetIds: ["subnet-0ccc"] } }, privateWanted('["subnet-0ccc"]'));
        expect(parse({ network: { ...existing, subnetIds: ["subnet-0aaa", "subnet-0bbb", "subnet-0eee"] } }).network).to.deep.include({ subnetIds: ["subnet-0aaa", "subnet-0bbb", "subnet-0eee"] });
    });

    it("refuses instance subnets that repeat the public ones, listing each repeated", () => {
        refusal(
            { network: { ...existing, instanceSubnetIds: ["subnet-0aaa", "subnet-0bbb"] } },
            "sftp-failover:network.instanceSubnetIds must not repeat the load balancer's public subnets (subnet-0aaa, subnet-0bbb): instances get no public address",
        );
    });
});

describe("regional config loader: capacity and warm pool", () => {
    it("capacity defaults to 2/2/4 with a pilot light of 1, and reads numbers given as text", () => {
        expect(parse({ capacity: undefined }).capacity).to.deep.equal({ min: 2, desired: 2, max: 4, pilotLight: 1 });
        expect(parse({ capacity: { max: "8" } }).capacity).to.deep.equal({ min: 2, desired: 2, max: 8, pilotLight: 1 });
        expect(parse({ capacity: { min: 0, desired: 0, max: 1, pilotLight: 0 } }).capacity).to.deep.equal({ min: 0, desired: 0, max: 1, pilotLight: 0 });
    });

    it("refuses an unknown capacity key listing the valid ones, and a bad size under the config key", () => {
        refusal({ capacity: { minimum: 1, maximum: 2 } }, "sftp-failover:capacity has unknown key(s) minimum, maximum (valid: min, desired, max, pilotLight)");
        refusal({ capacity: { min: -1 } }, "sftp-failover:capacity.min must be an integer 0–1000 (got -1)");
    });

    it("no warm pool unless set; a set one takes its minimum size (0 by default), prepared capacity and reuse", () => {
        expect(parse({ warmPool: { minSize: 2, maxGroupPreparedCapacity: 4, reuseOnScaleIn: true } }).warmPool).to.deep.equal({ minSize: 2, maxGroupPreparedCapacity: 4, reuseOnScaleIn: true });
        expect(parse({ warmPool: {} }).warmPool).to.deep.equal({ minSize: 0 });
        expect(parse({ warmPool: { minSize: "1", reuseOnScaleIn: false } }).warmPool).to.deep.equal({ minSize: 1, reuseOnScaleIn: false });
    });

    it("refuses a warm pool that is not a map, has an unknown key, or a bad field, naming the key", () => {
        refusal({ warmPool: [1] }, "sftp-failover:warmPool must be an object like { minSize: 1 } (got [1])");
        refusal({ warmPool: 5 }, "sftp-failover:warmPool must be an object like { minSize: 1 } (got 5)");
        refusal({ warmPool: null }, "sftp-failover:warmPool must be an object like { minSize: 1 } (got null)");
        refusal({ warmPool: { size: 1, reuse: true } }, "sftp-failover:warmPool has unknown key(s) size, reuse (valid: minSize, maxGroupPreparedCapacity, reuseOnScaleIn)");
        refusal({ warmPool: { reuseOnScaleIn: "yes" } }, 'sftp-failover:warmPool.reuseOnScaleIn must be true or false (got "yes")');
    });
});

describe("regional config loader: health check", () => {
    it("TCP unless set; http takes SFTPGo's port 10000 by default, or the port given (as text too)", () => {
        expect(parse().healthCheck).to.deep.equal({ protocol: "tcp" });
        expect(parse({ healthCheck: { protocol: "tcp" } }).healthCheck).to.deep.equal({ protocol: "tcp" });
        expect(parse({ healthCheck: { protocol: "http" } }).healthCheck).to.deep.equal({ protocol: "http", port: 10000 });
        expect(parse({ healthCheck: { protocol: "http", port: "10001" } }).healthCheck).to.deep.equal({ protocol: "http", port: 10001 });
    });

    it("refuses a value that is not a map, an unknown key, an unknown protocol, and a port with tcp", () => {
        refusal({ healthCheck: ["http"] }, 'sftp-failover:healthCheck must be a map like { protocol: http, port: 10000 } (got ["http"])');
        refusal({ healthCheck: null }, "sftp-failover:healthCheck must be a map like { protocol: http, port: 10000 } (got null)");
        refusal({ healthCheck: "5" }, "sftp-failover:healthCheck must be a map like { protocol: http, port: 10000 } (got 5)");
        refusal({ healthCheck: { protocol: "http", path: "/x", timeout: 5 } }, "sftp-failover:healthCheck has unknown key(s) path, timeout (valid: protocol, port)");
        refusal({ healthCheck: {} }, "sftp-failover:healthCheck.protocol must be tcp or http (got undefined)");
        refusal({ healthCheck: { protocol: "tcp", port: 10000 } }, "sftp-failover:healthCheck.port applies only to protocol http (a TCP check connects to the SFTP port)");
    });

    it("refuses an http port that is the listener's", () => {
        refusal(
            { listenerPort: 2222, healthCheck: { protocol: "http", port: 2222 } },
            "sftp-failover:healthCheck.port 2222 is already the listener port; give SFTPGo's health endpoint a port of its own",
        );
    });
});

describe("regional config loader: users and canary", () => {
    let dir = "";
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "regional-loader-"));
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const user = (name: string) => `  - name: ${name}\n    publicKeys: ["${alice}"]\n`;

    it("reads users.yaml from the project folder by default, and a relative usersFile against it", () => {
        fs.writeFileSync(path.join(dir, "users.yaml"), `users:\n${user("zoe")}`);
        fs.mkdirSync(path.join(dir, "conf"));
        fs.writeFileSync(path.join(dir, "conf", "team.yaml"), `users:\n${user("yann")}`);
        const byDefault = parse({ usersFile: undefined }, primaryConfig, dir);
        expect(byDefault.usersFile).to.equal(path.join(dir, "users.yaml"));
        expect(byDefault.users.map((u) => u.name)).to.deep.equal(["zoe"]);
        const relative = parse({ usersFile: "conf/team.yaml" }, primaryConfig, dir);
        expect(relative.usersFile).to.equal(path.join(dir, "conf", "team.yaml"));
        expect(relative.users.map((u) => u.name)).to.deep.equal(["yann"]);
    });

    it("refuses a users file it cannot read, naming the key, the file and the reason", () => {
        const file = path.join(dir, "absent.yaml");
        refusal({ usersFile: file }, `sftp-failover:usersFile cannot be read: ${file} (ENOENT)`);
    });

    it("validates a users file afresh once it changes: an edit that breaks it is refused, though the file was read before", () => {
        const file = path.join(dir, "users.yaml");
        fs.writeFileSync(file, `users:\n${user("zoe")}`);
        expect(parse({ usersFile: file }).users.map((u) => u.name)).to.deep.equal(["zoe"]);
        // Read twice unchanged: the same users each time.
        expect(parse({ usersFile: file }).users.map((u) => u.name)).to.deep.equal(["zoe"]);
        fs.writeFileSync(file, `users:\n${user("Zoe")}`);
        expect(() => parse({ usersFile: file })).to.throw(/user "Zoe" \(users\[0\]\): name must match/);
        fs.writeFileSync(file, `users:\n${user("zoe")}${user("yann")}`);
        expect(parse({ usersFile: file }).users.map((u) => u.name)).to.deep.equal(["yann", "zoe"]);
    });

    it("the first users file a freshly loaded loader reads is validated and returned (nothing is remembered yet)", async () => {
        // The loader remembers the last file it validated; a process's first read has none to compare.
        const id = require.resolve("../../stacks/config/regional");
        const loaded = require.cache[id];
        delete require.cache[id];
        try {
            const fresh = await import("../../stacks/config/regional");
            const file = path.join(dir, "users.yaml");
            fs.writeFileSync(file, `users:\n${user("zoe")}`);
            expect(fresh.parseRegionalConfig(readerOf({ ...primaryConfig(), usersFile: file })).users.map((u) => u.name)).to.deep.equal(["zoe"]);
        } finally {
            require.cache[id] = loaded;
        }
    });

    it("refuses a control character in a user's field, naming the file", () => {
        const file = path.join(dir, "users.yaml");
        fs.writeFileSync(file, `users:\n  - name: zoe\n    homePrefix: "home\\u200b"\n    publicKeys: ["${alice}"]\n`);
        expect(() => parse({ usersFile: file })).to.throw(`${file}: users[0].homePrefix must not contain control or format characters (Unicode Cc, Cf): it has U+200B at character 5`);
    });

    it("keeps the canary's public identity when canaryKey is set, apart from the declared users", () => {
        const config = parse({ canaryKey: generateHostKeys("canary").ed25519 });
        expect(config.canary?.user).to.equal("sftp-canary");
        expect(config.canary?.publicKey).to.match(/^ssh-ed25519 /);
        // The declared users stay as declared: the canary is not among them.
        expect(config.users.map((u) => u.name)).to.deep.equal(["alice", "auditor", "bob"]);
    });
});

describe("regional config loader: the project folder", () => {
    const cwd = process.cwd();
    let dir = "";
    beforeEach(() => {
        dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "regional-project-")));
    });
    afterEach(() => {
        process.chdir(cwd);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("is the nearest folder at or above the current one holding Pulumi.yaml", () => {
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: x\n");
        fs.mkdirSync(path.join(dir, "a", "b"), { recursive: true });
        process.chdir(path.join(dir, "a", "b"));
        expect(defaultProjectDir()).to.equal(dir);
        process.chdir(dir);
        expect(defaultProjectDir()).to.equal(dir);
    });

    describe("with the engine's root directory", () => {
        const runtime = pulumi.runtime as { getRootDirectory: () => string };
        const getRootDirectory = runtime.getRootDirectory;
        afterEach(() => {
            runtime.getRootDirectory = getRootDirectory;
        });

        it("is the engine's root directory when it holds Pulumi.yaml (`pulumi up` by hand), wherever the current folder is", () => {
            const project = path.join(dir, "project");
            fs.mkdirSync(project);
            fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: x\n");
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: y\n");
            runtime.getRootDirectory = () => project;
            process.chdir(dir);
            expect(defaultProjectDir()).to.equal(project);
        });

        it("passes over a root directory without Pulumi.yaml (an inline program's placeholder) for the folders around the current one", () => {
            const placeholder = path.join(dir, "placeholder");
            fs.mkdirSync(placeholder);
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: y\n");
            runtime.getRootDirectory = () => placeholder;
            process.chdir(dir);
            expect(defaultProjectDir()).to.equal(dir);
        });
    });

    it("is the current folder when no folder above holds Pulumi.yaml", () => {
        fs.mkdirSync(path.join(dir, "a"));
        process.chdir(path.join(dir, "a"));
        expect(defaultProjectDir()).to.equal(path.join(dir, "a"));
    });
});
