// The alternative fence, evaluated beside the alarm fence (docs/dns.md, "Which fence"): AWS's
// "standby takes over primary" pattern. Each region's gate health check is an HTTPS string match on
// a small object in a bucket outside both serving regions; fencing is one PutObject that removes the
// string the check looks for. It acts in interval × threshold + TTL (components/fence-timing.ts),
// against the alarm fence's minute plus evaluation — but the object must be publicly readable,
// because Route 53's checkers send unsigned requests.
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { RegionName } from "../../foundation/posture";

/** The text an unfenced region's object holds, and the string its health check matches. */
export const serveMarker = "sftp-failover: serve";

/** What a fenced region's object holds (no match: the check fails). */
export const fencedMarker = "sftp-failover: fenced";

/** Where the fence objects live. */
export interface S3ObjectFenceTarget {
    /** Bucket outside both serving regions. */
    readonly bucket: string;
    /** AWS region of the bucket. */
    readonly region: string;
    /** Key prefix; each region's object is `<prefix><region>`. Defaults to `fence/`. */
    readonly keyPrefix?: string;
}

/** How the client reaches S3 (an emulator's endpoint, credentials). */
export interface S3ObjectFenceOptions {
    readonly endpoint?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
    /** Path-style addressing, for an emulator. Defaults to false. */
    readonly forcePathStyle?: boolean;
}

/** The key of a region's fence object. */
export function fenceObjectKey(target: S3ObjectFenceTarget, region: RegionName): string {
    return `${target.keyPrefix ?? "fence/"}${region}`;
}

/** The S3-object fence: one PutObject per fence or unfence, to the bucket's region only. */
export class S3ObjectFence {
    private readonly client: S3Client;

    constructor(private readonly target: S3ObjectFenceTarget, opts: S3ObjectFenceOptions = {}) {
        this.client = new S3Client({
            region: target.region,
            ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
            ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
            forcePathStyle: opts.forcePathStyle ?? false,
            // One call: a fence that retries against a dying endpoint only delays the operator.
            maxAttempts: 1,
        });
    }

    fence(region: RegionName): Promise<void> {
        return this.put(region, fencedMarker);
    }

    unfence(region: RegionName): Promise<void> {
        return this.put(region, serveMarker);
    }

    /** What the region's object says now: what the health check would match. */
    async state(region: RegionName): Promise<"fenced" | "unfenced" | "unset"> {
        try {
            const res = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: fenceObjectKey(this.target, region) }));
            return (await res.Body?.transformToString())?.includes(serveMarker) === true ? "unfenced" : "fenced";
        } catch (err) {
            if ((err as { name?: string }).name === "NoSuchKey") {
                return "unset";
            }
            throw err;
        }
    }

    /** The client, for callers that count or intercept its calls. */
    get s3(): S3Client {
        return this.client;
    }

    private async put(region: RegionName, body: string): Promise<void> {
        await this.client.send(
            new PutObjectCommand({
                Bucket: this.target.bucket,
                Key: fenceObjectKey(this.target, region),
                Body: body,
                ContentType: "text/plain",
                // The checkers read within seconds: no cache between them and the object.
                CacheControl: "no-store",
            }),
        );
    }
}
