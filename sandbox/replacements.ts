import { PropertyMap, reveal } from "./values";

/**
 * Which input properties AWS cannot change in place, per resource type — the `ForceNew` arguments
 * of the Terraform AWS provider that @pulumi/aws 7 bridges. A change to one of them replaces the
 * resource; a change to any other property is an update in place.
 *
 * Only the types this project uses (and their near neighbours) are listed; an unlisted type
 * updates everything in place except `region`, which replaces every regional resource in aws v7.
 */
const replaceOnChanges: Readonly<Record<string, readonly string[]>> = {
    // Network
    "aws:ec2/vpc:Vpc": ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "outpostArn"],
    "aws:ec2/internetGateway:InternetGateway": [],
    "aws:ec2/eip:Eip": ["domain", "address", "publicIpv4Pool", "networkBorderGroup", "customerOwnedIpv4Pool"],
    "aws:ec2/natGateway:NatGateway": ["allocationId", "subnetId", "connectivityType", "privateIp"],
    "aws:ec2/routeTable:RouteTable": ["vpcId"],
    "aws:ec2/route:Route": ["routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ["subnetId", "gatewayId"],
    "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "vpcId", "description"],
    "aws:ec2/securityGroupRule:SecurityGroupRule": [
        "type", "fromPort", "toPort", "protocol", "cidrBlocks", "ipv6CidrBlocks", "prefixListIds",
        "securityGroupId", "sourceSecurityGroupId", "self",
    ],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
    "aws:ec2/vpcEndpoint:VpcEndpoint": ["vpcId", "serviceName", "vpcEndpointType"],
    "aws:ec2/keyPair:KeyPair": ["keyName", "keyNamePrefix", "publicKey"],
    // Compute
    "aws:ec2/launchTemplate:LaunchTemplate": ["name", "namePrefix"],
    "aws:autoscaling/group:Group": ["name", "namePrefix"],
    "aws:autoscaling/attachment:Attachment": ["autoscalingGroupName", "lbTargetGroupArn", "elb"],
    // Load balancing
    "aws:lb/loadBalancer:LoadBalancer": ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"],
    "aws:lb/targetGroup:TargetGroup": [
        "name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType", "ipAddressType",
    ],
    "aws:lb/listener:Listener": ["loadBalancerArn"],
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": ["targetGroupArn", "targetId", "port", "availabilityZone"],
    // Storage
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
    "aws:s3/bucketV2:BucketV2": ["bucket", "bucketPrefix", "objectLockEnabled"],
    "aws:s3/bucketVersioning:BucketVersioning": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ["bucket"],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["bucket"],
    "aws:s3/bucketPolicy:BucketPolicy": ["bucket"],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["bucket"],
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["bucket", "expectedBucketOwner"],
    "aws:s3/bucketObject:BucketObject": ["bucket", "key"],
    "aws:s3/bucketObjectv2:BucketObjectv2": ["bucket", "key"],
    // Identity and secrets
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
    "aws:iam/policy:Policy": ["name", "namePrefix", "path", "description"],
    "aws:iam/instanceProfile:InstanceProfile": ["name", "namePrefix", "path"],
    "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
    "aws:secretsmanager/secretVersion:SecretVersion": ["secretId", "secretString", "secretBinary", "secretStringWo"],
    "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
    "aws:kms/alias:Alias": ["name", "namePrefix"],
    "aws:kms/replicaKey:ReplicaKey": ["primaryKeyArn"],
    "aws:ssm/parameter:Parameter": ["name"],
    // DNS, health and alarms. A record's type and set identifier change in place (Route 53 swaps the
    // record set in one change batch); its name and zone cannot.
    "aws:route53/zone:Zone": ["name", "delegationSetId"],
    "aws:route53/record:Record": ["name", "zoneId"],
    "aws:route53/healthCheck:HealthCheck": ["type", "referenceName", "requestInterval", "measureLatency", "routingControlArn"],
    "aws:route53recoverycontrol/cluster:Cluster": ["name"],
    "aws:route53recoverycontrol/controlPanel:ControlPanel": ["clusterArn"],
    "aws:route53recoverycontrol/routingControl:RoutingControl": ["clusterArn", "controlPanelArn"],
    "aws:route53recoverycontrol/safetyRule:SafetyRule": ["controlPanelArn", "assertedControls", "gatingControls", "targetControls", "ruleConfig"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["name"],
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": ["alarmName"],
    "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
    "aws:sns/topic:Topic": ["name", "namePrefix", "fifoTopic"],
};

/** The `aws:alb/...` tokens are aliases of `aws:lb/...`. */
export function canonicalType(type: string): string {
    return type.startsWith("aws:alb/") ? "aws:lb/" + type.slice("aws:alb/".length) : type;
}

/** Types the table knows, for tests and the README. */
export function typesWithReplaceRules(): string[] {
    return Object.keys(replaceOnChanges);
}

/** The properties of `type` whose change replaces the resource (always including `region`). */
export function replaceProperties(type: string): readonly string[] {
    return [...(replaceOnChanges[canonicalType(type)] ?? []), "region"];
}

/**
 * Whether a change of `key` from `olds` to `news` replaces a resource of `type`. Besides the table,
 * one rule depends on the values: a Network Load Balancer can gain subnets in place but cannot lose
 * one (AWS has no API to detach a subnet from an NLB), so removing a subnet replaces it.
 */
export function changeReplaces(type: string, key: string, olds: PropertyMap, news: PropertyMap): boolean {
    if (replaceProperties(type).includes(key)) {
        return true;
    }
    if (canonicalType(type) === "aws:lb/loadBalancer:LoadBalancer" && key === "subnets") {
        const isNetwork = reveal(news.loadBalancerType) === "network";
        const before = reveal(olds.subnets);
        const after = reveal(news.subnets);
        const oldSubnets = Array.isArray(before) ? before : [];
        const newSubnets = Array.isArray(after) ? after : [];
        return isNetwork && oldSubnets.some((s) => !newSubnets.includes(s));
    }
    return false;
}
