import * as fs from "node:fs";
import * as path from "node:path";
import { RegionName } from "../automation/posture";
import { FenceCoordinates } from "../components/dns-fence-coordinates";
import { FenceReading, RegionFenceClient } from "../automation/driver/fence-client";
import { ReplicationMetricsReader } from "../automation/driver/replication";

/** One fence datapoint as the sandbox keeps it: what PutMetricData would have published. */
export interface SandboxFenceDatapoint {
    readonly region: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Readonly<Record<string, string>>;
    readonly value: 0 | 1;
    readonly at: string;
}

function key(region: RegionName, c: FenceCoordinates): string {
    return JSON.stringify([c.region, c.namespace, c.metricName, c.dimensions[region]]);
}

function load(file: string): Record<string, SandboxFenceDatapoint> {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, SandboxFenceDatapoint>;
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
            return {};
        }
        throw err;
    }
}

/**
 * The fence of the sandbox: where automation/fence.ts would make one CloudWatch PutMetricData call,
 * this client records the datapoint in a file, so the drill and `--sandbox` runs of the CLI can
 * fence and unfence without any AWS endpoint. The real call is tested against moto server.
 */
export function sandboxFenceClient(stateFile: string): RegionFenceClient {
    const put = async (region: RegionName, coordinates: FenceCoordinates, value: 0 | 1): Promise<void> => {
        const all = load(stateFile);
        all[key(region, coordinates)] = {
            region: coordinates.region,
            namespace: coordinates.namespace,
            metricName: coordinates.metricName,
            dimensions: { ...coordinates.dimensions[region] },
            value,
            at: new Date().toISOString(),
        };
        // Written whole under a temporary name, then renamed: a reader never sees half a file. The
        // folder may not exist yet: an emergency fence can be the first thing run in a checkout,
        // and CloudWatch, which this stands in for, needs no local folder.
        fs.mkdirSync(path.dirname(stateFile), { recursive: true });
        fs.writeFileSync(`${stateFile}.tmp`, JSON.stringify(all, null, 2));
        fs.renameSync(`${stateFile}.tmp`, stateFile);
    };
    return {
        fence: (region, coordinates) => put(region, coordinates, 0),
        unfence: (region, coordinates) => put(region, coordinates, 1),
        async state(region, coordinates): Promise<FenceReading> {
            const point = load(stateFile)[key(region, coordinates)];
            // Never fenced: the fence alarm has no data, and its health check then answers
            // LastKnownStatus, which for a check that never failed is healthy (components/dns-fence.ts).
            if (point === undefined) {
                return "unfenced";
            }
            return point.value === 0 ? "fenced" : "unfenced";
        },
    };
}

/**
 * Replication metrics in the sandbox: there is no CloudWatch to read them from, so every read fails
 * with that reason — and failback refuses, as it must without proof that replication caught up
 * (the real read is tested against moto server). `--force` is the operator's way past it.
 */
export const sandboxReplicationMetrics: ReplicationMetricsReader = {
    async backlog() {
        throw new Error("the sandbox has no CloudWatch, so there are no replication metrics to read (give a CloudWatch endpoint, or force)");
    },
};
