import { elbCapacityFailure } from "./capacity-wait";
import type { FaultSpec } from "./faults";
import { recordSetName, recordZone } from "./hosted-zones";
import { forwardedTargetGroups } from "./lb-actions";
import { managedPrefixListById } from "./prefix-lists";
import { canonicalType } from "./replacements";
import { PropertyMap, reveal, stringProp } from "./values";
import { factString, ofType, WorldResource } from "./world";

/**
 * Preconditions between resources: what AWS checks when a resource is created or updated, against
 * other resources that already exist — possibly in another stack, so only the shared world
 * (world.ts) can answer. They run at create and update, never at check or preview, because that is
 * when AWS applies them: a `pulumi preview` of a wrong order succeeds on AWS too.
 *
 * Each rule cites its source. A refusal reads like AWS's: `<service> <API>: <Code>: <message>`.
 */

/** What a precondition sees of the operation. */
export interface Operation {
    /** Create or update (some waits differ). Defaults to create. */
    readonly kind?: "create" | "update";
    readonly type: string;
    readonly urn: string;
    readonly region: string;
    readonly inputs: PropertyMap;
    /** The faults in force (a regional event also cuts the internet; reachability.ts). Defaults to none. */
    readonly faults?: FaultSpec;
}

/** Why AWS would refuse `op` given the world, or undefined when it would accept it. */
export function preconditionFailure(op: Operation, world: readonly WorldResource[]): string | undefined {
    const rule = rules[canonicalType(op.type)];
    // The resource itself (an update) is not part of the world it is checked against.
    return rule?.(op, world.filter((r) => r.urn !== op.urn));
}

type Rule = (op: Operation, world: readonly WorldResource[]) => string | undefined;

/** The bucket name of an S3 ARN (`arn:aws:s3:::name` → `name`), or the value itself when it is a plain name. */
export function bucketNameOfArn(arnOrName: string): string {
    const match = /^arn:[^:]+:s3:::([^/]+)$/.exec(arnOrName);
    return match !== null ? match[1] : arnOrName;
}

function bucketExists(world: readonly WorldResource[], name: string): boolean {
    return world.some((r) => (r.type === "aws:s3/bucket:Bucket" || r.type === "aws:s3/bucketV2:BucketV2") && factString(r, "bucket") === name);
}

/** A bucket's versioning status as its BucketVersioning resource set it ("Enabled", "Suspended"), or undefined (never enabled). */
export function versioningStatus(world: readonly WorldResource[], bucket: string): string | undefined {
    const v = ofType(world, "aws:s3/bucketVersioning:BucketVersioning").find((r) => factString(r, "bucket") === bucket);
    const config = v?.facts.versioningConfiguration as { status?: unknown } | undefined;
    return typeof config?.status === "string" ? config.status : undefined;
}

/**
 * S3 PutBucketReplication. "Both source and destination buckets must have versioning enabled"
 * (S3 User Guide, "Requirements and considerations for replication"). S3's refusals as quoted in
 * hashicorp/terraform-provider-aws#23578: "InvalidRequest: Destination bucket must have versioning
 * enabled."; for the source, "InvalidRequest: Versioning must be 'Enabled' on the bucket to apply a
 * replication configuration" (the message terraform-provider-aws's S3 resource retries on, and
 * moto's own tests expect).
 * A destination that does not exist is refused before its versioning is looked at; the sandbox's
 * wording of that one ("Destination bucket must exist.") is its best knowledge, not a quote.
 */
const bucketReplication: Rule = (op, world) => {
    const source = stringProp(op.inputs, "bucket") ?? "";
    const api = `S3 PutBucketReplication on ${source}`;
    if (!bucketExists(world, source)) {
        return `${api}: NoSuchBucket: The specified bucket does not exist`;
    }
    if (versioningStatus(world, source) !== "Enabled") {
        return `${api}: InvalidRequest: Versioning must be 'Enabled' on the bucket to apply a replication configuration`;
    }
    const rules = reveal(op.inputs.rules);
    for (const rule of Array.isArray(rules) ? rules : []) {
        const destination = (rule as { destination?: { bucket?: unknown } }).destination?.bucket;
        if (typeof destination !== "string") {
            continue;
        }
        const name = bucketNameOfArn(destination);
        if (!bucketExists(world, name)) {
            return `${api}: InvalidRequest: Destination bucket must exist. (${name})`;
        }
        if (versioningStatus(world, name) !== "Enabled") {
            return `${api}: InvalidRequest: Destination bucket must have versioning enabled. (${name})`;
        }
    }
    return undefined;
};

