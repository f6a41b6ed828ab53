// Whether a process still exists on this host: the one proof of a holder's death that needs no
// lease, and only where the pid was seen (the local coordination store, the file backend's locks).
import * as fs from "node:fs";

/**
 * True when Linux reports the pid as a zombie (exited, waiting for its parent to collect it) or
 * dead. An engine orphaned by a killed driver is reparented, dies, and can stay a zombie for as long
 * as its new parent takes to reap it, while `kill(pid, 0)` still succeeds: its locks are stale.
 */
function exitedButNotReaped(pid: number): boolean {
    let stat: string;
    try {
        stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
        return false; // No procfs (or the pid is gone): kill(pid, 0) decides.
    }
    // Field 3, the state, follows the command name in parentheses, which may itself hold spaces.
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state === "Z" || state === "X";
}

/** Whether a process with this pid is running on this host (one we may not signal still runs; a zombie does not). */
export function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM" && !exitedButNotReaped(pid);
    }
    return !exitedButNotReaped(pid);
}
