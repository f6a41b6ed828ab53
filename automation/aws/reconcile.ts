// Failback reconciliation: before traffic returns to a region, what did clients write to the
// region that served meanwhile that replication has not yet delivered to it? Read from both
// versioned buckets (ListObjectVersions), compared by each key's latest version. With `copy`, the
// missing or older objects are copied (CopyObject of the serving side's latest version); nothing
// is ever deleted on either side, because a delete on the wrong side loses a client's file for good.
// Keys under sftp-failover's own prefix (the users objects) are left out: each region's stack
// writes its own, and the peer's copy is a replica no gateway reads, so copying one over the other
// could only put an older user list in place.
import {
    CopyObjectCommand,
    ListObjectVersionsCommand,
    ListObjectVersionsCommandOutput,
    S3Client,
} from "@aws-sdk/client-s3";
import { reservedKeyPrefix } from "../../components/reserved-keys";

/** One bucket and how to reach it. */
export interface BucketRef {
    readonly bucket: string;
    /** AWS region of the bucket. */
    readonly region: string;
}

/**
 * Whether two refs are one bucket. S3's bucket names are global (one namespace per partition): a
 * name is one bucket, and the region a caller gives can only reach it or fail, never make a
 * second one. So the regions are not compared: "b in us-west-2" and "b in us-east-1" are one
 * bucket, which reconciled with itself would report "in sync".
 */
export function sameBucket(a: BucketRef, b: BucketRef): boolean {
    return a.bucket === b.bucket;
}

/** The latest version of one key on one side. */
export interface LatestVersion {
    readonly key: string;
    readonly versionId: string;
    readonly deleteMarker: boolean;
    readonly lastModified?: Date;
    /** Absent for a delete marker. */
    readonly etag?: string;
    /** Bytes; 0 for a delete marker. */
    readonly size: number;
}

/** Why a key is listed. */
export type ReconcileKind =
    /** Present on the serving side, absent (or deleted) on the other: --copy copies it. */
    | "missing"
    /** Both sides hold it, the serving side's latest is newer and differs: --copy copies it. */
    | "newer"
    /** The serving side's latest is a delete marker and the other still holds the object: reported, never applied. */
    | "delete-marker"
    /** The other side's latest is newer and differs: reported for a person to decide, never copied. */
    | "other-newer"
    /** Only the other side ever held the key: reported, never touched. */
    | "only-on-other";

/** One key that differs. */
export interface ReconcileItem {
    readonly kind: ReconcileKind;
    readonly key: string;
    readonly serving?: LatestVersion;
    readonly other?: LatestVersion;
    /** The bytes --copy would move (the serving side's size for missing and newer; else 0). */
    readonly bytes: number;
}

/** Count and bytes of one kind. */
export interface KindTotal {
    readonly count: number;
    readonly bytes: number;
}

/** What was copied, or why not. */
export interface CopyOutcome {
    readonly key: string;
    readonly versionId: string;
    readonly bytes: number;
    readonly ok: boolean;
    readonly error?: string;
}

/** The reconciliation report. */
export interface ReconcileReport {
    readonly serving: BucketRef;
    readonly other: BucketRef;
    readonly prefix: string;
    /** When the listing was read. */
    readonly at: string;
    /** Keys whose latest versions agree (same ETag, or both deleted / absent). */
    readonly inSync: number;
    /** Keys under sftp-failover's own prefix, on either side: never compared, never copied. */
    readonly reservedKeys: number;
    readonly items: readonly ReconcileItem[];
    readonly totals: Readonly<Record<ReconcileKind, KindTotal>>;
    /** Present when copying was asked for: one entry per missing or newer key. */
    readonly copied?: readonly CopyOutcome[];
}

/** Options of {@link reconcileBuckets}. */
export interface ReconcileOptions {
    /** The bucket clients wrote to while the other region was out. */
    readonly serving: BucketRef;
    /** The bucket traffic is about to return to. */
    readonly other: BucketRef;
    /** Only keys under this prefix. Defaults to the whole bucket. */
    readonly prefix?: string;
    /** Copy what replication has not delivered. Defaults to false (report only). */
    readonly copy?: boolean;
    /** S3 endpoint URL for both buckets (e.g. a moto server); path-style addressing is then used. Defaults to AWS's. */
    readonly endpoint?: string;
    /** Credentials. Defaults to the AWS SDK's default chain. */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
    /** Clients to use instead of ones made here (they are then not destroyed). */
    readonly clients?: { readonly serving: S3Client; readonly other: S3Client };
    /** Most versions listed per bucket before giving up. Defaults to 1 000 000. */
    readonly maxVersions?: number;
    /** Cancels the listing and copying. */
    readonly signal?: AbortSignal;
}

