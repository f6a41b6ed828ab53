// Whether a process still exists on this host: the one proof of a holder's death that needs no
// lease, and only where the pid was seen (the local coordination store, the file backend's locks).

/** Whether a process with this pid exists on this host (one we may not signal still exists). */
export function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}
