import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { readDnsStackFile } from "../../automation/driver/dns-stack-file";
import { Posture, postures, postureSpec } from "../../foundation/posture";
import { fenceCoordinates } from "../../components/dns-fence-coordinates";
import { baseConfig, cnameEndpoints, dualStackEndpoints, Registered, registered, regionalOutputs, Run, runDns } from "./dns-harness";

// The DNS stack under Pulumi's mocks (test/unit/dns-harness.ts).

const ofType = (run: Run, type: string) => run.resources.filter((r) => r.type === type);
const records = (run: Run) => ofType(run, "aws:route53/record:Record");
const healthChecks = (run: Run) => ofType(run, "aws:route53/healthCheck:HealthCheck");
const byName = (run: Run, name: string) => {
    const found = run.resources.find((r) => r.name === name);
    expect(found, `resource ${name}`).to.not.equal(undefined);
    return found as Registered;
};

describe("DNS stack (mocks)", () => {
    describe("weights per posture", () => {
        for (const posture of postures) {
            it(`${posture}: each region's record carries exactly the posture's weight`, async () => {
                const run = await runDns({ posture });
                const expected = postureSpec(posture).weights;
                const weightOf = (region: string) =>
                    records(run)
                        .filter((r) => r.inputs.setIdentifier === region)
                        .map((r) => (r.inputs.weightedRoutingPolicies as { weight: number }[])[0].weight);
                expect(weightOf("primary")).to.deep.equal([expected.primary]);
                expect(weightOf("secondary")).to.deep.equal([expected.secondary]);
                expect(run.outputs.weights).to.deep.equal(expected);
                expect(run.outputs.posture).to.equal(posture);
            });
        }

        it("active-active uses the configured split", async () => {
            const run = await runDns({ posture: "active-active", activeActiveWeights: { primary: 30, secondary: 70 } });
            expect(run.outputs.weights).to.deep.equal({ primary: 30, secondary: 70 });
        });

        it("a new stack without posture config starts active-passive", async () => {
            const run = await runDns();
            expect(run.outputs.posture).to.equal("active-passive");
            expect(run.outputs.weights).to.deep.equal({ primary: 100, secondary: 0 });
        });
    });

    describe("a posture switch changes only the records' weights", () => {
        const pairs: [Posture, Posture][] = [
            ["active-passive", "failover"],
            ["active-passive", "active-active"],
            ["failover", "active-active"],
        ];
        for (const [from, to] of pairs) {
            it(`${from} → ${to}: same resources, same inputs, except weightedRoutingPolicies`, async () => {
                const a = await runDns({ posture: from });
                const b = await runDns({ posture: to });
                const key = (r: Registered) => `${r.type}::${r.name}`;
                expect(b.resources.map(key)).to.deep.equal(a.resources.map(key));
                const changed: string[] = [];
                a.resources.forEach((ra, i) => {
                    const rb = b.resources[i];
                    for (const prop of new Set([...Object.keys(ra.inputs), ...Object.keys(rb.inputs)])) {
                        if (JSON.stringify(ra.inputs[prop]) !== JSON.stringify(rb.inputs[prop])) {
                            changed.push(`${ra.name}.${prop}`);
                        }
                    }
                });
                expect(changed.length).to.be.greaterThan(0);
                for (const c of changed) {
                    expect(c).to.match(/^sftp-(primary|secondary)-a\.weightedRoutingPolicies$/);
                }
            });
        }
    });

    describe("health checks", () => {
        it("every record carries its region's calculated check, which ANDs the endpoint check and the fence", async () => {
            const run = await runDns();
            expect(records(run)).to.have.length(2);
            for (const record of records(run)) {
                const region = record.inputs.setIdentifier as string;
                expect(record.inputs.healthCheckId, record.name).to.equal(`sftp-${region}-health-combined-id`);
                const combined = byName(run, `sftp-${region}-health-combined`);
                expect(combined.inputs).to.include({ type: "CALCULATED", childHealthThreshold: 2 });
                expect(combined.inputs.childHealthchecks).to.deep.equal([`sftp-${region}-health-endpoint-id`, `sftp-${region}-fence-check-id`]);
            }
            expect(run.outputs.healthCheckIds).to.deep.equal({
                primary: { endpoint: "sftp-primary-health-endpoint-id", fence: "sftp-primary-fence-check-id", combined: "sftp-primary-health-combined-id" },
                secondary: { endpoint: "sftp-secondary-health-endpoint-id", fence: "sftp-secondary-fence-check-id", combined: "sftp-secondary-health-combined-id" },
            });
        });

        it("endpoint checks probe the regional NLB over TCP on the service port, every 10 s, threshold 3 by default", async () => {
            const run = await runDns();
            for (const region of ["primary", "secondary"]) {
                const check = byName(run, `sftp-${region}-health-endpoint`);
                expect(check.inputs).to.include({
                    type: "TCP",
                    fqdn: regionalOutputs[`organization/sftp-failover/${region}`].endpointDnsName,
                    port: 22,
                    requestInterval: 10,
                    failureThreshold: 3,
                });
            }
            expect(run.outputs.modelledRtoSeconds).to.equal(10 * 3 + 60);
        });

        it("takes interval 30 and threshold 10 from config, and models the RTO from them", async () => {
            const run = await runDns({ healthCheckInterval: 30, healthCheckFailureThreshold: 10 });
            expect(byName(run, "sftp-primary-health-endpoint").inputs).to.include({ requestInterval: 30, failureThreshold: 10 });
            expect(run.outputs.modelledRtoSeconds).to.equal(30 * 10 + 60);
        });

        it("refuses an interval Route 53 does not offer, and a threshold outside 1–10, naming the key", async () => {
            await expectRefused({ healthCheckInterval: 15 }, "sftp-failover:healthCheckInterval must be 10 or 30 seconds (got 15)");
            await expectRefused({ healthCheckFailureThreshold: 0 }, "sftp-failover:healthCheckFailureThreshold must be an integer 1–10 (got 0)");
            await expectRefused({ healthCheckFailureThreshold: 11 }, "sftp-failover:healthCheckFailureThreshold must be an integer 1–10 (got 11)");
        });
    });

    describe("fence", () => {
        it("binds a CloudWatch-metric health check to an alarm in the fence region, with the exported coordinates", async () => {
            const run = await runDns({ fenceRegion: "ca-central-1" });
            const expected = fenceCoordinates({ service: "sftp.example.com", region: "ca-central-1" });
            expect(run.outputs.fence).to.deep.equal(expected);
            for (const region of ["primary", "secondary"] as const) {
                const alarm = byName(run, `sftp-${region}-fence-alarm`);
                expect(alarm.inputs).to.include({
                    region: "ca-central-1",
                    namespace: expected.namespace,
                    metricName: expected.metricName,
                    statistic: "Minimum",
                    comparisonOperator: "LessThanThreshold",
                    threshold: 1,
                    treatMissingData: "ignore",
                });
                expect(alarm.inputs.dimensions).to.deep.equal(expected.dimensions[region]);
                const check = byName(run, `sftp-${region}-fence-check`);
                expect(check.inputs).to.include({
                    type: "CLOUDWATCH_METRIC",
                    cloudwatchAlarmName: `sftp-${region}-fence-alarm-1a2b3c`,
                    cloudwatchAlarmRegion: "ca-central-1",
                    insufficientDataHealthStatus: "LastKnownStatus",
                });
            }
        });

        it("the emergency fence derives from the stack file exactly the coordinates the program exports", async () => {
            // The emergency fence (automation/fence/emergency.ts) falls back to the stack file when it
            // has no cache; a fence published anywhere else than where the alarms are does nothing.
            for (const overrides of [{}, { fenceRegion: "ca-central-1", fenceNamespace: "Team/Fence", fenceMetricName: "Up", recordName: "files.example.org" }]) {
                const run = await runDns(overrides);
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dns-stack-file-"));
                try {
                    const config = Object.fromEntries(Object.entries({ ...baseConfig, ...overrides }).map(([k, v]) => [`sftp-failover:${k}`, v]));
                    fs.writeFileSync(path.join(dir, "Pulumi.dns.yaml"), stringify({ config }));
                    expect((await readDnsStackFile(dir, "organization/sftp-failover/dns")).coordinates).to.deep.equal(run.outputs.fence);
                } finally {
                    fs.rmSync(dir, { recursive: true, force: true });
                }
            }
        });

        it("defaults to us-east-2, outside both serving regions and away from Route 53's control plane", async () => {
            const run = await runDns();
            expect((run.outputs.fence as { region: string }).region).to.equal("us-east-2");
            // Exactly what test/integration/fence.test.ts publishes to and reads from.
            expect(run.outputs.fence).to.deep.equal(fenceCoordinates({ service: "sftp.example.com" }));
        });

        it("refuses a fence region that is one of the serving regions", async () => {
            await expectRefused({ fenceRegion: "us-west-2" }, /fenceRegion "us-west-2" is also the secondary region/, { createsSome: true });
            await expectRefused({ fenceRegion: "us-east-1" }, /fenceRegion "us-east-1" is also the primary region/, { createsSome: true });
        });
    });

    describe("records", () => {
        it("alias the regional NLB DNS names and zone ids, with unique set identifiers, in the configured zone", async () => {
            const run = await runDns();
            const all = records(run);
            expect(all.map((r) => r.inputs.setIdentifier)).to.have.members(["primary", "secondary"]);
            for (const record of all) {
                const region = record.inputs.setIdentifier as string;
                const regional = regionalOutputs[`organization/sftp-failover/${region}`];
                expect(record.inputs).to.include({ zoneId: "Z0EXAMPLE", name: "sftp.example.com", type: "A" });
                expect(record.inputs.aliases).to.deep.equal([{ name: regional.endpointDnsName, zoneId: regional.endpointZoneId, evaluateTargetHealth: true }]);
                expect(record.inputs.ttl).to.equal(undefined);
            }
            expect(run.outputs.recordFqdn).to.equal("sftp.example.com");
            expect(run.invokes).to.deep.equal([]);
        });

        it("refuses dual-stack for the regional stacks' IPv4-only load balancers (AAAA records would publish no address)", async () => {
            await expectRefused(
                { dualStack: true },
                "sftp-failover:dualStack is true, but the primary endpoint comes from stack organization/sftp-failover/primary, whose load balancer is IPv4-only: AAAA records would publish no address (set dualStack: false)",
            );
        });

        it("refuses dual-stack for an explicit endpoint that does not declare ipAddressType dualstack", async () => {
            await expectRefused(
                {
                    dualStack: true,
                    primaryStack: undefined,
                    secondaryStack: undefined,
                    primaryEndpoint: { dnsName: "a.elb.example.net", zoneId: "Z1", port: 22, ipAddressType: "dualstack" },
                    secondaryEndpoint: { dnsName: "b.elb.example.net", zoneId: "Z2", port: 22 },
                },
                'sftp-failover:dualStack is true, but sftp-failover:secondaryEndpoint.ipAddressType is not "dualstack": AAAA records would publish no address',
            );
        });

        it("adds AAAA alias records when dual-stack endpoints are declared", async () => {
            const run = await runDns(dualStackEndpoints);
            const types = records(run).map((r) => `${String(r.inputs.setIdentifier)}/${String(r.inputs.type)}`);
            expect(types).to.have.members(["primary/A", "primary/AAAA", "secondary/A", "secondary/AAAA"]);
            for (const r of records(run)) {
                expect(r.inputs.healthCheckId).to.equal(`sftp-${String(r.inputs.setIdentifier)}-health-combined-id`);
            }
        });

        it("looks the zone up by name with the getZone invoke", async () => {
            const run = await runDns({ zoneId: undefined, zoneName: "example.com" });
            expect(run.invokes.map((i) => i.token)).to.deep.equal(["aws:route53/getZone:getZone"]);
            expect(run.invokes[0].inputs).to.include({ name: "example.com", privateZone: false });
            for (const record of records(run)) {
                expect(record.inputs.zoneId).to.equal("Z0LOOKEDUP");
            }
        });

        it("uses explicit endpoints without StackReferences; without zone ids they become CNAMEs with the TTL", async () => {
            const run = await runDns({ ...cnameEndpoints, ttl: 30 });
            const all = records(run);
            expect(all.map((r) => r.inputs.type)).to.deep.equal(["CNAME", "CNAME"]);
            expect(byName(run, "sftp-primary-cname").inputs).to.include({ ttl: 30 });
            expect(byName(run, "sftp-primary-cname").inputs.records).to.deep.equal(["sftp-a.partner.example.net"]);
            expect(byName(run, "sftp-secondary-health-endpoint").inputs).to.include({ fqdn: "sftp-b.partner.example.net", port: 2222 });
            expect(run.outputs.modelledRtoSeconds).to.equal(10 * 3 + 30);
        });
    });

    describe("TTL rule", () => {
        it("refuses a TTL above 60 on health-checked records, naming the key and the override", async () => {
            await expectRefused({ ttl: 120 }, "sftp-failover:ttl 120 is above 60 s on health-checked records (AWS recommends ≤ 60); set sftp-failover:allowLongTtl to true to accept the slower failover");
        });

        it("accepts it when explicitly allowed, and the modelled RTO grows by the TTL", async () => {
            const run = await runDns({ ttl: 120, allowLongTtl: true });
            expect(run.outputs.modelledRtoSeconds).to.equal(10 * 3 + 120);
        });

        it("accepts 60 without an allowance", async () => {
            const run = await runDns({ ttl: 60 });
            expect(run.outputs.modelledRtoSeconds).to.equal(90);
        });
    });

    describe("bad config is refused before anything is created, naming the key", () => {
        it("all-zero active-active weights, with Route 53's equal-spread explanation", async () => {
            await expectRefused(
                { posture: "active-active", activeActiveWeights: { primary: 0, secondary: 0 } },
                /^sftp-failover:activeActiveWeights are all 0: Route 53 would then spread traffic equally/,
            );
        });

        it("a weight outside 0–255", async () => {
            await expectRefused({ posture: "active-active", activeActiveWeights: { primary: 300, secondary: 1 } }, "sftp-failover:activeActiveWeights.primary must be an integer 0–255 (got 300)");
        });

        it("an unknown posture, listing the valid ones", async () => {
            await expectRefused({ posture: "sideways" }, 'sftp-failover:posture: unknown posture "sideways" (valid: active-active, active-passive, failover)');
        });

        it("a region with neither a stack nor an endpoint", async () => {
            await expectRefused({ secondaryStack: undefined }, /^sftp-failover:secondaryStack is required/);
        });

        it("a region given both as a stack and as an endpoint", async () => {
            await expectRefused(
                { primaryEndpoint: { dnsName: "sftp-a.partner.example.net", zoneId: "Z1", port: 22 } },
                "sftp-failover:primaryStack and sftp-failover:primaryEndpoint are both set; give one",
            );
        });

        it("an explicit endpoint with a bad port or no DNS name", async () => {
            const endpoint = (e: Record<string, unknown>) => ({ primaryStack: undefined, primaryEndpoint: e });
            await expectRefused(endpoint({ dnsName: "a.example.net", zoneId: "Z1", port: 70000 }), "sftp-failover:primaryEndpoint.port must be an integer 1–65535 (got 70000)");
            // Numeric text ("22", as `pulumi config set --type string` stores it) is a port; other text is not.
            await expectRefused(endpoint({ dnsName: "a.example.net", zoneId: "Z1", port: "twenty-two" }), 'sftp-failover:primaryEndpoint.port must be an integer 1–65535 (got "twenty-two")');
            await expectRefused(endpoint({ zoneId: "Z1", port: 22 }), "sftp-failover:primaryEndpoint.dnsName must be a non-empty string (got undefined)");
        });

        it("activeActiveWeights that are not a { primary, secondary } object", async () => {
            await expectRefused({ activeActiveWeights: [50, 50] }, "sftp-failover:activeActiveWeights must be an object { primary, secondary } (got [50,50])");
            await expectRefused({ activeActiveWeights: { primary: 50, secondary: 50, tertiary: 1 } }, "sftp-failover:activeActiveWeights has unknown keys tertiary (valid: primary, secondary)");
            await expectRefused({ activeActiveWeights: { primary: 50 } }, "sftp-failover:activeActiveWeights.secondary must be an integer 0–255 (got undefined)");
        });

        it("no hosted zone and no record name", async () => {
            await expectRefused({ zoneId: undefined }, "sftp-failover:zoneId or sftp-failover:zoneName is required (the existing hosted zone of the service record)");
            await expectRefused({ recordName: undefined }, /recordName/);
        });

        it("a zone given both by id and by name", async () => {
            await expectRefused({ zoneName: "example.com" }, "sftp-failover:zoneId and sftp-failover:zoneName are both set; give one");
        });

        it("one region aliased and the other a CNAME (the component's rule, run by the loader before any resource, so preflight refuses it too)", async () => {
            await expectRefused(
                { primaryStack: undefined, primaryEndpoint: { dnsName: "sftp-a.partner.example.net", port: 22 } },
                /^sftp-failover:primaryEndpoint and sftp-failover:secondaryEndpoint: endpoints: both regions need a zoneId/,
            );
        });
    });

    describe("ARC routing controls (optional)", () => {
        it("are absent by default", async () => {
            const run = await runDns();
            expect(run.resources.filter((r) => r.type.startsWith("aws:route53recoverycontrol/"))).to.deep.equal([]);
            expect(run.outputs.routingControls).to.equal(undefined);
        });

        it("when enabled: one cluster, one panel, a control per region, an at-least-one-on rule, and a third child per region", async () => {
            const run = await runDns({ routingControls: true });
            const arc = run.resources.filter((r) => r.type.startsWith("aws:route53recoverycontrol/")).map((r) => r.type);
            expect(arc).to.have.members([
                "aws:route53recoverycontrol/cluster:Cluster",
                "aws:route53recoverycontrol/controlPanel:ControlPanel",
                "aws:route53recoverycontrol/routingControl:RoutingControl",
                "aws:route53recoverycontrol/routingControl:RoutingControl",
                "aws:route53recoverycontrol/safetyRule:SafetyRule",
            ]);
            const rule = ofType(run, "aws:route53recoverycontrol/safetyRule:SafetyRule")[0];
            expect(rule.inputs.ruleConfig).to.deep.equal({ type: "ATLEAST", threshold: 1, inverted: false });
            expect(rule.inputs.assertedControls).to.have.length(2);
            for (const region of ["primary", "secondary"]) {
                const combined = byName(run, `sftp-${region}-health-combined`);
                expect(combined.inputs.childHealthThreshold).to.equal(3);
                expect(combined.inputs.childHealthchecks).to.include(`sftp-arc-${region}-check-id`);
                expect(byName(run, `sftp-arc-${region}-check`).inputs).to.include({ type: "RECOVERY_CONTROL" });
            }
            expect(healthChecks(run)).to.have.length(8);
            expect(run.outputs.routingControls).to.have.keys(["clusterArn", "controlPanelArn", "primary", "secondary"]);
        });
    });
});

/**
 * Runs the program with bad config and checks the error. Config errors are thrown by the config
 * loader, before any resource is registered; `createsSome` marks errors found later (by a component,
 * or once the regional stacks' outputs are known).
 */
async function expectRefused(overrides: Record<string, unknown>, message: string | RegExp, opts: { createsSome?: boolean } = {}): Promise<void> {
    const error = await runDns(overrides).then(
        () => undefined,
        (e: unknown) => e,
    );
    if (!(opts.createsSome ?? false)) {
        expect(registered(), "resources registered before the config error").to.deep.equal([]);
    }
    expect(error, `config ${JSON.stringify(overrides)} should be refused`).to.be.instanceOf(Error);
    if (typeof message === "string") {
        expect((error as Error).message).to.equal(message);
    } else {
        expect((error as Error).message).to.match(message);
    }
}
