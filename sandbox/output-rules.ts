import { createHash } from "node:crypto";
import { hostedZoneIdFor, nameServersFor } from "./hosted-zones";
import { availabilityZoneId, loadBalancerZoneId, s3ZoneId } from "./regions";
import type { ComputedResource, Facts } from "./outputs";
import { PropertyMap, reveal } from "./values";

/**
 * How AWS identifies each type and what it computes for it: one rule per type token, each making
 * up an id and AWS-shaped outputs from the resource's facts (name, region, inputs, randomness).
 */

/** Makes up a resource's id and computed outputs. */
export type OutputRule = (f: Facts) => ComputedResource;

/** The module of a type token: `aws:ec2/vpc:Vpc` → `ec2`. */
export function moduleOf(type: string): string {
    const middle = type.split(":")[1] ?? "";
    return middle.split("/")[0] ?? middle;
}

const ec2 = (prefix: string, arnKind?: string): OutputRule => (f) => {
    const id = `${prefix}-${f.hex(17)}`;
    return { id, computed: { ownerId: f.account, ...(arnKind ? { arn: f.arn("ec2", `${arnKind}/${id}`) } : {}) } };
};

/** A documentation-range (RFC 5737) public address, so nothing real is ever named. */
const publicIp = (f: Facts): string => `203.0.113.${parseInt(f.hex(2), 16) % 254 + 1}`;

const byName = (service: string, resource: (name: string, f: Facts) => string, idIsArn = false): OutputRule => (f) => {
    const name = f.nameOf();
    const arn = f.arn(service, resource(name, f));
    return { id: idIsArn ? arn : name, computed: { name, arn } };
};

const loadBalancer: OutputRule = (f) => {
    const name = f.nameOf("name", "namePrefix", 32);
    const type = f.str("loadBalancerType") ?? "application";
    const kind = type === "network" ? "net" : type === "gateway" ? "gwy" : "app";
    const suffix = f.hex(16);
    const arnSuffix = `${kind}/${name}/${suffix}`;
    const arn = f.arn("elasticloadbalancing", `loadbalancer/${arnSuffix}`);
    const internal = reveal(f.ctx.inputs.internal) === true;
    const host = type === "network"
        ? `${name}-${suffix}.elb.${f.region}.${f.dnsSuffix}`
        : `${internal ? "internal-" : ""}${name}-${parseInt(f.hex(8), 16)}.${f.region}.elb.${f.dnsSuffix}`;
    return {
        id: arn,
        computed: {
            name, arn, arnSuffix, dnsName: host, zoneId: loadBalancerZoneId(f.region, type), loadBalancerType: type,
            // No vpcId: AWS takes it from the subnets, which the sandbox cannot look up; a made-up
            // one would not match the program's VPC.
            internal, ipAddressType: f.str("ipAddressType") ?? "ipv4",
        },
    };
};

const targetGroup: OutputRule = (f) => {
    const name = f.nameOf("name", "namePrefix", 32);
    const arnSuffix = `targetgroup/${name}/${f.hex(16)}`;
    const arn = f.arn("elasticloadbalancing", arnSuffix);
    return { id: arn, computed: { name, arn, arnSuffix, targetType: f.str("targetType") ?? "instance" } };
};

const listener: OutputRule = (f) => {
    const lbArn = f.str("loadBalancerArn") ?? f.arn("elasticloadbalancing", `loadbalancer/net/${f.ctx.name}/${f.hex(16)}`);
    const arn = `${lbArn.replace(":loadbalancer/", ":listener/")}/${f.hex(16)}`;
    return { id: arn, computed: { arn } };
};

const bucket: OutputRule = (f) => {
    const name = f.nameOf("bucket", "bucketPrefix", 63).toLowerCase();
    return {
        id: name,
        computed: {
            bucket: name, arn: f.arn("s3", name, "bare"), bucketDomainName: `${name}.s3.${f.dnsSuffix}`,
            bucketRegionalDomainName: `${name}.s3.${f.region}.${f.dnsSuffix}`, hostedZoneId: s3ZoneId(f.region),
        },
    };
};

/**
 * An object, identified by its key as pulumi-aws sets it. S3 encrypts every new object (SSE-S3
 * unless the request or the bucket says otherwise), and a single-part upload's ETag is the MD5 of
 * the body; a versioned bucket gives each PUT a new version id.
 */
