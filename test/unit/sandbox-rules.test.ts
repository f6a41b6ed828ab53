import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { Inputs, Rule, RuleShape, at, atMostOne, exactlyOne, forbidden, intIn, obj, str } from "../../sandbox/rules/engine";
import { lowestInServiceDuringRefresh } from "../../sandbox/rules/autoscaling";
import { policyProblems } from "../../sandbox/rules/iam";
import { checkResource, rulesOf, typesWithRules } from "../../sandbox/rules";
import { rulesTable } from "../../sandbox/rules/table";
import { makeSecret, unknownValue } from "../../sandbox/values";
import { account, aliasArn, aliasPolicy, clone, identityPolicy, kmsArn, setAt, trustPolicy, validInputs } from "../support/sandbox-valid-inputs";

// Mutation tests of the sandbox's check rules. Each type has valid inputs shaped like the ones the
// program sends (they pass every rule). For each rule, an input that breaks it is derived — from
// the rule's shape for the builder-made rules, by hand for the others — and the sandbox's check
// must refuse it with that rule's message. A final test proves every rule has such an input.

type Mutation = (inputs: Record<string, unknown>) => Record<string, unknown>;

/** Breaking inputs for hand-written rules, by type and rule text (applied to each valid input until one breaks it). */
const handMutations: Readonly<Record<string, Readonly<Record<string, Mutation>>>> = {
    "aws:ec2/vpc:Vpc": { "cidrBlock is an IPv4 network /16–/28": (i) => ({ ...i, cidrBlock: "10.0.0.0/8" }) },
    "aws:ec2/subnet:Subnet": {
        "cidrBlock is an IPv4 network /16–/28": (i) => ({ ...i, cidrBlock: "10.0.0.1/20" }),
        "ipv6CidrBlock is an IPv6 /64": (i) => ({ ...i, ipv6CidrBlock: "2600:1f18:1::/56" }),
        "a subnet has an IPv4 or an IPv6 block": (i) => ({ ...i, cidrBlock: undefined, ipv6CidrBlock: undefined }),
    },
    "aws:ec2/routeTable:RouteTable": { "each route: one destination, one target": (i) => ({ ...i, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1", natGatewayId: "nat-1" }] }) },
    "aws:ec2/route:Route": { "one destination, one target": (i) => ({ ...i, destinationIpv6CidrBlock: "::/0" }) },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { "policy is a JSON document": (i) => ({ ...i, policy: "{\"Statement\": [" }) },
    ...Object.fromEntries(["Ingress", "Egress"].map((d) => [`aws:vpc/securityGroup${d}Rule:SecurityGroup${d}Rule`, {
        "ipProtocol is tcp, udp, icmp, icmpv6, -1 or a protocol number": (i: Record<string, unknown>) => ({ ...i, ipProtocol: "ssh" }),
        "ports with the protocol: both for tcp/udp, in 0–65535, from ≤ to": (i: Record<string, unknown>) => ({ ...i, ipProtocol: "tcp", fromPort: 2022, toPort: 22 }),
        "cidrIpv4 is an IPv4 network address": (i: Record<string, unknown>) => ({ ...i, cidrIpv4: "203.0.113.7/24" }),
        "cidrIpv6 is an IPv6 CIDR": (i: Record<string, unknown>) => ({ ...i, cidrIpv6: "2600:1f18::/200" }),
    }])),
    "aws:ec2/launchTemplate:LaunchTemplate": {
        "EBS volume sizes within the volume type's range": (i) => ({ ...i, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20000, volumeType: "gp3" } }] }),
        "security groups on the network interfaces or on the instance, not both": (i) => ({ ...i, vpcSecurityGroupIds: ["sg-2"] }),
        "userData is base64 of at most 16 KB": (i) => ({ ...i, userData: "#!/bin/bash not base64" }),
    },
    "aws:ec2/flowLog:FlowLog": { "maxAggregationInterval is 60 or 600": (i) => ({ ...i, maxAggregationInterval: 300 }) },
    "aws:lb/loadBalancer:LoadBalancer": {
        "dualstack-without-public-ipv4 only for an application load balancer": (i) => ({ ...i, ipAddressType: "dualstack-without-public-ipv4" }),
        "an application load balancer needs subnets in at least two Availability Zones": (i) => ({ ...i, loadBalancerType: "application", subnets: ["subnet-1"] }),
    },
    "aws:lb/targetGroup:TargetGroup": {
        "health check port 1–65535": (i) => ({ ...i, healthCheck: { ...(i.healthCheck as object), port: "70000" } }),
        "health check timeout below the interval": (i) => ({ ...i, healthCheck: { ...(i.healthCheck as object), interval: 10, timeout: 10 } }),
        // Codes a network load balancer accepts but an application load balancer's target group (HTTP) does not.
        "health check matcher codes within the load balancer type's range": (i) => ({ ...i, protocol: "HTTP", healthCheck: { ...(i.healthCheck as object), protocol: "HTTP", matcher: "200,500-599" } }),
    },
    "aws:lb/listener:Listener": {
        "a forward action names a target group": (i) => ({ ...i, defaultActions: [{ type: "forward" }] }),
        "TLS and HTTPS listeners need a certificate": (i) => ({ ...i, protocol: "TLS", certificateArn: undefined }),
        "the protocol and actions fit the load balancer type in its ARN": (i) => ({ ...i, loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/net/gw-nlb/0123456789abcdef`, protocol: "HTTP" }),
    },
    "aws:autoscaling/group:Group": {
        "minSize ≤ desiredCapacity ≤ maxSize": (i) => ({ ...i, minSize: 2, desiredCapacity: 7, maxSize: 6 }),
        "launchTemplate.version is $Latest, $Default or a version number": (i) => ({ ...i, launchTemplate: { id: "lt-1", version: "latest" } }),
        "subnets or Availability Zones": (i) => ({ ...i, vpcZoneIdentifiers: undefined, availabilityZones: undefined }),
        "at most 50 tags": (i) => ({ ...i, tags: Array.from({ length: 51 }, (_, n) => ({ key: `k${n}`, value: "v", propagateAtLaunch: false })) }),
        "instanceRefresh: maxHealthyPercentage − minHealthyPercentage at most 100": (i) => ({ ...i, instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50, maxHealthyPercentage: 200 } } }),
        "instanceRefresh keeps at least one instance in service (sandbox: AWS accepts it and drops to 0)": (i) => ({ ...i, minSize: 1, desiredCapacity: 1 }),
        "no warmPool on a group with a mixed instances policy": (i) => ({
            ...i,
            launchTemplate: undefined,
            warmPool: { poolState: "Stopped", minSize: 1 },
            mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1" } } },
        }),
    },
    "aws:s3/bucket:Bucket": { "bucket follows S3's bucket naming rules": (i) => ({ ...i, bucket: "Sftp_Data..bucket" }) },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        "a KMS key only with aws:kms or aws:kms:dsse": (i) => ({ ...i, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: kmsArn } }] }),
        "rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId is a KMS key identifier": (i) => ({ ...i, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "my-key" } }] }),
    },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        "each lifecycle rule has an action": (i) => ({ ...i, rules: [{ id: "noop", status: "Enabled", filter: {} }] }),
        "expiration.expiredObjectDeleteMarker not beside days or date": (i) => ({ ...i, rules: [{ id: "markers", status: "Enabled", filter: {}, expiration: { days: 30, expiredObjectDeleteMarker: true } }] }),
    },
    "aws:s3/bucketPolicy:BucketPolicy": {
        "policy is a valid resource policy document": (i) => ({ ...i, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }] }) }),
        "policy at most 20480 characters (white space not counted)": (i) => ({ ...i, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: Array.from({ length: 1200 }, (_, n) => `arn:aws:s3:::b/${n}`) }] }) }),
    },
    "aws:s3/bucketObjectv2:BucketObjectv2": {
        "key has 1–1024 bytes of UTF-8": (i) => ({ ...i, key: "é".repeat(513) }),
        "kmsKeyId is a KMS key ARN": (i) => ({ ...i, kmsKeyId: "alias/my-key" }),
        "tags: at most 10, keys 1–128, values at most 256 characters": (i) => ({ ...i, tags: Object.fromEntries(Array.from({ length: 11 }, (_, n) => [`t${n}`, "v"])) }),
    },
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": {
        "priorities unique; filter with deleteMarkerReplication; RTC with metrics; SSE-KMS with a replica key": (i) => {
            const rule = (i.rules as Record<string, unknown>[])[0];
            return { ...i, rules: [rule, { ...rule, id: "second" }] };
        },
        "rules[].destination.encryptionConfiguration.replicaKmsKeyId is a KMS key ARN": (i) => {
            const rule = (i.rules as Record<string, unknown>[])[0];
            return { ...i, rules: [{ ...rule, destination: { ...(rule.destination as object), encryptionConfiguration: { replicaKmsKeyId: "alias/replicas" } } }] };
        },
    },
    "aws:iam/role:Role": {
        "assumeRolePolicy is a valid trust policy document": (i) => ({ ...i, assumeRolePolicy: identityPolicy }),
        "assumeRolePolicy at most 2048 characters (white space not counted)": (i) => ({ ...i, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: Array.from({ length: 30 }, () => JSON.parse(trustPolicy).Statement[0]) }) }),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        "policy is a valid identity policy document": (i) => ({ ...i, policy: "{not json" }),
        "policy at most 10240 characters (white space not counted)": (i) => ({ ...i, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Array.from({ length: 600 }, (_, n) => `arn:aws:s3:::b/${n}`) }] }) }),
        "policy: no KMS alias ARN as the Resource of a key action (sandbox: IAM accepts it and matches nothing)": (i) => ({ ...i, policy: aliasPolicy }),
    },
    "aws:iam/policy:Policy": {
        "policy is a valid identity policy document": (i) => ({ ...i, policy: trustPolicy }),
        "policy at most 6144 characters (white space not counted)": (i) => ({ ...i, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Array.from({ length: 400 }, (_, n) => `arn:aws:s3:::b/${n}`) }] }) }),
        "policy: no KMS alias ARN as the Resource of a key action (sandbox: IAM accepts it and matches nothing)": (i) => ({ ...i, policy: aliasPolicy }),
    },
    "aws:secretsmanager/secret:Secret": {
        "kmsKeyId is a KMS key identifier": (i) => ({ ...i, kmsKeyId: "key/1111" }),
        "recoveryWindowInDays is 0 or 7–30": (i) => ({ ...i, recoveryWindowInDays: 3 }),
        "replicas[].kmsKeyId is a KMS key identifier": (i) => ({ ...i, replicas: [{ region: "us-west-2", kmsKeyId: "not-a-key" }] }),
        "replica regions distinct and other than the secret's own": (i) => ({ ...i, region: "us-east-1", replicas: [{ region: "us-east-1" }] }),
    },
    "aws:secretsmanager/secretVersion:SecretVersion": {
        "the value is at most 65,536 bytes": (i) => ({ ...i, secretString: "x".repeat(65537), secretStringWo: undefined, secretStringWoVersion: undefined }),
        "versionStages of 1–256 characters, at most 20": (i) => ({ ...i, versionStages: Array.from({ length: 21 }, (_, n) => `s${n}`) }),
        "secretStringWo needs secretStringWoVersion": (i) => ({ ...i, secretString: undefined, secretStringWo: "x", secretStringWoVersion: undefined }),
    },
    "aws:ssm/parameter:Parameter": {
        "name: characters, path, levels, reserved prefixes, 1011 with the ARN": (i) => ({ ...i, name: "/aws/reserved" }),
        "insecureValue is not for SecureString": (i) => ({ ...i, type: "SecureString", value: undefined, insecureValue: "x" }),
        "value within the tier's size (Standard 4 KB, Advanced 8 KB)": (i) => ({ ...i, tier: "Standard", value: undefined, insecureValue: "x".repeat(4097) }),
        "keyId is a KMS key identifier": (i) => ({ ...i, keyId: "my-key" }),
    },
    "aws:sns/topic:Topic": {
        "name: 1–256 letters, digits, - and _; a FIFO topic's ends in .fifo": (i) => ({ ...i, name: "sftp.alarms" }),
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        "endpoint takes the protocol's form": (i) => ({ ...i, protocol: "sqs", endpoint: "https://sqs.us-east-2.amazonaws.com/123456789012/on-call" }),
        "a firehose subscription needs subscriptionRoleArn": (i) => ({ ...i, protocol: "firehose", endpoint: `arn:aws:firehose:us-east-2:${account}:deliverystream/s` }),
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        "SNS actions are topics of the alarm's own region": (i) => ({ ...i, region: "us-east-1", alarmActions: [`arn:aws:sns:us-east-2:${account}:alarms`] }),
        "datapointsToAlarm at most evaluationPeriods": (i) => ({ ...i, evaluationPeriods: 1, datapointsToAlarm: 2 }),
        "period is 10, 20, 30 or a multiple of 60": (i) => ({ ...i, period: 45 }),
        "evaluationPeriods × period at most one day": (i) => ({ ...i, period: 3600, evaluationPeriods: 25, datapointsToAlarm: 1 }),
        "a single-metric alarm has exactly one of statistic, extendedStatistic": (i) => ({ ...i, statistic: "Minimum", extendedStatistic: "p99" }),
        "at most 30 dimensions, names and values 1–255": (i) => ({ ...i, dimensions: Object.fromEntries(Array.from({ length: 31 }, (_, n) => [`d${n}`, "v"])) }),
    },
    "aws:cloudwatch/logGroup:LogGroup": { "retentionInDays is 0 (never expire) or one of CloudWatch Logs' values": (i) => ({ ...i, retentionInDays: 10 }) },
    "aws:route53/healthCheck:HealthCheck": {
        "type is one of the health check types": (i) => ({ ...i, type: "PING" }),
        "an endpoint check needs fqdn or ipAddress": (i) => ({ ...i, fqdn: undefined, ipAddress: undefined }),
        "regions: none (all) or 3–64": (i) => ({ ...i, regions: ["us-east-1"] }),
        "childHealthThreshold at most the number of children": (i) => ({ ...i, childHealthThreshold: 3 }),
    },
    "aws:route53/record:Record": {
        "a CNAME holds one value": (i) => ({ ...i, records: ["a.example.com", "b.example.com"] }),
        "at most one routing policy": (i) => ({ ...i, latencyRoutingPolicies: [{ region: "us-east-1" }] }),
        "no setIdentifier without a routing policy": (i) => ({ ...i, weightedRoutingPolicies: undefined, failoverRoutingPolicies: undefined }),
        "name: labels of 1–63 characters, at most 253 in all": (i) => ({ ...i, name: `${"a".repeat(64)}.example.com` }),
    },
    "aws:route53recoverycontrol/safetyRule:SafetyRule": { "ATLEAST threshold between 1 and the number of controls": (i) => ({ ...i, ruleConfig: { type: "ATLEAST", threshold: 3, inverted: false } }) },
};

// ---------------------------------------------------------------------------------------------
// Deriving a breaking input from a rule's shape.

/** Strings that break most patterns: empty, spaces, edge hyphens, reserved prefixes, bad characters. */
const nastyStrings = ["", "has space", "-leading", "trailing-", "Bad_Chars!", "<angle>", "internal-x", "sg-x", "no-slash", "x", "arn:aws:nothing"];

function candidates(shape: RuleShape): Mutation[] {
    switch (shape.kind) {
        case "required":
            return [(i) => setAt(i, shape.path, undefined)];
        case "forbidden":
            return [(i) => setAt(i, shape.path, "x"), (i) => setAt(i, shape.path, 1), (i) => setAt(i, shape.path, ["x"])];
        case "exactlyOne":
            return [
                (i) => shape.fields.reduce((acc, f) => setAt(acc, shape.base ? `${shape.base}.${f}` : f, undefined), i),
                (i) => shape.fields.reduce((acc, f) => setAt(acc, shape.base ? `${shape.base}.${f}` : f, "x"), i),
            ];
        case "atMostOne":
            return [(i) => shape.fields.slice(0, 2).reduce((acc, f) => setAt(acc, shape.base ? `${shape.base}.${f}` : f, "x"), i)];
        case "oneOf":
            return [(i) => setAt(i, shape.path, "NOT-A-VALID-VALUE")];
        case "intRange":
            return [(i) => setAt(i, shape.path, shape.max + 1), (i) => setAt(i, shape.path, shape.min - 1), (i) => setAt(i, shape.path, shape.min + 0.5)];
        case "intIn":
            return [(i) => setAt(i, shape.path, Math.max(...shape.values) + 1)];
        case "length":
            return [(i) => setAt(i, shape.path, "a".repeat(shape.max + 1)), ...(shape.min > 0 ? [(i: Record<string, unknown>) => setAt(i, shape.path, "a".repeat(shape.min - 1))] : [])];
        case "count":
            return [
                ...(Number.isFinite(shape.max) ? [(i: Record<string, unknown>) => setAt(i, shape.path, Array.from({ length: shape.max + 1 }, () => "x"))] : []),
                ...(shape.min > 0 ? [(i: Record<string, unknown>) => setAt(i, shape.path, [])] : []),
            ];
        case "matches":
            return nastyStrings.map((bad) => (i: Record<string, unknown>) => setAt(i, shape.path, bad));
        default:
            return [];
    }
}

/** An input that breaks `rule`, from the type's valid inputs: the rule reports a problem for it. */
function breakingInput(type: string, rule: Rule): Record<string, unknown> | undefined {
    const mutations = [...(rule.shape ? candidates(rule.shape) : []), ...(handMutations[type]?.[rule.rule] ? [handMutations[type][rule.rule]] : [])];
    for (const base of validInputs[type] ?? []) {
        for (const mutate of mutations) {
            const broken = mutate(clone(base));
            if (rule.check(broken as Inputs).length > 0) {
                return broken;
            }
        }
    }
    return undefined;
}

const check = (type: string, inputs: Record<string, unknown>) => checkResource(type, "res", {}, inputs, () => "abc1234");

describe("sandbox rules: mutation tests (an input that breaks a rule is refused with its message)", () => {
    for (const rules of typesWithRules()) {
        describe(rules.type, () => {
            (validInputs[rules.type] ?? []).forEach((inputs, n) => {
                it(`accepts valid inputs #${n + 1} (no rule refuses them)`, () => {
                    expect(check(rules.type, clone(inputs)).failures).to.deep.equal([]);
                });
            });
            for (const rule of rules.rules) {
                it(`refuses an input breaking "${rule.rule}" with that rule's message`, () => {
                    const broken = breakingInput(rules.type, rule);
                    expect(broken, `no breaking input found for "${rule.rule}"`).to.not.equal(undefined);
                    const expected = rule.check(broken as Inputs).map((p) => ({ property: p.property, reason: `${rules.service}: ${p.message}` }));
                    const failures = check(rules.type, broken as Record<string, unknown>).failures;
                    expect(failures).to.deep.include.members(expected);
                    for (const f of expected) {
                        expect(f.reason).to.match(/^[a-z0-9-]+: .+ \([^()]*[A-Z][A-Za-z]+[^()]*\)$/, "service: field rule (Operation)");
                    }
                    // As AWS's errors do, each refusal names the field it refuses, where the provider reports it.
                    for (const f of failures) {
                        const field = f.property.split(/[.[]/)[0];
                        expect(field, `${f.reason}: a property`).to.match(/^[a-z][A-Za-z0-9]*$/);
                        expect([field, field.replace(/s$/, "")].some((name) => f.reason.includes(name)), `${f.reason} names ${field}`).to.equal(true);
                    }
                });
            }
        });
    }

    it("has valid inputs for every type with rules", () => {
        const missing = typesWithRules().map((r) => r.type).filter((t) => (validInputs[t] ?? []).length === 0);
        expect(missing).to.deep.equal([]);
    });

    it("sandbox/README.md lists every rule with its source (regenerate: npx ts-node scripts/sandbox-rules-table.ts)", () => {
        const readme = fs.readFileSync(path.resolve(__dirname, "..", "..", "sandbox", "README.md"), "utf8");
        const inReadme = readme.split("<!-- rules table: start -->\n")[1]?.split("\n<!-- rules table: end -->")[0];
        expect(inReadme).to.equal(rulesTable());
    });

    it("every rule cites a source", () => {
        const unsourced = typesWithRules().flatMap((t) => t.rules.filter((r) => r.source.trim().length < 10).map((r) => `${t.type}: ${r.rule}`));
        expect(unsourced).to.deep.equal([]);
    });
});

