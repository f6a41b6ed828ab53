import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { Posture, postures } from "../../foundation/posture";
import { answerInvoke } from "../../sandbox/invokes";
import { computeOutputs } from "../../sandbox/outputs";
import { RuleFailure, checkResource, rulesOf } from "../../sandbox/rules";
import { fixtureHostKeys, fixtures } from "./regional-harness";
import { promiseOf } from "../support/promise-of";

// The real program (stacks/index.ts `program()`) in every posture × capacity mode × option, under
// Pulumi's mocks whose `newResource` runs the sandbox provider's real check (autonaming and every
// rule of sandbox/rules/) on each resource's inputs and answers with the sandbox's own made-up
// outputs; `call` answers through the sandbox's invokes, which refuse any token they do not know.
// Every refusal is collected and reported with its stack, resource and reason: the program must
// deploy without one, in every combination, as it must on AWS.

const capacityModes = ["active", "pilot-light", "drained"] as const;
type CapacityMode = (typeof capacityModes)[number];

/** One cell of the matrix. */
interface Combination {
    readonly posture: Posture;
    readonly capacityMode: CapacityMode;
    readonly routingControls: boolean;
    readonly kms: boolean;
    readonly dualStack: boolean;
}

/** A refusal the check gave one resource. */
interface Refusal {
    readonly stack: string;
    readonly type: string;
    readonly name: string;
    readonly failure: RuleFailure;
}

/** A resource as registered: its checked inputs and the state the sandbox answered. */
interface Registration {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly state: Record<string, unknown>;
}

/** One run: refusals, registrations, and the stack's outputs (or the error that stopped the program). */
interface RunResult {
    readonly refusals: Refusal[];
    readonly registrations: Registration[];
    readonly outputs?: Record<string, unknown>;
    readonly error?: string;
}

const regions = { primary: "us-east-1", secondary: "us-west-2" } as const;

/** Realistic KMS key ARNs (key ids are UUIDs), one per region. */
const kmsKeys = {
    primary: "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    secondary: "arn:aws:kms:us-west-2:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
};

function regionalConfig(regionName: "primary" | "secondary", c: Combination): Record<string, unknown> {
    const peer = regionName === "primary" ? "secondary" : "primary";
    return {
        role: "regional",
        region: regions[regionName],
        regionName,
        peerRegion: regions[peer],
        capacityMode: c.capacityMode,
        allowedCidrs: ["203.0.113.0/24", "198.51.100.10/32"],
        capacity: { min: 2, desired: 3, max: 6, pilotLight: 1 },
        usersFile: path.join(fixtures, "users.yaml"),
        hostKeys: fixtureHostKeys(),
        ...(c.kms ? { kmsKeyArn: kmsKeys[regionName], peerKmsKeyArn: kmsKeys[peer] } : {}),
    };
}

function dnsConfig(c: Combination): Record<string, unknown> {
    return {
        role: "dns",
        recordName: "sftp.sandbox.example.com",
        zoneName: "sandbox.example.com",
        primaryStack: "organization/sftp-failover/primary",
        secondaryStack: "organization/sftp-failover/secondary",
        posture: c.posture,
        routingControls: c.routingControls,
        dualStack: c.dualStack,
    };
}

let refusals: Refusal[] = [];
let registrations: Registration[] = [];
let currentStack = "";
let stackOutputs: Record<string, Record<string, unknown>> = {};

const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        if (args.type === "pulumi:pulumi:StackReference") {
            const name = String(args.inputs.name);
            const outputs = stackOutputs[name];
            if (outputs === undefined) {
                throw new Error(`no stack ${name} was run before the dns stack`);
            }
            return { id: name, state: { name, outputs } };
        }
        if (!args.type.startsWith("aws:")) {
            // The stack itself (and any other non-AWS resource): nothing for the aws provider to check.
            return { id: `${args.name}-id`, state: args.inputs };
        }
        const region = typeof args.inputs.region === "string" ? args.inputs.region : regions.primary;
        const checked = checkResource(args.type, args.name, {}, args.inputs, () => "abc1234");
        for (const failure of checked.failures) {
            refusals.push({ stack: currentStack, type: args.type, name: args.name, failure });
        }
        const inputs = Object.fromEntries(Object.entries(checked.inputs).filter(([k]) => k !== "__defaults"));
        const { id, computed } = computeOutputs({ type: args.type, name: args.name, region, inputs });
        const state = { ...computed, ...inputs };
        registrations.push({ type: args.type, name: args.name, inputs, state });
        return { id, state };
    },
    call(args) {
        return answerInvoke(args.token, args.inputs, regions.primary);
    },
};


