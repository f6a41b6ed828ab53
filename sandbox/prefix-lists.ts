import { stableHex } from "./regions";

/**
 * AWS-managed prefix lists the sandbox knows: Route 53's health checkers, IPv4 and IPv6.
 *
 * AWS publishes them per region as `com.amazonaws.<region>.route53-healthchecks` and
 * `com.amazonaws.<region>.ipv6.route53-healthchecks` (Route 53 Developer Guide, "IP address ranges
 * of Amazon Route 53 servers" → "Referencing prefix lists"; VPC User Guide, "AWS-managed prefix
 * lists"). A prefix list applies only to the region it lives in (VPC User Guide, "Prefix lists
 * concepts and rules"), so a security group must reference its own region's list. The checkers
 * themselves are not regional — every endpoint check is probed from checkers in several regions at
 * once (HealthCheckConfig.Regions) — so the sandbox gives each region's list the ranges of all of
 * them; that is its reading of the docs (which publish the lists per region without saying which
 * checkers each holds), not something it could confirm. The entries below are ranges
 * AWS publishes in ip-ranges.json under `"service": "ROUTE53_HEALTHCHECKS"` (two per checker
 * region); AWS may add ranges, which is why a security group must reference the list rather than
 * copy its CIDRs.
 */

/** One AWS-managed prefix list as `ec2:DescribeManagedPrefixLists` and `GetManagedPrefixListEntries` give it. */
export interface ManagedPrefixList {
    readonly id: string;
    readonly name: string;
    readonly region: string;
    readonly addressFamily: "IPv4" | "IPv6";
    /**
     * The list's maximum size. It counts against a security group's rules quota as that many
     * rules, whatever the number of entries (VPC User Guide: "When you reference a prefix list in a
     * resource, the maximum number of entries for the prefix lists counts against the quota for the
     * number of entries for the resource"). The sandbox's figure; AWS's list may say another.
     */
    readonly maxEntries: number;
    readonly entries: readonly { readonly cidr: string; readonly description: string }[];
}

const checkerRangesIpv4: Readonly<Record<string, readonly string[]>> = {
    "us-east-1": ["107.23.255.0/26", "54.243.31.192/26"],
    "us-west-1": ["54.183.255.128/26", "54.241.32.64/26"],
    "us-west-2": ["54.244.52.192/26", "54.245.168.0/26"],
    "eu-west-1": ["176.34.159.192/26", "54.228.16.0/26"],
    "ap-northeast-1": ["54.248.220.0/26", "54.250.253.192/26"],
    "ap-southeast-1": ["54.251.31.128/26", "54.255.254.192/26"],
    "ap-southeast-2": ["54.252.254.192/26", "54.252.79.128/26"],
    "sa-east-1": ["177.71.207.128/26", "54.232.40.64/26"],
};

const checkerRangesIpv6: Readonly<Record<string, readonly string[]>> = {
    "us-east-1": ["2600:1f18:7fff:f800::/56"],
    "us-west-1": ["2600:1f1c:7ff:f800::/56"],
    "us-west-2": ["2600:1f14:7ff:f800::/56"],
    "eu-west-1": ["2a05:d018:fff:f800::/56"],
    "ap-northeast-1": ["2406:da14:7ff:f800::/56"],
    "ap-southeast-1": ["2406:da18:7ff:f800::/56"],
    "ap-southeast-2": ["2406:da1c:7ff:f800::/56"],
    "sa-east-1": ["2600:1f1e:7ff:f800::/56"],
};

function entriesOf(table: Readonly<Record<string, readonly string[]>>): ManagedPrefixList["entries"] {
    return Object.entries(table).flatMap(([checkerRegion, cidrs]) =>
        cidrs.map((cidr) => ({ cidr, description: `Route 53 health checkers (${checkerRegion})` })),
    );
}

/** Every health checker's IPv4 range, whichever region's list names it. */
export const healthCheckerRangesIpv4: readonly string[] = Object.values(checkerRangesIpv4).flat();

/** The name of a region's Route 53 health-checker list. */
export function healthCheckListName(region: string, family: "IPv4" | "IPv6" = "IPv4"): string {
    return family === "IPv4" ? `com.amazonaws.${region}.route53-healthchecks` : `com.amazonaws.${region}.ipv6.route53-healthchecks`;
}

/** A stable `pl-<17 hex>` id per region and name, as AWS gives each region's copy of a list its own id. */
export function prefixListId(region: string, name: string): string {
    return `pl-${stableHex(17, "prefix-list", region, name)}`;
}

/** The AWS-managed prefix lists of a region. */
export function managedPrefixLists(region: string): ManagedPrefixList[] {
    const make = (family: "IPv4" | "IPv6", table: Readonly<Record<string, readonly string[]>>, maxEntries: number): ManagedPrefixList => {
        const name = healthCheckListName(region, family);
        return { id: prefixListId(region, name), name, region, addressFamily: family, maxEntries, entries: entriesOf(table) };
    };
    return [make("IPv4", checkerRangesIpv4, 32), make("IPv6", checkerRangesIpv6, 16)];
}

/** The managed prefix list with `id` in `region`, or undefined (a list id of another region does not exist there). */
export function managedPrefixListById(region: string, id: string): ManagedPrefixList | undefined {
    return managedPrefixLists(region).find((l) => l.id === id);
}