describe("sandbox rules: values not yet known and secrets", () => {
    it("does not judge a value not yet known (previews)", () => {
        const tg = { ...validInputs["aws:lb/targetGroup:TargetGroup"][0], port: unknownValue, protocol: unknownValue, healthCheck: unknownValue };
        expect(check("aws:lb/targetGroup:TargetGroup", tg).failures).to.deep.equal([]);
        const record = { ...validInputs["aws:route53/record:Record"][0], aliases: unknownValue };
        expect(check("aws:route53/record:Record", record).failures.map((f) => f.property)).to.not.include("aliases[0].name");
        const alarm = { ...validInputs["aws:cloudwatch/metricAlarm:MetricAlarm"][0], period: unknownValue, name: unknownValue };
        expect(check("aws:cloudwatch/metricAlarm:MetricAlarm", alarm).failures).to.deep.equal([]);
    });

    it("an unknown value still counts as given for required and exclusive fields", () => {
        const hc = { type: "CALCULATED", childHealthchecks: unknownValue, childHealthThreshold: 2 };
        expect(check("aws:route53/healthCheck:HealthCheck", hc).failures).to.deep.equal([]);
        const rule = { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "203.0.113.0/24", referencedSecurityGroupId: unknownValue };
        expect(check("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", rule).failures[0].reason).to.include("cannot both be given");
    });

    it("never quotes a secret in a refusal", () => {
        const secretName = makeSecret("Sensitive_Name!");
        const failures = check("aws:ssm/parameter:Parameter", { name: secretName, type: "String", insecureValue: "x" }).failures;
        expect(failures.length).to.be.greaterThan(0);
        expect(JSON.stringify(failures)).to.not.include("Sensitive_Name!");
        expect(failures[0].reason).to.include("[secret]");
    });

    it("masks a secret of four characters or more, wherever it sits in a secret value, and leaves shorter ones (they would mask too much)", () => {
        const refusalOf = (inputs: Record<string, unknown>) => check("aws:ssm/parameter:Parameter", { type: "String", insecureValue: "x", ...inputs }).failures.map((f) => f.reason);
        const bad = (quoted: string) => [`ssm: name "${quoted}" may hold only letters, digits and _.-/ (PutParameter)`];
        expect(refusalOf({ name: makeSecret("my p") })).to.deep.equal(bad("[secret]"));
        expect(refusalOf({ name: makeSecret("a b") })).to.deep.equal(bad("a b"));
        expect(refusalOf({ name: "my p", tags: makeSecret({ list: ["my p"] }) })).to.deep.equal(bad("[secret]"));
    });

    it("refuses a health check without a type at its type alone: no field is judged against a type not given", () => {
        for (const inputs of validInputs["aws:route53/healthCheck:HealthCheck"]) {
            expect(check("aws:route53/healthCheck:HealthCheck", { ...inputs, type: undefined }).failures.map((f) => f.property), JSON.stringify(inputs)).to.deep.equal(["type"]);
        }
    });

    it("names a standalone route's destinations and targets without a prefix, a route table's route by its place", () => {
        const targets = "gatewayId, natGatewayId, networkInterfaceId, transitGatewayId, vpcEndpointId, vpcPeeringConnectionId, egressOnlyGatewayId, carrierGatewayId, localGatewayId, coreNetworkArn";
        expect(check("aws:ec2/route:Route", { ...validInputs["aws:ec2/route:Route"][0], gatewayId: "igw-1" }).failures).to.deep.equal([
            { property: "gatewayId", reason: `ec2: a route needs exactly one target (${targets}), got 2 (CreateRoute)` },
        ]);
        expect(check("aws:ec2/routeTable:RouteTable", { vpcId: "vpc-1", routes: [{ cidrBlock: "0.0.0.0/0" }] }).failures).to.deep.equal([
            { property: "routes[0]", reason: `ec2: routes[0]: a route needs exactly one target (${targets}), got 0 (CreateRoute)` },
        ]);
    });

    it("judges each of an alarm's action lists, in any partition, against the alarm's region", () => {
        const alarm = validInputs["aws:cloudwatch/metricAlarm:MetricAlarm"][0];
        expect(check("aws:cloudwatch/metricAlarm:MetricAlarm", { ...alarm, region: "us-east-1", okActions: [`arn:aws:sns:us-west-2:${account}:t`] }).failures).to.deep.equal([{
            property: "okActions[0]",
            reason: 'cloudwatch: okActions[0] is a topic in us-west-2; an alarm in us-east-1 notifies topics of us-east-1 only ("Invalid region us-west-2 specified. Only us-east-1 is supported.", PutMetricAlarm)',
        }]);
        expect(check("aws:cloudwatch/metricAlarm:MetricAlarm", { ...alarm, region: "cn-north-1", alarmActions: [`arn:aws-cn:sns:cn-northwest-1:${account}:t`] }).failures.map((f) => f.property)).to.deep.equal(["alarmActions[0]"]);
        expect(check("aws:cloudwatch/metricAlarm:MetricAlarm", { ...alarm, region: "us-east-1", insufficientDataActions: [`arn:aws:sns:us-west-2:${account}:t`] }).failures.map((f) => f.property)).to.deep.equal(["insufficientDataActions[0]"]);
    });

    it("names the service of a type without rules, from its token, when its autoname cannot fit", () => {
        const failures = checkResource("aws:ec2/keyPair:KeyPair", "k".repeat(300), {}, {}, () => "abc1234").failures;
        expect(failures.map((f) => f.property)).to.deep.equal(["keyName"]);
        expect(failures[0].reason).to.match(/^ec2: name "k{300}-" plus 7 random characters is longer than .*\(pulumi-aws autonaming\)$/);
    });

    it("passes a type without rules unjudged, its inputs as given", () => {
        const inputs = { anything: "at all", count: -1 };
        expect(check("aws:example/widget:Widget", inputs)).to.deep.equal({ inputs, failures: [] });
    });

    it("knows the v6 BucketV2 token as the bucket", () => {
        expect(rulesOf("aws:s3/bucketV2:BucketV2")?.type).to.equal("aws:s3/bucket:Bucket");
        expect(rulesOf("aws:alb/targetGroup:TargetGroup")?.type).to.equal("aws:lb/targetGroup:TargetGroup");
    });
});

