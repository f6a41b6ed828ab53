// The file backend's own stack locks. The engine takes one for every update, as a JSON file
// `<backend>/.pulumi/locks/<org>/<project>/<stack>/<id>.json` holding the pid, user and host of the
// engine (pulumi/pulumi pkg/backend/diy/lock.go). An engine killed mid-update leaves it behind,
// and every later update of that stack fails with "the stack is currently locked". `pulumi cancel`
// removes these files; here only those whose engine provably is gone (same host, dead pid) are.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AuditEvent } from "./coordination/run-log";
import { processAlive } from "./process-alive";
import { shortStackName } from "../../stacks/contract";

/** One backend stack lock. */
export interface BackendLock {
    readonly file: string;
    readonly stack: string;
    readonly pid: number;
    readonly hostname: string;
}

/** The folder of a file backend's state, or undefined for any other backend. */
export function fileBackendDir(backendUrl: string): string | undefined {
    return backendUrl.startsWith("file://") ? backendUrl.slice("file://".length) : undefined;
}

function lockFiles(dir: string, depth: number): string[] {
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
        return [];
    }
    const found: string[] = [];
    for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory() && depth > 0) {
            found.push(...lockFiles(full, depth - 1));
        } else if (e.isFile() && e.name.endsWith(".json")) {
            found.push(full);
        }
    }
    return found;
}

/** Every backend lock of the given stacks (by short name), readable or not. */
export function backendLocks(backendUrl: string, stackNames: readonly string[]): BackendLock[] {
    const dir = fileBackendDir(backendUrl);
    if (dir === undefined) {
        return [];
    }
    const shorts = new Set(stackNames.map(shortStackName));
    const locks: BackendLock[] = [];
    // Bounded depth: locks/<org>/<project>/<stack>/<id>.json, or locks/<stack>/<id>.json without projects.
    for (const file of lockFiles(path.join(dir, ".pulumi", "locks"), 3)) {
        const stack = path.basename(path.dirname(file));
        if (!shorts.has(stack)) {
            continue;
        }
        try {
            const content = JSON.parse(fs.readFileSync(file, "utf8")) as { pid?: unknown; hostname?: unknown };
            if (typeof content.pid === "number" && typeof content.hostname === "string") {
                locks.push({ file, stack, pid: content.pid, hostname: content.hostname });
            }
        } catch {
            // Unreadable: not provably stale, so left for `pulumi cancel` or `sftp-failover unlock`.
        }
    }
    return locks;
}

/** The backend locks of these stacks whose engine ran on this host and is gone. */
export function staleBackendLocks(backendUrl: string, stackNames: readonly string[]): BackendLock[] {
    return backendLocks(backendUrl, stackNames).filter((l) => l.hostname === os.hostname() && !processAlive(l.pid));
}

/**
 * Removes one backend lock (as `pulumi cancel` does for the file backend): the lock file and the
 * `.attrs` file beside it, where the file backend's blob store (gocloud.dev fileblob) keeps each
 * file's metadata.
 */
export function removeBackendLock(lock: BackendLock): void {
    fs.rmSync(lock.file, { force: true });
    fs.rmSync(`${lock.file}.attrs`, { force: true });
}

/**
 * Clears the file backend's locks of these stacks left by an engine that died (kill -9 of the
 * driver or of the engine mid-update, a CLI killed by a signal): otherwise every later `up` waits,
 * then fails with "the stack is currently locked". Only a lock whose pid is provably gone on this
 * host is removed — what `pulumi cancel` does for the file backend — and each removal is audited
 * through `record`. Switches and bootstrap both clear locks here, before their engines run.
 */
export async function clearDeadEngineLocks(backendUrl: string, stackNames: readonly string[], record: (e: AuditEvent) => Promise<void>): Promise<BackendLock[]> {
    const cleared = staleBackendLocks(backendUrl, stackNames);
    for (const lock of cleared) {
        removeBackendLock(lock);
        await record({
            operation: "unlock",
            runId: "backend",
            to: `stack ${lock.stack} backend lock cleared`,
            result: "ok",
            started: Date.now(),
            reason: `engine pid ${lock.pid} on ${lock.hostname} is gone`,
        });
    }
    return cleared;
}
