import { RawOutputs, readRegionalOutputs } from "../../stacks/contract";
import { RegionName } from "../posture";

/**
 * Where `status` learns what Route 53's endpoint check of each region reports. The driver itself
 * never probes: on AWS this would read Route 53's GetHealthCheckStatus; in the sandbox, the
 * sandbox's reachability model answers (sandbox/endpoint-health.ts). The CLI wires one in.
 */

/** One region's endpoint as its regional stack exports it. */
export interface RegionEndpoint {
    readonly region: RegionName;
    /** The AWS region the endpoint lives in (`us-east-1`). */
    readonly awsRegion: string;
    readonly dnsName: string;
    readonly port: number;
}

/** What the endpoint check of one region reports. */
export interface EndpointHealth {
    readonly health: "healthy" | "unhealthy" | "unknown";
    /** Why it is not healthy, in the source's words (empty when healthy). */
    readonly reasons: readonly string[];
}

/** A source of endpoint-check health. */
export interface EndpointHealthSource {
    /**
     * The health of one region's endpoint check. May reject; `status` then reports `unknown`
     * with the error's message as the reason.
     */
    endpointHealth(endpoint: RegionEndpoint): Promise<EndpointHealth>;
}

/** The endpoint a regional stack's outputs name, or undefined when they name none (not deployed). */
export function regionEndpointOf(region: RegionName, outputs: RawOutputs): RegionEndpoint | undefined {
    const { region: awsRegion, endpointDnsName, endpointPort } = readRegionalOutputs(outputs);
    if (awsRegion === undefined || endpointDnsName === undefined || endpointPort === undefined) {
        return undefined;
    }
    return { region, awsRegion, dnsName: endpointDnsName, port: endpointPort };
}

/**
 * Every region's endpoint health, or `unknown` where the endpoint is not deployed or the source
 * fails. Also whether Route 53 would fail open: with every endpoint check unhealthy, every record
 * is answered as if healthy, so failover and the fence do nothing.
 */
export async function readEndpointHealth(
    source: EndpointHealthSource,
    outputs: Readonly<Record<RegionName, RawOutputs>>,
): Promise<{ readonly regions: Readonly<Record<RegionName, EndpointHealth>>; readonly failsOpen: boolean }> {
    const one = async (region: RegionName): Promise<EndpointHealth> => {
        const endpoint = regionEndpointOf(region, outputs[region]);
        if (endpoint === undefined) {
            return { health: "unknown", reasons: [`the ${region} stack exports no endpoint`] };
        }
        return source.endpointHealth(endpoint).catch((err: unknown) => ({ health: "unknown" as const, reasons: [(err as Error).message] }));
    };
    const regions = { primary: await one("primary"), secondary: await one("secondary") };
    return { regions, failsOpen: Object.values(regions).every((h) => h.health === "unhealthy") };
}
