import { FaultSpec } from "./faults";
import { cidrContains, ruleCoversPort, rulesOf } from "./security-group-rules";
import { factString, factStrings, ofType, WorldResource } from "./world";

/**
 * Whether an Auto Scaling group's instances can boot: every AWS service their user data calls
 * (boot-hosts.ts) must be reachable from each of their subnets, and every host outside AWS needs a
 * route to the internet. From a private subnet (no public addresses), a service is reachable:
 *  - through a **gateway endpoint** of the service (S3) on the subnet's route table;
 *  - through an **interface endpoint** of the service in the subnet's VPC with **private DNS** on
 *    (the AWS CLI calls the service's default name, which private DNS points at the endpoint —
 *    without it the name resolves to public addresses; Amazon VPC User Guide, "Access an AWS
 *    service using an interface VPC endpoint"), whose security group admits HTTPS from the subnet;
 *  - or over the internet, through a NAT gateway route (`0.0.0.0/0` to `natGatewayId`).
 * A region fault stands for a regional event, and the model takes the internet with it (the shared
 * paths and third-party mirrors a NAT reaches are the first to go, and nothing promises them back),
 * so during one only endpoints serve. When the world holds none of the group's subnets (an existing
 * network the stack did not create), only that loss of the internet is judged.
 */
export function whyBootFails(world: readonly WorldResource[], asg: WorldResource, name: string, faults: FaultSpec): string | undefined {
    const template = launchTemplateOf(world, asg);
    if (template === undefined) {
        return undefined;
    }
    const outside = factStrings(template, "bootHostsOutsideAws");
    const services = factStrings(template, "bootAwsServices");
    const faulted = Object.keys(faults.regions).sort();
    const subnets = factStrings(asg, "vpcZoneIdentifiers").flatMap((id) => ofType(world, "aws:ec2/subnet:Subnet").filter((s) => s.id === id));
    if (subnets.length === 0) {
        // Subnets the world does not hold: only the internet's loss during a regional event is judged.
        return outside.length > 0 && faulted.length > 0 ? outsideReason(name, outside, internetGone(faulted)) : undefined;
    }
    for (const subnet of subnets) {
        const subnetId = subnet.id;
        const table = routeTableOf(world, subnetId);
        const nat = (table === undefined ? [] : routesOf(table)).some((r) => r.cidrBlock === "0.0.0.0/0" && typeof r.natGatewayId === "string" && r.natGatewayId !== "");
        const internet = nat && faulted.length === 0;
        const noInternet = nat ? internetGone(faulted) : `subnet ${subnetId} has no route to the internet (no NAT gateway)`;
        if (outside.length > 0 && !internet) {
            return outsideReason(name, outside, noInternet);
        }
        for (const service of services) {
            if (!internet && !endpointServes(world, asg, subnet, table?.id, service)) {
                const endpoint = `com.amazonaws.${subnet.region}.${service}`;
                return `the instances of ${name} call ${service} at boot, ${noInternet}, and the VPC has no ${service === "s3" ? "gateway endpoint on the subnet's route table or " : ""}interface endpoint ${endpoint} with private DNS that admits HTTPS from the subnet: they never come into service`;
            }
        }
    }
    return undefined;
}

/**
 * One line on how an Auto Scaling group's instances boot during the faults in force: each AWS
 * service their user data calls and the path that serves it, or why they cannot boot. For the
 * drill's outage step, which scales the standby with the internet cut.
 */
export function bootPathSummary(world: readonly WorldResource[], asg: WorldResource, faults: FaultSpec): string {
    const name = factString(asg, "name") ?? asg.id;
    const why = whyBootFails(world, asg, name, faults);
    if (why !== undefined) {
        return `${name} cannot boot: ${why}`;
    }
    const template = launchTemplateOf(world, asg);
    const subnet = ofType(world, "aws:ec2/subnet:Subnet").find((s) => factStrings(asg, "vpcZoneIdentifiers").includes(s.id));
    if (template === undefined || subnet === undefined) {
        return `${name} boots (the world holds none of its subnets: only hosts outside AWS are judged)`;
    }
    const table = routeTableOf(world, subnet.id);
    const internet = Object.keys(faults.regions).length === 0 ? "the internet" : "the internet (cut now)";
    const paths = factStrings(template, "bootAwsServices").map((service) => {
        const endpoint = ofType(world, "aws:ec2/vpcEndpoint:VpcEndpoint").find(
            (e) => factString(e, "vpcId") === factString(subnet, "vpcId") && factString(e, "serviceName") === `com.amazonaws.${subnet.region}.${service}`,
        );
        const served = endpoint !== undefined && endpointServes(world, asg, subnet, table?.id, service);
        return `${service} through ${served ? `its ${(factString(endpoint, "vpcEndpointType") ?? "Gateway").toLowerCase()} endpoint` : `a NAT gateway and ${internet}`}`;
    });
    const outside = factStrings(template, "bootHostsOutsideAws");
    return `${name} boots: ${[...paths, outside.length === 0 ? "nothing outside AWS" : `${outside.join(", ")} through a NAT gateway`].join(", ")}`;
}

