// The shared DNS stack: weighted, health-checked, fenceable records in front of both regions.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionName } from "../foundation/posture";
import { DnsAlarms, ReplicationSource } from "../components/dns-alarms";
import { EndpointCheck } from "../components/gateway-health-check";
import { DnsFailover, RegionEndpoint, ZoneRef } from "../components/dns-failover";
import { fenceCoordinates } from "../components/dns-fence-coordinates";
import { replicationRuleId } from "../components/replication-rule";
import { DnsConfig, EndpointSource, loadDnsConfig } from "./config/dns";
import { DnsOutputs, ProgramOutputs, regionalOutputsForDns, RegionalOutputs, regionStackKey, RoutingControlOutputs } from "./contract";
import type { ProgramOptions } from "./index";
import { refuseRevert } from "./posture-guard";

/**
 * Builds the DNS stack and returns its outputs (see docs/architecture.md, "DNS"). Each region's
 * endpoint comes from its regional stack's outputs, or from explicit config for an endpoint
 * managed elsewhere.
 */
export async function dnsStack(opts: ProgramOptions = {}): Promise<ProgramOutputs<DnsOutputs>> {
    const config = loadDnsConfig();
    await refuseRevert({ kind: "dns", posture: config.posture, weights: config.spec.weights }, opts.postureRecords, opts.projectDir);
    const refs = { primary: regionalStack("primary", config.endpoints.primary), secondary: regionalStack("secondary", config.endpoints.secondary) };
    const endpoints = {
        primary: await regionEndpoint("primary", config.endpoints.primary, refs.primary),
        secondary: await regionEndpoint("secondary", config.endpoints.secondary, refs.secondary),
    };
    const dns = new DnsFailover("sftp", {
        zone: await resolveZone(config),
        recordName: config.recordName,
        additionalRecordNames: config.additionalRecordNames,
        weights: config.spec.weights,
        endpoints,
        dualStack: config.dualStack,
        ttl: config.ttl,
        allowLongTtl: config.allowLongTtl,
        healthCheck: config.healthCheck,
        fence: config.fence,
        routingControls: config.routingControls,
    });
    const alarms = config.alarms.enabled
        ? new DnsAlarms("sftp-alarms", {
              fence: fenceCoordinates({ ...config.fence, service: config.recordName }),
              endpointCheckIds: { primary: dns.healthCheckIds.primary.endpoint, secondary: dns.healthCheckIds.secondary.endpoint },
              replication: await replicationSources(refs),
              subscriptions: config.alarms.subscriptions,
              replicationLatencySeconds: config.alarms.replicationLatencySeconds,
          })
        : undefined;
    return {
        recordFqdn: dns.recordFqdn,
        recordFqdns: dns.recordFqdns,
        posture: config.posture,
        weights: dns.weights,
        healthCheckIds: dns.healthCheckIds,
        fence: dns.fence,
        modelledRtoSeconds: dns.modelledRtoSeconds,
        fenceEffectSeconds: dns.fenceEffectSeconds,
        ...routingControlOutputs(dns, config),
        ...(alarms !== undefined ? { alarmTopicArns: alarms.topicArns } : {}),
    };
}

/** A region's regional stack, when its endpoint comes from one. */
function regionalStack(regionName: RegionName, source: EndpointSource): pulumi.StackReference | undefined {
    return source.kind === "stack" ? new pulumi.StackReference(`${regionName}-stack`, { name: source.stackName }) : undefined;
}

/**
 * Both regions' buckets and replication rules, for the replication alarms: only when both regions
 * are regional stacks (an endpoint given by hand has no bucket we know of). The regions are read as
 * plain values, as they decide in which regions topics are created.
 */
async function replicationSources(refs: Readonly<Record<RegionName, pulumi.StackReference | undefined>>): Promise<Record<RegionName, ReplicationSource> | undefined> {
    const { primary, secondary } = refs;
    if (primary === undefined || secondary === undefined) {
        return undefined;
    }
    const sourceOf = async (ref: pulumi.StackReference): Promise<ReplicationSource | undefined> => {
        const bucketName = (await ref.getOutputDetails("bucketName")).value as unknown;
        if (typeof bucketName !== "string") {
            return undefined;
        }
        return {
            region: String((await ref.getOutputDetails("region")).value),
            bucketName,
            // A stack deployed before it exported its rule id has the component's one rule.
            ruleId: ((await ref.getOutputDetails("replicationRuleId")).value as string | undefined) ?? replicationRuleId,
        };
    };
    const [p, s] = [await sourceOf(primary), await sourceOf(secondary)];
    return p !== undefined && s !== undefined ? { primary: p, secondary: s } : undefined;
}

/**
 * The hosted zone by id. A zone given by name is looked up here, before any record is declared, so
 * that a failed lookup (the Route 53 API down) fails the program at once; as an Output inside the
 * component it would leave the inline program waiting on records that can never be registered.
 */
async function resolveZone(config: DnsConfig): Promise<ZoneRef> {
    if ("zoneId" in config.zone) {
        return config.zone;
    }
    const zone = await aws.route53.getZone({ name: config.zone.zoneName, privateZone: config.zone.privateZone });
    return { zoneId: zone.zoneId };
}

/**
 * A region's endpoint: the regional stack's exported NLB, or the configured one.
 *
 * The outputs are checked before any record is declared: a missing one would otherwise surface as
 * an error while serialising a resource's inputs, which leaves an inline program waiting on a
 * registration that never completes instead of failing.
 */
async function regionEndpoint(regionName: RegionName, source: EndpointSource, ref: pulumi.StackReference | undefined): Promise<RegionEndpoint> {
    switch (source.kind) {
        case "stack": {
            if (ref === undefined) {
                throw new Error(`the ${regionName} stack ${source.stackName} has no reference`);
            }
            for (const key of regionalOutputsForDns) {
                const details = await ref.getOutputDetails(key);
                if (details.value === undefined && details.secretValue === undefined) {
                    throw new Error(
                        `stack ${source.stackName} has no output "${key}": deploy the ${regionName} regional stack before the dns stack (${regionStackKey(regionName)})`,
                    );
                }
            }
            // The outputs the contract says the dns stack reads, each one required, by the contract's types.
            const required = Object.fromEntries(regionalOutputsForDns.map((key) => [key, ref.requireOutput(key)])) as {
                readonly [K in (typeof regionalOutputsForDns)[number]]: pulumi.Output<RegionalOutputs[K]>;
            };
            return {
                dnsName: required.endpointDnsName,
                zoneId: required.endpointZoneId,
                port: required.endpointPort,
                // Absent from a regional stack deployed before it was exported: TCP on the port.
                check: ref.getOutput("endpointHealthCheck") as pulumi.Output<EndpointCheck | undefined>,
                region: required.region,
            };
        }
        case "endpoint":
            return source;
        default:
            throw new Error(`unknown endpoint source "${(source as { kind: string }).kind}"`);
    }
}

function routingControlOutputs(dns: DnsFailover, config: DnsConfig): { routingControls?: ProgramOutputs<RoutingControlOutputs> } {
    if (!config.routingControls || dns.routingControls === undefined) {
        return {};
    }
    const arc = dns.routingControls;
    return { routingControls: { clusterArn: arc.clusterArn, controlPanelArn: arc.controlPanelArn, ...arc.routingControlArns } };
}
