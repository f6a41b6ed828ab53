// Where the fence of each region lives in CloudWatch: pure data, no Pulumi and no AWS SDK import, so
// the DNS component (which creates the alarms), the fence client in automation/fence/cloudwatch-fence.ts (which
// publishes the metric) and the tests all compute exactly the same coordinates.
import { RegionName, regionNames } from "../foundation/posture";
import { awsRegionPattern } from "./aws-region";

/** CloudWatch dimensions of one region's fence metric. */
export type FenceDimensions = Readonly<Record<string, string>>;

/**
 * Everything needed to fence or unfence a region with one PutMetricData call. The DNS stack exports
 * this object as its `fence` output; the driver passes it back to automation/fence/cloudwatch-fence.ts.
 */
export interface FenceCoordinates {
    /** AWS region holding the fence metric and its alarms. */
    readonly region: string;
    /** CloudWatch namespace of the fence metric. */
    readonly namespace: string;
    /** Name of the fence metric (1 = region enabled, 0 = fenced). */
    readonly metricName: string;
    /** Dimensions of the metric, per region. */
    readonly dimensions: Readonly<Record<RegionName, FenceDimensions>>;
}

/** What a fence needs to be placed: its region, its metric, and the service it guards. */
export interface FenceCoordinatesArgs {
    /** AWS region of the fence metric and alarms. Defaults to `defaultFenceRegion`. */
    readonly region?: string;
    /** CloudWatch namespace. Defaults to `defaultFenceNamespace`. */
    readonly namespace?: string;
    /** Metric name. Defaults to `defaultFenceMetricName`. */
    readonly metricName?: string;
    /** The service the fence guards, e.g. the record name; keeps two services' fences apart. */
    readonly service: string;
}

/**
 * Default fence region. The alarms must live outside both serving regions: fencing is what an
 * operator does when a serving region is in trouble, so the call that fences it must not depend on
 * that region. us-east-2 is neither of this project's serving regions (us-east-1, us-west-2) nor
 * us-east-1, which hosts Route 53's control plane — the plane this fence exists to avoid.
 */
export const defaultFenceRegion = "us-east-2";

/** Default CloudWatch namespace of the fence metric. */
export const defaultFenceNamespace = "SftpFailover/Fence";

/** Default fence metric name. */
export const defaultFenceMetricName = "RegionEnabled";

/** The value that enables a region (the alarm goes to OK, the fence health check is healthy). */
export const regionEnabledValue = 1;

/** The value that fences a region (the alarm goes to ALARM, the fence health check fails). */
export const regionFencedValue = 0;

/** How the fence's settings are called in refusals: arguments of the component, or config keys. */
export interface FenceLabels {
    readonly region: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly service: string;
}

const defaultFenceLabels: FenceLabels = { region: "fence.region", namespace: "fence.namespace", metricName: "fence.metricName", service: "fence.service" };

/** Dimension names of the fence metric. */
export const fenceDimensionNames = { service: "Service", regionName: "RegionName" } as const;

/**
 * Computes the fence coordinates of both regions. Nothing here depends on the posture: switching
 * posture must never move a fence (that would replace alarms and health checks).
 */
export function fenceCoordinates(args: FenceCoordinatesArgs, labels: FenceLabels = defaultFenceLabels): FenceCoordinates {
    if (args.service.trim() === "") {
        throw new Error("fence service must not be empty (it tells two services' fences apart)");
    }
    const region = args.region ?? defaultFenceRegion;
    if (!awsRegionPattern.test(region)) {
        throw new Error(`${labels.region} must be an AWS region like us-east-2 (got ${JSON.stringify(region)})`);
    }
    const namespace = args.namespace ?? defaultFenceNamespace;
    // CloudWatch's PutMetricAlarm: a namespace of 1–255 of these characters, not in AWS's own "AWS/".
    if (!/^[0-9A-Za-z._\-/#: ]{1,255}$/.test(namespace) || namespace.trim() === "" || namespace.startsWith(":") || namespace.startsWith("AWS/")) {
        throw new Error(`${labels.namespace} must be 1–255 letters, digits or . - _ / # : and spaces, not starting with ":" or "AWS/" (got ${JSON.stringify(namespace)})`);
    }
    const metricName = args.metricName ?? defaultFenceMetricName;
    if (metricName.trim() === "" || metricName.length > 255) {
        throw new Error(`${labels.metricName} must be 1–255 characters, not all spaces (got ${JSON.stringify(metricName)})`);
    }
    if (args.service.length > 255) {
        throw new Error(`${labels.service} is ${args.service.length} characters; the fence metric's Service dimension holds at most 255`);
    }
    const dimensionsOf = (regionName: RegionName): FenceDimensions => ({
        [fenceDimensionNames.service]: args.service,
        [fenceDimensionNames.regionName]: regionName,
    });
    const dimensions: Record<RegionName, FenceDimensions> = { primary: dimensionsOf("primary"), secondary: dimensionsOf("secondary") };
    return { region, namespace, metricName, dimensions };
}

/**
 * Refuses a fence region that is also a serving region: with the primary's fence in the primary's
 * own region, the primary could not be fenced exactly when it most needs to be.
 */
export function checkFenceRegion(fenceRegion: string, servingRegions: Readonly<Partial<Record<RegionName, string>>>, label = "fenceRegion"): string {
    for (const regionName of regionNames) {
        const serving = servingRegions[regionName];
        if (serving !== undefined && serving === fenceRegion) {
            throw new Error(
                `${label} "${fenceRegion}" is also the ${regionName} region: the fence must live outside both serving regions so that a failing region can still be fenced`,
            );
        }
    }
    return fenceRegion;
}

/** The settings of a fence alarm, as a pure function so tests read them without an engine. */
export interface FenceAlarmSettings {
    readonly statistic: "Minimum";
    readonly period: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    readonly threshold: number;
    readonly comparisonOperator: "LessThanThreshold";
    readonly treatMissingData: "ignore";
    readonly insufficientDataHealthStatus: "LastKnownStatus";
}

/**
 * The alarm goes to ALARM when one datapoint below "enabled" arrives, and then holds whatever state
 * the last datapoint put it in.
 *
 * Nobody publishes the metric continuously: fencing is one PutMetricData. So missing data must
 * mean "keep the state" (`ignore`), not "breaching" (every region fenced a minute after any change)
 * nor "notBreaching" (every fence lifted a minute after it was set). The health check answers
 * `LastKnownStatus` while the alarm has insufficient data: a new health check has no last status
 * and counts as healthy (a fresh stack serves), and an alarm that loses its data later (recreated,
 * or CloudWatch trouble in the fence region) keeps a fenced region fenced instead of silently
 * lifting the fence. Period 60 s: Route 53 reads only standard-resolution alarms.
 */
export function fenceAlarmSettings(): FenceAlarmSettings {
    return {
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: regionEnabledValue,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "ignore",
        insufficientDataHealthStatus: "LastKnownStatus",
    };
}
