// How the engine runs against the sandbox: the sandbox's `aws` plugin first on PATH, a fixed
// passphrase, and the variables its provider reads. Handed to product code as a ProviderStandIn
// (automation/engine/environment.ts), so automation/ never names the sandbox (issue 22).
import * as path from "node:path";
import { EngineEnvironment, engineEnvironment, EngineEnvironmentOptions, ProviderStandIn } from "../automation/engine/environment";
import { packageRoot } from "../automation/engine/locations";

/** The fixed passphrase of sandbox state. It protects nothing real: sandbox state never holds a real secret. */
export const sandboxPassphrase = "sandbox-passphrase-not-for-real-stacks";

/** Folder of the sandbox's `pulumi-resource-aws` executable: part of this package. */
export function sandboxBinDir(): string {
    return path.join(packageRoot(), "sandbox", "bin");
}

/**
 * Where the sandbox keeps its shared world (what every stack's provider created, so one stack's
 * provider can refuse what AWS would refuse given another stack's resources): next to a file
 * backend's state, as the cloud that state describes. Undefined for other backends (then the
 * sandbox has no shared world unless SANDBOX_WORLD_DIR is given).
 */
export function sandboxWorldDir(backendUrl: string): string | undefined {
    return backendUrl.startsWith("file://") ? path.join(backendUrl.slice("file://".length), ".sandbox-world") : undefined;
}

/** The sandbox as the engine's stand-in for AWS's provider. */
export const sandboxStandIn: ProviderStandIn = {
    get pluginDir() {
        return sandboxBinDir();
    },
    passphrase: sandboxPassphrase,
    envFor(backendUrl) {
        const worldDir = sandboxWorldDir(backendUrl);
        return { SFTP_FAILOVER_SANDBOX: "1", ...(worldDir !== undefined ? { SANDBOX_WORLD_DIR: worldDir } : {}) };
    },
};

/** An engine environment on the sandbox's provider (see engineEnvironment for the options). */
export function sandboxEngineEnvironment(opts: Omit<EngineEnvironmentOptions, "standIn"> = {}): EngineEnvironment {
    return engineEnvironment({ ...opts, standIn: sandboxStandIn });
}