describe("sandbox rules: S3 objects as PutObject takes them", () => {
    const object = { region: "us-east-1", bucket: "b", key: ".sftp-failover/users/primary.json", content: "{}" };
    const reasons = (inputs: Record<string, unknown>) => check("aws:s3/bucketObjectv2:BucketObjectv2", inputs).failures.map((f) => f.reason);

    it("refuses an empty key and a key of 1025 bytes, counting UTF-8 bytes rather than characters", () => {
        expect(reasons({ ...object, key: "" })).to.deep.equal(["s3: key is empty; an object key is 1–1024 bytes of UTF-8 (PutObject)"]);
        expect(reasons({ ...object, key: "k".repeat(1025) })).to.deep.equal(["s3: key is 1025 bytes of UTF-8; an object key is at most 1024 (PutObject)"]);
        expect(reasons({ ...object, key: "k".repeat(1024) })).to.deep.equal([]);
        expect(reasons({ ...object, key: `${"é".repeat(512)}k` })).to.deep.equal(["s3: key is 1025 bytes of UTF-8; an object key is at most 1024 (PutObject)"]);
    });

    it("refuses a missing bucket or key, and a body given two ways", () => {
        expect(reasons({ ...object, bucket: undefined })).to.deep.equal(["s3: bucket is required (PutObject)"]);
        expect(reasons({ ...object, key: undefined })).to.deep.equal(["s3: key is required (PutObject)"]);
        expect(reasons({ ...object, source: { path: "users.json" } })).to.deep.equal(["s3: content and source are mutually exclusive (PutObject)"]);
        expect(reasons({ ...object, contentBase64: "e30=" })).to.deep.equal(["s3: content and contentBase64 are mutually exclusive (PutObject)"]);
    });

    it("refuses an 11th tag, a tag key over 128 characters and a value over 256, as S3 limits object tags", () => {
        const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, k) => [`t${k}`, "v"]));
        expect(reasons({ ...object, tags: tags(10) })).to.deep.equal([]);
        expect(reasons({ ...object, tags: tags(11) })).to.deep.equal(["s3: tags has 11 entries; an object holds at most 10 (PutObject)"]);
        expect(reasons({ ...object, tags: { ["k".repeat(129)]: "v" } })).to.have.length(1);
        expect(reasons({ ...object, tags: { owner: "v".repeat(257) } })).to.deep.equal(['s3: tag "owner" has a value of 257 characters; at most 256 (PutObject)']);
    });

    it("accepts the users object of 2,000 RSA-4096 users (1.6 MB), which no SSM parameter layout here could hold", () => {
        expect(reasons({ ...object, content: "x".repeat(1_600_000) })).to.deep.equal([]);
    });
});

