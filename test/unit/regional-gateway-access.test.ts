import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { policyLength } from "../../components/gateway-policy";
import { generateHostKeys } from "../../components/host-keys";
import { PolicyDocument } from "../../components/regional-bucket";
import { servedUsers } from "../../components/sftp-users";
import { partitionOfRegion, placeholderGatewayPolicy } from "../../stacks/config/gateway-access";
import { RegionalConfig, parseRegionalConfig } from "../../stacks/config/regional";
import { ConfigReader } from "../../stacks/config/source";
import { Run, fixtures, mockAccountId, primaryConfig, runRegional, runRegionalFailure } from "./regional-harness";

// sftp-failover:gatewayBucketAccess, and the check that the gateway role's inline policy fits IAM's
// 10,240 characters: made from config alone, so the program and the driver's preflight (both run
// parseRegionalConfig) refuse before anything deploys, naming the key, the users and the sizes.

const alice = fs.readFileSync(path.join(fixtures, "user-keys", "alice.pub"), "utf8").trim();
const canaryKey = generateHostKeys("canary").ed25519;

let tmpDir = "";

/**
 * A users file of `count` users named user0000… (8 characters, home = name), the first `readOnly` of
 * them read-only; `longerHome` makes one user's home that many characters longer ("x"s after its name).
 */
function usersFile(count: number, readOnly = 0, longerHome?: { user: number; by: number }): string {
    const lines = Array.from({ length: count }, (_, i) => {
        const name = `user${String(i).padStart(4, "0")}`;
        const flag = i < readOnly ? "\n    readOnly: true" : "";
        const home = i === longerHome?.user ? `\n    homePrefix: ${name}${"x".repeat(longerHome.by)}` : "";
        return `  - name: ${name}${flag}${home}\n    publicKeys: ["${alice}"]`;
    });
    const file = path.join(tmpDir, `users-${count}-${readOnly}-${longerHome?.user ?? "none"}-${longerHome?.by ?? 0}.yaml`);
    fs.writeFileSync(file, `users:\n${lines.join("\n")}\n`);
    return file;
}

/** The regional config parsed as the driver's preflight parses it (getAllConfig's shape). */
function parse(config: Record<string, unknown>): RegionalConfig {
    const entries = Object.fromEntries(
        Object.entries(config)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [`sftp-failover:${k}`, { value: typeof v === "string" ? v : JSON.stringify(v), secret: k === "hostKeys" || k === "canaryKey" }]),
    );
    return parseRegionalConfig(ConfigReader.fromEntries(entries));
}

/** The gateway role's policy as the program registered it. */
function gatewayPolicyOf(run: Run): PolicyDocument {
    const policy = run.resources.find((r) => r.name === "sftp-primary-gw-policy")?.inputs.policy;
    expect(policy, "the gateway's role policy").to.be.a("string");
    return JSON.parse(policy as string) as PolicyDocument;
}

const perHomeRefusal = (users: string, size: string, fit: number): string =>
    `sftp-failover:gatewayBucketAccess: the per-home gateway policy for ${users} would be ${size} characters; IAM allows 10,240 per role (about ${fit} users here); ` +
    `set it to "bucket" to grant the bucket and keep read-only homes denied writes`;

