// What a gateway instance may do, and nothing more: its users' prefixes of this region's bucket,
// this region's host-key secret and users parameters. No AWS-managed policy is attached:
// AmazonSSMManagedInstanceCore would grant ssm:GetParameter(s) on every parameter of the account
// and a shell on instances that hold the host private keys. A shell is an explicit opt-in
// (`sessionManager`), granted with only the channel actions Session Manager needs.
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
    /** Allow an operator shell through Session Manager. Defaults to false. */
    readonly sessionManager?: boolean;
}

/** EC2's trust policy for the gateway role. */
export const gatewayAssumeRolePolicy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** Object actions of a user who may write. */
const readWriteActions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/**
 * What the SSM agent needs to register the instance and open a Session Manager channel — and no
 * parameter, document or command access. These actions support no resource-level permissions
 * (Service Authorization Reference: AWS Systems Manager, Amazon Message Gateway Service), so this
 * is the one statement whose resource is `*`, and it exists only when a shell is wanted.
 */
export const sessionManagerStatement: PolicyStatement = {
    Sid: "SessionManagerShell",
    Effect: "Allow",
    Action: [
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ],
    Resource: "*",
};

/**
 * The instance policy. Object access is granted per home prefix (read-only users' prefixes get
 * GetObject only), listing only under those prefixes, and reads of exactly one secret and one
 * parameter path. No statement has a `*` resource unless a Session Manager shell is asked for.
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
    if (args.sessionManager ?? false) {
        statements.push(sessionManagerStatement);
    }
    return { Version: "2012-10-17", Statement: statements };
}
