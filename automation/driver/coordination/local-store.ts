// The coordination store on one machine: files in a folder (by default <project>/.failover).
// The lock is created whole under a temporary name and hard-linked into place — link(2) fails with
// EEXIST if a lock exists, and no reader sees a half-written holder. Renewing or deleting it
// happens under a short "guard" file, so the compare (is it still the version I read?) and the
// change are one step for every process on this host. The journal and the audit log are
// fsynced JSON Lines (jsonl.ts).
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeFolder } from "../../../foundation/folders";
import { AuditEntry } from "../audit";
import { LockHolder } from "../errors";
import { JournalRecord } from "../journal";
import { appendJsonLine, fsyncDir, readJsonLines } from "../jsonl";
import { processAlive } from "../process-alive";
import { checkDriverFiles } from "../preflight";
import { PostureRecord } from "../../../stacks/posture-record";
import { CoordinationStore, parseLockGeneration, StoredLock } from "./store";

/** The files of a local store. */
export interface LocalStoreFiles {
    readonly journal: string;
    readonly audit: string;
    readonly lock: string;
    readonly posture: string;
    /** The lock generation (store.ts `nextLockGeneration`), beside the lock so that it outlives it. */
    readonly generation: string;
}

/** The file names inside a local store's folder (the first four unchanged since the driver's first release). */
export function localStoreFiles(dir: string): LocalStoreFiles {
    return {
        journal: path.join(dir, "journal.jsonl"),
        audit: path.join(dir, "audit.jsonl"),
        lock: path.join(dir, "failover.lock"),
        posture: path.join(dir, "posture.json"),
        generation: path.join(dir, "failover.lock.generation"),
    };
}

function readText(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
            return undefined;
        }
        throw err;
    }
}

/** Parses a lock file's text: a holder, or what is wrong with it. */
export function parseLock(text: string, token: string): StoredLock {
    try {
        const holder = JSON.parse(text) as Partial<LockHolder>;
        if (typeof holder.identity === "string" && typeof holder.host === "string" && typeof holder.pid === "number" && typeof holder.runId === "string") {
            return { state: "held", holder: holder as LockHolder, token };
        }
        return { state: "corrupt", problem: "does not name a holder", token };
    } catch {
        return { state: "corrupt", problem: "is not valid JSON", token };
    }
}

/** A posture record from its text; undefined for none, or for text that is not one. */
export function parsePostureRecord(text: string | undefined): PostureRecord | undefined {
    if (text === undefined) {
        return undefined;
    }
    try {
        const r = JSON.parse(text) as Partial<PostureRecord>;
        return typeof r.posture === "string" && r.weights !== undefined && r.capacity !== undefined ? (r as PostureRecord) : undefined;
    } catch {
        return undefined;
    }
}

function writeTemp(target: string, text: string): string {
    const tmp = `${target}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    const fd = fs.openSync(tmp, "wx");
    try {
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    return tmp;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The local-files coordination store. */
export class LocalCoordinationStore implements CoordinationStore {
    readonly files: LocalStoreFiles;

    constructor(readonly dir: string) {
        this.files = localStoreFiles(dir);
    }

    get location(): string {
        return this.dir;
    }

    get lockLocation(): string {
        return this.files.lock;
    }

    async createLock(holder: LockHolder): Promise<string | undefined> {
        makeFolder(this.dir);
        const text = JSON.stringify(holder, null, 2) + "\n";
        const tmp = writeTemp(this.files.lock, text);
        try {
            fs.linkSync(tmp, this.files.lock);
            fsyncDir(this.dir);
            return text;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "EEXIST") {
                return undefined;
            }
            throw err;
        } finally {
            fs.unlinkSync(tmp);
        }
    }

    async readLock(): Promise<StoredLock> {
        let text: string | undefined;
        try {
            text = readText(this.files.lock);
        } catch (err) {
            return { state: "corrupt", problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, token: "" };
        }
        return text === undefined ? { state: "free" } : parseLock(text, text);
    }

    async replaceLock(holder: LockHolder, token: string): Promise<string | undefined> {
        return this.guarded(() => {
            if (readText(this.files.lock) !== token) {
                return undefined;
            }
            const text = JSON.stringify(holder, null, 2) + "\n";
            // rename(2) replaces the file in one step: a reader sees the old holder or the new one.
            fs.renameSync(writeTemp(this.files.lock, text), this.files.lock);
            fsyncDir(this.dir);
            return text;
        });
    }

    async deleteLock(token: string): Promise<boolean> {
        return this.guarded(() => {
            if (readText(this.files.lock) !== token) {
                return false;
            }
            fs.rmSync(this.files.lock, { force: true });
            return true;
        });
    }

    async nextLockGeneration(): Promise<number> {
        makeFolder(this.dir);
        // Under the same guard as the lock's compare-and-replace: read, add one, write is one step.
        return this.guarded(() => {
            const next = parseLockGeneration(readText(this.files.generation)) + 1;
            fs.renameSync(writeTemp(this.files.generation, `${next}\n`), this.files.generation);
            fsyncDir(this.dir);
            return next;
        });
    }

    /** On this host a pid that no longer exists proves its holder gone; on another host nothing here can. */
    holderProvablyGone(holder: LockHolder): boolean {
        return holder.host === os.hostname() && !processAlive(holder.pid);
    }

    async appendJournal(record: JournalRecord): Promise<void> {
        appendJsonLine(this.files.journal, record);
    }

    async readJournal(): Promise<JournalRecord[]> {
        return readJsonLines<JournalRecord>(this.files.journal);
    }

    async appendAudit(entry: AuditEntry): Promise<void> {
        appendJsonLine(this.files.audit, entry);
    }

    async readAudit(): Promise<AuditEntry[]> {
        // A retried append can leave the same entry twice; an entry holds its own time and run id,
        // so two identical lines are one event.
        const seen = new Set<string>();
        return readJsonLines<AuditEntry>(this.files.audit).filter((e) => {
            const key = JSON.stringify(e);
            return seen.has(key) ? false : (seen.add(key), true);
        });
    }

    async readPosture(): Promise<PostureRecord | undefined> {
        return parsePostureRecord(readText(this.files.posture));
    }

    async writePosture(record: PostureRecord): Promise<void> {
        makeFolder(this.dir);
        fs.renameSync(writeTemp(this.files.posture, JSON.stringify(record, null, 2) + "\n"), this.files.posture);
        fsyncDir(this.dir);
    }

    async checkWritable(): Promise<void> {
        checkDriverFiles(this.files);
    }

    /**
     * Runs `change` holding the guard file. A guard left by a process that died holding it is
     * cleared when its pid is gone; one held by a live process is waited for, a bounded while.
     */
    private async guarded<T>(change: () => T): Promise<T> {
        const guard = `${this.files.lock}.break`;
        for (let attempt = 0; attempt < 400; attempt++) {
            let fd: number;
            try {
                fd = fs.openSync(guard, "wx");
            } catch (err) {
                if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
                    throw err;
                }
                const pid = Number((readText(guard) ?? "").trim());
                if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
                    fs.rmSync(guard, { force: true });
                } else {
                    await pause(5);
                }
                continue;
            }
            try {
                fs.writeSync(fd, String(process.pid));
                fs.closeSync(fd);
                return change();
            } finally {
                fs.rmSync(guard, { force: true });
            }
        }
        throw new Error(`${guard} stayed held for 2 s: another process is changing the lock`);
    }
}
