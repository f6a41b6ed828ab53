// Where the gateways run: a new VPC with a public tier (load balancer, NAT when on) and a private tier
// (instances) across availability zones, or an existing VPC and subnets taken as they are.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PolicyDocument } from "./regional-bucket";
import { serviceTrustPolicy } from "./service-trust";

/** A network the component creates. */
export interface NewNetwork {
    readonly kind: "new";
    /** IPv4 CIDR of the VPC, /16 to /24. */
    readonly vpcCidr: string;
    /** Availability zones, one public and one private subnet each (at least 2). */
    readonly availabilityZones: readonly string[];
    /** Days the VPC flow logs are kept. Defaults to 90. */
    readonly flowLogRetentionDays?: number;
    /**
     * A NAT gateway in each zone, for boot downloads from the internet (the SFTPGo mirror). Without
     * them the instances reach only what is in the region, through the VPC endpoints. Defaults to true.
     */
    readonly nat?: boolean;
}

/** A network that already exists. */
export interface ExistingNetwork {
    readonly kind: "existing";
    readonly vpcId: string;
    /** Public subnets (routed to an internet gateway) in at least 2 zones, for the load balancer. */
    readonly subnetIds: readonly string[];
    /**
     * Private subnets in at least 2 zones, for the instances: they need outbound HTTPS (a NAT
     * gateway or interface endpoints) and reach S3 best through a gateway endpoint.
     */
    readonly instanceSubnetIds: readonly string[];
}

/** Either way of providing the network. */
export type NetworkSpec = NewNetwork | ExistingNetwork;

