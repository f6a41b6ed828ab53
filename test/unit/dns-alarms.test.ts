import { expect } from "chai";
import { alarmRegions, route53MetricsRegion } from "../../components/alarm-placement";
import { validateSubscriptions } from "../../components/alarm-subscriptions";
import { validateReplicationLatency } from "../../components/dns-alarms";
import { fenceCoordinates } from "../../components/dns-fence-coordinates";
import { checkResource } from "../../sandbox/rules";
import { loadDnsConfig } from "../../stacks/config/dns";
import { ConfigReader } from "../../stacks/config/source";
import { describeRangeEdges } from "../support/range-edges";
import { baseConfig, cnameEndpoints, Registered, Run, runDns } from "./dns-harness";

// The dns stack's alarms (components/dns-alarms.ts) under Pulumi's mocks, and their config.

const alarms = (run: Run) => run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && !r.name.endsWith("-fence-alarm"));
const topics = (run: Run) => run.resources.filter((r) => r.type === "aws:sns/topic:Topic");
const subscriptions = (run: Run) => run.resources.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription");
const regionOfArn = (arn: unknown) => String(arn).split(":")[3];
const alarm = (run: Run, suffix: string): Registered => {
    const found = alarms(run).filter((r) => r.name.endsWith(suffix));
    expect(found.map((r) => r.name), suffix).to.have.length(1);
    return found[0];
};

describe("dns stack alarms (mocks)", () => {
    it("by default: a topic in us-east-1, the fence region and each serving region, and every alarm notifies the topic of its own region", async () => {
        const run = await runDns();
        expect(topics(run).map((t) => t.inputs.region).sort()).to.deep.equal(["us-east-1", "us-east-2", "us-west-2"]);
        expect(alarms(run)).to.have.length(8);
        for (const a of alarms(run)) {
            const actions = [...((a.inputs.alarmActions as string[]) ?? []), ...((a.inputs.okActions as string[]) ?? [])];
            expect(actions.length, a.name).to.be.greaterThan(0);
            expect(actions.map(regionOfArn), a.name).to.deep.equal(actions.map(() => a.inputs.region));
        }
        expect(run.outputs.alarmTopicArns).to.have.keys("us-east-1", "us-east-2", "us-west-2");
    });

    it("each endpoint check's HealthCheckStatus is alarmed in us-east-1, on the TCP check (not the calculated one)", async () => {
        const run = await runDns();
        for (const region of ["primary", "secondary"]) {
            const a = alarm(run, `${region}-endpoint`);
            expect(a.inputs).to.deep.include({ region: route53MetricsRegion, namespace: "AWS/Route53", metricName: "HealthCheckStatus", comparisonOperator: "LessThanThreshold", threshold: 1 });
            expect(a.inputs.dimensions).to.deep.equal({ HealthCheckId: `sftp-${region}-health-endpoint-id` });
        }
    });

    it("each fence being set is alarmed in the fence region on the fence metric, told when set and when lifted", async () => {
        const run = await runDns({ fenceRegion: "ca-central-1" });
        const coordinates = fenceCoordinates({ service: "sftp.example.com", region: "ca-central-1" });
        for (const region of ["primary", "secondary"] as const) {
            const a = alarm(run, `${region}-fence-set`);
            expect(a.inputs).to.deep.include({ region: "ca-central-1", namespace: coordinates.namespace, metricName: coordinates.metricName });
            expect(a.inputs.dimensions).to.deep.equal(coordinates.dimensions[region]);
            expect((a.inputs.okActions as string[]).map(regionOfArn)).to.deep.equal(["ca-central-1"]);
        }
    });

    it("replication failures are alarmed in the source bucket's region, latency in the destination's, for each direction", async () => {
        const run = await runDns({ alarmReplicationLatencySeconds: 600 });
        const failed = alarm(run, "primary-replication-failed");
        expect(failed.inputs).to.deep.include({ region: "us-east-1", namespace: "AWS/S3", metricName: "OperationsFailedReplication" });
        expect(failed.inputs.dimensions).to.deep.equal({ SourceBucket: "sftp-primary-data-0a1b2c", DestinationBucket: "sftp-secondary-data-3d4e5f", RuleId: "to-peer-region" });
        const latency = alarm(run, "primary-replication-latency");
        expect(latency.inputs).to.deep.include({ region: "us-west-2", metricName: "ReplicationLatency", threshold: 600 });
        expect(alarm(run, "secondary-replication-failed").inputs.region).to.equal("us-west-2");
        expect(alarm(run, "secondary-replication-latency").inputs.region).to.equal("us-east-1");
    });

    it("endpoints given by hand have no buckets: no replication alarms, and topics only where the other alarms live", async () => {
        const run = await runDns(cnameEndpoints);
        expect(alarms(run).map((a) => a.name).filter((n) => n.includes("replication"))).to.deep.equal([]);
        expect(topics(run).map((t) => t.inputs.region).sort()).to.deep.equal(["us-east-1", "us-east-2"]);
    });

    it("every subscription is made on every topic, in the topic's region", async () => {
        const subs = [
            { protocol: "email", endpoint: "oncall@example.com" },
            { protocol: "sqs", endpoint: "arn:aws:sqs:us-east-2:123456789012:on-call" },
            { protocol: "https", endpoint: "https://hooks.example.com/T0KEN" },
        ];
        const run = await runDns({ alarmSubscriptions: subs });
        expect(subscriptions(run)).to.have.length(9);
        for (const region of ["us-east-1", "us-east-2", "us-west-2"]) {
            expect(subscriptions(run).filter((s) => s.inputs.region === region).map((s) => s.inputs.protocol)).to.deep.equal(["email", "sqs", "https"]);
        }
    });

    it("alarms: false creates no topic and no alarm but the fence's own", async () => {
        const run = await runDns({ alarms: false, alarmSubscriptions: [{ protocol: "email", endpoint: "oncall@example.com" }] });
        expect(topics(run)).to.deep.equal([]);
        expect(subscriptions(run)).to.deep.equal([]);
        expect(alarms(run)).to.deep.equal([]);
        expect(run.outputs).not.to.have.property("alarmTopicArns");
    });

    it("every topic, subscription and alarm passes the sandbox's rules (AWS's)", async () => {
        const run = await runDns({ alarmSubscriptions: [{ protocol: "email", endpoint: "oncall@example.com" }] });
        const judged = [...topics(run), ...subscriptions(run), ...alarms(run)];
        expect(judged.length).to.be.greaterThan(10);
        for (const r of judged) {
            expect(checkResource(r.type, r.name, {}, r.inputs as never, () => "abc1234").failures, r.name).to.deep.equal([]);
        }
    });

    it("alarmRegions: one region once, sorted, whichever alarms share it", () => {
        expect(alarmRegions({ fenceRegion: "us-east-1", replicationRegions: { primary: "us-east-1", secondary: "us-east-1" } })).to.deep.equal(["us-east-1"]);
        expect(alarmRegions({ fenceRegion: "us-east-2", replicationRegions: { primary: "eu-west-1" } })).to.deep.equal(["us-east-1", "us-east-2"]);
    });
});

