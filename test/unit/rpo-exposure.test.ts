import { expect } from "chai";
import { formatBytes, renderRpoExposure, rpoExposure } from "../../automation/aws/rpo-exposure";
import { ReplicationBacklogReport } from "../../automation/aws/replication-backlog";

const at = new Date(Date.UTC(2026, 10, 30, 9, 0, 0));
const known = (value: number) => ({ known: true as const, value, timestamp: at });
const missing = (name: string) => ({ known: false as const, reason: `no ${name} datapoint in the last 15 minutes` });

function report(readings: Pick<ReplicationBacklogReport, "operationsPending" | "bytesPending" | "latencySeconds">): ReplicationBacklogReport {
    return {
        rule: { destinationRegion: "us-west-2", sourceBucket: "sftp-primary-data", destinationBucket: "sftp-secondary-data", ruleId: "to-peer-region" },
        window: { start: at, end: at },
        thresholds: {},
        status: "within",
        excess: [],
        unknownMetrics: [],
        ...readings,
    };
}

describe("RPO exposure from replication metrics", () => {
    it("counts the objects and bytes pending replication as at risk, and the latency as the window", () => {
        const e = rpoExposure(report({ operationsPending: known(7), bytesPending: known(4096), latencySeconds: known(12) }));

        expect(e).to.deep.equal({ from: "sftp-primary-data", to: "sftp-secondary-data", status: "known", objectsAtRisk: 7, bytesAtRisk: 4096, windowSeconds: 12, unknown: [] });
        expect(renderRpoExposure(e)).to.equal("RPO exposure sftp-primary-data → sftp-secondary-data: 7 objects (4.0 KiB) not yet replicated; replica about 12 s behind");
    });

    it("reports a missing metric as unknown, never as zero", () => {
        const e = rpoExposure(report({ operationsPending: known(1), bytesPending: missing("BytesPendingReplication"), latencySeconds: known(3) }));

        expect(e.status).to.equal("partial");
        expect(e.bytesAtRisk).to.equal(undefined);
        expect(e.unknown).to.deep.equal(["no BytesPendingReplication datapoint in the last 15 minutes"]);
        expect(renderRpoExposure(e)).to.equal("RPO exposure sftp-primary-data → sftp-secondary-data: 1 object (unknown bytes) not yet replicated; replica about 3 s behind");
    });

    it("is unknown, with every reason, when no metric has a datapoint", () => {
        const e = rpoExposure(report({
            operationsPending: missing("OperationsPendingReplication"),
            bytesPending: missing("BytesPendingReplication"),
            latencySeconds: missing("ReplicationLatency"),
        }));

        expect(e.status).to.equal("unknown");
        expect(renderRpoExposure(e)).to.match(/^RPO exposure sftp-primary-data → sftp-secondary-data: unknown \(no OperationsPendingReplication .*; no ReplicationLatency datapoint in the last 15 minutes\)$/);
    });

    it("formats bytes in binary units", () => {
        expect(formatBytes(0)).to.equal("0 bytes");
        expect(formatBytes(1023)).to.equal("1023 bytes");
        expect(formatBytes(1536)).to.equal("1.5 KiB");
        expect(formatBytes(64 * 1024 * 1024)).to.equal("64.0 MiB");
    });
});
