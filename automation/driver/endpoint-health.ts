import type { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { DnsOutputs, RawOutputs, readDnsOutputs, readRegionalOutputs, RegionalOutputs, RegionHealthCheckIdOutputs } from "../../stacks/contract";
import { RegionName } from "../../foundation/posture";

/**
 * Where `status` learns what Route 53's endpoint check of each region reports. The driver itself
 * never probes: on AWS, automation/aws/endpoint-health.ts reads Route 53 and CloudWatch; in the
 * sandbox, the sandbox's reachability model answers (sandbox/endpoint-health.ts). The CLI wires one in.
 */

/** One region's endpoint as its regional stack exports it, with the dns stack's checks of it when deployed. */
export interface RegionEndpoint {
    readonly region: RegionName;
    /** The AWS region the endpoint lives in (`us-east-1`). */
    readonly awsRegion: string;
    readonly dnsName: string;
    readonly port: number;
    /** The Route 53 health checks the dns stack made for this region; absent when the dns stack exports none. */
    readonly healthCheckIds?: RegionHealthCheckIdOutputs;
    /** Where the fence metric and its alarms live; absent when the dns stack exports none. */
    readonly fence?: FenceCoordinates;
}

/** A health verdict: `unknown` whenever it could not be read, never assumed healthy. */
export type HealthVerdict = "healthy" | "unhealthy" | "unknown";

/** One reading of one check, with where it came from and when. */
export interface HealthReading {
    readonly health: HealthVerdict;
    /** Why it is not healthy, in the source's words; a source may also say what it counted when healthy. */
    readonly reasons: readonly string[];
    /** What answered, e.g. `route53:GetHealthCheckStatus <id>` or `sandbox reachability model`. */
    readonly source?: string;
    /** When the reading was observed (ISO 8601): the observation's own time where the source gives one, else the read's. */
    readonly observedAt?: string;
}

/** A reading that names its source and time, as every reading {@link readEndpointHealth} returns does. */
export type ObservedReading = HealthReading & { readonly source: string; readonly observedAt: string };

/** Another of the region's Route 53 checks, read beside the endpoint check. */
export interface RelatedCheckReading extends HealthReading {
    /** `combined`: the calculated check on the records; `fence`: the fence alarm's check. */
    readonly check: "combined" | "fence";
    readonly source: string;
    readonly observedAt: string;
}

/**
 * What the endpoint check of one region reports. `source` and `observedAt` are optional only so a
 * source written before they existed still compiles; {@link readEndpointHealth} always fills them.
 */
export interface EndpointHealth extends HealthReading {
    /** The region's other checks, when the source reads them (the AWS source does). */
    readonly checks?: readonly RelatedCheckReading[];
}

/** An endpoint reading as {@link readEndpointHealth} returns it: always with its source and time. */
export type ObservedEndpointHealth = EndpointHealth & ObservedReading;

/** What a caller needs of a reading beyond the endpoint check itself. */
export interface EndpointHealthScope {
    /**
     * True when only the endpoint check's verdict is wanted: a caller that reads the fences itself
     * (the fence operation) would otherwise pay for a second read of each fence alarm. Defaults to
     * false: the related checks come with the reading, as `status` shows them.
     */
    readonly endpointOnly?: boolean;
}

/** A source of endpoint-check health. */
export interface EndpointHealthSource {
    /** Names the source in a reading it failed to give (`route53 + cloudwatch`). Defaults to `endpoint-health source`. */
    readonly name?: string;
    /**
     * The health of one region's endpoint check. May reject; `status` then reports `unknown`
     * with the error's message as the reason. A source may ignore `scope` and read more.
     */
    endpointHealth(endpoint: RegionEndpoint, scope?: EndpointHealthScope): Promise<EndpointHealth>;
}

/** Each region's regional outputs, and the dns stack's when the caller has them (the AWS source needs its health check ids). */
export type EndpointHealthOutputs = Readonly<Record<RegionName, RawOutputs>> & { readonly dns?: RawOutputs };

/** Each region's outputs and the dns stack's, parsed through the contract, as the driver holds them once read. */
export type TypedEndpointHealthOutputs = Readonly<Record<RegionName, Partial<RegionalOutputs>>> & { readonly dns?: Partial<DnsOutputs> };

/** The endpoint a regional stack's outputs name, or undefined when they name none (not deployed). */
export function regionEndpointOf(region: RegionName, outputs: RawOutputs, dnsOutputs?: RawOutputs): RegionEndpoint | undefined {
    return typedRegionEndpointOf(region, readRegionalOutputs(outputs), dnsOutputs === undefined ? undefined : readDnsOutputs(dnsOutputs));
}

/** {@link regionEndpointOf} from typed outputs. */
export function typedRegionEndpointOf(region: RegionName, outputs: Partial<RegionalOutputs>, dns: Partial<DnsOutputs> = {}): RegionEndpoint | undefined {
    const { region: awsRegion, endpointDnsName, endpointPort } = outputs;
    if (awsRegion === undefined || endpointDnsName === undefined || endpointPort === undefined) {
        return undefined;
    }
    const healthCheckIds = dns.healthCheckIds?.[region];
    return {
        region,
        awsRegion,
        dnsName: endpointDnsName,
        port: endpointPort,
        ...(healthCheckIds !== undefined ? { healthCheckIds } : {}),
        ...(dns.fence !== undefined ? { fence: dns.fence } : {}),
    };
}

/**
 * Every region's endpoint health, or `unknown` where the endpoint is not deployed or the source
 * fails. Also whether Route 53 would fail open: with every endpoint check unhealthy, every record
 * is answered as if healthy, so failover and the fence do nothing.
 */
export async function readEndpointHealth(source: EndpointHealthSource, outputs: EndpointHealthOutputs): Promise<EndpointHealthReading> {
    return readEndpointHealthOf(source, {
        primary: readRegionalOutputs(outputs.primary),
        secondary: readRegionalOutputs(outputs.secondary),
        ...(outputs.dns !== undefined ? { dns: readDnsOutputs(outputs.dns) } : {}),
    });
}

/** Every region's endpoint health and whether Route 53 would fail open (see {@link readEndpointHealth}). */
export interface EndpointHealthReading {
    readonly regions: Readonly<Record<RegionName, ObservedEndpointHealth>>;
    readonly failsOpen: boolean;
}

/** {@link readEndpointHealth} from typed outputs: the driver's path, which parsed them when it read the stacks. */
export async function readEndpointHealthOf(source: EndpointHealthSource, outputs: TypedEndpointHealthOutputs): Promise<EndpointHealthReading> {
    const sourceName = source.name ?? "endpoint-health source";
    const one = async (region: RegionName): Promise<ObservedEndpointHealth> => {
        const askedAt = new Date().toISOString();
        const endpoint = typedRegionEndpointOf(region, outputs[region], outputs.dns);
        if (endpoint === undefined) {
            return { health: "unknown", reasons: [`the ${region} stack exports no endpoint`], source: "stack outputs", observedAt: askedAt };
        }
        const reading = await source.endpointHealth(endpoint).catch((err: unknown): EndpointHealth => ({ health: "unknown", reasons: [(err as Error).message] }));
        return { ...reading, source: reading.source ?? sourceName, observedAt: reading.observedAt ?? askedAt };
    };
    // Both regions at once: with us-east-1's APIs down, each read waits out its own budget, and status should wait only once.
    const [primary, secondary] = await Promise.all([one("primary"), one("secondary")]);
    const regions = { primary, secondary };
    return { regions, failsOpen: Object.values(regions).every((h) => h.health === "unhealthy") };
}
