import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionName, regionNames } from "../foundation/posture";
import { alarmRegions, peerOf, replicationMetricBucket, route53MetricsRegion } from "./alarm-placement";
import { AlarmSubscription, validateSubscriptions } from "./alarm-subscriptions";
import { fenceAlarmSettings, FenceCoordinates } from "./dns-fence-coordinates";

/** One region's replication rule to its peer, as its regional stack exports it. */
export interface ReplicationSource {
    /** AWS region of the region's bucket (a plain value: it decides where topics are created). */
    readonly region: string;
    readonly bucketName: pulumi.Input<string>;
    readonly ruleId: pulumi.Input<string>;
}

/** Arguments of the dns stack's alarms. */
export interface DnsAlarmsArgs {
    /** The fence's coordinates (plain: the fence region decides where a topic is created). */
    readonly fence: FenceCoordinates;
    /** Each region's endpoint health check id (the TCP check, not the calculated one). */
    readonly endpointCheckIds: Readonly<Record<RegionName, pulumi.Input<string>>>;
    /** Each region's bucket and rule, when both regions' are known (regional stacks); absent: no replication alarms. Defaults to none. */
    readonly replication?: Readonly<Record<RegionName, ReplicationSource>>;
    /** Who is told, on every topic. Defaults to nobody (the topics still exist, to subscribe to by hand). */
    readonly subscriptions?: readonly AlarmSubscription[];
    /** ReplicationLatency above this many seconds alarms. Defaults to 900 (S3 RTC's 15 minutes). */
    readonly replicationLatencySeconds?: number;
}

/** The latency S3 Replication Time Control promises for 99.99 % of objects, in seconds. */
export const defaultReplicationLatencySeconds = 900;

/**
 * The dns stack's alarms, each in the region that holds its metric (./alarm-placement.ts), each
 * notifying the SNS topic of its own region: endpoint health in us-east-1, a fence being set in the
 * fence region, failed replication in the source bucket's region and replication latency in the
 * destination's. So when us-east-1 is down, the fence and the surviving region's replication
 * alarms still reach their subscribers; only the health-check alarms (whose metrics are in
 * us-east-1) fall silent.
 */
