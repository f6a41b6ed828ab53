// Replication from this region's bucket to the peer's. Each regional stack owns the rule leaving
// its own bucket, so the two stacks together replicate both ways: whatever the secondary takes in
// during an outage flows back to the primary when it returns, without a manual `s3 sync`.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PolicyDocument, PolicyStatement } from "./regional-bucket";
import { replicationRuleId } from "./replication-rule";
import { serviceTrustPolicy } from "./service-trust";

/** Replication Time Control's only supported threshold, in minutes. */
export const replicationTimeMinutes = 15;

/** What the replication role may touch. */
export interface ReplicationPolicyArgs {
    readonly sourceBucketArn: string;
    readonly destinationBucketArn: string;
    /** Key of SSE-KMS objects in the source bucket. Defaults to none (SSE-S3). */
    readonly sourceKmsKeyArn?: string;
    /** Key that encrypts replicas in the destination bucket. Defaults to none (SSE-S3). */
    readonly destinationKmsKeyArn?: string;
}

/** The S3 replication role's trust policy: S3, replicating this account's source bucket only. */
export function replicationAssumeRolePolicy(accountId: string, sourceBucketArn: string): PolicyDocument {
    return serviceTrustPolicy("s3.amazonaws.com", accountId, sourceBucketArn);
}

/**
 * The least privilege S3 replication needs: read the configuration and object versions of the
 * source bucket, write replicas (and delete markers, tags) into the destination bucket — nothing
 * else, and no wildcard resource beyond each bucket's own objects.
 */
export function replicationPolicy(args: ReplicationPolicyArgs): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "ReadSourceConfiguration",
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resource: args.sourceBucketArn,
        },
        {
            Sid: "ReadSourceVersions",
            Effect: "Allow",
            Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
            Resource: `${args.sourceBucketArn}/*`,
        },
        {
            Sid: "WriteReplicas",
            Effect: "Allow",
            Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            Resource: `${args.destinationBucketArn}/*`,
        },
    ];
    if (args.sourceKmsKeyArn !== undefined) {
        statements.push({ Sid: "DecryptSource", Effect: "Allow", Action: "kms:Decrypt", Resource: args.sourceKmsKeyArn });
    }
    if (args.destinationKmsKeyArn !== undefined) {
        statements.push({
            Sid: "EncryptReplicas",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
            Resource: args.destinationKmsKeyArn,
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Arguments of {@link BucketReplication}. */
export interface BucketReplicationArgs {
    /** Region of the source bucket (aws v7 per-resource region). Required. */
    readonly region: string;
    /** The account of the source bucket: S3 may assume the role only for it. Required. */
    readonly accountId: string;
    /** Name of the source bucket (this region's). Required. */
    readonly sourceBucketName: string;
    /** ARN of the source bucket. Required. */
    readonly sourceBucketArn: string;
    /** ARN of the destination bucket (the peer region's, derived from config). Required. */
    readonly destinationBucketArn: string;
    /** The source bucket's versioning: replication may only be configured after it. Required. */
    readonly sourceVersioning: pulumi.Resource;
    /** KMS key of the source bucket. Defaults to none (SSE-S3). */
    readonly sourceKmsKeyArn?: string;
    /** KMS key replicas are encrypted with in the destination. Defaults to none (SSE-S3). */
    readonly destinationKmsKeyArn?: string;
    /** Tags of the role. Defaults to none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * One direction of the two-way replication: a role S3 assumes and one rule copying every object
 * with Replication Time Control (15 minutes) and its metrics, delete markers, and replica
 * modification sync (so metadata changes made to a replica travel back, which two-way needs).
 */
export class BucketReplication extends pulumi.ComponentResource {
    /** ARN of the replication role. */
    public readonly roleArn: pulumi.Output<string>;
    /** Id of the replication rule, the `RuleId` dimension of its metrics (the driver reads the backlog by it). */
    public readonly ruleId: string;

    constructor(name: string, args: BucketReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:regional:BucketReplication", name, {}, opts);
        const role = new aws.iam.Role(
            `${name}-role`,
            { assumeRolePolicy: JSON.stringify(replicationAssumeRolePolicy(args.accountId, args.sourceBucketArn)), description: `S3 replication from ${args.sourceBucketName}`, tags: args.tags },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.id,
                policy: JSON.stringify(
                    replicationPolicy({
                        sourceBucketArn: args.sourceBucketArn,
                        destinationBucketArn: args.destinationBucketArn,
                        sourceKmsKeyArn: args.sourceKmsKeyArn,
                        destinationKmsKeyArn: args.destinationKmsKeyArn,
                    }),
                ),
            },
            { parent: this },
        );
        const kms = args.sourceKmsKeyArn !== undefined;
        new aws.s3.BucketReplicationConfig(
            `${name}-config`,
            {
                region: args.region,
                bucket: args.sourceBucketName,
                role: role.arn,
                rules: [
                    {
                        id: replicationRuleId,
                        status: "Enabled",
                        priority: 1,
                        filter: {},
                        deleteMarkerReplication: { status: "Enabled" },
                        sourceSelectionCriteria: {
                            replicaModifications: { status: "Enabled" },
                            ...(kms ? { sseKmsEncryptedObjects: { status: "Enabled" } } : {}),
                        },
                        destination: {
                            bucket: args.destinationBucketArn,
                            replicationTime: { status: "Enabled", time: { minutes: replicationTimeMinutes } },
                            metrics: { status: "Enabled", eventThreshold: { minutes: replicationTimeMinutes } },
                            ...(args.destinationKmsKeyArn !== undefined
                                ? { encryptionConfiguration: { replicaKmsKeyId: args.destinationKmsKeyArn } }
                                : {}),
                        },
                    },
                ],
            },
            // S3 refuses a replication configuration on a bucket whose versioning is not yet on, and
            // the role must be able to act the moment the rule exists.
            { parent: this, dependsOn: [args.sourceVersioning, policy] },
        );
        this.roleArn = role.arn;
        this.ruleId = replicationRuleId;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
