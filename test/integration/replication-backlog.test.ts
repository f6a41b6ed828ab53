import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import {
    readReplicationBacklog,
    ReplicationMetricsUnavailableError,
    ReplicationRule,
} from "../../automation/aws/replication-backlog";
import { MotoServer, startMoto } from "../support/moto";
import { freePort } from "../support/ports";

// The primary's bucket in us-east-1 replicating to the secondary's in us-west-2: S3 publishes the
// rule's pending figures and latency in the destination's region, us-west-2.
const sourceRegion = "us-east-1";
const rule: ReplicationRule = {
    destinationRegion: "us-west-2",
    sourceBucket: "sftp-primary-data",
    destinationBucket: "sftp-secondary-data",
    ruleId: "to-secondary",
};

type Metric = "OperationsPendingReplication" | "BytesPendingReplication" | "ReplicationLatency";

describe("replication backlog read from CloudWatch (moto server)", () => {
    let moto: MotoServer;
    let cloudWatch: CloudWatchClient;
    let sourceCloudWatch: CloudWatchClient;
    const now = new Date();
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

    /** Publishes a datapoint as S3 would, with the three dimensions of a replication rule, in the destination's region unless told. */
    async function put(metric: Metric, value: number, at: Date, ofRule: ReplicationRule = rule, client: CloudWatchClient = cloudWatch): Promise<void> {
        await client.send(new PutMetricDataCommand({
            Namespace: "AWS/S3",
            MetricData: [{
                MetricName: metric,
                Value: value,
                Timestamp: at,
                Unit: metric === "ReplicationLatency" ? "Seconds" : metric === "BytesPendingReplication" ? "Bytes" : "Count",
                Dimensions: [
                    { Name: "SourceBucket", Value: ofRule.sourceBucket },
                    { Name: "DestinationBucket", Value: ofRule.destinationBucket },
                    { Name: "RuleId", Value: ofRule.ruleId },
                ],
            }],
        }));
    }

    const read = (opts: Parameters<typeof readReplicationBacklog>[1] = {}) =>
        readReplicationBacklog(rule, { endpoint: moto.endpoint, credentials: moto.clientConfig.credentials, now, ...opts });

    before(async () => {
        moto = await startMoto();
        cloudWatch = new CloudWatchClient({ ...moto.clientConfig, region: rule.destinationRegion });
        sourceCloudWatch = new CloudWatchClient({ ...moto.clientConfig, region: sourceRegion });
    });

    beforeEach(async () => {
        await moto.reset();
    });

    after(async () => {
        cloudWatch?.destroy();
        sourceCloudWatch?.destroy();
        await moto?.stop();
    });

    it("reports the newest value of each metric and a backlog within the default limits", async () => {
        await put("OperationsPendingReplication", 900, minutesAgo(6));
        await put("OperationsPendingReplication", 7, minutesAgo(2));
        await put("BytesPendingReplication", 4096, minutesAgo(2));
        await put("ReplicationLatency", 12, minutesAgo(2));
        // Another rule's backlog must not leak into this one's.
        await put("OperationsPendingReplication", 5000, minutesAgo(1), { ...rule, ruleId: "other-rule" });

        const report = await read();

        expect(report.operationsPending).to.deep.include({ known: true, value: 7 });
        expect(report.bytesPending).to.deep.include({ known: true, value: 4096 });
        expect(report.latencySeconds).to.deep.include({ known: true, value: 12 });
        if (report.operationsPending.known) {
            expect(report.operationsPending.timestamp.getTime()).to.be.closeTo(minutesAgo(2).getTime(), 60_000);
        }
        expect(report).to.deep.include({ status: "within", excess: [], unknownMetrics: [] });
        expect(report.window.end).to.deep.equal(now);
        expect(report.window.start).to.deep.equal(minutesAgo(15));
    });

    it("reads the destination bucket's region, where S3 publishes these metrics: the source's region holds none of this rule's backlog", async () => {
        // Figures in the source's region (where a reader that took the rule's source region would look) are not read.
        await put("OperationsPendingReplication", 9999, minutesAgo(1), rule, sourceCloudWatch);
        await put("ReplicationLatency", 9999, minutesAgo(1), rule, sourceCloudWatch);
        expect(await read()).to.deep.include({ status: "unknown", excess: [] });

        await put("OperationsPendingReplication", 2, minutesAgo(1));
        await put("BytesPendingReplication", 10, minutesAgo(1));
        await put("ReplicationLatency", 3, minutesAgo(1));
        const report = await read();

        expect(report.operationsPending).to.deep.include({ known: true, value: 2 });
        expect(report.latencySeconds).to.deep.include({ known: true, value: 3 });
        expect(report).to.deep.include({ status: "within", excess: [], unknownMetrics: [] });
    });

    it("is above the limit when the newest pending-operations count exceeds it, and says by how much", async () => {
        await put("OperationsPendingReplication", 3, minutesAgo(5));
        await put("OperationsPendingReplication", 250, minutesAgo(1));
        await put("BytesPendingReplication", 1024, minutesAgo(1));
        await put("ReplicationLatency", 30, minutesAgo(1));

        const report = await read();

        expect(report.status).to.equal("above");
        expect(report.excess).to.deep.equal(["OperationsPendingReplication is 250 (limit 100)"]);
    });

    it("applies the limits it is given, and only those", async () => {
        await put("OperationsPendingReplication", 7, minutesAgo(1));
        await put("ReplicationLatency", 45, minutesAgo(1));

        const strict = await read({ thresholds: { maxOperationsPending: 0, maxLatencySeconds: 30 } });
        const latencyOnly = await read({ thresholds: { maxLatencySeconds: 60 } });

        expect(strict.status).to.equal("above");
        expect(strict.excess).to.deep.equal([
            "OperationsPendingReplication is 7 (limit 0)",
            "ReplicationLatency is 45 (limit 30)",
        ]);
        // Bytes has no datapoint but no limit either, so it cannot make the answer unknown.
        expect(latencyOnly).to.deep.include({ status: "within", excess: [], unknownMetrics: [] });
        expect(latencyOnly.bytesPending.known).to.equal(false);
    });

    it("reports missing metrics as unknown, not as zero", async () => {
        const report = await read();

        expect(report.status).to.equal("unknown");
        expect(report.unknownMetrics).to.deep.equal(["OperationsPendingReplication", "BytesPendingReplication", "ReplicationLatency"]);
        expect(report.operationsPending).to.deep.equal({ known: false, reason: "no OperationsPendingReplication datapoint in the last 15 minutes" });
        expect(report.excess).to.deep.equal([]);
    });

    it("is unknown when one limited metric is missing and the others are within their limits", async () => {
        await put("OperationsPendingReplication", 1, minutesAgo(1));
        await put("ReplicationLatency", 2, minutesAgo(1));

        const report = await read();

        expect(report).to.deep.include({ status: "unknown", unknownMetrics: ["BytesPendingReplication"], excess: [] });
    });

    it("is above, not unknown, when a known value exceeds its limit while another is missing", async () => {
        await put("ReplicationLatency", 900, minutesAgo(1));

        const report = await read();

        expect(report.status).to.equal("above");
        expect(report.excess).to.deep.equal(["ReplicationLatency is 900 (limit 300)"]);
        expect(report.unknownMetrics).to.deep.equal(["OperationsPendingReplication", "BytesPendingReplication"]);
    });

    it("ignores datapoints older than the window", async () => {
        await put("OperationsPendingReplication", 10, minutesAgo(40));

        const report = await read({ windowMinutes: 15 });

        expect(report.operationsPending.known).to.equal(false);
    });

    it("uses a client it is given and leaves it usable", async () => {
        await put("OperationsPendingReplication", 4, minutesAgo(1));

        const first = await readReplicationBacklog(rule, { client: cloudWatch, now });
        const second = await readReplicationBacklog(rule, { client: cloudWatch, now });

        expect(first.operationsPending).to.deep.include({ known: true, value: 4 });
        expect(second.operationsPending).to.deep.include({ known: true, value: 4 });
    });

    it("throws ReplicationMetricsUnavailableError naming the endpoint when CloudWatch does not answer", async () => {
        const closed = `http://127.0.0.1:${await freePort()}`;

        const error = await readReplicationBacklog(rule, { endpoint: closed, credentials: moto.clientConfig.credentials, timeoutMs: 5000 })
            .then(() => undefined, (err: unknown) => err);

        expect(error).to.be.instanceOf(ReplicationMetricsUnavailableError);
        expect((error as Error).message).to.include(`rule "to-secondary" from CloudWatch in us-west-2 at ${closed}`);
        expect((error as Error).cause).to.not.equal(undefined);
    });

    it("throws ReplicationMetricsUnavailableError saying so when the read is aborted", async () => {
        const error = await read({ signal: AbortSignal.abort() }).then(() => undefined, (err: unknown) => err);

        expect(error).to.be.instanceOf(ReplicationMetricsUnavailableError);
        expect((error as Error).message).to.match(/rule "to-secondary" from CloudWatch in us-west-2 at http:\/\/127\.0\.0\.1:\d+: aborted$/);
    });

    it("rejects a negative limit and names it", async () => {
        const error = await read({ thresholds: { maxBytesPending: -1 } }).then(() => undefined, (err: unknown) => err);

        expect(String(error)).to.include("thresholds.maxBytesPending must be a number ≥ 0 (got -1)");
    });
});
