// How the driver fences a region: through the data-plane fence of the DNS layer (automation/fence.ts,
// one CloudWatch PutMetricData in the fence region). The driver depends only on this small
// interface, so tests and embedders can pass their own client.
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { FenceClientOptions, fenceRegion, fenceState, unfenceRegion } from "../fence";
import { RegionName } from "../posture";

export type { FenceClientOptions } from "../fence";

/** Fence state as read back from the fence metric and its alarm. */
export type FenceReading = "fenced" | "unfenced" | "unknown";

/** Fences and unfences a region. */
export interface RegionFenceClient {
    /** Takes the region's records out of DNS answers (data plane; no Route 53 API call). */
    fence(region: RegionName, coordinates: FenceCoordinates): Promise<void>;
    /** Lets the region's records back into DNS answers (subject to their endpoint health checks). */
    unfence(region: RegionName, coordinates: FenceCoordinates): Promise<void>;
    /** Reads the current fence state. Optional: without it `status()` reports `unknown`. */
    state?(region: RegionName, coordinates: FenceCoordinates): Promise<FenceReading>;
}

/** True when a value is a fence client rather than options for one. */
export function isFenceClient(value: RegionFenceClient | FenceClientOptions | undefined): value is RegionFenceClient {
    return value !== undefined && typeof (value as RegionFenceClient).fence === "function";
}

/** The default client: automation/fence.ts with the given CloudWatch settings. */
export function defaultFenceClient(options: FenceClientOptions = {}): RegionFenceClient {
    return {
        async fence(region, coordinates) {
            await fenceRegion(coordinates, region, options);
        },
        async unfence(region, coordinates) {
            await unfenceRegion(coordinates, region, options);
        },
        state: (region, coordinates) => fenceState(coordinates, region, options),
    };
}
