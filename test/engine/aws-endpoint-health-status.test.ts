import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import * as path from "node:path";
import { awsEndpointHealth } from "../../automation/aws/endpoint-health";
import { FailoverController } from "../../automation/driver/controller";
import { regionNames } from "../../foundation/posture";
import { readDnsOutputs } from "../../stacks/contract";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { motoCredentials, MotoServer, startMoto } from "../support/moto";
import { RecordedObservation, RecordedRoute53, startRecordedRoute53 } from "../support/recorded-route53";

// status with the AWS endpoint-health source over deployed stacks: the source is handed the ids the
// dns stack exports, Route 53 answers for them (recorded answers: moto cannot report an unhealthy
// checker), CloudWatch (moto) holds the combined checks' metric and the fence alarms, and the
// serving answer follows the health read. Nothing reaches AWS: every client has a loopback endpoint.

describe("status reads endpoint health from Route 53 and CloudWatch (sandbox lab, moto)", function () {
    let lab: Lab;
    let moto: MotoServer;
    let route53: RecordedRoute53;

    before(async function () {
        // Side by side: the lab's copy and moto do not depend on each other.
        const [copy, server] = await Promise.all([deployedLab(), startMoto()]);
        lab = copy.lab;
        moto = server;
    });

    after(async function () {
        await route53?.close();
        await moto?.stop();
        lab?.remove();
    });

    it("the primary's checkers report 2 of 16 healthy: its endpoint check is unhealthy and Route 53 answers the weight-0 secondary", async function () {
        const fenceOnly = await FailoverController.create({ engine: lab.env, journalDir: path.join(lab.dir, ".failover"), fence: { endpoint: moto.endpoint, credentials: motoCredentials } });
        const dns = readDnsOutputs((await fenceOnly.status()).stacks.dns.outputs);
        const ids = dns.healthCheckIds ?? expect.fail("the lab's dns stack exports no health check ids");
        const fence = dns.fence ?? expect.fail("the lab's dns stack exports no fence");
        const now = Date.now();
        const observations = (healthy: number): RecordedObservation[] =>
            Array.from({ length: 16 }, (_, i) => ({
                region: "us-east-1",
                ipAddress: `15.177.0.${i}`,
                status: i < healthy ? "Success: TCP connection established." : "Failure: Connection timed out.",
                checkedTime: new Date(now - 5000),
            }));
        route53 = await startRecordedRoute53({ [ids.primary.endpoint]: { observations: observations(2) }, [ids.secondary.endpoint]: { observations: observations(16) } });
        const cw = (region: string) => new CloudWatchClient({ endpoint: moto.endpoint, region, credentials: motoCredentials });
        for (const region of regionNames) {
            await cw("us-east-1").send(
                new PutMetricDataCommand({
                    Namespace: "AWS/Route53",
                    MetricData: [{ MetricName: "HealthCheckStatus", Dimensions: [{ Name: "HealthCheckId", Value: ids[region].combined }], Value: region === "primary" ? 0 : 1, Timestamp: new Date(now - 30_000) }],
                }),
            );
            const alarm = `fence-${region}`;
            const dimensions = Object.entries(fence.dimensions[region]).map(([Name, Value]) => ({ Name, Value }));
            await cw(fence.region).send(
                new PutMetricAlarmCommand({ AlarmName: alarm, Namespace: fence.namespace, MetricName: fence.metricName, Dimensions: dimensions, Statistic: "Minimum", Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "LessThanThreshold" }),
            );
            await cw(fence.region).send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: "OK", StateReason: "enabled" }));
        }
        const controller = await FailoverController.create({
            engine: lab.env,
            journalDir: path.join(lab.dir, ".failover"),
            fence: { endpoint: moto.endpoint, credentials: motoCredentials },
            endpointHealth: awsEndpointHealth({ route53Endpoint: route53.endpoint, cloudWatchEndpoint: moto.endpoint, credentials: motoCredentials, maxAttempts: 1 }),
        });

        const status = await controller.status();

        expect(route53.asked).to.have.members([`/2013-04-01/healthcheck/${ids.primary.endpoint}/status`, `/2013-04-01/healthcheck/${ids.secondary.endpoint}/status`]);
        const health = status.endpointHealth ?? expect.fail("status carries no endpoint health");
        expect(health.regions.primary).to.include({ health: "unhealthy", source: `route53:GetHealthCheckStatus ${ids.primary.endpoint}` });
        expect(health.regions.primary.reasons[0]).to.equal("2 of 16 health checkers report healthy (12.5 %; healthy above 18 %)");
        expect(health.regions.primary.checks?.map((c) => [c.check, c.health])).to.deep.equal([
            ["combined", "unhealthy"],
            ["fence", "healthy"],
        ]);
        expect(health.regions.secondary.health).to.equal("healthy");
        expect(status.fence).to.deep.equal({ primary: "unfenced", secondary: "unfenced" });
        expect(status.weights).to.deep.equal({ primary: 100, secondary: 0 });
        expect(status.answer).to.deep.equal({ answered: ["secondary"], rule: "zero-weight" });
    });
});
