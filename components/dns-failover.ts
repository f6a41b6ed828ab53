import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionName, regionNames, validateWeights, Weights } from "../foundation/posture";
import { checkFenceRegion, FenceCoordinates, fenceCoordinates } from "./dns-fence-coordinates";
import { RegionFence } from "./dns-fence";
import { EndpointCheck } from "./gateway-health-check";
import { defaultFailureThreshold, defaultRequestInterval, HealthCheckTiming, RegionHealth, validateHealthCheckTiming } from "./dns-region-health";
import { additionalRecordResourceName, validateAdditionalRecordNames, validateRecordName } from "./dns-record-names";
import { DnsRoutingControls } from "./dns-routing-controls";
import { aliasCacheSeconds, FenceEffect, fenceEffectSeconds } from "./fence-timing";

/** Where one region serves: its load balancer's DNS name and port, and what the record points at. */
export interface RegionEndpoint {
    /** DNS name of the region's endpoint (the NLB's `dnsName`). */
    readonly dnsName: pulumi.Input<string>;
    /** Hosted zone id of that DNS name (the NLB's `zoneId`). Given: alias records. Absent: a CNAME with `ttl`. */
    readonly zoneId?: pulumi.Input<string>;
    /** TCP port of the service, probed by the endpoint health check. */
    readonly port: pulumi.Input<number>;
    /** What Route 53's endpoint check asks instead (the regional stack's `endpointHealthCheck`). Defaults to TCP on `port`. */
    readonly check?: pulumi.Input<EndpointCheck | undefined>;
    /** AWS region of the endpoint, checked against the fence region. Defaults to unchecked. */
    readonly region?: pulumi.Input<string>;
}

/** The hosted zone the records go into: by id, or looked up by name. */
export type ZoneRef = { readonly zoneId: pulumi.Input<string> } | { readonly zoneName: string; readonly privateZone?: boolean };

/** Arguments of the DNS failover layer. */
export interface DnsFailoverArgs {
    /** The existing hosted zone. */
    readonly zone: ZoneRef;
    /** Name of the service record (relative to the zone, or fully qualified). */
    readonly recordName: string;
    /**
     * Further names of the same service (relative or fully qualified, like recordName), each given
     * exactly the records recordName gets: same set identifiers, weights and health checks, so a
     * posture switch moves them all together. Defaults to none.
     */
    readonly additionalRecordNames?: readonly string[];
    /** Weight of each region's records, from the posture. The only argument a posture switch changes. */
    readonly weights: Weights;
    /** Each region's endpoint. */
    readonly endpoints: Readonly<Record<RegionName, RegionEndpoint>>;
    /** Also publish AAAA alias records (endpoints are dual-stack). Defaults to false. */
    readonly dualStack?: boolean;
    /** TTL of CNAME records, and the caching time the modelled RTO assumes. Defaults to 60. */
    readonly ttl?: number;
    /** Accept a TTL above 60 s although every record has a health check. Defaults to false. */
    readonly allowLongTtl?: boolean;
    /** Endpoint probe timing. Defaults to interval 10 s, threshold 3. */
    readonly healthCheck?: HealthCheckTiming;
    /** Fence placement (region, namespace, metric name, service dimension). Defaults to those of dns-fence-coordinates, service = recordName. */
    readonly fence?: { readonly region?: string; readonly namespace?: string; readonly metricName?: string; readonly service?: string };
    /** Add ARC routing controls as a second fence (billed hourly). Defaults to false. */
    readonly routingControls?: boolean;
}

/** Default TTL, the ceiling AWS recommends for records with health checks. */
export const defaultTtl = 60;

/** The TTL above which health-checked records need an explicit allowance. */
export const maxRecommendedTtl = 60;

/**
 * Refuses a TTL that would let resolvers keep answering an unhealthy region long after Route 53
 * stopped: above 60 s only with `allowLongTtl`.
 */
export function validateTtl(ttl: number, allowLongTtl: boolean, labels = { ttl: "ttl", allowLongTtl: "allowLongTtl" }): number {
    if (!Number.isInteger(ttl) || ttl < 0) {
        throw new Error(`${labels.ttl} must be a non-negative integer of seconds (got ${String(ttl)})`);
    }
    if (ttl > maxRecommendedTtl && !allowLongTtl) {
        throw new Error(
            `${labels.ttl} ${ttl} is above ${maxRecommendedTtl} s on health-checked records (AWS recommends ≤ ${maxRecommendedTtl}); set ${labels.allowLongTtl} to true to accept the slower failover`,
        );
    }
    return ttl;
}

export { aliasCacheSeconds };

/**
 * The modelled recovery time: Route 53 needs `interval × threshold` seconds of failed probes to
 * call a region unhealthy, then resolvers may serve the old answer for up to one TTL — for alias
 * records at least the alias target's 60 s, whatever lower TTL is configured (a TTL of 0 would
 * otherwise promise a recovery the caches do not deliver).
 */
