import { instanceGroups, whyBootFails } from "./boot-path";
import { FaultSpec, noFaults } from "./faults";
import { forwardedTargetGroups } from "./lb-actions";
import { healthCheckerRangesIpv4, managedPrefixListById } from "./prefix-lists";
import { cidrContains, ruleCoversPort, rulesOf, Source } from "./security-group-rules";
import { factNumber, factString, factStrings, ofType, WorldResource } from "./world";

export { cidrContains };

/**
 * Who can reach a region's endpoint, from the world's security groups, load balancers, listeners,
 * target groups and Auto Scaling groups — and so what Route 53's TCP check of that endpoint would
 * report. Pure: a world and the faults in, a verdict out.
 *
 * The path a check takes, and what each hop needs:
 *  1. Route 53 resolves the check's name and probes an IPv4 address it gets (Route 53 API
 *     Reference, HealthCheckConfig.IPAddress: "Using an IPv4 address that DNS returns"), from
 *     checkers in several regions (ip-ranges.json, ROUTE53_HEALTHCHECKS). The NLB's security group
 *     must admit the listener port from them: a rule naming the region's
 *     `com.amazonaws.<region>.route53-healthchecks` prefix list, or CIDRs that cover them.
 *     Route 53 calls an endpoint healthy when more than 18% of its checkers do (Route 53 Developer
 *     Guide, "How Route 53 determines whether a health check is healthy").
 *  2. The NLB accepts the connection only on a listener port, and forwards to its target group.
 *  3. A target is in service only when the NLB can reach it on the target port: the NLB's group
 *     lets it out (an explicit egress rule — Pulumi, like Terraform, removes the default
 *     allow-all egress of a group it creates) and the instances' group lets it in from the NLB's
 *     group (ELB User Guide, "Security groups for your Network Load Balancer"; target health checks
 *     take the same path). An NLB with no security group passes traffic on and only the targets'
 *     groups filter it.
 *  4. A region made unreachable by an injected fault (faults.ts) answers nothing at all, and while
 *     any region fault is in force the internet is gone too. Instances boot only when what their
 *     user data calls is reachable from their subnets: AWS services through VPC endpoints or a NAT
 *     gateway, hosts outside AWS through a NAT gateway and only while the internet is there
 *     (boot-path.ts).
 * A TCP check only connects, so (as with AWS) the instances answering on the port is enough.
 */

/** What the model says of one endpoint. */
export interface EndpointReachability {
    /** The endpoint's DNS name, as asked. */
    readonly endpoint: string;
    readonly port: number;
    /** The region of the load balancer behind the name (absent when none exists). */
    readonly region?: string;
    /** What Route 53's TCP check of the endpoint would report. */
    readonly health: "healthy" | "unhealthy";
    /** Health checker ranges the load balancer admits on the listener port, of all published. */
    readonly checkers: { readonly admitted: number; readonly total: number };
    /** CIDRs (not prefix lists) admitted on the listener port: the SFTP clients. */
    readonly clientCidrs: readonly string[];
    /** Prefix lists admitted on the listener port, by id. */
    readonly prefixLists: readonly string[];
    /** Instances the load balancer can reach on the target port (the Auto Scaling groups' desired capacity). */
    readonly targetsInService: number;
    /** Why the check is unhealthy (empty when healthy). */
    readonly reasons: readonly string[];
}

/** Route 53 considers an endpoint healthy when more than this share of its checkers do. */
export const healthyCheckerShare = 0.18;

const dnsKey = (name: string): string => name.toLowerCase().replace(/\.$/, "").replace(/^dualstack\./, "");

/**
 * Why the load balancer (of security groups `lbGroups`) cannot count `asg`'s instances in service on
 * the target `port`, or undefined when it can: the instances must admit the port from the load
 * balancer's group, the load balancer's group must let it out, and there must be instances.
 */
export function whyNotInService(
    world: readonly WorldResource[],
    lbGroups: readonly string[],
    asg: WorldResource,
    port: number,
    faults: FaultSpec = noFaults,
): string | undefined {
    const groups = instanceGroups(world, asg);
    const admitted = rulesOf(world, groups, "ingress").some(
        (r) => ruleCoversPort(r, port) && (lbGroups.length === 0 ? r.cidrIpv4 !== undefined || r.prefixListId !== undefined : lbGroups.includes(r.referencedSecurityGroupId ?? "")),
    );
    const letOut = lbGroups.length === 0 || rulesOf(world, lbGroups, "egress").some(
        (r) => ruleCoversPort(r, port) && (groups.includes(r.referencedSecurityGroupId ?? "") || r.cidrIpv4 !== undefined),
    );
    const name = factString(asg, "name") ?? asg.id;
    if (!admitted) {
        return `the instances of ${name} do not admit port ${port} from the load balancer's security group`;
    }
    if (!letOut) {
        return `the load balancer's security group lets nothing out to ${name} on port ${port}`;
    }
    if ((factNumber(asg, "desiredCapacity") ?? 0) === 0) {
        return `${name} has no instances (desired capacity 0)`;
    }
    return whyBootFails(world, asg, name, faults);
}