describe("sandbox rules: autonaming before the rules, as pulumi-aws does", () => {
    it("an autonamed secondary load balancer (34 characters) is refused by ELB's 32-character rule, as AWS words it", () => {
        const lb = { loadBalancerType: "network", subnets: ["subnet-1", "subnet-2"] };
        const { failures } = checkResource("aws:lb/loadBalancer:LoadBalancer", "sftp-secondary-gateway-nlb", {}, lb, () => "abc1234");
        expect(failures).to.deep.equal([{
            property: "name",
            reason: `elasticloadbalancing: name "sftp-secondary-gateway-nlb-abc1234" is 34 characters; ELB names are at most 32 (CreateLoadBalancer)`,
        }]);
    });

    it("an autoname that cannot fit the autonaming limit is refused before any rule runs, never cut", () => {
        const { inputs, failures } = checkResource("aws:lb/targetGroup:TargetGroup", "sftp-secondary-gateway-tg", {}, { port: 2022, protocol: "TCP", vpcId: "vpc-1" }, () => "abc1234");
        expect(inputs.name).to.equal(undefined);
        expect(failures).to.deep.equal([{
            property: "name",
            reason: `elasticloadbalancing: name "sftp-secondary-gateway-tg-" plus 7 random characters is longer than the maximum length 32 (pulumi-aws autonaming)`,
        }]);
    });

    it("an ARC cluster autonamed past 64 characters is refused by ARC's name rule", () => {
        const logical = "a".repeat(60);
        const { failures } = checkResource("aws:route53recoverycontrol/cluster:Cluster", logical, {}, {}, () => "abc1234");
        expect(failures.map((f) => f.reason)).to.deep.equal([`route53-recovery-control-config: name "${logical}-abc1234" is 68 characters; recovery control names are at most 64 (CreateCluster)`]);
    });
});

