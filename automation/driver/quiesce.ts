// The quiesce of a planned switch: before DNS moves, the region losing traffic gets its users
// read-only through its users object (components/sftp-users.ts `quiescedUsers`), so a client that
// still reaches it — a stale DNS answer, a script that reconnects — can log in and read but no longer
// write, and two-way replication has no second writer to settle. Sessions already open keep writing
// (the gateways apply a reloaded user at the next login); the drain after DNS waits for them.
//
// Pure: it adds steps to the planner's and says which it skipped. A quiesce step is an ordinary
// step (config, then an `up` of the region's stack alone), so the journal, the audit entry, resume
// and the failure policy treat it as they treat a scale. What undoes it is also a step: a region
// that takes traffic again gets `quiesced: false` with its scale-up, before DNS sends clients to it.
import { configKeys } from "../../stacks/contract";
import { defaultUsersRefreshSeconds, usersReloadSeconds } from "../../components/gateway-user-data";
import { RegionName } from "../../foundation/posture";
import type { DeployedState, PlannedStep } from "./planner";

/** What decides the quiesce of a switch. */
export interface QuiesceOptions {
    /** Quiesce the region losing traffic before DNS moves. Defaults to false. */
    readonly quiesce?: boolean;
    /** An unplanned switch never quiesces: the region is gone or must go now. Defaults to false. */
    readonly unplanned?: boolean;
}

/** The quiesce a plan shows for one region losing traffic. */
export interface PlannedQuiesce {
    readonly region: RegionName;
    /** Longest time until every gateway of the region serves the read-only list, in seconds. */
    readonly reloadSeconds: number;
    /** Why it will not quiesce (unplanned); absent when it will. */
    readonly skipped?: string;
}

/** Why an unplanned switch does not quiesce. */
export const unplannedQuiesceReason = "unplanned switch: the region losing traffic is gone or must go now, its users are left as they are";

/** The reload time of a region as its stack exports it; a stack deployed before it did has the default timer. */
export function reloadSecondsOf(current: DeployedState, region: RegionName): number {
    return current.usersReloadSeconds?.[region] ?? usersReloadSeconds(defaultUsersRefreshSeconds);
}

/**
 * The planner's steps with the users' changes added, re-indexed:
 *  - a region that takes traffic while quiesced gets `quiesced: false` with its step before DNS
 *    (that step runs even when its capacity is in place already);
 *  - with `quiesce` (and not unplanned), each region whose scale-down follows DNS gets a quiesce
 *    step just before the DNS step (skipped when it is quiesced already).
 * A step that changes the users carries `users`: the switch waits for the gateways' reload after it.
 */
export function withUsersSteps(steps: readonly PlannedStep[], current: DeployedState, opts: QuiesceOptions): PlannedStep[] {
    const lifted = steps.map((s) => (s.phase === "before-dns" && s.region !== undefined && current.quiesced?.[s.region] === true ? liftQuiesce(s, reloadSecondsOf(current, s.region)) : s));
    const quiesces = opts.quiesce === true && opts.unplanned !== true ? losingRegions(steps).map((region) => quiesceStep(region, current)) : [];
    const dnsAt = lifted.findIndex((s) => s.stack === "dns");
    const ordered = dnsAt < 0 ? [...lifted, ...quiesces] : [...lifted.slice(0, dnsAt), ...quiesces, ...lifted.slice(dnsAt)];
    return ordered.map((s, i) => ({ ...s, index: i + 1 }));
}

/** The quiesce a plan shows for each region losing traffic (none without `quiesce`). */
export function planQuiesces(steps: readonly PlannedStep[], current: DeployedState, opts: QuiesceOptions): PlannedQuiesce[] {
    if (opts.quiesce !== true) {
        return [];
    }
    return losingRegions(steps).map((region) => ({
        region,
        reloadSeconds: reloadSecondsOf(current, region),
        ...(opts.unplanned === true ? { skipped: unplannedQuiesceReason } : {}),
    }));
}

/** The quiesces a plan asked for and will not make (an unplanned switch's). */
export function skippedQuiesces(quiesces: readonly PlannedQuiesce[] | undefined): PlannedQuiesce[] {
    return (quiesces ?? []).filter((q) => q.skipped !== undefined);
}

/** One line for a quiesce a plan or a switch skipped. */
export function describeSkippedQuiesce(q: PlannedQuiesce): string {
    return `quiesce ${q.region}: skipped (${q.skipped ?? "not skipped"})`;
}

/** The longest reload a switch waits for before DNS moves (0 when no step changes the users). */
export function quiesceWaitSeconds(steps: readonly PlannedStep[]): number {
    return Math.max(0, ...steps.filter((s) => !s.skip && s.users !== undefined).map((s) => s.users!.reloadSeconds));
}

/** The regions whose scale-down, after DNS, is pending: the ones a planned switch drains. */
function losingRegions(steps: readonly PlannedStep[]): RegionName[] {
    return steps.filter((s) => s.drainFirst === true && !s.skip && s.region !== undefined).map((s) => s.region!);
}

function quiesceStep(region: RegionName, current: DeployedState): PlannedStep {
    const reloadSeconds = reloadSecondsOf(current, region);
    const already = current.quiesced?.[region] === true;
    return {
        id: `quiesce:${region}`,
        index: 0,
        phase: "before-dns",
        stack: region,
        region,
        from: already ? "read-only" : "writable",
        to: "read-only",
        config: [{ key: configKeys.quiesced, value: "true" }],
        skip: already,
        description: `quiesce ${region}: its users read-only, so new sessions cannot write (the gateways reload within ${reloadSeconds} s)`,
        users: { readOnly: true, reloadSeconds },
    };
}

function liftQuiesce(step: PlannedStep, reloadSeconds: number): PlannedStep {
    return {
        ...step,
        config: [...step.config, { key: configKeys.quiesced, value: "false" }],
        skip: false,
        description: `${step.description}; its users writable again (quiesced before; the gateways reload within ${reloadSeconds} s)`,
        users: { readOnly: false, reloadSeconds },
    };
}

/**
 * The step that undoes a quiesce this run made when the switch stops before DNS moved: the region
 * still serves, so its users must be writable again.
 */
export function undoQuiesceStep(quiesce: PlannedStep): PlannedStep {
    const region = quiesce.region!;
    return {
        ...quiesce,
        id: `unquiesce:${region}`,
        from: "read-only",
        to: "writable",
        config: [{ key: configKeys.quiesced, value: "false" }],
        skip: false,
        description: `lift the quiesce of ${region}: its users writable again (the switch stopped before DNS moved)`,
        users: { readOnly: false, reloadSeconds: quiesce.users?.reloadSeconds ?? usersReloadSeconds(defaultUsersRefreshSeconds) },
    };
}