export function modelledRtoSeconds(timing: HealthCheckTiming, ttl: number, kind: RecordKind = "cname"): number {
    const cached = kind === "alias" ? Math.max(ttl, aliasCacheSeconds) : ttl;
    return timing.requestInterval * timing.failureThreshold + cached;
}

/** The record types of one region: alias A (+ AAAA when dual-stack), or one CNAME. */
export type RecordKind = "alias" | "cname";

/**
 * Which records each region gets. Both regions must point the same way: Route 53 refuses a CNAME
 * next to other records of the same name.
 */
export function recordTypes(endpoints: Readonly<Record<RegionName, { readonly zoneId?: unknown }>>, dualStack: boolean): { kind: RecordKind; types: string[] } {
    const kinds = regionNames.map((r) => (endpoints[r].zoneId === undefined ? "cname" : "alias"));
    if (kinds[0] !== kinds[1]) {
        throw new Error("endpoints: both regions need a zoneId (alias records) or neither (CNAME records); Route 53 cannot mix them under one name");
    }
    const kind: RecordKind = kinds[0] === "alias" ? "alias" : "cname";
    if (kind === "cname") {
        return { kind, types: ["CNAME"] };
    }
    return { kind, types: dualStack ? ["A", "AAAA"] : ["A"] };
}

/** Ids of one region's health checks. */
export interface RegionHealthCheckIds {
    readonly endpoint: pulumi.Output<string>;
    readonly fence: pulumi.Output<string>;
    readonly combined: pulumi.Output<string>;
    readonly routingControl?: pulumi.Output<string>;
}

/** What one region's records share, whatever their name and type. */
interface RegionRecordSpec {
    readonly zoneId: pulumi.Input<string>;
    readonly regionName: RegionName;
    readonly endpoint: RegionEndpoint;
    readonly weight: number;
    readonly healthCheckId: pulumi.Input<string>;
    readonly kind: RecordKind;
    readonly ttl: number;
}

/**
 * The DNS failover layer: one weighted record set per region and service name (alias A/AAAA to the
 * region's NLB), each guarded by a calculated health check = endpoint TCP check AND the region's
 * fence. Additional names get the very same records as the service name.
 *
 * Only the records' weights come from the posture. Names, set identifiers, health checks and
 * alarms do not, so a posture switch is an in-place weight update of the records and nothing else.
 * Health checks sit on every record, including weight-0 ones: Route 53 answers a weight-0 record
 * once every non-zero record is unhealthy, which is what makes active-passive fail over by itself.
 */
export class DnsFailover extends pulumi.ComponentResource {
    /** Fully qualified name of the service record. */
    public readonly recordFqdn: pulumi.Output<string>;
    /** Fully qualified names of every record: the service name's first, then the additional names' in their order. */
    public readonly recordFqdns: pulumi.Output<string[]>;
    /** Weights as deployed. */
    public readonly weights: Weights;
    /** Health check ids per region. */
    public readonly healthCheckIds: Record<RegionName, RegionHealthCheckIds>;
    /** Where the fence metric lives (what automation/fence/cloudwatch-fence.ts needs). */
    public readonly fence: pulumi.Output<FenceCoordinates>;
    /** interval × threshold + TTL, in seconds. */
    public readonly modelledRtoSeconds: number;
    /** How long each kind of fence takes to move clients, in seconds (components/fence-timing.ts). */
    public readonly fenceEffectSeconds: FenceEffect;
    /** The ARC routing controls, when enabled. */
    public readonly routingControls?: DnsRoutingControls;

