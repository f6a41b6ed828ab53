// Inputs the sandbox's rules accept, per resource type, shaped like the ones the programs send
// (several where a type's rules depend on a kind), and a way to set one value deep inside them.
// The rule tests derive breaking inputs from them (test/unit/sandbox-rules.test.ts) and test each
// range at its edges (test/unit/sandbox-rule-edges.test.ts).
import { makeSecret } from "../../sandbox/values";

export const account = "123456789012";
export const kmsArn = `arn:aws:kms:us-east-1:${account}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
export const userData = Buffer.from("#!/bin/bash\necho hello\n").toString("base64");
export const trustPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });
export const identityPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }] });
export const bucketPolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
});
export const aliasArn = `arn:aws:kms:us-east-1:${account}:alias/sftp`;
/** An identity policy granting key use on an alias ARN: IAM accepts it, and it grants nothing. */
export const aliasPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: aliasArn }] });
export const controlArn = (n: string) => `arn:aws:route53-recovery-control::${account}:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/${n}`;

/** Valid inputs per type, several where the type's rules depend on a kind (health check types, endpoint types). */
export const validInputs: Readonly<Record<string, readonly Record<string, unknown>[]>> = {
    "aws:ec2/vpc:Vpc": [{ region: "us-east-1", cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, instanceTenancy: "default" }],
    "aws:ec2/subnet:Subnet": [{ vpcId: "vpc-1", availabilityZone: "us-east-1a", cidrBlock: "10.0.0.0/20", ipv6CidrBlock: "2600:1f18:1::/64", mapPublicIpOnLaunch: false }],
    "aws:ec2/internetGateway:InternetGateway": [{ vpcId: "vpc-1" }],
    "aws:ec2/routeTable:RouteTable": [{ vpcId: "vpc-1", routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }] }],
    "aws:ec2/route:Route": [{ routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": [{ routeTableId: "rtb-1", subnetId: "subnet-1" }],
    "aws:ec2/securityGroup:SecurityGroup": [{ name: "gw-nlb-abc1234", vpcId: "vpc-1", description: "SFTP load balancer: clients in" }, { namePrefix: "gw-", description: "x" }],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
        { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "203.0.113.0/24", description: "SFTP clients" },
        { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv6: "2600:1f18::/32" },
        { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 22, toPort: 22, prefixListId: "pl-0123abcd" },
    ],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [
        { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "AWS APIs (S3, SSM, Secrets Manager) and packages" },
        { securityGroupId: "sg-1", ipProtocol: "-1", cidrIpv6: "::/0" },
        { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 2022, toPort: 2022, referencedSecurityGroupId: "sg-2", prefixListId: undefined },
    ],
    "aws:ec2/launchTemplate:LaunchTemplate": [
        {
            name: "gw-lt-abc1234", description: "gateways", imageId: "ami-0123456789abcdef0", instanceType: "t3.small",
            iamInstanceProfile: { arn: `arn:aws:iam::${account}:instance-profile/gw-profile-abc1234` },
            networkInterfaces: [{ associatePublicIpAddress: "false", securityGroups: ["sg-1"], deleteOnTermination: "true" }],
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, httpProtocolIpv6: "disabled", instanceMetadataTags: "disabled" },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 16, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            userData, tagSpecifications: [{ resourceType: "instance", tags: { Name: "gw" } }],
        },
        { namePrefix: "gw-lt-", vpcSecurityGroupIds: ["sg-1"], iamInstanceProfile: { name: "gw-profile" } },
    ],
    "aws:ec2/eip:Eip": [{ domain: "vpc" }],
    "aws:ec2/natGateway:NatGateway": [{ subnetId: "subnet-1", allocationId: "eipalloc-1", connectivityType: "public" }, { subnetId: "subnet-1", connectivityType: "private" }],
    "aws:ec2/vpcEndpoint:VpcEndpoint": [
        { vpcId: "vpc-1", serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway", routeTableIds: ["rtb-1"], policy: identityPolicy },
        {
            vpcId: "vpc-1", serviceName: "com.amazonaws.us-east-1.ssm", vpcEndpointType: "Interface", subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"], privateDnsEnabled: true,
            ipAddressType: "ipv4", dnsOptions: { dnsRecordIpType: "ipv4", privateDnsPreference: "VERIFIED_DOMAINS_AND_SPECIFIED_DOMAINS", privateDnsSpecifiedDomains: ["ssm.us-east-1.amazonaws.com"] },
        },
    ],
    "aws:ec2/flowLog:FlowLog": [{ vpcId: "vpc-1", trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: "arn:aws:logs:us-east-1:123456789012:log-group:flow", iamRoleArn: "arn:aws:iam::123456789012:role/flow", maxAggregationInterval: 60 }],
    "aws:lb/loadBalancer:LoadBalancer": [
        { name: "sftp-primary-gateway-nlb-abc1234", loadBalancerType: "network", internal: false, subnets: ["subnet-1", "subnet-2"], securityGroups: ["sg-1"], ipAddressType: "dualstack" },
        { namePrefix: "sftp-", loadBalancerType: "application", subnetMappings: [{ subnetId: "subnet-1" }] },
        { name: "gwlb", loadBalancerType: "gateway", subnets: ["subnet-1"] },
    ],
    "aws:lb/targetGroup:TargetGroup": [
        {
            name: "sftp-primary-gateway-tg-abc1234", vpcId: "vpc-1", port: 2022, protocol: "TCP", targetType: "instance", preserveClientIp: "true", deregistrationDelay: 30,
            healthCheck: { enabled: true, protocol: "TCP", port: "traffic-port", interval: 10, timeout: 6, healthyThreshold: 3, unhealthyThreshold: 3 },
        },
        // The gateways' HTTP check of SFTPGo's health endpoint; a network load balancer accepts codes up to 599.
        { name: "sftp-primary-gw-hc-abc1234", vpcId: "vpc-1", port: 10000, protocol: "TCP", healthCheck: { enabled: true, protocol: "HTTP", port: "10000", path: "/healthz", matcher: "200,500-599" } },
        { namePrefix: "tg-", vpcId: "vpc-1", port: 443, protocol: "HTTPS", protocolVersion: "HTTP1", healthCheck: { protocol: "HTTPS", path: "/health", port: "8443", matcher: "200" } },
        { name: "fn", targetType: "lambda" },
    ],
    "aws:lb/listener:Listener": [
        { loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/net/gw-nlb/0123456789abcdef`, port: 22, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] },
        { loadBalancerArn: "arn:lb", port: 443, protocol: "TLS", certificateArn: "arn:cert", defaultActions: [{ type: "forward", forward: { targetGroups: [{ arn: "arn:tg" }] } }] },
    ],
    "aws:autoscaling/group:Group": [
        {
            name: "gw-asg-abc1234", vpcZoneIdentifiers: ["subnet-1", "subnet-2"], minSize: 2, desiredCapacity: 3, maxSize: 6, launchTemplate: { id: "lt-1", version: "1" },
            targetGroupArns: ["arn:tg"], healthCheckType: "ELB", healthCheckGracePeriod: 300, defaultCooldown: 300,
            instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50, maxHealthyPercentage: 100 } },
            tags: [{ key: "Name", value: "gw", propagateAtLaunch: false }],
        },
        { namePrefix: "gw-", availabilityZones: ["us-east-1a"], minSize: 0, maxSize: 0, launchTemplate: { name: "lt", version: "$Latest" } },
        {
            name: "gw-asg-warm", vpcZoneIdentifiers: ["subnet-1", "subnet-2"], minSize: 1, desiredCapacity: 1, maxSize: 4, launchTemplate: { id: "lt-1", version: "1" },
            warmPool: { poolState: "Stopped", minSize: 1, maxGroupPreparedCapacity: 3, instanceReusePolicy: { reuseOnScaleIn: true } },
            initialLifecycleHooks: [{ name: "gateway-boot", lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", defaultResult: "ABANDON", heartbeatTimeout: 600 }],
        },
    ],
    "aws:s3/bucket:Bucket": [{ bucket: "sftp-failover-primary-123456789012" }, { bucketPrefix: "sftp-" }],
    "aws:s3/bucketVersioning:BucketVersioning": [{ bucket: "b", versioningConfiguration: { status: "Enabled", mfaDelete: "Disabled" } }],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [
        { bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        { bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsArn }, bucketKeyEnabled: true }] },
    ],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [{
        bucket: "b",
        rules: [{
            id: "expire-noncurrent-versions", status: "Enabled", filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30, newerNoncurrentVersions: 3 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 }, expiration: { days: 365 }, transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
            noncurrentVersionTransitions: [{ noncurrentDays: 30, storageClass: "GLACIER" }],
        }, { id: "remove-expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } }],
    }],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [{ bucket: "b", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": [{ bucket: "b", rule: { objectOwnership: "BucketOwnerEnforced" } }],
    "aws:s3/bucketPolicy:BucketPolicy": [{ bucket: "b", policy: bucketPolicy }],
    "aws:s3/bucketObjectv2:BucketObjectv2": [
        { region: "us-east-1", bucket: "b", key: ".sftp-failover/users/primary.json", content: "{\"version\":1,\"users\":[]}", contentType: "application/json", tags: { Project: "sftp" } },
        { bucket: "b", key: "é".repeat(512), contentBase64: "e30=", acl: "private", storageClass: "STANDARD_IA", serverSideEncryption: "aws:kms", kmsKeyId: kmsArn },
    ],
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": [{
        bucket: "b", role: `arn:aws:iam::${account}:role/replication-abc1234`,
        rules: [{
            id: "to-peer-region", status: "Enabled", priority: 1, filter: {}, deleteMarkerReplication: { status: "Enabled" },
            existingObjectReplication: { status: "Disabled" },
            sourceSelectionCriteria: { replicaModifications: { status: "Enabled" }, sseKmsEncryptedObjects: { status: "Enabled" } },
            destination: {
                bucket: "arn:aws:s3:::peer-bucket", storageClass: "STANDARD",
                replicationTime: { status: "Enabled", time: { minutes: 15 } }, metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                encryptionConfiguration: { replicaKmsKeyId: kmsArn },
            },
        }],
    }],
    "aws:iam/role:Role": [
        { name: "gw-role-abc1234", path: "/", assumeRolePolicy: trustPolicy, description: "SFTP gateways in us-east-1", maxSessionDuration: 3600 },
        { namePrefix: "gw-", path: "/sftp/", assumeRolePolicy: trustPolicy },
    ],
    "aws:iam/rolePolicy:RolePolicy": [{ name: "gw-policy-abc1234", role: "gw-role", policy: identityPolicy }, { namePrefix: "p-", role: "r", policy: identityPolicy }],
    "aws:iam/policy:Policy": [{ name: "sftp-ssm-read-abc1234", path: "/", description: "read the service's parameters", policy: identityPolicy }, { namePrefix: "sftp-", policy: identityPolicy }],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [{ role: "gw-role", policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }],
    "aws:iam/instanceProfile:InstanceProfile": [{ name: "gw-profile-abc1234", role: "gw-role", path: "/" }, { namePrefix: "gw-", role: "r" }],
    "aws:secretsmanager/secret:Secret": [
        { region: "us-east-1", namePrefix: "sftp-failover/primary/host-keys-", description: "host keys", kmsKeyId: kmsArn, recoveryWindowInDays: 7, replicas: [{ region: "us-west-2", kmsKeyId: "alias/aws/secretsmanager" }] },
        { name: "sftp/host-keys", recoveryWindowInDays: 0 },
    ],
    "aws:secretsmanager/secretVersion:SecretVersion": [
        { secretId: "arn:secret", secretString: makeSecret("{\"ed25519\":\"...\"}"), versionStages: ["AWSCURRENT"] },
        { secretId: "arn:secret", secretStringWo: "x", secretStringWoVersion: 1 },
    ],
    "aws:ssm/parameter:Parameter": [
        { region: "us-east-1", name: "/sftp-failover/primary/users/000", type: "String", tier: "Standard", insecureValue: "{\"users\":[]}", description: "users", dataType: "text", allowedPattern: ".*" },
        { name: "plain", type: "SecureString", value: makeSecret("s3cr3t-value"), keyId: "alias/aws/ssm" },
    ],
    "aws:sns/topic:Topic": [{ name: "sftp-alarms-us-east-2-topic-abc1234", displayName: "sftp-failover alarms" }, { name: "orders.fifo", fifoTopic: true }],
    "aws:sns/topicSubscription:TopicSubscription": [
        { topic: `arn:aws:sns:us-east-2:${account}:alarms`, protocol: "email", endpoint: "oncall@example.com" },
        { topic: `arn:aws:sns:us-east-2:${account}:alarms`, protocol: "sqs", endpoint: `arn:aws:sqs:us-east-2:${account}:on-call` },
        { topic: `arn:aws:sns:us-east-2:${account}:alarms`, protocol: "https", endpoint: "https://hooks.example.com/T0KEN" },
    ],
    "aws:cloudwatch/metricAlarm:MetricAlarm": [
        {
            name: "fence-alarm-abc1234", alarmDescription: "fence", namespace: "SftpFailover/Fence", metricName: "RegionEnabled", dimensions: { Service: "sftp", RegionName: "primary" },
            statistic: "Minimum", period: 60, evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 1, comparisonOperator: "LessThanThreshold", treatMissingData: "ignore",
            unit: "Count", alarmActions: [], okActions: [], insufficientDataActions: [],
        },
        { name: "math", comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 2, metricQueries: [{ id: "m1", expression: "1" }] },
    ],
    "aws:cloudwatch/logGroup:LogGroup": [{ name: "/sftp/flow-logs", retentionInDays: 30, logGroupClass: "STANDARD" }],
    "aws:route53/healthCheck:HealthCheck": [
        { type: "TCP", fqdn: "gw-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com", port: 22, requestInterval: 10, failureThreshold: 3, regions: ["us-east-1", "us-west-1", "eu-west-1"], referenceName: "endpoint" },
        { type: "HTTPS_STR_MATCH", ipAddress: "203.0.113.10", port: 443, resourcePath: "/health", searchString: "ok", enableSni: true },
        { type: "CALCULATED", childHealthchecks: ["hc-1", "hc-2"], childHealthThreshold: 2 },
        { type: "CLOUDWATCH_METRIC", cloudwatchAlarmName: "fence-alarm-abc1234", cloudwatchAlarmRegion: "us-east-2", insufficientDataHealthStatus: "LastKnownStatus" },
        { type: "RECOVERY_CONTROL", routingControlArn: controlArn("0123456789abcdef") },
    ],
    "aws:route53/record:Record": [
        {
            zoneId: "Z0EXAMPLE", name: "sftp.example.com", type: "A", setIdentifier: "primary", weightedRoutingPolicies: [{ weight: 100 }],
            healthCheckId: "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", aliases: [{ name: "gw-nlb.elb.us-east-1.amazonaws.com", zoneId: "Z26RNL4JYFTOTI", evaluateTargetHealth: true }],
        },
        { zoneId: "Z0EXAMPLE", name: "sftp.example.com", type: "CNAME", ttl: 60, records: ["gw.example.com"], setIdentifier: "s", failoverRoutingPolicies: [{ type: "PRIMARY" }] },
    ],
    "aws:route53recoverycontrol/cluster:Cluster": [{ name: "sftp-arc-cluster-abc1234", networkType: "IPV4" }],
    "aws:route53recoverycontrol/controlPanel:ControlPanel": [{ name: "sftp-arc-panel-abc1234", clusterArn: `arn:aws:route53-recovery-control::${account}:cluster/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b` }],
    "aws:route53recoverycontrol/routingControl:RoutingControl": [{
        name: "sftp-arc-primary-abc1234", clusterArn: `arn:aws:route53-recovery-control::${account}:cluster/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
        controlPanelArn: `arn:aws:route53-recovery-control::${account}:controlpanel/0123456789abcdef0123456789abcdef`,
    }],
    "aws:route53recoverycontrol/safetyRule:SafetyRule": [
        { name: "at-least-one-on", controlPanelArn: "arn:panel", assertedControls: [controlArn("a"), controlArn("b")], ruleConfig: { type: "ATLEAST", threshold: 1, inverted: false }, waitPeriodMs: 5000 },
        { name: "gate", controlPanelArn: "arn:panel", gatingControls: [controlArn("a")], targetControls: [controlArn("b")], ruleConfig: { type: "OR", threshold: 0, inverted: false }, waitPeriodMs: 0 },
    ],
};

export const clone = <T>(v: T): T => structuredClone(v);

/** Sets (or, with `undefined`, deletes) the value at a path; `[]` means the first element, created if missing. */
export function setAt(inputs: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
    const root = clone(inputs);
    const segments = path.split(".");
    let node: Record<string, unknown> = root;
    segments.forEach((segment, n) => {
        const isList = segment.endsWith("[]");
        const key = isList ? segment.slice(0, -2) : segment;
        const last = n === segments.length - 1;
        if (isList) {
            const list = Array.isArray(node[key]) && (node[key] as unknown[]).length > 0 ? (node[key] as unknown[]) : [{}];
            node[key] = list;
            if (last) {
                list[0] = value;
                return;
            }
            if (typeof list[0] !== "object" || list[0] === null) {
                list[0] = {};
            }
            node = list[0] as Record<string, unknown>;
            return;
        }
        if (last) {
            if (value === undefined) {
                delete node[key];
            } else {
                node[key] = value;
            }
            return;
        }
        if (typeof node[key] !== "object" || node[key] === null || Array.isArray(node[key])) {
            node[key] = {};
        }
        node = node[key] as Record<string, unknown>;
    });
    return root;
}