describe("dns stack alarm config", () => {
    const load = (extra: Record<string, unknown>) => {
        const entries: Record<string, { value: string }> = {};
        for (const [k, v] of Object.entries({ ...baseConfig, ...extra })) {
            entries[`sftp-failover:${k}`] = { value: typeof v === "string" ? v : JSON.stringify(v) };
        }
        return loadDnsConfig(ConfigReader.fromEntries(entries));
    };
    const key = "sftp-failover:alarmSubscriptions";

    it("defaults: alarms on, nobody subscribed, latency 900 s", () => {
        expect(load({}).alarms).to.deep.equal({ enabled: true, subscriptions: [], replicationLatencySeconds: 900 });
    });

    const refusals: [string, Record<string, unknown>, string][] = [
        ["an unknown protocol", { alarmSubscriptions: [{ protocol: "sms", endpoint: "+15555550100" }] }, `${key}[0].protocol must be one of email, https, sqs (got "sms")`],
        ["http (not https)", { alarmSubscriptions: [{ protocol: "https", endpoint: "http://hooks.example.com/x" }] }, `${key}[0].endpoint must be an https:// URL for protocol https`],
        ["an e-mail without @", { alarmSubscriptions: [{ protocol: "email", endpoint: "oncall.example.com" }] }, `${key}[0].endpoint must be an e-mail address for protocol email`],
        ["a queue URL instead of its ARN", { alarmSubscriptions: [{ protocol: "sqs", endpoint: "https://sqs.us-east-2.amazonaws.com/123456789012/q" }] }, `${key}[0].endpoint must be an SQS queue ARN`],
        ["an empty endpoint", { alarmSubscriptions: [{ protocol: "email", endpoint: " " }] }, `${key}[0].endpoint must be a non-empty string`],
        ["a string instead of a map", { alarmSubscriptions: ["oncall@example.com"] }, `${key}[0] must be an object { protocol, endpoint }`],
        ["an unknown field", { alarmSubscriptions: [{ protocol: "email", endpoint: "a@example.com", rawDelivery: true }] }, `${key}[0] has unknown keys rawDelivery`],
        ["a subscriber twice", { alarmSubscriptions: [{ protocol: "email", endpoint: "A@example.com" }, { protocol: "email", endpoint: "a@example.com" }] }, `${key}[1] repeats ${key}[0]`],
        ["alarms not a boolean", { alarms: "yes" }, `sftp-failover:alarms must be true or false`],
        ["a latency of 0", { alarmReplicationLatencySeconds: 0 }, `sftp-failover:alarmReplicationLatencySeconds must be an integer of seconds 1–86400 (got 0)`],
        ["a subscription checked with alarms off too", { alarms: false, alarmSubscriptions: [{ protocol: "lambda", endpoint: "arn:aws:lambda:us-east-1:123456789012:function:f" }] }, `${key}[0].protocol must be one of`],
    ];
    for (const [what, extra, message] of refusals) {
        it(`refuses ${what} in one line naming the key`, () => {
            expect(() => load(extra)).to.throw(Error).with.property("message").that.satisfies((m: string) => m.startsWith(message) && !m.includes("\n"));
        });
    }

    it("never quotes an https endpoint it refuses (its path may be a token)", () => {
        expect(() => validateSubscriptions([{ protocol: "https", endpoint: "ftp://hooks.example.com/T0KEN" }], key)).to.throw(Error).with.property("message").that.does.not.include("T0KEN");
    });
});

describe("dns stack alarm ranges", () => {
    describeRangeEdges([
        { name: "replication latency threshold", min: 1, max: 86_400, check: (v) => validateReplicationLatency(v, "alarmReplicationLatencySeconds"), refusal: /^alarmReplicationLatencySeconds must be an integer of seconds 1–86400/ },
    ]);
});