/** Runs program() as one stack with this config, collecting every refusal. */
async function runStack(stack: string, config: Record<string, unknown>): Promise<RunResult> {
    await pulumi.runtime.setMocks(mocks, "sftp-failover", stack, false);
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        values[`sftp-failover:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(values, ["sftp-failover:hostKeys"]);
    refusals = [];
    registrations = [];
    currentStack = stack;
    const { program } = await import("../../stacks/index");
    try {
        let exported: Record<string, unknown> = {};
        await pulumi.runtime.runInPulumiStack(async () => {
            exported = await program();
            return {};
        });
        const outputs = (await promiseOf(pulumi.output(exported))) as Record<string, unknown>;
        return { refusals: [...refusals], registrations: [...registrations], outputs };
    } catch (err) {
        return { refusals: [...refusals], registrations: [...registrations], error: (err as Error).message.split("\n")[0] };
    } finally {
        await pulumi.runtime.disconnect();
    }
}

/** Regional runs depend on capacity mode and KMS only; each distinct one is run once. */
const regionalRuns = new Map<string, Promise<RunResult>>();

function runRegional(regionName: "primary" | "secondary", c: Combination): Promise<RunResult> {
    const key = `${regionName}/${c.capacityMode}/${c.kms}`;
    if (!regionalRuns.has(key)) {
        regionalRuns.set(key, runStack(regionName, regionalConfig(regionName, c)));
    }
    return regionalRuns.get(key) as Promise<RunResult>;
}

/** The whole deployment of one combination: both regions, then DNS on their outputs. */
async function runCombination(c: Combination): Promise<{ refusals: Refusal[]; errors: string[]; dns: RunResult }> {
    // Sequential: mocks are process-wide.
    const primary = await runRegional("primary", c);
    const secondary = await runRegional("secondary", c);
    stackOutputs = {
        "organization/sftp-failover/primary": primary.outputs ?? {},
        "organization/sftp-failover/secondary": secondary.outputs ?? {},
    };
    const dns = await runStack("dns", dnsConfig(c));
    const errors = [
        ...(primary.error ? [`primary: ${primary.error}`] : []),
        ...(secondary.error ? [`secondary: ${secondary.error}`] : []),
        ...(dns.error ? [`dns: ${dns.error}`] : []),
    ];
    const crossStack = [
        ...aliasTargetRefusals(dns.registrations, [...primary.registrations, ...secondary.registrations]),
        ...healthCheckAlarmRefusals(dns.registrations),
    ];
    return { refusals: [...primary.refusals, ...secondary.refusals, ...dns.refusals, ...crossStack], errors, dns };
}

/**
 * What no single resource's check can see either: Route 53 reads only standard-resolution alarms
 * with a standard statistic (Route 53 Developer Guide, "Monitoring a CloudWatch alarm": high
 * resolution and extended statistics are not supported), and the health check names the alarm's
 * own region.
 */
function healthCheckAlarmRefusals(dnsRegistrations: readonly Registration[]): Refusal[] {
    const alarms = dnsRegistrations.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
    return dnsRegistrations
        .filter((r) => r.type === "aws:route53/healthCheck:HealthCheck" && r.inputs.type === "CLOUDWATCH_METRIC")
        .flatMap((check) => {
            const alarm = alarms.find((a) => a.state.name === check.inputs.cloudwatchAlarmName);
            const refuse = (property: string, reason: string): Refusal => ({ stack: "dns", type: "aws:route53/healthCheck:HealthCheck", name: check.name, failure: { property, reason: `route53: ${reason} (CreateHealthCheck)` } });
            if (alarm === undefined) {
                return [refuse("cloudwatchAlarmName", `cloudwatchAlarmName "${String(check.inputs.cloudwatchAlarmName)}" names no alarm of this stack`)];
            }
            const period = Number(alarm.inputs.period);
            return [
                ...(period < 60 ? [refuse("cloudwatchAlarmName", `alarm "${alarm.name}" has period ${period}; Route 53 reads only standard-resolution alarms (period 60 or more)`)] : []),
                ...(alarm.inputs.extendedStatistic !== undefined ? [refuse("cloudwatchAlarmName", `alarm "${alarm.name}" uses an extended statistic, which Route 53 does not support`)] : []),
                ...(alarm.inputs.region !== check.inputs.cloudwatchAlarmRegion
                    ? [refuse("cloudwatchAlarmRegion", `cloudwatchAlarmRegion ${String(check.inputs.cloudwatchAlarmRegion)} is not the alarm's region ${String(alarm.inputs.region)}`)]
                    : []),
            ];
        });
}