describe("sandbox rules: the builders' readings and refusals", () => {
    it("reads a known string or object, and nothing else as one", () => {
        expect([str("a"), str(5), str(unknownValue)]).to.deep.equal(["a", undefined, undefined]);
        expect([obj({ a: 1 }), obj(null), obj([1]), obj("x")]).to.deep.equal([{ a: 1 }, undefined, undefined, undefined]);
    });

    it("walks no list that is not there", () => {
        expect(at({}, "rules[].status")).to.deep.equal([]);
        expect(at({}, "rules[]")).to.deep.equal([]);
        expect(at({ rules: [{ status: "x" }] }, "rules[].status")).to.deep.equal([{ path: "rules[0].status", value: "x" }]);
    });

    it("exactly one: names the missing or doubled fields, at the top level or under their parent", () => {
        const top = exactlyOne("", ["a", "b"], "Op", "src");
        const nested = exactlyOne("spec", ["a", "b"], "Op", "src");
        expect(top.check({})).to.deep.equal([{ property: "a", message: "one of a, b is required (Op)" }]);
        expect(top.check({ a: 1, b: 2 })).to.deep.equal([{ property: "a", message: "a and b cannot both be given; exactly one of a, b (Op)" }]);
        expect(nested.check({ spec: {} })).to.deep.equal([{ property: "spec", message: "spec: one of a, b is required (Op)" }]);
        expect(nested.check({ spec: { a: 1, b: 2 } })).to.deep.equal([{ property: "spec", message: "spec: a and b cannot both be given; exactly one of a, b (Op)" }]);
    });

    it("at most one: names the second field at the top level, the parent under one", () => {
        expect(atMostOne("", ["a", "b"], "Op", "src").check({ a: 1, b: 2 })).to.deep.equal([{ property: "b", message: "a and b are mutually exclusive (Op)" }]);
        expect(atMostOne("spec", ["a", "b"], "Op", "src").check({ spec: { a: 1, b: 2 } })).to.deep.equal([{ property: "spec", message: "spec: a and b are mutually exclusive (Op)" }]);
    });

    it("one of a few numbers: lists them all", () => {
        expect(intIn("n", [10, 30], "Op", "src").check({ n: 20 })).to.deep.equal([{ property: "n", message: "n 20 is not 10 or 30 (Op)" }]);
    });

    it("describes each builder's rule for the rule table: its text and its shape", () => {
        const described = (r: Rule) => ({ rule: r.rule, shape: r.shape });
        expect(described(exactlyOne("", ["a", "b"], "Op", "src"))).to.deep.equal({ rule: "exactly one of a, b", shape: { kind: "exactlyOne", base: "", fields: ["a", "b"] } });
        expect(described(exactlyOne("spec", ["a", "b"], "Op", "src"))).to.deep.equal({ rule: "exactly one of a, b in spec", shape: { kind: "exactlyOne", base: "spec", fields: ["a", "b"] } });
        expect(described(atMostOne("", ["a", "b"], "Op", "src"))).to.deep.equal({ rule: "at most one of a, b", shape: { kind: "atMostOne", base: "", fields: ["a", "b"] } });
        expect(described(atMostOne("spec", ["a", "b"], "Op", "src"))).to.deep.equal({ rule: "at most one of a, b in spec", shape: { kind: "atMostOne", base: "spec", fields: ["a", "b"] } });
        expect(described(intIn("n", [10, 30], "Op", "src"))).to.deep.equal({ rule: "n is 10 or 30", shape: { kind: "intIn", path: "n", values: [10, 30] } });
        expect(described(forbidden("x", "here", () => true, "Op", "src"))).to.deep.equal({ rule: "no x here", shape: { kind: "forbidden", path: "x" } });
    });

    it("a forbidden switch left off (false) is not refused; one turned on is", () => {
        const rule = forbidden("x", "here", () => true, "Op", "src");
        expect(rule.check({ x: false })).to.deep.equal([]);
        expect(rule.check({ x: true })).to.deep.equal([{ property: "x", message: "x is not allowed here (Op)" }]);
    });
});

