import { expect } from "chai";
import { checkResource, rulesOf } from "../../sandbox/rules";
import { unknownValue } from "../../sandbox/values";
import { account, setAt, validInputs } from "../support/sandbox-valid-inputs";

// The hand-written sandbox rules that check several things, each thing by its behaviour: an input
// just inside it accepted, and one breaking it refused naming the property, in AWS's words (the
// fragment below, written from AWS's documentation) and the operation. `sandbox-rules.test.ts`
// derives one breaking input per rule; a rule with five reserved suffixes needs five.

/** One case: a valid input of the type, changed at some paths; accepted, or refused at a property with these words. */
type Case = readonly [what: string, type: string, base: number, patch: Readonly<Record<string, unknown>>, expected: "accepted" | readonly [property: string, words: string, op: string]];

const bucket = "aws:s3/bucket:Bucket";
const replication = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const lifecycle = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const routeTable = "aws:ec2/routeTable:RouteTable";
const route = "aws:ec2/route:Route";
const vpc = "aws:ec2/vpc:Vpc";
const subnet = "aws:ec2/subnet:Subnet";
const ingress = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const launchTemplate = "aws:ec2/launchTemplate:LaunchTemplate";
const endpoint = "aws:ec2/vpcEndpoint:VpcEndpoint";
const natGateway = "aws:ec2/natGateway:NatGateway";
const subscription = "aws:sns/topicSubscription:TopicSubscription";
const topic = "aws:sns/topic:Topic";
const alarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
const lb = "aws:lb/loadBalancer:LoadBalancer";
const tg = "aws:lb/targetGroup:TargetGroup";
const listener = "aws:lb/listener:Listener";
const sse = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const parameter = "aws:ssm/parameter:Parameter";
const group = "aws:autoscaling/group:Group";
const logGroup = "aws:cloudwatch/logGroup:LogGroup";
const healthCheck = "aws:route53/healthCheck:HealthCheck";
const record = "aws:route53/record:Record";
const secret = "aws:secretsmanager/secret:Secret";
const secretVersion = "aws:secretsmanager/secretVersion:SecretVersion";
const flowLog = "aws:ec2/flowLog:FlowLog";
const object = "aws:s3/bucketObjectv2:BucketObjectv2";

/** The length of a parameter's ARN before its name in `region` ("arn:aws:ssm:<region>:<account>:parameter"). */
const ssmArnBefore = (region: string): number => `arn:aws:ssm:${region}:${account}:parameter`.length;

const replicationRule = (over: Record<string, unknown>) => [{ ...(validInputs[replication][0].rules as Record<string, unknown>[])[0], ...over }];