    constructor(name: string, args: DnsFailoverArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:dns:DnsFailover", name, {}, opts);
        validateRecordName(args.recordName);
        const additionalNames = validateAdditionalRecordNames(args.additionalRecordNames ?? [], args.recordName, {
            zoneName: "zoneName" in args.zone ? args.zone.zoneName : undefined,
        });
        const weights = validateWeights(args.weights);
        const timing = validateHealthCheckTiming(args.healthCheck ?? { requestInterval: defaultRequestInterval, failureThreshold: defaultFailureThreshold });
        const ttl = validateTtl(args.ttl ?? defaultTtl, args.allowLongTtl ?? false);
        const { kind, types } = recordTypes(args.endpoints, args.dualStack ?? false);
        const coordinates = fenceCoordinates({ ...args.fence, service: args.fence?.service ?? args.recordName });
        const fenceRegion = checkedFenceRegion(coordinates.region, args.endpoints);
        const zoneId = this.resolveZoneId(args.zone);

        this.routingControls = (args.routingControls ?? false) ? new DnsRoutingControls(`${name}-arc`, {}, { parent: this }) : undefined;
        const healthCheckIds = {} as Record<RegionName, RegionHealthCheckIds>;
        const names = [args.recordName, ...additionalNames];
        const fqdns = new Map<string, pulumi.Output<string>>();
        for (const regionName of regionNames) {
            const endpoint = args.endpoints[regionName];
            const fence = new RegionFence(
                `${name}-${regionName}-fence`,
                { regionName, fenceRegion, namespace: coordinates.namespace, metricName: coordinates.metricName, dimensions: coordinates.dimensions[regionName] },
                { parent: this },
            );
            const routingControlCheck = this.routingControls?.healthCheckIds[regionName];
            const health = new RegionHealth(
                `${name}-${regionName}-health`,
                {
                    regionName,
                    endpointDnsName: endpoint.dnsName,
                    endpointPort: endpoint.port,
                    endpointCheck: endpoint.check,
                    timing,
                    gates: routingControlCheck === undefined ? [fence.healthCheckId] : [fence.healthCheckId, routingControlCheck],
                },
                { parent: this },
            );
            healthCheckIds[regionName] = {
                endpoint: health.endpointCheckId,
                fence: fence.healthCheckId,
                combined: health.combinedCheckId,
                ...(routingControlCheck === undefined ? {} : { routingControl: routingControlCheck }),
            };
            const spec: RegionRecordSpec = { zoneId, regionName, endpoint, weight: weights[regionName], healthCheckId: health.combinedCheckId, kind, ttl };
            for (const type of types) {
                for (const dnsName of names) {
                    const record = this.createRecord(recordResourceName(name, regionName, type, dnsName, args.recordName), dnsName, type, spec);
                    if (!fqdns.has(dnsName)) {
                        fqdns.set(dnsName, record.fqdn);
                    }
                }
            }
        }
        this.recordFqdn = fqdns.get(args.recordName) as pulumi.Output<string>;
        this.recordFqdns = pulumi.all(names.map((n) => fqdns.get(n) as pulumi.Output<string>));
        this.weights = weights;
        this.healthCheckIds = healthCheckIds;
        this.fence = fenceRegion.apply((region) => ({ ...coordinates, region }));
        this.modelledRtoSeconds = modelledRtoSeconds(timing, ttl, kind);
        this.fenceEffectSeconds = fenceEffectSeconds(timing, ttl, kind === "alias");
        this.registerOutputs({
            recordFqdn: this.recordFqdn,
            recordFqdns: this.recordFqdns,
            weights: this.weights,
            healthCheckIds: this.healthCheckIds,
            fence: this.fence,
            modelledRtoSeconds: this.modelledRtoSeconds,
        });
    }

    /** One weighted record of one region under one name. */
    private createRecord(resourceName: string, dnsName: string, type: string, spec: RegionRecordSpec): aws.route53.Record {
        const { endpoint } = spec;
        return new aws.route53.Record(
            resourceName,
            {
                zoneId: spec.zoneId,
                name: dnsName,
                type,
                setIdentifier: spec.regionName,
                weightedRoutingPolicies: [{ weight: spec.weight }],
                healthCheckId: spec.healthCheckId,
                ...(spec.kind === "alias"
                    ? // Alias records have no TTL: resolvers cache them for the alias target's TTL.
                      // Our own health check decides; the NLB's target health is a second opinion.
                      { aliases: [{ name: endpoint.dnsName, zoneId: endpoint.zoneId as pulumi.Input<string>, evaluateTargetHealth: true }] }
                    : { records: [endpoint.dnsName], ttl: spec.ttl }),
            },
            { parent: this },
        );
    }

    private resolveZoneId(zone: ZoneRef): pulumi.Input<string> {
        if ("zoneId" in zone) {
            return zone.zoneId;
        }
        return aws.route53.getZoneOutput({ name: zone.zoneName, privateZone: zone.privateZone ?? false }, { parent: this }).zoneId;
    }
}

/**
 * The Pulumi name of a record. The service name's records keep the names they have always had, so
 * a stack deployed before additional names existed sees no replacement; an additional name's come
 * from the DNS name (components/dns-record-names.ts).
 */
function recordResourceName(component: string, regionName: RegionName, type: string, dnsName: string, recordName: string): string {
    return dnsName === recordName ? `${component}-${regionName}-${type.toLowerCase()}` : additionalRecordResourceName(component, regionName, type, dnsName);
}

/**
 * The fence region, checked against the serving regions once they are known (they come from the
 * regional stacks). The check rides on the value every fence resource uses, so a bad region fails
 * the deployment before any alarm is created.
 */
function checkedFenceRegion(fenceRegion: string, endpoints: Readonly<Record<RegionName, RegionEndpoint>>): pulumi.Output<string> {
    return pulumi
        .all([endpoints.primary.region, endpoints.secondary.region])
        .apply(([primary, secondary]) => checkFenceRegion(fenceRegion, { primary, secondary }));
}
