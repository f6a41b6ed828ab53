// `check` as text: the verdict first, then each finding with its fix, grouped by level.
import type { CheckResult } from "../driver/readiness/check";
import { escapeControl } from "../driver/text";

const headings = { "not-ready": "NOT READY", unknown: "COULD NOT CHECK", warning: "warning" } as const;

/** The check's report: one line of verdict, then one line per finding and its fix. */
export function renderCheck(r: CheckResult): string {
    const verdict =
        r.readiness === "ready"
            ? "ready: a failover now would do what the posture promises"
            : r.readiness === "not-ready"
              ? "NOT READY for a failover"
              : "readiness unknown: some parts could not be read";
    const lines = [`${verdict} (checked ${r.checkedAt} in ${(r.durationMs / 1000).toFixed(1)} s)`];
    for (const level of ["not-ready", "unknown", "warning"] as const) {
        for (const f of r.findings.filter((x) => x.level === level)) {
            lines.push(`  ${headings[level]} [${f.area}] ${escapeControl(f.what)}`, `      fix: ${escapeControl(f.fix)}`);
        }
    }
    return lines.join("\n");
}