function ipToInt(ip: string): number {
    return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function intToIp(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Parses `a.b.c.d/n` strictly (octets 0–255, no host bits set); returns null when invalid. */
export function parseIpv4Cidr(cidr: string): { base: number; prefix: number } | null {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (m === null) {
        return null;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return null;
    }
    const base = ipToInt(octets.join("."));
    const size = 2 ** (32 - prefix);
    if (base % size !== 0) {
        return null;
    }
    return { base, prefix };
}

/**
 * Splits a VPC CIDR into `count` equal subnets, each 4 bits longer than the VPC's prefix (a /16
 * gives /20s), so up to 16 zones fit and addresses are left for later subnets.
 */
export function subnetCidrs(vpcCidr: string, count: number): string[] {
    const parsed = parseIpv4Cidr(vpcCidr);
    if (parsed === null || parsed.prefix < 16 || parsed.prefix > 24) {
        throw new Error(`network.vpcCidr must be an IPv4 CIDR from /16 to /24 (got "${vpcCidr}")`);
    }
    if (!Number.isInteger(count) || count < 1 || count > 16) {
        throw new Error(`subnet count must be 1–16 (got ${count})`);
    }
    const prefix = parsed.prefix + 4;
    const size = 2 ** (32 - prefix);
    return Array.from({ length: count }, (_, i) => `${intToIp(parsed.base + i * size)}/${prefix}`);
}

/** Arguments of {@link RegionalNetwork}. */
export interface RegionalNetworkArgs {
    /** Region of every resource (aws v7 per-resource region). Required. */
    readonly region: string;
    /** Partition of ARNs (aws, aws-cn, aws-us-gov). Required. */
    readonly partition: string;
    /** The account of the stack: the flow-logs service may assume its role only for this account's flow logs. Required. */
    readonly accountId: string;
    /** A new network or an existing one. Required. */
    readonly network: NetworkSpec;
    /**
     * The buckets the instances use (the region's bucket): a new network's S3 gateway endpoint
     * allows these and Amazon Linux's package repositories, nothing else. Required.
     */
    readonly s3BucketArns: readonly string[];
    /**
     * Whether the gateways run the Session Manager agent: a new network then adds its interface
     * endpoints (ssm, ssmmessages, ec2messages), so sessions work with no NAT. Defaults to false.
     */
    readonly sessionManager?: boolean;
    /**
     * Whether the gateways complete a launch lifecycle hook at boot (a warm pool): a new network
     * then adds the `autoscaling` interface endpoint, so they reach it with no NAT. Defaults to false.
     */
    readonly launchHook?: boolean;
    /** Tags of every resource. Defaults to none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** Where the public and the private tier of a new network get their addresses: the first half of the split, then the second. */
export function tierCidrs(vpcCidr: string, zones: number): { public: string[]; private: string[] } {
    const all = subnetCidrs(vpcCidr, zones * 2);
    return { public: all.slice(0, zones), private: all.slice(zones) };
}

/** The default retention of VPC flow logs, in days (one of CloudWatch Logs' allowed values). */
export const defaultFlowLogRetentionDays = 90;

/**
 * The network of one region, built so a security reviewer can accept it:
 * - the load balancer (and the NAT gateways, when on) sit in **public** subnets; the instances sit
 *   in **private** subnets and get no public address, so nothing reaches them except through the
 *   load balancer (whose security group decides who may);
 * - what boot calls stays in the region: S3 through a free **gateway endpoint** (so the users'
 *   files never cross a NAT, nor pay its per-GB charge), Secrets Manager (and Session Manager's
 *   services when it is on) through **interface endpoints** with private DNS; with a pinned SFTPGo
 *   package a gateway boots with no NAT and no internet at all;
 * - `nat` (on by default) adds a NAT gateway **per zone**, for the SFTPGo mirror: one zone's loss then takes only its own egress, never a standby's boot in another zone;
 * - **VPC flow logs** of all traffic go to a CloudWatch log group with a retention.
 */
export class RegionalNetwork extends pulumi.ComponentResource {
    /** The VPC's id. */
    public readonly vpcId: pulumi.Output<string>;
    /** The public subnets' ids (load balancer), one per zone. */
    public readonly subnetIds: pulumi.Output<string>[];
    /** The private subnets' ids (instances), one per zone. */
    public readonly instanceSubnetIds: pulumi.Output<string>[];
    /**
     * What an instance's boot calls go through in a new network — the private subnets' route table
     * associations and routes (NAT), the S3 and interface endpoints — for the group to wait on: an
     * instance launched before them cannot reach S3 or Secrets Manager and fails its start-up. Empty
     * for an existing network.
     */
    public readonly bootPath: pulumi.Resource[];

    constructor(name: string, args: RegionalNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:regional:RegionalNetwork", name, {}, opts);
        const net = args.network;
        if (net.kind === "existing") {
            this.vpcId = pulumi.output(net.vpcId);
            this.subnetIds = net.subnetIds.map((id) => pulumi.output(id));
            this.instanceSubnetIds = net.instanceSubnetIds.map((id) => pulumi.output(id));
            this.bootPath = [];
        } else {
            const created = createNetwork(name, args, net, this);
            this.vpcId = created.vpcId;
            this.subnetIds = created.publicSubnetIds;
            this.instanceSubnetIds = created.privateSubnetIds;
            this.bootPath = created.bootPath;
        }
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, instanceSubnetIds: this.instanceSubnetIds });
    }
}

interface CreatedNetwork {
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly bootPath: pulumi.Resource[];
}

function createNetwork(name: string, args: RegionalNetworkArgs, net: NewNetwork, parent: pulumi.Resource): CreatedNetwork {
    const { region, tags } = args;
    const tagged = (n: string) => ({ ...tags, Name: n });
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { region, cidrBlock: net.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tagged(`${name}-vpc`) }, { parent });
    const cidrs = tierCidrs(net.vpcCidr, net.availabilityZones.length);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { region, vpcId: vpc.id, tags: tagged(`${name}-igw`) }, { parent });
    const publicRoutes = new aws.ec2.RouteTable(
        `${name}-public`,
        { region, vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: tagged(`${name}-public`) },
        { parent },
    );
    const publicSubnets = net.availabilityZones.map(
        (az, i) => createSubnet(`${name}-public-${i}`, { region, vpcId: vpc.id, az, cidr: cidrs.public[i], routeTableId: publicRoutes.id, tags: tagged(`${name}-public-${az}`) }, parent).subnet,
    );
    // With NAT: one gateway and one private route table per zone, so a zone's loss takes only its own
    // egress. Without: one private route table with the local route only. Zone 0 keeps the names of
    // the single NAT gateway and table of earlier versions, so an existing stack is not replaced.
    const privateRoutes = (net.nat ?? true)
        ? net.availabilityZones.map((az, i) => {
              const suffix = i === 0 ? "" : `-${i}`;
              const address = new aws.ec2.Eip(`${name}-nat${suffix}`, { region, domain: "vpc", tags: tagged(`${name}-nat-${az}`) }, { parent });
              const nat = new aws.ec2.NatGateway(
                  `${name}-nat${suffix}`,
                  { region, allocationId: address.allocationId, subnetId: publicSubnets[i].id, connectivityType: "public", tags: tagged(`${name}-nat-${az}`) },
                  { parent, dependsOn: [igw] },
              );
              return new aws.ec2.RouteTable(
                  i === 0 ? `${name}-private` : `${name}-private-routes-${i}`,
                  { region, vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: tagged(`${name}-private-${az}`) },
                  { parent },
              );
          })
        : [new aws.ec2.RouteTable(`${name}-private`, { region, vpcId: vpc.id, routes: [], tags: tagged(`${name}-private`) }, { parent })];
    const privateSubnets = net.availabilityZones.map((az, i) =>
        createSubnet(
            `${name}-private-${i}`,
            { region, vpcId: vpc.id, az, cidr: cidrs.private[i], routeTableId: privateRoutes[Math.min(i, privateRoutes.length - 1)].id, tags: tagged(`${name}-private-${az}`) },
            parent,
        ),
    );
    const interfaceEndpoints = createInterfaceEndpoints(name, args, net.vpcCidr, vpc.id, privateSubnets.map((s) => s.subnet.id), parent);
    const s3Endpoint = new aws.ec2.VpcEndpoint(
        `${name}-s3`,
        {
            region,
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: privateRoutes.map((t) => t.id),
            policy: JSON.stringify(s3EndpointPolicy(args.partition, region, args.s3BucketArns)),
            tags: tagged(`${name}-s3`),
        },
        { parent },
    );
    createFlowLogs(name, args, vpc.id, net.flowLogRetentionDays ?? defaultFlowLogRetentionDays, parent);
    return {
        vpcId: vpc.id,
        publicSubnetIds: publicSubnets.map((s) => s.id),
        privateSubnetIds: privateSubnets.map((s) => s.subnet.id),
        bootPath: [...privateRoutes, ...privateSubnets.map((s) => s.association), s3Endpoint, ...interfaceEndpoints],
    };
}

