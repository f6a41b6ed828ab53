import { EndpointHealth, EndpointHealthSource, RegionEndpoint } from "../automation/driver/endpoint-health";
import { currentFaults, faultSettings } from "./faults";
import { endpointReachability } from "./reachability";
import { World } from "./world";

/** Where the sandbox's endpoint health comes from. */
export interface SandboxEndpointHealthOptions {
    /** The shared world folder (SANDBOX_WORLD_DIR of the engine that deployed the stacks). */
    readonly worldDir: string;
    /** Environment holding the fault knobs (SANDBOX_FAULTS, SANDBOX_FAULT_FILE). Defaults to process.env. */
    readonly env?: NodeJS.ProcessEnv;
}

/** How a sandbox reading names where it came from. */
const sandboxSource = "sandbox reachability model";

/**
 * The sandbox's answer to "what does Route 53's endpoint check of this region report": the
 * reachability model (reachability.ts) over the shared world, with the faults in force now.
 */
export function sandboxEndpointHealth(options: SandboxEndpointHealthOptions): EndpointHealthSource {
    const world = new World(options.worldDir);
    return {
        name: sandboxSource,
        async endpointHealth(endpoint: RegionEndpoint): Promise<EndpointHealth> {
            const faults = currentFaults(faultSettings(options.env ?? process.env));
            const report = endpointReachability(world.list(), endpoint.dnsName, endpoint.port, faults);
            return { health: report.health, reasons: report.reasons, source: sandboxSource, observedAt: new Date().toISOString() };
        },
    };
}
