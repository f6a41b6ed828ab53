// What a gateway instance may do, and nothing more: its users' prefixes of this region's bucket,
// this region's host-key secret and users parameters. Operators reach instances through SSM, whose
// AWS-managed policy is attached by ARN next to this one.
import { PolicyDocument, PolicyStatement } from "./regional-bucket";
import { SftpUser } from "./sftp-users";

/** The resources a gateway's policy is scoped to (all plain ARNs, resolved before building it). */
export interface GatewayPolicyArgs {
    readonly bucketArn: string;
    readonly hostKeySecretArn: string;
    /** ARN of the users parameter path (`arn:...:parameter/<path>`), read with GetParametersByPath. */
    readonly usersParameterPathArn: string;
    readonly users: readonly SftpUser[];
    /** KMS key of the bucket, when SSE-KMS is on. Defaults to none. */
    readonly kmsKeyArn?: string;
}

/** EC2's trust policy for the gateway role. */
export const gatewayAssumeRolePolicy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** Object actions of a user who may write. */
const readWriteActions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/**
 * The instance policy. Object access is granted per home prefix (read-only users' prefixes get
 * GetObject only), listing only under those prefixes, and reads of exactly one secret and one
 * parameter path. No statement has a `*` resource.
 */
export function gatewayInstancePolicy(args: GatewayPolicyArgs): PolicyDocument {
    const statements: PolicyStatement[] = [
        { Sid: "ReadHostKeys", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.hostKeySecretArn },
        { Sid: "ReadUsers", Effect: "Allow", Action: "ssm:GetParametersByPath", Resource: args.usersParameterPathArn },
    ];
    if (args.users.length > 0) {
        const listPrefixes = args.users.flatMap((u) => [u.homePrefix, `${u.homePrefix}*`, u.homePrefix.slice(0, -1)]);
        statements.push({
            Sid: "ListHomes",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: args.bucketArn,
            Condition: { StringLike: { "s3:prefix": listPrefixes } },
        });
        const writable = args.users.filter((u) => !u.readOnly);
        const readOnly = args.users.filter((u) => u.readOnly);
        if (writable.length > 0) {
            statements.push({
                Sid: "ReadWriteHomes",
                Effect: "Allow",
                Action: readWriteActions,
                Resource: writable.map((u) => `${args.bucketArn}/${u.homePrefix}*`),
            });
        }
        if (readOnly.length > 0) {
            statements.push({
                Sid: "ReadOnlyHomes",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: readOnly.map((u) => `${args.bucketArn}/${u.homePrefix}*`),
            });
        }
    }
    if (args.kmsKeyArn !== undefined) {
        statements.push({ Sid: "UseBucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: args.kmsKeyArn });
    }
    return { Version: "2012-10-17", Statement: statements };
}
