// The coordination store shared by a team: objects in an S3 bucket (by default the state
// backend's, under .failover/). Every change is atomic on the server side, by conditional writes
// (S3 API Reference, PutObject/DeleteObject: `If-None-Match: *` creates only if absent, `If-Match:
// <etag>` replaces or deletes only the version read; a lost race answers 412 Precondition Failed,
// or 409 ConditionalRequestConflict while another conditional write to the key is in flight;
// conditional deletes on general purpose buckets: S3 User Guide, "How to perform conditional deletes").
// The journal and the audit log are one object per record, keyed by time and run id, so appends
// never read-modify-write a shared object and two writers can never lose each other's records.
import * as crypto from "node:crypto";
import {
    DeleteObjectCommand,
    GetObjectCommand,
    HeadBucketCommand,
    ListObjectsV2Command,
    ListObjectsV2CommandOutput,
    PutObjectCommand,
    S3Client,
    S3ClientConfig,
} from "@aws-sdk/client-s3";
import { AuditEntry } from "../audit";
import { BadInputError, LockHolder } from "../errors";
import { JournalRecord } from "../journal";
import { parseLock, parsePostureRecord } from "./local-store";
import { PostureRecord } from "../../../stacks/posture-record";
import { CoordinationStore, parseLockGeneration, StoredLock } from "./store";
import { S3Location } from "./url";

/** Client settings beyond what the URL carries (credentials for an emulator, say). Defaults to the SDK's chain. */
export type S3StoreClientOptions = Pick<S3ClientConfig, "credentials" | "region" | "endpoint" | "forcePathStyle">;

