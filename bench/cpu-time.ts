// CPU time from the kernel's counters, for figures less blurred by the machine's load than wall
// time. Linux counts in ticks of 10 ms (USER_HZ 100).
import * as fs from "node:fs";

const msPerTick = 10;

/** This process's own CPU (utime + stime) and its reaped children's (cutime + cstime) from a /proc/<pid>/stat text, in ms. */
export function processTimes(statText: string): { ownMs: number; childrenMs: number } {
    // The command name may hold spaces and parentheses; the fields after its last ")" start at field 3 (state).
    const fields = statText.slice(statText.lastIndexOf(")") + 2).split(" ");
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    if (![utime, stime, cutime, cstime].every(Number.isFinite)) {
        throw new Error("a /proc/<pid>/stat text without its time fields");
    }
    return { ownMs: (utime + stime) * msPerTick, childrenMs: (cutime + cstime) * msPerTick };
}

/**
 * CPU time of the children this process has reaped, in ms: each engine process adds its own and
 * its plugins' when it exits. Undefined where /proc cannot be read.
 */
export function reapedChildrenCpuMs(): number | undefined {
    try {
        return processTimes(fs.readFileSync("/proc/self/stat", "utf8")).childrenMs;
    } catch {
        return undefined;
    }
}

/** The whole machine's busy time from /proc/stat's first line (user, nice, system, irq, softirq, steal; not idle or iowait), in ms. */
export function machineBusyMs(procStatText: string): number {
    const fields = procStatText.split("\n")[0].trim().split(/\s+/);
    if (fields[0] !== "cpu") {
        throw new Error("/proc/stat does not start with its cpu line");
    }
    const [user, nice, system, , , irq, softirq, steal] = fields.slice(1, 9).map(Number);
    return (user + nice + system + irq + softirq + (steal ?? 0)) * msPerTick;
}

/** CPU time in milliseconds: the whole machine's busy time and this process tree's own. */
export interface CpuCounters {
    readonly machineBusyMs: number;
    readonly ownMs: number;
}

/** The machine's busy CPU time and this process's own plus its reaped children's; undefined without /proc. */
export function readCpuCounters(): CpuCounters | undefined {
    try {
        const self = processTimes(fs.readFileSync("/proc/self/stat", "utf8"));
        return { machineBusyMs: machineBusyMs(fs.readFileSync("/proc/stat", "utf8")), ownMs: self.ownMs + self.childrenMs };
    } catch {
        return undefined;
    }
}
