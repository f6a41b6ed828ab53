import { expect } from "chai";
import { FaultSpec } from "../../sandbox/faults";
import { healthCheckListName, healthCheckerRangesIpv4, prefixListId } from "../../sandbox/prefix-lists";
import { bootPathSummary } from "../../sandbox/boot-path";
import { awsServicesCalled } from "../../sandbox/boot-hosts";
import { renderGatewayUserData } from "../../components/gateway-user-data";
import { interfaceEndpointServicesFor } from "../../components/network";
import { cidrContains, endpointReachability, failsOpen } from "../../sandbox/reachability";
import { WorldResource } from "../../sandbox/world";

/** How a hand-built region admits traffic on the listener port. */
interface GatewayShape {
    /** Extra sources on the NLB's listener port, besides the clients' CIDRs. */
    readonly checkers?: "none" | "own-prefix-list" | "other-region-prefix-list" | "anywhere";
    /** Whether the instances admit the gateway port from the NLB's group. */
    readonly instancesAdmitNlb?: boolean;
    readonly desired?: number;
    /** Hosts outside AWS the instances' user data downloads from (the launch template's derived fact). */
    readonly bootHosts?: readonly string[];
    /** The private network the instances boot in, as RegionalNetwork builds it (absent: the world holds no subnet). */
    readonly network?: BootNetwork;
}

/** A private subnet's way out: a NAT route or none, and the VPC endpoints (interface ones with or without private DNS). */
interface BootNetwork {
    readonly nat: boolean;
    /** Interface endpoints by service name, and whether private DNS is on. */
    readonly interfaceEndpoints: Readonly<Record<string, boolean>>;
    readonly s3GatewayEndpoint: boolean;
    /** AWS services the user data calls (the launch template's derived fact). */
    readonly bootServices: readonly string[];
}

/** The gateway's own boot: S3 through the gateway endpoint, Secrets Manager through its interface endpoint, no NAT. */
const endpointsOnly: BootNetwork = { nat: false, interfaceEndpoints: { secretsmanager: true }, s3GatewayEndpoint: true, bootServices: ["s3", "secretsmanager"] };

function networkWorld(region: string, net: BootNetwork, r: (type: string, id: string, facts: Record<string, unknown>) => WorldResource): WorldResource[] {
    const endpointSg = `sg-endpoints-${region}`;
    return [
        r("aws:ec2/subnet:Subnet", `subnet-${region}`, { vpcId: "vpc-1", cidrBlock: "10.40.128.0/20" }),
        r("aws:ec2/routeTable:RouteTable", `rtb-${region}`, { vpcId: "vpc-1", routes: net.nat ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }] : [] }),
        r("aws:ec2/routeTableAssociation:RouteTableAssociation", `rtbassoc-${region}`, { subnetId: `subnet-${region}`, routeTableId: `rtb-${region}` }),
        r("aws:ec2/securityGroup:SecurityGroup", endpointSg, { vpcId: "vpc-1" }),
        r("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `https-${region}`, { securityGroupId: endpointSg, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.40.0.0/16" }),
        ...(net.s3GatewayEndpoint
            ? [r("aws:ec2/vpcEndpoint:VpcEndpoint", `vpce-s3-${region}`, { vpcId: "vpc-1", serviceName: `com.amazonaws.${region}.s3`, vpcEndpointType: "Gateway", routeTableIds: [`rtb-${region}`] })]
            : []),
        ...Object.entries(net.interfaceEndpoints).map(([service, privateDnsEnabled]) =>
            r("aws:ec2/vpcEndpoint:VpcEndpoint", `vpce-${service}-${region}`, {
                vpcId: "vpc-1", serviceName: `com.amazonaws.${region}.${service}`, vpcEndpointType: "Interface", privateDnsEnabled, securityGroupIds: [endpointSg], subnetIds: [`subnet-${region}`],
            })),
    ];
}

const allowedCidrs = ["203.0.113.0/24", "198.51.100.0/24"];