describe("sandbox rules: policy documents", () => {
    const op = "PutRolePolicy";
    it("accepts a well-formed identity policy and a trust policy", () => {
        expect(policyProblems("policy", identityPolicy, "identity", op)).to.deep.equal([]);
        expect(policyProblems("assumeRolePolicy", trustPolicy, "trust", "CreateRole")).to.deep.equal([]);
    });

    it("refuses a wrong Version, an empty Statement, a missing Effect or Action, and misplaced Principal or Resource", () => {
        const reasons = (doc: unknown, kind: "identity" | "trust" | "resource") => policyProblems("policy", JSON.stringify(doc), kind, op).map((p) => p.message);
        expect(reasons({ Version: "2012-10-18", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }, "identity")[0]).to.include(`Version must be "2012-10-17"`);
        expect(reasons({ Version: "2012-10-17", Statement: [] }, "identity")[0]).to.include("at least one statement");
        expect(reasons({ Version: "2012-10-17", Statement: [{ Action: "s3:*", Resource: "*" }] }, "identity")[0]).to.include("Effect must be Allow or Deny");
        expect(reasons({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Resource: "*" }] }, "identity")[0]).to.include("has no Action");
        expect(reasons({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }] }, "identity")[0]).to.include("Principal, a prohibited field");
        expect(reasons({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*" }] }, "identity")[0]).to.include("has no Resource");
        expect(reasons({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole", Resource: "*" }] }, "trust")[0]).to.include("Resource, a prohibited field");
        expect(reasons({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:*", Resource: "*" }] }, "resource")[0]).to.include("has no Principal");
    });

    it("never quotes the document", () => {
        const problems = policyProblems("policy", "{\"Version\": \"2012-10-17\", \"Secret\": \"hunter2\"", "identity", op);
        expect(JSON.stringify(problems)).to.not.include("hunter2");
    });

    it("refuses text that is not JSON, and JSON that is not an object, in one line each", () => {
        expect(policyProblems("policy", "{\"Version\": ", "identity", op).map((p) => p.message)).to.deep.equal(["policy is not valid JSON; MalformedPolicyDocument (PutRolePolicy)"]);
        for (const text of ["[1]", "null", "3", "\"text\""]) {
            expect(policyProblems("policy", text, "identity", op).map((p) => p.message), text).to.deep.equal(["policy must be a JSON object; MalformedPolicyDocument (PutRolePolicy)"]);
        }
    });

    it("judges no document that is not known yet", () => {
        expect(policyProblems("policy", undefined, "identity", op)).to.deep.equal([]);
    });

    it("accepts the legacy Version, a single statement not in a list, and NotPrincipal in place of Principal", () => {
        const problems = (doc: unknown, kind: "identity" | "trust" | "resource") => policyProblems("policy", JSON.stringify(doc), kind, op);
        expect(problems({ Version: "2008-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }, "identity")).to.deep.equal([]);
        expect(problems({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:*", Resource: "*" } }, "identity")).to.deep.equal([]);
        expect(problems({ Version: "2012-10-17", Statement: [{ Effect: "Deny", NotPrincipal: { AWS: `arn:aws:iam::${account}:root` }, Action: "s3:*", Resource: "*" }] }, "resource")).to.deep.equal([]);
    });

    it("refuses a document without statements, and an empty Action or Resource, in its own words", () => {
        const reasons = (doc: unknown) => policyProblems("policy", JSON.stringify(doc), "identity", op).map((p) => p.message);
        expect(reasons({ Version: "2012-10-17" })).to.deep.equal(["policy: Statement must hold at least one statement; MalformedPolicyDocument (PutRolePolicy)"]);
        for (const Action of ["", []]) {
            expect(reasons({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action, Resource: "*" }] }), JSON.stringify(Action)).to.deep.equal([
                "policy: Statement[0] has no Action (or NotAction); MalformedPolicyDocument (PutRolePolicy)",
            ]);
        }
        expect(reasons({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: [] }] })).to.deep.equal([
            "policy: Statement[0] has no Resource; policy statements must contain resources; MalformedPolicyDocument (PutRolePolicy)",
        ]);
    });

    it("counts a document's size without its white space: a pretty-printed policy of 10,240 characters fits, 10,241 do not", () => {
        const rolePolicy = "aws:iam/rolePolicy:RolePolicy";
        const compact = (n: number) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${"b".repeat(n)}` }] });
        const n = 10240 - JSON.stringify(compact(0)).length;
        const pretty = (size: number) => JSON.stringify(compact(n + size - 10240), null, 4);
        expect(pretty(10240).length).to.be.above(10240);
        expect(check(rolePolicy, { role: "gw-role", policy: pretty(10240) }).failures).to.deep.equal([]);
        expect(check(rolePolicy, { role: "gw-role", policy: pretty(10241) }).failures.map((f) => f.reason)).to.deep.equal([
            "iam: policy is 10241 characters; at most 10240 are allowed; LimitExceeded (PutRolePolicy)",
        ]);
    });
});


describe("sandbox rules: an instance refresh that would leave no gateway in service", () => {
    const asg = "aws:autoscaling/group:Group";
    const group = (desired: number, preferences: Record<string, unknown>) => ({
        ...validInputs[asg][0], minSize: desired, desiredCapacity: desired, maxSize: Math.max(desired, 2), instanceRefresh: { strategy: "Rolling", preferences },
    });
    const refusal = (inputs: Record<string, unknown>) => check(asg, inputs).failures.filter((f) => f.reason.includes("in service"));

    it("refuses a pilot light of one refreshed with 50 % kept healthy (terminate before launch), naming the group size and the way out", () => {
        expect(refusal(group(1, { minHealthyPercentage: 50 }))).to.deep.equal([{
            property: "instanceRefresh.preferences",
            reason: "autoscaling: instanceRefresh would leave 0 of 1 instance(s) in service: with minHealthyPercentage 50 and maxHealthyPercentage 100 Auto Scaling terminates before it launches; give maxHealthyPercentage room above 100 (e.g. 200 with minHealthyPercentage 100) (StartInstanceRefresh)",
        }]);
    });

    it("refuses 100 % kept healthy without room above 100 % too: one at a time still terminates first", () => {
        expect(refusal(group(1, { minHealthyPercentage: 100, maxHealthyPercentage: 100 }))).to.have.length(1);
    });

    it("accepts launch before terminate (100 % / 200 %) for a group of one, and 50 % for a group of two (one stays)", () => {
        expect(check(asg, group(1, { minHealthyPercentage: 100, maxHealthyPercentage: 200 })).failures).to.deep.equal([]);
        expect(check(asg, group(2, { minHealthyPercentage: 50 })).failures).to.deep.equal([]);
    });

    it("leaves a group of 0 (drained, pilot light 0) and a group without a refresh alone", () => {
        expect(refusal(group(0, { minHealthyPercentage: 0 }))).to.deep.equal([]);
        expect(refusal({ ...group(1, {}), instanceRefresh: undefined })).to.deep.equal([]);
    });

    it("judges the desired capacity when it is given, the minimum only in its place, and neither when not known yet", () => {
        // desired 1 of at most 2: no room above 100 %, so AWS's defaults leave 0 in service.
        expect(refusal({ ...group(1, {}), minSize: 0 })).to.have.length(1);
        expect(refusal({ ...group(1, {}), desiredCapacity: undefined })).to.have.length(1);
        expect(refusal({ ...group(1, {}), minSize: unknownValue, desiredCapacity: unknownValue })).to.deep.equal([]);
    });

    it("counts the fewest in service of a group of 0 as 0, and keeps minHealthyPercentage of desired when there is room to launch first", () => {
        expect(lowestInServiceDuringRefresh(0, {})).to.equal(0);
        expect(lowestInServiceDuringRefresh(10, { minHealthyPercentage: 50, maxHealthyPercentage: 200 })).to.equal(5);
        expect(lowestInServiceDuringRefresh(3, { minHealthyPercentage: 50, maxHealthyPercentage: 200 })).to.equal(2);
    });
});

describe("sandbox rules: a warm pool as PutWarmPool accepts it", () => {
    const asg = "aws:autoscaling/group:Group";
    const warm = validInputs[asg][2];
    const withPool = (pool: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...warm, warmPool: { ...(warm.warmPool as object), ...pool }, ...extra });

    it("accepts the gateway's pool: Stopped, a minimum of 1, reuse on scale-in", () => {
        expect(check(asg, warm).failures).to.deep.equal([]);
    });

    it("refuses a negative MinSize, a MaxGroupPreparedCapacity below -1 and an unknown pool state, naming each", () => {
        expect(check(asg, withPool({ minSize: -1 })).failures.map((f) => f.property)).to.deep.equal(["warmPool.minSize"]);
        expect(check(asg, withPool({ maxGroupPreparedCapacity: -2 })).failures.map((f) => f.property)).to.deep.equal(["warmPool.maxGroupPreparedCapacity"]);
        expect(check(asg, withPool({ poolState: "Warm" })).failures).to.deep.equal([{ property: "warmPool.poolState", reason: `autoscaling: warmPool.poolState "Warm" is not one of Stopped, Running, Hibernated (PutWarmPool)` }]);
    });

    it("accepts -1 as MaxGroupPreparedCapacity (AWS's way to remove a value set before)", () => {
        expect(check(asg, withPool({ maxGroupPreparedCapacity: -1 })).failures).to.deep.equal([]);
    });

    it("refuses a warm pool on a group with a mixed instances policy, as PutWarmPool does", () => {
        const mixed = withPool({}, { launchTemplate: undefined, mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1" } } } });
        expect(check(asg, mixed).failures).to.deep.equal([{ property: "warmPool", reason: "autoscaling: warmPool is not allowed on a group with a mixed instances policy (PutWarmPool)" }]);
        expect(check(asg, { ...mixed, warmPool: undefined }).failures).to.deep.equal([]);
    });
});

describe("sandbox rules: lifecycle hooks created with the group, as AWS accepts them", () => {
    const asg = "aws:autoscaling/group:Group";
    const warm = validInputs[asg][2];
    const withHook = (hook: Record<string, unknown>) => ({ ...warm, initialLifecycleHooks: [{ ...(warm.initialLifecycleHooks as object[])[0], ...hook }] });
    const refused = (hook: Record<string, unknown>) => check(asg, withHook(hook)).failures;

    it("accepts the gateways' launch hook (ABANDON after 600 s) and AWS's bounds 30 and 7200", () => {
        expect(check(asg, warm).failures).to.deep.equal([]);
        expect(refused({ heartbeatTimeout: 30 })).to.deep.equal([]);
        expect(refused({ heartbeatTimeout: 7200, defaultResult: "CONTINUE", lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING" })).to.deep.equal([]);
    });

    it("refuses a heartbeat outside 30–7200 s, naming the hook's index", () => {
        expect(refused({ heartbeatTimeout: 29 })).to.deep.equal([
            { property: "initialLifecycleHooks[0].heartbeatTimeout", reason: "autoscaling: initialLifecycleHooks[0].heartbeatTimeout 29 is out of range; it must be an integer 30–7200 (CreateAutoScalingGroup)" },
        ]);
        expect(refused({ heartbeatTimeout: 7201 }).map((f) => f.property)).to.deep.equal(["initialLifecycleHooks[0].heartbeatTimeout"]);
    });

    it("refuses a transition or default result AWS does not know", () => {
        expect(refused({ lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHED" }).map((f) => f.property)).to.deep.equal(["initialLifecycleHooks[0].lifecycleTransition"]);
        expect(refused({ defaultResult: "RETRY" })).to.deep.equal([
            { property: "initialLifecycleHooks[0].defaultResult", reason: `autoscaling: initialLifecycleHooks[0].defaultResult "RETRY" is not one of CONTINUE, ABANDON (CreateAutoScalingGroup)` },
        ]);
    });

    it("refuses a hook without a name or a transition, and a name outside AWS's pattern", () => {
        expect(refused({ name: undefined }).map((f) => f.property)).to.include("initialLifecycleHooks[0].name");
        expect(refused({ lifecycleTransition: undefined }).map((f) => f.property)).to.deep.equal(["initialLifecycleHooks[0].lifecycleTransition"]);
        expect(refused({ name: "gateway boot" }).map((f) => f.property)).to.deep.equal(["initialLifecycleHooks[0].name"]);
    });
});

describe("sandbox rules: KMS alias ARNs in IAM statements", () => {
    const rolePolicy = "aws:iam/rolePolicy:RolePolicy";
    const withStatement = (statement: Record<string, unknown>) => ({ role: "gw-role", policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) });

    it("refuses an alias ARN as the Resource of kms:Decrypt and kms:GenerateDataKey, naming the alias", () => {
        expect(check(rolePolicy, { role: "gw-role", policy: aliasPolicy }).failures).to.deep.equal([{
            property: "policy",
            reason: `iam: policy: Statement[0] names the KMS alias ARN ${aliasArn} as the Resource of a key action; IAM matches key ARNs only, so it grants nothing — name the key's ARN (sandbox: IAM accepts it) (PutRolePolicy)`,
        }]);
    });

    it("refuses it beside a key ARN, under kms:* and under a Deny too (a Deny on an alias denies nothing)", () => {
        for (const statement of [
            { Effect: "Allow", Action: "kms:Decrypt", Resource: [kmsArn, aliasArn] },
            { Effect: "Allow", Action: "kms:*", Resource: aliasArn },
            { Effect: "Deny", Action: "KMS:Decrypt", Resource: aliasArn },
        ]) {
            expect(check(rolePolicy, withStatement(statement)).failures, JSON.stringify(statement)).to.have.length(1);
        }
    });

    it("refuses it under the action *, a statement given alone (not in a list), and a KMS action listed after another service's", () => {
        const refusal = `iam: policy: Statement[0] names the KMS alias ARN ${aliasArn} as the Resource of a key action; IAM matches key ARNs only, so it grants nothing — name the key's ARN (sandbox: IAM accepts it) (PutRolePolicy)`;
        for (const policy of [
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: aliasArn }] },
            { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "kms:Decrypt", Resource: aliasArn } },
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "kms:Decrypt"], Resource: aliasArn }] },
            { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: [7, "kms:Decrypt"], Resource: aliasArn }] },
        ]) {
            expect(check(rolePolicy, { role: "gw-role", policy: JSON.stringify(policy) }).failures.map((f) => f.reason), JSON.stringify(policy)).to.deep.equal([refusal]);
        }
    });

    it("leaves an Action that is neither text nor a list to the grammar's refusal", () => {
        expect(check(rolePolicy, withStatement({ Effect: "Allow", Action: 5, Resource: aliasArn })).failures.map((f) => f.reason)).to.deep.equal([
            "iam: policy: Statement[0] has no Action (or NotAction); MalformedPolicyDocument (PutRolePolicy)",
        ]);
    });

    it("accepts key ARNs, alias ARNs of the alias actions or of another service's actions, and alias-looking text outside KMS actions", () => {
        for (const statement of [
            { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kmsArn },
            { Effect: "Allow", Action: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"], Resource: [aliasArn, kmsArn] },
            { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/alias/x" },
            { Effect: "Allow", Action: "s3:GetObject", Resource: aliasArn },
        ]) {
            expect(check(rolePolicy, withStatement(statement)).failures, JSON.stringify(statement)).to.deep.equal([]);
        }
    });
});
