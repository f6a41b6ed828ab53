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

/** Where a record name stands relative to a zone the sandbox derived, as far as the sandbox can tell. */
export interface RecordZone {
    /** The zone's name, lower case, no trailing dot. */
    readonly zoneName: string;
    /** The name is the zone's apex or below it; false when it ends with the zone's name inside a label. */
    readonly inside: boolean;
}

/**
 * The zone of `zoneId` found among the record name's endings. The sandbox keeps no zone store, but
 * each zone's id is derived from its name (`hostedZoneIdFor`), so the ending with that id is the
 * zone's name: at a label boundary the record is in the zone; inside a label
 * (`xsandbox.example.com` in sandbox.example.com) it is not — the provider, which tests only the
 * text's end (terraform-provider-aws route53 `expandRecordName`), leaves such a name as it is and
 * Route 53 refuses it. Undefined when no ending has the id: a name relative to the zone (the
 * provider appends the zone's name), or a zone id the sandbox did not derive.
 */
export function recordZone(name: string, zoneId: string): RecordZone | undefined {
    const key = dnsKeyOf(name);
    for (let start = 0; start < key.length; start++) {
        if (hostedZoneIdFor(key.slice(start)) === zoneId) {
            return { zoneName: key.slice(start), inside: start === 0 || key[start - 1] === "." };
        }
    }
    return undefined;
}

/**
 * The record set a name denotes once the provider has completed it with the zone's name (when the
 * sandbox knows it): lower case, no trailing dot, as Route 53 stores it.
 */
export function recordSetName(name: string, zoneName: string | undefined): string {
    const key = dnsKeyOf(name);
    return zoneName === undefined || key.endsWith(zoneName) ? key : `${key}.${zoneName}`;
}

function dnsKeyOf(name: string): string {
    return name.toLowerCase().replace(/\.$/, "");
}
