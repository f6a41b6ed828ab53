// The shared DNS stack: weighted, health-checked, fenceable records in front of both regions.
import * as pulumi from "@pulumi/pulumi";
import { RegionName } from "../automation/posture";
import { DnsFailover, RegionEndpoint } from "../components/dns-failover";
import { DnsConfig, EndpointSource, loadDnsConfig } from "./config/dns";

/**
 * Builds the DNS stack and returns its outputs (see docs/architecture.md, "DNS"). Each region's
 * endpoint comes from its regional stack's outputs, or from explicit config for an endpoint
 * managed elsewhere.
 */
export async function dnsStack(): Promise<Record<string, unknown>> {
    const config = loadDnsConfig();
    const dns = new DnsFailover("sftp", {
        zone: config.zone,
        recordName: config.recordName,
        weights: config.spec.weights,
        endpoints: { primary: regionEndpoint("primary", config.endpoints.primary), secondary: regionEndpoint("secondary", config.endpoints.secondary) },
        dualStack: config.dualStack,
        ttl: config.ttl,
        allowLongTtl: config.allowLongTtl,
        healthCheck: config.healthCheck,
        fence: config.fence,
        routingControls: config.routingControls,
    });
    return {
        recordFqdn: dns.recordFqdn,
        posture: config.posture,
        weights: dns.weights,
        healthCheckIds: dns.healthCheckIds,
        fence: dns.fence,
        modelledRtoSeconds: dns.modelledRtoSeconds,
        ...routingControlOutputs(dns, config),
    };
}

/** A region's endpoint: the regional stack's exported NLB, or the configured one. */
function regionEndpoint(regionName: RegionName, source: EndpointSource): RegionEndpoint {
    switch (source.kind) {
        case "stack": {
            const ref = new pulumi.StackReference(`${regionName}-stack`, { name: source.stackName });
            return {
                dnsName: ref.requireOutput("endpointDnsName") as pulumi.Output<string>,
                zoneId: ref.requireOutput("endpointZoneId") as pulumi.Output<string>,
                port: ref.requireOutput("endpointPort") as pulumi.Output<number>,
                region: ref.requireOutput("region") as pulumi.Output<string>,
            };
        }
        case "endpoint":
            return source;
        default:
            throw new Error(`unknown endpoint source "${(source as { kind: string }).kind}"`);
    }
}

function routingControlOutputs(dns: DnsFailover, config: DnsConfig): Record<string, unknown> {
    if (!config.routingControls || dns.routingControls === undefined) {
        return {};
    }
    const arc = dns.routingControls;
    return { routingControls: { clusterArn: arc.clusterArn, controlPanelArn: arc.controlPanelArn, ...arc.routingControlArns } };
}
