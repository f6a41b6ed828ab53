import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionName } from "../foundation/posture";
import { EndpointCheck } from "./gateway-health-check";

/** Route 53's allowed request intervals for endpoint health checks, in seconds. */
export const allowedRequestIntervals: readonly number[] = [10, 30];

/** Route 53's range for a health check's failure threshold. */
export const failureThresholdRange = { min: 1, max: 10 } as const;

/** Default request interval: the fast one, so the modelled RTO stays near a minute and a half. */
export const defaultRequestInterval = 10;

/** Default failure threshold. */
export const defaultFailureThreshold = 3;

/** How often and how persistently Route 53 probes an endpoint. */
export interface HealthCheckTiming {
    readonly requestInterval: number;
    readonly failureThreshold: number;
}

/** Checks timing against Route 53's limits, naming the offending key. */
export function validateHealthCheckTiming(timing: HealthCheckTiming, labels = { requestInterval: "requestInterval", failureThreshold: "failureThreshold" }): HealthCheckTiming {
    if (!allowedRequestIntervals.includes(timing.requestInterval)) {
        throw new Error(`${labels.requestInterval} must be ${allowedRequestIntervals.join(" or ")} seconds (got ${String(timing.requestInterval)})`);
    }
    const { min, max } = failureThresholdRange;
    if (!Number.isInteger(timing.failureThreshold) || timing.failureThreshold < min || timing.failureThreshold > max) {
        throw new Error(`${labels.failureThreshold} must be an integer ${min}–${max} (got ${String(timing.failureThreshold)})`);
    }
    return timing;
}

/** Arguments of one region's health. */
export interface RegionHealthArgs {
    /** The region whose endpoint is checked. */
    readonly regionName: RegionName;
    /** DNS name of the region's endpoint (the NLB). */
    readonly endpointDnsName: pulumi.Input<string>;
    /** TCP port of the service on the endpoint. */
    readonly endpointPort: pulumi.Input<number>;
    /** What the endpoint check asks (HTTP to the gateways' health endpoint). Defaults to TCP on `endpointPort`. */
    readonly endpointCheck?: pulumi.Input<EndpointCheck | undefined>;
    /** Probe timing. Defaults to 10 s interval, threshold 3. */
    readonly timing?: HealthCheckTiming;
    /** Other health checks that must also be healthy (the fence, and the ARC routing control when used). */
    readonly gates: readonly pulumi.Input<string>[];
}

/**
 * A region's health as Route 53 sees it: a check of the endpoint (TCP, or HTTP to the gateways'
 * health endpoint), ANDed in a calculated check
 * with the region's gates (its fence, and its ARC routing control when enabled). The record uses
 * the calculated check, so either a dead endpoint or a set fence takes the region out of answers.
 */
export class RegionHealth extends pulumi.ComponentResource {
    /** Id of the TCP endpoint check. */
    public readonly endpointCheckId: pulumi.Output<string>;
    /** Id of the calculated check (endpoint AND every gate), the one attached to the records. */
    public readonly combinedCheckId: pulumi.Output<string>;

    constructor(name: string, args: RegionHealthArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:dns:RegionHealth", name, {}, opts);
        const timing = validateHealthCheckTiming(args.timing ?? { requestInterval: defaultRequestInterval, failureThreshold: defaultFailureThreshold });
        const check = pulumi.all([args.endpointCheck, args.endpointPort]).apply(([c, port]): EndpointCheck => c ?? { type: "TCP", port });
        const endpoint = new aws.route53.HealthCheck(
            `${name}-endpoint`,
            {
                type: check.type,
                fqdn: args.endpointDnsName,
                port: check.port,
                resourcePath: check.resourcePath,
                requestInterval: timing.requestInterval,
                failureThreshold: timing.failureThreshold,
                tags: { Name: `${name}-endpoint`, Region: args.regionName },
            },
            { parent: this },
        );
        const children = [endpoint.id, ...args.gates];
        const combined = new aws.route53.HealthCheck(
            `${name}-combined`,
            {
                type: "CALCULATED",
                childHealthchecks: children,
                // AND: every child must be healthy.
                childHealthThreshold: children.length,
                tags: { Name: `${name}-combined`, Region: args.regionName },
            },
            { parent: this },
        );
        this.endpointCheckId = endpoint.id;
        this.combinedCheckId = combined.id;
        this.registerOutputs({ endpointCheckId: this.endpointCheckId, combinedCheckId: this.combinedCheckId });
    }
}
