// The flags of the check after DNS moves (automation/driver/post-dns-check.ts): where to ask
// (`--dns-server`), which name (`--service-name`, default the dns stack's recordFqdn) and, where an
// answered address cannot be traced back through each region's endpoint name (a lab, a private
// zone), which addresses are each region's (`--region-address`).
import { isIP } from "node:net";
import { Argv } from "yargs";
import type { AfterDnsCheckOptions } from "../driver/types";
import { RegionName, regionNames } from "../../foundation/posture";
import { UsageError } from "./errors";
import { addressOfBothRegions, isDnsServer } from "../driver/post-dns-inputs";

/** The flags as yargs parses them. */
export interface AfterDnsArgs {
    readonly "dns-server"?: string[];
    readonly "service-name"?: string;
    readonly "region-address"?: string[];
    readonly "dns-settle"?: number;
}

/** Adds the flags to a switching verb. */
export function withAfterDnsOptions<T>(y: Argv<T>) {
    return y
        .option("dns-server", {
            type: "string",
            array: true,
            nargs: 1,
            describe: "After DNS moves, ask this authoritative server (ip or ip:port, repeatable) that the service name answers the new split, and open one SFTP session through it",
        })
        .option("dns-settle", { type: "number", describe: "Seconds the check after DNS keeps asking while the answers still show the old split (default: 60, Route 53's propagation)" })
        .option("service-name", { type: "string", nargs: 1, describe: "The name the check after DNS resolves (default: the dns stack's recordFqdn output)" })
        .option("region-address", {
            type: "string",
            array: true,
            nargs: 1,
            describe: "region=ip[,ip…]: the addresses that are a region's in the answers (default: what its endpointDnsName resolves to); sessions go to its --sftp-endpoint when given",
        });
}

/** `ip`, `ip:port` or `[ipv6]:port`, as node's resolver takes a server. */
function checkServer(value: string): string {
    if (!isDnsServer(value)) {
        throw new UsageError(`--dns-server must be an IP address, ip:port or [ipv6]:port with a port 1–65535 (got "${value}")`);
    }
    return value;
}

/** Parses `--region-address region=ip[,ip…]` (once per region). */
function regionAddressesOf(values: readonly string[]): Partial<Record<RegionName, string[]>> {
    const out: Partial<Record<RegionName, string[]>> = {};
    for (const value of values) {
        const m = /^([^=]*)=(.+)$/.exec(value);
        const region = m?.[1] ?? "";
        if (m === null || !(regionNames as readonly string[]).includes(region)) {
            throw new UsageError(`--region-address must be region=ip[,ip…] with region ${regionNames.join(" or ")} (got "${value}")`);
        }
        if (out[region as RegionName] !== undefined) {
            throw new UsageError(`--region-address names ${region} twice`);
        }
        const addresses = m[2].split(",").map((a) => a.trim());
        const bad = addresses.find((a) => isIP(a) === 0);
        if (bad !== undefined) {
            throw new UsageError(`--region-address ${region}: "${bad}" is not an IP address`);
        }
        out[region as RegionName] = addresses;
    }
    const shared = addressOfBothRegions(out);
    if (shared !== undefined) {
        throw new UsageError(`--region-address gives ${shared} to both primary and secondary: an answer could not be told apart`);
    }
    return out;
}

/** The check's options, or undefined without `--dns-server`; throws UsageError naming the flag. */
export function afterDnsOf(argv: AfterDnsArgs): AfterDnsCheckOptions | undefined {
    const servers = argv["dns-server"] ?? [];
    if (servers.length === 0) {
        const given = (["service-name", "region-address", "dns-settle"] as const).find((k) => argv[k] !== undefined && !(Array.isArray(argv[k]) && argv[k].length === 0));
        if (given !== undefined) {
            throw new UsageError(`--${given} needs --dns-server (where the check after DNS asks)`);
        }
        return undefined;
    }
    const name = argv["service-name"]?.trim();
    if (name !== undefined && !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/.test(name)) {
        throw new UsageError(`--service-name must be a DNS name (got "${argv["service-name"]}")`);
    }
    const settle = argv["dns-settle"];
    if (settle !== undefined && !(Number.isFinite(settle) && settle >= 0)) {
        throw new UsageError(`--dns-settle must be a number of seconds ≥ 0 (got ${String(settle)})`);
    }
    const addresses = argv["region-address"] ?? [];
    return {
        servers: servers.map(checkServer),
        ...(name !== undefined ? { name } : {}),
        ...(addresses.length > 0 ? { regionAddresses: regionAddressesOf(addresses) } : {}),
        ...(settle !== undefined ? { settleMs: settle * 1000 } : {}),
    };
}