/**
 * One region's gateway as SftpGateway declares it (components/sftp-gateway.ts): an NLB with a
 * security group, a TCP listener forwarding to a target group on the SFTPGo port, an Auto Scaling
 * group whose launch template gives the instances their own group.
 */
function gatewayWorld(region: string, shape: GatewayShape = {}): { world: WorldResource[]; dnsName: string } {
    const r = (type: string, id: string, facts: Record<string, unknown>): WorldResource => ({ urn: `urn:${region}:${type}:${id}`, type, region, id, facts });
    const lbSg = `sg-lb-${region}`;
    const instanceSg = `sg-inst-${region}`;
    const lbArn = `arn:aws:elasticloadbalancing:${region}:123456789012:loadbalancer/net/gw/0`;
    const tgArn = `arn:aws:elasticloadbalancing:${region}:123456789012:targetgroup/gw/0`;
    const dnsName = `gw-0123456789abcdef.elb.${region}.amazonaws.com`;
    const ingress = (id: string, groupId: string, port: number, source: Record<string, unknown>) =>
        r("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", id, { securityGroupId: groupId, ipProtocol: "tcp", fromPort: port, toPort: port, ...source });
    const checkerSource: Record<string, Record<string, unknown> | undefined> = {
        none: undefined,
        "own-prefix-list": { prefixListId: prefixListId(region, healthCheckListName(region)) },
        "other-region-prefix-list": { prefixListId: prefixListId("eu-west-1", healthCheckListName("eu-west-1")) },
        anywhere: { cidrIpv4: "0.0.0.0/0" },
    };
    const checkers = checkerSource[shape.checkers ?? "none"];
    const world = [
        r("aws:ec2/securityGroup:SecurityGroup", lbSg, { vpcId: "vpc-1" }),
        r("aws:ec2/securityGroup:SecurityGroup", instanceSg, { vpcId: "vpc-1" }),
        ...allowedCidrs.map((cidrIpv4, i) => ingress(`client-${i}`, lbSg, 22, { cidrIpv4 })),
        ...(checkers !== undefined ? [ingress("checkers", lbSg, 22, checkers)] : []),
        r("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "lb-out", { securityGroupId: lbSg, ipProtocol: "tcp", fromPort: 2022, toPort: 2022, referencedSecurityGroupId: instanceSg }),
        ...((shape.instancesAdmitNlb ?? true) ? [ingress("from-lb", instanceSg, 2022, { referencedSecurityGroupId: lbSg })] : []),
        r("aws:lb/loadBalancer:LoadBalancer", lbArn, { dnsName, loadBalancerType: "network", securityGroups: [lbSg], name: "gw" }),
        r("aws:lb/targetGroup:TargetGroup", tgArn, { port: 2022, protocol: "TCP", name: "gw-tg" }),
        r("aws:lb/listener:Listener", `${lbArn}/l`, { loadBalancerArn: lbArn, port: 22, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: tgArn }] }),
        r("aws:ec2/launchTemplate:LaunchTemplate", `lt-${region}`, {
            networkInterfaces: [{ securityGroups: [instanceSg] }], bootHostsOutsideAws: shape.bootHosts ?? [], bootAwsServices: shape.network?.bootServices ?? [],
        }),
        r("aws:autoscaling/group:Group", `asg-${region}`, {
            name: `asg-${region}`, desiredCapacity: shape.desired ?? 2, targetGroupArns: [tgArn], launchTemplate: { id: `lt-${region}`, version: "1" },
            ...(shape.network !== undefined ? { vpcZoneIdentifiers: [`subnet-${region}`] } : {}),
        }),
        ...(shape.network !== undefined ? networkWorld(region, shape.network, r) : []),
    ];
    return { world, dnsName };
}

function twoRegions(shape: GatewayShape) {
    const east = gatewayWorld("us-east-1", shape);
    const west = gatewayWorld("us-west-2", shape);
    const world = [...east.world, ...west.world];
    return [endpointReachability(world, east.dnsName, 22), endpointReachability(world, west.dnsName, 22)];
}

