// The lab's regions as real servers: one OpenSSH sshd per region on loopback, presenting the host
// keys the regional stack holds and admitting the canary's key, so `verify`, the gate before DNS and
// a plain `sftp` client meet the same host keys a customer would. One caveat of the lab, said
// where it matters: sshd can only log in accounts that exist, so every region serves one local
// account, and the driver is pointed at it with `login` (on AWS the canary logs in as itself).
import { Stack } from "@pulumi/pulumi/automation";
import { canaryIdentityOf } from "../components/canary";
import { SftpEndpoint } from "../automation/driver/verify";
import { configKeys } from "../stacks/contract";
import { RegionName, regionNames } from "../foundation/posture";
import { SshdServer, startSshd } from "./servers/sshd";

export { ensureCanaryKey } from "../automation/driver/canary-key";

/** The lab's running regions. */
export interface LabServers {
    /** Where each region's SFTP service listens, with the account it serves. */
    readonly endpoints: Readonly<Record<RegionName, SftpEndpoint>>;
    readonly sshd: Readonly<Record<RegionName, SshdServer>>;
    /** Stops one region's server (an unplanned outage), or all. Safe to call twice. */
    stop(region?: RegionName): Promise<void>;
    /** Starts a stopped region's server again, on the port it had. */
    restart(region: RegionName): Promise<void>;
}

/** What every region's server presents and admits: the shared host keys and the canary's key. */
export interface RegionServerMaterial {
    readonly hostKeys: Readonly<Record<"ed25519" | "ecdsa" | "rsa", string>>;
    readonly canaryKey: string;
}

/** The material of the lab's stacks (the primary's; both hold the same, see ensureHostKeys). */
export async function materialOf(stack: Stack): Promise<RegionServerMaterial> {
    const config = await stack.getAllConfig();
    const hostKeys = config[configKeys.hostKeys];
    const canaryKey = config[configKeys.canaryKey];
    if (hostKeys === undefined || canaryKey === undefined) {
        throw new Error(`stack ${stack.name} has no ${hostKeys === undefined ? configKeys.hostKeys : configKeys.canaryKey}: create the lab with { canary: true }`);
    }
    return { hostKeys: JSON.parse(hostKeys.value) as RegionServerMaterial["hostKeys"], canaryKey: canaryKey.value };
}

function regionServer(material: RegionServerMaterial, port?: number): Promise<SshdServer> {
    return startSshd({
        hostKeys: material.hostKeys,
        authorizedKeys: [canaryIdentityOf(material.canaryKey).publicKey],
        ...(port !== undefined ? { port } : {}),
    });
}

/** Starts one sshd per region from the lab stacks' host keys and canary key. */
export async function startLabServers(stacks: Readonly<Record<RegionName, Stack>>): Promise<LabServers> {
    return startRegionServers({ primary: await materialOf(stacks.primary), secondary: await materialOf(stacks.secondary) });
}

/** Starts one sshd per region. */
export async function startRegionServers(material: Readonly<Record<RegionName, RegionServerMaterial>>): Promise<LabServers> {
    const started: Partial<Record<RegionName, SshdServer>> = {};
    try {
        for (const region of regionNames) {
            started[region] = await regionServer(material[region]);
        }
    } catch (err) {
        await Promise.all(Object.values(started).map((s) => s.stop()));
        throw err;
    }
    const sshd = started as Record<RegionName, SshdServer>;
    const endpointOf = (s: SshdServer): SftpEndpoint => ({ host: "127.0.0.1", port: s.port, login: s.user });
    return {
        endpoints: { primary: endpointOf(sshd.primary), secondary: endpointOf(sshd.secondary) },
        sshd,
        async stop(region?: RegionName) {
            await Promise.all((region === undefined ? regionNames : [region]).map((r) => sshd[r].stop()));
        },
        async restart(region: RegionName) {
            await sshd[region].stop();
            sshd[region] = await regionServer(material[region], sshd[region].port);
        },
    };
}
