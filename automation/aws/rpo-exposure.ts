// RPO exposure: what would be lost if the serving region were lost now. S3 replication is
// asynchronous, so the writes still pending replication exist in one region only; the replication
// latency says how far behind the replica runs. Computed from the replication metrics
// (replication-backlog.ts), and like them a missing metric is unknown, never zero: "no datapoint"
// may mean metrics are off, which proves nothing about the backlog.
import { MetricReading, ReplicationBacklogReport } from "./replication-backlog";

/** The exposure of one replication rule. */
export interface RpoExposure {
    /** Source bucket → destination bucket: the direction in which data is at risk. */
    readonly from: string;
    readonly to: string;
    /** `known` when every figure is known; `partial` when some are; `unknown` when none is. */
    readonly status: "known" | "partial" | "unknown";
    /** Objects written to `from` and not yet in `to` (OperationsPendingReplication). */
    readonly objectsAtRisk?: number;
    /** Their bytes (BytesPendingReplication). */
    readonly bytesAtRisk?: number;
    /** How far the replica runs behind, in seconds (ReplicationLatency): the window of writes at risk. */
    readonly windowSeconds?: number;
    /** Why a figure is missing, one line each. */
    readonly unknown: readonly string[];
}

/** The RPO exposure a backlog reading implies (pure). */
export function rpoExposure(report: ReplicationBacklogReport): RpoExposure {
    const unknown: string[] = [];
    const take = (r: MetricReading): number | undefined => {
        if (r.known) {
            return r.value;
        }
        unknown.push(r.reason);
        return undefined;
    };
    const objectsAtRisk = take(report.operationsPending);
    const bytesAtRisk = take(report.bytesPending);
    const windowSeconds = take(report.latencySeconds);
    const status = unknown.length === 0 ? "known" : unknown.length === 3 ? "unknown" : "partial";
    return {
        from: report.rule.sourceBucket,
        to: report.rule.destinationBucket,
        status,
        ...(objectsAtRisk === undefined ? {} : { objectsAtRisk }),
        ...(bytesAtRisk === undefined ? {} : { bytesAtRisk }),
        ...(windowSeconds === undefined ? {} : { windowSeconds }),
        unknown,
    };
}

/** Bytes for people: 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
    const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit += 1;
    }
    return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** One line for `status`: the figures known, and "unknown" for the rest, never a made-up zero. */
export function renderRpoExposure(e: RpoExposure): string {
    const head = `RPO exposure ${e.from} → ${e.to}:`;
    if (e.status === "unknown") {
        return `${head} unknown (${e.unknown.join("; ")})`;
    }
    const objects = e.objectsAtRisk === undefined ? "unknown objects" : `${e.objectsAtRisk} object${e.objectsAtRisk === 1 ? "" : "s"}`;
    const bytes = e.bytesAtRisk === undefined ? "unknown bytes" : formatBytes(e.bytesAtRisk);
    const window = e.windowSeconds === undefined ? "replica lag unknown" : `replica about ${e.windowSeconds} s behind`;
    return `${head} ${objects} (${bytes}) not yet replicated; ${window}`;
}