describe("sandbox reachability model", () => {
    it("with the listener open only to allowedCidrs, the endpoint check of every region is unhealthy, so Route 53 fails open", () => {
        const reports = twoRegions({ checkers: "none" });
        for (const report of reports) {
            expect(report.health).to.equal("unhealthy");
            expect(report.checkers).to.deep.equal({ admitted: 0, total: healthCheckerRangesIpv4.length });
            expect(report.clientCidrs).to.deep.equal(allowedCidrs);
            expect(report.reasons.join("\n")).to.contain(`admits port 22 from 0 of ${healthCheckerRangesIpv4.length} Route 53 health checker ranges`);
            expect(report.targetsInService).to.equal(2);
        }
        expect(failsOpen(reports)).to.equal(true);
    });

    it("with the region's route53-healthchecks prefix list on the listener port, every endpoint check is healthy", () => {
        const reports = twoRegions({ checkers: "own-prefix-list" });
        for (const report of reports) {
            expect(report.health).to.equal("healthy");
            expect(report.reasons).to.deep.equal([]);
            expect(report.checkers.admitted).to.equal(report.checkers.total);
            // Clients are still only the allowed CIDRs; the checkers come in through the list.
            expect(report.clientCidrs).to.deep.equal(allowedCidrs);
            expect(report.prefixLists).to.have.length(1);
        }
        expect(failsOpen(reports)).to.equal(false);
    });

    it("another region's prefix list admits nobody here (a prefix list applies only in its own region)", () => {
        expect(twoRegions({ checkers: "other-region-prefix-list" }).map((r) => r.health)).to.deep.equal(["unhealthy", "unhealthy"]);
    });

    it("an open listener (0.0.0.0/0) admits the checkers", () => {
        expect(twoRegions({ checkers: "anywhere" }).map((r) => r.health)).to.deep.equal(["healthy", "healthy"]);
    });

    it("is unhealthy when the instances do not admit the target port from the load balancer's group", () => {
        const [east] = twoRegions({ checkers: "own-prefix-list", instancesAdmitNlb: false });
        expect(east.health).to.equal("unhealthy");
        expect(east.targetsInService).to.equal(0);
        expect(east.reasons.join("\n")).to.contain("do not admit port 2022 from the load balancer's security group");
    });

    it("is unhealthy when the Auto Scaling group has no instances", () => {
        const [east] = twoRegions({ checkers: "own-prefix-list", desired: 0 });
        expect(east.health).to.equal("unhealthy");
        expect(east.reasons.join("\n")).to.contain("desired capacity 0");
    });

    it("is unhealthy in a region made unreachable by an injected fault, and only there", () => {
        const east = gatewayWorld("us-east-1", { checkers: "own-prefix-list" });
        const west = gatewayWorld("us-west-2", { checkers: "own-prefix-list" });
        const world = [...east.world, ...west.world];
        const faults = { regions: { "us-east-1": "fail" as const }, types: {} };
        const reports = [endpointReachability(world, east.dnsName, 22, faults), endpointReachability(world, west.dnsName, 22, faults)];
        expect(reports.map((r) => r.health)).to.deep.equal(["unhealthy", "healthy"]);
        expect(reports[0].reasons[0]).to.equal("region us-east-1 is unreachable (fault injected: fail)");
        expect(failsOpen(reports)).to.equal(false);
    });

    it("during a regional event the internet is gone: a standby that boots from a host outside AWS never comes into service; one that needs nothing outside its region does", () => {
        const faults = { regions: { "us-east-1": "fail" as const }, types: {} };
        const east = gatewayWorld("us-east-1", { checkers: "own-prefix-list" });
        const mirror = gatewayWorld("us-west-2", { checkers: "own-prefix-list", bootHosts: ["ftp.osuosl.org"] });
        const standby = endpointReachability([...east.world, ...mirror.world], mirror.dnsName, 22, faults);
        expect(standby.health).to.equal("unhealthy");
        expect(standby.targetsInService).to.equal(0);
        expect(standby.reasons).to.deep.equal([
            "the instances of asg-us-west-2 boot from ftp.osuosl.org, outside AWS, and the internet is gone during the regional event (fault injected in us-east-1): they never come into service",
        ]);
        // No event: the mirror is reachable and the same standby serves.
        expect(endpointReachability([...east.world, ...mirror.world], mirror.dnsName, 22).health).to.equal("healthy");
        const pinned = gatewayWorld("us-west-2", { checkers: "own-prefix-list" });
        expect(endpointReachability([...east.world, ...pinned.world], pinned.dnsName, 22, faults)).to.include({ health: "healthy", targetsInService: 2 });
    });

    it("a gateway with no NAT boots through the VPC endpoints, during a regional event too; without the Secrets Manager endpoint it never comes into service", () => {
        const faults = { regions: { "us-east-1": "fail" as const }, types: {} };
        const standby = (network: BootNetwork, f: FaultSpec = faults) => {
            const { world, dnsName } = gatewayWorld("us-west-2", { checkers: "own-prefix-list", network });
            return endpointReachability(world, dnsName, 22, f);
        };
        expect(standby(endpointsOnly)).to.include({ health: "healthy", targetsInService: 2 });
        const noSecretsEndpoint = standby({ ...endpointsOnly, interfaceEndpoints: {} }, { regions: {}, types: {} });
        expect(noSecretsEndpoint).to.include({ health: "unhealthy", targetsInService: 0 });
        expect(noSecretsEndpoint.reasons).to.deep.equal([
            "the instances of asg-us-west-2 call secretsmanager at boot, subnet subnet-us-west-2 has no route to the internet (no NAT gateway), and the VPC has no interface endpoint com.amazonaws.us-west-2.secretsmanager with private DNS that admits HTTPS from the subnet: they never come into service",
        ]);
        // Private DNS off: the CLI's default name resolves to public addresses, which need the internet.
        expect(standby({ ...endpointsOnly, interfaceEndpoints: { secretsmanager: false } }).health).to.equal("unhealthy");
        // No S3 gateway endpoint: the users object and the package are out of reach.
        expect(standby({ ...endpointsOnly, s3GatewayEndpoint: false }).reasons[0]).to.match(/call s3 at boot, .* no gateway endpoint on the subnet's route table or interface endpoint com\.amazonaws\.us-west-2\.s3/);
    });

    it("a gateway that completes a launch hook (warm pool) calls autoscaling at boot: with no NAT, the network's endpoints must include it", () => {
        const userData = (launchHook: boolean) =>
            Buffer.from(
                renderGatewayUserData({
                    region: "us-west-2", bucketName: "b", hostKeySecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:hk", usersObjectKey: ".sftp-failover/users/secondary.json",
                    ...(launchHook ? { launchHook: { groupName: "sftp-secondary-gw-asg-dev", hookName: "gateway-boot" } } : {}),
                }),
            ).toString("base64");
        const hooked = awsServicesCalled(userData(true));
        expect(hooked).to.deep.equal(["autoscaling", "s3", "secretsmanager"]);
        expect(awsServicesCalled(userData(false))).to.deep.equal(["s3", "secretsmanager"]);
        const faults = { regions: { "us-east-1": "fail" as const }, types: {} };
        const standby = (services: readonly string[]) => {
            const network: BootNetwork = { nat: false, s3GatewayEndpoint: true, interfaceEndpoints: Object.fromEntries(services.map((s) => [s, true])), bootServices: hooked };
            const { world, dnsName } = gatewayWorld("us-west-2", { checkers: "own-prefix-list", network });
            return endpointReachability(world, dnsName, 22, faults);
        };
        // The endpoints a network made before the hook (Secrets Manager only): refused, naming the endpoint.
        const without = standby(interfaceEndpointServicesFor(false));
        expect(without).to.include({ health: "unhealthy", targetsInService: 0 });
        expect(without.reasons[0]).to.match(/call autoscaling at boot, .*no interface endpoint com\.amazonaws\.us-west-2\.autoscaling with private DNS/);
        // What the network makes with the hook: boots during the regional event.
        expect(standby(interfaceEndpointServicesFor(false, true))).to.include({ health: "healthy", targetsInService: 2 });
    });

    it("the drill's line on the standby's boot: each call's path, or why it cannot boot", () => {
        const faults: FaultSpec = { regions: { "us-east-1": "fail" }, types: {} };
        const asgOf = (world: WorldResource[]) => world.find((r) => r.type === "aws:autoscaling/group:Group") as WorldResource;
        const endpoints = gatewayWorld("us-west-2", { network: endpointsOnly }).world;
        expect(bootPathSummary(endpoints, asgOf(endpoints), faults)).to.equal("asg-us-west-2 boots: s3 through its gateway endpoint, secretsmanager through its interface endpoint, nothing outside AWS");
        const natOnly = gatewayWorld("us-west-2", { network: { ...endpointsOnly, nat: true, interfaceEndpoints: {} } }).world;
        expect(bootPathSummary(natOnly, asgOf(natOnly), { regions: {}, types: {} })).to.equal("asg-us-west-2 boots: s3 through its gateway endpoint, secretsmanager through a NAT gateway and the internet, nothing outside AWS");
        expect(bootPathSummary(natOnly, asgOf(natOnly), faults)).to.match(/^asg-us-west-2 cannot boot: the instances of asg-us-west-2 call secretsmanager at boot, the internet is gone during the regional event \(fault injected in us-east-1\)/);
    });

    it("a NAT gateway serves what has no endpoint until the regional event takes the internet", () => {
        const viaNat: BootNetwork = { ...endpointsOnly, nat: true, interfaceEndpoints: {} };
        const { world, dnsName } = gatewayWorld("us-west-2", { checkers: "own-prefix-list", network: viaNat, bootHosts: ["ftp.osuosl.org"] });
        expect(endpointReachability(world, dnsName, 22).health).to.equal("healthy");
        const during = endpointReachability(world, dnsName, 22, { regions: { "us-east-1": "fail" }, types: {} });
        expect(during.reasons).to.deep.equal([
            "the instances of asg-us-west-2 boot from ftp.osuosl.org, outside AWS, and the internet is gone during the regional event (fault injected in us-east-1): they never come into service",
        ]);
        // Without NAT, the mirror is out of reach even with no event.
        const noNat = gatewayWorld("us-west-2", { checkers: "own-prefix-list", network: endpointsOnly, bootHosts: ["ftp.osuosl.org"] });
        expect(endpointReachability(noNat.world, noNat.dnsName, 22).reasons[0]).to.match(/boot from ftp\.osuosl\.org, outside AWS, and subnet subnet-us-west-2 has no route to the internet \(no NAT gateway\)/);
    });

    it("is unhealthy for a name no load balancer has, or a port with no listener", () => {
        const { world, dnsName } = gatewayWorld("us-east-1", { checkers: "own-prefix-list" });
        expect(endpointReachability(world, "nothing.elb.us-east-1.amazonaws.com", 22).reasons).to.deep.equal(["no load balancer answers to nothing.elb.us-east-1.amazonaws.com"]);
        expect(endpointReachability(world, dnsName, 2222).reasons.join("\n")).to.contain("has no listener on port 2222");
    });

    it("compares IPv4 ranges by containment", () => {
        expect(cidrContains("0.0.0.0/0", "54.243.31.192/26")).to.equal(true);
        expect(cidrContains("54.243.0.0/16", "54.243.31.192/26")).to.equal(true);
        expect(cidrContains("54.243.31.192/27", "54.243.31.192/26")).to.equal(false);
        expect(cidrContains("203.0.113.0/24", "54.243.31.192/26")).to.equal(false);
    });
});