/** A DNS name as Route 53 compares it: lower case, no trailing dot, without the `dualstack.` an alias may add. */
function dnsKey(name: string): string {
    return name.toLowerCase().replace(/\.$/, "").replace(/^dualstack\./, "");
}

/** Alias targets that are Elastic Load Balancing names (`….elb.<region>.amazonaws.com`). */
const elbName = /\.elb\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\.?$/i;

/**
 * Route 53 ChangeResourceRecordSets: an alias to a load balancer must name one that exists, in the
 * hosted zone its DNS name belongs to (Route 53 API Reference, AliasTarget: "DNSName … the value
 * that the API action DescribeLoadBalancers returns"; "HostedZoneId … the canonical hosted zone
 * ID"). Route 53 refuses otherwise with InvalidChangeBatch, "Tried to create an alias that targets
 * …, but the alias target name does not lie within the target zone".
 */
const aliasRecord: Rule = (op, world) => {
    const aliases = reveal(op.inputs.aliases);
    const type = stringProp(op.inputs, "type") ?? "A";
    for (const alias of Array.isArray(aliases) ? aliases : []) {
        const { name, zoneId } = alias as { name?: unknown; zoneId?: unknown };
        if (typeof name !== "string" || !elbName.test(name)) {
            continue;
        }
        const lb = ofType(world, "aws:lb/loadBalancer:LoadBalancer").find((r) => dnsKey(factString(r, "dnsName") ?? "") === dnsKey(name));
        if (lb === undefined || factString(lb, "zoneId") !== zoneId) {
            return `Route 53 ChangeResourceRecordSets: InvalidChangeBatch: [Tried to create an alias that targets ${dnsKey(name)}., type ${type} in zone ${String(zoneId)}, but the alias target name does not lie within the target zone]`;
        }
    }
    return undefined;
};

/**
 * Route 53 ChangeResourceRecordSets: the record must lie in its zone. Route 53 refuses otherwise
 * with InvalidChangeBatch, "RRSet with DNS name … is not permitted in zone …" (its wording, as
 * quoted in getmoto/moto#916 and kubernetes-sigs/external-dns issues). Only names the provider
 * leaves as they are can be outside: it completes any other with the zone's name (hosted-zones.ts).
 */
const recordInZone: Rule = (op) => {
    const name = stringProp(op.inputs, "name");
    const zoneId = stringProp(op.inputs, "zoneId");
    const zone = name === undefined || zoneId === undefined ? undefined : recordZone(name, zoneId);
    if (zone === undefined || zone.inside) {
        return undefined;
    }
    return `Route 53 ChangeResourceRecordSets: InvalidChangeBatch: [RRSet with DNS name ${recordSetName(name ?? "", undefined)}. is not permitted in zone ${zone.zoneName}.]`;
};

/**
 * Route 53 ChangeResourceRecordSets: the provider creates a record with the CREATE action unless
 * `allowOverwrite` asks for UPSERT, and Route 53 refuses to CREATE a record set — same zone, name,
 * type and set identifier — that exists ("Tried to create resource record set [...] but it already
 * exists", as quoted in hashicorp/terraform-provider-aws#11485). Two resources for one record set,
 * e.g. two spellings of one DNS name, fail here as on AWS instead of silently sharing it. A name
 * relative to the zone is compared completed with the zone's name when any record of that zone
 * tells it (hosted-zones.ts).
 */
const recordSetIsNew: Rule = (op, world) => {
    if (reveal(op.inputs.allowOverwrite) === true) {
        return undefined;
    }
    const zoneId = stringProp(op.inputs, "zoneId");
    const name = stringProp(op.inputs, "name");
    if (zoneId === undefined || name === undefined) {
        return undefined;
    }
    const sameZone = ofType(world, "aws:route53/record:Record").filter((r) => factString(r, "zoneId") === zoneId);
    const zoneName = [name, ...sameZone.map((r) => factString(r, "name") ?? "")]
        .map((n) => recordZone(n, zoneId))
        .find((z) => z?.inside === true)?.zoneName;
    const setOf = (n: string, type: string | undefined, setIdentifier: string | undefined) =>
        `[name='${recordSetName(n, zoneName)}.', type='${type ?? "A"}'${setIdentifier === undefined ? "" : `, set-identifier='${setIdentifier}'`}]`;
    const wanted = setOf(name, stringProp(op.inputs, "type"), stringProp(op.inputs, "setIdentifier"));
    const taken = sameZone.some((r) => setOf(factString(r, "name") ?? "", factString(r, "type"), factString(r, "setIdentifier")) === wanted);
    return taken ? `Route 53 ChangeResourceRecordSets: InvalidChangeBatch: [Tried to create resource record set ${wanted} but it already exists]` : undefined;
};

