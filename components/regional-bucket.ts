// The regional bucket that holds every user's files: versioned (replication needs it, and it is the
// undo for an accidental overwrite), encrypted, private, TLS-only, owner-enforced.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** An IAM/S3 policy document, typed just enough to build and inspect. */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

/** One statement of a {@link PolicyDocument}. */
export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: unknown;
    readonly Action: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Days after which an unfinished multipart upload (an interrupted SFTP upload's parts) is aborted and its parts deleted. */
export const incompleteUploadDays = 7;

/** S3's own limits on a bucket name (3–63 characters, lowercase, digits, dots, hyphens). */
export const bucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The deterministic name of a region's bucket, `<prefix>-<regionName>-<account>`. Each stack
 * derives its peer's bucket from it, so the secondary can be deployed (and replicate to the
 * primary) without reading the primary's stack while the primary region is down.
 */
export function regionalBucketName(prefix: string, regionName: string, accountId: string): string {
    const name = `${prefix}-${regionName}-${accountId}`;
    if (!bucketNamePattern.test(name) || name.includes("..")) {
        throw new Error(`namePrefix "${prefix}" gives the invalid bucket name "${name}" (lowercase, digits, hyphens; at most 63 characters)`);
    }
    return name;
}

/** The ARN of a bucket by name. */
export function bucketArnOf(partition: string, bucketName: string): string {
    return `arn:${partition}:s3:::${bucketName}`;
}

/** A bucket policy that refuses every request not made over TLS. */
export function tlsOnlyPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/** Arguments of {@link RegionalBucket}. */
export interface RegionalBucketArgs {
    /** Region of the bucket (aws v7 per-resource region). Required. */
    readonly region: string;
    /** The bucket's name (see {@link regionalBucketName}). Required. */
    readonly bucketName: string;
    /** Partition of the ARN (aws, aws-cn, aws-us-gov). Required. */
    readonly partition: string;
    /** Days a noncurrent object version is kept before it expires. Defaults to 30. */
    readonly noncurrentVersionDays?: number;
    /** KMS key for SSE-KMS. Defaults to SSE-S3 (AES256). */
    readonly kmsKeyArn?: string;
    /** Tags of the bucket. Defaults to none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** The regional bucket and its settings, each a separate resource as aws v7 models them. */
export class RegionalBucket extends pulumi.ComponentResource {
    /** The bucket's name (plain: it is derived from config). */
    public readonly bucketName: string;
    /** The bucket's ARN (plain, derived from the name). */
    public readonly bucketArn: string;
    /** The bucket's versioning; a replication configuration must depend on it. */
    public readonly versioning: aws.s3.BucketVersioning;

    constructor(name: string, args: RegionalBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:regional:RegionalBucket", name, {}, opts);
        const region = args.region;
        const noncurrentDays = args.noncurrentVersionDays ?? 30;
        const bucket = new aws.s3.Bucket(`${name}`, { region, bucket: args.bucketName, tags: args.tags }, { parent: this });
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { region, bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            { parent: this },
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { region, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        this.versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            { region, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
            { parent: this },
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                region,
                bucket: bucket.id,
                rules: [
                    args.kmsKeyArn === undefined
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true },
                ],
            },
            { parent: this },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                region,
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: incompleteUploadDays },
                    },
                    // A deleted file leaves a delete marker; once its noncurrent versions expire the
                    // marker is alone ("expired") and only slows every listing. S3 refuses this
                    // flag beside days or a date, so it has a rule of its own.
                    { id: "remove-expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
                ],
            },
            // Lifecycle rules act on versions, so they follow versioning.
            { parent: this, dependsOn: [this.versioning] },
        );
        this.bucketName = args.bucketName;
        this.bucketArn = bucketArnOf(args.partition, args.bucketName);
        new aws.s3.BucketPolicy(
            `${name}-policy`,
            { region, bucket: bucket.id, policy: JSON.stringify(tlsOnlyPolicy(this.bucketArn)) },
            // S3 rejects policy changes racing the public access block and ownership settings.
            { parent: this, dependsOn: [publicAccess, ownership] },
        );
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
