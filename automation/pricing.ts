// Standby cost of each posture: an ESTIMATE from a small, dated, on-demand price table. It is
// there to compare postures ("what does keeping the secondary warm cost?"), not to predict a bill:
// data transfer, LCUs, storage and requests depend on traffic and are left out or priced per GB.
import { CapacityMode, Posture, postures, postureSpec, RegionName, regionNames } from "../foundation/posture";

/** The date the prices below were read (AWS public price list, us-east-1, on-demand, USD). */
export const priceTableDate = "2026-11-01";

/** Hours in the month the estimate uses (AWS's own convention). */
export const hoursPerMonth = 730;

/** The dated price table. */
export const prices = {
    /** EC2 Linux on-demand, per instance-hour. */
    instanceHourUsd: {
        "t3.micro": 0.0104,
        "t3.small": 0.0208,
        "t3.medium": 0.0416,
        "t4g.small": 0.0168,
        "m5.large": 0.096,
        "c6i.large": 0.085,
    } as Readonly<Record<string, number>>,
    /** EBS gp3 storage, per GB-month (a gateway's root volume; what a stopped instance still costs). */
    ebsGp3GbMonthUsd: 0.08,
    /** Network Load Balancer, per hour (LCUs excluded). */
    nlbHourUsd: 0.0225,
    /** NAT gateway, per hour (data processed excluded). */
    natGatewayHourUsd: 0.045,
    /** NAT gateway, per GB processed. */
    natGatewayPerGbUsd: 0.045,
    /** Interface VPC endpoint, per endpoint per zone per hour (data processed excluded). */
    interfaceEndpointZoneHourUsd: 0.01,
    /** Public IPv4 address (the NAT gateway's Elastic IP, each NLB zone's address), per hour. */
    publicIpv4HourUsd: 0.005,
    /** CloudWatch Logs ingestion (VPC flow logs, vended), per GB. */
    flowLogsPerGbUsd: 0.5,
    /** Route 53 health check for an AWS endpoint, per month. */
    healthCheckMonthUsd: 0.5,
    /** Extra per month for the 10 s request interval on an AWS endpoint. */
    fastIntervalMonthUsd: 1.0,
    /** CloudWatch standard-resolution alarm, per month. */
    alarmMonthUsd: 0.1,
    /** Hosted zone, per month. */
    hostedZoneMonthUsd: 0.5,
    /** S3 cross-region replication transfer, per GB replicated. */
    replicationPerGbUsd: 0.02,
} as const;

/** What the estimate assumes about the deployment. */
export interface CostAssumptions {
    /** Gateway instance type. Defaults to t3.small. */
    readonly instanceType?: string;
    /** Instances of a region in `active` mode. Defaults to 2. */
    readonly activeInstances?: number;
    /** Instances in `pilot-light` mode. Defaults to 1. */
    readonly pilotLightInstances?: number;
    /** Health check request interval (10 costs extra). Defaults to 10. */
    readonly healthCheckInterval?: number;
    /** Availability zones of each region (one NLB address each). Defaults to 2. */
    readonly availabilityZones?: number;
    /** Whether the regions run NAT gateways (`network.nat`): one per zone. Defaults to true. */
    readonly nat?: boolean;
}

/**
 * The interface endpoints each region's network makes for what boot calls besides S3 (the list
 * `interfaceEndpointServices` in components/network.ts, which a test keeps equal to this one;
 * not imported, so the estimate does not load the AWS provider).
 */
export const interfaceEndpointServices: readonly string[] = ["secretsmanager"];

/** One line of an estimate. */
export interface CostItem {
    readonly item: string;
    readonly region?: RegionName;
    readonly monthlyUsd: number;
}

/** The monthly estimate of one posture. */
export interface CostEstimate {
    readonly posture: Posture;
    /** Always true: this is an estimate from `priceTableDate`'s list prices. */
    readonly estimate: true;
    readonly priceTableDate: string;
    readonly items: readonly CostItem[];
    readonly monthlyUsd: number;
    /** The part spent on the region(s) taking no traffic in this posture: the price of standing by. */
    readonly standbyMonthlyUsd: number;
    /** Costs that depend on traffic and are not in the total. */
    readonly excluded: readonly string[];
}

function round(usd: number): number {
    return Math.round(usd * 100) / 100;
}