const cases: readonly Case[] = [
    // S3's bucket naming rules, one by one.
    ["a bucket name with letters, digits, dots and hyphens", bucket, 0, { bucket: "a.b-c1" }, "accepted"],
    ["a bucket name that only contains a reserved prefix or suffix", bucket, 0, { bucket: "my-xn--s3alias-bucket" }, "accepted"],
    ["a bucket name like an IP address but one letter", bucket, 0, { bucket: "10.0.0.1a" }, "accepted"],
    ["a bucket name with two adjacent dots", bucket, 0, { bucket: "my..bucket" }, ["bucket", "must not hold two adjacent dots", "CreateBucket"]],
    ["a bucket name formatted as an IP address", bucket, 0, { bucket: "192.168.10.1" }, ["bucket", "must not be formatted as an IP address", "CreateBucket"]],
    ...["xn--", "sthree-", "amzn-s3-demo-"].map((prefix): Case => [`a bucket name starting with ${prefix}`, bucket, 0, { bucket: `${prefix}bucket` }, ["bucket", `must not start with the reserved prefix "${prefix}"`, "CreateBucket"]]),
    ...["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].map((suffix): Case => [`a bucket name ending with ${suffix}`, bucket, 0, { bucket: `bucket${suffix}` }, ["bucket", `must not end with the reserved suffix "${suffix}"`, "CreateBucket"]]),
    ...["-bucket", "bucket-", "Bucket", "x!bucket"].map((name): Case => [`the bucket name ${name}`, bucket, 0, { bucket: name }, ["bucket", "must hold only lower-case letters, digits, dots and hyphens, and start and end with a letter or digit", "CreateBucket"]]),
    // Replication: priorities, the two schemas, Replication Time Control and SSE-KMS objects.
    ["two replication rules with their own priorities", replication, 0, { rules: [...replicationRule({}), ...replicationRule({ id: "second", priority: 2 })] }, "accepted"],
    ["two replication rules with one priority", replication, 0, { rules: [...replicationRule({}), ...replicationRule({ id: "second" })] }, ["rules[1].priority", "rules[1].priority 1 is also rules[0]'s", "PutBucketReplication"]],
    ["a V2 rule (filter) without deleteMarkerReplication", replication, 0, { rules: replicationRule({ deleteMarkerReplication: undefined }) }, ["rules[0].deleteMarkerReplication", "a rule with a filter (the V2 schema) must set deleteMarkerReplication", "PutBucketReplication"]],
    ["a V1 rule (prefix) with deleteMarkerReplication", replication, 0, { rules: replicationRule({ filter: undefined, prefix: "data/" }) }, ["rules[0].deleteMarkerReplication", "deleteMarkerReplication needs a filter, not the V1 prefix", "PutBucketReplication"]],
    ["a V1 rule (prefix) without deleteMarkerReplication", replication, 0, { rules: replicationRule({ filter: undefined, prefix: "data/", deleteMarkerReplication: undefined }) }, "accepted"],
    ["replication time control without metrics", replication, 0, { "rules[].destination.metrics": undefined }, ["rules[0].destination.metrics", "replication time control needs destination.metrics enabled", "PutBucketReplication"]],
    ["replication time control with metrics disabled", replication, 0, { "rules[].destination.metrics": { status: "Disabled", eventThreshold: { minutes: 15 } } }, ["rules[0].destination.metrics", "replication time control needs destination.metrics enabled", "PutBucketReplication"]],
    ["metrics off without replication time control", replication, 0, { "rules[].destination.metrics": undefined, "rules[].destination.replicationTime": { status: "Disabled", time: { minutes: 15 } } }, "accepted"],
    ["SSE-KMS objects replicated without a replica key", replication, 0, { "rules[].destination.encryptionConfiguration": undefined }, ["rules[0].destination.encryptionConfiguration", "replicating SSE-KMS objects needs destination.encryptionConfiguration.replicaKmsKeyId", "PutBucketReplication"]],
    ["no replica key when SSE-KMS objects are not replicated", replication, 0, { "rules[].destination.encryptionConfiguration": undefined, "rules[].sourceSelectionCriteria.sseKmsEncryptedObjects": { status: "Disabled" } }, "accepted"],
    // Lifecycle rules: an action each; the delete-marker expiration alone.
    ["a lifecycle rule whose only action is a transition", lifecycle, 0, { rules: [{ id: "t", status: "Enabled", filter: {}, transitions: [{ days: 30, storageClass: "GLACIER" }] }] }, "accepted"],
    ["a lifecycle rule whose only action is an empty list", lifecycle, 0, { rules: [{ id: "t", status: "Enabled", filter: {}, transitions: [] }] }, ["rules[0]", "rules[0] has no action", "PutBucketLifecycleConfiguration"]],
    ["expiredObjectDeleteMarker beside a date", lifecycle, 0, { rules: [{ id: "m", status: "Enabled", filter: {}, expiration: { date: "2027-01-01T00:00:00Z", expiredObjectDeleteMarker: true } }] }, ["rules[0].expiration", "expiredObjectDeleteMarker cannot be specified", "PutBucketLifecycleConfiguration"]],
    // Server-side encryption: a KMS key only with a KMS algorithm.
    ["a KMS key with aws:kms:dsse", sse, 0, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse", kmsMasterKeyId: `arn:aws:kms:us-east-1:${account}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b` } }] }, "accepted"],
    ["a second rule's KMS key with AES256", sse, 0, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }, { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256", kmsMasterKeyId: `arn:aws:kms:us-east-1:${account}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b` } }] }, ["rules[1].applyServerSideEncryptionByDefault.kmsMasterKeyId", "is only allowed with sseAlgorithm aws:kms or aws:kms:dsse", "PutBucketEncryption"]],
    // Routes: one destination, one target, a network address.
    ["an IPv6 route through an egress-only gateway", routeTable, 0, { routes: [{ ipv6CidrBlock: "::/0", egressOnlyGatewayId: "eigw-1" }] }, "accepted"],
    ["a route with two destinations", routeTable, 0, { routes: [{ cidrBlock: "0.0.0.0/0", ipv6CidrBlock: "::/0", gatewayId: "igw-1" }] }, ["routes[0]", "routes[0]: a route needs exactly one destination", "CreateRoute"]],
    ["a route with no target", routeTable, 0, { routes: [{ cidrBlock: "0.0.0.0/0" }] }, ["routes[0]", "routes[0]: a route needs exactly one target", "CreateRoute"]],
    ["a route to a host address", routeTable, 0, { routes: [{ cidrBlock: "10.0.0.1/16", gatewayId: "igw-1" }] }, ["routes[0]", 'routes[0]: cidrBlock "10.0.0.1/16" is not an IPv4 network address', "CreateRoute"]],
    ["a second route with no destination", routeTable, 0, { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }, { natGatewayId: "nat-1" }] }, ["routes[1]", "routes[1]: a route needs exactly one destination", "CreateRoute"]],
    ["a route resource with no destination", route, 0, { destinationCidrBlock: undefined }, ["destinationCidrBlock", "a route needs exactly one destination (destinationCidrBlock, destinationIpv6CidrBlock, destinationPrefixListId), got 0", "CreateRoute"]],
    ["a route resource with two targets", route, 0, { gatewayId: "igw-1" }, ["gatewayId", "a route needs exactly one target", "CreateRoute"]],
    ["a route resource to a host address", route, 0, { destinationCidrBlock: "10.0.0.1/8" }, ["destinationCidrBlock", 'destinationCidrBlock "10.0.0.1/8" is not an IPv4 network address', "CreateRoute"]],
    ["a route resource to a prefix list", route, 0, { destinationCidrBlock: undefined, destinationPrefixListId: "pl-1234" }, "accepted"],
    // IPv4 CIDRs: exactly four octets of 0–255, a prefix of at most 32, host bits zero.
    ...["x10.0.0.0/16", "10.0.0.0/16x", "256.0.0.0/16", "10.0.0.256/16", "10.0.0.0/33", "10.0.0/16", "10.0.0.0.0/16", "1000.0.0.0/16", "10.0.0.0/016"].map((cidr): Case =>
        [`the VPC block ${cidr}`, vpc, 0, { cidrBlock: cidr }, ["cidrBlock", "is not an IPv4 network address in CIDR notation (host bits zero)", "CreateVpc"]]),
    ["a VPC block whose last octet is 255 ending a /28 network", vpc, 0, { cidrBlock: "10.0.255.240/28" }, "accepted"],
    ["a VPC block with host bits set", vpc, 0, { cidrBlock: "10.0.0.16/16" }, ["cidrBlock", "is not an IPv4 network address in CIDR notation (host bits zero)", "CreateVpc"]],
    // IPv6 CIDRs: hex groups with at most one "::", a prefix of at most 128.
    ...["2600:1f18::/128", "::/0", "2600:1f18:0:0:0:0:0:1/128"].map((cidr): Case => [`the IPv6 peer ${cidr}`, ingress, 1, { cidrIpv6: cidr }, "accepted"]),
    ...["2600:1f18::/129", "2600::1f18::/64", "x2600::/64", "2600::/64x", "10.0.0.0/8", "2600::"].map((cidr): Case => [`the IPv6 peer ${cidr}`, ingress, 1, { cidrIpv6: cidr }, ["cidrIpv6", "is not an IPv6 CIDR", "AuthorizeSecurityGroupIngress"]]),
    // Subnets: an IPv4 block, an IPv6 block, or a pool.
    ["a subnet with an IPv4 block only", subnet, 0, { ipv6CidrBlock: undefined }, "accepted"],
    ["a subnet with an IPv6 block only", subnet, 0, { cidrBlock: undefined }, "accepted"],
    ["a subnet from an IPv6 pool", subnet, 0, { cidrBlock: undefined, ipv6CidrBlock: undefined, ipv6IpamPoolId: "ipam-pool-1" }, "accepted"],
    ["a subnet from an IPv4 pool", subnet, 0, { cidrBlock: undefined, ipv6CidrBlock: undefined, ipv4IpamPoolId: "ipam-pool-1" }, "accepted"],
    ["a subnet with no block", subnet, 0, { cidrBlock: undefined, ipv6CidrBlock: undefined }, ["cidrBlock", "cidrBlock or ipv6CidrBlock is required", "CreateSubnet"]],
    // Security group rules: protocols and ports.
    ...["x6", "6x", "2555", "tcpx"].map((p): Case => [`the protocol ${p}`, ingress, 1, { ipProtocol: p }, ["ipProtocol", "is not tcp, udp, icmp, icmpv6, -1 or a protocol number 0–255", "AuthorizeSecurityGroupIngress"]]),
    ["all traffic with ports given (ignored)", ingress, 1, { ipProtocol: "-1", fromPort: 9, toPort: 1 }, "accepted"],
    ["ICMP with type and code (not ports)", ingress, 1, { ipProtocol: "icmp", fromPort: -1, toPort: -1 }, "accepted"],
    ["udp without a to-port", ingress, 0, { ipProtocol: "udp", toPort: undefined }, ["toPort", "toPort is required with ipProtocol udp", "AuthorizeSecurityGroupIngress"]],
    ["protocol 17 (udp) without a from-port", ingress, 0, { ipProtocol: "17", fromPort: undefined }, ["fromPort", "fromPort is required with ipProtocol 17", "AuthorizeSecurityGroupIngress"]],
    ["protocol 6 (tcp) with from above to", ingress, 0, { ipProtocol: "6", fromPort: 2022, toPort: 22 }, ["fromPort", "fromPort 2022 is above toPort 22", "AuthorizeSecurityGroupIngress"]],
    ["a port that is not whole", ingress, 0, { toPort: 22.5 }, ["toPort", "toPort 22.5 is out of range 0–65535", "AuthorizeSecurityGroupIngress"]],
    ["TCP with one port", ingress, 0, { fromPort: 22, toPort: 22 }, "accepted"],
    // Launch templates: user data, EBS sizes by type, security groups in one place.
    ["user data of four base64 characters", launchTemplate, 0, { userData: "YWJj" }, "accepted"],
    ...["YWJ", "!!!!YWJj", "YWJj!!!!", "YW=j"].map((data): Case => [`the user data ${data}`, launchTemplate, 0, { userData: data }, ["userData", "userData is not base64", "CreateLaunchTemplate"]]),
    ["a gp2 volume (the default type) too large", launchTemplate, 0, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 16385 } }] }, ["blockDeviceMappings[0].ebs.volumeSize", "volumeSize 16385 GiB is outside 1–16384 for gp2", "CreateLaunchTemplate"]],
    ["an io1 volume too small, second in the list", launchTemplate, 0, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 8, volumeType: "gp3" } }, { deviceName: "/dev/xvdb", ebs: { volumeSize: 3, volumeType: "io1" } }] }, ["blockDeviceMappings[1].ebs.volumeSize", "volumeSize 3 GiB is outside 4–16384 for io1", "CreateLaunchTemplate"]],
    ["a device mapping without a volume", launchTemplate, 0, { blockDeviceMappings: [{ deviceName: "/dev/sdb", virtualName: "ephemeral0" }] }, "accepted"],
    ["instance security groups with interfaces that carry none", launchTemplate, 0, { networkInterfaces: [{ associatePublicIpAddress: "false", securityGroups: [] }], vpcSecurityGroupIds: ["sg-1"] }, "accepted"],
    ["security group names with interfaces that carry groups", launchTemplate, 0, { securityGroupNames: ["gw"] }, ["vpcSecurityGroupIds", "vpcSecurityGroupIds cannot be given with networkInterfaces that carry securityGroups", "CreateLaunchTemplate"]],
    // VPC endpoints: the policy is a JSON object.
    ...["[1]", "\"text\"", "null", "3"].map((policy): Case => [`the endpoint policy ${policy}`, endpoint, 0, { policy }, ["policy", "policy must be a JSON object, an IAM policy document", "CreateVpcEndpoint"]]),
    ["a gateway endpoint with subnets", endpoint, 0, { subnetIds: ["subnet-1"] }, ["subnetIds", "subnetIds is not allowed on a Gateway endpoint", "CreateVpcEndpoint"]],
    // NAT gateways: public needs an allocation unless it is regional or has secondary ones.
    ["a public NAT gateway without an allocation", natGateway, 0, { allocationId: undefined }, ["allocationId", "allocationId is required", "CreateNatGateway"]],
    ["a NAT gateway (public by default) without an allocation", natGateway, 0, { allocationId: undefined, connectivityType: undefined }, ["allocationId", "allocationId is required", "CreateNatGateway"]],
    ["a public NAT gateway with secondary allocations", natGateway, 0, { allocationId: undefined, secondaryAllocationIds: ["eipalloc-2"] }, "accepted"],
    ["a regional NAT gateway without subnet or allocation", natGateway, 0, { allocationId: undefined, subnetId: undefined, availabilityMode: "regional" }, "accepted"],
    ["a zonal NAT gateway without a subnet", natGateway, 1, { subnetId: undefined }, ["subnetId", "subnetId is required", "CreateNatGateway"]],
    // SNS: each protocol's endpoint form; FIFO names.
    ...([
        ["http", "http://hooks.example.com/a", "https://hooks.example.com/a"],
        ["https", "https://hooks.example.com/a", "http://hooks.example.com/a"],
        ["email", "oncall@example.com", "on call@example.com"],
        ["email-json", "oncall@example.com", "oncall.example.com"],
        ["sms", "+15555550100", "555-0100"],
        ["sqs", `arn:aws:sqs:us-east-2:${account}:q`, `arn:aws:sns:us-east-2:${account}:q`],
        ["application", `arn:aws:sns:us-east-2:${account}:endpoint/GCM/app/1`, `arn:aws:sns:us-east-2:${account}:app/GCM/app`],
        ["lambda", `arn:aws:lambda:us-east-2:${account}:function:f`, `arn:aws:lambda:us-east-2:${account}:layer:f`],
    ] as const).flatMap(([protocol, ok, bad]): Case[] => [
        [`an ${protocol} endpoint in its form`, subscription, 0, { protocol, endpoint: ok }, "accepted"],
        [`an ${protocol} endpoint not in its form`, subscription, 0, { protocol, endpoint: bad }, ["endpoint", `endpoint must be ${protocol === "sqs" ? "the ARN of an SQS queue" : ""}`, "Subscribe"]],
    ]),
    ["a firehose subscription with its role", subscription, 0, { protocol: "firehose", endpoint: `arn:aws:firehose:us-east-2:${account}:deliverystream/s`, subscriptionRoleArn: `arn:aws:iam::${account}:role/r` }, "accepted"],
    ["a FIFO topic whose name lacks .fifo", topic, 0, { fifoTopic: true, name: "orders" }, ["name", 'a FIFO topic\'s name must end in ".fifo"', "CreateTopic"]],
    ["a FIFO topic set by the string \"true\"", topic, 0, { fifoTopic: "true", name: "orders" }, ["name", 'a FIFO topic\'s name must end in ".fifo"', "CreateTopic"]],
    ["a standard topic named like a FIFO one", topic, 0, { name: "orders.fifo" }, ["name", "topic names are 1–256 letters, digits, hyphens or underscores", "CreateTopic"]],
    ["a FIFO topic with a dot before .fifo", topic, 0, { fifoTopic: true, name: "or.ders.fifo" }, ["name", 'topic names are 1–256 letters, digits, hyphens or underscores before ".fifo"', "CreateTopic"]],
    // Elastic Load Balancing: what a load balancer's type allows, and its listeners and target groups.
    ["dualstack-without-public-ipv4 on an application load balancer (the default type)", lb, 1, { loadBalancerType: undefined, ipAddressType: "dualstack-without-public-ipv4" }, "accepted"],
    ["dualstack-without-public-ipv4 on a network load balancer", lb, 0, { ipAddressType: "dualstack-without-public-ipv4" }, ["ipAddressType", 'ipAddressType "dualstack-without-public-ipv4" is only for application load balancers', "CreateLoadBalancer"]],
    ["an application load balancer (the default type) in one subnet", lb, 0, { loadBalancerType: undefined, securityGroups: undefined, subnets: ["subnet-1"] }, ["subnets", "an application load balancer needs subnets in at least two Availability Zones", "CreateLoadBalancer"]],
    ["an application load balancer in two subnets", lb, 0, { loadBalancerType: "application", subnets: ["subnet-1", "subnet-2"], ipAddressType: "ipv4" }, "accepted"],
    ["a health check port that is not a number", tg, 0, { "healthCheck.port": "80a" }, ["healthCheck.port", '"traffic-port" or a port number', "CreateTargetGroup"]],
    ["a health check port with a leading letter", tg, 0, { "healthCheck.port": "a80" }, ["healthCheck.port", '"traffic-port" or a port number', "CreateTargetGroup"]],
    ["a health check timeout without an interval", tg, 0, { "healthCheck.interval": undefined, "healthCheck.timeout": 100 }, "accepted"],
    ["a health check interval without a timeout", tg, 0, { "healthCheck.timeout": undefined, "healthCheck.interval": 5 }, "accepted"],
    ...["200, 201", "200-299,404"].map((matcher): Case => [`the matcher "${matcher}"`, tg, 1, { "healthCheck.matcher": matcher }, "accepted"]),
    ...["2000", "x200", "200-", "299-200", "20", "200,"].map((matcher): Case => [`the matcher "${matcher}"`, tg, 1, { "healthCheck.matcher": matcher }, ["healthCheck.matcher", `healthCheck.matcher "${matcher}" must be HTTP codes 200–599 (a code, a list or a range) for a network load balancer's target group`, "CreateTargetGroup"]]),
    ["an application target group's matcher of 500", tg, 2, { "healthCheck.matcher": "500" }, ["healthCheck.matcher", `healthCheck.matcher "500" must be HTTP codes 200–499 (a code, a list or a range) for an application load balancer's target group`, "CreateTargetGroup"]],
    ["an HTTPS listener without a certificate", listener, 0, { protocol: "HTTPS", loadBalancerArn: "arn:lb" }, ["certificateArn", "certificateArn is required for a HTTPS listener", "CreateListener"]],
    ["a TCP listener without a certificate", listener, 0, {}, "accepted"],
    ["an HTTP listener on a network load balancer", listener, 0, { protocol: "HTTP" }, ["protocol", 'protocol "HTTP" is not one of TCP, TLS, UDP, TCP_UDP, QUIC, TCP_QUIC, the protocols of a Network Load Balancer\'s listeners', "CreateListener"]],
    ["a TCP listener on an application load balancer", listener, 0, { loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/web/0123456789abcdef` }, ["protocol", 'protocol "TCP" is not one of HTTP, HTTPS, the protocols of an Application Load Balancer\'s listeners', "CreateListener"]],
    ["a TCP listener on a gateway load balancer", listener, 0, { loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/gwy/gw/0123456789abcdef` }, ["protocol", 'protocol "TCP" is not one of GENEVE, the protocols of a Gateway Load Balancer\'s listeners', "CreateListener"]],
    ["an HTTP listener on an application load balancer", listener, 0, { protocol: "HTTP", loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/web/0123456789abcdef` }, "accepted"],
    ["a GENEVE listener on a gateway load balancer", listener, 0, { protocol: "GENEVE", loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/gwy/gw/0123456789abcdef` }, "accepted"],
    ["an ARN that names no load balancer type", listener, 0, { protocol: "HTTP", loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:listener/x` }, "accepted"],
    ["a network load balancer's listener that redirects, second", listener, 0, { defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }, { type: "redirect", redirect: { statusCode: "HTTP_301" } }] }, ["defaultActions[1].type", "defaultActions[1].type \"redirect\": a Network Load Balancer's listener can only forward", "CreateListener"]],
    ["an application load balancer's listener that redirects", listener, 0, { protocol: "HTTP", loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/web/0123456789abcdef`, defaultActions: [{ type: "redirect", redirect: { statusCode: "HTTP_301" } }] }, "accepted"],
    ["a forward action with a target group and a forward block", listener, 0, { defaultActions: [{ type: "forward", targetGroupArn: "arn:tg", forward: { targetGroups: [{ arn: "arn:tg" }] } }] }, ["defaultActions[0]", "defaultActions[0]: a forward action needs exactly one of targetGroupArn, forward", "CreateListener"]],
    ["a second forward action with neither", listener, 0, { defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }, { type: "forward", targetGroupArn: null }] }, ["defaultActions[1]", "defaultActions[1]: a forward action needs exactly one of targetGroupArn, forward", "CreateListener"]],
    // SSM parameters: a name's characters, hierarchy, levels, reserved prefixes and length with its ARN; a tier's size, named with its article.
    ["a parameter without a name (pulumi-aws names it)", parameter, 0, { name: undefined }, "accepted"],
    ["a parameter name with a space", parameter, 0, { name: "my param" }, ["name", 'name "my param" may hold only letters, digits and _.-/', "PutParameter"]],
    ["a parameter name that is not a hierarchy, without a leading /", parameter, 0, { name: "plain-name" }, "accepted"],
    ["a hierarchy without its leading /", parameter, 0, { name: "app/db" }, ["name", 'name "app/db" is a hierarchy, so it must be fully qualified, starting with /', "PutParameter"]],
    ["a hierarchy of 16 levels", parameter, 0, { name: `/${Array.from({ length: 16 }, (_, k) => `l${k}`).join("/")}` }, ["name", "has 16 levels; a hierarchy has at most 15", "PutParameter"]],
    ...["/aws/db", "/SSM/db", "awsconfig", "ssm"].map((name): Case => [`the parameter name ${name}`, parameter, 0, { name }, ["name", `name "${name}" must not begin with "aws" or "ssm" (reserved)`, "PutParameter"]]),
    ...["/my-aws/db", "/app/ssm"].map((name): Case => [`the parameter name ${name} (aws or ssm past the first level's start)`, parameter, 0, { name }, "accepted"]),
    // With its ARN (arn:aws:ssm:<region>:<account>:parameter, then the name after a "/") at most 1011 characters.
    ["a fully qualified name of 1011 characters with its ARN", parameter, 0, { name: `/${"p".repeat(1011 - ssmArnBefore("us-east-1") - 1)}` }, "accepted"],
    ["a plain name of 1011 characters with its ARN and the region left to the default", parameter, 1, { name: "p".repeat(1011 - ssmArnBefore("us-east-1") - 1) }, "accepted"],
    ["a plain name of 1012 characters with its ARN and the region left to the default", parameter, 1, { name: "p".repeat(1012 - ssmArnBefore("us-east-1") - 1) }, ["name", "is 967 characters; with the ARN before it a parameter name is at most 1011", "PutParameter"]],
    ["a name of 1011 characters with the ARN of a longer region", parameter, 0, { region: "ap-southeast-1", name: `/${"p".repeat(1011 - ssmArnBefore("ap-southeast-1") - 1)}` }, "accepted"],
    ["a name of 1012 characters with the ARN of a longer region", parameter, 0, { region: "ap-southeast-1", name: `/${"p".repeat(1012 - ssmArnBefore("ap-southeast-1") - 1)}` }, ["name", "is 963 characters; with the ARN before it a parameter name is at most 1011", "PutParameter"]],
    ["a Standard parameter's value (not insecureValue) over 4 KB", parameter, 0, { insecureValue: undefined, value: "v".repeat(4097) }, ["value", "value is 4097 bytes; a Standard parameter holds at most 4096", "PutParameter"]],
    ["a parameter without a tier (Standard) over 4 KB", parameter, 0, { tier: undefined, insecureValue: "v".repeat(4097) }, ["insecureValue", "insecureValue is 4097 bytes; a Standard parameter holds at most 4096", "PutParameter"]],
    ["an Intelligent-Tiering parameter's value over 8 KB", parameter, 0, { tier: "Intelligent-Tiering", insecureValue: "v".repeat(8193) }, ["insecureValue", "insecureValue is 8193 bytes; an Intelligent-Tiering parameter holds at most 8192", "PutParameter"]],
    ["a SecureString parameter whose insecureValue is null", parameter, 1, { insecureValue: null }, "accepted"],
    ["an Advanced parameter's value over 8 KB", "aws:ssm/parameter:Parameter", 0, { tier: "Advanced", insecureValue: "v".repeat(8193) }, ["insecureValue", "insecureValue is 8193 bytes; an Advanced parameter holds at most 8192", "PutParameter"]],
    ["a Standard parameter's value over 4 KB", "aws:ssm/parameter:Parameter", 0, { tier: "Standard", insecureValue: "v".repeat(4097) }, ["insecureValue", "insecureValue is 4097 bytes; a Standard parameter holds at most 4096", "PutParameter"]],
    // An Auto Scaling group's bounds: minSize ≤ desiredCapacity ≤ maxSize, each bound judged when known; the launch template's version.
    ["a group whose minSize equals its maxSize", group, 0, { minSize: 6, desiredCapacity: 6, maxSize: 6 }, "accepted"],
    ["a group whose minSize is above its maxSize", group, 0, { minSize: 7, desiredCapacity: 6, maxSize: 6 }, ["minSize", "minSize 7 is above maxSize 6", "CreateAutoScalingGroup"]],
    ["a desired capacity below minSize", group, 0, { desiredCapacity: 1 }, ["desiredCapacity", "desiredCapacity 1 must lie between minSize 2 and maxSize 6", "CreateAutoScalingGroup"]],
    ["a desired capacity above maxSize", group, 0, { desiredCapacity: 7 }, ["desiredCapacity", "desiredCapacity 7 must lie between minSize 2 and maxSize 6", "CreateAutoScalingGroup"]],
    ["a desired capacity above maxSize, minSize not known yet", group, 0, { minSize: unknownValue, desiredCapacity: 7 }, ["desiredCapacity", "desiredCapacity 7 must lie between minSize ? and maxSize 6", "CreateAutoScalingGroup"]],
    ["a desired capacity below minSize, maxSize not known yet", group, 0, { maxSize: unknownValue, desiredCapacity: 1 }, ["desiredCapacity", "desiredCapacity 1 must lie between minSize 2 and maxSize ?", "CreateAutoScalingGroup"]],
    ...["$Latest", "$Default", "12"].map((version): Case => [`the launch template version ${version}`, group, 0, { "launchTemplate.version": version }, "accepted"]),
    ...["0", "1x", "v1", "$latest"].map((version): Case => [`the launch template version ${version}`, group, 0, { "launchTemplate.version": version }, ["launchTemplate.version", `launchTemplate.version "${version}" is not $Latest, $Default or a version number`, "CreateAutoScalingGroup"]]),
    ["refresh preferences 110 points apart", group, 0, { "instanceRefresh.preferences": { minHealthyPercentage: 50, maxHealthyPercentage: 160 } }, ["instanceRefresh.preferences", "instanceRefresh.preferences: maxHealthyPercentage 160 and minHealthyPercentage 50 are 110 apart; at most 100", "StartInstanceRefresh"]],
    // Route 53 health checks: the type's words, SNI on HTTPS.
    ["a health check of type PING", healthCheck, 0, { type: "PING" }, ["type", 'type "PING" is not one of HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP, CALCULATED, CLOUDWATCH_METRIC, RECOVERY_CONTROL', "CreateHealthCheck"]],
    ["an HTTPS health check with SNI", healthCheck, 1, { type: "HTTPS", searchString: undefined }, "accepted"],
    // Route 53 record names: octal escapes count as one octet, the trailing dot not at all; no empty label.
    ["a label of 63 octets, one of them an octal escape", record, 0, { name: `\\052${"a".repeat(62)}.example.com` }, "accepted"],
    ["a label of 64 octets, one of them an octal escape", record, 0, { name: `\\052${"a".repeat(63)}.example.com` }, ["name", "has a label of 64 characters; labels are at most 63 (DomainLabelTooLong)", "ChangeResourceRecordSets"]],
    ["a name of 253 characters and its trailing dot", record, 0, { name: `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}.` }, "accepted"],
    ["a name with an empty label", record, 0, { name: "a..example.com" }, ["name", 'name "a..example.com" has an empty label (DomainLabelEmpty)', "ChangeResourceRecordSets"]],
    // Route 53 records: a CNAME alone holds one value; an empty list or false is no alias and no routing policy.
    ["an A record with two values", record, 1, { type: "A", records: ["192.0.2.1", "192.0.2.2"] }, "accepted"],
    ["a record with an empty list of aliases, a TTL and its values", record, 1, { aliases: [] }, "accepted"],
    ["an empty list of weighted policies beside a failover policy", record, 1, { weightedRoutingPolicies: [] }, "accepted"],
    ["multivalueAnswerRoutingPolicy false beside a failover policy", record, 1, { multivalueAnswerRoutingPolicy: false }, "accepted"],
    ["an empty failover policy list and no set identifier", record, 1, { failoverRoutingPolicies: [], setIdentifier: undefined }, "accepted"],
    ["multivalueAnswerRoutingPolicy false and no set identifier", record, 1, { failoverRoutingPolicies: undefined, setIdentifier: undefined, multivalueAnswerRoutingPolicy: false }, "accepted"],
    ["multivalueAnswerRoutingPolicy true without a set identifier", record, 1, { failoverRoutingPolicies: undefined, setIdentifier: undefined, multivalueAnswerRoutingPolicy: true }, ["setIdentifier", "a record with a routing policy needs a set identifier", "ChangeResourceRecordSets"]],
    ["multivalueAnswerRoutingPolicy true beside a failover policy", record, 1, { multivalueAnswerRoutingPolicy: true }, ["multivalueAnswerRoutingPolicy", "failoverRoutingPolicies and multivalueAnswerRoutingPolicy cannot be combined; a record set has one routing policy", "ChangeResourceRecordSets"]],
    ["weighted and failover policies together", record, 1, { weightedRoutingPolicies: [{ weight: 1 }] }, ["failoverRoutingPolicies", "weightedRoutingPolicies and failoverRoutingPolicies cannot be combined; a record set has one routing policy", "ChangeResourceRecordSets"]],
    // Secrets Manager: replicas each once, elsewhere; a value's size in bytes, binary counted decoded; version stages of 1–256.
    ["a secret replicated twice to one region", secret, 0, { replicas: [{ region: "us-west-2" }, { region: "us-west-2" }] }, ["replicas[1].region", "replicas[1].region us-west-2 is listed twice", "ReplicateSecretToRegions"]],
    ["a secret replicated to its own region", secret, 0, { replicas: [{ region: "us-east-1" }] }, ["replicas[0].region", "replicas[0].region us-east-1 is the secret's own region; a replica must live elsewhere", "ReplicateSecretToRegions"]],
    ["two replicas whose regions are not known yet", secret, 0, { replicas: [{ region: unknownValue }, { region: unknownValue }] }, "accepted"],
    ["a write-only secret string of 65,537 bytes", secretVersion, 1, { secretStringWo: "s".repeat(65537) }, ["secretStringWo", "secretStringWo is 65537 bytes; a secret value holds at most 65,536", "PutSecretValue"]],
    ["a binary secret of 65,536 bytes (87,384 characters of base64)", secretVersion, 0, { secretString: undefined, secretBinary: Buffer.alloc(65536, 7).toString("base64") }, "accepted"],
    ["a binary secret of 65,537 bytes", secretVersion, 0, { secretString: undefined, secretBinary: Buffer.alloc(65537, 7).toString("base64") }, ["secretBinary", "secretBinary is 65537 bytes; a secret value holds at most 65,536", "PutSecretValue"]],
    ["a version stage of one character", secretVersion, 0, { versionStages: ["A"] }, "accepted"],
    ["an empty version stage after a valid one", secretVersion, 0, { versionStages: ["AWSCURRENT", ""] }, ["versionStages", "versionStages labels are 1–256 characters", "PutSecretValue"]],
    // EC2 networks: IPv4 CIDRs parsed strictly (every octet 0–255, prefix 0–32), IPv6 blocks with a colon.
    ["a VPC block whose second octet has two digits", vpc, 0, { cidrBlock: "10.10.0.0/16" }, "accepted"],
    ["a VPC block of /32", vpc, 0, { cidrBlock: "10.0.0.0/32" }, ["cidrBlock", 'cidrBlock "10.0.0.0/32" is a /32; the block size must be /16 to /28', "CreateVpc"]],
    ["a VPC block of /33", vpc, 0, { cidrBlock: "10.0.0.0/33" }, ["cidrBlock", 'cidrBlock "10.0.0.0/33" is not an IPv4 network address in CIDR notation (host bits zero)', "CreateVpc"]],
    ["an IPv6 block without a colon", subnet, 0, { ipv6CidrBlock: "2600/64" }, ["ipv6CidrBlock", 'ipv6CidrBlock "2600/64" must be an IPv6 /64', "CreateSubnet"]],
    ["a route to something that is not a CIDR", route, 0, { destinationCidrBlock: "anywhere" }, ["destinationCidrBlock", 'destinationCidrBlock "anywhere" is not an IPv4 network address in CIDR notation', "CreateRoute"]],
    ["a route table whose route is not known yet", routeTable, 0, { routes: [unknownValue] }, "accepted"],
    ["a protocol number written 1e2", ingress, 0, { ipProtocol: "1e2", fromPort: undefined, toPort: undefined }, ["ipProtocol", "ipProtocol", "AuthorizeSecurityGroupIngress"]],
    ["a launch template's block device not known yet", launchTemplate, 0, { blockDeviceMappings: [unknownValue] }, "accepted"],
    // VPC endpoints: a Resource or ServiceNetwork endpoint names no service; without a type it is a Gateway endpoint.
    ["a Resource endpoint without a service name", endpoint, 1, { vpcEndpointType: "Resource", serviceName: undefined, resourceConfigurationArn: `arn:aws:vpc-lattice:us-east-1:${account}:resourceconfiguration/rcfg-1`, dnsOptions: undefined, privateDnsEnabled: undefined }, "accepted"],
    ["a ServiceNetwork endpoint without a service name", endpoint, 1, { vpcEndpointType: "ServiceNetwork", serviceName: undefined, serviceNetworkArn: `arn:aws:vpc-lattice:us-east-1:${account}:servicenetwork/sn-1`, dnsOptions: undefined, privateDnsEnabled: undefined }, "accepted"],
    ["an Interface endpoint without a service name", endpoint, 1, { serviceName: undefined }, ["serviceName", "serviceName", "CreateVpcEndpoint"]],
    ...["subnetIds", "securityGroupIds", "privateDnsEnabled", "dnsOptions"].map((field): Case => [`${field} on an endpoint of no type (a Gateway endpoint)`, endpoint, 1, { vpcEndpointType: undefined }, [field, `${field} is not allowed on a Gateway endpoint`, "CreateVpcEndpoint"]]),
    // Flow logs: a transit gateway's needs no traffic type; only CloudWatch Logs (the default) needs a role; 60 or 600 s.
    ["a transit gateway's flow log without a traffic type", flowLog, 0, { vpcId: undefined, transitGatewayId: "tgw-1", trafficType: undefined }, "accepted"],
    ["a VPC's flow log without a traffic type", flowLog, 0, { trafficType: undefined }, ["trafficType", "trafficType", "CreateFlowLogs"]],
    ["a flow log to S3 without a role", flowLog, 0, { logDestinationType: "s3", logDestination: "arn:aws:s3:::flow-logs", iamRoleArn: undefined }, "accepted"],
    ["a flow log of no destination type (CloudWatch Logs) without a role", flowLog, 0, { logDestinationType: undefined, iamRoleArn: undefined }, ["iamRoleArn", "iamRoleArn", "CreateFlowLogs"]],
    ...[600, undefined].map((interval): Case => [`a flow log aggregating over ${String(interval)} s`, flowLog, 0, { maxAggregationInterval: interval }, "accepted"]),
    // S3: IP-like bucket names only when the whole name is one; encryption rules not known yet; lifecycle actions named; replication priorities when given.
    ["a bucket name like an IP address after a letter", bucket, 0, { bucket: "a10.0.0.1" }, "accepted"],
    ["an encryption rule not known yet", sse, 0, { rules: [unknownValue] }, "accepted"],
    ["an encryption rule that only enables the bucket key", sse, 0, { rules: [{ bucketKeyEnabled: true }] }, "accepted"],
    ["a lifecycle rule with no action", lifecycle, 0, { rules: [{ id: "t", status: "Enabled", filter: {} }] }, ["rules[0]", "rules[0] has no action (one of expiration, transitions, noncurrentVersionExpiration, noncurrentVersionTransitions, abortIncompleteMultipartUpload)", "PutBucketLifecycleConfiguration"]],
    ["two V1 replication rules, neither with a priority", replication, 0, { rules: [...replicationRule({ filter: undefined, prefix: "a/", deleteMarkerReplication: undefined, priority: undefined }), ...replicationRule({ id: "second", filter: undefined, prefix: "b/", deleteMarkerReplication: undefined, priority: undefined })] }, "accepted"],
    ["replication time control with metrics whose status is not known yet", replication, 0, { "rules[].destination.metrics": { status: unknownValue, eventThreshold: { minutes: 15 } } }, "accepted"],
    ...[null, undefined].map((tags): Case => [`an object with tags ${String(tags)}`, object, 0, { tags }, "accepted"]),
    ["an object tag key of 129 characters, quoted to its first 40", object, 0, { tags: { ["k".repeat(129)]: "v" } }, ["tags", `tag key "${"k".repeat(40)}" is 129 characters; an object tag key is 1–128`, "PutObject"]],
    // SNS topic names in their words; a FIFO topic's name ends in .fifo, whether fifoTopic is true or "true".
    ["a topic name with a space", topic, 0, { name: "my topic" }, ["name", 'name: topic names are 1–256 letters, digits, hyphens or underscores (got "my topic")', "CreateTopic"]],
    ["a FIFO topic name with a space", topic, 1, { name: "my orders.fifo" }, ["name", 'name: topic names are 1–256 letters, digits, hyphens or underscores before ".fifo" (got "my orders.fifo")', "CreateTopic"]],
    ...[true, "true"].map((fifoTopic): Case => [`a FIFO topic (fifoTopic ${JSON.stringify(fifoTopic)}) whose name lacks .fifo`, topic, 1, { fifoTopic, name: "orders" }, ["name", `name: a FIFO topic's name must end in ".fifo" (got "orders")`, "CreateTopic"]]),
    // An alarm's SNS actions in its own region, each list judged, any partition; other actions and an alarm of no stated region are not judged.
    ["an alarm of no stated region notifying another region's topic", alarm, 0, { region: undefined, alarmActions: [`arn:aws:sns:us-west-2:${account}:t`] }, "accepted"],
    ["an alarm action that stops an instance", alarm, 0, { region: "us-east-1", alarmActions: ["arn:aws:automate:us-east-1:ec2:stop"] }, "accepted"],
    // KMS key identifiers, named in the words of what each place takes.
    ["an SSM parameter's key that is no KMS key", parameter, 1, { keyId: "nope" }, ["keyId", 'keyId "nope" is not a KMS key ARN, alias ARN, key id or alias/<name>', "PutParameter"]],
    ["an object's key id that is not an ARN", object, 1, { kmsKeyId: "alias/sftp" }, ["kmsKeyId", 'kmsKeyId "alias/sftp" is not a KMS key ARN or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)', "PutObject"]],
    // Listeners: a protocol not given is not judged against the load balancer's type, nor an action type not known yet.
    ["a network load balancer's listener without a protocol", listener, 0, { protocol: undefined }, "accepted"],
    ["a network load balancer's listener whose action type is not known yet", listener, 0, { defaultActions: [{ type: unknownValue, targetGroupArn: "arn:tg" }] }, "accepted"],
    // A safety rule's threshold is an ATLEAST rule's alone.
    ["an AND safety rule whose threshold is above its controls", "aws:route53recoverycontrol/safetyRule:SafetyRule", 0, { ruleConfig: { type: "AND", threshold: 5, inverted: false } }, "accepted"],
    // Values not known yet (a preview's unknowns) are not judged.
    ["a topic whose name is not known yet", topic, 0, { name: unknownValue }, "accepted"],
    ["a parameter whose name is not known yet", parameter, 0, { name: unknownValue }, "accepted"],
    ["a launch template's network interface not known yet", launchTemplate, 0, { networkInterfaces: [unknownValue] }, "accepted"],
    ["a secret's replica not known yet", secret, 0, { replicas: [unknownValue] }, "accepted"],
    ["an alarm dimension with an empty name", alarm, 0, { dimensions: { "": "v" } }, ["dimensions.", "dimensions.: dimension names and values are 1–255 characters", "PutMetricAlarm"]],
    // CloudWatch periods: 10, 20, 30 or a multiple of 60.
    ...[10, 20, 30, 60, 120, 3600].map((period): Case => [`an alarm period of ${period} s`, alarm, 0, { period }, "accepted"]),
    ...[0, 5, 40, 59, 61, 90].map((period): Case => [`an alarm period of ${period} s`, alarm, 0, { period }, ["period", `period ${period} is not 10, 20, 30 or a multiple of 60`, "PutMetricAlarm"]]),
    ["an alarm evaluating more than a day", alarm, 0, { period: 60, evaluationPeriods: 1441 }, ["evaluationPeriods", "evaluationPeriods 1441 × period 60 is 86460 s; an alarm evaluates at most one day (86,400 s)", "PutMetricAlarm"]],
    ["a single-metric alarm without a statistic", alarm, 0, { statistic: undefined }, ["statistic", "one of statistic, extendedStatistic is required", "PutMetricAlarm"]],
    ["a single-metric alarm with a statistic and an extended statistic", alarm, 0, { extendedStatistic: "p99" }, ["statistic", "statistic and extendedStatistic cannot both be given", "PutMetricAlarm"]],
    ["a single-metric alarm with an extended statistic alone", alarm, 0, { statistic: undefined, extendedStatistic: "p99" }, "accepted"],
    ["a dimension whose name and value are one character each", alarm, 0, { dimensions: { d: "v" } }, "accepted"],
    // Log retention: 0 (never expire) or one of CloudWatch Logs' periods; none given is CloudWatch's default.
    ...[0, 1, 3653, undefined].map((days): Case => [`a log group retention of ${String(days)} days`, logGroup, 0, { retentionInDays: days }, "accepted"]),
    ["a log group retention of 2 days", logGroup, 0, { retentionInDays: 2 }, ["retentionInDays", "retentionInDays 2 is not one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653", "PutRetentionPolicy"]],
];

describe("sandbox rules, each thing they check: accepted just inside, refused in AWS's words just outside", () => {
    for (const [what, type, base, patch, expected] of cases) {
        it(`${type}: ${what} is ${expected === "accepted" ? "accepted" : `refused at ${expected[0]}`}`, () => {
            let inputs = validInputs[type][base];
            for (const [path, value] of Object.entries(patch)) {
                inputs = setAt(inputs, path, value);
            }
            const failures = checkResource(type, "res", {}, inputs, () => "abc1234").failures;
            if (expected === "accepted") {
                expect(failures).to.deep.equal([]);
                return;
            }
            const [property, words, op] = expected;
            const service = rulesOf(type)!.service;
            const refusal = failures.find((f) => f.property === property && f.reason.includes(words));
            expect(refusal, `a refusal at ${property} saying "${words}": ${JSON.stringify(failures)}`).to.not.equal(undefined);
            expect(refusal!.reason.startsWith(`${service}: `)).to.equal(true);
            expect(refusal!.reason).to.match(new RegExp(`\\(${op}(: [^()]*|, [^()]*)?\\)$`));
        });
    }
});