/**
 * The AWS services a gateway calls at boot and from its users sync timer besides S3 (which has its
 * gateway endpoint), read from components/gateway-user-data.ts: `aws secretsmanager
 * get-secret-value` (the host keys), and with a warm pool `aws autoscaling
 * complete-lifecycle-action` (see {@link launchHookEndpointServices}). Nothing else is called from the instance: the credentials come
 * from the instance metadata service (no STS call), SSE-KMS is S3 and Secrets Manager calling KMS
 * on the caller's behalf (no KMS call from the VPC), and the gateways publish no logs or metrics
 * (no CloudWatch call).
 */
export const bootInterfaceEndpointServices = ["secretsmanager"] as const;

/** What the Session Manager agent calls (Systems Manager User Guide, "Use VPC endpoints for Systems Manager"). */
export const sessionManagerEndpointServices = ["ssm", "ssmmessages", "ec2messages"] as const;

/**
 * What a gateway calls at boot when its group has a launch lifecycle hook (a warm pool): it
 * completes the hook itself. Made whether or not NAT is on, as Secrets Manager's is: the model of a
 * regional event (sandbox/boot-path.ts) takes the internet, and with it the NAT path, away.
 */
export const launchHookEndpointServices = ["autoscaling"] as const;

/** The interface endpoints a new network makes: what boot calls, with a launch hook too, and Session Manager's when it is on. */
export function interfaceEndpointServicesFor(sessionManager: boolean, launchHook = false): string[] {
    return [...bootInterfaceEndpointServices, ...(launchHook ? launchHookEndpointServices : []), ...(sessionManager ? sessionManagerEndpointServices : [])];
}

/**
 * Interface endpoints in the private subnets for what boot calls besides S3, with private DNS, so
 * the instances reach them with no NAT gateway and no internet; their security group admits HTTPS
 * from the VPC only.
 */
