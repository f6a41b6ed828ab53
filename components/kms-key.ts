// KMS keys of the regional buckets: which ARNs work, and what each key's policy must grant. Pure:
// the config loader, the stack and the tests share it.
import { PolicyStatement } from "./regional-bucket";

/** A KMS ARN taken apart. */
export interface KmsArn {
    readonly partition: string;
    readonly region: string;
    readonly account: string;
    /** `key` for a key ARN, `alias` for an alias ARN. */
    readonly kind: "key" | "alias";
    /** The key id (a UUID or `mrk-` and 32 hex) or the alias name without `alias/`. */
    readonly name: string;
}

// A key is a UUID or a multi-Region key (mrk- and 32 hex), an alias a name (KMS API reference:
// KeyId and AliasName).
const kmsArnPattern =
    /^arn:(aws[a-z-]*):kms:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):(?:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias\/([A-Za-z0-9/_-]+))$/;

/** Parses a KMS key ARN or alias ARN; anything else is undefined. */
export function parseKmsArn(value: string): KmsArn | undefined {
    const m = kmsArnPattern.exec(value);
    if (m === null) {
        return undefined;
    }
    const [, partition, region, account, keyId, alias] = m;
    return keyId !== undefined ? { partition, region, account, kind: "key", name: keyId } : { partition, region, account, kind: "alias", name: alias };
}

/**
 * Why a configured bucket key would deploy but not work, or undefined when it would. `label` names
 * the setting; `bucketRegion` is the region of the bucket the key encrypts (with `regionLabel`, the
 * setting that gives that region). Refused:
 *
 * - anything but a key ARN;
 * - an alias ARN: the ARN becomes the `Resource` of the roles' IAM statements, and IAM matches a
 *   KMS key's own ARN only (AWS KMS Developer Guide, "Using aliases to control access to KMS
 *   keys": an alias ARN in `Resource` matches nothing; the condition `kms:ResourceAliases` is the
 *   way to name aliases), so every SSE-KMS upload and every replica would be AccessDenied;
 * - a key in another region than its bucket: S3 uses only a KMS key in the bucket's own region
 *   (Amazon S3 User Guide, "Specifying server-side encryption with AWS KMS": the key must be in the
 *   same Region as the bucket). A multi-Region key is named by its replica's ARN in that region.
 */
export function kmsKeyArnProblem(label: string, value: string, bucketRegion: string, regionLabel: string): string | undefined {
    const arn = parseKmsArn(value);
    if (arn === undefined) {
        return `${label} must be a KMS key ARN (got "${value}")`;
    }
    if (arn.kind === "alias") {
        return `${label} names the alias "alias/${arn.name}" (${value}), not a key: IAM matches key ARNs only, so SSE-KMS uploads and replication would be denied; give the ARN of the key it points to (aws kms describe-key --key-id ${value} --query KeyMetadata.Arn)`;
    }
    if (arn.region !== bucketRegion) {
        return `${label} is a key in ${arn.region} but the bucket it encrypts is in ${bucketRegion} (${regionLabel}); S3 uses only a key of the bucket's own region (for a multi-Region key, its replica's ARN there)`;
    }
    return undefined;
}

/** The principals whose use of one region's bucket key its key policy must allow. */
export interface KeyPolicyGrantArgs {
    /** The bucket's region: every use comes through S3 there (`kms:ViaService`). */
    readonly region: string;
    /** The account that owns the stacks' roles. */
    readonly accountId: string;
    /** The gateway instance role of this region (reads and writes the users' files), when it uses this key. */
    readonly gatewayRoleArn?: string;
    /** This region's replication role (reads objects to replicate), when replication is on. */
    readonly replicationRoleArn?: string;
    /** The peer region's replication role (writes replicas into this bucket), when the peer replicates. */
    readonly peerReplicationRoleArn?: string;
}

/**
 * The statements one region's bucket key policy must hold for the stacks to work, each limited to
 * calls S3 makes on the principal's behalf in the bucket's region. A key whose policy keeps KMS's
 * default statement (the account root with `kms:*`, which lets IAM policies grant use) needs none
 * of them when the roles are in the key's account: the stacks' own IAM statements already grant
 * exactly this. A key policy without that statement must add these, or S3 is refused.
 */
export function keyPolicyGrants(args: KeyPolicyGrantArgs): PolicyStatement[] {
    const viaS3 = { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com`, "kms:CallerAccount": args.accountId } };
    const grants: [sid: string, principal: string | undefined, actions: string | string[]][] = [
        ["GatewaysReadAndWriteHomes", args.gatewayRoleArn, ["kms:Decrypt", "kms:GenerateDataKey"]],
        ["ReplicationReadsSource", args.replicationRoleArn, "kms:Decrypt"],
        ["PeerReplicationWritesReplicas", args.peerReplicationRoleArn, ["kms:Encrypt", "kms:GenerateDataKey"]],
    ];
    return grants.flatMap(([Sid, principal, Action]) =>
        principal === undefined ? [] : [{ Sid, Effect: "Allow" as const, Principal: { AWS: principal }, Action, Resource: "*", Condition: viaS3 }],
    );
}

/** What one regional stack knows of the keys: its own roles, and which key encrypts each bucket. */
export interface StackKeyGrantArgs {
    readonly region: string;
    readonly peerRegion: string;
    readonly accountId: string;
    /** This region's bucket key. */
    readonly kmsKeyArn: string;
    /** The peer bucket's key, which encrypts the replicas this stack's replication writes (absent: replication off). */
    readonly peerKmsKeyArn?: string;
    readonly gatewayRoleArn: string;
    /** This stack's replication role (absent: replication off). */
    readonly replicationRoleArn?: string;
}

/**
 * The statements, by key ARN, that the owners of the keys must add to the key policies for this
 * stack's roles (the regional stack exports them as `kmsKeyPolicyGrants`): on this region's key,
 * the gateways' use and replication's reads; on the peer's key, replication's writes of replicas.
 * The peer stack exports the rest (its own roles on both keys), so the two exports together are
 * every grant the table in docs/regional.md lists.
 */
export function stackKeyPolicyGrants(args: StackKeyGrantArgs): Record<string, PolicyStatement[]> {
    const own = keyPolicyGrants({ region: args.region, accountId: args.accountId, gatewayRoleArn: args.gatewayRoleArn, replicationRoleArn: args.replicationRoleArn });
    if (args.peerKmsKeyArn === undefined || args.replicationRoleArn === undefined) {
        return { [args.kmsKeyArn]: own };
    }
    return {
        [args.kmsKeyArn]: own,
        [args.peerKmsKeyArn]: keyPolicyGrants({ region: args.peerRegion, accountId: args.accountId, peerReplicationRoleArn: args.replicationRoleArn }),
    };
}
