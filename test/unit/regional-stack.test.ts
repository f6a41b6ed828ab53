import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { CapacityMode } from "../../foundation/posture";
import { loadHostKeys } from "../../components/host-keys";
import { PolicyDocument } from "../../components/regional-bucket";
import { canonicalUsersJson, parseUsersYaml } from "../../components/sftp-users";
import { Registered, Run, fixtureHostKeys, fixtures, mockAccountId, mockHealthCheckersPrefixListId, ofType, primaryConfig, runRegional, runRegionalFailure, secondaryConfig, single, usersObjectBody } from "./regional-harness";

// The regional program under Pulumi's mocks: the resource graph, every security-relevant
// property, the capacity modes, and the outputs the driver reads.

const t = {
    bucket: "aws:s3/bucket:Bucket",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    profile: "aws:iam/instanceProfile:InstanceProfile",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    usersObject: "aws:s3/bucketObjectv2:BucketObjectv2",
    vpc: "aws:ec2/vpc:Vpc",
    igw: "aws:ec2/internetGateway:InternetGateway",
    routeTable: "aws:ec2/routeTable:RouteTable",
    subnet: "aws:ec2/subnet:Subnet",
    association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    asg: "aws:autoscaling/group:Group",
    eip: "aws:ec2/eip:Eip",
    nat: "aws:ec2/natGateway:NatGateway",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    flowLog: "aws:ec2/flowLog:FlowLog",
};

/** Every IAM/S3 policy document the program registers, with the resource it belongs to. */
function policyDocuments(run: Run): { owner: string; doc: PolicyDocument }[] {
    const docs: { owner: string; doc: PolicyDocument }[] = [];
    for (const r of run.resources) {
        for (const field of ["policy", "assumeRolePolicy"]) {
            const value = r.inputs[field];
            if (typeof value === "string") {
                docs.push({ owner: `${r.name}.${field}`, doc: JSON.parse(value) as PolicyDocument });
            }
        }
    }
    return docs;
}

/** A new RSA-4096 key as an authorized_keys line (RFC 4253 wire format: string "ssh-rsa", mpint e, mpint n). */
function rsa4096PublicKey(): string {
    const { publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 4096 });
    const jwk = publicKey.export({ format: "jwk" });
    const mpint = (b64url: string): number[] => {
        const raw = [...Buffer.from(b64url, "base64url")];
        return raw[0] & 0x80 ? [0, ...raw] : raw;
    };
    const field = (bytes: number[]): number[] => [(bytes.length >>> 24) & 0xff, (bytes.length >>> 16) & 0xff, (bytes.length >>> 8) & 0xff, bytes.length & 0xff, ...bytes];
    const wire = [...field([...Buffer.from("ssh-rsa")]), ...field(mpint(jwk.e as string)), ...field(mpint(jwk.n as string))];
    return `ssh-rsa ${Buffer.from(wire).toString("base64")}`;
}

const asList = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === "string" ? [v] : [...v]);

/** The S3 gateway endpoint of a run's network. */
function s3Endpoint(run: Run): Registered {
    const found = ofType(run, t.endpoint).filter((e) => String(e.inputs.serviceName).endsWith(".s3"));
    expect(found, "one S3 endpoint").to.have.length(1);
    return found[0];
}

function inputsOf(run: Run, name: string): Record<string, unknown> {
    const found = run.resources.find((r) => r.name === name);
    expect(found, `resource ${name}`).to.not.equal(undefined);
    return (found as Registered).inputs;
}

