import { CloudWatchClient, GetMetricStatisticsCommand, PutMetricDataCommand, SetAlarmStateCommand, StateValue } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import * as path from "node:path";
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { FailoverController } from "../../automation/driver/controller";
import { ReplicationBacklogError } from "../../automation/driver/errors";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { putFenceAlarms } from "../support/fence-alarms";
import { MotoServer, startMoto } from "../support/moto";

// Failback and fencing with the driver's real AWS clients, against moto's CloudWatch on loopback:
// the stacks run in the sandbox, the fence metric and S3's replication metrics live in moto.


// The AWS SDK's once-per-process notice about Node 22 is noise in test output (the project supports
// Node 20 with the SDK versions it pins); a value set by whoever runs the tests wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

describe("driver fence and failback against moto's CloudWatch (sandbox stacks)", function () {
    let moto: MotoServer;
    let lab: Lab;
    let controller: FailoverController;
    let rule: { sourceBucket: string; destinationBucket: string; region: string };
    /** The dns stack's fence output, read once: a switch changes the records' weights, never the fence. */
    let fence: FenceCoordinates;

    /** Publishes one replication datapoint as S3 would, for the secondary → primary rule: in the destination's (the primary's) region. */
    async function putBacklog(metric: string, value: number, at: Date): Promise<void> {
        const client = new CloudWatchClient({ ...moto.clientConfig, region: rule.region });
        try {
            await client.send(
                new PutMetricDataCommand({
                    Namespace: "AWS/S3",
                    MetricData: [
                        {
                            MetricName: metric,
                            Value: value,
                            Timestamp: at,
                            Dimensions: [
                                { Name: "SourceBucket", Value: rule.sourceBucket },
                                { Name: "DestinationBucket", Value: rule.destinationBucket },
                                { Name: "RuleId", Value: "to-peer-region" },
                            ],
                        },
                    ],
                }),
            );
        } finally {
            client.destroy();
        }
    }

    before(async function () {
        // Side by side: moto and the lab's copy do not depend on each other, nor do the three stacks' outputs.
        const [server, copy] = await Promise.all([startMoto(), deployedLab()]);
        moto = server;
        lab = copy.lab;
        const stacks = await lab.stacks();
        expect(copy.deployed.status).to.equal("bootstrapped");
        const aws = { endpoint: moto.endpoint, credentials: moto.clientConfig.credentials };
        controller = await FailoverController.create({ engine: lab.env, journalDir: path.join(lab.dir, ".failover"), identity: "erin", fence: aws, cloudWatch: aws, endpointHealth: lab.endpointHealth });
        const [secondary, primary, dns] = await Promise.all([stacks.secondary.outputs(), stacks.primary.outputs(), stacks.dns.outputs()]);
        rule = { sourceBucket: secondary.bucketName.value, destinationBucket: primary.bucketName.value, region: primary.region.value };
        fence = dns.fence.value as FenceCoordinates;
    });

    after(async function () {
        lab?.remove();
        await moto?.stop();
    });

    /** The dns stack's fence alarm of `region` (putFenceAlarms' name) set to `state`, as CloudWatch would after evaluating it. */
    async function setFenceAlarmState(region: "primary" | "secondary", state: StateValue): Promise<void> {
        const cw = new CloudWatchClient({ ...moto.clientConfig, region: fence.region });
        try {
            await cw.send(new SetAlarmStateCommand({ AlarmName: `sftp-${region}-fence-alarm`, StateValue: state, StateReason: "set by the test" }));
        } finally {
            cw.destroy();
        }
    }

    it("fence and unfence publish the region's fence metric, status reads it back, and both are audited", async function () {
        // No alarm watches the metric in moto yet: there is nothing to fence, and nothing is published.
        const nothing = await controller.fence("secondary", { reason: "drill", yes: true }).catch((e: Error) => e);
        expect((nothing as Error).name).to.equal("NothingToFenceError");
        await putFenceAlarms(moto.endpoint, fence);
        // The alarms exist and no datapoint yet: unfenced (a health check that never failed is healthy).
        expect((await controller.status()).fence).to.deep.equal({ primary: "unfenced", secondary: "unfenced" });
        const fenceStarted = Date.now();
        const fenced = await controller.fence("secondary", { reason: "drill", yes: true });
        expect(fenced.state).to.equal("fenced");
        // moto stores alarms but does not evaluate them on its own terms: set the state CloudWatch
        // reaches once the period closes, which is what Route 53 and status follow.
        await setFenceAlarmState("secondary", StateValue.ALARM);
        expect((await controller.status()).fence).to.deep.equal({ primary: "unfenced", secondary: "fenced" });
        const unfenced = await controller.unfence("secondary", { yes: true });
        const unfenceEnded = Date.now();
        expect(unfenced.state).to.equal("unfenced");
        await setFenceAlarmState("secondary", StateValue.OK);
        // An unfence in the fence's minute also stamps its 1 in the next period, which holds only 1s, so that is the last word.
        expect((await controller.status()).fence).to.deep.equal({ primary: "unfenced", secondary: "unfenced" });
        // Every datapoint reached the fence metric in the fence region: the fence's 0, the unfence's 1 now and its 1 a period ahead.
        const coordinates = unfenced.coordinates as { region: string; namespace: string; metricName: string; dimensions: { secondary: Record<string, string> } };
        const client = new CloudWatchClient({ ...moto.clientConfig, region: coordinates.region });
        try {
            const stats = await client.send(
                new GetMetricStatisticsCommand({
                    Namespace: coordinates.namespace,
                    MetricName: coordinates.metricName,
                    Dimensions: Object.entries(coordinates.dimensions.secondary).map(([Name, Value]) => ({ Name, Value })),
                    StartTime: new Date(Date.now() - 10 * 60_000),
                    EndTime: new Date(Date.now() + 2 * 60_000),
                    Period: 3600,
                    Statistics: ["Minimum", "Maximum", "SampleCount"],
                }),
            );
            const points = (stats.Datapoints ?? []).reduce((n, d) => n + (d.SampleCount ?? 0), 0);
            // The fence's 0 and the unfence's 1 now; and, when both fell in one minute (as they do
            // unless a minute boundary passed between them), the unfence's 1 a period ahead.
            const oneMinute = Math.floor(fenceStarted / 60_000) === Math.floor(unfenceEnded / 60_000);
            expect(points).to.be.oneOf(oneMinute ? [3] : [2, 3]);
            expect(Math.min(...(stats.Datapoints ?? []).map((d) => d.Minimum ?? 1))).to.equal(0);
        } finally {
            client.destroy();
        }
        const history = await controller.history();
        expect(history.map((e) => `${e.operation} ${e.to} ${e.result}`)).to.deep.equal(["fence secondary fenced ok", "unfence secondary unfenced ok"]);
        expect(history[0].reason).to.equal("drill");
    });

    it("failback refuses while the secondary's replication metrics are missing, changing nothing", async function () {
        // The primary's fence was never published, so moto's alarm reads unknown: accepted knowingly.
        await controller.setPosture("failover", { reason: "failback test", acceptUnknownHealth: true });
        const audited = (await controller.history()).length;
        const err = await controller.failback().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(ReplicationBacklogError);
        expect((err as Error).message).to.match(/^no datapoint for OperationsPendingReplication, BytesPendingReplication, ReplicationLatency of sftp-failover-secondary-/);
        expect((await controller.status()).posture).to.equal("failover");
        expect(await controller.history()).to.have.length(audited);
    });

    it("failback refuses while the backlog is above the limits, naming the metric", async function () {
        const at = new Date(Date.now() - 3 * 60_000);
        await putBacklog("OperationsPendingReplication", 5000, at);
        await putBacklog("BytesPendingReplication", 1024, at);
        await putBacklog("ReplicationLatency", 20, at);
        const err = await controller.failback().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(ReplicationBacklogError);
        expect((err as Error).message).to.contain("OperationsPendingReplication is 5000 (limit 100)");
        expect((err as ReplicationBacklogError).backlog).to.deep.equal({ operationsPending: 5000, bytesPending: 1024, latencySeconds: 20 });
        expect((await controller.status()).posture).to.equal("failover");
    });

    it("once replication has caught up, failback returns to active-passive in the safe order", async function () {
        const at = new Date(Date.now() - 60_000);
        await putBacklog("OperationsPendingReplication", 0, at);
        await putBacklog("BytesPendingReplication", 0, at);
        await putBacklog("ReplicationLatency", 4, at);
        const result = await controller.failback({ reason: "primary back", acceptUnknownHealth: true });
        expect(result.status, "no canary in the lab").to.equal("unverified");
        expect(result.backlog).to.deep.equal({ status: "within", operationsPending: 0, bytesPending: 0, latencySeconds: 4 });
        expect(result.steps.map((s) => `${s.id} ${s.status}`)).to.deep.equal(["before-dns:primary done", "dns:dns done", "after-dns:secondary done"]);
        expect((await controller.status()).posture).to.equal("active-passive");
        expect((await controller.history()).pop()).to.include({ operation: "failback", from: "failover", to: "active-passive", result: "unverified", reason: "primary back" });
    });
});