const internetGone = (faulted: readonly string[]): string => `the internet is gone during the regional event (fault injected in ${faulted.join(", ")})`;

const outsideReason = (name: string, outside: readonly string[], noInternet: string): string =>
    `the instances of ${name} boot from ${outside.join(", ")}, outside AWS, and ${noInternet}: they never come into service`;

/** The launch template an Auto Scaling group launches from. */
export function launchTemplateOf(world: readonly WorldResource[], asg: WorldResource): WorldResource | undefined {
    const id = (asg.facts.launchTemplate as { id?: unknown } | undefined)?.id;
    return ofType(world, "aws:ec2/launchTemplate:LaunchTemplate").find((t) => t.id === id);
}

/** The security groups a launch template gives its instances. */
export function instanceGroups(world: readonly WorldResource[], asg: WorldResource): string[] {
    const template = launchTemplateOf(world, asg);
    if (template === undefined) {
        return [];
    }
    const interfaces = Array.isArray(template.facts.networkInterfaces) ? (template.facts.networkInterfaces as { securityGroups?: unknown }[]) : [];
    return [
        ...factStrings(template, "vpcSecurityGroupIds"),
        ...interfaces.flatMap((n) => (Array.isArray(n.securityGroups) ? n.securityGroups.filter((x): x is string => typeof x === "string") : [])),
    ];
}

function routeTableOf(world: readonly WorldResource[], subnetId: string): WorldResource | undefined {
    const association = ofType(world, "aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => factString(a, "subnetId") === subnetId);
    const tableId = association === undefined ? undefined : factString(association, "routeTableId");
    return ofType(world, "aws:ec2/routeTable:RouteTable").find((t) => t.id === tableId);
}

function routesOf(table: WorldResource): Record<string, unknown>[] {
    return Array.isArray(table.facts.routes) ? (table.facts.routes as Record<string, unknown>[]) : [];
}

/** Whether an endpoint of the subnet's VPC serves `service` to the subnet's instances. */
function endpointServes(world: readonly WorldResource[], asg: WorldResource, subnet: WorldResource, tableId: string | undefined, service: string): boolean {
    const vpcId = factString(subnet, "vpcId");
    const serviceName = `com.amazonaws.${subnet.region}.${service}`;
    const endpoints = ofType(world, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => factString(e, "vpcId") === vpcId && factString(e, "serviceName") === serviceName);
    return endpoints.some((e) => {
        const type = factString(e, "vpcEndpointType") ?? "Gateway";
        if (type === "Gateway") {
            return tableId !== undefined && factStrings(e, "routeTableIds").includes(tableId);
        }
        return type === "Interface" && e.facts.privateDnsEnabled === true && admitsHttps(world, e, subnet, instanceGroups(world, asg));
    });
}

/** Whether an interface endpoint's security groups admit HTTPS from the subnet (its CIDR, or the instances' groups). */
function admitsHttps(world: readonly WorldResource[], endpoint: WorldResource, subnet: WorldResource, groups: readonly string[]): boolean {
    const subnetCidr = factString(subnet, "cidrBlock");
    return rulesOf(world, factStrings(endpoint, "securityGroupIds"), "ingress").some(
        (r) =>
            ruleCoversPort(r, 443) &&
            ((r.cidrIpv4 !== undefined && subnetCidr !== undefined && cidrContains(r.cidrIpv4, subnetCidr)) || groups.includes(r.referencedSecurityGroupId ?? "")),
    );
}