describe("regional config: gatewayBucketAccess and the gateway policy's size", () => {
    before(() => {
        tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-access-"));
    });
    after(() => {
        fs.rmSync(tmpDir, { recursive: true, force: true });
    });

    describe("the key", () => {
        it("defaults to per-home, and the program's policy names each home", async () => {
            expect(parse(primaryConfig()).gatewayBucketAccess).to.equal("per-home");
            const run = await runRegional(primaryConfig());
            const doc = gatewayPolicyOf(run);
            expect(doc.Statement.map((s) => s.Sid)).to.include.members(["ListHomes", "ReadWriteHomes", "ReadOnlyHomes"]);
        });

        it("accepts per-home and bucket, and bucket reaches the program's policy", async () => {
            expect(parse({ ...primaryConfig(), gatewayBucketAccess: "per-home" }).gatewayBucketAccess).to.equal("per-home");
            expect(parse({ ...primaryConfig(), gatewayBucketAccess: "bucket" }).gatewayBucketAccess).to.equal("bucket");
            const run = await runRegional({ ...primaryConfig(), gatewayBucketAccess: "bucket" });
            const doc = gatewayPolicyOf(run);
            const bucket = `arn:aws:s3:::sftp-failover-primary-${mockAccountId}`;
            expect(doc.Statement.map((s) => s.Sid)).to.deep.equal(["ReadHostKeys", "ReadUsers", "ListBucket", "ReadWriteBucket", "DenyWritesToReservedKeys", "DenyWritesToReadOnlyHomes"]);
            expect(doc.Statement.find((s) => s.Sid === "DenyWritesToReservedKeys")?.Resource).to.equal(`${bucket}/.sftp-failover/*`);
            expect(doc.Statement.find((s) => s.Sid === "ReadUsers")?.Resource).to.equal(`${bucket}/.sftp-failover/users/primary.json`);
            expect(doc.Statement.find((s) => s.Sid === "ReadWriteBucket")?.Resource).to.equal(`${bucket}/*`);
            expect(doc.Statement.find((s) => s.Sid === "DenyWritesToReadOnlyHomes")?.Resource).to.deep.equal([`${bucket}/reports/*`]);
        });
    });

    describe("the size check's policy", () => {
        it("is the program's policy but for the ARNs AWS chooses, and at least as long", async () => {
            const config = { ...primaryConfig(), canaryKey, sessionManager: "true" };
            const cfg = parse(config);
            const placeholder = placeholderGatewayPolicy({ ...cfg, users: servedUsers(cfg.users, cfg.canary), withCanary: true, homeAccess: cfg.gatewayBucketAccess });
            const run = await runRegional(config);
            const program = gatewayPolicyOf(run);
            // The mock names the secret `<prefix>AbCdEf`; the placeholder is as long as AWS can make it.
            const secretOf = (doc: PolicyDocument) => doc.Statement.find((s) => s.Sid === "ReadHostKeys")?.Resource as string;
            expect(secretOf(placeholder)).to.match(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:sftp-failover\/primary\/host-keys-\d{26}-X{6}$/);
            const comparable = JSON.stringify(placeholder).split(secretOf(placeholder)).join(secretOf(program)).split("000000000000").join(mockAccountId);
            expect(comparable).to.equal(JSON.stringify(program));
            expect(policyLength(placeholder)).to.be.greaterThan(policyLength(program));
        });

        it("takes the partition from the region's name", () => {
            expect(partitionOfRegion("us-east-1")).to.equal("aws");
            expect(partitionOfRegion("eu-central-2")).to.equal("aws");
            expect(partitionOfRegion("cn-northwest-1")).to.equal("aws-cn");
            expect(partitionOfRegion("us-gov-west-1")).to.equal("aws-us-gov");
            expect(partitionOfRegion("us-isob-east-1")).to.equal("aws-iso-b");
        });
    });

    describe("per-home (8-character names: 97 characters a user)", () => {
        it("97 users fit (10,152 characters)", () => {
            expect(() => parse({ ...primaryConfig(), usersFile: usersFile(97) })).to.not.throw();
        });

        it("a policy of exactly 10,240 characters fits, and one of 10,244 is refused (each character of a home counts 4 times)", () => {
            // 97 users make 10,152 characters: 22 more characters in the last one's home make 10,240.
            expect(() => parse({ ...primaryConfig(), usersFile: usersFile(97, 0, { user: 96, by: 22 }) })).to.not.throw();
            expect(() => parse({ ...primaryConfig(), usersFile: usersFile(97, 0, { user: 96, by: 23 }) })).to.throw(perHomeRefusal("97 users", "10,244", 96));
        });

        it("counts as fitting the users whose policy is exactly 10,240 characters", () => {
            expect(() => parse({ ...primaryConfig(), usersFile: usersFile(98, 0, { user: 96, by: 22 }) })).to.throw(perHomeRefusal("98 users", "10,337", 97));
        });

        it("96 users and the canary fit", () => {
            expect(() => parse({ ...primaryConfig(), usersFile: usersFile(96), canaryKey })).to.not.throw();
        });

        it("98 users are refused, naming the key, the count, the size and what fits", () => {
            expect(() => parse({ ...primaryConfig(), usersFile: usersFile(98) })).to.throw(perHomeRefusal("98 users", "10,249", 97));
        });

        it("200 users are refused before any resource is declared", async () => {
            const { error, resources } = await runRegionalFailure({ ...primaryConfig(), usersFile: usersFile(200) });
            expect(error.message).to.equal(perHomeRefusal("200 users", "20,143", 97));
            expect(resources.filter((r) => r.type.startsWith("aws:"))).to.deep.equal([]);
        });

        it("counts the canary among the users, and says so", () => {
            expect(() => parse({ ...primaryConfig(), usersFile: usersFile(97), canaryKey })).to.throw(/for 98 users \(the canary included\) would be /);
        });

        it("sizes the ARNs as config makes them: a longer name prefix or the aws-cn partition fits fewer users", () => {
            // 17 more characters in every bucket ARN; 3 more in every ARN (97 users fit in us-east-1, above).
            const longPrefix = { ...primaryConfig(), usersFile: usersFile(90), namePrefix: "a-much-longer-name-prefix-here" };
            expect(() => parse(longPrefix)).to.throw(perHomeRefusal("90 users", "11,054", 82));
            const china = { ...primaryConfig(), region: "cn-north-1", peerRegion: "cn-northwest-1", usersFile: usersFile(97) };
            expect(() => parse(china)).to.throw(perHomeRefusal("97 users", "10,453", 94));
        });
    });

    describe("bucket", () => {
        it("200 users fit, and the program declares their policy", async () => {
            const run = await runRegional({ ...primaryConfig(), usersFile: usersFile(200), gatewayBucketAccess: "bucket" });
            expect(policyLength(gatewayPolicyOf(run))).to.be.below(1000);
        });

        it("2,000 users, 100 of them read-only, fit", () => {
            expect(parse({ ...primaryConfig(), usersFile: usersFile(2000, 100), gatewayBucketAccess: "bucket", canaryKey }).users).to.have.length(2000);
        });

        it("2,000 read-only users are refused: the read-only homes' denial outgrows the quota", () => {
            expect(() => parse({ ...primaryConfig(), usersFile: usersFile(2000, 2000), gatewayBucketAccess: "bucket" })).to.throw(
                "sftp-failover:gatewayBucketAccess: the bucket gateway policy would be 123,146 characters, denying writes on the homes of 2,000 read-only users; " +
                    "IAM allows 10,240 per role (about 149 read-only users here); fewer read-only users or shorter home prefixes are needed",
            );
        });

        it("keeps the canary out of the read-only count (it may write)", () => {
            expect(() => parse({ ...primaryConfig(), usersFile: usersFile(400, 400), gatewayBucketAccess: "bucket", canaryKey })).to.throw(/homes of 400 read-only users;/);
        });
    });
});
