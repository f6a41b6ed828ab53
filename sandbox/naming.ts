import { randomBytes } from "node:crypto";
import { canonicalType } from "./replacements";
import { PropertyMap, isUnset } from "./values";

/** How a type names itself when the program gives no name. */
interface AutonameRule {
    /** The naming property. */
    readonly property: string;
    /** The property that, when set, asks the provider to complete the name instead, if the type has one. */
    readonly prefixProperty?: string;
    /** The longest name the autonaming may make (pulumi-aws's `Maxlen`), not necessarily AWS's limit. */
    readonly maxLength: number;
    /** Whether the autoname is lower-cased (S3 buckets). */
    readonly lowercase?: boolean;
}

const rule = (property: string, maxLength: number, prefixProperty: string | undefined = "namePrefix", lowercase = false): AutonameRule =>
    ({ property, prefixProperty, maxLength, lowercase });

/** The bridge's default for every type with an input named `name`: `setAutonaming(255, "-")`. */
const byDefault = rule("name", 255);

/**
 * The types @pulumi/aws 7 autonames, with the naming property and the autonaming's own length
 * limit. Sources (pulumi/pulumi-aws, provider/): autonaming.go gives every resource whose `name` is
 * an input `AutoName("name", 255, "-")`; resource_overrides.go narrows some (iam Role 64, S3 Bucket
 * `bucket` 63 lower-cased, sns Topic 80, key pair `keyName`), and aliases.go gives the target group
 * `AutoName("name", 32, "-")`. The load balancer keeps the default 255, so an autoname over 32
 * characters is refused by Terraform's name validation afterwards, not by the autonaming.
 * Route 53 records are never autonamed (their name is the DNS name).
 */
const autonameRules: Readonly<Record<string, AutonameRule>> = {
    "aws:ec2/securityGroup:SecurityGroup": byDefault,
    "aws:ec2/launchTemplate:LaunchTemplate": byDefault,
    "aws:ec2/keyPair:KeyPair": rule("keyName", 255, "keyNamePrefix"),
    "aws:autoscaling/group:Group": byDefault,
    "aws:lb/loadBalancer:LoadBalancer": byDefault,
    "aws:lb/targetGroup:TargetGroup": rule("name", 32),
    "aws:s3/bucket:Bucket": rule("bucket", 63, "bucketPrefix", true),
    "aws:s3/bucketV2:BucketV2": rule("bucket", 63, "bucketPrefix", true),
    "aws:iam/role:Role": rule("name", 64),
    "aws:iam/policy:Policy": byDefault,
    "aws:iam/instanceProfile:InstanceProfile": byDefault,
    "aws:iam/rolePolicy:RolePolicy": byDefault,
    "aws:secretsmanager/secret:Secret": byDefault,
    "aws:cloudwatch/metricAlarm:MetricAlarm": rule("name", 255, undefined),
    "aws:cloudwatch/logGroup:LogGroup": byDefault,
    "aws:sns/topic:Topic": rule("name", 80),
    "aws:ssm/parameter:Parameter": rule("name", 255, undefined),
    "aws:route53recoverycontrol/cluster:Cluster": rule("name", 255, undefined),
    "aws:route53recoverycontrol/controlPanel:ControlPanel": rule("name", 255, undefined),
    "aws:route53recoverycontrol/routingControl:RoutingControl": rule("name", 255, undefined),
    "aws:route53recoverycontrol/safetyRule:SafetyRule": rule("name", 255, undefined),
};

/** The autonaming rule of a type, if it has one. */
export function autonameRule(type: string): AutonameRule | undefined {
    return autonameRules[canonicalType(type)];
}

/** The random part of an autoname: seven characters, as pulumi-terraform-bridge's `AutoName` draws. */
export const autonameRandomLength = 7;

/**
 * `<base>-<suffix>`, as the bridge's `resource.NewUniqueName(base + "-", 7, maxLength)` makes it:
 * never cut. When the base, the hyphen and the seven random characters do not fit, the bridge
 * refuses the resource ("name '<base>-' plus 7 random chars is longer than maximum length N"), so
 * this returns an Error carrying that reason.
 */
export function autoname(base: string, suffix: string, maxLength: number, lowercase = false): string | Error {
    const prefix = `${lowercase ? base.toLowerCase() : base}-`;
    if (prefix.length + autonameRandomLength > maxLength) {
        return new Error(`name "${prefix}" plus ${autonameRandomLength} random characters is longer than the maximum length ${maxLength}`);
    }
    return `${prefix}${suffix}`;
}

/**
 * Seven random hex digits. Not derived from the engine's per-resource random seed: the engine
 * may re-check a resource it replaces with the same seed, and a replacement needs a new name.
 */
export function randomSuffix(): string {
    return randomBytes(4).toString("hex").slice(0, autonameRandomLength);
}

/** The inputs after autonaming, or why the real provider would refuse to name the resource. */
export interface AutonameResult {
    readonly inputs: PropertyMap;
    /** The naming property and the refusal, when the autoname cannot fit. */
    readonly failure?: { readonly property: string; readonly reason: string };
}

/**
 * Fills in the name of a resource the program did not name — at check time, as the real provider
 * does, so the name is part of the inputs: it stays the same across updates (an old autoname is
 * kept) and is drawn afresh only when the engine re-checks for a replacement (no olds). A name
 * prefix, when the type has one and it is set, leaves the name to the provider's create (the
 * bridge skips a default whose property conflicts with a set one).
 */
export function applyAutoname(type: string, logicalName: string, olds: PropertyMap, news: PropertyMap, suffix: () => string): AutonameResult {
    const naming = autonameRule(type);
    if (naming === undefined || !isUnset(news[naming.property]) || (naming.prefixProperty !== undefined && !isUnset(news[naming.prefixProperty]))) {
        return { inputs: news };
    }
    const previous = olds[naming.property];
    const name = !isUnset(previous) ? previous : autoname(logicalName, suffix(), naming.maxLength, naming.lowercase);
    if (name instanceof Error) {
        return { inputs: news, failure: { property: naming.property, reason: name.message } };
    }
    return { inputs: { ...news, [naming.property]: name, [defaultsKey]: [naming.property] } };
}

/**
 * The inputs key listing the properties the provider filled in (as the real provider's `__defaults`
 * does); it tells an autoname from a name the program chose, and never becomes an output.
 */
export const defaultsKey = "__defaults";

/**
 * Whether replacing this resource must delete the old one first: AWS names are unique, so a
 * resource whose name the program fixed cannot exist twice, while an autonamed one gets a new name.
 */
export function needsDeleteBeforeReplace(type: string, news: PropertyMap): boolean {
    const naming = autonameRule(type);
    if (naming === undefined || isUnset(news[naming.property])) {
        return false;
    }
    const defaults = news[defaultsKey];
    return !(Array.isArray(defaults) && defaults.includes(naming.property));
}

/** The name AWS completes from a prefix (a prefix plus a 26-digit unique suffix, like Terraform's), cut to the limit. */
export function nameFromPrefix(prefix: string, maxLength: number): string {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 17) + randomBytes(5).readUInt32BE(0).toString().padStart(9, "0").slice(0, 9);
    return (prefix + stamp).slice(0, maxLength);
}