/** S3 could not be read or written; the cause is attached. */
export class ReconcileError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "ReconcileError";
    }
}

/** CopyObject copies at most 5 GiB in one request (S3 API reference, CopyObject). */
export const maxSingleCopyBytes = 5 * 1024 ** 3;

/** Every kind, in the order a report lists them. */
export const reconcileKinds: readonly ReconcileKind[] = ["missing", "newer", "delete-marker", "other-newer", "only-on-other"];

/**
 * Compares the latest version of every key on both sides (pure). A key counts as in sync when both
 * latest versions are objects with the same ETag — a replica keeps its source's ETag, while its
 * LastModified is the time it landed — or when neither side holds an object.
 */
export function compareLatest(serving: ReadonlyMap<string, LatestVersion>, other: ReadonlyMap<string, LatestVersion>): { inSync: number; items: ReconcileItem[] } {
    const keys = [...new Set([...serving.keys(), ...other.keys()])].sort();
    const items: ReconcileItem[] = [];
    let inSync = 0;
    for (const key of keys) {
        const s = serving.get(key);
        const o = other.get(key);
        const sLive = s !== undefined && !s.deleteMarker;
        const oLive = o !== undefined && !o.deleteMarker;
        if (sLive && !oLive) {
            items.push({ kind: "missing", key, serving: s, ...(o === undefined ? {} : { other: o }), bytes: s.size });
        } else if (!sLive && oLive) {
            // Deleted on the serving side (a marker) is a client's delete not yet replicated; absent
            // there altogether is an object only the other side has, which failback must not touch.
            if (s !== undefined) {
                items.push({ kind: "delete-marker", key, serving: s, other: o, bytes: 0 });
            } else {
                items.push({ kind: "only-on-other", key, other: o, bytes: 0 });
            }
        } else if (sLive && oLive && s.etag !== o.etag) {
            const servingNewer = (s.lastModified?.getTime() ?? 0) >= (o.lastModified?.getTime() ?? 0);
            items.push(servingNewer ? { kind: "newer", key, serving: s, other: o, bytes: s.size } : { kind: "other-newer", key, serving: s, other: o, bytes: 0 });
        } else {
            inSync += 1;
        }
    }
    return { inSync, items };
}

/** Whether --copy acts on a kind. */
export function copyable(kind: ReconcileKind): boolean {
    return kind === "missing" || kind === "newer";
}

/** Count and bytes per kind. */
export function totalsOf(items: readonly ReconcileItem[]): Record<ReconcileKind, KindTotal> {
    const totals = Object.fromEntries(reconcileKinds.map((k) => [k, { count: 0, bytes: 0 }])) as Record<ReconcileKind, { count: number; bytes: number }>;
    for (const item of items) {
        totals[item.kind].count += 1;
        // The kinds --copy never acts on count the bytes held on the other side, which a person must judge.
        totals[item.kind].bytes += copyable(item.kind) ? item.bytes : (item.other?.size ?? 0);
    }
    return totals;
}

/**
 * Reports what the serving bucket holds that the other does not, and with `copy` copies it.
 * Running it again after a copy finds nothing to copy (idempotent). Throws {@link ReconcileError}
 * when a bucket cannot be listed, and an Error naming the option for invalid options; a failed
 * copy is recorded in `copied`, not thrown, so one bad object does not hide the others.
 */