function statusOf(err: unknown): number | undefined {
    return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** A conditional write that lost: someone else's version is there (412), or is being written (409). */
function lostRace(err: unknown): boolean {
    const status = statusOf(err);
    return status === 412 || status === 409;
}

function missing(err: unknown): boolean {
    return statusOf(err) === 404 || (err as Error).name === "NoSuchKey";
}

/** A time as a fixed-width, sortable key part: 20261130T114305123Z. */
function timeKey(at: string): string {
    const ms = Date.parse(at);
    return new Date(Number.isFinite(ms) ? ms : Date.now()).toISOString().replace(/[-:.]/g, "");
}

/** Characters safe in a key part (a run id is already; this guards against odd input). */
function keyPart(text: string): string {
    return text.replace(/[^A-Za-z0-9_-]/g, "_");
}

const hash = (text: string) => crypto.createHash("sha256").update(text).digest("hex").slice(0, 12);

/** The S3 coordination store. */
export class S3CoordinationStore implements CoordinationStore {
    private readonly client: S3Client;
    /** Orders this process's records that share a millisecond. */
    private seq = 0;

    constructor(
        readonly where: S3Location,
        client?: S3Client | S3StoreClientOptions,
    ) {
        this.client =
            client instanceof S3Client
                ? client
                : new S3Client({
                      ...(where.region !== undefined ? { region: where.region } : {}),
                      ...(where.endpoint !== undefined ? { endpoint: where.endpoint } : {}),
                      forcePathStyle: where.forcePathStyle,
                      ...client,
                  });
    }

    get location(): string {
        return `s3://${this.where.bucket}/${this.where.prefix}`;
    }

    get lockLocation(): string {
        return `s3://${this.where.bucket}/${this.lockKey}`;
    }

    private get lockKey(): string {
        return `${this.where.prefix}lock.json`;
    }

    async createLock(holder: LockHolder): Promise<string | undefined> {
        try {
            const out = await this.put(this.lockKey, JSON.stringify(holder, null, 2) + "\n", { IfNoneMatch: "*" });
            return out;
        } catch (err) {
            if (lostRace(err)) {
                return undefined;
            }
            throw err;
        }
    }

    async readLock(): Promise<StoredLock> {
        const read = await this.getVersion(this.lockKey);
        return read === undefined ? { state: "free" } : parseLock(read.text, read.etag);
    }

    async replaceLock(holder: LockHolder, token: string): Promise<string | undefined> {
        try {
            return await this.put(this.lockKey, JSON.stringify(holder, null, 2) + "\n", { IfMatch: token });
        } catch (err) {
            if (lostRace(err) || missing(err)) {
                return undefined;
            }
            throw err;
        }
    }

    async deleteLock(token: string): Promise<boolean> {
        try {
            await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.lockKey, IfMatch: token }));
            return true;
        } catch (err) {
            if (lostRace(err) || missing(err)) {
                return false;
            }
            throw err;
        }
    }

    /**
     * Read, add one, and write back only over the version read (`If-Match`, or `If-None-Match: *`
     * for the first): a writer that lost the race to another reads again.
     */
    async nextLockGeneration(): Promise<number> {
        const key = `${this.where.prefix}lock-generation.json`;
        // Bounded: every lost race is another process's successful bump, and a team takes the lock
        // a few times a day.
        for (let attempt = 0; attempt < 50; attempt++) {
            const current = await this.getVersion(key);
            const next = parseLockGeneration(current?.text) + 1;
            try {
                await this.put(key, `${next}\n`, current === undefined ? { IfNoneMatch: "*" } : { IfMatch: current.etag });
                return next;
            } catch (err) {
                if (!lostRace(err) && !missing(err)) {
                    throw err;
                }
            }
        }
        throw new Error(`s3://${this.where.bucket}/${key}: 50 conditional writes in a row lost to other writers`);
    }

    /** Across machines no pid means anything: only the lease proves a holder gone. */
    holderProvablyGone(): boolean {
        return false;
    }

    async appendJournal(record: JournalRecord): Promise<void> {
        const seq = String(this.seq++).padStart(6, "0");
        await this.append(`journal/${timeKey(record.at)}-${seq}-${keyPart(record.runId)}`, JSON.stringify(record));
    }

    async readJournal(): Promise<JournalRecord[]> {
        return this.readAll<JournalRecord>("journal/");
    }

    /**
     * The key is derived from the entry itself, so a retried append (the first answer lost on the
     * way back) lands on the same key and its conditional create changes nothing.
     */
    async appendAudit(entry: AuditEntry): Promise<void> {
        const text = JSON.stringify(entry);
        await this.append(`audit/${timeKey(entry.at)}-${keyPart(entry.runId)}-${keyPart(entry.operation)}-${hash(text)}`, text);
    }

    async readAudit(): Promise<AuditEntry[]> {
        return this.readAll<AuditEntry>("audit/");
    }

    async readPosture(): Promise<PostureRecord | undefined> {
        return parsePostureRecord(await this.getText(`${this.where.prefix}posture.json`));
    }

    async writePosture(record: PostureRecord): Promise<void> {
        await this.put(`${this.where.prefix}posture.json`, JSON.stringify(record, null, 2) + "\n", {});
    }

    async checkWritable(): Promise<void> {
        try {
            await this.client.send(new HeadBucketCommand({ Bucket: this.where.bucket }));
        } catch (err) {
            const status = statusOf(err);
            throw new BadInputError(
                `coordination store ${this.location} cannot be reached (${status !== undefined ? `HTTP ${status}` : (err as Error).name}: ${(err as Error).message}); nothing was changed`,
                { cause: err },
            );
        }
    }

    private async put(key: string, body: string, condition: { IfNoneMatch?: string; IfMatch?: string }): Promise<string> {
        const out = await this.client.send(
            new PutObjectCommand({ Bucket: this.where.bucket, Key: key, Body: body, ContentType: "application/json", ...condition }),
        );
        return out.ETag ?? "";
    }

    /** Creates a record object; one already there under the same key is the same record. */
    private async append(name: string, body: string): Promise<void> {
        try {
            await this.put(`${this.where.prefix}${name}.json`, body + "\n", { IfNoneMatch: "*" });
        } catch (err) {
            if (!lostRace(err)) {
                throw err;
            }
        }
    }

    /** Every record under a folder, in key order; an object that is not JSON is skipped. */
    private async readAll<T>(folder: string): Promise<T[]> {
        const keys: string[] = [];
        let token: string | undefined;
        // Bounded: 1000 pages of 1000 keys is far beyond any journal a team keeps.
        for (let page = 0; page < 1000; page++) {
            const out: ListObjectsV2CommandOutput = await this.client.send(
                new ListObjectsV2Command({ Bucket: this.where.bucket, Prefix: `${this.where.prefix}${folder}`, ...(token !== undefined ? { ContinuationToken: token } : {}) }),
            );
            keys.push(...(out.Contents ?? []).map((o) => o.Key ?? "").filter((k) => k.endsWith(".json")));
            token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
            if (token === undefined) {
                break;
            }
        }
        keys.sort();
        const texts: (string | undefined)[] = [];
        // A few reads at a time: fast enough, and gentle on the request rate.
        for (let i = 0; i < keys.length; i += 16) {
            texts.push(...(await Promise.all(keys.slice(i, i + 16).map((k) => this.getText(k)))));
        }
        const records: T[] = [];
        for (const text of texts) {
            if (text === undefined) {
                continue;
            }
            try {
                records.push(JSON.parse(text) as T);
            } catch {
                // A record written by something else, or damaged: skipped, never fatal.
            }
        }
        return records;
    }

    /** An object's text and the ETag naming this version of it; undefined when there is none. */
    private async getVersion(key: string): Promise<{ readonly text: string; readonly etag: string } | undefined> {
        try {
            const out = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: key }));
            return { text: (await out.Body?.transformToString("utf8")) ?? "", etag: out.ETag ?? "" };
        } catch (err) {
            if (missing(err)) {
                return undefined;
            }
            throw err;
        }
    }

    private async getText(key: string): Promise<string | undefined> {
        return (await this.getVersion(key))?.text;
    }
}
