// The dns stack's fence alarms, put into moto's CloudWatch as the stack would create them: a test of
// the real CloudWatch calls needs them, since a fence where no alarm watches is refused as "nothing
// to fence". moto stores alarms but does not evaluate them.
import { CloudWatchClient, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { FenceCoordinates, fenceAlarmSettings } from "../../components/dns-fence-coordinates";
import { RegionName, regionNames } from "../../foundation/posture";
import { motoCredentials } from "./moto";

/** Puts one fence alarm per region (named `<prefix>-<region>-fence-alarm`) where the coordinates say. */
export async function putFenceAlarms(endpoint: string, coordinates: FenceCoordinates, regions: readonly RegionName[] = regionNames, prefix = "sftp"): Promise<void> {
    const settings = fenceAlarmSettings();
    const client = new CloudWatchClient({ endpoint, region: coordinates.region, credentials: motoCredentials });
    try {
        for (const region of regions) {
            await client.send(
                new PutMetricAlarmCommand({
                    AlarmName: `${prefix}-${region}-fence-alarm`,
                    Namespace: coordinates.namespace,
                    MetricName: coordinates.metricName,
                    Dimensions: Object.entries(coordinates.dimensions[region]).map(([Name, Value]) => ({ Name, Value })),
                    Statistic: settings.statistic,
                    Period: settings.period,
                    EvaluationPeriods: settings.evaluationPeriods,
                    DatapointsToAlarm: settings.datapointsToAlarm,
                    Threshold: settings.threshold,
                    ComparisonOperator: settings.comparisonOperator,
                    TreatMissingData: settings.treatMissingData,
                }),
            );
        }
    } finally {
        client.destroy();
    }
}
