// Append-only JSON Lines files that survive a crash: each record is one write(2) followed by
// fsync(2), so after kill -9 or a power cut the file holds every acknowledged record and at most
// one torn line at the end, which readers skip and writers step over.
import * as fs from "node:fs";
import * as path from "node:path";
import { makeFolder } from "../../foundation/folders";

function endsWithNewline(fd: number, size: number): boolean {
    if (size === 0) {
        return true;
    }
    const last = new Uint8Array(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
}

/** Appends one record and fsyncs it before returning. Creates the file (and its folder) if needed. */
export function appendJsonLine(file: string, record: unknown): void {
    const dir = path.dirname(file);
    const existed = fs.existsSync(file);
    if (!existed) {
        makeFolder(dir);
    }
    const fd = fs.openSync(file, "a+");
    try {
        // A torn line left by a crash must not swallow this record: start on a fresh line.
        const prefix = endsWithNewline(fd, fs.fstatSync(fd).size) ? "" : "\n";
        fs.writeSync(fd, `${prefix}${JSON.stringify(record)}\n`);
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    if (!existed) {
        fsyncDir(dir);
    }
}

/** Makes a file's creation (its directory entry) durable too. */
export function fsyncDir(dir: string): void {
    let fd: number | undefined;
    try {
        fd = fs.openSync(dir, "r");
        fs.fsyncSync(fd);
    } catch {
        // Some filesystems refuse fsync on a directory; the data itself is already synced.
    } finally {
        if (fd !== undefined) {
            fs.closeSync(fd);
        }
    }
}

/** Reads every complete record; a torn or corrupt line is skipped, never fatal. A missing file reads as empty. */
export function readJsonLines<T>(file: string): T[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
            return [];
        }
        throw err;
    }
    const records: T[] = [];
    for (const line of text.split("\n")) {
        if (line.trim() === "") {
            continue;
        }
        try {
            records.push(JSON.parse(line) as T);
        } catch {
            // A line cut short by a crash mid-write.
        }
    }
    return records;
}
