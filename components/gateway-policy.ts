// What a gateway instance may do, and nothing more: its users' homes in this region's bucket (or
// the bucket, read-only homes and sftp-failover's own keys denied writes: see HomeAccess), this
// region's host-key secret and users object. No AWS-managed policy is attached:
// AmazonSSMManagedInstanceCore would grant ssm:GetParameter(s) on every parameter of the account
// and a shell on instances that hold the host private keys. A shell is an explicit opt-in
// (`sessionManager`), granted with only the channel actions Session Manager needs.
import { PolicyDocument, PolicyStatement } from "./regional-bucket";
import { reservedKeyPrefix } from "./reserved-keys";
import { SftpUser } from "./sftp-users";

/**
 * How the gateway role reaches the users' homes.
 *
 * - `per-home` names each home in the policy: the gateway can touch no key of the bucket outside
 *   the homes, and each home only as its user may (read-only homes: GetObject). It costs about 97
 *   characters per user (8-character names), so IAM's 10,240 hold about 97 users.
 * - `bucket` grants every object of the bucket and denies writes on the read-only homes and on
 *   sftp-failover's own keys (`.sftp-failover/`, the users object). Its size
 *   grows only with the read-only users (about 61 characters each), so 2,000 users fit. What it
 *   gives up: keys of the bucket outside any home are reachable by the gateway, and IAM no longer
 *   keeps one user's home from another's — SFTPGo's per-user key prefix does that
 *   (gateway-user-data.ts). Per-home never gave that isolation against a compromised gateway either:
 *   it holds every user's prefix at once. Read-only homes stay read-only in IAM in both modes.
 */
export type HomeAccess = "per-home" | "bucket";

/** The {@link HomeAccess} values, in the order messages list them. */
export const homeAccessModes: readonly HomeAccess[] = ["per-home", "bucket"];

/**
 * IAM's quota "Inline policies per role, aggregate size": 10,240 characters, white space not
 * counted (IAM User Guide, IAM and AWS STS quotas). Customer-managed policies would not help at
 * scale: 6,144 characters each and 10 per role by default.
 */
export const rolePolicyMaxChars = 10_240;

/**
 * A policy document's length as IAM counts it against {@link rolePolicyMaxChars}: its JSON without
 * white space. JSON.stringify adds none, and none of our values (ARNs, actions, key prefixes) can
 * hold any, so this is the document's exact count.
 */
export function policyLength(doc: PolicyDocument): number {
    return JSON.stringify(doc).length;
}

/** The resources a gateway's policy is scoped to (all plain ARNs, resolved before building it). */
export interface GatewayPolicyArgs {
    readonly bucketArn: string;
    readonly hostKeySecretArn: string;
    /** Key of the users object in the bucket (under `.sftp-failover/`), read with GetObject. */
    readonly usersObjectKey: string;
    readonly users: readonly SftpUser[];
    /** KMS key of the bucket, when SSE-KMS is on. Defaults to none. */
    readonly kmsKeyArn?: string;
    /** Key of the pinned SFTPGo package in the bucket, read at boot. Defaults to none. */
    readonly bootPackageKey?: string;
    /** Allow an operator shell through Session Manager. Defaults to false. */
    readonly sessionManager?: boolean;
    /** How the homes are granted (see {@link HomeAccess}). Defaults to "per-home". */
    readonly homeAccess?: HomeAccess;
    /**
     * ARN (pattern) of the gateways' own Auto Scaling group, when it has a launch hook the instances
     * complete. Defaults to none (no Auto Scaling permission at all).
     */
    readonly launchHookGroupArn?: string;
}

/** EC2's trust policy for the gateway role. */
export const gatewayAssumeRolePolicy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/**
 * What a read-write user has beyond a read-only one's GetObject: writes, and the multipart upload
 * actions a write needs. Bucket mode denies exactly these on read-only homes, so a read-only home
 * allows what it allows in per-home mode.
 */
const withheldFromReadOnly = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];

/** Object actions of a user who may write. */
const readWriteActions = ["s3:GetObject", ...withheldFromReadOnly];

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
 * The instance policy: reads of exactly one secret and one object (the users), the homes as
 * `homeAccess` says (see {@link HomeAccess}), completing its own group's launch hook when it has
 * one, the bucket's key when SSE-KMS is on, and the Session
 * Manager channel when asked for. No statement has a `*` resource unless a shell is asked for.
 */