/** Every Route 53 refusal of a record change, in the order the sandbox asks them. */
const record: Rule = (op, world) => recordInZone(op, world) ?? recordSetIsNew(op, world) ?? aliasRecord(op, world);

/**
 * Route 53 CreateHealthCheck / UpdateHealthCheck. A CALCULATED check's children must be health
 * checks that exist (API Reference, NoSuchHealthCheck: "No health check exists with the specified
 * ID"); a CLOUDWATCH_METRIC check must name an alarm that exists in the region it names
 * (AlarmIdentifier: "the name of the CloudWatch alarm that you want Amazon Route 53 health
 * checkers to use") — the sandbox's wording of that refusal is its own.
 */
const healthCheck: Rule = (op, world) => {
    const type = stringProp(op.inputs, "type");
    const checks = ofType(world, "aws:route53/healthCheck:HealthCheck");
    if (type === "CALCULATED") {
        const children = reveal(op.inputs.childHealthchecks);
        for (const child of Array.isArray(children) ? children : []) {
            if (!checks.some((c) => c.id === child)) {
                return `Route 53 CreateHealthCheck: NoSuchHealthCheck: No health check exists with the specified ID ${String(child)}.`;
            }
        }
    }
    if (type === "CLOUDWATCH_METRIC") {
        const name = stringProp(op.inputs, "cloudwatchAlarmName");
        const region = stringProp(op.inputs, "cloudwatchAlarmRegion");
        const alarms = ofType(world, "aws:cloudwatch/metricAlarm:MetricAlarm", region);
        if (name !== undefined && !alarms.some((a) => factString(a, "name") === name)) {
            return `Route 53 CreateHealthCheck: InvalidInput: the CloudWatch alarm ${name} does not exist in ${region ?? "(no region)"}`;
        }
    }
    return undefined;
};

/** Default quota of inbound (and, separately, outbound) rules per security group, per address family (VPC User Guide, "Amazon VPC quotas"). */
export const rulesPerSecurityGroup = 60;

/**
 * How many rules a rule counts as, and in which family's budget: a prefix-list rule counts as the
 * list's maximum entries (VPC User Guide, "Prefix lists concepts and rules").
 */
function ruleWeight(facts: { cidrIpv6?: unknown; prefixListId?: unknown }, region: string): { family: "IPv4" | "IPv6"; weight: number } {
    if (typeof facts.prefixListId === "string") {
        const list = managedPrefixListById(region, facts.prefixListId);
        return { family: list?.addressFamily ?? "IPv4", weight: list?.maxEntries ?? 1 };
    }
    return { family: typeof facts.cidrIpv6 === "string" ? "IPv6" : "IPv4", weight: 1 };
}

/**
 * EC2 AuthorizeSecurityGroupIngress / AuthorizeSecurityGroupEgress (aws.vpc.SecurityGroupIngressRule
 * and …EgressRule): the group, a referenced group and a referenced prefix list must exist in the
 * rule's region (EC2 API error codes InvalidGroup.NotFound, InvalidPrefixListID.NotFound), and the
 * group's rules of that direction and family must stay within the quota
 * (RulesPerSecurityGroupLimitExceeded).
 */
