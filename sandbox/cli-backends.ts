// The sandbox's implementation of the CLI's backends (automation/cli/backends.ts), loaded by the
// executable entry (automation/cli/bin.ts) only when `--sandbox` is given, and behind the SDK's
// `sandboxControllerOptions` (./controller-options.ts). Nothing here reaches AWS: what the sandbox
// cannot answer from its own world is refused in one line (test/engine/sandbox-offline.test.ts).
//
// Without a CloudWatch endpoint there is no AWS to publish a fence to or read metrics from, so the
// fence is recorded in a file beside the journal and replication metrics refuse to be read (failback
// then refuses, as it must without proof). Given an endpoint (a moto server), the fence and the
// metrics are AWS's own calls against it. Endpoint health always comes from the sandbox's
// reachability model: it is what Route 53 would report about the world the sandbox provider built.
// The sandbox's load balancers have names that exist in no DNS, so an endpoint name never goes to
// a resolver; the sandbox keeps no objects, so `reconcile` needs an S3 endpoint (moto); and state
// or a coordination store on S3 needs an emulator's `endpoint=`.
import * as path from "node:path";
import type { CliBackends } from "../automation/cli/backends";
import { UsageError } from "../automation/cli/errors";
import type { OnDemandQuotaReader } from "../automation/standby-quota";
import { sandboxStandIn, sandboxWorldDir } from "./engine";

/** The one line `reconcile --sandbox` answers without an S3 endpoint. */
export const reconcileUnavailable = "reconcile is not available in the sandbox without --s3-endpoint (the sandbox keeps no objects; point it at an S3 emulator such as moto)";

/** What the sandbox answers for an endpoint name: it has no address anywhere, and asking DNS would leave the sandbox. */
export async function sandboxEndpointAddresses(name: string): Promise<string[]> {
    throw new Error(`${name} is a sandbox load balancer with no address: give the region's SFTP endpoint (--sftp-endpoint region=host:port, or the controller's endpoints)`);
}

/** With no world to read (a backend other than a folder), the quota is unknown. */
const unreadableQuota: OnDemandQuotaReader = {
    name: "sandbox quota model",
    read: async () => ({ problem: "the sandbox keeps its quota model beside a file backend only" }),
};

/** The sandbox's backends; `aws` answers wherever a CloudWatch endpoint stands in for AWS. */
export function sandboxCliBackends(aws: CliBackends): CliBackends {
    return {
        async admit(locations) {
            // Pulumi's S3 backend and the coordination store both take an emulator as `endpoint=`.
            for (const [flag, url] of [["--backend", locations.backend], ["--coordination", locations.coordination]] as const) {
                if (url !== undefined && url.startsWith("s3://") && !new URL(url).searchParams.has("endpoint")) {
                    throw new UsageError(`${flag} ${url} is AWS's S3, which the sandbox never reaches: name an S3 emulator with endpoint=host:port, or use a folder`);
                }
            }
        },
        async standIn() {
            return sandboxStandIn;
        },
        async fence(ctx) {
            if (ctx.cloudWatchEndpoint !== undefined) {
                return aws.fence(ctx);
            }
            const { sandboxFenceClient } = await import("./fence");
            // The world says whether the dns stack's alarms exist (after a destroy, nothing is fenced).
            let worldDir: string | undefined;
            try {
                worldDir = sandboxWorldDir(ctx.stateBackendUrl());
            } catch {
                // No project, so no backend to find a world beside: whether an alarm exists is unknown.
            }
            return sandboxFenceClient(path.join(ctx.journalDir(), "sandbox-fence.json"), worldDir !== undefined ? { worldDir } : {});
        },
        async endpointHealth(ctx) {
            // The world is kept beside a file backend only; with another backend there is none to read.
            const worldDir = sandboxWorldDir(ctx.stateBackendUrl());
            if (worldDir === undefined) {
                return undefined;
            }
            const { sandboxEndpointHealth } = await import("./endpoint-health");
            return sandboxEndpointHealth({ worldDir });
        },
        async openSessions(ctx, endpoints) {
            // The lab's sessions, or the world's modelled count; an emulator's CloudWatch never sees the lab's sessions.
            const { sandboxOpenSessions } = await import("./open-sessions");
            const worldDir = sandboxWorldDir(ctx.stateBackendUrl());
            return sandboxOpenSessions({ ...(worldDir !== undefined ? { worldDir } : {}), endpoints });
        },
        async replicationMetrics(ctx) {
            if (ctx.cloudWatchEndpoint !== undefined) {
                return aws.replicationMetrics(ctx);
            }
            const { sandboxReplicationMetrics } = await import("./fence");
            return sandboxReplicationMetrics;
        },
        async onDemandQuota(ctx) {
            // The world's quota model, whatever the endpoints: the quota belongs to the world the provider built.
            const { sandboxOnDemandQuota } = await import("./service-quotas");
            const worldDir = sandboxWorldDir(ctx.stateBackendUrl());
            return worldDir !== undefined ? sandboxOnDemandQuota(worldDir) : unreadableQuota;
        },
        async resolveEndpointName() {
            return sandboxEndpointAddresses;
        },
        async s3Endpoint(given) {
            if (given === undefined) {
                throw new UsageError(reconcileUnavailable);
            }
            return aws.s3Endpoint(given);
        },
    };
}
