// Where the gateways run: a new VPC with public subnets across availability zones, or an existing
// VPC and subnets taken as they are.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** A network the component creates. */
export interface NewNetwork {
    readonly kind: "new";
    /** IPv4 CIDR of the VPC, /16 to /24. */
    readonly vpcCidr: string;
    /** Availability zones of the public subnets, one subnet each (at least 2). */
    readonly availabilityZones: readonly string[];
}

/** A network that already exists. */
export interface ExistingNetwork {
    readonly kind: "existing";
    readonly vpcId: string;
    /** Public subnets in at least 2 availability zones. */
    readonly subnetIds: readonly string[];
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
    /** A new network or an existing one. Required. */
    readonly network: NetworkSpec;
    /** Tags of every resource. Defaults to none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The network of one region. A new one is public subnets only: the gateways need outbound HTTPS
 * (AWS APIs, packages) and nothing private, so a NAT gateway per zone would only add cost.
 */
export class RegionalNetwork extends pulumi.ComponentResource {
    /** The VPC's id. */
    public readonly vpcId: pulumi.Output<string>;
    /** The public subnets' ids, one per zone. */
    public readonly subnetIds: pulumi.Output<string>[];

    constructor(name: string, args: RegionalNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:regional:RegionalNetwork", name, {}, opts);
        const net = args.network;
        if (net.kind === "existing") {
            this.vpcId = pulumi.output(net.vpcId);
            this.subnetIds = net.subnetIds.map((id) => pulumi.output(id));
        } else {
            const created = createNetwork(name, args.region, net, args.tags, this);
            this.vpcId = created.vpcId;
            this.subnetIds = created.subnetIds;
        }
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds });
    }
}

function createNetwork(
    name: string,
    region: string,
    net: NewNetwork,
    tags: Readonly<Record<string, string>> | undefined,
    parent: pulumi.Resource,
): { vpcId: pulumi.Output<string>; subnetIds: pulumi.Output<string>[] } {
    const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        { region, cidrBlock: net.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { ...tags, Name: `${name}-vpc` } },
        { parent },
    );
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { region, vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } }, { parent });
    const routes = new aws.ec2.RouteTable(
        `${name}-public`,
        { region, vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { ...tags, Name: `${name}-public` } },
        { parent },
    );
    const cidrs = subnetCidrs(net.vpcCidr, net.availabilityZones.length);
    const subnetIds = net.availabilityZones.map((az, i) => {
        const subnet = new aws.ec2.Subnet(
            `${name}-public-${i}`,
            {
                region,
                vpcId: vpc.id,
                availabilityZone: az,
                cidrBlock: cidrs[i],
                mapPublicIpOnLaunch: true,
                tags: { ...tags, Name: `${name}-public-${az}` },
            },
            { parent },
        );
        new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { region, subnetId: subnet.id, routeTableId: routes.id }, { parent });
        return subnet.id;
    });
    return { vpcId: vpc.id, subnetIds };
}
