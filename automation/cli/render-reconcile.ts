// Text of the `reconcile` verb's result: the counts first (what an operator decides on), then one
// line per key. Kept apart from render.ts so the data layer's report does not grow the switch's renderer.
import { reservedKeyPrefix } from "../../components/reserved-keys";
import { copyable, ReconcileReport, reconcileKinds } from "../aws/reconcile";

const what: Record<(typeof reconcileKinds)[number], string> = {
    missing: "on the serving side only (--copy copies)",
    newer: "newer on the serving side (--copy copies)",
    "delete-marker": "deleted on the serving side, still on the other (never applied)",
    "other-newer": "newer on the other side (left for you to judge)",
    "only-on-other": "only on the other side (left alone)",
};

/** The report as text. */
export function renderReconcile(report: ReconcileReport): string {
    const lines = [
        `reconcile s3://${report.serving.bucket} (${report.serving.region}, serving) → s3://${report.other.bucket} (${report.other.region})${report.prefix === "" ? "" : ` under "${report.prefix}"`}`,
        `  in sync: ${report.inSync} keys`,
        ...(report.reservedKeys > 0 ? [`  skipped: ${report.reservedKeys} keys of sftp-failover's own (${reservedKeyPrefix}, each region writes its own)`] : []),
    ];
    for (const kind of reconcileKinds) {
        const t = report.totals[kind];
        lines.push(`  ${kind.padEnd(14)} ${String(t.count).padStart(6)} keys ${String(t.bytes).padStart(12)} bytes  ${what[kind]}`);
    }
    for (const item of report.items) {
        lines.push(`  ${item.kind.padEnd(14)} ${item.key}`);
    }
    if (report.copied !== undefined) {
        const ok = report.copied.filter((c) => c.ok);
        lines.push(`copied ${ok.length} of ${report.copied.length} (${ok.reduce((s, c) => s + c.bytes, 0)} bytes); nothing was deleted`);
        for (const c of report.copied.filter((x) => !x.ok)) {
            lines.push(`  FAILED ${c.key}: ${c.error ?? "unknown error"}`);
        }
    } else if (report.items.some((i) => copyable(i.kind))) {
        lines.push("run again with --copy to copy what replication has not delivered");
    }
    return lines.join("\n");
}