/** Instances a capacity mode runs. */
export function instancesFor(mode: CapacityMode, assumptions: CostAssumptions = {}): number {
    switch (mode) {
        case "active":
            return assumptions.activeInstances ?? 2;
        case "pilot-light":
            return assumptions.pilotLightInstances ?? 1;
        case "drained":
            return 0;
        default:
            throw new Error(`unknown capacity mode "${mode as string}"`);
    }
}

/** The monthly estimate of one posture. */
export function estimatePostureCost(posture: Posture, assumptions: CostAssumptions = {}): CostEstimate {
    const instanceType = assumptions.instanceType ?? "t3.small";
    const hourly = prices.instanceHourUsd[instanceType];
    if (hourly === undefined) {
        throw new Error(`no price for instance type "${instanceType}" (known: ${Object.keys(prices.instanceHourUsd).join(", ")})`);
    }
    const spec = postureSpec(posture);
    const healthCheckUsd = prices.healthCheckMonthUsd + ((assumptions.healthCheckInterval ?? 10) === 10 ? prices.fastIntervalMonthUsd : 0);
    const items: CostItem[] = [];
    for (const region of regionNames) {
        const count = instancesFor(spec.capacity[region], assumptions);
        items.push({ item: `${count} × ${instanceType}`, region, monthlyUsd: round(count * hourly * hoursPerMonth) });
        items.push({ item: "network load balancer", region, monthlyUsd: round(prices.nlbHourUsd * hoursPerMonth) });
        // The private design's standing price, whatever the capacity mode: a NAT gateway per zone
        // when NAT is on (components/network.ts), the interface endpoints boot calls, and the
        // public IPv4 addresses (each NAT's Elastic IP and one per NLB zone).
        const zones = assumptions.availabilityZones ?? 2;
        const nats = (assumptions.nat ?? true) ? zones : 0;
        if (nats > 0) {
            items.push({ item: `${nats} NAT gateway(s), one per zone (private instances' egress)`, region, monthlyUsd: round(nats * prices.natGatewayHourUsd * hoursPerMonth) });
        }
        items.push({
            item: `${interfaceEndpointServices.length} interface endpoint(s) in ${zones} zones (${interfaceEndpointServices.join(", ")})`,
            region,
            monthlyUsd: round(interfaceEndpointServices.length * zones * prices.interfaceEndpointZoneHourUsd * hoursPerMonth),
        });
        const addresses = nats + zones;
        items.push({ item: `${addresses} public IPv4 addresses (${nats > 0 ? "NATs, " : ""}NLB zones)`, region, monthlyUsd: round(addresses * prices.publicIpv4HourUsd * hoursPerMonth) });
        // Endpoint check + fence check (CloudWatch metric) + calculated check; one fence alarm.
        items.push({ item: "health checks (endpoint, fence, calculated)", region, monthlyUsd: round(healthCheckUsd + 2 * prices.healthCheckMonthUsd) });
        items.push({ item: "fence alarm", region, monthlyUsd: prices.alarmMonthUsd });
    }
    items.push({ item: "hosted zone", monthlyUsd: prices.hostedZoneMonthUsd });
    const standbyRegions = regionNames.filter((r) => spec.weights[r] === 0);
    const sum = (list: readonly CostItem[]) => round(list.reduce((acc, i) => acc + i.monthlyUsd, 0));
    return {
        posture,
        estimate: true,
        priceTableDate,
        items,
        monthlyUsd: sum(items),
        standbyMonthlyUsd: sum(items.filter((i) => i.region !== undefined && standbyRegions.includes(i.region))),
        excluded: [
            `S3 replication transfer ($${prices.replicationPerGbUsd}/GB replicated)`,
            "NLB LCUs",
            "S3 storage and requests",
            "data transfer out",
            `NAT gateway data processed ($${prices.natGatewayPerGbUsd}/GB; S3 traffic bypasses it through the gateway endpoint)`,
            `VPC flow logs ingestion ($${prices.flowLogsPerGbUsd}/GB)`,
        ],
    };
}

/** Estimates for every posture, in the usual order. */
export function estimateAllPostures(assumptions: CostAssumptions = {}): CostEstimate[] {
    return postures.map((p) => estimatePostureCost(p, assumptions));
}
