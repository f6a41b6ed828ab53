// The service's DNS names: how a name from config is checked, compared and turned into the Pulumi
// name of its records. Pure, so the config loader (and through it the driver's preflight) and the
// DNS component apply exactly the same rules.

/** Characters in one label at most (RFC 1035 §2.3.4; Route 53 refuses more with DomainLabelTooLong). */
export const maxDnsLabelLength = 63;

/**
 * Characters in a name at most, without its trailing dot: a name is at most 255 octets on the wire
 * (RFC 1035 §2.3.4), which are its text plus the first label's length octet and the empty root label.
 */
export const maxDnsNameLength = 253;

/**
 * Additional names at most. Not a Route 53 limit: the provider changes each record with its own
 * ChangeResourceRecordSets call, so the 1,000 changes a batch may hold never come into play. The
 * bound keeps a switch fast. Every name adds one record per region and type (2 to 4) to the DNS
 * step, Route 53 turns away a change to a zone while it is still applying the previous one
 * (PriorRequestNotComplete) and throttles the account's requests, so the step's time grows with the
 * number of records. 20 names, with the service name up to 84 records, is more than the aliases a
 * team gives one endpoint; a longer list is more likely a mistake than a need.
 */
export const maxAdditionalRecordNames = 20;

/**
 * Why `name` is not a name clients could connect to, or undefined when it is one. Route 53 accepts
 * more (any printable ASCII, octal escapes), but a service name is a host name: letters, digits,
 * `-` and `_` (internal names use it), and `*` only as a whole first label (a wildcard).
 */
export function dnsNameProblem(name: string): string | undefined {
    const bare = name.endsWith(".") ? name.slice(0, -1) : name;
    if (bare === "") {
        return "is empty";
    }
    if (bare.length > maxDnsNameLength) {
        return `is ${bare.length} characters long (at most ${maxDnsNameLength} without the trailing dot)`;
    }
    const labels = bare.split(".");
    for (const [index, label] of labels.entries()) {
        if (label === "") {
            return "has an empty label (a leading dot, or two dots in a row)";
        }
        if (label.length > maxDnsLabelLength) {
            return `has a label of ${label.length} characters (at most ${maxDnsLabelLength})`;
        }
        if (!(index === 0 && label === "*") && !/^[A-Za-z0-9_-]+$/.test(label)) {
            return `has a character other than letters, digits, "-" and "_" in label "${label}" (an internationalised name goes in its xn-- form)`;
        }
    }
    return undefined;
}

/**
 * Checks the service's record name: a host name (`dnsNameProblem`), as Route 53 would otherwise
 * refuse it only at the DNS step, after a switch has scaled a region up.
 *
 * @throws Error `<label> "<name>" is not a host name: it …`.
 */
export function validateRecordName(name: string, label = "recordName"): string {
    const problem = dnsNameProblem(name);
    if (problem !== undefined) {
        throw new Error(`${label} ${JSON.stringify(name)} is not a host name: it ${problem}`);
    }
    return name;
}

function bareLowerCase(name: string): string {
    return name.toLowerCase().replace(/\.$/, "");
}

/**
 * The record a name stands for, as one string: DNS names ignore case and a trailing dot. With the
 * zone's name, a name that does not end with it is completed with it, as the provider does
 * (terraform-provider-aws route53 `expandRecordName`, which tests the text's end, not whole labels).
 */
export function dnsNameKey(name: string, zoneName?: string): string {
    const key = bareLowerCase(name);
    if (zoneName === undefined) {
        return key;
    }
    const zone = bareLowerCase(zoneName);
    return key.endsWith(zone) ? key : `${key}.${zone}`;
}

/** How the names are called in refusals: arguments of the component, or config keys. */
export interface RecordNameLabels {
    readonly additionalRecordNames: string;
    readonly recordName: string;
}

/**
 * Checks the names published besides `recordName` and returns them. Each must be a host name
 * (`dnsNameProblem`), none may stand for the same record as another or as `recordName` — Route 53
 * would refuse the second record set as one that already exists — and there are at most
 * `maxAdditionalRecordNames`. With the zone's name, a name that ends with it in the middle of a
 * label (`xexample.com` in `example.com`) is refused as Route 53 refuses it.
 */
export function validateAdditionalRecordNames(
    names: readonly string[],
    recordName: string,
    opts: { readonly zoneName?: string; readonly labels?: RecordNameLabels } = {},
): readonly string[] {
    const labels = opts.labels ?? { additionalRecordNames: "additionalRecordNames", recordName: "recordName" };
    if (names.length > maxAdditionalRecordNames) {
        throw new Error(`${labels.additionalRecordNames} lists ${names.length} names; at most ${maxAdditionalRecordNames} (each one adds its records to every switch's DNS step)`);
    }
    const compared = opts.zoneName === undefined ? "ignoring case and a trailing dot" : `ignoring case and a trailing dot, a name outside ${bareLowerCase(opts.zoneName)} taken relative to it`;
    const seen = new Map<string, string>([[dnsNameKey(recordName, opts.zoneName), `${labels.recordName} ${JSON.stringify(recordName)}`]]);
    names.forEach((name, index) => {
        const named = `${labels.additionalRecordNames}[${index}] ${JSON.stringify(name)}`;
        const problem = dnsNameProblem(name);
        if (problem !== undefined) {
            throw new Error(`${named} is not a host name: it ${problem}`);
        }
        const key = dnsNameKey(name, opts.zoneName);
        if (opts.zoneName !== undefined && outsideZone(key, opts.zoneName)) {
            throw new Error(`${named} lies outside zone ${bareLowerCase(opts.zoneName)} (it ends with the zone's name inside a label); Route 53 would refuse it`);
        }
        const earlier = seen.get(key);
        if (earlier !== undefined) {
            throw new Error(`${named} is the same DNS name as ${earlier} (compared ${compared})`);
        }
        seen.set(key, named);
    });
    return names;
}

/** Whether a completed name ends with the zone's name without being in the zone (`xexample.com`). */
function outsideZone(key: string, zoneName: string): boolean {
    const zone = bareLowerCase(zoneName);
    return key !== zone && !key.endsWith(`.${zone}`);
}

/**
 * The Pulumi name of one record of an additional name. It comes from the DNS name, never from the
 * name's place in the list, so reordering the list replaces nothing. It is one to one: region and
 * type read back unambiguously (no `<region>-` or `<type>-` begins another, `a-` included), and
 * what follows them is the name as DNS compares it, so two names share a resource name only when
 * they are the same DNS name, which validation refuses. Nor does it ever equal a record name of
 * the service name itself, `<component>-<region>-<type>`, which ends after the type.
 */
export function additionalRecordResourceName(component: string, regionName: string, type: string, dnsName: string): string {
    return `${component}-${regionName}-${type.toLowerCase()}-${dnsNameKey(dnsName)}`;
}