/** The security groups of the load balancers whose listeners forward to target group `arn`. */
export function loadBalancerGroupsOf(world: readonly WorldResource[], arn: string): string[][] {
    const lbArns = ofType(world, "aws:lb/listener:Listener")
        .filter((l) => forwardedTargetGroups(l.facts.defaultActions).includes(arn))
        .map((l) => factString(l, "loadBalancerArn"));
    return ofType(world, "aws:lb/loadBalancer:LoadBalancer")
        .filter((lb) => lbArns.includes(lb.id))
        .map((lb) => factStrings(lb, "securityGroups"));
}

/** The instances the load balancer can reach on each target group's port. */
function targetsInService(world: readonly WorldResource[], lbGroups: readonly string[], targetGroupArns: readonly string[], reasons: string[], faults: FaultSpec): number {
    let total = 0;
    for (const arn of targetGroupArns) {
        const tg = ofType(world, "aws:lb/targetGroup:TargetGroup").find((t) => t.id === arn);
        const port = tg !== undefined ? factNumber(tg, "port") : undefined;
        if (tg === undefined || port === undefined) {
            reasons.push(`target group ${arn} does not exist`);
            continue;
        }
        const asgs = ofType(world, "aws:autoscaling/group:Group").filter((g) => factStrings(g, "targetGroupArns").includes(arn));
        for (const asg of asgs) {
            const why = whyNotInService(world, lbGroups, asg, port, faults);
            if (why !== undefined) {
                reasons.push(why);
            } else {
                total += factNumber(asg, "desiredCapacity") ?? 0;
            }
        }
        if (asgs.length === 0) {
            reasons.push(`no Auto Scaling group registers targets in ${factString(tg, "name") ?? arn}`);
        }
    }
    return total;
}

/** What Route 53's TCP check of `endpoint`:`port` would report, given the world and the faults in force. */
export function endpointReachability(
    world: readonly WorldResource[],
    endpoint: string,
    port: number,
    faults: FaultSpec = noFaults,
): EndpointReachability {
    const total = healthCheckerRangesIpv4.length;
    const lb = ofType(world, "aws:lb/loadBalancer:LoadBalancer").find((r) => dnsKey(factString(r, "dnsName") ?? "") === dnsKey(endpoint));
    if (lb === undefined) {
        return {
            endpoint, port, health: "unhealthy", checkers: { admitted: 0, total }, clientCidrs: [], prefixLists: [], targetsInService: 0,
            reasons: [`no load balancer answers to ${endpoint}`],
        };
    }
    const region = lb.region;
    const reasons: string[] = [];
    if (faults.regions[region] !== undefined) {
        reasons.push(`region ${region} is unreachable (fault injected: ${faults.regions[region]})`);
    }
    const listener = ofType(world, "aws:lb/listener:Listener").find((l) => factString(l, "loadBalancerArn") === lb.id && factNumber(l, "port") === port);
    if (listener === undefined) {
        reasons.push(`${factString(lb, "name") ?? lb.id} has no listener on port ${port}`);
    }
    const lbGroups = factStrings(lb, "securityGroups");
    const sources = lbGroups.length === 0 ? [{ cidrIpv4: "0.0.0.0/0" } as Source] : rulesOf(world, lbGroups, "ingress").filter((r) => ruleCoversPort(r, port));
    const admittedRanges = sources.flatMap((s) => {
        if (s.cidrIpv4 !== undefined) {
            return [s.cidrIpv4];
        }
        const list = s.prefixListId !== undefined ? managedPrefixListById(region, s.prefixListId) : undefined;
        return list?.addressFamily === "IPv4" ? list.entries.map((e) => e.cidr) : [];
    });
    const admitted = healthCheckerRangesIpv4.filter((c) => admittedRanges.some((a) => cidrContains(a, c))).length;
    if (admitted / total <= healthyCheckerShare) {
        reasons.push(
            `the load balancer's security group admits port ${port} from ${admitted} of ${total} Route 53 health checker ranges (it needs more than ${Math.round(healthyCheckerShare * 100)}%: reference com.amazonaws.${region}.route53-healthchecks)`,
        );
    }
    const targetReasons: string[] = [];
    const inService = listener === undefined ? 0 : targetsInService(world, lbGroups, forwardedTargetGroups(listener.facts.defaultActions), targetReasons, faults);
    if (listener !== undefined && inService === 0) {
        reasons.push(...(targetReasons.length > 0 ? targetReasons : ["the listener forwards to no target group"]));
    }
    return {
        endpoint,
        port,
        region,
        health: reasons.length === 0 ? "healthy" : "unhealthy",
        checkers: { admitted, total },
        clientCidrs: sources.flatMap((s) => [s.cidrIpv4, s.cidrIpv6].filter((x): x is string => x !== undefined)),
        prefixLists: sources.flatMap((s) => (s.prefixListId !== undefined ? [s.prefixListId] : [])),
        targetsInService: inService,
        reasons,
    };
}

/**
 * Whether Route 53 would answer every record anyway: when every record of a weighted set is
 * unhealthy, Route 53 treats them all as healthy (Route 53 Developer Guide, "How Amazon Route 53
 * chooses records when health checking is configured") — so automatic failover and the fence
 * do nothing.
 */
export function failsOpen(reports: readonly Pick<EndpointReachability, "health">[]): boolean {
    return reports.length > 0 && reports.every((r) => r.health === "unhealthy");
}
