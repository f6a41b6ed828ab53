// What the check after DNS moves (post-dns-check.ts) needs from the driver's world: which region an
// answered address belongs to, the health the driver knows, and the host keys every region shares.
// Kept apart from the check so it stays free of stack outputs and of any resolver.
import { Resolver } from "node:dns/promises";
import { isIP } from "node:net";
import { RegionalOutputs } from "../../stacks/contract";
import { RegionHealthState } from "../dns-answers";
import { RegionName, regionNames } from "../../foundation/posture";
import { AddressLocation, AddressLocator } from "./post-dns-check";
import { SftpEndpoint } from "./sftp-endpoint";
import { AfterDnsCheckOptions, FenceState } from "./types";
import { fingerprintsOf } from "./verify";

/** Each region's outputs as the contract reads them (readRegionalOutputs). */
type RegionsOutputs = Readonly<Record<RegionName, Partial<RegionalOutputs>>>;

/** Whether `text` is a DNS server as node's resolver takes one: `ip`, `ip:port` or `[ipv6]:port`. */
export function isDnsServer(text: string): boolean {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(text);
    const host = m === null ? text : (m[1] ?? m[2]);
    const port = m === null ? 53 : Number(m[3]);
    return isIP(host) !== 0 && port >= 1 && port <= 65535;
}

/**
 * Refuses options the check could not run with, before a switch starts (so nothing is changed).
 *
 * @throws Error naming the option and the value.
 */
/**
 * An address given to both regions, or undefined. An answer is a region's by its address, so one
 * address in both would always be counted as the first region's.
 */
export function addressOfBothRegions(addresses: Readonly<Partial<Record<RegionName, readonly string[]>>>): string | undefined {
    return (addresses.primary ?? []).find((a) => (addresses.secondary ?? []).includes(a));
}

export function checkAfterDnsOptions(options: AfterDnsCheckOptions): void {
    if (options.servers.length === 0) {
        throw new Error("afterDns.servers is empty: name the authoritative server(s) to ask");
    }
    for (const server of options.servers) {
        if (!isDnsServer(server)) {
            throw new Error(`afterDns.servers has "${server}", which is not ip, ip:port or [ipv6]:port`);
        }
    }
    const queries = options.queries ?? 20;
    if (!Number.isInteger(queries) || queries < 1 || queries > 10_000) {
        throw new Error(`afterDns.queries must be an integer 1–10000 (got ${String(options.queries)})`);
    }
    if (options.settleMs !== undefined && !(Number.isFinite(options.settleMs) && options.settleMs >= 0)) {
        throw new Error(`afterDns.settleMs must be a number ≥ 0 (got ${String(options.settleMs)})`);
    }
    for (const [region, addresses] of Object.entries(options.regionAddresses ?? {})) {
        if (!(regionNames as readonly string[]).includes(region)) {
            throw new Error(`afterDns.regionAddresses has unknown region "${region}" (valid: ${regionNames.join(", ")})`);
        }
        const bad = (addresses ?? []).find((a) => isIP(a) === 0);
        if (bad !== undefined) {
            throw new Error(`afterDns.regionAddresses.${region} has "${bad}", which is not an IP address`);
        }
    }
    const shared = addressOfBothRegions(options.regionAddresses ?? {});
    if (shared !== undefined) {
        throw new Error(`afterDns.regionAddresses gives ${shared} to both primary and secondary: an answer could not be told apart`);
    }
}

/**
 * Addresses given per region (a lab's records, a private zone). A session to an address goes to
 * the region's configured endpoint when there is one (a lab's loopback port, a tunnel), else to
 * the address itself at `port`.
 */
export function fixedAddressLocator(
    addresses: Readonly<Partial<Record<RegionName, readonly string[]>>>,
    endpoints: Readonly<Partial<Record<RegionName, SftpEndpoint>>>,
    port: (region: RegionName) => number,
): AddressLocator {
    return async (address) => {
        const region = regionNames.find((r) => addresses[r]?.includes(address) === true);
        return region === undefined ? undefined : { region, endpoint: endpoints[region] ?? { host: address, port: port(region) } };
    };
}

/**
 * On AWS: an answered address is a region's when that region's endpoint name (the NLB's, the
 * regional stack's `endpointDnsName`) resolves to it, as the alias record does. Each name is
 * resolved once, through the system's resolvers (or `resolve4` in tests).
 */
export function endpointNameLocator(
    outputs: RegionsOutputs,
    resolve4: (name: string) => Promise<string[]> = (name) => new Resolver({ timeout: 2000, tries: 2 }).resolve4(name),
): AddressLocator {
    let table: Promise<Map<string, AddressLocation>> | undefined;
    const build = async () => {
        const map = new Map<string, AddressLocation>();
        for (const region of regionNames) {
            const { endpointDnsName: name, endpointPort: port = 22 } = outputs[region];
            if (name === undefined || name === "") {
                continue;
            }
            for (const address of await resolve4(name).catch(() => [] as string[])) {
                map.set(address, { region, endpoint: { host: address, port } });
            }
        }
        return map;
    };
    return async (address) => (await (table ??= build())).get(address);
}

/**
 * The health the driver knows, in the terms of Route 53's answer: a region is fenced when its fence
 * reads fenced or this run fenced it; its endpoint is unhealthy only when a source says so (an
 * unknown check counts as healthy, as Route 53 treats a check with no data).
 */
export function knownHealth(
    fence: Readonly<Record<RegionName, FenceState>>,
    fencedInRun: readonly RegionName[],
    endpointHealth?: Readonly<Partial<Record<RegionName, { readonly health: string }>>>,
): Record<RegionName, RegionHealthState> {
    const one = (r: RegionName): RegionHealthState => ({
        endpointHealthy: endpointHealth?.[r]?.health !== "unhealthy",
        fenced: fence[r] === "fenced" || fencedInRun.includes(r),
    });
    return { primary: one("primary"), secondary: one("secondary") };
}

/**
 * The host key fingerprints every deployed region exports: what a client that knows the service
 * name trusts wherever DNS sends it. A key only one region has would draw a warning in the other.
 */
export function sharedFingerprints(outputs: RegionsOutputs): string[] {
    const sets = regionNames.map((r) => fingerprintsOf(outputs[r])).filter((fps) => fps.length > 0);
    if (sets.length === 0) {
        return [];
    }
    return sets[0].filter((fp) => sets.every((s) => s.includes(fp)));
}
