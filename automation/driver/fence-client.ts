// How the driver fences a region: through the data-plane fence of the DNS layer (automation/fence.ts,
// one CloudWatch PutMetricData in the fence region). The driver depends only on this small
// interface, so tests and embedders can pass their own client.
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { RegionName } from "../posture";

/** Fence state as read back from the fence metric. */
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

/** Settings of the default fence client (the AWS SDK's CloudWatch client). */
export interface FenceClientOptions {
    /** CloudWatch endpoint, e.g. a moto server. Defaults to AWS's endpoint for the fence region. */
    readonly endpoint?: string;
    /** Credentials. Defaults to the SDK's provider chain. */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** True when a value is a fence client rather than options for one. */
export function isFenceClient(value: RegionFenceClient | FenceClientOptions | undefined): value is RegionFenceClient {
    return value !== undefined && typeof (value as RegionFenceClient).fence === "function";
}

type FenceModule = {
    fence?: (...args: unknown[]) => Promise<unknown>;
    unfence?: (...args: unknown[]) => Promise<unknown>;
    fenceState?: (...args: unknown[]) => Promise<unknown>;
};

/**
 * The default client: automation/fence.ts. It is loaded when first used, so the driver's other
 * operations work (and its tests run) on a checkout where the fence module or its AWS SDK is absent.
 */
export function defaultFenceClient(options: FenceClientOptions = {}): RegionFenceClient {
    const load = (): FenceModule => {
        try {
            return require("../fence") as FenceModule;
        } catch (err) {
            throw new Error("the fence client (automation/fence.ts) is not available", { cause: err });
        }
    };
    const call = async (name: "fence" | "unfence", region: RegionName, coordinates: FenceCoordinates) => {
        const fn = load()[name];
        if (typeof fn !== "function") {
            throw new Error(`automation/fence.ts does not export ${name}()`);
        }
        await fn(coordinates, region, options);
    };
    return {
        fence: (region, coordinates) => call("fence", region, coordinates),
        unfence: (region, coordinates) => call("unfence", region, coordinates),
        async state(region, coordinates) {
            const fn = load().fenceState;
            if (typeof fn !== "function") {
                return "unknown";
            }
            const value = await fn(coordinates, region, options);
            return value === "fenced" || value === "unfenced" ? value : "unknown";
        },
    };
}
