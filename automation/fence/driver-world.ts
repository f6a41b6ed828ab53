// What the fence operation (automation/fence/operation.ts) needs, as the driver knows it from the
// deployed stacks read through the engine: where the fence lives, the deployed weights, each
// region's endpoint; and where its audit entry goes (the driver's coordination store). The
// controller's fence and unfence are these two adapters and the operation, nothing more.
import { FenceAuditSink, FenceRequest, FenceWorld, NothingToFenceError } from "./operation";
import { RegionName, regionNames } from "../../foundation/posture";
import { EndpointHealthSource, RegionEndpoint, typedRegionEndpointOf } from "../driver/endpoint-health";
import { RegionFenceClient } from "./client";
import { CoordinationStore } from "../driver/coordination/store";
import { deployedStateOf, ReadStatuses } from "../driver/stack-state";
import { FenceOptions } from "../driver/types";

/**
 * The fence operation's world from the deployed stacks.
 * @throws NothingToFenceError when the dns stack exports no fence (not deployed, or destroyed).
 */
export function fenceWorldOf(stacks: ReadStatuses, store: RegionFenceClient, health: EndpointHealthSource | undefined): FenceWorld {
    const coordinates = stacks.dns.typed.fence;
    if (coordinates === undefined) {
        throw new NothingToFenceError(`nothing to fence: stack ${stacks.dns.name} exports no fence coordinates (the dns stack is not deployed); nothing was changed`);
    }
    const weights = deployedStateOf(stacks).dns?.weights;
    return {
        coordinates,
        coordinatesFrom: `the deployed stack ${stacks.dns.name}`,
        store,
        ...(weights !== undefined ? { weights: { weights, from: `the deployed stack ${stacks.dns.name}` } } : {}),
        ...(health !== undefined ? { health } : {}),
        endpoints: regionEndpointsOf(stacks),
    };
}

/** Each region's endpoint as its regional stack exports it, with the dns stack's health checks for it (absent when not deployed). */
export function regionEndpointsOf(stacks: ReadStatuses): Partial<Record<RegionName, RegionEndpoint>> {
    const endpoints: Partial<Record<RegionName, RegionEndpoint>> = {};
    for (const region of regionNames) {
        const endpoint = typedRegionEndpointOf(region, stacks[region].typed, stacks.dns.typed);
        if (endpoint !== undefined) {
            endpoints[region] = endpoint;
        }
    }
    return endpoints;
}

/** The fence's audit entry goes to the coordination store, like every other operation's. */
export function storeAuditSink(store: Pick<CoordinationStore, "checkWritable" | "appendAudit">): FenceAuditSink {
    return { checkWritable: () => store.checkWritable(), append: (entry) => store.appendAudit(entry) };
}

/** The operation's request fields from the SDK's options. */
export function fenceRequestOf(opts: FenceOptions): Pick<FenceRequest, "reason" | "force"> {
    return { ...(opts.reason !== undefined ? { reason: opts.reason } : {}), ...(opts.force !== undefined ? { force: opts.force } : {}) };
}
