import { expect } from "chai";
import { keyPolicyGrants, kmsKeyArnProblem, parseKmsArn, stackKeyPolicyGrants } from "../../components/kms-key";

// The bucket keys' pure decisions: which ARNs work where, and the key-policy statements a key
// without KMS's default statement must hold.

const keyArn = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
const mrkWest = "arn:aws:kms:us-west-2:123456789012:key/mrk-0123456789abcdef0123456789abcdef";

describe("KMS bucket keys", () => {
    it("parses key ARNs (UUID and multi-Region) and alias ARNs, and nothing else", () => {
        expect(parseKmsArn(keyArn)).to.deep.equal({ partition: "aws", region: "us-east-1", account: "123456789012", kind: "key", name: "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b" });
        expect(parseKmsArn(mrkWest)).to.include({ region: "us-west-2", kind: "key", name: "mrk-0123456789abcdef0123456789abcdef" });
        expect(parseKmsArn("arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/team/sftp")).to.include({ partition: "aws-us-gov", kind: "alias", name: "team/sftp" });
        for (const bad of ["alias/sftp", "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "arn:aws:kms:us-east-1:123456789012:key/1111", "arn:aws:s3:::bucket"]) {
            expect(parseKmsArn(bad), bad).to.equal(undefined);
        }
    });

    it("accepts a key ARN of the bucket's region, a multi-Region key's replica there included", () => {
        expect(kmsKeyArnProblem("kmsKeyArn", keyArn, "us-east-1", "region")).to.equal(undefined);
        expect(kmsKeyArnProblem("peerKmsKeyArn", mrkWest, "us-west-2", "peerRegion")).to.equal(undefined);
    });

    it("refuses an alias ARN naming the alias, a key of another region naming both regions, and a non-ARN", () => {
        expect(kmsKeyArnProblem("kmsKeyArn", "arn:aws:kms:us-east-1:123456789012:alias/sftp", "us-east-1", "region")).to.match(/^kmsKeyArn names the alias "alias\/sftp" .*IAM matches key ARNs only/);
        expect(kmsKeyArnProblem("kmsKeyArn", mrkWest, "us-east-1", "region")).to.match(/^kmsKeyArn is a key in us-west-2 but the bucket it encrypts is in us-east-1 \(region\)/);
        expect(kmsKeyArnProblem("kmsKeyArn", "my-key", "us-east-1", "region")).to.equal('kmsKeyArn must be a KMS key ARN (got "my-key")');
    });

    it("key-policy grants: the gateways, the own replication role and the peer's, each only through S3 in the key's region", () => {
        const grants = keyPolicyGrants({
            region: "us-east-1",
            accountId: "123456789012",
            gatewayRoleArn: "arn:aws:iam::123456789012:role/gw",
            replicationRoleArn: "arn:aws:iam::123456789012:role/repl-primary",
            peerReplicationRoleArn: "arn:aws:iam::123456789012:role/repl-secondary",
        });
        expect(grants.map((g) => [g.Sid, g.Principal, g.Action])).to.deep.equal([
            ["GatewaysReadAndWriteHomes", { AWS: "arn:aws:iam::123456789012:role/gw" }, ["kms:Decrypt", "kms:GenerateDataKey"]],
            ["ReplicationReadsSource", { AWS: "arn:aws:iam::123456789012:role/repl-primary" }, "kms:Decrypt"],
            ["PeerReplicationWritesReplicas", { AWS: "arn:aws:iam::123456789012:role/repl-secondary" }, ["kms:Encrypt", "kms:GenerateDataKey"]],
        ]);
        for (const g of grants) {
            expect(g.Condition).to.deep.equal({ StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "123456789012" } });
        }
        expect(keyPolicyGrants({ region: "us-west-2", accountId: "123456789012", gatewayRoleArn: "arn:aws:iam::123456789012:role/gw" })).to.have.length(1);
    });

    it("one stack's grants by key: its roles on its own key, its replication's writes on the peer's key; none on the peer's key without replication", () => {
        const args = {
            region: "us-east-1", peerRegion: "us-west-2", accountId: "123456789012", kmsKeyArn: "arn:k1", peerKmsKeyArn: "arn:k2",
            gatewayRoleArn: "arn:aws:iam::123456789012:role/gw", replicationRoleArn: "arn:aws:iam::123456789012:role/repl",
        };
        const byKey = stackKeyPolicyGrants(args);
        expect(Object.fromEntries(Object.entries(byKey).map(([k, gs]) => [k, gs.map((g) => g.Sid)]))).to.deep.equal({
            "arn:k1": ["GatewaysReadAndWriteHomes", "ReplicationReadsSource"],
            "arn:k2": ["PeerReplicationWritesReplicas"],
        });
        expect(byKey["arn:k2"][0].Condition).to.deep.include({ StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com", "kms:CallerAccount": "123456789012" } });
        expect(Object.keys(stackKeyPolicyGrants({ ...args, replicationRoleArn: undefined }))).to.deep.equal(["arn:k1"]);
    });
});
