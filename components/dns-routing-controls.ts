import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RegionName, regionNames } from "../foundation/posture";

/** Arguments of the optional ARC fence. */
export interface DnsRoutingControlsArgs {
    /** Milliseconds the safety rule waits before it evaluates a change. Defaults to 5000. */
    readonly safetyRuleWaitMs?: number;
}

/**
 * Route 53 Application Recovery Controller as a second fence: a cluster, a control panel, one
 * routing control per region, an "at least one region on" safety rule, and a RECOVERY_CONTROL
 * health check per region that follows its routing control.
 *
 * Off by default because the cluster is billed by the hour whether used or not (see docs/dns.md).
 * Its value over the CloudWatch fence: the cluster answers on five regional endpoints, so a switch
 * still works with a region down, and the safety rule refuses to turn every region off (with the
 * CloudWatch fence, fencing both regions makes Route 53 answer both by weight).
 * Routing controls start Off: turn them On (ARC data plane) before relying on them, or every
 * record is unhealthy and Route 53 falls back to answering all of them.
 */
export class DnsRoutingControls extends pulumi.ComponentResource {
    /** ARN of the ARC cluster (its endpoints serve UpdateRoutingControlState). */
    public readonly clusterArn: pulumi.Output<string>;
    /** ARN of the control panel holding the routing controls. */
    public readonly controlPanelArn: pulumi.Output<string>;
    /** ARN of each region's routing control. */
    public readonly routingControlArns: Record<RegionName, pulumi.Output<string>>;
    /** Id of each region's RECOVERY_CONTROL health check. */
    public readonly healthCheckIds: Record<RegionName, pulumi.Output<string>>;

    constructor(name: string, args: DnsRoutingControlsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:dns:DnsRoutingControls", name, {}, opts);
        const cluster = new aws.route53recoverycontrol.Cluster(`${name}-cluster`, {}, { parent: this });
        const panel = new aws.route53recoverycontrol.ControlPanel(`${name}-panel`, { clusterArn: cluster.arn }, { parent: this });
        const controls = Object.fromEntries(
            regionNames.map((regionName) => [
                regionName,
                new aws.route53recoverycontrol.RoutingControl(
                    `${name}-${regionName}`,
                    { clusterArn: cluster.arn, controlPanelArn: panel.arn },
                    { parent: this },
                ),
            ]),
        ) as Record<RegionName, aws.route53recoverycontrol.RoutingControl>;
        new aws.route53recoverycontrol.SafetyRule(
            `${name}-at-least-one-on`,
            {
                controlPanelArn: panel.arn,
                assertedControls: regionNames.map((r) => controls[r].arn),
                ruleConfig: { type: "ATLEAST", threshold: 1, inverted: false },
                waitPeriodMs: args.safetyRuleWaitMs ?? 5000,
            },
            { parent: this },
        );
        const checks = Object.fromEntries(
            regionNames.map((regionName) => [
                regionName,
                new aws.route53.HealthCheck(
                    `${name}-${regionName}-check`,
                    { type: "RECOVERY_CONTROL", routingControlArn: controls[regionName].arn, tags: { Name: `${name}-${regionName}-check`, Region: regionName } },
                    { parent: this },
                ),
            ]),
        ) as Record<RegionName, aws.route53.HealthCheck>;
        this.clusterArn = cluster.arn;
        this.controlPanelArn = panel.arn;
        this.routingControlArns = { primary: controls.primary.arn, secondary: controls.secondary.arn };
        this.healthCheckIds = { primary: checks.primary.id, secondary: checks.secondary.id };
        this.registerOutputs({
            clusterArn: this.clusterArn,
            controlPanelArn: this.controlPanelArn,
            routingControlArns: this.routingControlArns,
            healthCheckIds: this.healthCheckIds,
        });
    }
}
