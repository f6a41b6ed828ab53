import { expect } from "chai";
import { checkResource } from "../../sandbox/rules";

// AWS's documented limits, written down here from the API references rather than derived from
// the rules themselves: a rule loosened by one (weight 0–256, failure threshold 1–11) still
// refuses the input derived from its own shape, and only a table kept apart from the code can
// tell. Each limit: the edge values AWS accepts, and the first values past them it refuses.

interface Limit {
    readonly type: string;
    /** Inputs AWS accepts apart from the property under test. */
    readonly base: Record<string, unknown>;
    /** The property path as the sandbox reports it. */
    readonly property: string;
    readonly set: (value: number) => Record<string, unknown>;
    readonly accepted: readonly number[];
    readonly refused: readonly number[];
    /** Where AWS documents it. */
    readonly source: string;
}

const record = { zoneId: "Z1", name: "sftp.example.com", type: "A", setIdentifier: "primary", aliases: [{ name: "nlb.example.com", zoneId: "Z2", evaluateTargetHealth: true }] };
const healthCheck = { type: "TCP", fqdn: "nlb.example.com", port: 22, requestInterval: 10, failureThreshold: 3 };
const targetGroup = { port: 22, protocol: "TCP", vpcId: "vpc-1", targetType: "instance" };

const limits: readonly Limit[] = [
    {
        type: "aws:route53/record:Record",
        base: record,
        property: "weightedRoutingPolicies[0].weight",
        set: (w) => ({ ...record, weightedRoutingPolicies: [{ weight: w }] }),
        accepted: [0, 255],
        refused: [-1, 256],
        source: "Route 53 API reference, ResourceRecordSet Weight: 0–255",
    },
    {
        type: "aws:route53/healthCheck:HealthCheck",
        base: healthCheck,
        property: "failureThreshold",
        set: (n) => ({ ...healthCheck, failureThreshold: n }),
        accepted: [1, 10],
        refused: [0, 11],
        source: "Route 53 API reference, HealthCheckConfig FailureThreshold: 1–10",
    },
    {
        type: "aws:route53/healthCheck:HealthCheck",
        base: healthCheck,
        property: "requestInterval",
        set: (n) => ({ ...healthCheck, requestInterval: n }),
        accepted: [10, 30],
        refused: [9, 11, 29, 31],
        source: "Route 53 API reference, HealthCheckConfig RequestInterval: 10 or 30",
    },
    {
        type: "aws:route53/healthCheck:HealthCheck",
        base: healthCheck,
        property: "port",
        set: (n) => ({ ...healthCheck, port: n }),
        accepted: [1, 65535],
        refused: [0, 65536],
        source: "Route 53 API reference, HealthCheckConfig Port: 1–65535",
    },
    {
        type: "aws:lb/targetGroup:TargetGroup",
        base: targetGroup,
        property: "deregistrationDelay",
        set: (n) => ({ ...targetGroup, deregistrationDelay: n }),
        accepted: [0, 3600],
        refused: [-1, 3601],
        source: "Elastic Load Balancing API reference, deregistration_delay.timeout_seconds: 0–3600",
    },
    {
        type: "aws:lb/targetGroup:TargetGroup",
        base: targetGroup,
        property: "port",
        set: (n) => ({ ...targetGroup, port: n }),
        accepted: [1, 65535],
        refused: [0, 65536],
        source: "Elastic Load Balancing API reference, CreateTargetGroup Port: 1–65535",
    },
];

const failuresOn = (limit: Limit, value: number) =>
    checkResource(limit.type, "res", {}, limit.set(value), () => "abc1234").failures.filter((f) => f.property === limit.property);

describe("sandbox rules against AWS's documented limits (a table kept apart from the rules)", () => {
    for (const limit of limits) {
        describe(`${limit.type} ${limit.property} (${limit.source})`, () => {
            for (const value of limit.accepted) {
                it(`accepts ${value}`, () => expect(failuresOn(limit, value)).to.deep.equal([]));
            }
            for (const value of limit.refused) {
                it(`refuses ${value} naming the property and the API`, () => {
                    const failures = failuresOn(limit, value);
                    expect(failures).to.have.length(1);
                    expect(failures[0].reason).to.match(new RegExp(`${limit.property.replace(/[.[\]]/g, "\\$&")} ${value} .*\\(\\w+\\)$`));
                });
            }
        });
    }
});
