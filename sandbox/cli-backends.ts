// The sandbox's implementation of the CLI's backends (automation/cli/backends.ts), loaded by the
// executable entry (automation/cli/bin.ts) only when `--sandbox` is given.
//
// Without a CloudWatch endpoint there is no AWS to publish a fence to or read metrics from, so the
// fence is recorded in a file beside the journal and replication metrics refuse to be read (failback
// then refuses, as it must without proof). Given an endpoint (a moto server), the fence and the
// metrics are AWS's own calls against it. Endpoint health always comes from the sandbox's
// reachability model: it is what Route 53 would report about the world the sandbox provider built.
import * as path from "node:path";
import type { CliBackends } from "../automation/cli/backends";
import { sandboxWorldDir } from "../automation/engine/environment";

/** The sandbox's backends; `aws` answers wherever a CloudWatch endpoint stands in for AWS. */
export function sandboxCliBackends(aws: CliBackends): CliBackends {
    return {
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
        async replicationMetrics(ctx) {
            if (ctx.cloudWatchEndpoint !== undefined) {
                return aws.replicationMetrics(ctx);
            }
            const { sandboxReplicationMetrics } = await import("./fence");
            return sandboxReplicationMetrics;
        },
    };
}
