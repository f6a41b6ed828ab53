import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionName } from "../foundation/posture";
import { FenceDimensions, fenceAlarmSettings } from "./dns-fence-coordinates";

/** Arguments of one region's fence. */
export interface RegionFenceArgs {
    /** The region this fence guards. */
    readonly regionName: RegionName;
    /** AWS region of the alarm (the fence region), never one of the serving regions. */
    readonly fenceRegion: pulumi.Input<string>;
    /** CloudWatch namespace of the fence metric. */
    readonly namespace: string;
    /** Name of the fence metric. */
    readonly metricName: string;
    /** Dimensions of this region's fence metric. */
    readonly dimensions: FenceDimensions;
}

export { FenceAlarmSettings, fenceAlarmSettings } from "./dns-fence-coordinates";

/**
 * One region's fence: a CloudWatch alarm on the fence metric, in the fence region, and a Route 53
 * health check of type CLOUDWATCH_METRIC bound to it. Publishing 0 fails the health check, which
 * (through the calculated check) takes the region's records out of DNS answers — a data-plane
 * change, with no Route 53 API call.
 */
export class RegionFence extends pulumi.ComponentResource {
    /** Id of the Route 53 health check that follows the alarm. */
    public readonly healthCheckId: pulumi.Output<string>;
    /** Name of the fence alarm. */
    public readonly alarmName: pulumi.Output<string>;

    constructor(name: string, args: RegionFenceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:dns:RegionFence", name, {}, opts);
        const settings = fenceAlarmSettings();
        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-alarm`,
            {
                region: args.fenceRegion,
                alarmDescription: `Fence of the ${args.regionName} region: ALARM takes it out of DNS. Set with PutMetricData (1 = enabled, 0 = fenced).`,
                namespace: args.namespace,
                metricName: args.metricName,
                dimensions: { ...args.dimensions },
                statistic: settings.statistic,
                period: settings.period,
                evaluationPeriods: settings.evaluationPeriods,
                datapointsToAlarm: settings.datapointsToAlarm,
                threshold: settings.threshold,
                comparisonOperator: settings.comparisonOperator,
                treatMissingData: settings.treatMissingData,
            },
            { parent: this },
        );
        const healthCheck = new aws.route53.HealthCheck(
            `${name}-check`,
            {
                type: "CLOUDWATCH_METRIC",
                cloudwatchAlarmName: alarm.name,
                cloudwatchAlarmRegion: args.fenceRegion,
                insufficientDataHealthStatus: settings.insufficientDataHealthStatus,
                tags: { Name: `${name}-check`, Region: args.regionName },
            },
            { parent: this },
        );
        this.healthCheckId = healthCheck.id;
        this.alarmName = alarm.name;
        this.registerOutputs({ healthCheckId: this.healthCheckId, alarmName: this.alarmName });
    }
}
