import { expect } from "chai";
import { checkResource, rulesOf, typesWithRules } from "../../sandbox/rules";
import { controlArn, setAt, validInputs } from "../support/sandbox-valid-inputs";

// Every range a sandbox rule checks, at its edges: the last values AWS accepts (min, max) are
// accepted, and the first values past them (min − 1, max + 1) are refused in AWS's words —
// `<service>: <property> … <the limit> … (<API operation>)`. The limits and operations are written
// here from AWS's API references, apart from the rules: a rule loosened or tightened by one fails
// here even if its own table (and the README made from it) moved with it.

type Kind = "integer" | "characters" | "elements";

/** One checked range: where it is, its limits as AWS documents them, and the operation that refuses. */
interface Edge {
    readonly type: string;
    /** The path the value is set at (`[]`: the first element). */
    readonly path: string;
    /** The property a refusal names (defaults to `path` with `[]` as `[0]`). */
    readonly property?: string;
    readonly op: string;
    /** The values accepted at the edges, and the first values past them with the limit a refusal names. */
    readonly accepted: readonly unknown[];
    readonly refused: readonly { readonly value: unknown; readonly limit: number }[];
    /** Other values the edge needs around it (path → value), e.g. a larger interval for the largest timeout. */
    readonly with?: Readonly<Record<string, unknown>>;
}

/** A range of a number, a string's length or a list's length, as [min, max]; Infinity for no upper limit. */
function range(type: string, path: string, kind: Kind, min: number, max: number, op: string, opts: { fill?: (n: number) => unknown; with?: Record<string, unknown> } = {}): Edge {
    const make = opts.fill ?? (kind === "integer" ? (n: number) => n : kind === "characters" ? (n: number) => "a".repeat(n) : (n: number) => Array.from({ length: n }, (_, k) => `x${k}`));
    // No string or list is shorter than empty: a range from 0 has no value below it.
    const below = kind === "integer" || min > 0 ? [{ value: make(min - 1), limit: min }] : [];
    const above = Number.isFinite(max) ? [{ value: make(max + 1), limit: max }] : [];
    return { type, path, op, accepted: [make(min), ...(Number.isFinite(max) ? [make(max)] : [])], refused: [...below, ...above], ...(opts.with ? { with: opts.with } : {}) };
}

const int32 = 2147483647;
/** A DNS name of n characters, labels of 63 at most. */
const dnsName = (n: number) => Array.from({ length: n }, (_, k) => (k % 64 === 63 ? "." : "a")).join("");
/** SNS topics an alarm may notify (its actions). */
const topics = (n: number) => Array.from({ length: n }, (_, k) => `arn:aws:sns:us-east-2:123456789012:t${k}`);
const asg = "aws:autoscaling/group:Group";
const alarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
const tg = "aws:lb/targetGroup:TargetGroup";
const hc = "aws:route53/healthCheck:HealthCheck";
const record = "aws:route53/record:Record";
const lifecycle = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const replication = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";