const bucketObject: OutputRule = (f) => {
    const bucketName = f.str("bucket") ?? "";
    const key = f.str("key") ?? f.ctx.name;
    const content = f.str("content");
    const body = content !== undefined ? Buffer.from(content, "utf8") : Buffer.from(f.str("contentBase64") ?? "", "base64");
    return {
        id: key,
        computed: {
            arn: f.arn("s3", `${bucketName}/${key}`, "bare"),
            etag: createHash("md5").update(new Uint8Array(body)).digest("hex"),
            versionId: f.hex(32),
            contentType: f.str("contentType") ?? "binary/octet-stream",
            storageClass: f.str("storageClass") ?? "STANDARD",
            serverSideEncryption: f.str("serverSideEncryption") ?? "AES256",
            bucketKeyEnabled: false,
        },
    };
};

/** Bucket sub-resources (versioning, replication, policy, ...) are identified by their bucket. */
const bucketPart: OutputRule = (f) => ({ id: f.str("bucket") ?? f.ctx.name, computed: {} });

const zone: OutputRule = (f) => {
    const name = (f.str("name") ?? f.ctx.name).replace(/\.$/, "");
    // Derived from the name so that getZone({ name }) answers with the id of a zone created here.
    const zoneId = hostedZoneIdFor(name);
    return {
        id: zoneId,
        computed: {
            zoneId, arn: f.arn("route53", `hostedzone/${zoneId}`, "bare"), nameServers: nameServersFor(zoneId),
            primaryNameServer: nameServersFor(zoneId)[0],
        },
    };
};

const record: OutputRule = (f) => {
    const zoneId = f.str("zoneId") ?? "";
    const name = (f.str("name") ?? f.ctx.name).replace(/\.$/, "").toLowerCase();
    const setIdentifier = f.str("setIdentifier");
    const id = [zoneId, name, f.str("type") ?? "A", ...(setIdentifier ? [setIdentifier] : [])].join("_");
    return { id, computed: { fqdn: name } };
};

const healthCheck: OutputRule = (f) => {
    const id = f.uuid();
    return { id, computed: { arn: f.arn("route53", `healthcheck/${id}`, "bare") } };
};

const role: OutputRule = (f) => {
    const name = f.nameOf("name", "namePrefix", 64);
    const path = f.str("path") ?? "/";
    return {
        id: name,
        computed: {
            name, path, arn: f.arn("iam", `role${path}${name}`, "global"), uniqueId: `AROA${f.hex(17).toUpperCase()}`,
            createDate: new Date().toISOString(),
        },
    };
};

const instanceProfile: OutputRule = (f) => {
    const name = f.nameOf("name", "namePrefix", 128);
    const path = f.str("path") ?? "/";
    return {
        id: name,
        computed: { name, path, arn: f.arn("iam", `instance-profile${path}${name}`, "global"), uniqueId: `AIPA${f.hex(17).toUpperCase()}` },
    };
};

const policy: OutputRule = (f) => {
    const name = f.nameOf("name", "namePrefix", 128);
    const path = f.str("path") ?? "/";
    const arn = f.arn("iam", `policy${path}${name}`, "global");
    return { id: arn, computed: { name, path, arn, policyId: `ANPA${f.hex(17).toUpperCase()}` } };
};

const secret: OutputRule = (f) => {
    const name = f.nameOf("name", "namePrefix", 512);
    const arn = f.arn("secretsmanager", `secret:${name}-${f.hex(6)}`);
    const replicas = reveal(f.ctx.inputs.replicas);
    return {
        id: arn,
        computed: {
            name, arn,
            ...(Array.isArray(replicas)
                ? { replicas: replicas.map((r) => ({ ...(r as PropertyMap), status: "InSync", statusMessage: "Replication succeeded" })) }
                : {}),
        },
    };
};

const secretVersion: OutputRule = (f) => {
    const versionId = f.uuid();
    const secretArn = f.str("secretId") ?? "";
    return { id: `${secretArn}|${versionId}`, computed: { arn: secretArn, versionId, versionStages: ["AWSCURRENT"] } };
};

const kmsKey: OutputRule = (f) => {
    const keyId = reveal(f.ctx.inputs.multiRegion) === true ? `mrk-${f.hex(32)}` : f.uuid();
    return { id: keyId, computed: { keyId, arn: f.arn("kms", `key/${keyId}`) } };
};

const kmsReplicaKey: OutputRule = (f) => {
    const primary = f.str("primaryKeyArn") ?? "";
    const keyId = primary.split("/").pop() || `mrk-${f.hex(32)}`;
    return { id: keyId, computed: { keyId, arn: f.arn("kms", `key/${keyId}`) } };
};

const launchTemplate: OutputRule = (f) => {
    const name = f.nameOf("name", "namePrefix", 128);
    const id = `lt-${f.hex(17)}`;
    return { id, computed: { name, arn: f.arn("ec2", `launch-template/${id}`), latestVersion: 1, defaultVersion: 1 } };
};

