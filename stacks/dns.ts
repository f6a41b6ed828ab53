// The shared DNS stack: weighted, health-checked, fenceable records in front of both regions.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EndpointCheck } from "../components/gateway-health-check";
import { RegionName } from "../automation/posture";
import { DnsFailover, RegionEndpoint, ZoneRef } from "../components/dns-failover";
import { DnsConfig, EndpointSource, loadDnsConfig } from "./config/dns";
import { DnsOutputs, ProgramOutputs, regionalOutputsForDns, regionStackKey, RoutingControlOutputs } from "./contract";
import { refuseRevert } from "./posture-guard";

/**
 * Builds the DNS stack and returns its outputs (see docs/architecture.md, "DNS"). Each region's
 * endpoint comes from its regional stack's outputs, or from explicit config for an endpoint
 * managed elsewhere.
 */
export async function dnsStack(opts: { readonly projectDir?: string } = {}): Promise<ProgramOutputs<DnsOutputs>> {
    const config = loadDnsConfig();
    await refuseRevert({ kind: "dns", posture: config.posture, weights: config.spec.weights }, opts.projectDir);
    const endpoints = {
        primary: await regionEndpoint("primary", config.endpoints.primary),
        secondary: await regionEndpoint("secondary", config.endpoints.secondary),
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
    };
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
async function regionEndpoint(regionName: RegionName, source: EndpointSource): Promise<RegionEndpoint> {
    switch (source.kind) {
        case "stack": {
            const ref = new pulumi.StackReference(`${regionName}-stack`, { name: source.stackName });
            for (const key of regionalOutputsForDns) {
                const details = await ref.getOutputDetails(key);
                if (details.value === undefined && details.secretValue === undefined) {
                    throw new Error(
                        `stack ${source.stackName} has no output "${key}": deploy the ${regionName} regional stack before the dns stack (${regionStackKey(regionName)})`,
                    );
                }
            }
            return {
                dnsName: ref.requireOutput("endpointDnsName") as pulumi.Output<string>,
                zoneId: ref.requireOutput("endpointZoneId") as pulumi.Output<string>,
                port: ref.requireOutput("endpointPort") as pulumi.Output<number>,
                // Absent from a regional stack deployed before it was exported: TCP on the port.
                check: ref.getOutput("endpointHealthCheck") as pulumi.Output<EndpointCheck | undefined>,
                region: ref.requireOutput("region") as pulumi.Output<string>,
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