/**
 * What no single resource's check can see: an AAAA alias record answers with its target's IPv6
 * addresses, so the load balancer it points at must be dual-stack (ELB: ipAddressType dualstack;
 * an ipv4 load balancer has no IPv6 address, and the record answers nothing).
 */
function aliasTargetRefusals(dnsRegistrations: readonly Registration[], regional: readonly Registration[]): Refusal[] {
    const balancers = regional.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    return dnsRegistrations
        .filter((r) => r.type === "aws:route53/record:Record" && r.inputs.type === "AAAA")
        .flatMap((record) => (Array.isArray(record.inputs.aliases) ? record.inputs.aliases : []).flatMap((alias: { name?: unknown }) => {
            const target = balancers.find((lb) => lb.state.dnsName === alias.name);
            const ipAddressType = String(target?.inputs.ipAddressType ?? "ipv4");
            return target !== undefined && !ipAddressType.startsWith("dualstack")
                ? [{
                    stack: "dns", type: "aws:route53/record:Record", name: record.name,
                    failure: {
                        property: "aliases[0].name",
                        reason: `route53: AAAA alias record points at load balancer "${target.name}" whose ipAddressType is ${ipAddressType}; it has no IPv6 address to answer with (ELB IpAddressType dualstack; Route 53 alias to ELB)`,
                    },
                }]
                : [];
        }));
}

function describeCombination(c: Combination): string {
    return `${c.posture} × ${c.capacityMode}, routingControls ${c.routingControls ? "on" : "off"}, KMS ${c.kms ? "on" : "off"}, dualStack ${c.dualStack ? "on" : "off"}`;
}

function report(refusals: readonly Refusal[], errors: readonly string[]): string {
    return [
        ...refusals.map((r) => `  [${r.stack}] ${r.type} "${r.name}" ${r.failure.property}: ${r.failure.reason}`),
        ...errors.map((e) => `  program error: ${e}`),
    ].join("\n");
}

const combinations: Combination[] = postures.flatMap((posture) =>
    capacityModes.flatMap((capacityMode) =>
        [false, true].flatMap((routingControls) =>
            [false, true].flatMap((kms) => [false, true].map((dualStack) => ({ posture, capacityMode, routingControls, kms, dualStack }))))));