export function gatewayInstancePolicy(args: GatewayPolicyArgs): PolicyDocument {
    const statements: PolicyStatement[] = [
        { Sid: "ReadHostKeys", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.hostKeySecretArn },
        { Sid: "ReadUsers", Effect: "Allow", Action: "s3:GetObject", Resource: `${args.bucketArn}/${args.usersObjectKey}` },
    ];
    if (args.bootPackageKey !== undefined) {
        statements.push({ Sid: "ReadBootPackage", Effect: "Allow", Action: "s3:GetObject", Resource: `${args.bucketArn}/${args.bootPackageKey}` });
    }
    if (args.users.length > 0) {
        statements.push(...homeStatements(args.bucketArn, args.users, args.homeAccess ?? "per-home"));
    }
    if (args.launchHookGroupArn !== undefined) {
        // Only completing: the gateways cannot record heartbeats, change the hook or the group.
        statements.push({ Sid: "CompleteOwnLaunchHook", Effect: "Allow", Action: "autoscaling:CompleteLifecycleAction", Resource: args.launchHookGroupArn });
    }
    if (args.kmsKeyArn !== undefined) {
        statements.push({ Sid: "UseBucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: args.kmsKeyArn });
    }
    if (args.sessionManager ?? false) {
        statements.push(sessionManagerStatement);
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** The statements that reach the users' homes, for one {@link HomeAccess}. */
function homeStatements(bucketArn: string, users: readonly SftpUser[], homeAccess: HomeAccess): PolicyStatement[] {
    switch (homeAccess) {
        case "per-home":
            return perHomeStatements(bucketArn, users);
        case "bucket":
            return bucketStatements(bucketArn, users);
        default:
            throw new Error(`unknown home access "${String(homeAccess)}" (valid: ${homeAccessModes.join(", ")})`);
    }
}

const homeObjects = (bucketArn: string, users: readonly SftpUser[]): string[] => users.map((u) => `${bucketArn}/${u.homePrefix}*`);

/** Listing only under the homes, and each home's objects as its user may use them. */
function perHomeStatements(bucketArn: string, users: readonly SftpUser[]): PolicyStatement[] {
    const listPrefixes = users.flatMap((u) => [u.homePrefix, `${u.homePrefix}*`, u.homePrefix.slice(0, -1)]);
    const statements: PolicyStatement[] = [
        { Sid: "ListHomes", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn, Condition: { StringLike: { "s3:prefix": listPrefixes } } },
    ];
    const writable = users.filter((u) => !u.readOnly);
    const readOnly = users.filter((u) => u.readOnly);
    if (writable.length > 0) {
        statements.push({ Sid: "ReadWriteHomes", Effect: "Allow", Action: readWriteActions, Resource: homeObjects(bucketArn, writable) });
    }
    if (readOnly.length > 0) {
        statements.push({ Sid: "ReadOnlyHomes", Effect: "Allow", Action: "s3:GetObject", Resource: homeObjects(bucketArn, readOnly) });
    }
    return statements;
}

/**
 * The whole bucket, with the read-only homes denied what a read-only user is not given. An explicit
 * Deny wins over any Allow (IAM policy evaluation logic), so no later grant can reopen them.
 * sftp-failover's own keys are denied writes too: a gateway that could write the users object could
 * add itself a user.
 */
function bucketStatements(bucketArn: string, users: readonly SftpUser[]): PolicyStatement[] {
    const statements: PolicyStatement[] = [
        { Sid: "ListBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
        { Sid: "ReadWriteBucket", Effect: "Allow", Action: readWriteActions, Resource: `${bucketArn}/*` },
        { Sid: "DenyWritesToReservedKeys", Effect: "Deny", Action: withheldFromReadOnly, Resource: `${bucketArn}/${reservedKeyPrefix}*` },
    ];
    const readOnly = users.filter((u) => u.readOnly);
    if (readOnly.length > 0) {
        statements.push({ Sid: "DenyWritesToReadOnlyHomes", Effect: "Deny", Action: withheldFromReadOnly, Resource: homeObjects(bucketArn, readOnly) });
    }
    return statements;
}
