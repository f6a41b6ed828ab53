import { execFile } from "node:child_process";
import { Resolver } from "node:dns/promises";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { ChildServer, serverTempDir, startChild, startOnFreePort, waitUntil } from "./child-server";
import { freeTcpUdpPort } from "./ports";

const run = promisify(execFile);

/** Knot DNS, from Debian's `knot` package (installed by scripts/ensure-test-tools). */
export const knotdPath = "/usr/sbin/knotd";
export const knotcPath = "/usr/sbin/knotc";

/** A records by name, relative to the zone (`"sftp"`) or `"@"` for the apex: name → IPv4 addresses. */
export type ARecords = Readonly<Record<string, readonly string[]>>;

/** Options of {@link startDnsServer}. */
export interface StartDnsServerOptions {
    /** The zone served. Defaults to `failover.test`. */
    readonly zone?: string;
    /** The A records at start. Defaults to none. */
    readonly records?: ARecords;
    /**
     * TTL of every record. Defaults to 0, so that no resolver cache between a test and the server
     * hides a change made with setRecords.
     */
    readonly ttl?: number;
    /** How long to wait for the server to answer. Defaults to 15 000 ms. */
    readonly readyTimeoutMs?: number;
}

/** A running authoritative DNS server on loopback (UDP and TCP on the same port). */
export interface DnsServer {
    readonly port: number;
    /** `127.0.0.1:<port>`, for `Resolver.setServers`. */
    readonly address: string;
    /** The zone, without the trailing dot. */
    readonly zone: string;
    /** `<name>.<zone>` for a relative name. */
    fqdn(name: string): string;
    /** Replaces every A record and waits (bounded) until the server answers with the new zone. */
    setRecords(records: ARecords): Promise<void>;
    /** The last few kilobytes of the server's own log, for a failing test's message. */
    output(): string;
    /** Stops the server and removes its temporary folder. Safe to call twice. */
    stop(): Promise<void>;
}

/**
 * Starts Knot DNS in the foreground on 127.0.0.1 at a free port, serving one zone from a zone file
 * written here. Knot returns every A record of a name in each answer, as Route 53 does for a
 * multivalue name; weighted selection is Route 53's, so tests express weights as record sets.
 */
export async function startDnsServer(opts?: StartDnsServerOptions): Promise<DnsServer> {
    if (!fs.existsSync(knotdPath)) {
        throw new Error(`knotd not found at ${knotdPath}: run scripts/ensure-test-tools`);
    }
    const zone = (opts?.zone ?? "failover.test").replace(/\.$/, "");
    const ttl = opts?.ttl ?? 0;
    const temp = serverTempDir("sftp-failover-dns-");
    const dir = temp.path;
    const zoneFile = path.join(dir, `${zone}.zone`);
    const configFile = path.join(dir, "knot.conf");
    let serial = 1;
    fs.writeFileSync(zoneFile, zoneText(zone, ttl, serial, opts?.records ?? {}));
    try {
        return await startOnFreePort(
            freeTcpUdpPort,
            (port) => {
                fs.writeFileSync(configFile, knotConfig(dir, port, zone, zoneFile));
                return startChild(knotdPath, ["-c", configFile]);
            },
            async (port, server) => {
                await waitUntil(() => servesSerial(port, zone, serial), {
                    what: `knotd on 127.0.0.1:${port}`,
                    timeoutMs: opts?.readyTimeoutMs ?? 15_000,
                    server,
                });
                const setRecords = async (records: ARecords) => {
                    serial += 1;
                    const wanted = serial;
                    fs.writeFileSync(zoneFile, zoneText(zone, ttl, wanted, records));
                    await run(knotcPath, ["-c", configFile, "zone-reload", `${zone}.`], { timeout: 10_000 });
                    await waitUntil(() => servesSerial(port, zone, wanted), {
                        what: `knotd reload of ${zone} to serial ${wanted}`,
                        timeoutMs: 10_000,
                        intervalMs: 20,
                        server,
                    });
                };
                return dnsServer(port, zone, setRecords, server, temp);
            },
        );
    } catch (err) {
        temp.remove();
        throw err;
    }
}

function dnsServer(
    port: number,
    zone: string,
    setRecords: (records: ARecords) => Promise<void>,
    server: ChildServer,
    temp: { remove(): void },
): DnsServer {
    return {
        port,
        address: `127.0.0.1:${port}`,
        zone,
        fqdn: (name) => (name === "@" ? zone : `${name}.${zone}`),
        setRecords,
        output: () => server.output(),
        async stop() {
            await server.stop();
            temp.remove();
        },
    };
}

/**
 * One server, one zone, everything in the temporary folder. The zone file is the only source of
 * truth: Knot never writes it back (zonefile-sync -1) and keeps no journal, so a reload serves
 * exactly what setRecords wrote. One worker of each kind keeps it light on a shared machine.
 */
function knotConfig(dir: string, port: number, zone: string, zoneFile: string): string {
    return `server:
    rundir: "${dir}"
    pidfile: "${path.join(dir, "knot.pid")}"
    listen: 127.0.0.1@${port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1

database:
    storage: "${dir}"

control:
    listen: "${path.join(dir, "knot.sock")}"

log:
  - target: stderr
    any: info

template:
  - id: default
    storage: "${dir}"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none

zone:
  - domain: ${zone}.
    file: "${zoneFile}"
`;
}

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The zone file: SOA and NS (required of any zone), then the A records. Exported for its tests. */
export function zoneText(zone: string, ttl: number, serial: number, records: ARecords): string {
    const lines = [
        `$ORIGIN ${zone}.`,
        `$TTL ${ttl}`,
        `@ SOA ns.${zone}. hostmaster.${zone}. ${serial} 3600 600 86400 ${ttl}`,
        `@ NS ns.${zone}.`,
        "ns A 127.0.0.1",
    ];
    for (const [name, addresses] of Object.entries(records)) {
        if (!/^(@|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)$/.test(name) || name === "ns") {
            throw new Error(`records has the name "${name}": use a relative name (not "ns", which the zone uses)`);
        }
        for (const address of addresses) {
            if (!ipv4.test(address)) {
                throw new Error(`records.${name} has "${address}", which is not an IPv4 address`);
            }
            lines.push(`${name} ${ttl} A ${address}`);
        }
    }
    return `${lines.join("\n")}\n`;
}

/** True when the server answers the zone's SOA with `serial` (i.e. it serves that version). */
async function servesSerial(port: number, zone: string, serial: number): Promise<boolean> {
    const resolver = new Resolver({ timeout: 500, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
    const soa = await resolver.resolveSoa(zone);
    return soa.serial === serial;
}