export class DnsAlarms extends pulumi.ComponentResource {
    /** The ARN of each region's topic, by AWS region. */
    public readonly topicArns: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: DnsAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:dns:DnsAlarms", name, {}, opts);
        const subscriptions = validateSubscriptions(args.subscriptions ?? [], "subscriptions");
        const latency = args.replicationLatencySeconds ?? defaultReplicationLatencySeconds;
        validateReplicationLatency(latency, "replicationLatencySeconds");
        const replicationRegions = args.replication === undefined ? {} : { primary: args.replication.primary.region, secondary: args.replication.secondary.region };
        const topics = new Map<string, aws.sns.Topic>();
        for (const region of alarmRegions({ fenceRegion: args.fence.region, replicationRegions })) {
            topics.set(region, this.createTopic(`${name}-${region}`, region, subscriptions));
        }
        const topicIn = (region: string) => (topics.get(region) as aws.sns.Topic).arn;
        for (const regionName of regionNames) {
            this.healthCheckAlarm(`${name}-${regionName}-endpoint`, regionName, args.endpointCheckIds[regionName], topicIn(route53MetricsRegion));
            this.fenceSetAlarm(`${name}-${regionName}-fence-set`, regionName, args.fence, topicIn(args.fence.region));
            if (args.replication !== undefined) {
                this.replicationAlarms(`${name}-${regionName}`, regionName, args.replication, latency, topicIn);
            }
        }
        this.topicArns = pulumi.all(Object.fromEntries([...topics].map(([region, topic]) => [region, topic.arn])));
        this.registerOutputs({ topicArns: this.topicArns });
    }

    /** A region's topic and one subscription per subscriber. */
    private createTopic(name: string, region: string, subscriptions: readonly AlarmSubscription[]): aws.sns.Topic {
        const topic = new aws.sns.Topic(`${name}-topic`, { region, displayName: "sftp-failover alarms" }, { parent: this });
        subscriptions.forEach((s, i) => {
            // An https endpoint often carries its token in the URL: kept secret in the state.
            const endpoint = s.protocol === "https" ? pulumi.secret(s.endpoint) : s.endpoint;
            new aws.sns.TopicSubscription(`${name}-subscription-${i}`, { region, topic: topic.arn, protocol: s.protocol, endpoint }, { parent: this });
        });
        return topic;
    }

    /** The endpoint check is unhealthy (Route 53 publishes 1 healthy, 0 unhealthy, every minute). */
    private healthCheckAlarm(name: string, regionName: RegionName, checkId: pulumi.Input<string>, topic: pulumi.Input<string>): void {
        new aws.cloudwatch.MetricAlarm(
            name,
            {
                region: route53MetricsRegion,
                alarmDescription: `The ${regionName} endpoint's Route 53 health check is unhealthy.`,
                namespace: "AWS/Route53",
                metricName: "HealthCheckStatus",
                dimensions: { HealthCheckId: checkId },
                statistic: "Minimum",
                period: 60,
                evaluationPeriods: 1,
                threshold: 1,
                comparisonOperator: "LessThanThreshold",
                // No data is no news: Route 53 always publishes, so a gap is CloudWatch's, not the endpoint's.
                treatMissingData: "missing",
                alarmActions: [topic],
                okActions: [topic],
            },
            { parent: this },
        );
    }

    /**
     * The region's fence is set: the fence alarm's own metric and threshold, in the fence region,
     * told both ways (set and lifted). A second alarm rather than actions on the fence alarm: the
     * fence alarm is what Route 53 reads, and notification must never be a reason to replace it.
     */
    private fenceSetAlarm(name: string, regionName: RegionName, fence: FenceCoordinates, topic: pulumi.Input<string>): void {
        const s = fenceAlarmSettings();
        new aws.cloudwatch.MetricAlarm(
            name,
            {
                region: fence.region,
                alarmDescription: `The ${regionName} region is fenced (out of DNS answers); OK when the fence is lifted.`,
                namespace: fence.namespace,
                metricName: fence.metricName,
                dimensions: { ...fence.dimensions[regionName] },
                statistic: s.statistic,
                period: s.period,
                evaluationPeriods: s.evaluationPeriods,
                datapointsToAlarm: s.datapointsToAlarm,
                threshold: s.threshold,
                comparisonOperator: s.comparisonOperator,
                treatMissingData: s.treatMissingData,
                alarmActions: [topic],
                okActions: [topic],
            },
            { parent: this },
        );
    }

    /** Failed operations (in the source's region) and latency (in the destination's) of the rule from `regionName` to its peer. */
    private replicationAlarms(name: string, regionName: RegionName, replication: Readonly<Record<RegionName, ReplicationSource>>, latencySeconds: number, topicIn: (region: string) => pulumi.Input<string>): void {
        const source = replication[regionName];
        const destination = replication[peerOf(regionName)];
        const dimensions = { SourceBucket: source.bucketName, DestinationBucket: destination.bucketName, RuleId: source.ruleId };
        const regionOf = (bucket: "source" | "destination") => (bucket === "source" ? source.region : destination.region);
        const failedRegion = regionOf(replicationMetricBucket.OperationsFailedReplication);
        new aws.cloudwatch.MetricAlarm(
            `${name}-replication-failed`,
            {
                region: failedRegion,
                alarmDescription: `Objects failed to replicate from the ${regionName} bucket to the ${peerOf(regionName)} bucket.`,
                namespace: "AWS/S3",
                metricName: "OperationsFailedReplication",
                dimensions,
                statistic: "Sum",
                period: 300,
                evaluationPeriods: 1,
                threshold: 0,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [topicIn(failedRegion)],
            },
            { parent: this },
        );
        const latencyRegion = regionOf(replicationMetricBucket.ReplicationLatency);
        new aws.cloudwatch.MetricAlarm(
            `${name}-replication-latency`,
            {
                region: latencyRegion,
                alarmDescription: `Replication from the ${regionName} bucket to the ${peerOf(regionName)} bucket is over ${latencySeconds} s behind.`,
                namespace: "AWS/S3",
                metricName: "ReplicationLatency",
                dimensions,
                statistic: "Maximum",
                period: 300,
                evaluationPeriods: 1,
                threshold: latencySeconds,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [topicIn(latencyRegion)],
                okActions: [topicIn(latencyRegion)],
            },
            { parent: this },
        );
    }
}

/** A latency threshold is a whole number of seconds, 1 to one day. */
export function validateReplicationLatency(seconds: number, label: string): number {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
        throw new Error(`${label} must be an integer of seconds 1–86400 (got ${String(seconds)})`);
    }
    return seconds;
}