function securityGroupRule(direction: "Ingress" | "Egress"): Rule {
    const type = `aws:vpc/securityGroup${direction}Rule:SecurityGroup${direction}Rule`;
    return (op, world) => {
        const api = `EC2 AuthorizeSecurityGroup${direction}`;
        const groups = ofType(world, "aws:ec2/securityGroup:SecurityGroup", op.region);
        const groupId = stringProp(op.inputs, "securityGroupId");
        for (const id of [groupId, stringProp(op.inputs, "referencedSecurityGroupId")]) {
            if (id !== undefined && !groups.some((g) => g.id === id)) {
                return `${api}: InvalidGroup.NotFound: The security group '${id}' does not exist`;
            }
        }
        const prefixListId = stringProp(op.inputs, "prefixListId");
        if (prefixListId !== undefined && managedPrefixListById(op.region, prefixListId) === undefined) {
            return `${api}: InvalidPrefixListID.NotFound: The prefix list ID '${prefixListId}' does not exist`;
        }
        const mine = ruleWeight({ cidrIpv6: stringProp(op.inputs, "cidrIpv6"), prefixListId }, op.region);
        const used = ofType(world, type, op.region)
            .filter((r) => factString(r, "securityGroupId") === groupId)
            .map((r) => ruleWeight(r.facts, op.region))
            .filter((w) => w.family === mine.family)
            .reduce((sum, w) => sum + w.weight, 0);
        if (used + mine.weight > rulesPerSecurityGroup) {
            return `${api}: RulesPerSecurityGroupLimitExceeded: The maximum number of rules per security group has been reached. (${groupId ?? ""}: ${used} + ${mine.weight} ${mine.family} ${direction.toLowerCase()} rules > ${rulesPerSecurityGroup})`;
        }
        return undefined;
    };
}

/**
 * ELBv2 CreateListener / ModifyListener: the load balancer and every forwarded-to target group must
 * exist (ELBv2 API Reference, errors LoadBalancerNotFound, TargetGroupNotFound).
 */
const listener: Rule = (op, world) => {
    const lbArn = stringProp(op.inputs, "loadBalancerArn");
    if (lbArn !== undefined && !ofType(world, "aws:lb/loadBalancer:LoadBalancer").some((r) => r.id === lbArn)) {
        return `ELBv2 CreateListener: LoadBalancerNotFound: One or more load balancers not found (${lbArn})`;
    }
    const groups = ofType(world, "aws:lb/targetGroup:TargetGroup");
    for (const arn of forwardedTargetGroups(op.inputs.defaultActions)) {
        if (!groups.some((g) => g.id === arn)) {
            return `ELBv2 CreateListener: TargetGroupNotFound: One or more target groups not found (${arn})`;
        }
    }
    return undefined;
};

/**
 * S3 PutObject: the bucket must exist ("NoSuchBucket: The specified bucket does not exist", S3 API
 * Reference, List of error codes). A program that names its bucket from config, as a plain string,
 * gets no dependency on the bucket from the name; this is where the sandbox catches an object
 * written before its bucket, as AWS would.
 */
const bucketObject: Rule = (op, world) => {
    const bucket = stringProp(op.inputs, "bucket") ?? "";
    return bucketExists(world, bucket) ? undefined : `S3 PutObject on ${bucket}: NoSuchBucket: The specified bucket does not exist`;
};

/**
 * EC2 CreateVpcEndpoint with private DNS: the VPC must have both DNS attributes on (AWS PrivateLink
 * Guide, "DNS hostnames": "To use private DNS … you must enable both DNS hostnames and DNS
 * resolution for your VPC"). A VPC resource defaults to DNS support on and DNS hostnames off
 * (CreateVpc; ModifyVpcAttribute). A VPC the world does not hold is not judged.
 */
const vpcEndpoint: Rule = (op, world) => {
    if (reveal(op.inputs.privateDnsEnabled) !== true) {
        return undefined;
    }
    const vpcId = stringProp(op.inputs, "vpcId");
    const vpc = ofType(world, "aws:ec2/vpc:Vpc").find((r) => r.id === vpcId);
    if (vpc === undefined || (vpc.facts.enableDnsSupport !== false && vpc.facts.enableDnsHostnames === true)) {
        return undefined;
    }
    return `EC2 CreateVpcEndpoint: InvalidParameter: Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for ${vpcId}`;
};

const rules: Readonly<Record<string, Rule>> = {
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpcEndpoint,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": bucketReplication,
    "aws:s3/bucketObjectv2:BucketObjectv2": bucketObject,
    "aws:route53/record:Record": record,
    "aws:route53/healthCheck:HealthCheck": healthCheck,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRule("Ingress"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": securityGroupRule("Egress"),
    "aws:lb/listener:Listener": listener,
    "aws:autoscaling/group:Group": (op, world) => elbCapacityFailure(op, world),
};

/** The types that have preconditions (for the README and tests). */
export const typesWithPreconditions: readonly string[] = Object.keys(rules);
