import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A digest of every file of a lab that a switch could change: the stack files, users.yaml, the
 * state backend (checkpoints, history, backups, locks) and the driver's journal, lock, audit log and
 * fence record. Left out: the engine's cache (.pulumi-home), the sandbox's operation log (it
 * records provider calls; a refused switch makes none, which the state digest proves anyway), the
 * fence cache and the lock generation (below).
 * Equal digests before and after a refused command prove it changed nothing.
 */
export function labDigest(dir: string): string {
    const hash = crypto.createHash("sha256");
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            // The fence cache is refreshed by every read of the dns stack (status included): a copy
            // of what was read, not a change (automation/fence/cache.ts). The lock generation
            // counts every take of the lock, a refused switch's too (it is refused under the lock,
            // which it releases): a count, not a change (automation/driver/coordination/store.ts).
            if (entry.name === ".pulumi-home" || entry.name === "sandbox-operations.jsonl" || entry.name === "fence-cache.json" || entry.name === "failover.lock.generation") {
                continue;
            }
            const p = path.join(d, entry.name);
            hash.update(path.relative(dir, p));
            if (entry.isDirectory()) {
                walk(p);
            } else {
                hash.update(new Uint8Array(fs.readFileSync(p)));
            }
        }
    };
    walk(dir);
    return hash.digest("hex");
}