describe("sandbox matrix: the real program under the sandbox's check, in every posture × capacity mode × option", function () {
    this.timeout(600000);

    it("covers 3 postures × 3 capacity modes × routing controls × KMS × dual stack", () => {
        expect(combinations).to.have.length(72);
    });

    it("the cross-resource checks refuse a health check on a high-resolution alarm in another region, and an AAAA alias to an IPv4 load balancer", () => {
        const alarm = { type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: "fence", inputs: { region: "us-east-2", period: 10 }, state: { name: "fence-abc1234" } };
        const check = { type: "aws:route53/healthCheck:HealthCheck", name: "fence-check", inputs: { type: "CLOUDWATCH_METRIC", cloudwatchAlarmName: "fence-abc1234", cloudwatchAlarmRegion: "us-west-2" }, state: {} };
        expect(healthCheckAlarmRefusals([alarm, check]).map((r) => r.failure.reason)).to.deep.equal([
            `route53: alarm "fence" has period 10; Route 53 reads only standard-resolution alarms (period 60 or more) (CreateHealthCheck)`,
            "route53: cloudwatchAlarmRegion us-west-2 is not the alarm's region us-east-2 (CreateHealthCheck)",
        ]);
        const lb = { type: "aws:lb/loadBalancer:LoadBalancer", name: "nlb", inputs: {}, state: { dnsName: "nlb.elb.amazonaws.com" } };
        const aaaa = { type: "aws:route53/record:Record", name: "aaaa", inputs: { type: "AAAA", aliases: [{ name: "nlb.elb.amazonaws.com" }] }, state: {} };
        expect(aliasTargetRefusals([aaaa], [lb])).to.have.length(1);
        expect(aliasTargetRefusals([aaaa], [{ ...lb, inputs: { ipAddressType: "dualstack" } }])).to.deep.equal([]);
    });

    it("every AWS type the program declares (with every option on) has rules in the sandbox", async () => {
        const everything: Combination = { posture: "active-passive", capacityMode: "active", routingControls: true, kms: true, dualStack: false };
        const primary = await runRegional("primary", everything);
        const secondary = await runRegional("secondary", everything);
        stackOutputs = {
            "organization/sftp-failover/primary": primary.outputs ?? {},
            "organization/sftp-failover/secondary": secondary.outputs ?? {},
        };
        const dns = await runStack("dns", dnsConfig(everything));
        const types = new Set([...primary.registrations, ...secondary.registrations, ...dns.registrations].map((r) => r.type));
        expect(types.size).to.be.greaterThan(20);
        expect([...types].filter((t) => rulesOf(t) === undefined)).to.deep.equal([]);
    });

    it("the outputs the driver reads, as the sandbox answers them: each region's own region and load balancer name, one set of host-key and user-list fingerprints, and dns in active-passive at 100/0", async () => {
        const c: Combination = { posture: "active-passive", capacityMode: "active", routingControls: false, kms: false, dualStack: false };
        const { errors, dns } = await runCombination(c);
        expect(errors).to.deep.equal([]);
        // runRegional answers from the runs runCombination made.
        const primary = (await runRegional("primary", c)).outputs ?? {};
        const secondary = (await runRegional("secondary", c)).outputs ?? {};
        expect(primary.region).to.equal("us-east-1");
        expect(secondary.region).to.equal("us-west-2");
        expect(primary.endpointDnsName).to.match(/\.elb\.us-east-1\.amazonaws\.com$/);
        expect(secondary.endpointDnsName).to.match(/\.elb\.us-west-2\.amazonaws\.com$/);
        expect(primary.hostKeyFingerprints).to.have.all.keys("ed25519", "ecdsa", "rsa");
        expect(primary.hostKeyFingerprints).to.deep.equal(secondary.hostKeyFingerprints);
        expect(primary.usersFingerprint).to.match(/^sha256:[0-9a-f]{64}$/);
        expect(primary.usersFingerprint).to.equal(secondary.usersFingerprint);
        expect(dns.outputs?.posture).to.equal("active-passive");
        expect(dns.outputs?.weights).to.deep.equal({ primary: 100, secondary: 0 });
    });

    it("a standby with a warm pool (its launch hook, fixed group name, scoped policy and autoscaling endpoint) is refused nothing, in pilot-light and drained", async () => {
        for (const capacityMode of ["pilot-light", "drained"] as const) {
            const c: Combination = { posture: "active-passive", capacityMode, routingControls: false, kms: false, dualStack: false };
            const run = await runStack("secondary", { ...regionalConfig("secondary", c), warmPool: { minSize: 1 }, network: { vpcCidr: "10.41.0.0/16", nat: false }, sftpgoPackage: { key: ".sftp-failover/artifacts/sftpgo-2.6.6-1.x86_64.rpm", sha256: "a".repeat(64) } });
            expect(run.error, capacityMode).to.equal(undefined);
            expect(run.refusals, `${capacityMode}:\n${report(run.refusals, [])}`).to.deep.equal([]);
            const asg = run.registrations.find((r) => r.type === "aws:autoscaling/group:Group");
            expect(asg?.inputs.initialLifecycleHooks, capacityMode).to.have.length(1);
        }
    });

    for (const c of combinations) {
        const outcome = c.dualStack ? "no refusal and no program error, or the config refuses dualStack" : "no refusal and no program error";
        it(`${describeCombination(c)}: ${outcome}`, async () => {
            const { refusals: found, errors, dns } = await runCombination(c);
            // Dual stack may be refused by the DNS stack's config, naming the key, before anything exists.
            const refusedByConfig = c.dualStack && found.length === 0 && errors.length === 1 && /dualStack/.test(dns.error ?? "") && dns.registrations.length === 0;
            if (refusedByConfig) {
                return;
            }
            expect(found.length + errors.length, `the sandbox refused (as AWS or pulumi-aws would):\n${report(found, errors)}\n`).to.equal(0);
        });
    }
});