/** The ranges the builders check (intRange, length, count, atLeastOne), one row each. */
const builderRanges: readonly Edge[] = [
    range(asg, "name", "characters", 1, 255, "CreateAutoScalingGroup"),
    range(asg, "namePrefix", "characters", 1, 229, "CreateAutoScalingGroup"),
    range(asg, "minSize", "integer", 0, int32, "CreateAutoScalingGroup", { with: { maxSize: int32, desiredCapacity: undefined, instanceRefresh: undefined } }),
    range(asg, "maxSize", "integer", 0, int32, "CreateAutoScalingGroup", { with: { minSize: 0, desiredCapacity: undefined, instanceRefresh: undefined } }),
    range(asg, "desiredCapacity", "integer", 0, int32, "CreateAutoScalingGroup", { with: { minSize: 0, maxSize: int32, instanceRefresh: undefined } }),
    range(asg, "healthCheckGracePeriod", "integer", 0, int32, "CreateAutoScalingGroup"),
    range(asg, "defaultCooldown", "integer", 0, int32, "CreateAutoScalingGroup"),
    range(asg, "instanceRefresh.preferences.minHealthyPercentage", "integer", 0, 100, "StartInstanceRefresh"),
    range(asg, "instanceRefresh.preferences.maxHealthyPercentage", "integer", 100, 200, "StartInstanceRefresh"),
    range(asg, "warmPool.minSize", "integer", 0, int32, "PutWarmPool"),
    range(asg, "warmPool.maxGroupPreparedCapacity", "integer", -1, int32, "PutWarmPool"),
    range(asg, "initialLifecycleHooks[].name", "characters", 1, 255, "CreateAutoScalingGroup"),
    range(asg, "initialLifecycleHooks[].heartbeatTimeout", "integer", 30, 7200, "CreateAutoScalingGroup"),
    range(asg, "tags[].key", "characters", 1, 128, "CreateAutoScalingGroup"),
    range(asg, "tags[].value", "characters", 0, 256, "CreateAutoScalingGroup"),
    range(alarm, "name", "characters", 1, 255, "PutMetricAlarm"),
    range(alarm, "alarmDescription", "characters", 0, 1024, "PutMetricAlarm"),
    range(alarm, "evaluationPeriods", "integer", 1, int32, "PutMetricAlarm", { with: { period: 10, datapointsToAlarm: 1 } }),
    range(alarm, "datapointsToAlarm", "integer", 1, int32, "PutMetricAlarm", { with: { period: 10, evaluationPeriods: int32 } }),
    range(alarm, "metricName", "characters", 1, 255, "PutMetricAlarm"),
    range(alarm, "alarmActions", "elements", 0, 5, "PutMetricAlarm", { fill: topics }),
    range(alarm, "okActions", "elements", 0, 5, "PutMetricAlarm", { fill: topics }),
    range(alarm, "insufficientDataActions", "elements", 0, 5, "PutMetricAlarm", { fill: topics }),
    range("aws:cloudwatch/logGroup:LogGroup", "name", "characters", 1, 512, "CreateLogGroup"),
    range("aws:ec2/securityGroup:SecurityGroup", "name", "characters", 1, 255, "CreateSecurityGroup"),
    range("aws:ec2/securityGroup:SecurityGroup", "namePrefix", "characters", 1, 229, "CreateSecurityGroup"),
    range("aws:ec2/securityGroup:SecurityGroup", "description", "characters", 0, 255, "CreateSecurityGroup"),
    range("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "description", "characters", 0, 255, "AuthorizeSecurityGroupIngress"),
    range("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "description", "characters", 0, 255, "AuthorizeSecurityGroupEgress"),
    range("aws:ec2/launchTemplate:LaunchTemplate", "name", "characters", 3, 125, "CreateLaunchTemplate"),
    range("aws:ec2/launchTemplate:LaunchTemplate", "namePrefix", "characters", 3, 99, "CreateLaunchTemplate"),
    range("aws:ec2/launchTemplate:LaunchTemplate", "description", "characters", 0, 255, "CreateLaunchTemplate"),
    range("aws:ec2/launchTemplate:LaunchTemplate", "metadataOptions.httpPutResponseHopLimit", "integer", 1, 64, "CreateLaunchTemplate"),
    range("aws:ec2/vpcEndpoint:VpcEndpoint", "dnsOptions.privateDnsSpecifiedDomains", "elements", 1, 10, "CreateVpcEndpoint", { fill: (n) => Array.from({ length: n }, (_, k) => `d${k}.example.com`) }),
    range("aws:lb/loadBalancer:LoadBalancer", "name", "characters", 1, 32, "CreateLoadBalancer"),
    range("aws:lb/loadBalancer:LoadBalancer", "namePrefix", "characters", 1, 6, "CreateLoadBalancer"),
    range("aws:lb/loadBalancer:LoadBalancer", "securityGroups", "elements", 0, 5, "CreateLoadBalancer"),
    range("aws:lb/loadBalancer:LoadBalancer", "subnets", "elements", 1, Infinity, "CreateLoadBalancer", { with: { loadBalancerType: "network", subnetMappings: undefined } }),
    range(tg, "name", "characters", 1, 32, "CreateTargetGroup"),
    range(tg, "namePrefix", "characters", 1, 6, "CreateTargetGroup"),
    range(tg, "port", "integer", 1, 65535, "CreateTargetGroup"),
    range(tg, "deregistrationDelay", "integer", 0, 3600, "ModifyTargetGroupAttributes"),
    range(tg, "healthCheck.interval", "integer", 5, 300, "CreateTargetGroup", { with: { "healthCheck.timeout": 2 } }),
    range(tg, "healthCheck.timeout", "integer", 2, 120, "CreateTargetGroup", { with: { "healthCheck.interval": 300 } }),
    range(tg, "healthCheck.healthyThreshold", "integer", 2, 10, "CreateTargetGroup"),
    range(tg, "healthCheck.unhealthyThreshold", "integer", 2, 10, "CreateTargetGroup"),
    range(tg, "healthCheck.path", "characters", 1, 1024, "CreateTargetGroup", { fill: (n) => (n === 0 ? "" : `/${"a".repeat(n - 1)}`), with: { "healthCheck.protocol": "HTTP" } }),
    range("aws:lb/listener:Listener", "port", "integer", 1, 65535, "CreateListener"),
    range("aws:lb/listener:Listener", "defaultActions", "elements", 1, Infinity, "CreateListener", { fill: (n) => Array.from({ length: n }, () => ({ type: "forward", targetGroupArn: "arn:tg" })) }),
    range("aws:iam/role:Role", "name", "characters", 1, 64, "CreateRole"),
    range("aws:iam/role:Role", "namePrefix", "characters", 1, 38, "CreateRole"),
    range("aws:iam/role:Role", "description", "characters", 0, 1000, "CreateRole"),
    range("aws:iam/role:Role", "maxSessionDuration", "integer", 3600, 43200, "CreateRole"),
    range("aws:iam/rolePolicy:RolePolicy", "name", "characters", 1, 128, "PutRolePolicy"),
    range("aws:iam/rolePolicy:RolePolicy", "namePrefix", "characters", 1, 102, "PutRolePolicy"),
    range("aws:iam/policy:Policy", "name", "characters", 1, 128, "CreatePolicy"),
    range("aws:iam/policy:Policy", "namePrefix", "characters", 1, 102, "CreatePolicy"),
    range("aws:iam/policy:Policy", "description", "characters", 0, 1000, "CreatePolicy"),
    range("aws:iam/instanceProfile:InstanceProfile", "name", "characters", 1, 128, "CreateInstanceProfile"),
    range("aws:iam/instanceProfile:InstanceProfile", "namePrefix", "characters", 1, 102, "CreateInstanceProfile"),
    range("aws:route53recoverycontrol/cluster:Cluster", "name", "characters", 1, 64, "CreateCluster"),
    range("aws:route53recoverycontrol/controlPanel:ControlPanel", "name", "characters", 1, 64, "CreateControlPanel"),
    range("aws:route53recoverycontrol/routingControl:RoutingControl", "name", "characters", 1, 64, "CreateRoutingControl"),
    range("aws:route53recoverycontrol/safetyRule:SafetyRule", "name", "characters", 1, 64, "CreateSafetyRule"),
    range("aws:route53recoverycontrol/safetyRule:SafetyRule", "waitPeriodMs", "integer", 0, int32, "CreateSafetyRule"),
    range("aws:route53recoverycontrol/safetyRule:SafetyRule", "assertedControls", "elements", 1, Infinity, "CreateSafetyRule", { fill: (n) => Array.from({ length: n }, (_, k) => controlArn(`c${k}`)), with: { ruleConfig: { type: "ATLEAST", threshold: 1, inverted: false } } }),
    range(hc, "port", "integer", 1, 65535, "CreateHealthCheck"),
    range(hc, "searchString", "characters", 1, 255, "CreateHealthCheck"),
    range(hc, "fqdn", "characters", 1, 255, "CreateHealthCheck", { fill: dnsName }),
    range(hc, "failureThreshold", "integer", 1, 10, "CreateHealthCheck"),
    range(hc, "childHealthchecks", "elements", 1, 256, "CreateHealthCheck", { with: { childHealthThreshold: 1 } }),
    range(hc, "childHealthThreshold", "integer", 0, 256, "CreateHealthCheck", { with: { childHealthchecks: Array.from({ length: 256 }, (_, k) => `hc-${k}`) } }),
    range(hc, "cloudwatchAlarmName", "characters", 1, 256, "CreateHealthCheck"),
    range(hc, "referenceName", "characters", 0, 27, "CreateHealthCheck"),
    range(record, "ttl", "integer", 0, int32, "ChangeResourceRecordSets"),
    range(record, "aliases", "elements", 0, 1, "ChangeResourceRecordSets", { fill: (n) => Array.from({ length: n }, () => ({ name: "nlb.example.com", zoneId: "Z2", evaluateTargetHealth: true })) }),
    range(record, "setIdentifier", "characters", 1, 128, "ChangeResourceRecordSets"),
    range(record, "weightedRoutingPolicies", "elements", 0, 1, "ChangeResourceRecordSets", { fill: (n) => Array.from({ length: n }, () => ({ weight: 1 })), with: { failoverRoutingPolicies: undefined } }),
    range(record, "weightedRoutingPolicies[].weight", "integer", 0, 255, "ChangeResourceRecordSets"),
    range("aws:s3/bucket:Bucket", "bucketPrefix", "characters", 1, 37, "CreateBucket"),
    range("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "rules", "elements", 1, Infinity, "PutBucketEncryption", { fill: (n) => Array.from({ length: n }, () => ({ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } })) }),
    range(lifecycle, "rules", "elements", 1, 1000, "PutBucketLifecycleConfiguration", { fill: (n) => Array.from({ length: n }, (_, k) => ({ id: `r${k}`, status: "Enabled", filter: {}, expiration: { days: 1 } })) }),
    range(lifecycle, "rules[].id", "characters", 1, 255, "PutBucketLifecycleConfiguration"),
    range(lifecycle, "rules[].noncurrentVersionExpiration.noncurrentDays", "integer", 1, int32, "PutBucketLifecycleConfiguration"),
    range(lifecycle, "rules[].noncurrentVersionExpiration.newerNoncurrentVersions", "integer", 1, 100, "PutBucketLifecycleConfiguration"),
    range(lifecycle, "rules[].abortIncompleteMultipartUpload.daysAfterInitiation", "integer", 1, int32, "PutBucketLifecycleConfiguration"),
    range(lifecycle, "rules[].expiration.days", "integer", 1, int32, "PutBucketLifecycleConfiguration"),
    range(replication, "rules", "elements", 1, 1000, "PutBucketReplication", {
        fill: (n) => Array.from({ length: n }, (_, k) => ({ id: `r${k}`, status: "Enabled", priority: k, filter: {}, deleteMarkerReplication: { status: "Disabled" }, destination: { bucket: "arn:aws:s3:::peer" } })),
    }),
    range(replication, "rules[].id", "characters", 0, 255, "PutBucketReplication"),
    range(replication, "rules[].destination.replicationTime.time.minutes", "integer", 15, 15, "PutBucketReplication"),
    range(replication, "rules[].destination.metrics.eventThreshold.minutes", "integer", 15, 15, "PutBucketReplication"),
    range(replication, "rules[].priority", "integer", 0, int32, "PutBucketReplication"),
    range("aws:secretsmanager/secret:Secret", "name", "characters", 1, 512, "CreateSecret"),
    range("aws:secretsmanager/secret:Secret", "namePrefix", "characters", 1, 486, "CreateSecret"),
    range("aws:secretsmanager/secret:Secret", "description", "characters", 0, 2048, "CreateSecret"),
    range("aws:secretsmanager/secretVersion:SecretVersion", "secretStringWoVersion", "integer", 1, int32, "PutSecretValue"),
    range("aws:ssm/parameter:Parameter", "description", "characters", 0, 1024, "PutParameter"),
    range("aws:ssm/parameter:Parameter", "allowedPattern", "characters", 0, 1024, "PutParameter"),
];

/**
 * Length rules whose upper edge cannot be reached: a stricter rule of the same property refuses
 * first. Their lower edge is in the table; the stricter rule's edges are in `handRanges`.
 */
const shadowed: Readonly<Record<string, string>> = {
    [`${record} name`]: "a DNS name has at most 253 characters (the 1–1024 of the API is never reached)",
    "aws:ssm/parameter:Parameter name": "with the ARN before it a parameter name is at most 1011 characters (the 1–2048 of the API is never reached)",
};

/** A policy document of exactly n characters (no white space), padded with its statement's Sid. */
function policyOf(n: number, statement: Record<string, unknown>): string {
    const empty = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "", ...statement }] }).length;
    return JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "a".repeat(n - empty), ...statement }] });
}
const trust = { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };
const identity = { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };
const resource = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/*" };

/** An edge given value by value: accepted values, and refused ones with the limit the refusal names. */
function edge(type: string, path: string, op: string, accepted: readonly unknown[], refused: readonly [unknown, number][], opts: { property?: string; with?: Record<string, unknown> } = {}): Edge {
    return { type, path, op, accepted, refused: refused.map(([value, limit]) => ({ value, limit })), ...opts };
}

