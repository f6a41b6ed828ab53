// Which coordination store a URL names, and the default one beside a state backend. Pure: parsing
// only, so the CLI can refuse a bad --coordination before anything is opened.
import * as path from "node:path";
import { BadInputError } from "../errors";

/** An S3 location for the coordination store, with the client settings its URL carries. */
export interface S3Location {
    readonly kind: "s3";
    readonly bucket: string;
    /** Key prefix, empty or ending in "/". */
    readonly prefix: string;
    readonly region?: string;
    /** Endpoint URL (an S3-compatible server such as moto), with its scheme. */
    readonly endpoint?: string;
    readonly forcePathStyle: boolean;
    /** The URL as given, for messages. */
    readonly url: string;
}

/** A folder on this machine. */
export interface LocalLocation {
    readonly kind: "local";
    readonly dir: string;
}

/** Where the coordination store lives. */
export type CoordinationLocation = S3Location | LocalLocation;

/**
 * Query parameters the S3 URL accepts: the ones Pulumi's own S3 backend URL uses (gocloud.dev's
 * s3blob: region, endpoint, disableSSL, s3ForcePathStyle, use_path_style, profile, awssdk), so the
 * backend URL itself can name the store. Anything else is a typo and is refused.
 */
const s3Params = new Set(["region", "endpoint", "disableSSL", "s3ForcePathStyle", "use_path_style", "profile", "awssdk"]);

/**
 * Parses `s3://bucket/prefix?region=…&endpoint=…` or a local folder (a path or `file://` URL).
 *
 * @throws BadInputError naming the URL and what is wrong with it.
 */
export function parseCoordinationUrl(value: string, label = "coordination"): CoordinationLocation {
    const text = value.trim();
    if (text === "") {
        throw new BadInputError(`${label} must not be empty`);
    }
    if (text.startsWith("file://")) {
        return { kind: "local", dir: path.resolve(decodeURIComponent(text.slice("file://".length))) };
    }
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
        return { kind: "local", dir: path.resolve(text) };
    }
    if (!text.startsWith("s3://")) {
        throw new BadInputError(`${label} "${value}" is neither s3://bucket/prefix nor a folder`);
    }
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        throw new BadInputError(`${label} "${value}" is not a valid URL`);
    }
    const bucket = url.hostname;
    // S3 bucket names: 3–63 characters of lowercase letters, digits, dots and hyphens, starting and
    // ending with a letter or digit (AWS S3 User Guide, "Bucket naming rules").
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
        throw new BadInputError(`${label} "${value}" names no valid bucket (got "${bucket}")`);
    }
    for (const key of url.searchParams.keys()) {
        if (!s3Params.has(key)) {
            throw new BadInputError(`${label} "${value}" has an unknown parameter "${key}" (known: ${[...s3Params].join(", ")})`);
        }
    }
    const trimmed = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
    const q = url.searchParams;
    let endpoint = q.get("endpoint") ?? undefined;
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) {
        endpoint = `${q.get("disableSSL") === "true" ? "http" : "https"}://${endpoint}`;
    }
    return {
        kind: "s3",
        bucket,
        prefix: trimmed === "" ? "" : `${trimmed}/`,
        ...(q.get("region") !== null ? { region: q.get("region") as string } : {}),
        ...(endpoint !== undefined ? { endpoint } : {}),
        // An S3-compatible endpoint rarely serves virtual-hosted names (bucket.127.0.0.1).
        forcePathStyle: q.get("s3ForcePathStyle") === "true" || q.get("use_path_style") === "true" || endpoint !== undefined,
        url: text,
    };
}

/**
 * The store a driver uses when none is named: with an S3 state backend, the `.failover/` prefix
 * beside the state in the same bucket — the one place every operator of that backend can reach;
 * otherwise the local folder.
 */
export function defaultCoordination(backendUrl: string | undefined, localDir: string): CoordinationLocation {
    if (backendUrl !== undefined && backendUrl.startsWith("s3://")) {
        const backend = parseCoordinationUrl(backendUrl, "backend");
        if (backend.kind === "s3") {
            const url = new URL(backendUrl);
            url.pathname = `/${backend.prefix}.failover`;
            return { ...backend, prefix: `${backend.prefix}.failover/`, url: url.toString() };
        }
    }
    return { kind: "local", dir: path.resolve(localDir) };
}
