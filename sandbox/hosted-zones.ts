import { stableZoneId } from "./regions";

/**
 * Route 53 names in the sandbox. A hosted zone's id is derived from its name, so a zone created
 * by a program and a `getZone({ name })` lookup agree without any stored state.
 */

/** The canonical Route 53 hosted zone id the sandbox gives a zone of this name (trailing dot and case ignored). */
export function hostedZoneIdFor(zoneName: string): string {
    return stableZoneId("hostedzone", zoneName.replace(/\.$/, "").toLowerCase());
}

/** The four delegation-set name servers of a hosted zone, in Route 53's style (one per TLD). */
export function nameServersFor(zoneId: string): string[] {
    const n = parseInt(zoneId.slice(1, 7).replace(/[^0-9]/g, "") || "7", 10);
    return [
        `ns-${n % 512}.awsdns-${n % 64}.com`,
        `ns-${(n + 600) % 1024 + 512}.awsdns-${(n + 17) % 64}.net`,
        `ns-${(n + 900) % 1024 + 1024}.awsdns-${(n + 33) % 64}.org`,
        `ns-${(n + 1500) % 512 + 1536}.awsdns-${(n + 49) % 64}.co.uk`,
    ];
}

