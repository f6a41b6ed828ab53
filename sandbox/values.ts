/**
 * Helpers for the property values the engine sends a provider: secrets arrive wrapped in a
 * signature object (the provider accepts secrets) and, during previews, unknown values arrive as a
 * fixed sentinel string. Everything here is pure.
 */

/** The key of the signature of a specially encoded value. */
const sigKey = "4dabf18193072939515e22adb298388d";
/** The signature of a secret. */
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
/** The signature of an asset (a file, a text or a URI; the engine adds the content's sha256 as `hash`). */
const assetSig = "c44067f5952c0a294b673a41bacd8c17";
/** The sentinel the engine sends for a value not yet known (previews). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A property bag as it crosses the provider boundary. */
export type PropertyMap = Record<string, unknown>;

/** Whether `value` is a wrapped secret. */
export function isSecret(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[sigKey] === secretSig;
}

/** Wraps `value` as a secret (idempotent). */
export function makeSecret(value: unknown): unknown {
    return isSecret(value) ? value : { [sigKey]: secretSig, value };
}

/**
 * Removes secret wrappers, deeply, so values can be compared and read. An asset as the engine
 * sends it (with its hash) becomes its hash alone: two uploads of the same bytes from different
 * paths are the same object to AWS, as they are to the engine.
 */
export function reveal(value: unknown): unknown {
    if (isSecret(value)) {
        return reveal(value.value);
    }
    if (typeof value === "object" && value !== null && (value as Record<string, unknown>)[sigKey] === assetSig && typeof (value as Record<string, unknown>).hash === "string") {
        return { assetHash: (value as Record<string, unknown>).hash };
    }
    if (Array.isArray(value)) {
        return value.map(reveal);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
    }
    return value;
}

/** Whether `value` is, or contains, a value not yet known. */
export function containsUnknown(value: unknown): boolean {
    if (value === unknownValue) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsUnknown);
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).some(containsUnknown);
    }
    return false;
}

/** Absent, null and undefined all mean "not set", as they do to AWS. */
export function isUnset(value: unknown): boolean {
    return value === undefined || value === null;
}

/** Structural equality of two revealed values; object key order does not matter, unset members are ignored. */
export function deepEqual(a: unknown, b: unknown): boolean {
    if (isUnset(a) || isUnset(b)) {
        return isUnset(a) && isUnset(b);
    }
    if (Array.isArray(a) || Array.isArray(b)) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
    }
    if (typeof a === "object" && typeof b === "object") {
        const ao = a as Record<string, unknown>;
        const bo = b as Record<string, unknown>;
        const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
        return [...keys].every((k) => deepEqual(ao[k], bo[k]));
    }
    return a === b;
}

/** A string property of a bag (secrets revealed), or undefined when unset, unknown or not a string. */
export function stringProp(props: PropertyMap, key: string): string | undefined {
    const value = reveal(props[key]);
    return typeof value === "string" && value !== unknownValue ? value : undefined;
}
