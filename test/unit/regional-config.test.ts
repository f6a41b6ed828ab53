import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { fixtureHostKeys, fixtures, primaryConfig, runRegional, runRegionalFailure } from "./regional-harness";

// Every invalid regional config fails the program with a message naming the key (or the user),
// before a single resource is declared.

const keys = fixtureHostKeys();
const alice = fs.readFileSync(path.join(fixtures, "user-keys", "alice.pub"), "utf8").trim();

let tmpDir = "";

/** A pattern matching exactly `text`. */
const exactly = (text: string): RegExp => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

function usersFile(yaml: string): string {
    const file = path.join(tmpDir, `users-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, yaml);
    return file;
}

describe("regional config (mocks)", () => {
    before(() => {
        tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "regional-config-"));
    });
    after(() => {
        fs.rmSync(tmpDir, { recursive: true, force: true });
    });

    it("the base config is valid (so each case below fails for its own reason)", async () => {
        const run = await runRegional(primaryConfig());
        expect(run.resources.length).to.be.greaterThan(30);
    });

    const cases: [string, () => Record<string, unknown>, RegExp][] = [
        ["region missing", () => ({ region: undefined }), /sftp-failover:region/],
        ["region malformed", () => ({ region: "US East" }), /sftp-failover:region must be an AWS region like us-east-1 \(got "US East"\)/],
        ["regionName unknown", () => ({ regionName: "tertiary" }), /sftp-failover:regionName/],
        ["peerRegion missing", () => ({ peerRegion: undefined }), /sftp-failover:peerRegion/],
        ["peerRegion equal to region", () => ({ peerRegion: "us-east-1" }), /sftp-failover:peerRegion must differ from region/],
        ["capacityMode unknown", () => ({ capacityMode: "half" }), /sftp-failover:capacityMode/],
        ["capacity inconsistent", () => ({ capacity: { min: 3, desired: 2, max: 4 } }), /sftp-failover:capacity must satisfy min ≤ desired ≤ max/],
        ["capacity pilot light above max", () => ({ capacity: { max: 2, pilotLight: 3 } }), /sftp-failover:capacity\.pilotLight must not exceed/],
        ["capacity with an unknown key", () => ({ capacity: { desierd: 2 } }), /sftp-failover:capacity has unknown key\(s\) desierd/],
        ["allowedCidrs missing", () => ({ allowedCidrs: undefined }), /sftp-failover:allowedCidrs/],
        ["allowedCidrs not JSON", () => ({ allowedCidrs: "10.0.0.0/8" }), /sftp-failover:allowedCidrs/],
        ["allowedCidrs not a list", () => ({ allowedCidrs: { a: "10.0.0.0/8" } }), /sftp-failover:allowedCidrs must be a list of IPv4 CIDRs/],
        ["allowedCidrs open to the internet", () => ({ allowedCidrs: ["0.0.0.0/0"] }), /sftp-failover:allowedCidrs contains 0\.0\.0\.0\/0.*allowAnyCidr: true/],
        ["allowedCidrs with host bits", () => ({ allowedCidrs: ["10.1.2.3/8"] }), /sftp-failover:allowedCidrs entry "10\.1\.2\.3\/8"/],
        ["listenerPort out of range", () => ({ listenerPort: 70000 }), /sftp-failover:listenerPort/],
        ["noncurrentVersionDays of 0", () => ({ noncurrentVersionDays: 0 }), /sftp-failover:noncurrentVersionDays/],
        ["network.vpcCidr too large", () => ({ network: { vpcCidr: "10.0.0.0/8" } }), /sftp-failover:network\.vpcCidr must be an IPv4 CIDR from \/16 to \/24/],
        [
            "network with one subnet",
            () => ({ network: { vpcId: "vpc-0abc", subnetIds: ["subnet-0aaa"], instanceSubnetIds: ["subnet-0ccc", "subnet-0ddd"] } }),
            /sftp-failover:network\.subnetIds must list at least two public subnet ids/,
        ],
        [
            "existing network without instance subnets",
            () => ({ network: { vpcId: "vpc-0abc", subnetIds: ["subnet-0aaa", "subnet-0bbb"] } }),
            /sftp-failover:network\.instanceSubnetIds must list at least two private subnet ids .*\(got undefined\)/,
        ],
        [
            "instances in the load balancer's public subnets",
            () => ({ network: { vpcId: "vpc-0abc", subnetIds: ["subnet-0aaa", "subnet-0bbb"], instanceSubnetIds: ["subnet-0aaa", "subnet-0ddd"] } }),
            /sftp-failover:network\.instanceSubnetIds must not repeat the load balancer's public subnets \(subnet-0aaa\)/,
        ],
        [
            "flow-log retention CloudWatch Logs does not offer",
            () => ({ network: { flowLogRetentionDays: 45 } }),
            /sftp-failover:network\.flowLogRetentionDays must be one of CloudWatch Logs' retention periods .* \(got 45\)/,
        ],
        [
            "more client CIDRs than the security group's rule quota leaves beside the health checkers' list",
            () => ({ allowedCidrs: Array.from({ length: 31 }, (_, i) => `10.${i}.0.0/16`) }),
            /sftp-failover:allowedCidrs lists 31 CIDRs; with the 30 entries of com\.amazonaws\.us-east-1\.route53-healthchecks the load balancer's security group would need 61 inbound rules, above EC2's default quota of 60/,
        ],
        ["network.availabilityZoneCount above the region's zones", () => ({ network: { availabilityZoneCount: 4 } }), /sftp-failover:network\.availabilityZoneCount is 4 but us-east-1 offers 3 zones/],
        ["kmsKeyArn without peerKmsKeyArn", () => ({ kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b" }), /sftp-failover:peerKmsKeyArn must be set together/],
        ["kmsKeyArn malformed", () => ({ kmsKeyArn: "my-key", peerKmsKeyArn: "other" }), /sftp-failover:kmsKeyArn must be a KMS key ARN/],
        [
            "kmsKeyArn whose key id is not a KMS key id",
            () => ({ kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1111", peerKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:alias/sftp" }),
            /sftp-failover:kmsKeyArn must be a KMS key ARN \(got "arn:aws:kms:us-east-1:123456789012:key\/1111"\)/,
        ],
        [
            "kmsKeyArn an alias ARN (IAM matches key ARNs only)",
            () => ({ kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/sftp", peerKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" }),
            exactly(
                'sftp-failover:kmsKeyArn names the alias "alias/sftp" (arn:aws:kms:us-east-1:123456789012:alias/sftp), not a key: IAM matches key ARNs only, so SSE-KMS uploads and replication would be denied; give the ARN of the key it points to (aws kms describe-key --key-id arn:aws:kms:us-east-1:123456789012:alias/sftp --query KeyMetadata.Arn)',
            ),
        ],
        [
            "peerKmsKeyArn an alias ARN",
            () => ({ kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", peerKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:alias/sftp-peer" }),
            /^sftp-failover:peerKmsKeyArn names the alias "alias\/sftp-peer" /,
        ],
        [
            "kmsKeyArn a key of the peer's region",
            () => ({ kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", peerKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" }),
            exactly(
                "sftp-failover:kmsKeyArn is a key in us-west-2 but the bucket it encrypts is in us-east-1 (sftp-failover:region); S3 uses only a key of the bucket's own region (for a multi-Region key, its replica's ARN there)",
            ),
        ],
        [
            "peerKmsKeyArn a key of this stack's region (a multi-Region key named by the wrong replica)",
            () => ({ kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef", peerKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef" }),
            /^sftp-failover:peerKmsKeyArn is a key in us-east-1 but the bucket it encrypts is in us-west-2 \(sftp-failover:peerRegion\)/,
        ],
        [
            "sftpgoPackage with a checksum that is not a SHA-256",
            () => ({ sftpgoPackage: { key: ".sftp-failover/artifacts/sftpgo.rpm", sha256: "deadbeef" } }),
            exactly('sftp-failover:sftpgoPackage.sha256 must be the file\'s SHA-256 as 64 lowercase hex digits (got "deadbeef")'),
        ],
        [
            "sftpgoPackage beside sftpgoVersion",
            () => ({ sftpgoVersion: "2.6.6", sftpgoPackage: { key: ".sftp-failover/artifacts/sftpgo.rpm", sha256: "0".repeat(64) } }),
            /^sftp-failover:sftpgoVersion pins the repository's package; with sftpgoPackage the pinned file is the version/,
        ],
        ["healthCheck.protocol unknown", () => ({ healthCheck: { protocol: "https" } }), exactly('sftp-failover:healthCheck.protocol must be tcp or http (got "https")')],
        ["healthCheck.port on the SFTP listener", () => ({ healthCheck: { protocol: "http", port: 2022 } }), /^sftp-failover:healthCheck\.port 2022 is already the gateway port/],
        ["healthCheck.port below 1024", () => ({ healthCheck: { protocol: "http", port: 80 } }), exactly("sftp-failover:healthCheck.port must be an integer 1024–65535 (got 80)")],
        ["healthCheck.port with tcp", () => ({ healthCheck: { protocol: "tcp", port: 10000 } }), /^sftp-failover:healthCheck\.port applies only to protocol http/],
        ["healthCheck unknown key", () => ({ healthCheck: { protocol: "http", path: "/x" } }), /^sftp-failover:healthCheck has unknown key\(s\) path/],
        ["network.nat not a boolean", () => ({ network: { nat: "no" } }), exactly('sftp-failover:network.nat must be true or false (got "no")')],
        [
            "network.nat on an existing network",
            () => ({ network: { vpcId: "vpc-0abc", subnetIds: ["subnet-0aaa", "subnet-0bbb"], instanceSubnetIds: ["subnet-0ccc", "subnet-0ddd"], nat: false } }),
            /^sftp-failover:network\.nat applies only to a network the stack creates/,
        ],
        // Only the two exact spellings: a near miss, white space, or a YAML number, boolean, list or map
        // (which the stack file stores as other text) is refused, quoting the value as stored.
        // (A line break is a control character, refused as such before the spelling: see stacks/config/text.ts.)
        ["gatewayBucketAccess \"bucket\\n\"", () => ({ gatewayBucketAccess: "bucket\n" }), exactly("sftp-failover:gatewayBucketAccess must not contain control or format characters (Unicode Cc, Cf): it has U+000A at character 7")],
        ...["Bucket", "BUCKET", "per_home", "", " bucket", "none", 3, true, ["bucket"], { mode: "bucket" }].map(
            (value): [string, () => Record<string, unknown>, RegExp] => {
                const stored = typeof value === "string" ? value : JSON.stringify(value);
                return [
                    `gatewayBucketAccess ${JSON.stringify(value)}`,
                    () => ({ gatewayBucketAccess: value }),
                    exactly(`sftp-failover:gatewayBucketAccess must be one of per-home, bucket (got ${JSON.stringify(stored)})`),
                ];
            },
        ),
        ["drainTimeoutSeconds above ELB's 3600", () => ({ drainTimeoutSeconds: 3601 }), /^sftp-failover:drainTimeoutSeconds must be 0–3600 \(got "?3601"?\)$/],
        ["drainTimeoutSeconds negative", () => ({ drainTimeoutSeconds: -1 }), /^sftp-failover:drainTimeoutSeconds must be 0–3600 \(got "?-1"?\)$/],
        ["drainTimeoutSeconds fractional", () => ({ drainTimeoutSeconds: 1.5 }), exactly("sftp-failover:drainTimeoutSeconds must be whole seconds 0–3600 (got 1.5)")],
        ["usersRefreshSeconds 0", () => ({ usersRefreshSeconds: 0 }), /^sftp-failover:usersRefreshSeconds must be 1–3600 \(got "?0"?\)$/],
        ["usersRefreshSeconds fractional", () => ({ usersRefreshSeconds: 1.5 }), exactly("sftp-failover:usersRefreshSeconds must be whole seconds 1–3600 (got 1.5)")],
        ["quiesced not a boolean", () => ({ quiesced: "yes" }), /^sftp-failover:quiesced must be true or false \(got "yes"\)$/],
        ["namePrefix with capitals", () => ({ namePrefix: "SFTP" }), /sftp-failover:namePrefix must be 3–30 lowercase/],
        ["amiId malformed", () => ({ amiId: "ubuntu" }), /sftp-failover:amiId must be an AMI id/],
        ["sftpgoVersion malformed", () => ({ sftpgoVersion: "latest; rm -rf /" }), /sftp-failover:sftpgoVersion must be a version like 2\.6\.6/],
        ["hostKeys missing", () => ({ hostKeys: undefined }), /sftp-failover:hostKeys/],
        ["hostKeys.ecdsa missing", () => ({ hostKeys: { ed25519: keys.ed25519, rsa: keys.rsa } }), /sftp-failover:hostKeys\.ecdsa is missing/],
        [
            "hostKeys.rsa too weak",
            () => ({ hostKeys: { ...keys, rsa: fs.readFileSync(path.join(fixtures, "host-keys", "weak_rsa_2048_key"), "utf8") } }),
            /sftp-failover:hostKeys\.rsa has 2048 bits/,
        ],
        ["usersFile missing", () => ({ usersFile: path.join(os.tmpdir(), "no-such-users.yaml") }), /sftp-failover:usersFile cannot be read: .*no-such-users\.yaml \(ENOENT\)/],
        [
            "a user with a bad name",
            () => ({ usersFile: usersFile(`users:\n  - name: Bad-Name\n    publicKeys: ["${alice}"]\n`) }),
            /user "Bad-Name" \(users\[0\]\): name must match/,
        ],
        [
            "a user with a malformed key",
            () => ({ usersFile: usersFile(`users:\n  - name: zoe\n    publicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOjy"]\n`) }),
            /user "zoe" \(users\[0\]\): publicKeys\[0\] is not a valid SSH public key/,
        ],
        [
            "a duplicate user",
            () => ({ usersFile: usersFile(`users:\n  - name: zoe\n    publicKeys: ["${alice}"]\n  - name: zoe\n    publicKeys: ["${alice}"]\n`) }),
            /user "zoe" is declared twice \(users\[0\] and users\[1\]\)/,
        ],
    ];

    for (const [what, overrides, message] of cases) {
        it(`${what}: fails naming the key, before any resource`, async () => {
            const { error, resources } = await runRegionalFailure({ ...primaryConfig(), ...overrides() });
            expect(error.message).to.match(message);
            expect(error.message.split("\n")[0].length, "one-line message").to.be.lessThan(400);
            expect(resources.filter((r) => r.type.startsWith("aws:")), "resources declared before the error").to.deep.equal([]);
        });
    }
});
