import { expect } from "chai";
import { checkResource, rulesOf } from "../../sandbox/rules";
import { Inputs, runRules, TypeRules } from "../../sandbox/rules/engine";

// The sandbox refuses what AWS refuses for the dns stack's alarms: each bad input below is refused
// by the sandbox's check, and accepted once that one rule is taken out — so the refusal is the
// rule's own, not a side effect of another.

const account = "123456789012";
const topicArn = (region: string) => `arn:aws:sns:${region}:${account}:sftp-alarms`;
const alarm = {
    name: "sftp-alarms-primary-endpoint-abc1234", region: "us-east-1", namespace: "AWS/Route53", metricName: "HealthCheckStatus", dimensions: { HealthCheckId: "hc-1" },
    statistic: "Minimum", period: 60, evaluationPeriods: 1, threshold: 1, comparisonOperator: "LessThanThreshold", alarmActions: [topicArn("us-east-1")],
};
const subscription = { topic: topicArn("us-east-2"), protocol: "email", endpoint: "oncall@example.com" };

const cases: { type: string; rule: string; inputs: Record<string, unknown>; refusal: RegExp }[] = [
    { type: "aws:cloudwatch/metricAlarm:MetricAlarm", rule: "SNS actions are topics of the alarm's own region", inputs: { ...alarm, okActions: [topicArn("us-east-2")] }, refusal: /okActions\[0\] is a topic in us-east-2; an alarm in us-east-1 notifies topics of us-east-1 only/ },
    { type: "aws:cloudwatch/metricAlarm:MetricAlarm", rule: "period is 10, 20, 30 or a multiple of 60", inputs: { ...alarm, period: 90 }, refusal: /period 90 is not 10, 20, 30 or a multiple of 60/ },
    { type: "aws:cloudwatch/metricAlarm:MetricAlarm", rule: "statistic is one of SampleCount | Average | Sum | Minimum | Maximum", inputs: { ...alarm, statistic: "p99" }, refusal: /statistic/ },
    { type: "aws:sns/topic:Topic", rule: "name: 1–256 letters, digits, - and _; a FIFO topic's ends in .fifo", inputs: { name: "sftp alarms" }, refusal: /topic names are 1–256 letters/ },
    { type: "aws:sns/topic:Topic", rule: "name: 1–256 letters, digits, - and _; a FIFO topic's ends in .fifo", inputs: { name: "a".repeat(257) }, refusal: /topic names are 1–256/ },
    { type: "aws:sns/topic:Topic", rule: "name: 1–256 letters, digits, - and _; a FIFO topic's ends in .fifo", inputs: { name: "alarms", fifoTopic: true }, refusal: /must end in ".fifo"/ },
    { type: "aws:sns/topicSubscription:TopicSubscription", rule: "protocol is one of http | https | email | email-json | sms | sqs | application | lambda | firehose", inputs: { ...subscription, protocol: "pagerduty" }, refusal: /protocol/ },
    { type: "aws:sns/topicSubscription:TopicSubscription", rule: "endpoint takes the protocol's form", inputs: { ...subscription, protocol: "https", endpoint: "http://hooks.example.com/T0KEN" }, refusal: /endpoint must be a URL beginning with https:\/\/ for protocol https/ },
    { type: "aws:sns/topicSubscription:TopicSubscription", rule: "endpoint is required", inputs: { ...subscription, endpoint: undefined }, refusal: /endpoint is required/ },
];

describe("sandbox rules for the dns stack's alarms: each refusal is its rule's own", () => {
    const check = (type: string, inputs: Record<string, unknown>) => checkResource(type, "res", {}, inputs as never, () => "abc1234").failures;

    it("accepts the alarm and subscription the cases start from", () => {
        expect(check("aws:cloudwatch/metricAlarm:MetricAlarm", alarm)).to.deep.equal([]);
        expect(check("aws:sns/topicSubscription:TopicSubscription", subscription)).to.deep.equal([]);
    });

    for (const c of cases) {
        it(`${c.type.split(":")[1]}: "${c.rule}" refuses ${JSON.stringify(c.inputs).slice(0, 60)}…, and nothing else would`, () => {
            const rules = rulesOf(c.type) as TypeRules;
            expect(rules.rules.map((r) => r.rule), "the rule exists").to.include(c.rule);
            const failures = check(c.type, c.inputs);
            expect(failures.map((f) => f.reason).join("\n")).to.match(c.refusal);
            const without: TypeRules = { ...rules, rules: rules.rules.filter((r) => r.rule !== c.rule) };
            expect(runRules(without, c.inputs as Inputs), "refused without the rule").to.deep.equal([]);
        });
    }

    it("never quotes a refused subscription endpoint (an https one may carry a token)", () => {
        const failures = check("aws:sns/topicSubscription:TopicSubscription", { ...subscription, protocol: "https", endpoint: "http://hooks.example.com/T0KEN" });
        expect(JSON.stringify(failures)).not.to.include("T0KEN");
    });
});
