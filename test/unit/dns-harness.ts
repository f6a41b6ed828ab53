// Runs the DNS program under Pulumi's mocks and records what it registers: every resource, the
// regional stacks as StackReferences answered by the mock, and the only invoke answered is the
// hosted-zone lookup the program is allowed to make.
import * as pulumi from "@pulumi/pulumi";
import { RegionalOutputs } from "../../stacks/contract";
import { Registered } from "./regional-harness";
import { promiseOf } from "../support/promise-of";

export type { Registered };

/** One run of the program: registrations, invokes and resolved stack outputs. */
export interface Run {
    readonly resources: Registered[];
    readonly invokes: { token: string; inputs: Record<string, unknown> }[];
    readonly outputs: Record<string, unknown>;
}

/** The regional stacks the mock answers, by full name: the outputs the dns stack reads of them. */
export const regionalOutputs: Record<string, Pick<RegionalOutputs, "region" | "regionName" | "endpointDnsName" | "endpointZoneId" | "endpointPort" | "bucketName">> = {
    "organization/sftp-failover/primary": {
        region: "us-east-1",
        regionName: "primary",
        endpointDnsName: "sftp-primary-nlb-0123456789.elb.us-east-1.amazonaws.com",
        endpointZoneId: "Z26RNL4JYFTOTI",
        endpointPort: 22,
        bucketName: "sftp-primary-data-0a1b2c",
    },
    "organization/sftp-failover/secondary": {
        region: "us-west-2",
        regionName: "secondary",
        endpointDnsName: "sftp-secondary-nlb-9876543210.elb.us-west-2.amazonaws.com",
        endpointZoneId: "ZLMOA37VPKANP",
        endpointPort: 22,
        bucketName: "sftp-secondary-data-3d4e5f",
    },
};

let resources: Registered[] = [];
let invokes: { token: string; inputs: Record<string, unknown> }[] = [];

const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        if (args.type === "pulumi:pulumi:StackReference") {
            const outputs = regionalOutputs[args.inputs.name as string];
            if (outputs === undefined) {
                throw new Error(`no regional stack named ${String(args.inputs.name)} in the mock`);
            }
            return { id: args.inputs.name as string, state: { name: args.inputs.name, outputs } };
        }
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const extra: Record<string, unknown> = {};
        if (args.type === "aws:route53/record:Record") {
            extra.fqdn = args.inputs.name;
        }
        if (args.type === "aws:cloudwatch/metricAlarm:MetricAlarm") {
            extra.name = `${args.name}-1a2b3c`;
        }
        if (args.type === "aws:sns/topic:Topic") {
            extra.arn = `arn:aws:sns:${String(args.inputs.region)}:123456789012:${args.name}`;
        }
        if (args.type.startsWith("aws:route53recoverycontrol/")) {
            extra.arn = `arn:aws:route53-recovery-control::123456789012:${args.name}`;
        }
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
    },
    call(args) {
        invokes.push({ token: args.token, inputs: args.inputs });
        if (args.token === "aws:route53/getZone:getZone") {
            return { id: "Z0LOOKEDUP", zoneId: "Z0LOOKEDUP", name: `${String(args.inputs.name)}.` };
        }
        throw new Error(`unexpected invoke ${args.token}: the program may only look up the hosted zone`);
    },
};

/** Config of a working dns stack (keys without the `sftp-failover:` namespace). */
export const baseConfig: Record<string, unknown> = {
    role: "dns",
    recordName: "sftp.example.com",
    zoneId: "Z0EXAMPLE",
    primaryStack: "organization/sftp-failover/primary",
    secondaryStack: "organization/sftp-failover/secondary",
};

/** Config overrides: both regions as explicit dual-stack endpoints, so alias A and AAAA records. */
export const dualStackEndpoints: Record<string, unknown> = {
    dualStack: true,
    primaryStack: undefined,
    secondaryStack: undefined,
    primaryEndpoint: { dnsName: "a.elb.example.net", zoneId: "Z1", port: 22, ipAddressType: "dualstack" },
    secondaryEndpoint: { dnsName: "b.elb.example.net", zoneId: "Z2", port: 22, ipAddressType: "dualstack" },
};

/** Config overrides: both regions as explicit endpoints without zone ids, so CNAME records. */
export const cnameEndpoints: Record<string, unknown> = {
    primaryStack: undefined,
    secondaryStack: undefined,
    primaryEndpoint: { dnsName: "sftp-a.partner.example.net", port: 2222 },
    secondaryEndpoint: { dnsName: "sftp-b.partner.example.net", port: 2222 },
};

/** Runs the DNS program once with the given config (on top of baseConfig; `undefined` removes a key). */
export async function runDns(overrides: Record<string, unknown> = {}): Promise<Run> {
    await pulumi.runtime.setMocks(mocks, "sftp-failover", "dns", false);
    const merged = { ...baseConfig, ...overrides };
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(merged)) {
        if (value !== undefined) {
            config[`sftp-failover:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    pulumi.runtime.setAllConfig(config);
    resources = [];
    invokes = [];
    const { dnsStack } = await import("../../stacks/dns");
    const exported = await dnsStack();
    const outputs = await promiseOf(pulumi.output(exported));
    // Wait until every registration reached the mock, including resources no output depends on.
    await pulumi.runtime.disconnect();
    return { resources, invokes, outputs: outputs as Record<string, unknown> };
}


/** What the last run registered so far (for a run that failed). */
export function registered(): readonly Registered[] {
    return resources;
}
