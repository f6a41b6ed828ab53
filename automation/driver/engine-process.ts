// Stopping an engine run that does not stop. The Automation API cancels an `up` with one SIGINT,
// which asks the engine to finish the operations in flight — and an operation against an
// unreachable region may never finish. A second SIGINT makes the engine terminate at once (it
// still writes its checkpoint and releases the stack lock). The Automation API does not expose the
// engine's pid, so it is found among this process's children by its command line.
import * as fs from "node:fs";

/** Pids of this process's `pulumi <verb> … --stack <stackName>` children (Linux /proc; elsewhere none). */
export function engineChildren(verb: string, stackName: string): number[] {
    let entries: string[];
    try {
        entries = fs.readdirSync("/proc");
    } catch {
        return [];
    }
    const found: number[] = [];
    for (const entry of entries) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            // Field 4 (ppid) follows the command name in parentheses, which may itself hold spaces.
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            if (ppid !== process.pid) {
                continue;
            }
            const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
            const stackAt = argv.indexOf("--stack");
            if (argv.includes(verb) && stackAt >= 0 && argv[stackAt + 1] === stackName) {
                found.push(Number(entry));
            }
        } catch {
            // The process exited while we looked.
        }
    }
    return found;
}

/** Sends the engine of `stackName`'s `up` its second SIGINT. Returns how many processes were signalled. */
export function terminateEngine(stackName: string): number {
    let signalled = 0;
    for (const pid of engineChildren("up", stackName)) {
        try {
            process.kill(pid, "SIGINT");
            signalled++;
        } catch {
            // Already gone.
        }
    }
    return signalled;
}
