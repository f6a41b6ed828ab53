import * as fs from "node:fs";

/** One operation that reached the sandbox cloud, as a line of SANDBOX_RECORD_FILE. Never holds property values. */
export interface OperationRecord {
    /** ISO time. */
    readonly time: string;
    /** `check`, `diff`, `create`, `update`, `delete`, `read` or `invoke`. */
    readonly op: string;
    /** Type token, or the invoke's token. */
    readonly type: string;
    /** The resource's URN (resource operations). */
    readonly urn?: string;
    /** The resource's logical name (resource operations). */
    readonly name?: string;
    /** The region the operation ran in. */
    readonly region: string;
    /** The resource's id, when it has one. */
    readonly id?: string;
    /** Properties that changed (diff, update) or were given (create). */
    readonly changedKeys?: string[];
    /** Properties whose change replaces the resource (diff). */
    readonly replaceKeys?: string[];
    /** Whether the operation succeeded. */
    readonly outcome: "ok" | "error";
    /** The error message, when it failed. */
    readonly error?: string;
}

/**
 * Appends operation records to a JSONL file. Each record is one `appendFileSync` of one line, which
 * O_APPEND keeps whole even when several provider processes (one per stack) share the file.
 */
export class Recorder {
    constructor(private readonly file: string | undefined) {}

    /** Appends a record (stamped with the time) when recording is on. */
    record(entry: Omit<OperationRecord, "time">): void {
        if (this.file === undefined || this.file === "") {
            return;
        }
        fs.appendFileSync(this.file, JSON.stringify({ time: new Date().toISOString(), ...entry }) + "\n");
    }
}

/** Reads a record file (for tests and the drill); a missing file holds no records. */
export function readRecords(file: string): OperationRecord[] {
    if (!fs.existsSync(file)) {
        return [];
    }
    return fs.readFileSync(file, "utf8").split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as OperationRecord);
}

/** The resource operations that changed something (create, update, delete that succeeded) after the first `since` records. */
export function changesSince(file: string, since: number): OperationRecord[] {
    return readRecords(file)
        .slice(since)
        .filter((r) => (r.op === "create" || r.op === "update" || r.op === "delete") && r.outcome === "ok");
}