const autoscalingGroup: OutputRule = (f) => {
    const name = f.nameOf("name", "namePrefix", 255);
    return { id: name, computed: { name, arn: f.arn("autoscaling", `autoScalingGroup:${f.uuid()}:autoScalingGroupName/${name}`) } };
};

const subnet: OutputRule = (f) => {
    const id = `subnet-${f.hex(17)}`;
    const az = f.str("availabilityZone") ?? `${f.region}a`;
    return {
        id,
        computed: { arn: f.arn("ec2", `subnet/${id}`), ownerId: f.account, availabilityZone: az, availabilityZoneId: availabilityZoneId(az) },
    };
};

const vpc: OutputRule = (f) => {
    const id = `vpc-${f.hex(17)}`;
    const routeTable = `rtb-${f.hex(17)}`;
    return {
        id,
        computed: {
            arn: f.arn("ec2", `vpc/${id}`), ownerId: f.account, defaultNetworkAclId: `acl-${f.hex(17)}`,
            defaultRouteTableId: routeTable, mainRouteTableId: routeTable, defaultSecurityGroupId: `sg-${f.hex(17)}`,
            dhcpOptionsId: `dopt-${f.hex(17)}`, instanceTenancy: f.str("instanceTenancy") ?? "default",
            enableDnsSupport: reveal(f.ctx.inputs.enableDnsSupport) ?? true,
        },
    };
};

const eip: OutputRule = (f) => {
    const id = `eipalloc-${f.hex(17)}`;
    const ip = publicIp(f);
    return {
        id,
        computed: {
            allocationId: id, publicIp: ip, domain: "vpc", arn: f.arn("ec2", `elastic-ip/${id}`),
            publicDns: `ec2-${ip.replace(/\./g, "-")}.${f.region === "us-east-1" ? "compute-1" : `${f.region}.compute`}.${f.dnsSuffix}`,
        },
    };
};

const natGateway: OutputRule = (f) => {
    const id = `nat-${f.hex(17)}`;
    return { id, computed: { publicIp: publicIp(f), privateIp: `10.0.${parseInt(f.hex(2), 16)}.${parseInt(f.hex(2), 16) % 254 + 1}`, networkInterfaceId: `eni-${f.hex(17)}` } };
};

const securityGroup: OutputRule = (f) => {
    const id = `sg-${f.hex(17)}`;
    return { id, computed: { name: f.nameOf("name", "namePrefix", 255), arn: f.arn("ec2", `security-group/${id}`), ownerId: f.account, description: f.str("description") ?? "Managed by Pulumi" } };
};

const securityGroupRule: OutputRule = (f) => {
    const id = `sgr-${f.hex(17)}`;
    return { id, computed: { securityGroupRuleId: id, arn: f.arn("ec2", `security-group-rule/${id}`) } };
};

const metricAlarm: OutputRule = (f) => {
    const name = f.nameOf("name", "namePrefix", 255);
    return { id: name, computed: { name, arn: f.arn("cloudwatch", `alarm:${name}`) } };
};

/** Route 53 ARC (global): a cluster of five regional endpoints; panels, controls and rules live under a panel. */
const arcCluster: OutputRule = (f) => {
    const arn = f.arn("route53-recovery-control", `cluster/${f.uuid()}`, "global");
    const regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2"];
    const clusterEndpoints = regions.map((region) => ({ region, endpoint: `https://host-${f.hex(6)}.${region}.example.aws/v1` }));
    return { id: arn, computed: { arn, clusterEndpoints, status: "DEPLOYED" } };
};

const arcControlPanel: OutputRule = (f) => {
    const arn = f.arn("route53-recovery-control", `controlpanel/${f.hex(32)}`, "global");
    return { id: arn, computed: { arn, defaultControlPanel: false, routingControlCount: 0, status: "DEPLOYED" } };
};

const underPanel = (kind: string): OutputRule => (f) => {
    const panel = f.str("controlPanelArn") ?? f.arn("route53-recovery-control", `controlpanel/${f.hex(32)}`, "global");
    const arn = `${panel}/${kind}/${f.hex(16)}`;
    return { id: arn, computed: { arn, status: "DEPLOYED" } };
};

