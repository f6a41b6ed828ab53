import { CloudWatchClient, PutMetricDataCommand, SetAlarmStateCommand, StateValue } from "@aws-sdk/client-cloudwatch";
import { CreateHealthCheckCommand, Route53Client } from "@aws-sdk/client-route-53";
import { expect } from "chai";
import { awsEndpointHealth, AwsEndpointHealthOptions } from "../../automation/aws/endpoint-health";
import { readEndpointHealth, RelatedCheckReading } from "../../automation/driver/endpoint-health";
import { fenceCoordinates } from "../../components/dns-fence-coordinates";
import { RegionName } from "../../foundation/posture";
import { motoCredentials, MotoServer, startMoto } from "../support/moto";
import { putFenceAlarms } from "../support/fence-alarms";
import { freePort } from "../support/ports";
import { startCountingProxy } from "../support/counting-proxy";
import { RecordedObservation, RecordedRoute53, startRecordedRoute53 } from "../support/recorded-route53";

// The AWS endpoint-health source against real APIs on loopback: moto serves Route 53 (including
// GetHealthCheckStatus, though always as one checker reporting Success) and CloudWatch's metrics
// and alarms; where moto cannot answer as AWS would (an unhealthy endpoint check, throttling), a
// stand-in answers responses recorded from the API reference (test/support/recorded-route53.ts).

const coordinates = fenceCoordinates({ service: "sftp.example.com" });
const regional = (awsRegion: string) => ({ region: awsRegion, endpointDnsName: `gw.elb.${awsRegion}.amazonaws.com`, endpointPort: 22 });

