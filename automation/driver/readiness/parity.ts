// Parity of the two regions as deployed: what must be the same in both for a failover to serve the
// same clients the same way (users, host keys, the canary, the gateway's instance type and SFTPGo
// package, the listener), and each region's capacity against the deployed posture. Pure: `check`
// passes what it read from the deployments.
import { CapacityMode, Posture, postureSpec, RegionName, regionNames, Weights } from "../../../foundation/posture";
import { RegionalOutputs } from "../../../stacks/contract";
import { Finding } from "./findings";

/** What one region's deployment says, as far as parity is concerned. */
export interface RegionDeployment {
    /** Its outputs, parsed through the contract. */
    readonly typed: Partial<RegionalOutputs>;
    /** The launch template's inputs as deployed (absent: not found in the state). */
    readonly launchTemplate?: { readonly instanceType?: string; readonly sftpgoPackage?: string };
}

/** What the dns stack deployed. */
export interface DeployedPosture {
    readonly posture?: Posture;
    readonly weights?: Weights;
}

/** The SFTPGo package a gateway's user data pins (`sftpgo_package=...`), or undefined. */
export function sftpgoPackageOf(userData: string | undefined): string | undefined {
    if (userData === undefined) {
        return undefined;
    }
    const text = /^[A-Za-z0-9+/=\s]+$/.test(userData) && !userData.includes("sftpgo_package") ? Buffer.from(userData, "base64").toString("utf8") : userData;
    const match = /^sftpgo_package=['"]?([^'"\s]+)['"]?\s*$/m.exec(text);
    return match?.[1];
}

/** Every parity finding between the two regions and against the posture. */
export function parityFindings(regions: Readonly<Record<RegionName, RegionDeployment>>, dns: DeployedPosture): Finding[] {
    const findings: Finding[] = [];
    for (const region of regionNames) {
        if (regions[region].typed.usersFingerprint === undefined) {
            findings.push({ area: "parity", level: "unknown", what: `the ${region} stack exports no deployment to compare`, fix: "deploy it (`sftp-failover bootstrap`)" });
        }
    }
    if (findings.length > 0) {
        return findings;
    }
    const [p, s] = [regions.primary, regions.secondary];
    const differs = (label: string, a: unknown, b: unknown, fix: string) => {
        if (JSON.stringify(a) !== JSON.stringify(b)) {
            findings.push({ area: "parity", level: "not-ready", what: `${label} differ: primary ${describe(a)}, secondary ${describe(b)}`, fix });
        }
    };
    differs("the users", p.typed.usersFingerprint, s.typed.usersFingerprint, "deploy both regional stacks from the same users file (`pulumi up -s primary`, then `-s secondary`)");
    differs("the host keys", sorted(p.typed.hostKeyFingerprints), sorted(s.typed.hostKeyFingerprints), "put the same host keys in both stacks (`hostkeys import` into the odd one out), then deploy it");
    differs("the canary users", p.typed.canaryUser, s.typed.canaryUser, "configure the same canary in both regions, then deploy both");
    differs("the listener ports", p.typed.endpointPort, s.typed.endpointPort, "set the same sftp-failover:listenerPort in both stacks, then deploy");
    differs("the instance types", p.launchTemplate?.instanceType, s.launchTemplate?.instanceType, "set the same sftp-failover:instanceType in both stacks, then deploy");
    differs("the SFTPGo packages", p.launchTemplate?.sftpgoPackage, s.launchTemplate?.sftpgoPackage, "set the same sftp-failover:sftpgoVersion in both stacks, then deploy");
    if (p.typed.canaryUser === undefined && s.typed.canaryUser === undefined) {
        findings.push({ area: "parity", level: "warning", what: "no canary is configured: no switch can verify a region before DNS moves", fix: "configure a canary (docs/regional.md) and deploy both regions" });
    }
    if (dns.posture !== undefined) {
        const wanted = postureSpec(dns.posture, dns.weights).capacity;
        for (const region of regionNames) {
            const deployed = regions[region].typed.capacityMode;
            if (deployed !== undefined && deployed !== wanted[region]) {
                findings.push({
                    area: "parity",
                    level: capacityLevel(deployed, wanted[region]),
                    what: `${region} runs ${deployed} capacity where ${dns.posture} wants ${wanted[region]}`,
                    fix: `finish the switch: \`sftp-failover posture ${dns.posture}\``,
                });
            }
            // A quiesce left on a region DNS sends clients to (a switch aborted after it) refuses their writes.
            if (regions[region].typed.quiesced === true && postureSpec(dns.posture, dns.weights).weights[region] > 0) {
                findings.push({
                    area: "parity",
                    level: "not-ready",
                    what: `${region} takes traffic under ${dns.posture} but its users are quiesced (read-only)`,
                    fix: `finish the switch, which makes them writable again: \`sftp-failover posture ${dns.posture}\``,
                });
            }
        }
    }
    return findings;
}

/** Less capacity than the posture wants is not ready; more only costs money. */
function capacityLevel(deployed: CapacityMode, wanted: CapacityMode): Finding["level"] {
    const rank: Readonly<Record<CapacityMode, number>> = { drained: 0, "pilot-light": 1, active: 2 };
    return rank[deployed] < rank[wanted] ? "not-ready" : "warning";
}

function sorted(record: Readonly<Record<string, string>> | undefined): [string, string][] | undefined {
    return record === undefined ? undefined : Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

function describe(value: unknown): string {
    if (value === undefined) {
        return "(none)";
    }
    if (Array.isArray(value)) {
        return value.map((v) => (Array.isArray(v) ? v.join(" ") : String(v))).join(", ");
    }
    return String(value);
}