/** The rules of the types the sandbox knows, by canonical type token. */
export const outputRules: Readonly<Record<string, OutputRule>> = {
    "aws:ec2/vpc:Vpc": vpc,
    "aws:ec2/subnet:Subnet": subnet,
    "aws:ec2/internetGateway:InternetGateway": ec2("igw", "internet-gateway"),
    "aws:ec2/eip:Eip": eip,
    "aws:ec2/natGateway:NatGateway": natGateway,
    "aws:ec2/routeTable:RouteTable": ec2("rtb", "route-table"),
    "aws:ec2/route:Route": (f) => ({ id: `r-${f.str("routeTableId") ?? "rtb"}${parseInt(f.hex(8), 16)}`, computed: { state: "active", origin: "CreateRoute" } }),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ec2("rtbassoc"),
    "aws:ec2/securityGroup:SecurityGroup": securityGroup,
    "aws:ec2/securityGroupRule:SecurityGroupRule": (f) => ({ id: `sgrule-${parseInt(f.hex(8), 16)}`, computed: { securityGroupRuleId: `sgr-${f.hex(17)}` } }),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRule,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": securityGroupRule,
    "aws:ec2/vpcEndpoint:VpcEndpoint": ec2("vpce", "vpc-endpoint"),
    "aws:ec2/flowLog:FlowLog": ec2("fl", "vpc-flow-log"),
    "aws:ec2/keyPair:KeyPair": (f) => {
        const keyName = f.nameOf("keyName", "keyNamePrefix", 255);
        return { id: keyName, computed: { keyName, keyPairId: `key-${f.hex(17)}`, arn: f.arn("ec2", `key-pair/${keyName}`), fingerprint: f.hex(32).replace(/(..)(?!$)/g, "$1:") } };
    },
    "aws:ec2/launchTemplate:LaunchTemplate": launchTemplate,
    "aws:autoscaling/group:Group": autoscalingGroup,
    "aws:autoscaling/attachment:Attachment": (f) => ({ id: `${f.str("autoscalingGroupName") ?? f.ctx.name}-${f.hex(20)}`, computed: {} }),
    "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
    "aws:lb/targetGroup:TargetGroup": targetGroup,
    "aws:lb/listener:Listener": listener,
    "aws:s3/bucket:Bucket": bucket,
    "aws:s3/bucketV2:BucketV2": bucket,
    "aws:route53/zone:Zone": zone,
    "aws:route53/record:Record": record,
    "aws:route53/healthCheck:HealthCheck": healthCheck,
    "aws:iam/role:Role": role,
    "aws:iam/instanceProfile:InstanceProfile": instanceProfile,
    "aws:iam/policy:Policy": policy,
    "aws:iam/rolePolicy:RolePolicy": (f) => {
        const name = f.nameOf("name", "namePrefix", 128);
        return { id: `${f.str("role") ?? ""}:${name}`, computed: { name } };
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (f) => ({ id: `${f.str("role") ?? f.ctx.name}-${f.hex(20)}`, computed: {} }),
    "aws:secretsmanager/secret:Secret": secret,
    "aws:secretsmanager/secretVersion:SecretVersion": secretVersion,
    "aws:kms/key:Key": kmsKey,
    "aws:kms/replicaKey:ReplicaKey": kmsReplicaKey,
    "aws:kms/alias:Alias": (f) => {
        const name = f.nameOf("name", "namePrefix", 256);
        return { id: name, computed: { name, arn: f.arn("kms", name), targetKeyArn: f.arn("kms", `key/${f.str("targetKeyId") ?? ""}`) } };
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": (f) => {
        const name = f.nameOf("alarmName", "alarmNamePrefix", 255);
        return { id: name, computed: { alarmName: name, arn: f.arn("cloudwatch", `alarm:${name}`) } };
    },
    "aws:cloudwatch/logGroup:LogGroup": byName("logs", (name) => `log-group:${name}`),
    "aws:sns/topic:Topic": byName("sns", (name) => name, true),
    "aws:ssm/parameter:Parameter": (f) => {
        const name = f.nameOf();
        return { id: name, computed: { name, arn: f.arn("ssm", `parameter/${name.replace(/^\//, "")}`), version: 1 } };
    },
    "aws:route53recoverycontrol/cluster:Cluster": arcCluster,
    "aws:route53recoverycontrol/controlPanel:ControlPanel": arcControlPanel,
    "aws:route53recoverycontrol/routingControl:RoutingControl": underPanel("routingcontrol"),
    "aws:route53recoverycontrol/safetyRule:SafetyRule": underPanel("safetyrule"),
    "aws:s3/bucketVersioning:BucketVersioning": bucketPart,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": bucketPart,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketPart,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketPart,
    "aws:s3/bucketPolicy:BucketPolicy": bucketPart,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketPart,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketPart,
    "aws:s3/bucketObjectv2:BucketObjectv2": bucketObject,
};

/** Any other type: an id of the usual AWS shape and an ARN under the type's module. */
export const genericRule: OutputRule = (f) => {
    const kind = (f.ctx.type.split(":")[2] ?? "resource").replace(/[A-Z]/g, (c, i) => (i > 0 ? "-" : "") + c.toLowerCase());
    const id = `sbx-${f.hex(17)}`;
    return { id, computed: { arn: f.arn(moduleOf(f.ctx.type), `${kind}/${id}`) } };
};

