// How the driver fences a region: through the data-plane fence of the DNS layer (automation/fence/cloudwatch-fence.ts,
// CloudWatch in the fence region). The driver depends only on this small interface, so tests and
// embedders can pass their own client.
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import type { FenceReading } from "../answer-safety";
import { FenceClientOptions, fenceRegion, observeFence, unfenceRegion } from "./cloudwatch-fence";
import { RegionName } from "../../foundation/posture";

export type { FenceClientOptions } from "./cloudwatch-fence";
export type { FenceReading } from "../answer-safety";

/** A region's fence as its own store reports it: the state it settles on, and whether an alarm watches it. */
export interface FenceObservation {
    /** What the alarm settles on once the periods published so far have closed. */
    readonly state: FenceReading;
    /** Whether an alarm watches the metric: `absent` when the dns stack is not deployed (nothing to fence). */
    readonly alarm: "present" | "absent" | "unknown";
}

/** Fences and unfences a region. */
export interface RegionFenceClient {
    /** Takes the region's records out of DNS answers (data plane; no Route 53 API call). The last word wins within an alarm period. */
    fence(region: RegionName, coordinates: FenceCoordinates): Promise<void>;
    /** Lets the region's records back into DNS answers (subject to their endpoint health checks). The last word wins within an alarm period. */
    unfence(region: RegionName, coordinates: FenceCoordinates): Promise<void>;
    /** Reads the current fence state. Optional: without it `status()` reports `unknown`. */
    state?(region: RegionName, coordinates: FenceCoordinates): Promise<FenceReading>;
    /** Reads the fence and whether an alarm watches it. Optional: without it, `state` is read and the alarm is `unknown`. */
    read?(region: RegionName, coordinates: FenceCoordinates): Promise<FenceObservation>;
}

/** True when a value is a fence client rather than options for one. */
export function isFenceClient(value: RegionFenceClient | FenceClientOptions | undefined): value is RegionFenceClient {
    return value !== undefined && typeof (value as RegionFenceClient).fence === "function";
}

/** The default client: automation/fence/cloudwatch-fence.ts with the given CloudWatch settings. */
export function defaultFenceClient(options: FenceClientOptions = {}): RegionFenceClient {
    return {
        async fence(region, coordinates) {
            await fenceRegion(coordinates, region, options);
        },
        async unfence(region, coordinates) {
            await unfenceRegion(coordinates, region, options);
        },
        read: (region, coordinates) => observeFence(coordinates, region, options),
        state: async (region, coordinates) => (await observeFence(coordinates, region, options)).state,
    };
}

/**
 * A client's observation of one region: `read` when it has one, else `state` with the alarm
 * unknown. Rejects when the store cannot be read (the caller treats the reading as unknown).
 */
export async function observeWith(client: RegionFenceClient, region: RegionName, coordinates: FenceCoordinates): Promise<FenceObservation> {
    if (client.read !== undefined) {
        return client.read(region, coordinates);
    }
    if (client.state !== undefined) {
        return { state: await client.state(region, coordinates), alarm: "unknown" };
    }
    return { state: "unknown", alarm: "unknown" };
}
