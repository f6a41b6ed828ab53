import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import { activeFlowMetric, loadBalancerDimensionOf, readActiveFlows } from "../../automation/aws/active-flows";
import { waitForDrain } from "../../automation/driver/drain";
import { motoCredentials, MotoServer, startMoto } from "../support/moto";
import { freePort } from "../support/ports";

// The drain's metric read against CloudWatch's API on loopback (moto): datapoints published as a
// Network Load Balancer would, read back per load balancer; anything unreadable is unknown.

const lb = "net/sftp-primary-gw-nlb/50dc6c495c0c9188";
const target = { awsRegion: "us-east-1", loadBalancer: lb };

describe("open sessions read from the NLB's ActiveFlowCount (moto server)", () => {
    let moto: MotoServer;
    let cloudWatch: CloudWatchClient;
    const now = new Date();
    const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

    async function put(value: number, at: Date, loadBalancer = lb): Promise<void> {
        await cloudWatch.send(
            new PutMetricDataCommand({
                Namespace: activeFlowMetric.namespace,
                MetricData: [{ MetricName: activeFlowMetric.metricName, Value: value, Timestamp: at, Unit: "Count", Dimensions: [{ Name: "LoadBalancer", Value: loadBalancer }] }],
            }),
        );
    }

    const read = () => readActiveFlows(target, { endpoint: moto.endpoint, credentials: motoCredentials, maxAttempts: 1, now: () => now });

    before(async () => {
        moto = await startMoto();
        cloudWatch = new CloudWatchClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: motoCredentials });
    });
    beforeEach(async () => {
        await moto.reset();
    });
    after(async () => {
        cloudWatch?.destroy();
        await moto?.stop();
    });

    it("reads the newest minute's flows of this load balancer only", async () => {
        await put(4, minutesAgo(2));
        await put(3, minutesAgo(1));
        await put(90, minutesAgo(1), "net/another-nlb/0123456789abcdef");

        const reading = await read();

        expect(reading).to.deep.include({ known: true, sessions: 3 });
        expect(reading.source).to.contain(lb);
    });

    it("a zero datapoint reads as no open session, and the drain ends drained", async () => {
        await put(0, minutesAgo(1));
        const outcome = await waitForDrain({ region: "primary", timeoutSeconds: 60, read: () => read() });
        expect(outcome).to.deep.include({ outcome: "drained", openSessions: 0 });
    });

    it("no datapoint in the window is unknown, not zero", async () => {
        await put(0, minutesAgo(30));
        const reading = await read();
        expect(reading.known).to.equal(false);
        expect(reading.known === false && reading.reason).to.contain("no ActiveFlowCount datapoint in the last 180 s");
    });

    it("an unreachable CloudWatch is unknown, with the error", async () => {
        const closed = `http://127.0.0.1:${await freePort()}`;
        const reading = await readActiveFlows(target, { endpoint: closed, credentials: motoCredentials, maxAttempts: 1, timeoutMs: 2_000 });
        expect(reading.known).to.equal(false);
        expect(reading.known === false && reading.reason).to.match(/^GetMetricData failed: /);
    });

    it("the dimension is the ARN's net/<name>/<id> suffix", () => {
        expect(loadBalancerDimensionOf(`arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/${lb}`)).to.equal(lb);
        expect(loadBalancerDimensionOf("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1")).to.equal(undefined);
    });
});