const bytesOf = (n: number) => Buffer.alloc(n, "a").toString("base64");
const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, k) => [`t${k}`, "v"]));

/** The ranges hand-written rules check. */
const handRanges: readonly Edge[] = [
    edge("aws:ec2/vpc:Vpc", "cidrBlock", "CreateVpc", ["10.0.0.0/16", "10.0.0.0/28"], [["10.0.0.0/15", 16], ["10.0.0.0/29", 28]]),
    edge("aws:ec2/subnet:Subnet", "cidrBlock", "CreateSubnet", ["10.0.0.0/16", "10.0.0.0/28"], [["10.0.0.0/15", 16], ["10.0.0.0/29", 28]]),
    edge("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "fromPort", "AuthorizeSecurityGroupIngress", [0, 22], [[-1, 0]], { with: { ipProtocol: "tcp", toPort: 22 } }),
    edge("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "toPort", "AuthorizeSecurityGroupIngress", [22, 65535], [[65536, 65535]], { with: { ipProtocol: "tcp", fromPort: 22 } }),
    edge("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "toPort", "AuthorizeSecurityGroupEgress", [443, 65535], [[65536, 65535]], { with: { ipProtocol: "udp", fromPort: 443 } }),
    edge("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ipProtocol", "AuthorizeSecurityGroupIngress", ["0", "255"], [["256", 255]], { with: { fromPort: undefined, toPort: undefined } }),
    edge("aws:ec2/launchTemplate:LaunchTemplate", "userData", "CreateLaunchTemplate", [bytesOf(1), bytesOf(16384)], [[bytesOf(16385), 16]]),
    ...([["gp3", 1, 16384], ["io2", 4, 65536], ["st1", 125, 16384], ["standard", 1, 1024]] as const).map(([volumeType, min, max]) =>
        edge("aws:ec2/launchTemplate:LaunchTemplate", "blockDeviceMappings", "CreateLaunchTemplate", [min, max].map((size) => [{ deviceName: "/dev/xvda", ebs: { volumeType, volumeSize: size } }]), [
            [[{ deviceName: "/dev/xvda", ebs: { volumeType, volumeSize: min - 1 } }], min],
            [[{ deviceName: "/dev/xvda", ebs: { volumeType, volumeSize: max + 1 } }], max],
        ], { property: "blockDeviceMappings[0].ebs.volumeSize" })),
    edge(tg, "healthCheck.port", "CreateTargetGroup", ["1", "65535"], [["0", 1], ["65536", 65535]]),
    edge(tg, "healthCheck.timeout", "CreateTargetGroup", [9], [[10, 10]], { with: { "healthCheck.interval": 10 } }),
    // A network load balancer's target group (TCP) takes codes up to 599, an application one's (HTTP) up to 499.
    edge(tg, "healthCheck.matcher", "CreateTargetGroup", ["200", "599", "200-599"], [["199", 200], ["600", 599], ["200-600", 599]], { with: { protocol: "TCP", "healthCheck.protocol": "HTTP", "healthCheck.path": "/" } }),
    edge(tg, "healthCheck.matcher", "CreateTargetGroup", ["200", "499"], [["199", 200], ["500", 499]], { with: { protocol: "HTTP", "healthCheck.protocol": "HTTP", "healthCheck.path": "/" } }),
    edge(asg, "tags", "CreateAutoScalingGroup", [50].map((n) => Array.from({ length: n }, (_, k) => ({ key: `k${k}`, value: "v", propagateAtLaunch: false }))), [[Array.from({ length: 51 }, (_, k) => ({ key: `k${k}`, value: "v", propagateAtLaunch: false })), 50]]),
    edge(asg, "instanceRefresh.preferences.maxHealthyPercentage", "StartInstanceRefresh", [150], [[151, 100]], { property: "instanceRefresh.preferences", with: { "instanceRefresh.preferences.minHealthyPercentage": 50 } }),
    edge(alarm, "evaluationPeriods", "PutMetricAlarm", [1440], [[1441, 86400]], { with: { period: 60, datapointsToAlarm: 1 } }),
    edge(alarm, "datapointsToAlarm", "PutMetricAlarm", [3], [[4, 3]], { with: { evaluationPeriods: 3 } }),
    edge(alarm, "dimensions", "PutMetricAlarm", [tags(30)], [[tags(31), 30]]),
    edge(alarm, "dimensions", "PutMetricAlarm", [{ [`${"n".repeat(255)}`]: "v".repeat(255) }], [[{ [`${"n".repeat(256)}`]: "v" }, 255], [{ d: "v".repeat(256) }, 255], [{ d: "" }, 1]], { property: "dimensions.*" }),
    // A resource path starts with "/", so the shortest AWS accepts is "/" (the length rule's 0 is never reached).
    edge(hc, "resourcePath", "CreateHealthCheck", ["/", `/${"a".repeat(254)}`], [[`/${"a".repeat(255)}`, 255]]),
    edge(hc, "regions", "CreateHealthCheck", [[], ["a", "b", "c"], Array.from({ length: 64 }, (_, k) => `r${k}`)], [[["a", "b"], 3], [Array.from({ length: 65 }, (_, k) => `r${k}`), 64]]),
    edge(hc, "childHealthThreshold", "CreateHealthCheck", [2], [[3, 2]], { with: { childHealthchecks: ["hc-1", "hc-2"] } }),
    edge(record, "name", "ChangeResourceRecordSets", [dnsName(1), dnsName(253), `${"a".repeat(63)}.example.com`], [[dnsName(254), 253], [`${"a".repeat(64)}.example.com`, 63]]),
    edge("aws:s3/bucket:Bucket", "bucket", "CreateBucket", ["abc", "a".repeat(63)], [["ab", 3], ["a".repeat(64), 63]], { property: "bucket" }),
    edge("aws:s3/bucketObjectv2:BucketObjectv2", "key", "PutObject", ["k", "k".repeat(1024), "é".repeat(512)], [["", 1], ["k".repeat(1025), 1024], ["é".repeat(513), 1024]]),
    edge("aws:s3/bucketObjectv2:BucketObjectv2", "tags", "PutObject", [tags(10), { ["k".repeat(128)]: "v".repeat(256) }], [[tags(11), 10], [{ ["k".repeat(129)]: "v" }, 128], [{ "": "v" }, 1], [{ k: "v".repeat(257) }, 256]]),
    edge("aws:s3/bucketPolicy:BucketPolicy", "policy", "PutBucketPolicy", [policyOf(20480, resource)], [[policyOf(20481, resource), 20480]]),
    edge("aws:iam/role:Role", "assumeRolePolicy", "CreateRole", [policyOf(2048, trust)], [[policyOf(2049, trust), 2048]]),
    edge("aws:iam/rolePolicy:RolePolicy", "policy", "PutRolePolicy", [policyOf(10240, identity)], [[policyOf(10241, identity), 10240]]),
    edge("aws:iam/policy:Policy", "policy", "CreatePolicy", [policyOf(6144, identity)], [[policyOf(6145, identity), 6144]]),
    edge("aws:secretsmanager/secret:Secret", "recoveryWindowInDays", "DeleteSecret", [0, 7, 30], [[-1, 0], [6, 7], [31, 30]]),
    edge("aws:secretsmanager/secretVersion:SecretVersion", "secretString", "PutSecretValue", ["s".repeat(65536), "é".repeat(32768)], [["s".repeat(65537), 65536], ["é".repeat(32769), 65536]], { with: { secretStringWo: undefined, secretStringWoVersion: undefined } }),
    edge("aws:secretsmanager/secretVersion:SecretVersion", "versionStages", "PutSecretValue", [Array.from({ length: 20 }, (_, k) => `s${k}`), ["s".repeat(256)]], [[Array.from({ length: 21 }, (_, k) => `s${k}`), 20], [["s".repeat(257)], 256], [[""], 1]]),
    edge("aws:ssm/parameter:Parameter", "name", "PutParameter", [`/${Array.from({ length: 15 }, (_, k) => `l${k}`).join("/")}`, "p".repeat(1011 - "arn:aws:ssm:us-east-1:123456789012:parameter/".length)], [
        [`/${Array.from({ length: 16 }, (_, k) => `l${k}`).join("/")}`, 15],
        ["p".repeat(1012 - "arn:aws:ssm:us-east-1:123456789012:parameter/".length), 1011],
    ], { with: { region: "us-east-1" } }),
    edge("aws:ssm/parameter:Parameter", "insecureValue", "PutParameter", ["v".repeat(4096)], [["v".repeat(4097), 4096]], { with: { tier: "Standard", type: "String", value: undefined } }),
    edge("aws:ssm/parameter:Parameter", "insecureValue", "PutParameter", ["v".repeat(8192)], [["v".repeat(8193), 8192]], { with: { tier: "Advanced", type: "String", value: undefined } }),
    edge("aws:sns/topic:Topic", "name", "CreateTopic", ["t", "t".repeat(256), `${"t".repeat(251)}.fifo`], [["t".repeat(257), 256], [`${"t".repeat(252)}.fifo`, 256]], { with: { fifoTopic: undefined } }),
    edge("aws:route53recoverycontrol/safetyRule:SafetyRule", "ruleConfig.threshold", "CreateSafetyRule", [1, 2], [[0, 1], [3, 2]], { with: { "ruleConfig.type": "ATLEAST" } }),
];

/** The property a refusal names for an edge. */
const propertyOf = (e: Edge) => e.property ?? e.path.replace(/\[\]/g, "[0]");

/** The failures naming the edge's property (`*` matches one more segment), for its value set in `base`. */
function failuresAt(e: Edge, base: Record<string, unknown>, value: unknown) {
    let inputs = base;
    for (const [path, v] of Object.entries(e.with ?? {})) {
        inputs = setAt(inputs, path, v);
    }
    // An edge with a FIFO name sets fifoTopic from the name, as a program would.
    if (e.type === "aws:sns/topic:Topic" && typeof value === "string" && value.endsWith(".fifo")) {
        inputs = setAt(inputs, "fifoTopic", true);
    }
    inputs = setAt(inputs, e.path, value);
    const property = propertyOf(e);
    const names = (p: string) => (property.endsWith(".*") ? p.startsWith(property.slice(0, -1)) : p === property);
    return checkResource(e.type, "res", {}, inputs, () => "abc1234").failures.filter((f) => names(f.property));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Whether a refusal is in AWS's words: `<service>: `, the property (or, for tags, the word "tag"),
 * the limit (as a number, with thousands separators, or "one"), and `(<Operation>` at the end.
 */
function inAwsWords(e: Edge, reason: string, limit: number): boolean {
    const service = rulesOf(e.type)!.service;
    const stem = propertyOf(e).replace(/\.\*$/, "");
    const limitWords = [String(limit), limit.toLocaleString("en-US"), ...(limit === 1 ? ["one"] : [])];
    return reason.startsWith(`${service}: `)
        && (reason.includes(stem) || reason.includes(stem.replace(/s$/, "")))
        && limitWords.some((w) => new RegExp(`(^|[^0-9])${escape(w)}([^0-9]|$)`).test(reason))
        && new RegExp(`\\(${escape(e.op)}(: [^()]*)?\\)$`).test(reason);
}

/** The first valid input of the type in which every accepted edge value is accepted (several bases differ in kind). */
function baseFor(e: Edge): Record<string, unknown> | undefined {
    return (validInputs[e.type] ?? []).find((b) => e.accepted.every((v) => failuresAt(e, b, v).length === 0));
}

const describeValue = (v: unknown) => {
    if (typeof v === "string") {
        return v.length > 20 ? `a string of ${v.length} characters` : JSON.stringify(v);
    }
    if (Array.isArray(v)) {
        return `${v.length} elements`;
    }
    return typeof v === "object" && v !== null ? `${Object.keys(v).length} entries` : String(v);
};

describe("sandbox rules at their edges: the last values AWS accepts, and the first it refuses, in its words", () => {
    for (const e of [...builderRanges, ...handRanges]) {
        it(`${e.type} ${e.path}${e.with ? ` (with ${Object.keys(e.with).join(", ")})` : ""}: accepts ${e.accepted.map(describeValue).join(", ")}; refuses ${e.refused.map((r) => describeValue(r.value)).join(", ")} (${e.op})`, () => {
            const base = baseFor(e);
            expect(base, `no valid ${e.type} input accepts ${e.accepted.map(describeValue).join(", ")} at ${e.path}: ${JSON.stringify(e.accepted.map((v) => (validInputs[e.type] ?? []).map((b) => failuresAt(e, b, v)))).slice(0, 600)}`).to.not.equal(undefined);
            for (const { value, limit } of e.refused) {
                const failures = failuresAt(e, base!, value);
                expect(failures, `${describeValue(value)} is refused`).to.not.deep.equal([]);
                expect(failures.some((f) => inAwsWords(e, f.reason, limit)), `${describeValue(value)}: a refusal names ${propertyOf(e)}, the limit ${limit} and ${e.op}: ${JSON.stringify(failures).slice(0, 400)}`).to.equal(true);
            }
        });
    }

    it("every range a builder-made rule checks has a row here (a new range needs its edges tested)", () => {
        const rows = new Set([...builderRanges, ...handRanges].map((e) => `${e.type} ${e.path}`));
        const ranges = typesWithRules().flatMap((t) =>
            t.rules.flatMap((r) => (r.shape !== undefined && ["intRange", "length", "count"].includes(r.shape.kind) ? [`${t.type} ${(r.shape as { path: string }).path}`] : [])),
        );
        const missing = ranges.filter((key) => !rows.has(key) && shadowed[key] === undefined);
        expect(missing).to.deep.equal([]);
        expect(ranges.length, "the rules still check ranges").to.be.greaterThan(80);
    });
});
