// What `status` reads: the three stacks, both fences, the lock and the journal, the replication
// metrics of the serving region, the endpoint checks and the standby's quota. Nothing it cannot
// read is thrown (status is what an operator reads first): it reads as unknown, or is reported.
import { Deployment } from "@pulumi/pulumi/automation";
import { regionNames, RegionName } from "../../foundation/posture";
import type { ControllerContext } from "./controller-options";
import { StoredLock } from "./coordination/store";
import { isStale } from "./coordination/lease";
import { readEndpointHealthOf } from "./endpoint-health";
import { fenceCacheFromStatus } from "../fence/cache";
import { StackKey } from "./planner";
import { readRpoExposure } from "./rpo";
import { deployedWeights, fenceCoordinatesOf } from "./stack-state";
import { readStacks, rememberFence } from "./stack-reads";
import { readStandbyCapacity, standbyOf } from "./standby-capacity";
import { servingUnder, statusOf } from "./status";
import { runTask } from "./tasks";
import { FenceState, ReadOptions, StatusResult } from "./types";

/** `status`, from deployments the caller has begun to read (`check` shares them with parity). */
export async function readStatus(ctx: ControllerContext, opts: ReadOptions, states?: Record<StackKey, Promise<Deployment>>): Promise<StatusResult> {
    const stacks = await runTask(opts, "read the three stacks", () => readStacks(ctx, { lastUpdate: true, ...(states !== undefined ? { states } : {}) }));
    const coordinates = fenceCoordinatesOf(stacks.dns);
    const fence: Record<RegionName, FenceState> = { primary: "unknown", secondary: "unknown" };
    const readFence = ctx.fence.state?.bind(ctx.fence);
    if (coordinates !== undefined && readFence !== undefined) {
        await runTask(opts, "read the fences", async () => {
            for (const region of regionNames) {
                fence[region] = await readFence(region, coordinates).catch(() => "unknown" as const);
            }
        });
        rememberFence(ctx, fenceCacheFromStatus(coordinates, undefined, new Date(), fence));
    }
    // An unreachable store is reported, not thrown: status is what an operator reads first.
    const store = ctx.log.store;
    const [lock, unfinished] = await runTask(opts, `read the lock and journal (${store.location})`, () =>
        Promise.all([
            store.readLock().catch((err: Error): StoredLock => ({ state: "corrupt", problem: `cannot be read (${err.message})`, token: "" })),
            ctx.log.unfinishedRun(false).catch(() => undefined),
        ]),
    );
    const weights = deployedWeights(stacks);
    const serving = servingUnder(weights);
    const rpoExposure = serving === undefined ? undefined : await runTask(opts, "read the replication metrics", () => readRpoExposure(ctx.replication, ctx.thresholds, stacks, serving, opts.signal));
    const healthSource = ctx.endpointHealth;
    const endpointHealth =
        healthSource !== undefined
            ? await runTask(opts, "read the endpoint health checks", () => readEndpointHealthOf(healthSource, { primary: stacks.primary.typed, secondary: stacks.secondary.typed, dns: stacks.dns.typed }))
            : undefined;
    const { standbyQuota } = await readStandbyCapacity(stacks, standbyOf(weights), ctx.onDemandQuota);
    const now = Date.now();
    return statusOf({
        stacks,
        names: ctx.names,
        fence,
        lock,
        lockStale: lock.state === "held" && isStale(store, lock.holder, now),
        lockLocation: store.lockLocation,
        ...(unfinished !== undefined ? { unfinished } : {}),
        ...(endpointHealth !== undefined ? { endpointHealth } : {}),
        ...(rpoExposure !== undefined ? { rpoExposure } : {}),
        ...(standbyQuota !== undefined ? { standbyQuota } : {}),
        now,
    });
}
