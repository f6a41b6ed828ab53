// The default source of a region's open sessions: CloudWatch's ActiveFlowCount of the load
// balancer the region's stack exports (automation/aws/active-flows.ts), read in the region's own
// AWS region. A region whose stack exports no dimension (deployed before it was) reads as unknown.
import { readActiveFlows } from "../aws/active-flows";
import { RegionalOutputs } from "../../stacks/contract";
import { RegionName } from "../../foundation/posture";
import { defaultDrainPollSeconds, OpenSessionsSource } from "./drain";
import type { CloudWatchSettings } from "./replication";

/** CloudWatch's open-sessions source over the regional stacks' outputs as read by the switch. */
export function cloudWatchOpenSessions(outputs: Readonly<Record<RegionName, Partial<RegionalOutputs>>>, settings: CloudWatchSettings = {}): OpenSessionsSource {
    return {
        name: "cloudwatch AWS/NetworkELB ActiveFlowCount",
        pollSeconds: defaultDrainPollSeconds,
        async read(region, signal) {
            const regional = outputs[region];
            if (regional.loadBalancerMetricDimension === undefined || regional.region === undefined) {
                return { known: false, reason: `the ${region} stack exports no loadBalancerMetricDimension (deploy it again to export one)`, source: "regional stack outputs" };
            }
            return readActiveFlows(
                { awsRegion: regional.region, loadBalancer: regional.loadBalancerMetricDimension },
                { ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}), ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}), ...(signal !== undefined ? { signal } : {}) },
            );
        },
    };
}