export async function reconcileBuckets(opts: ReconcileOptions): Promise<ReconcileReport> {
    for (const side of ["serving", "other"] as const) {
        if (typeof opts[side]?.bucket !== "string" || opts[side].bucket.trim() === "") {
            throw new Error(`${side}.bucket is required`);
        }
        if (typeof opts[side].region !== "string" || opts[side].region.trim() === "") {
            throw new Error(`${side}.region is required`);
        }
    }
    if (sameBucket(opts.serving, opts.other)) {
        throw new Error(`serving and other are the same bucket (${opts.serving.bucket}): bucket names are global, whatever the regions`);
    }
    const maxVersions = opts.maxVersions ?? 1_000_000;
    const prefix = opts.prefix ?? "";
    const make = (ref: BucketRef) => new S3Client({
        region: ref.region,
        ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint, forcePathStyle: true }),
        ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
    });
    const serving = opts.clients?.serving ?? make(opts.serving);
    const other = opts.clients?.other ?? make(opts.other);
    try {
        const at = new Date().toISOString();
        const [servingLatest, otherLatest] = await Promise.all([
            latestVersions(serving, opts.serving, prefix, maxVersions, opts.signal),
            latestVersions(other, opts.other, prefix, maxVersions, opts.signal),
        ]);
        const reserved = new Set([...servingLatest.keys(), ...otherLatest.keys()].filter((key) => key.startsWith(reservedKeyPrefix)));
        reserved.forEach((key) => {
            servingLatest.delete(key);
            otherLatest.delete(key);
        });
        const { inSync, items } = compareLatest(servingLatest, otherLatest);
        const report: ReconcileReport = { serving: opts.serving, other: opts.other, prefix, at, inSync, reservedKeys: reserved.size, items, totals: totalsOf(items) };
        if (opts.copy !== true) {
            return report;
        }
        const copied: CopyOutcome[] = [];
        for (const item of items) {
            if (copyable(item.kind) && item.serving !== undefined) {
                copied.push(await copyOne(other, opts, item.serving));
            }
        }
        return { ...report, copied };
    } finally {
        if (opts.clients === undefined) {
            serving.destroy();
            other.destroy();
        }
    }
}

/** Every key's latest version (object or delete marker), following the listing's pages. */
async function latestVersions(client: S3Client, ref: BucketRef, prefix: string, maxVersions: number, signal?: AbortSignal): Promise<Map<string, LatestVersion>> {
    const latest = new Map<string, LatestVersion>();
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    let seen = 0;
    for (;;) {
        let page: ListObjectVersionsCommandOutput;
        try {
            page = await client.send(new ListObjectVersionsCommand({
                Bucket: ref.bucket,
                Prefix: prefix === "" ? undefined : prefix,
                KeyMarker: keyMarker,
                VersionIdMarker: versionIdMarker,
            }), { abortSignal: signal });
        } catch (err) {
            const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
            throw new ReconcileError(`listing versions of s3://${ref.bucket} (${ref.region}) failed: ${reason}`, { cause: err });
        }
        for (const v of page.Versions ?? []) {
            seen += 1;
            if (v.IsLatest === true && v.Key !== undefined) {
                latest.set(v.Key, { key: v.Key, versionId: v.VersionId ?? "null", deleteMarker: false, lastModified: v.LastModified, etag: v.ETag, size: v.Size ?? 0 });
            }
        }
        for (const m of page.DeleteMarkers ?? []) {
            seen += 1;
            if (m.IsLatest === true && m.Key !== undefined) {
                latest.set(m.Key, { key: m.Key, versionId: m.VersionId ?? "null", deleteMarker: true, lastModified: m.LastModified, size: 0 });
            }
        }
        if (seen > maxVersions) {
            throw new ReconcileError(`s3://${ref.bucket} has more than ${maxVersions} versions under "${prefix}": narrow the prefix or raise maxVersions`);
        }
        if (page.IsTruncated !== true) {
            return latest;
        }
        keyMarker = page.NextKeyMarker;
        versionIdMarker = page.NextVersionIdMarker;
    }
}

/** Copies one version into the other bucket, keeping its metadata (CopyObject's default COPY directive). */
async function copyOne(client: S3Client, opts: ReconcileOptions, version: LatestVersion): Promise<CopyOutcome> {
    const base = { key: version.key, versionId: version.versionId, bytes: version.size };
    if (version.size > maxSingleCopyBytes) {
        return { ...base, ok: false, error: `larger than CopyObject's 5 GiB limit: copy it with a multipart upload` };
    }
    try {
        await client.send(new CopyObjectCommand({
            Bucket: opts.other.bucket,
            Key: version.key,
            CopySource: `${opts.serving.bucket}/${encodeURIComponent(version.key)}?versionId=${encodeURIComponent(version.versionId)}`,
        }), { abortSignal: opts.signal });
        return { ...base, ok: true };
    } catch (err) {
        return { ...base, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
}
