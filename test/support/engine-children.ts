import * as fs from "node:fs";
import * as path from "node:path";

/** Pids of `pulumi … up` processes whose parent is `pid` (Linux /proc); none for an undefined pid. */
export function engineChildrenOf(pid: number | undefined): number[] {
    if (pid === undefined) {
        return [];
    }
    const found: number[] = [];
    for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
            if (ppid === pid && path.basename(argv[0]) === "pulumi" && argv.includes("up")) {
                found.push(Number(entry));
            }
        } catch {
            // Gone while we looked.
        }
    }
    return found;
}