function createInterfaceEndpoints(
    name: string,
    args: RegionalNetworkArgs,
    vpcCidr: string,
    vpcId: pulumi.Output<string>,
    subnetIds: pulumi.Output<string>[],
    parent: pulumi.Resource,
): pulumi.Resource[] {
    const { region, tags } = args;
    const group = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        { region, vpcId, description: "Interface endpoints: HTTPS from the VPC", tags: { ...tags, Name: `${name}-endpoints` } },
        { parent },
    );
    const https = new aws.vpc.SecurityGroupIngressRule(
        `${name}-endpoints-https`,
        { region, securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: vpcCidr, description: "HTTPS from the VPC" },
        { parent },
    );
    const endpoints = interfaceEndpointServicesFor(args.sessionManager ?? false, args.launchHook ?? false).map(
        (service) =>
            new aws.ec2.VpcEndpoint(
                `${name}-${service}`,
                {
                    region,
                    vpcId,
                    serviceName: `com.amazonaws.${region}.${service}`,
                    vpcEndpointType: "Interface",
                    subnetIds,
                    securityGroupIds: [group.id],
                    privateDnsEnabled: true,
                    tags: { ...tags, Name: `${name}-${service}` },
                },
                { parent },
            ),
    );
    return [https, ...endpoints];
}

function createSubnet(
    name: string,
    a: { region: string; vpcId: pulumi.Output<string>; az: string; cidr: string; routeTableId: pulumi.Output<string>; tags: Record<string, string> },
    parent: pulumi.Resource,
): { subnet: aws.ec2.Subnet; association: aws.ec2.RouteTableAssociation } {
    // No subnet hands out public addresses: the load balancer and the NAT gateway bring their own.
    const subnet = new aws.ec2.Subnet(
        name,
        { region: a.region, vpcId: a.vpcId, availabilityZone: a.az, cidrBlock: a.cidr, mapPublicIpOnLaunch: false, tags: a.tags },
        { parent },
    );
    const association = new aws.ec2.RouteTableAssociation(name, { region: a.region, subnetId: subnet.id, routeTableId: a.routeTableId }, { parent });
    return { subnet, association };
}

/** VPC flow logs (all traffic) to a log group only the flow-logs service may write, through its own role. */
function createFlowLogs(name: string, args: RegionalNetworkArgs, vpcId: pulumi.Output<string>, retentionDays: number, parent: pulumi.Resource): void {
    const { region, tags } = args;
    const group = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, { region, retentionInDays: retentionDays, tags }, { parent });
    const role = new aws.iam.Role(
        `${name}-flow-logs`,
        { assumeRolePolicy: JSON.stringify(flowLogsAssumeRolePolicy(args.partition, region, args.accountId)), description: `VPC flow logs of ${name}`, tags },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-flow-logs`,
        { role: role.id, policy: group.arn.apply((arn) => JSON.stringify(flowLogsDeliveryPolicy(arn))) },
        { parent },
    );
    new aws.ec2.FlowLog(
        `${name}-flow-logs`,
        { region, vpcId, trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: group.arn, iamRoleArn: role.arn, maxAggregationInterval: 600, tags },
        { parent },
    );
}

/**
 * The bucket AWS serves the Amazon Linux 2023 package repositories from in a region, which `dnf`
 * reaches through the S3 gateway endpoint (Amazon Linux 2023 User Guide, "Accessing the AL2023
 * repositories through a gateway VPC endpoint").
 */
export function amazonLinuxRepositoryBucketArn(partition: string, region: string): string {
    return `arn:${partition}:s3:::al2023-repos-${region}-de612dc2`;
}

/**
 * The S3 gateway endpoint's policy: the stack's buckets (every action: the instance role decides
 * who may do what inside them) and reading Amazon Linux's repositories — so an instance with
 * credentials of any account cannot carry data out to another bucket through this VPC.
 */
export function s3EndpointPolicy(partition: string, region: string, bucketArns: readonly string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "StackBuckets", Effect: "Allow", Principal: "*", Action: "s3:*", Resource: bucketArns.flatMap((arn) => [arn, `${arn}/*`]) },
            { Sid: "AmazonLinuxRepositories", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${amazonLinuxRepositoryBucketArn(partition, region)}/*` },
        ],
    };
}

/**
 * The flow-logs service's trust policy: only for this account's flow logs in this region (the
 * flow log's id is not known before it exists, hence the `*`; VPC User Guide, "IAM role for
 * publishing flow logs to CloudWatch Logs").
 */
export function flowLogsAssumeRolePolicy(partition: string, region: string, accountId: string): PolicyDocument {
    return serviceTrustPolicy("vpc-flow-logs.amazonaws.com", accountId, `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*`);
}

/** What the flow-logs service may do: write streams of one log group, nothing else. */
export function flowLogsDeliveryPolicy(logGroupArn: string): object {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DeliverFlowLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [logGroupArn, `${logGroupArn}:*`],
            },
        ],
    };
}
