// `sftp-failover:gatewayBucketAccess`, and the check that the gateway role's inline policy fits
// IAM's quota with the users configured. IAM refuses an oversized policy only when PutRolePolicy
// runs, after the bucket, the secret and the users object exist; so the policy is built here from
// config, with placeholder ARNs as long as the real ones can be, and `pulumi up` and the driver's
// preflight both refuse it before anything deploys.
import { RegionName } from "../../foundation/posture";
import { HomeAccess, gatewayInstancePolicy, homeAccessModes, policyLength, rolePolicyMaxChars } from "../../components/gateway-policy";
import { longestSecretArn } from "../../components/host-keys";
import { PolicyDocument, bucketArnOf, regionalBucketName } from "../../components/regional-bucket";
import { SftpUser } from "../../components/sftp-users";
import { configKey } from "../contract";
import { hostKeySecretNamePrefix, usersObjectKey } from "../regional-names";
import { ConfigReader } from "./source";

/** The key's short name. */
export const gatewayBucketAccessKey = "gatewayBucketAccess";

/**
 * The configured home access; unset is "per-home". Anything but the two exact spellings is refused
 * (`Bucket`, `per_home`, `""`, a number or a YAML boolean all arrive as other text).
 *
 * @throws Error one line naming the key and the value.
 */
export function readGatewayBucketAccess(config: ConfigReader): HomeAccess {
    return (config.get(gatewayBucketAccessKey, { allowedValues: homeAccessModes }) ?? "per-home") as HomeAccess;
}

// Region-name prefixes of the partitions other than `aws` (the AWS SDKs' partitions.json, regionRegex).
const partitionsByRegionPrefix: readonly (readonly [string, string])[] = [
    ["cn-", "aws-cn"],
    ["us-gov-", "aws-us-gov"],
    ["us-iso-", "aws-iso"],
    ["us-isob-", "aws-iso-b"],
    ["eu-isoe-", "aws-iso-e"],
    ["us-isof-", "aws-iso-f"],
];

/**
 * The partition a region belongs to, told from its name. Only for sizing: the stack itself asks AWS
 * (getPartition), but a partition name is part of every ARN, so a longer one costs characters.
 */
export function partitionOfRegion(region: string): string {
    return partitionsByRegionPrefix.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "aws";
}

/** Any 12 digits: only the length of the account id counts. */
const placeholderAccountId = "000000000000";

/** What the gateway's policy is built from, as the config gives it. */
export interface GatewayPolicyPlan {
    readonly region: string;
    readonly regionName: RegionName;
    readonly namePrefix: string;
    /** The users the region serves: the declared ones, and the canary when one is configured. */
    readonly users: readonly SftpUser[];
    /** Whether `users` holds the canary (messages say so, as the count is then one above the file's). */
    readonly withCanary: boolean;
    readonly kmsKeyArn?: string;
    /** Key of the pinned SFTPGo package the gateways read at boot, when one is configured. */
    readonly bootPackageKey?: string;
    readonly sessionManager: boolean;
    readonly homeAccess: HomeAccess;
}

/**
 * The gateway policy the stack will build for `users`, with placeholder ARNs of the real shapes:
 * the bucket as regionalBucketName names it, the host-key secret as long as its ARN can get, the
 * users object's key exactly as the stack names it.
 */
export function placeholderGatewayPolicy(plan: GatewayPolicyPlan, users: readonly SftpUser[] = plan.users): PolicyDocument {
    const partition = partitionOfRegion(plan.region);
    const account = placeholderAccountId;
    return gatewayInstancePolicy({
        bucketArn: bucketArnOf(partition, regionalBucketName(plan.namePrefix, plan.regionName, account)),
        hostKeySecretArn: longestSecretArn(partition, plan.region, account, hostKeySecretNamePrefix(plan.namePrefix, plan.regionName)),
        usersObjectKey: usersObjectKey(plan.regionName),
        users,
        kmsKeyArn: plan.kmsKeyArn,
        bootPackageKey: plan.bootPackageKey,
        sessionManager: plan.sessionManager,
        homeAccess: plan.homeAccess,
    });
}

/**
 * How many of `growing`, taken in order beside all of `fixed`, the policy holds within IAM's
 * quota. The size only grows with each user added, so a binary search finds it.
 */
function mostThatFit(plan: GatewayPolicyPlan, fixed: readonly SftpUser[], growing: readonly SftpUser[]): number {
    let fits = 0;
    let fails = growing.length + 1;
    while (fails - fits > 1) {
        const middle = Math.floor((fits + fails) / 2);
        if (policyLength(placeholderGatewayPolicy(plan, [...fixed, ...growing.slice(0, middle)])) <= rolePolicyMaxChars) {
            fits = middle;
        } else {
            fails = middle;
        }
    }
    return fits;
}

const figure = (n: number): string => n.toLocaleString("en-US");

/**
 * Refuses a config whose gateway policy IAM would refuse (above {@link rolePolicyMaxChars}), saying
 * what would fit and what to change: in per-home mode, how many users fit and that "bucket" holds
 * them all; in bucket mode, where only the read-only homes' denial grows, how many read-only users fit.
 *
 * @throws Error one line naming `sftp-failover:gatewayBucketAccess`, the user count and the size.
 */
export function checkGatewayPolicyFits(plan: GatewayPolicyPlan): void {
    const size = policyLength(placeholderGatewayPolicy(plan));
    if (size <= rolePolicyMaxChars) {
        return;
    }
    const key = configKey(gatewayBucketAccessKey);
    const limit = `IAM allows ${figure(rolePolicyMaxChars)} per role`;
    if (plan.homeAccess === "per-home") {
        const users = `${figure(plan.users.length)} users${plan.withCanary ? " (the canary included)" : ""}`;
        throw new Error(
            `${key}: the per-home gateway policy for ${users} would be ${figure(size)} characters; ${limit} (about ${figure(mostThatFit(plan, [], plan.users))} users here); ` +
                `set it to "bucket" to grant the bucket and keep read-only homes denied writes`,
        );
    }
    const readOnly = plan.users.filter((u) => u.readOnly);
    const fit = mostThatFit(
        plan,
        plan.users.filter((u) => !u.readOnly),
        readOnly,
    );
    throw new Error(
        `${key}: the bucket gateway policy would be ${figure(size)} characters, denying writes on the homes of ${figure(readOnly.length)} read-only users; ` +
            `${limit} (about ${figure(fit)} read-only users here); fewer read-only users or shorter home prefixes are needed`,
    );
}