describe("regional stack (mocks)", function () {
    let primary: Run;
    let secondary: Run;

    before(async () => {
        primary = await runRegional(primaryConfig());
        secondary = await runRegional(secondaryConfig());
    });

    describe("resource graph", () => {
        it("primary declares the full graph: counts per type", () => {
            const counts: Record<string, number> = {};
            for (const r of primary.resources) {
                counts[r.type] = (counts[r.type] ?? 0) + 1;
            }
            expect(counts).to.deep.equal({
                "sftp-failover:regional:RegionalBucket": 1,
                "sftp-failover:regional:BucketReplication": 1,
                "sftp-failover:regional:HostKeys": 1,
                "sftp-failover:regional:SftpUsers": 1,
                "sftp-failover:regional:RegionalNetwork": 1,
                "sftp-failover:regional:SftpGateway": 1,
                [t.bucket]: 1,
                [t.versioning]: 1,
                [t.encryption]: 1,
                [t.publicAccess]: 1,
                [t.ownership]: 1,
                [t.lifecycle]: 1,
                [t.bucketPolicy]: 1,
                [t.replication]: 1,
                [t.role]: 3,
                [t.rolePolicy]: 3,
                [t.profile]: 1,
                [t.secret]: 1,
                [t.secretVersion]: 1,
                [t.usersObject]: 1,
                [t.vpc]: 1,
                [t.igw]: 1,
                [t.routeTable]: 3,
                [t.subnet]: 4,
                [t.association]: 4,
                [t.eip]: 2,
                [t.nat]: 2,
                [t.endpoint]: 2,
                [t.logGroup]: 1,
                [t.flowLog]: 1,
                [t.sg]: 3,
                [t.ingress]: 5,
                [t.egress]: 2,
                [t.lb]: 1,
                [t.tg]: 1,
                [t.listener]: 1,
                [t.launchTemplate]: 1,
                [t.asg]: 1,
            });
        });

        it("every regional AWS resource sets its region explicitly (IAM is global and has none)", () => {
            for (const [run, region] of [
                [primary, "us-east-1"],
                [secondary, "us-west-2"],
            ] as const) {
                const regional = run.resources.filter((r) => r.type.startsWith("aws:") && !r.type.startsWith("aws:iam/"));
                expect(regional.length).to.be.greaterThan(25);
                for (const r of regional) {
                    expect(r.inputs.region, `${r.name} (${r.type})`).to.equal(region);
                }
            }
        });

        it("uses only the allowed invokes, with the zone and AMI lookups in this stack's region", () => {
            expect(primary.invokes).to.have.members([
                "aws:index/getCallerIdentity:getCallerIdentity",
                "aws:index/getPartition:getPartition",
                "aws:index/getAvailabilityZones:getAvailabilityZones",
                "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings",
                "aws:ec2/getAmi:getAmi",
                "aws:ec2/getManagedPrefixList:getManagedPrefixList",
            ]);
            const subnets = ofType(secondary, t.subnet).map((s) => s.inputs.availabilityZone);
            expect(subnets).to.deep.equal(["us-west-2a", "us-west-2b", "us-west-2a", "us-west-2b"]);
        });

        it("two instances never collide: every resource name is unique and carries the region name", () => {
            for (const run of [primary, secondary]) {
                const names = run.resources.map((r) => `${r.type}::${r.name}`);
                expect(new Set(names).size).to.equal(names.length);
            }
            expect(secondary.resources.every((r) => r.name.startsWith("sftp-secondary-"))).to.equal(true);
        });
    });

    describe("bucket", () => {
        it("is versioned, SSE-S3 encrypted, fully private, owner-enforced, with a deterministic name", () => {
            expect(single(primary, t.bucket).inputs.bucket).to.equal("sftp-failover-primary-123456789012");
            expect(single(primary, t.versioning).inputs.versioningConfiguration).to.deep.equal({ status: "Enabled" });
            expect(single(primary, t.encryption).inputs.rules).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
            const pab = single(primary, t.publicAccess).inputs;
            for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
                expect(pab[flag], flag).to.equal(true);
            }
            expect(single(primary, t.ownership).inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
        });

        it("expires noncurrent versions after 30 days by default and after the configured days otherwise", async () => {
            const rule = (run: Run) => (single(run, t.lifecycle).inputs.rules as Record<string, unknown>[])[0];
            expect(rule(primary).noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 30 });
            expect(rule(primary).status).to.equal("Enabled");
            const custom = await runRegional({ ...primaryConfig(), noncurrentVersionDays: 90 });
            expect(rule(custom).noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 90 });
        });

        it("aborts incomplete multipart uploads after 7 days and removes expired delete markers, for every object", () => {
            for (const run of [primary, secondary]) {
                const rules = single(run, t.lifecycle).inputs.rules as Record<string, unknown>[];
                expect(rules.map((r) => [r.id, r.status, r.filter])).to.deep.equal([
                    ["expire-noncurrent-versions", "Enabled", {}],
                    ["remove-expired-delete-markers", "Enabled", {}],
                ]);
                expect(rules[0].abortIncompleteMultipartUpload).to.deep.equal({ daysAfterInitiation: 7 });
                expect(rules[1].expiration).to.deep.equal({ expiredObjectDeleteMarker: true });
            }
        });

        it("has a TLS-only policy that denies every non-TLS request to the bucket and its objects", () => {
            const doc = JSON.parse(single(primary, t.bucketPolicy).inputs.policy as string) as PolicyDocument;
            expect(doc.Statement).to.have.length(1);
            const st = doc.Statement[0];
            expect(st.Effect).to.equal("Deny");
            expect(st.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
            expect(asList(st.Resource)).to.deep.equal([
                "arn:aws:s3:::sftp-failover-primary-123456789012",
                "arn:aws:s3:::sftp-failover-primary-123456789012/*",
            ]);
            expect(primary.dependsOn.get("sftp-primary-bucket-policy")).to.have.members([
                "sftp-primary-bucket-public-access",
                "sftp-primary-bucket-ownership",
            ]);
        });

        it("with a KMS key: SSE-KMS with a bucket key, KMS-encrypted objects replicated and re-encrypted with the peer's key", async () => {
            const key = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
            const peerKey = "arn:aws:kms:us-west-2:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
            const run = await runRegional({ ...primaryConfig(), kmsKeyArn: key, peerKmsKeyArn: peerKey });
            expect(single(run, t.encryption).inputs.rules).to.deep.equal([
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key }, bucketKeyEnabled: true },
            ]);
            const rule = (single(run, t.replication).inputs.rules as Record<string, Record<string, unknown>>[])[0];
            expect(rule.sourceSelectionCriteria.sseKmsEncryptedObjects).to.deep.equal({ status: "Enabled" });
            expect(rule.destination.encryptionConfiguration).to.deep.equal({ replicaKmsKeyId: peerKey });
            const resources = policyDocuments(run).flatMap((p) => p.doc.Statement.flatMap((s) => asList(s.Resource)));
            expect(resources).to.include.members([key, peerKey]);
            // The key owners' part, as an output: this stack's roles on each key, through S3 in the key's region.
            const grants = run.outputs.kmsKeyPolicyGrants as Record<string, PolicyDocument["Statement"]>;
            expect(Object.keys(grants)).to.have.members([key, peerKey]);
            const summary = (k: string) => grants[k].map((g) => [g.Sid, (g.Condition as Record<string, Record<string, string>>).StringEquals["kms:ViaService"]]);
            expect(summary(key)).to.deep.equal([["GatewaysReadAndWriteHomes", "s3.us-east-1.amazonaws.com"], ["ReplicationReadsSource", "s3.us-east-1.amazonaws.com"]]);
            expect(summary(peerKey)).to.deep.equal([["PeerReplicationWritesReplicas", "s3.us-west-2.amazonaws.com"]]);
            expect(grants[key][0].Principal).to.deep.equal({ AWS: "arn:aws:iam::123456789012:role/sftp-primary-gw-role" });
            expect(primary.outputs).to.not.have.property("kmsKeyPolicyGrants");
        });
    });

    describe("two-way replication", () => {
        const ruleOf = (run: Run) => (single(run, t.replication).inputs.rules as Record<string, Record<string, unknown>>[])[0];

        it("each stack replicates its own bucket to the peer's, derived without reading the other stack", () => {
            expect(single(primary, t.replication).inputs.bucket).to.equal("sftp-failover-primary-123456789012");
            expect(ruleOf(primary).destination.bucket).to.equal("arn:aws:s3:::sftp-failover-secondary-123456789012");
            expect(single(secondary, t.replication).inputs.bucket).to.equal("sftp-failover-secondary-123456789012");
            expect(ruleOf(secondary).destination.bucket).to.equal("arn:aws:s3:::sftp-failover-primary-123456789012");
        });

        it("has RTC 15 minutes, metrics, delete markers and replica modification sync on, for every object", () => {
            for (const run of [primary, secondary]) {
                const rule = ruleOf(run);
                expect(rule.status).to.equal("Enabled");
                expect(rule.filter).to.deep.equal({});
                expect(rule.destination.replicationTime).to.deep.equal({ status: "Enabled", time: { minutes: 15 } });
                expect(rule.destination.metrics).to.deep.equal({ status: "Enabled", eventThreshold: { minutes: 15 } });
                expect(rule.deleteMarkerReplication).to.deep.equal({ status: "Enabled" });
                expect(rule.sourceSelectionCriteria).to.deep.equal({ replicaModifications: { status: "Enabled" } });
            }
        });

        it("is configured only after the source bucket's versioning and the role's policy", () => {
            expect(primary.dependsOn.get("sftp-primary-replication-config")).to.have.members([
                "sftp-primary-bucket-versioning",
                "sftp-primary-replication-policy",
            ]);
        });

        it("uses a least-privilege role: read from its bucket, replicate into the peer's, nothing else", () => {
            const doc = JSON.parse(inputsOf(primary, "sftp-primary-replication-policy").policy as string) as PolicyDocument;
            const src = "arn:aws:s3:::sftp-failover-primary-123456789012";
            const dst = "arn:aws:s3:::sftp-failover-secondary-123456789012";
            const grants = doc.Statement.map((s) => ({ actions: asList(s.Action as string[]).sort(), resources: asList(s.Resource) }));
            expect(grants).to.deep.equal([
                { actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"], resources: [src] },
                { actions: ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"], resources: [`${src}/*`] },
                { actions: ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"], resources: [`${dst}/*`] },
            ]);
            const trust = JSON.parse(inputsOf(primary, "sftp-primary-replication-role").assumeRolePolicy as string) as PolicyDocument;
            expect(trust.Statement[0].Principal).to.deep.equal({ Service: "s3.amazonaws.com" });
        });

        it("can be left out (first deployment, or a peer region that cannot be reached): then nothing is written to the peer region", async () => {
            const run = await runRegional({ ...primaryConfig(), replicationEnabled: false });
            expect(ofType(run, t.replication)).to.have.length(0);
            expect(ofType(run, t.role).map((r) => r.name)).to.not.include("sftp-primary-replication-role");
            expect(single(run, t.secret).inputs.replicas).to.deep.equal([]);
            const peer = JSON.stringify(run.resources.map((r) => r.inputs));
            expect(peer).to.not.include("us-west-2");
            expect(peer).to.not.include("sftp-failover-secondary-");
        });
    });

    describe("policies", () => {
        it("no policy document of either stack grants or denies on a '*' resource", () => {
            for (const run of [primary, secondary]) {
                const docs = policyDocuments(run);
                expect(docs.length).to.equal(8);
                for (const { owner, doc } of docs) {
                    for (const st of doc.Statement) {
                        for (const resource of asList(st.Resource)) {
                            expect(resource, owner).to.match(/^arn:aws:/);
                            expect(resource, owner).to.not.equal("*");
                            // A wildcard may only end a path inside one of our buckets or Amazon
                            // Linux's repository bucket, or name the log streams of the flow-log group.
                            if (resource.includes("*")) {
                                expect(resource, owner).to.match(
                                    /^arn:aws:s3:::sftp-failover-(primary|secondary)-123456789012\/[^*]*\*$|^arn:aws:s3:::al2023-repos-us-(east-1|west-2)-de612dc2\/\*$|^arn:aws:cloudwatch:.*flow-logs:\*$/,
                                );
                            }
                        }
                    }
                }
            }
        });

        it("every role an AWS service assumes for the stack holds the confused-deputy conditions: this account, and the resource it acts for", () => {
            const expected: Record<string, (run: Run) => string> = {
                "s3.amazonaws.com": (run) => `arn:aws:s3:::sftp-failover-${String(run.outputs.regionName)}-123456789012`,
                "vpc-flow-logs.amazonaws.com": (run) => `arn:aws:ec2:${String(run.outputs.region)}:123456789012:vpc-flow-log/*`,
            };
            for (const run of [primary, secondary]) {
                const services: string[] = [];
                for (const role of ofType(run, t.role)) {
                    const trust = JSON.parse(role.inputs.assumeRolePolicy as string) as PolicyDocument;
                    for (const st of trust.Statement) {
                        const service = (st.Principal as { Service: string }).Service;
                        services.push(service);
                        if (service === "ec2.amazonaws.com") {
                            // EC2 sends neither key for an instance profile's role: PassRole decides.
                            expect(st.Condition, role.name).to.equal(undefined);
                            continue;
                        }
                        expect(st.Condition, role.name).to.deep.equal({
                            StringEquals: { "aws:SourceAccount": "123456789012" },
                            ArnLike: { "aws:SourceArn": expected[service](run) },
                        });
                    }
                }
                expect(services).to.have.members(["ec2.amazonaws.com", "s3.amazonaws.com", "vpc-flow-logs.amazonaws.com"]);
            }
        });

        it("the gateway role reads only its secret and users object, and each user's prefix (read-only users get GetObject only)", () => {
            const doc = JSON.parse(inputsOf(primary, "sftp-primary-gw-policy").policy as string) as PolicyDocument;
            const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
            expect(asList(bySid.ReadHostKeys.Resource)).to.deep.equal([
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:sftp-failover/primary/host-keys-AbCdEf",
            ]);
            expect(asList(bySid.ReadUsers.Resource)).to.deep.equal(["arn:aws:s3:::sftp-failover-primary-123456789012/.sftp-failover/users/primary.json"]);
            expect(bySid.ReadUsers.Action).to.equal("s3:GetObject");
            const bucket = "arn:aws:s3:::sftp-failover-primary-123456789012";
            expect(asList(bySid.ReadWriteHomes.Resource)).to.deep.equal([`${bucket}/alice/*`, `${bucket}/partners/bob/*`]);
            expect(asList(bySid.ReadOnlyHomes.Resource)).to.deep.equal([`${bucket}/reports/*`]);
            expect(bySid.ReadOnlyHomes.Action).to.equal("s3:GetObject");
            expect(asList(bySid.ListHomes.Resource)).to.deep.equal([bucket]);
            expect(Object.keys(bySid)).to.have.members(["ReadHostKeys", "ReadUsers", "ListHomes", "ReadWriteHomes", "ReadOnlyHomes"]);
            // No AWS-managed policy: AmazonSSMManagedInstanceCore would read every parameter of the account.
            expect(ofType(primary, t.attachment)).to.have.length(0);
        });

        it("grants a Session Manager shell only when sessionManager is true, with the channel actions alone", async () => {
            const run = await runRegional({ ...primaryConfig(), sessionManager: true });
            const doc = JSON.parse(inputsOf(run, "sftp-primary-gw-policy").policy as string) as PolicyDocument;
            const shell = doc.Statement.find((st) => st.Sid === "SessionManagerShell");
            expect(asList(shell?.Action)).to.have.members([
                "ssm:UpdateInstanceInformation",
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ]);
            expect(ofType(run, t.attachment)).to.have.length(0);
            // The agent's services get interface endpoints, so a session needs no NAT; without
            // sessionManager only Secrets Manager's endpoint exists.
            const services = (r: typeof run) => ofType(r, t.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface").map((e) => e.inputs.serviceName);
            expect(services(run)).to.deep.equal(["ssm", "ssmmessages", "ec2messages"].reduce((acc, s) => [...acc, `com.amazonaws.us-east-1.${s}`], ["com.amazonaws.us-east-1.secretsmanager"]));
            expect(services(primary)).to.deep.equal(["com.amazonaws.us-east-1.secretsmanager"]);
        });
    });

    describe("network and load balancer", () => {
        it("admits the listener port only from the configured CIDRs and Route 53's health checkers, and the instances only from the load balancer", () => {
            const nlbSgId = "sftp-primary-gw-nlb-id";
            const instanceSgId = "sftp-primary-gw-instances-id";
            const toNlb = ofType(primary, t.ingress).filter((r) => r.inputs.securityGroupId === nlbSgId);
            const clients = toNlb.filter((r) => r.inputs.prefixListId === undefined);
            expect(clients.map((r) => r.inputs.cidrIpv4)).to.deep.equal(["203.0.113.0/24", "198.51.100.10/32"]);
            // Without this rule every endpoint check is unhealthy and Route 53 fails open.
            const checkers = toNlb.filter((r) => r.inputs.prefixListId !== undefined);
            expect(checkers.map((r) => r.inputs)).to.deep.equal([
                {
                    region: "us-east-1",
                    securityGroupId: nlbSgId,
                    ipProtocol: "tcp",
                    fromPort: 22,
                    toPort: 22,
                    prefixListId: mockHealthCheckersPrefixListId("us-east-1"),
                    description: "Route 53 health checkers",
                },
            ]);
            expect(toNlb).to.have.length(clients.length + checkers.length);
            for (const r of clients) {
                expect([r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]).to.deep.equal(["tcp", 22, 22]);
            }
            const toInstances = ofType(primary, t.ingress).filter((r) => r.inputs.securityGroupId === instanceSgId);
            expect(toInstances).to.have.length(1);
            expect(toInstances[0].inputs).to.include({ referencedSecurityGroupId: nlbSgId, fromPort: 2022, toPort: 2022 });
            expect(toInstances[0].inputs.cidrIpv4).to.equal(undefined);
            const nlbEgress = ofType(primary, t.egress).find((r) => r.inputs.securityGroupId === nlbSgId);
            expect(nlbEgress?.inputs).to.include({ referencedSecurityGroupId: instanceSgId, fromPort: 2022 });
            expect(ofType(primary, t.ingress).some((r) => r.inputs.cidrIpv4 === "0.0.0.0/0")).to.equal(false);
        });

        it("0.0.0.0/0 is accepted only with allowAnyCidr: true", async () => {
            const run = await runRegional({ ...primaryConfig(), allowedCidrs: ["0.0.0.0/0"], allowAnyCidr: true });
            expect(ofType(run, t.ingress).map((r) => r.inputs.cidrIpv4)).to.include("0.0.0.0/0");
        });

        it("is a public network load balancer with cross-zone on, a TCP listener and a TCP health check", () => {
            const lb = single(primary, t.lb).inputs;
            expect(lb).to.include({ loadBalancerType: "network", internal: false, enableCrossZoneLoadBalancing: true });
            expect(lb.subnets).to.deep.equal(["sftp-primary-network-public-0-id", "sftp-primary-network-public-1-id"]);
            expect(lb.securityGroups).to.deep.equal(["sftp-primary-gw-nlb-id"]);
            expect(single(primary, t.listener).inputs).to.include({ port: 22, protocol: "TCP" });
            const tg = single(primary, t.tg).inputs;
            expect(tg).to.include({ port: 2022, protocol: "TCP", targetType: "instance" });
            expect(tg.healthCheck).to.include({ enabled: true, protocol: "TCP", port: "traffic-port" });
        });

        it("the target group keeps leaving connections 30 s by default; drainTimeoutSeconds sets the deregistration delay", async () => {
            expect(single(primary, t.tg).inputs.deregistrationDelay).to.equal(30);
            const run = await runRegional({ ...primaryConfig(), drainTimeoutSeconds: 300 });
            expect(single(run, t.tg).inputs.deregistrationDelay).to.equal(300);
        });

        it("the load balancer is protected from deletion by default; deletionProtection: false turns it off", async () => {
            expect(single(primary, t.lb).inputs.enableDeletionProtection).to.equal(true);
            expect(single(secondary, t.lb).inputs.enableDeletionProtection).to.equal(true);
            const run = await runRegional({ ...primaryConfig(), deletionProtection: false });
            expect(single(run, t.lb).inputs.enableDeletionProtection).to.equal(false);
        });

        it("a configured listener port moves the listener, the client rules and the endpointPort output", async () => {
            const run = await runRegional({ ...primaryConfig(), listenerPort: 2222 });
            expect(single(run, t.listener).inputs.port).to.equal(2222);
            const toNlb = ofType(run, t.ingress).filter((r) => r.inputs.securityGroupId === "sftp-primary-gw-nlb-id");
            expect(toNlb.map((r) => [r.inputs.fromPort, r.inputs.toPort])).to.deep.equal([
                [2222, 2222],
                [2222, 2222],
                [2222, 2222],
            ]);
            expect(run.outputs.endpointPort).to.equal(2222);
        });

        it("builds a public and a private subnet per zone from the VPC CIDR; only the public tier routes to the internet gateway", () => {
            expect(single(primary, t.vpc).inputs.cidrBlock).to.equal("10.40.0.0/16");
            const subnets = ofType(primary, t.subnet);
            expect(subnets.map((s) => [s.name, s.inputs.cidrBlock, s.inputs.availabilityZone])).to.deep.equal([
                ["sftp-primary-network-public-0", "10.40.0.0/20", "us-east-1a"],
                ["sftp-primary-network-public-1", "10.40.16.0/20", "us-east-1b"],
                ["sftp-primary-network-private-0", "10.40.32.0/20", "us-east-1a"],
                ["sftp-primary-network-private-1", "10.40.48.0/20", "us-east-1b"],
            ]);
            expect(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false)).to.equal(true);
            const routes = Object.fromEntries(ofType(primary, t.routeTable).map((r) => [r.name, r.inputs.routes]));
            expect(routes).to.deep.equal({
                "sftp-primary-network-public": [{ cidrBlock: "0.0.0.0/0", gatewayId: "sftp-primary-network-igw-id" }],
                "sftp-primary-network-private": [{ cidrBlock: "0.0.0.0/0", natGatewayId: "sftp-primary-network-nat-id" }],
                "sftp-primary-network-private-routes-1": [{ cidrBlock: "0.0.0.0/0", natGatewayId: "sftp-primary-network-nat-1-id" }],
            });
            const associations = Object.fromEntries(ofType(primary, t.association).map((a) => [a.inputs.subnetId, a.inputs.routeTableId]));
            expect(associations).to.deep.equal({
                "sftp-primary-network-public-0-id": "sftp-primary-network-public-id",
                "sftp-primary-network-public-1-id": "sftp-primary-network-public-id",
                "sftp-primary-network-private-0-id": "sftp-primary-network-private-id",
                "sftp-primary-network-private-1-id": "sftp-primary-network-private-routes-1-id",
            });
            // One NAT gateway per zone, each in its zone's public subnet: a zone's loss takes only its own egress.
            expect(ofType(primary, t.nat).map((n) => [n.inputs.subnetId, n.inputs.connectivityType])).to.deep.equal([
                ["sftp-primary-network-public-0-id", "public"],
                ["sftp-primary-network-public-1-id", "public"],
            ]);
        });

        it("keeps the instances private: private subnets, no public address, S3 through a gateway endpoint on the private routes", () => {
            expect(single(primary, t.asg).inputs.vpcZoneIdentifiers).to.deep.equal(["sftp-primary-network-private-0-id", "sftp-primary-network-private-1-id"]);
            const nics = single(primary, t.launchTemplate).inputs.networkInterfaces as Record<string, unknown>[];
            expect(nics.map((n) => n.associatePublicIpAddress)).to.deep.equal(["false"]);
            expect(s3Endpoint(primary).inputs).to.deep.include({
                serviceName: "com.amazonaws.us-east-1.s3",
                vpcEndpointType: "Gateway",
                routeTableIds: ["sftp-primary-network-private-id", "sftp-primary-network-private-routes-1-id"],
            });
        });

        it("healthCheck http: the target group asks SFTPGo's /healthz on the health port, Route 53 gets a health listener admitted from its checkers only; TCP stays the default", async () => {
            const tcp = single(primary, t.tg).inputs.healthCheck;
            expect(tcp).to.deep.include({ protocol: "TCP", port: "traffic-port" });
            expect(primary.outputs.endpointHealthCheck).to.deep.equal({ type: "TCP", port: 22 });
            const run = await runRegional({ ...primaryConfig(), healthCheck: { protocol: "http", port: 10000 } });
            const groups = ofType(run, t.tg);
            expect(groups.map((g) => [g.name, g.inputs.port, g.inputs.healthCheck]).sort()).to.deep.equal([
                ["sftp-primary-gw-hc", 10000, { enabled: true, interval: 10, healthyThreshold: 3, unhealthyThreshold: 3, protocol: "HTTP", port: "10000", path: "/healthz", matcher: "200" }],
                ["sftp-primary-gw-tg", 2022, { enabled: true, interval: 10, healthyThreshold: 3, unhealthyThreshold: 3, protocol: "HTTP", port: "10000", path: "/healthz", matcher: "200" }],
            ]);
            expect(ofType(run, t.listener).map((l) => l.inputs.port).sort()).to.deep.equal([10000, 22]);
            expect(single(run, t.asg).inputs.targetGroupArns).to.have.length(2);
            const onHealthPort = ofType(run, t.ingress).filter((r) => r.inputs.fromPort === 10000);
            expect(onHealthPort.map((r) => [r.inputs.securityGroupId, r.inputs.prefixListId ?? r.inputs.referencedSecurityGroupId])).to.deep.equal([
                ["sftp-primary-gw-nlb-id", mockHealthCheckersPrefixListId("us-east-1")],
                ["sftp-primary-gw-instances-id", "sftp-primary-gw-nlb-id"],
            ]);
            expect(run.outputs.endpointHealthCheck).to.deep.equal({ type: "HTTP", port: 10000, resourcePath: "/healthz" });
            const userData = Buffer.from(String(single(run, t.launchTemplate).inputs.userData), "base64").toString("utf8");
            expect(userData).to.include("SFTPGO_TELEMETRY__BIND_PORT=10000\nSFTPGO_TELEMETRY__BIND_ADDRESS=\n");
        });

        it("Secrets Manager through an interface endpoint in the private subnets, with private DNS and HTTPS from the VPC only", () => {
            const endpoint = ofType(primary, t.endpoint).find((e) => e.inputs.serviceName === "com.amazonaws.us-east-1.secretsmanager");
            expect(endpoint?.inputs).to.deep.include({
                vpcEndpointType: "Interface",
                subnetIds: ["sftp-primary-network-private-0-id", "sftp-primary-network-private-1-id"],
                securityGroupIds: ["sftp-primary-network-endpoints-id"],
                privateDnsEnabled: true,
            });
            const https = ofType(primary, t.ingress).filter((r) => r.inputs.securityGroupId === "sftp-primary-network-endpoints-id");
            expect(https.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])).to.deep.equal([[443, 443, "10.40.0.0/16"]]);
        });

        it("network.nat: false builds no NAT gateway and one private route table with no route out; boot then needs sftpgoPackage", async () => {
            const sftpgoPackage = { key: ".sftp-failover/artifacts/sftpgo.rpm", sha256: "0".repeat(64) };
            const run = await runRegional({ ...primaryConfig(), network: { nat: false }, sftpgoPackage });
            expect(ofType(run, t.nat)).to.deep.equal([]);
            expect(ofType(run, t.eip)).to.deep.equal([]);
            const routes = Object.fromEntries(ofType(run, t.routeTable).map((r) => [r.name, r.inputs.routes]));
            expect(routes["sftp-primary-network-private"]).to.deep.equal([]);
            expect(s3Endpoint(run).inputs.routeTableIds).to.deep.equal(["sftp-primary-network-private-id"]);
            const { error } = await runRegionalFailure({ ...primaryConfig(), network: { nat: false } });
            expect(error.message).to.match(/^sftp-failover:network\.nat is false, but without sftpgoPackage the gateways install SFTPGo from a mirror on the internet/);
        });

        it("the S3 endpoint admits the region's own bucket and Amazon Linux's repositories (read only), nothing else", () => {
            for (const run of [primary, secondary]) {
                const region = String(run.outputs.region);
                const bucket = `arn:aws:s3:::sftp-failover-${String(run.outputs.regionName)}-123456789012`;
                const doc = JSON.parse(s3Endpoint(run).inputs.policy as string) as PolicyDocument;
                expect(doc.Statement.map((st) => [st.Effect, st.Action, st.Resource])).to.deep.equal([
                    ["Allow", "s3:*", [bucket, `${bucket}/*`]],
                    ["Allow", "s3:GetObject", `arn:aws:s3:::al2023-repos-${region}-de612dc2/*`],
                ]);
            }
        });

        it("logs all VPC traffic to a log group with a retention, through a role only the flow-logs service assumes", async () => {
            expect(single(primary, t.flowLog).inputs).to.include({ vpcId: "sftp-primary-network-vpc-id", trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
            expect(single(primary, t.logGroup).inputs.retentionInDays).to.equal(90);
            const role = ofType(primary, t.role).find((r) => r.name === "sftp-primary-network-flow-logs");
            const trust = JSON.parse(role?.inputs.assumeRolePolicy as string) as PolicyDocument;
            expect(trust.Statement[0].Principal).to.deep.equal({ Service: "vpc-flow-logs.amazonaws.com" });
            const run = await runRegional({ ...primaryConfig(), network: { vpcCidr: "10.40.0.0/16", flowLogRetentionDays: 365 } });
            expect(single(run, t.logGroup).inputs.retentionInDays).to.equal(365);
        });

        it("an existing VPC and subnets create no network resources and skip the zone lookup", async () => {
            const run = await runRegional({
                ...primaryConfig(),
                network: { vpcId: "vpc-0abc", subnetIds: ["subnet-0aaa", "subnet-0bbb"], instanceSubnetIds: ["subnet-0ccc", "subnet-0ddd"] },
                amiId: "ami-0fedcba9876543210",
            });
            for (const type of [t.vpc, t.subnet, t.igw, t.routeTable, t.association, t.nat, t.eip, t.endpoint, t.flowLog]) {
                expect(ofType(run, type), type).to.have.length(0);
            }
            expect(single(run, t.asg).inputs.vpcZoneIdentifiers).to.deep.equal(["subnet-0ccc", "subnet-0ddd"]);
            expect(single(run, t.lb).inputs.subnets).to.deep.equal(["subnet-0aaa", "subnet-0bbb"]);
            expect(ofType(run, t.sg).map((sg) => sg.inputs.vpcId)).to.deep.equal(["vpc-0abc", "vpc-0abc"]);
            expect(run.invokes).to.not.include("aws:index/getAvailabilityZones:getAvailabilityZones");
            expect(run.invokes).to.not.include("aws:ec2/getAmi:getAmi");
            expect(single(run, t.launchTemplate).inputs.imageId).to.equal("ami-0fedcba9876543210");
        });
    });

    describe("capacity modes", () => {
        const modes: Record<CapacityMode, { min: number; desired: number; max: number }> = {
            active: { min: 2, desired: 3, max: 6 },
            "pilot-light": { min: 1, desired: 1, max: 6 },
            drained: { min: 0, desired: 0, max: 0 },
        };
        const runs = new Map<CapacityMode, Run>();

        before(async () => {
            for (const mode of Object.keys(modes) as CapacityMode[]) {
                runs.set(mode, await runRegional({ ...primaryConfig(), capacityMode: mode }));
            }
        });

        for (const [mode, expected] of Object.entries(modes) as [CapacityMode, { min: number; desired: number; max: number }][]) {
            it(`${mode}: the group is sized min ${expected.min} / desired ${expected.desired} / max ${expected.max}`, () => {
                const run = runs.get(mode) as Run;
                const asg = single(run, t.asg).inputs;
                expect({ min: asg.minSize, desired: asg.desiredCapacity, max: asg.maxSize }).to.deep.equal(expected);
                expect(run.outputs.capacityMode).to.equal(mode);
                expect(run.outputs.desiredCapacity).to.equal(expected.desired);
            });
        }

        it("pilot light of 0 leaves no instance but keeps the rest of the region", async () => {
            const run = await runRegional({ ...primaryConfig(), capacityMode: "pilot-light", capacity: { min: 2, desired: 2, max: 4, pilotLight: 0 } });
            expect(single(run, t.asg).inputs).to.include({ minSize: 0, desiredCapacity: 0, maxSize: 4 });
            expect(ofType(run, t.lb)).to.have.length(1);
        });

        it("changing the mode changes only the group's min, desired, max and the capacity it waits for — every other input of every resource is identical", () => {
            const baseline = runs.get("active") as Run;
            for (const mode of ["pilot-light", "drained"] as CapacityMode[]) {
                const other = runs.get(mode) as Run;
                expect(other.resources.map((r) => r.name)).to.deep.equal(baseline.resources.map((r) => r.name));
                other.resources.forEach((r, i) => {
                    const before = { ...baseline.resources[i].inputs };
                    const after = { ...r.inputs };
                    if (r.type === t.asg) {
                        expect(r.inputs.waitForElbCapacity, `${mode}: waits for its desired capacity`).to.equal(r.inputs.desiredCapacity);
                        for (const k of ["minSize", "desiredCapacity", "maxSize", "waitForElbCapacity"]) {
                            delete before[k];
                            delete after[k];
                        }
                    }
                    expect(after, `${mode}: ${r.name}`).to.deep.equal(before);
                });
            }
        });

        it("a stack without capacityMode takes the active-passive capacities (primary active, secondary pilot light)", async () => {
            const p = await runRegional({ ...primaryConfig(), capacityMode: undefined });
            const s = await runRegional({ ...secondaryConfig(), capacityMode: undefined });
            expect(p.outputs.capacityMode).to.equal("active");
            expect(s.outputs.capacityMode).to.equal("pilot-light");
        });
    });

    describe("host keys, users and outputs", () => {
        it("exports every output the driver reads", () => {
            expect(primary.outputs).to.have.all.keys(
                "region",
                "regionName",
                "capacityMode",
                "desiredCapacity",
                "capacitySettings",
                "endpointDnsName",
                "endpointZoneId",
                "endpointHealthCheck",
                "endpointPort",
                "bucketName",
                "bucketArn",
                "replicationRuleId",
                "asgName",
                "loadBalancerMetricDimension",
                "hostKeyFingerprints",
                "usersFingerprint",
                "usersObjectKey",
                "quiesced",
                "usersReloadSeconds",
            );
            expect(primary.outputs).to.include({
                region: "us-east-1",
                regionName: "primary",
                endpointDnsName: "sftp-primary-gw-nlb-0123456789.elb.us-east-1.amazonaws.com",
                endpointZoneId: "Z26RNL4JYFTOTI",
                endpointPort: 22,
                bucketName: "sftp-failover-primary-123456789012",
                bucketArn: "arn:aws:s3:::sftp-failover-primary-123456789012",
                replicationRuleId: "to-peer-region",
                asgName: "sftp-primary-gw-asg-1a2b3c",
                loadBalancerMetricDimension: "net/sftp-primary-gw-nlb/0123456789abcdef",
            });
        });

        it("both regions from the same config present identical host key and user-list fingerprints", async () => {
            const expected = loadHostKeys(fixtureHostKeys()).fingerprints;
            expect(primary.outputs.hostKeyFingerprints).to.deep.equal(expected);
            expect(secondary.outputs.hostKeyFingerprints).to.deep.equal(expected);
            for (const fp of Object.values(expected)) {
                expect(fp).to.match(/^SHA256:[A-Za-z0-9+/]{43}$/);
            }
            expect(primary.outputs.usersFingerprint).to.match(/^sha256:[0-9a-f]{64}$/);
            expect(secondary.outputs.usersFingerprint).to.equal(primary.outputs.usersFingerprint);
            expect(usersObjectBody(single(secondary, t.usersObject))).to.equal(usersObjectBody(single(primary, t.usersObject)));
            expect(single(secondary, t.usersObject).inputs).to.include({ bucket: "sftp-failover-secondary-123456789012", key: ".sftp-failover/users/secondary.json", region: "us-west-2" });
        });

        it("the users object, in the region's own bucket under a key named after the region, holds the canonical list whose sha256 is the usersFingerprint", async () => {
            const object = single(primary, t.usersObject).inputs;
            expect(object).to.include({
                region: "us-east-1",
                bucket: "sftp-failover-primary-123456789012",
                key: ".sftp-failover/users/primary.json",
                contentType: "application/json",
            });
            expect(primary.outputs.usersObjectKey).to.equal(".sftp-failover/users/primary.json");
            const value = usersObjectBody(single(primary, t.usersObject));
            expect(`sha256:${crypto.createHash("sha256").update(value).digest("hex")}`).to.equal(primary.outputs.usersFingerprint);
            const parsed = JSON.parse(value) as { users: { name: string }[] };
            expect(parsed.users.map((u) => u.name)).to.deep.equal(["alice", "auditor", "bob"]);
        });

        it("with 12 stack tags, which the other resources take, the users object carries only project and regionName (S3 allows 10)", async () => {
            const tags = Object.fromEntries(Array.from({ length: 12 }, (_, n) => [`cost-centre-${n}`, "x"]));
            const tagged = await runRegional({ ...primaryConfig(), tags });
            expect(single(tagged, t.usersObject).inputs.tags).to.deep.equal({ project: "sftp-failover", regionName: "primary" });
            expect(Object.keys(single(tagged, t.bucket).inputs.tags as object)).to.have.length(14);
        });

        it("changing users touches only the users object and the role's prefixes — never the launch template, so no instance is replaced", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regional-users-"));
            try {
                const original = fs.readFileSync(path.join(fixtures, "users.yaml"), "utf8");
                const carol = fs.readFileSync(path.join(fixtures, "user-keys", "carol.pub"), "utf8").trim();
                const file = path.join(dir, "users.yaml");
                fs.writeFileSync(file, `${original}  - name: zed\n    publicKeys: ["${carol}"]\n`);
                const changed = await runRegional({ ...primaryConfig(), usersFile: file });
                const differing = changed.resources
                    .filter((r, i) => JSON.stringify(r.inputs) !== JSON.stringify(primary.resources[i].inputs))
                    .map((r) => r.type);
                expect(changed.resources.map((r) => r.name)).to.deep.equal(primary.resources.map((r) => r.name));
                expect(differing).to.have.members([t.usersObject, t.rolePolicy]);
                expect(changed.outputs.usersFingerprint).to.not.equal(primary.outputs.usersFingerprint);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("2,000 users, and 2,000 with RSA-4096 keys (beyond what SSM parameters could hold), are one object holding exactly the canonical list", async function () {
            this.timeout(60_000);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "regional-users-"));
            try {
                for (const [kind, publicKey] of [["ed25519", fs.readFileSync(path.join(fixtures, "user-keys", "bob.pub"), "utf8").trim()], ["rsa-4096", rsa4096PublicKey()]] as const) {
                    const lines = ["users:"];
                    for (let i = 0; i < 2000; i++) {
                        lines.push(`  - name: user${String(i).padStart(4, "0")}`, `    publicKeys: ["${publicKey}"]`);
                    }
                    const file = path.join(dir, `users-${kind}.yaml`);
                    fs.writeFileSync(file, `${lines.join("\n")}\n`);
                    const run = await runRegional({ ...primaryConfig(), usersFile: file, gatewayBucketAccess: "bucket" });
                    const body = usersObjectBody(single(run, t.usersObject));
                    const expected = canonicalUsersJson(parseUsersYaml(fs.readFileSync(file, "utf8"), file));
                    expect(body, kind).to.equal(expected);
                    expect(`sha256:${crypto.createHash("sha256").update(body).digest("hex")}`, kind).to.equal(run.outputs.usersFingerprint);
                    // 100 SSM Standard parameters of 4 KB held at most 409,600 bytes.
                    expect(Buffer.byteLength(expected), kind).to.be.greaterThan(kind === "rsa-4096" ? 409_600 : 300_000);
                }
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("private keys go only to Secrets Manager, as a Pulumi secret, replicated to the peer region", () => {
            const secret = single(primary, t.secret).inputs;
            expect(secret.replicas).to.deep.equal([{ region: "us-west-2" }]);
            const value = single(primary, t.secretVersion).inputs.secretString as Record<string, unknown>;
            expect(value[pulumi.runtime.specialSigKey]).to.equal(pulumi.runtime.specialSecretSig);
            expect(Object.keys(JSON.parse(value.value as string) as object)).to.deep.equal(["ed25519", "ecdsa", "rsa"]);
            for (const r of primary.resources.filter((x) => x.type !== t.secretVersion)) {
                expect(JSON.stringify(r.inputs), r.name).to.not.include("PRIVATE KEY");
            }
            expect(JSON.stringify(primary.outputs)).to.not.include("PRIVATE KEY");
        });

        it("the launch template boots with the region's secret, users object and bucket in its user data", () => {
            const lt = single(primary, t.launchTemplate).inputs;
            const script = Buffer.from(lt.userData as string, "base64").toString("utf8");
            expect(script).to.match(/^#!\/bin\/bash\n/);
            const installer = /base64 -d > \/usr\/local\/sbin\/sftp-host-keys-install <<'SCRIPT'\n([A-Za-z0-9+/=]+)\n/.exec(script);
            expect(Buffer.from((installer as RegExpExecArray)[1], "base64").toString("utf8")).to.include(
                "secret='arn:aws:secretsmanager:us-east-1:123456789012:secret:sftp-failover/primary/host-keys-AbCdEf'",
            );
            const sync = /base64 -d > \/usr\/local\/sbin\/sftp-users-sync <<'SCRIPT'\n([A-Za-z0-9+/=]+)\n/.exec(script);
            const syncScript = Buffer.from((sync as RegExpExecArray)[1], "base64").toString("utf8");
            expect(syncScript).to.include("bucket='sftp-failover-primary-123456789012'");
            expect(syncScript).to.include("key='.sftp-failover/users/primary.json'");
            expect(lt.metadataOptions).to.include({ httpTokens: "required" });
            expect(lt.imageId).to.equal("ami-0923456789abcdef");
            const asg = single(primary, t.asg).inputs;
            expect(asg.targetGroupArns).to.have.length(1);
            expect(asg.healthCheckType).to.equal("ELB");
        });

        it("with sftpgoPackage, boot reads the pinned package from the region's bucket, checks its SHA-256, and names no host outside AWS", async () => {
            const sftpgoPackage = { key: ".sftp-failover/artifacts/sftpgo-2.6.6-1.x86_64.rpm", sha256: "0123456789abcdef".repeat(4) };
            const run = await runRegional({ ...primaryConfig(), sftpgoPackage });
            const script = Buffer.from(single(run, t.launchTemplate).inputs.userData as string, "base64").toString("utf8");
            expect(script).to.include(`package_key='${sftpgoPackage.key}'`);
            expect(script).to.include(`package_sha256='${sftpgoPackage.sha256}'`);
            expect(script).to.not.include("osuosl");
            const policy = JSON.parse(inputsOf(run, "sftp-primary-gw-policy").policy as string) as PolicyDocument;
            expect(policy.Statement.find((st) => st.Sid === "ReadBootPackage")).to.deep.include({
                Action: "s3:GetObject",
                Resource: `arn:aws:s3:::sftp-failover-primary-123456789012/${sftpgoPackage.key}`,
            });
            // Without it, boot still uses the repository mirror, and the role reads no package.
            expect(JSON.parse(inputsOf(primary, "sftp-primary-gw-policy").policy as string).Statement.map((st: { Sid: string }) => st.Sid)).to.not.include("ReadBootPackage");
        });

        it("the group is created only after the host-key secret's value and the users object, which every instance reads at boot", () => {
            for (const run of [primary, secondary]) {
                const asg = single(run, t.asg);
                const deps = run.dependsOn.get(asg.name) ?? [];
                expect(deps, asg.name).to.include.members([single(run, t.secretVersion).name, single(run, t.usersObject).name]);
                // And after the path boot reads them through: the private routes, their associations and the endpoints.
                const path = [...ofType(run, t.endpoint), ...ofType(run, t.routeTable).filter((r) => r.name.includes("-private")), ...ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((r) => r.name.includes("-private-"))];
                expect(path.length, "endpoints, private route tables and associations").to.equal(1 + 1 + 2 + 2);
                expect(deps, asg.name).to.include.members(path.map((r) => r.name));
            }
        });

        it("warmPool gives the pilot light's group a pool of stopped instances and exports the settings; without it, no pool", async () => {
            const warmPool = { minSize: 1, maxGroupPreparedCapacity: 3 };
            const run = await runRegional({ ...secondaryConfig(), warmPool });
            expect(single(run, t.asg).inputs.warmPool).to.deep.equal({ poolState: "Stopped", minSize: 1, maxGroupPreparedCapacity: 3, instanceReusePolicy: { reuseOnScaleIn: true } });
            expect(run.outputs.capacitySettings).to.deep.equal({ instanceType: "t3.small", capacity: { min: 2, desired: 3, max: 6, pilotLight: 1 }, warmPool });
            expect(single(secondary, t.asg).inputs.warmPool).to.equal(undefined);
            const drained = await runRegional({ ...secondaryConfig(), warmPool, capacityMode: "drained" });
            expect(single(drained, t.asg).inputs.warmPool).to.equal(undefined);
        });

        it("warmPool gives the group a launch hook its instances complete, their role that one action on that group, and an autoscaling endpoint; without it, none of them", async () => {
            const run = await runRegional({ ...secondaryConfig(), warmPool: { minSize: 1 } });
            const groupName = "sftp-secondary-gw-asg-secondary";
            const asg = single(run, t.asg).inputs;
            expect(asg.name).to.equal(groupName);
            expect(asg.initialLifecycleHooks).to.deep.equal([{ name: "gateway-boot", lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", defaultResult: "ABANDON", heartbeatTimeout: 600 }]);
            const doc = JSON.parse(inputsOf(run, "sftp-secondary-gw-policy").policy as string) as PolicyDocument;
            const autoscaling = doc.Statement.filter((st) => [st.Action].flat().some((a) => String(a).startsWith("autoscaling:")));
            expect(autoscaling).to.deep.equal([
                { Sid: "CompleteOwnLaunchHook", Effect: "Allow", Action: "autoscaling:CompleteLifecycleAction", Resource: `arn:aws:autoscaling:us-west-2:${mockAccountId}:autoScalingGroup:*:autoScalingGroupName/${groupName}` },
            ]);
            const userData = Buffer.from(String(single(run, t.launchTemplate).inputs.userData), "base64").toString("utf8");
            const completer = Buffer.from(/base64 -d > \/usr\/local\/sbin\/sftp-boot-complete <<'SCRIPT'\n([A-Za-z0-9+/=\n]+)\nSCRIPT/.exec(userData)?.[1] ?? "", "base64").toString("utf8");
            expect(completer).to.include(`group='${groupName}'`).and.to.include("hook='gateway-boot'");
            const interfaceServices = (r: typeof run) => ofType(r, t.endpoint).filter((e) => e.inputs.vpcEndpointType === "Interface").map((e) => e.inputs.serviceName);
            expect(interfaceServices(run)).to.deep.equal(["com.amazonaws.us-west-2.secretsmanager", "com.amazonaws.us-west-2.autoscaling"]);
            // A drained region keeps the hook and the group's name: a switch never replaces the group.
            const drained = single(await runRegional({ ...secondaryConfig(), warmPool: { minSize: 1 }, capacityMode: "drained" }), t.asg).inputs;
            expect([drained.name, drained.initialLifecycleHooks]).to.deep.equal([groupName, asg.initialLifecycleHooks]);
            // Without a warm pool: Pulumi names the group, no hook, no Auto Scaling permission, no endpoint, no completer.
            const plain = single(secondary, t.asg).inputs;
            expect([plain.name, plain.initialLifecycleHooks]).to.deep.equal([undefined, undefined]);
            expect(inputsOf(secondary, "sftp-secondary-gw-policy").policy).to.not.include("autoscaling:");
            expect(interfaceServices(secondary)).to.deep.equal(["com.amazonaws.us-west-2.secretsmanager"]);
            expect(Buffer.from(String(single(secondary, t.launchTemplate).inputs.userData), "base64").toString("utf8")).to.not.include("sftp-boot-complete");
        });

        it("a refresh launches before it terminates (100 % kept, room to 200 %), so the pilot light of one never drops to no gateway", () => {
            for (const run of [primary, secondary]) {
                expect(single(run, t.asg).inputs.instanceRefresh).to.deep.equal({
                    strategy: "Rolling",
                    preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200 },
                });
            }
        });
    });
});
