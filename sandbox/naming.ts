import { randomBytes } from "node:crypto";
import { canonicalType } from "./replacements";
import { PropertyMap, isUnset, stringProp } from "./values";

/** How a type names itself when the program gives no name. */
interface AutonameRule {
    /** The naming property. */
    readonly property: string;
    /** The property that, when set, asks AWS to complete the name instead, if the type has one. */
    readonly prefixProperty?: string;
    /** AWS's length limit of the name. */
    readonly maxLength: number;
    /** Whether AWS accepts only lower-case names (S3). */
    readonly lowercase?: boolean;
}

const rule = (property: string, maxLength: number, prefixProperty: string | undefined = "namePrefix", lowercase = false): AutonameRule =>
    ({ property, prefixProperty, maxLength, lowercase });

/**
 * The types @pulumi/aws autonames, with their naming property and AWS's length limit. Like the real
 * provider, the sandbox names such a resource `<logical name>-<7 hex>` (truncated to the limit) when
 * neither the name nor its prefix is given.
 */
const autonameRules: Readonly<Record<string, AutonameRule>> = {
    "aws:ec2/securityGroup:SecurityGroup": rule("name", 255),
    "aws:ec2/launchTemplate:LaunchTemplate": rule("name", 128),
    "aws:ec2/keyPair:KeyPair": rule("keyName", 255, "keyNamePrefix"),
    "aws:autoscaling/group:Group": rule("name", 255),
    "aws:lb/loadBalancer:LoadBalancer": rule("name", 32),
    "aws:lb/targetGroup:TargetGroup": rule("name", 32),
    "aws:s3/bucket:Bucket": rule("bucket", 63, "bucketPrefix", true),
    "aws:s3/bucketV2:BucketV2": rule("bucket", 63, "bucketPrefix", true),
    "aws:iam/role:Role": rule("name", 64),
    "aws:iam/policy:Policy": rule("name", 128),
    "aws:iam/instanceProfile:InstanceProfile": rule("name", 128),
    "aws:iam/rolePolicy:RolePolicy": rule("name", 128),
    "aws:secretsmanager/secret:Secret": rule("name", 512),
    "aws:cloudwatch/metricAlarm:MetricAlarm": rule("name", 255),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": rule("alarmName", 255, "alarmNamePrefix"),
    "aws:cloudwatch/logGroup:LogGroup": rule("name", 512),
    "aws:sns/topic:Topic": rule("name", 256),
    "aws:ssm/parameter:Parameter": rule("name", 2048, undefined),
};

/** The autonaming rule of a type, if it has one. */
export function autonameRule(type: string): AutonameRule | undefined {
    return autonameRules[canonicalType(type)];
}

/** `<base>-<7 hex>`, with the base truncated so the whole fits `maxLength`. */
export function autoname(base: string, suffix: string, maxLength: number, lowercase = false): string {
    const cleaned = lowercase ? base.toLowerCase().replace(/[^a-z0-9.-]/g, "-") : base;
    const name = `${cleaned.slice(0, Math.max(1, maxLength - suffix.length - 1))}-${suffix}`;
    return name.slice(0, maxLength);
}

/**
 * Seven random hex digits. Not derived from the engine's per-resource random seed: the engine
 * may re-check a resource it replaces with the same seed, and a replacement needs a new name.
 */
export function randomSuffix(): string {
    return randomBytes(4).toString("hex").slice(0, 7);
}

/**
 * Fills in the name of a resource the program did not name — at check time, as the real provider
 * does, so the name is part of the inputs: it stays the same across updates (an old autoname is
 * kept) and is drawn afresh only when the engine re-checks for a replacement (no olds).
 */
export function applyAutoname(type: string, logicalName: string, olds: PropertyMap, news: PropertyMap, suffix: () => string): PropertyMap {
    const naming = autonameRule(type);
    if (naming === undefined || !isUnset(news[naming.property]) || (naming.prefixProperty !== undefined && !isUnset(news[naming.prefixProperty]))) {
        return news;
    }
    const previous = olds[naming.property];
    const name = !isUnset(previous) ? previous : autoname(logicalName, suffix(), naming.maxLength, naming.lowercase);
    return { ...news, [naming.property]: name, [defaultsKey]: [naming.property] };
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

/** A naming rule AWS enforces beyond length. */
interface NamePattern {
    readonly pattern: RegExp;
    readonly description: string;
}

const loadBalancingName: NamePattern = {
    pattern: /^[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/,
    description: "only letters, digits and hyphens, not starting or ending with a hyphen",
};
const bucketName: NamePattern = {
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    description: "only lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit",
};

const namePatterns: Readonly<Record<string, NamePattern>> = {
    "aws:lb/loadBalancer:LoadBalancer": loadBalancingName,
    "aws:lb/targetGroup:TargetGroup": loadBalancingName,
    "aws:s3/bucket:Bucket": bucketName,
    "aws:s3/bucketV2:BucketV2": bucketName,
};

/**
 * The name problems AWS would reject at create time, as check failures naming the property: a
 * name over the type's limit (32 characters for load balancers and target groups, 63 for buckets,
 * ...) or with characters the service refuses. Names not yet known (previews) are not judged.
 */
export function nameFailures(type: string, inputs: PropertyMap): { property: string; reason: string }[] {
    const naming = autonameRule(type);
    if (naming === undefined) {
        return [];
    }
    const name = stringProp(inputs, naming.property);
    if (name === undefined) {
        return [];
    }
    const failures: { property: string; reason: string }[] = [];
    if (name.length > naming.maxLength) {
        failures.push({ property: naming.property, reason: `"${name}" is ${name.length} characters; AWS allows at most ${naming.maxLength}` });
    }
    const rule = namePatterns[canonicalType(type)];
    if (rule !== undefined && !rule.pattern.test(name)) {
        failures.push({ property: naming.property, reason: `"${name}" must contain ${rule.description}` });
    }
    return failures;
}
