// The SDK's way into the sandbox: everything a FailoverController needs to run against the sandbox
// instead of AWS, built by the same backends as `--sandbox` (./cli-backends.ts). Product code takes
// these through its ordinary options and never names the sandbox (issue 22):
//
//     const controller = await FailoverController.create({ ...(await sandboxControllerOptions({ projectDir })), identity: "ops-bot" });
import * as path from "node:path";
import { awsCliBackends, CliBackendContext } from "../automation/cli/backends";
import { coordinationEnvVar } from "../automation/driver/coordination/env-var";
import { defaultBackendUrl } from "../automation/engine/environment";
import { resolveProjectDir } from "../automation/engine/locations";
import { BadInputError } from "../automation/driver/errors";
import type { FailoverControllerOptions } from "../automation/driver/types";
import { sandboxCliBackends, sandboxEndpointAddresses } from "./cli-backends";
import { sandboxStandIn } from "./engine";

/** Where the sandbox's controller acts; each as the controller's own option of that name. */
export interface SandboxControllerLocations {
    /** Folder holding Pulumi.yaml and the stack files. Defaults to the controller's rule (`resolveProjectDir`). */
    readonly projectDir?: string;
    /** State backend URL; the sandbox's world lies beside a file backend. Defaults to `file://<projectDir>/.pulumi-state`. */
    readonly backendUrl?: string;
    /** Folder of the journal; the sandbox's fence file lies in it. Defaults to `<projectDir>/.failover`. */
    readonly journalDir?: string;
    /** A CloudWatch emulator (moto) for the fence and replication metrics. Defaults to none: the fence file, and failback refuses. */
    readonly cloudWatchEndpoint?: string;
    /** Each region's SFTP server (the lab's sshd): the drain counts its established connections as open sessions. Defaults to none: the world's modelled count only. */
    readonly endpoints?: FailoverControllerOptions["endpoints"];
}

/** The controller options the sandbox answers. */
export type SandboxControllerOptions = Required<Pick<FailoverControllerOptions, "projectDir" | "backendUrl" | "standIn" | "fence" | "replicationMetrics" | "resolveEndpointName">> &
    Pick<FailoverControllerOptions, "endpointHealth" | "journalDir" | "onDemandQuota" | "openSessions">;

/**
 * The options that put a controller on the sandbox: its provider, its fence (a file beside the
 * journal), its endpoint health (the reachability model), its quota model (service-quotas.ts),
 * replication metrics that refuse, and
 * endpoint names that never go to DNS. Spread them into `FailoverController.create`.
 *
 * @throws BadInputError for a backend or `$SFTP_FAILOVER_COORDINATION` on AWS's S3 (no `endpoint=`).
 */
export async function sandboxControllerOptions(where: SandboxControllerLocations = {}): Promise<SandboxControllerOptions> {
    const projectDir = resolveProjectDir(where.projectDir);
    const backendUrl = where.backendUrl ?? defaultBackendUrl(projectDir);
    const journalDir = path.resolve(where.journalDir ?? path.join(projectDir, ".failover"));
    const ctx: CliBackendContext = { cloudWatchEndpoint: where.cloudWatchEndpoint, journalDir: () => journalDir, stateBackendUrl: () => backendUrl };
    const backends = sandboxCliBackends(awsCliBackends);
    // The CLI's refusal, in the SDK's error family.
    await backends.admit({ backend: backendUrl, coordination: process.env[coordinationEnvVar] }).catch((err: Error) => {
        throw new BadInputError(err.message, { cause: err });
    });
    const endpointHealth = await backends.endpointHealth(ctx);
    const openSessions = await backends.openSessions(ctx, where.endpoints ?? {});
    return {
        projectDir,
        backendUrl,
        ...(where.journalDir !== undefined ? { journalDir } : {}),
        standIn: sandboxStandIn,
        fence: await backends.fence(ctx),
        replicationMetrics: await backends.replicationMetrics(ctx),
        onDemandQuota: await backends.onDemandQuota(ctx),
        resolveEndpointName: sandboxEndpointAddresses,
        ...(endpointHealth !== undefined ? { endpointHealth } : {}),
        ...(openSessions !== undefined ? { openSessions } : {}),
    };
}