describe("AWS endpoint health: Route 53 and CloudWatch read, nothing assumed (moto server)", () => {
    let moto: MotoServer;
    let recorded: RecordedRoute53 | undefined;
    const route53 = () => new Route53Client({ endpoint: moto.endpoint, region: "us-east-1", credentials: motoCredentials });
    const cloudWatch = (region: string) => new CloudWatchClient({ endpoint: moto.endpoint, region, credentials: motoCredentials });
    const options = (route53Endpoint?: string): AwsEndpointHealthOptions => ({
        route53Endpoint: route53Endpoint ?? moto.endpoint,
        cloudWatchEndpoint: moto.endpoint,
        credentials: motoCredentials,
        maxAttempts: 1,
    });

    before(async () => {
        moto = await startMoto();
    });
    after(async () => {
        await moto?.stop();
    });
    beforeEach(async () => {
        await moto.reset();
    });
    afterEach(async () => {
        await recorded?.close();
        recorded = undefined;
    });

    async function createCheck(config: Record<string, unknown>): Promise<string> {
        const created = await route53().send(new CreateHealthCheckCommand({ CallerReference: `ref-${Math.random()}`, HealthCheckConfig: config as never }));
        return created.HealthCheck?.Id ?? expect.fail("moto returned no health check id");
    }

    /** Publishes a minute of Route 53's HealthCheckStatus for `id`, as Route 53 does in us-east-1. */
    async function publishStatus(id: string, value: number, at = new Date()): Promise<void> {
        await cloudWatch("us-east-1").send(
            new PutMetricDataCommand({ Namespace: "AWS/Route53", MetricData: [{ MetricName: "HealthCheckStatus", Dimensions: [{ Name: "HealthCheckId", Value: id }], Value: value, Timestamp: at }] }),
        );
    }

    /** The dns stack's fence alarm of `region`, in the fence region, set to `state`. */
    async function fenceAlarm(region: RegionName, state: StateValue): Promise<string> {
        const name = `sftp-${region}-fence-alarm`;
        await putFenceAlarms(moto.endpoint, coordinates, [region]);
        const cw = cloudWatch(coordinates.region);
        await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: "set by the test" }));
        return name;
    }

    const check = (checks: readonly RelatedCheckReading[] | undefined, which: RelatedCheckReading["check"]) => checks?.find((c) => c.check === which) ?? expect.fail(`no ${which} reading`);

    it("healthy: moto's checker reports Success, the combined check's metric is 1 and the fence alarm OK; each reading names its source and time", async () => {
        const endpointId = await createCheck({ Type: "TCP", IPAddress: "127.0.0.1", Port: 22, RequestInterval: 10, FailureThreshold: 1 });
        const fenceId = await createCheck({ Type: "CLOUDWATCH_METRIC", AlarmIdentifier: { Region: coordinates.region, Name: "sftp-primary-fence-alarm" }, InsufficientDataHealthStatus: "LastKnownStatus" });
        const combinedId = await createCheck({ Type: "CALCULATED", ChildHealthChecks: [endpointId, fenceId], HealthThreshold: 2 });
        const minuteAgo = new Date(Date.now() - 60_000);
        await publishStatus(combinedId, 1, minuteAgo);
        await fenceAlarm("primary", StateValue.OK);
        const dns = { healthCheckIds: { primary: { endpoint: endpointId, fence: fenceId, combined: combinedId }, secondary: { endpoint: "absent", fence: "absent", combined: "absent" } }, fence: coordinates };

        const result = await readEndpointHealth(awsEndpointHealth(options()), { primary: regional("us-east-1"), secondary: regional("us-west-2"), dns });

        const primary = result.regions.primary;
        expect(primary).to.include({ health: "healthy", source: `route53:GetHealthCheckStatus ${endpointId}` });
        expect(primary.reasons).to.deep.equal(["1 of 1 health checkers report healthy (100 %; healthy above 18 %)"]);
        expect(Number.isNaN(Date.parse(primary.observedAt))).to.equal(false);
        const combined = check(primary.checks, "combined");
        expect(combined).to.include({ health: "healthy", source: `cloudwatch:AWS/Route53 HealthCheckStatus ${combinedId} us-east-1` });
        // The metric's minute, not the time of the read: the reading's age shows.
        expect(Date.parse(combined.observedAt)).to.be.at.most(minuteAgo.getTime());
        expect(check(primary.checks, "fence")).to.include({ health: "healthy", source: `cloudwatch:DescribeAlarmsForMetric ${coordinates.namespace}/${coordinates.metricName} us-east-2` });
        // The secondary's ids name no check in moto: Route 53's NoSuchHealthCheck is unknown, not healthy.
        expect(result.regions.secondary.health).to.equal("unknown");
        expect(result.regions.secondary.reasons.join(" ")).to.contain("NoSuchHealthCheck");
        expect(result.failsOpen).to.equal(false);
    });

    it("unhealthy: 2 of 16 recorded checkers report Success (12.5 %), the combined check's metric is 0 and the fence alarm in ALARM", async () => {
        const now = new Date();
        const observation = (i: number): RecordedObservation => ({
            region: ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"][i % 8],
            ipAddress: `15.177.${i}.1`,
            status: i < 2 ? "Success: TCP connection established." : "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.",
            checkedTime: new Date(now.getTime() - (i + 1) * 1000),
        });
        recorded = await startRecordedRoute53({ "endpoint-check": { observations: Array.from({ length: 16 }, (_, i) => observation(i)) } });
        await publishStatus("combined-check", 1, new Date(now.getTime() - 120_000));
        await publishStatus("combined-check", 0, new Date(now.getTime() - 30_000));
        await fenceAlarm("secondary", StateValue.ALARM);

        const health = await awsEndpointHealth(options(recorded.endpoint)).endpointHealth({
            region: "secondary",
            awsRegion: "us-west-2",
            dnsName: "gw",
            port: 22,
            healthCheckIds: { endpoint: "endpoint-check", fence: "fence-check", combined: "combined-check" },
            fence: coordinates,
        });

        expect(recorded.asked).to.deep.equal(["/2013-04-01/healthcheck/endpoint-check/status"]);
        expect(health.health).to.equal("unhealthy");
        expect(health.reasons).to.deep.equal([
            "2 of 16 health checkers report healthy (12.5 %; healthy above 18 %)",
            "Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.",
        ]);
        // As old as the oldest observation counted.
        expect(health.observedAt).to.equal(new Date(now.getTime() - 16_000).toISOString());
        expect(check(health.checks, "combined").health).to.equal("unhealthy");
        const fence = check(health.checks, "fence");
        expect(fence.health).to.equal("unhealthy");
        expect(fence.reasons).to.deep.equal(["fenced: sftp-secondary-fence-alarm ALARM"]);
    });

    it("a throttled GetHealthCheckStatus and a combined check without datapoints are unknown, with the error and the window as reasons", async () => {
        recorded = await startRecordedRoute53({ "endpoint-check": { error: { httpStatus: 400, code: "Throttling", message: "Rate exceeded" } } });

        const health = await awsEndpointHealth(options(recorded.endpoint)).endpointHealth({
            region: "primary",
            awsRegion: "us-east-1",
            dnsName: "gw",
            port: 22,
            healthCheckIds: { endpoint: "endpoint-check", fence: "fence-check", combined: "combined-check" },
            fence: coordinates,
        });

        expect(health.health).to.equal("unknown");
        expect(health.reasons).to.deep.equal(["GetHealthCheckStatus endpoint-check failed: Throttling: Rate exceeded"]);
        expect(check(health.checks, "combined")).to.deep.include({ health: "unknown", reasons: ["no HealthCheckStatus datapoint in the last 300 s"] });
        // No alarm on the fence metric: Route 53's fence check cannot be told.
        expect(check(health.checks, "fence")).to.deep.include({ health: "unknown", reasons: ["no alarm watches the fence metric"] });
    });

    it("unreadable: Route 53 and CloudWatch at a closed loopback port make every reading unknown with the connection error", async () => {
        const closed = `http://127.0.0.1:${await freePort()}`;
        const source = awsEndpointHealth({ route53Endpoint: closed, cloudWatchEndpoint: closed, credentials: motoCredentials, maxAttempts: 1, timeoutMs: 2000 });

        const health = await source.endpointHealth({
            region: "primary",
            awsRegion: "us-east-1",
            dnsName: "gw",
            port: 22,
            healthCheckIds: { endpoint: "endpoint-check", fence: "fence-check", combined: "combined-check" },
            fence: coordinates,
        });

        expect(health.health).to.equal("unknown");
        expect(health.reasons[0]).to.match(/^GetHealthCheckStatus endpoint-check failed: .*ECONNREFUSED/);
        expect(check(health.checks, "combined").health).to.equal("unknown");
        expect(check(health.checks, "combined").reasons[0]).to.match(/ECONNREFUSED/);
        expect(check(health.checks, "fence").health).to.equal("unknown");
        expect(check(health.checks, "fence").reasons[0]).to.match(/reading the fence of primary failed/);
    });

    it("scoped to the endpoint check (the fence operation reads the fences itself), only GetHealthCheckStatus is called", async () => {
        const endpointId = await createCheck({ Type: "TCP", IPAddress: "127.0.0.1", Port: 22, RequestInterval: 10, FailureThreshold: 1 });
        await fenceAlarm("primary", StateValue.ALARM);
        const proxy = await startCountingProxy(moto.endpoint);
        try {
            const source = awsEndpointHealth({ ...options(proxy.endpoint), cloudWatchEndpoint: proxy.endpoint });
            const endpoint = { region: "primary" as const, awsRegion: "us-east-1", dnsName: "gw", port: 22, healthCheckIds: { endpoint: endpointId, fence: "fence-check", combined: "combined-check" }, fence: coordinates };

            const scoped = await source.endpointHealth(endpoint, { endpointOnly: true });
            expect(scoped).to.include({ health: "healthy", source: `route53:GetHealthCheckStatus ${endpointId}` });
            expect(scoped.checks).to.equal(undefined);
            expect(proxy.calls.map((c) => c.operation)).to.deep.equal(["GET /2013-04-01/healthcheck/" + endpointId + "/status"]);

            // The control: unscoped, the same source reads the combined check and the fence alarm too.
            const whole = await source.endpointHealth(endpoint);
            expect(check(whole.checks, "fence").health).to.equal("unhealthy");
            expect(proxy.calls.length).to.be.greaterThan(2);
        } finally {
            await proxy.close();
        }
    });

    it("a region whose dns stack exports no health check ids is unknown, and no API is called", async () => {
        recorded = await startRecordedRoute53({});
        const health = await awsEndpointHealth(options(recorded.endpoint)).endpointHealth({ region: "primary", awsRegion: "us-east-1", dnsName: "gw", port: 22 });
        expect(health).to.deep.include({ health: "unknown", source: "dns stack outputs" });
        expect(recorded.asked).to.deep.equal([]);
    });
});
