// What `status` reports, assembled from what was read: pure, so every rule of the report (the
// serving region, Route 53's answer, a stale or corrupt lock, config a killed switch left behind)
// is tested without an engine. The reads themselves are status-read.ts's.
import { currentAnswer } from "../fence/effect";
import { FenceEffect } from "../../components/fence-timing";
import { RegionName, regionNames, servingRegion, Weights } from "../../foundation/posture";
import type { RpoExposure } from "../aws/rpo-exposure";
import type { StandbyQuota } from "../standby-quota";
import { undeployedConfig } from "./config-restore";
import { StoredLock } from "./coordination/store";
import { leaseExpired } from "./coordination/lease";
import { LockHolder } from "./errors";
import { firstUnfinishedStep, interruptedSteps, JournalRun } from "./journal";
import { StackKey } from "./planner";
import { stackFile } from "./preflight";
import { deployedPosture, deployedStateOf, isNotDeployed, publicStatus, ReadStatus, ReadStatuses, stackKeys } from "./stack-state";
import { FenceState, StatusResult } from "./types";
import { configKeys } from "../../stacks/contract";

/** Everything `status` read, as it read it. */
export interface StatusReading {
    readonly stacks: ReadStatuses;
    readonly names: Readonly<Record<StackKey, string>>;
    readonly fence: Readonly<Record<RegionName, FenceState>>;
    /** The driver's lock as read (an unreadable store reads as a corrupt lock). */
    readonly lock: StoredLock;
    /** Whether the lock's holder is provably gone (its lease ended, or its pid on this host). */
    readonly lockStale: boolean;
    /** Where the lock lives, for the message that says how to clear it. */
    readonly lockLocation: string;
    /** The unfinished switch in the journal, if any. */
    readonly unfinished?: JournalRun;
    readonly endpointHealth?: StatusResult["endpointHealth"];
    readonly rpoExposure?: RpoExposure;
    readonly standbyQuota?: StandbyQuota;
    /** When it was read (milliseconds), to say whether a lease has ended. */
    readonly now: number;
}

/** The region that takes traffic first under deployed weights (none read: none). */
export function servingUnder(weights: Weights | undefined): RegionName | undefined {
    return weights === undefined ? undefined : servingRegion({ weights });
}

/** The `status` report of what was read. */
export function statusOf(read: StatusReading): StatusResult {
    const { stacks, fence, unfinished } = read;
    const state = deployedStateOf(stacks);
    const posture = deployedPosture(stacks);
    const lock = read.lock.state === "held" ? read.lock.holder : undefined;
    const undeployed = unfinished !== undefined ? undeployedConfig(interruptedSteps(unfinished), stacks) : [];
    const notDeployed = stackKeys.filter((k) => isNotDeployed(stacks[k]));
    const weights = state.dns?.weights;
    const serving = servingUnder(weights);
    const configuredPosture = stacks.dns.config[configKeys.posture];
    const first = unfinished !== undefined ? firstUnfinishedStep(unfinished) : undefined;
    const quiesced = quiescedRegions(state.quiesced, weights, posture);
    return {
        // The public result keeps each stack's raw outputs, as it always has; the typed ones are the driver's own.
        stacks: { primary: publicStatus(stacks.primary), secondary: publicStatus(stacks.secondary), dns: publicStatus(stacks.dns) },
        ...(posture !== undefined ? { posture } : {}),
        ...(configuredPosture !== undefined ? { configuredPosture } : {}),
        ...(weights !== undefined && serving !== undefined ? { weights, serving } : {}),
        ...(weights !== undefined ? { answer: answerOf(weights, fence, read.endpointHealth) } : {}),
        capacity: state.capacity,
        ...(lock !== undefined ? { lock } : {}),
        ...(read.lock.state === "corrupt" ? { lockProblem: `${read.lockLocation} ${read.lock.problem}; if no switch is running, clear it with \`sftp-failover unlock\`` } : {}),
        ...(lock !== undefined && read.lockStale ? { lockProblem: `${staleWhy(lock, read.now)}; the next switch clears the lock` } : {}),
        fence,
        ...(read.endpointHealth !== undefined ? { endpointHealth: read.endpointHealth } : {}),
        ...(read.rpoExposure !== undefined ? { rpoExposure: read.rpoExposure } : {}),
        ...(read.standbyQuota !== undefined ? { standbyQuota: read.standbyQuota } : {}),
        ...fenceEffectOf(stacks.dns),
        ...(notDeployed.length > 0 ? { notDeployed } : {}),
        ...(quiesced.length > 0 ? { quiesced } : {}),
        ...(undeployed.length > 0 ? { undeployedConfig: undeployed.map((u) => ({ ...u, file: stackFile(read.names[u.stack]) })) } : {}),
        ...(unfinished !== undefined
            ? {
                  unfinished: {
                      runId: unfinished.begin.runId,
                      target: unfinished.begin.target,
                      identity: unfinished.begin.identity,
                      at: unfinished.begin.at,
                      ...(first !== undefined ? { firstUnfinishedStep: first } : {}),
                  },
              }
            : {}),
    };
}

/**
 * The quiesced regions and what lifts each: a region DNS still sends traffic to is lifted by
 * finishing the deployed posture (its planner adds the lift to the region's step); one that takes
 * none, by the switch that gives it traffic again.
 */
function quiescedRegions(quiesced: Partial<Record<RegionName, boolean>> | undefined, weights: Weights | undefined, posture: string | undefined): NonNullable<StatusResult["quiesced"]> {
    return regionNames
        .filter((region) => quiesced?.[region] === true)
        .map((region) => {
            const takesTraffic = weights === undefined || weights[region] > 0;
            const lift = takesTraffic && posture !== undefined ? `\`sftp-failover posture ${posture}\` lifts it` : `the switch that gives ${region} traffic lifts it`;
            return { region, takesTraffic, lift };
        });
}

/** Route 53's answer under the deployed weights, the fences and the modelled endpoint health. */
export function answerOf(weights: Weights, fence: Readonly<Record<RegionName, FenceState>>, endpointHealth: StatusResult["endpointHealth"]): NonNullable<StatusResult["answer"]> {
    const endpointHealthy: Partial<Record<RegionName, boolean>> = {};
    for (const region of regionNames) {
        const health = endpointHealth?.regions[region]?.health;
        if (health === "healthy" || health === "unhealthy") {
            endpointHealthy[region] = health === "healthy";
        }
    }
    const answer = currentAnswer({ weights, fence, endpointHealthy });
    return { answered: answer.answered, rule: answer.rule };
}

/** The dns stack's modelled fence effect times, when it exports them. */
export function fenceEffectOf(dns: ReadStatus<"dns">): { fenceEffectSeconds?: FenceEffect } {
    const fenceEffectSeconds = dns.typed.fenceEffectSeconds;
    return fenceEffectSeconds !== undefined ? { fenceEffectSeconds } : {};
}

/** Why `status` calls a lock stale: its lease ended, or (same host) its pid is gone. */
export function staleWhy(lock: LockHolder, now: number): string {
    return lock.expiresAt !== undefined && leaseExpired(lock, now)
        ? `the holder's lease (${lock.identity} on ${lock.host}) ended at ${lock.expiresAt}`
        : `the holder (pid ${lock.pid} on ${lock.host}) is gone`;
}
