// The drain before a planned scale-down: DNS moves only new connections, so a region losing its
// traffic still carries the SFTP sessions opened before the switch. Before its capacity goes, the
// switch waits here until the region's open sessions end, bounded by the drain timeout.
//
// The wait is a pure loop: the reading (CloudWatch's ActiveFlowCount on AWS,
// automation/aws/active-flows.ts; the lab's count in the sandbox), the clock and the sleep are
// injected, so tests drive it without time passing. A reading that cannot be made is `unknown`,
// never zero: the loop keeps asking until the timeout and then says it could not tell, it does not
// claim the region drained.
import { RegionName } from "../../foundation/posture";
import { AbortedError } from "./errors";
import { PlannedStep } from "./planner";

/** One reading of a region's open sessions. */
export type OpenSessionsReading =
    | { readonly known: true; readonly sessions: number; readonly source: string }
    | { readonly known: false; readonly reason: string; readonly source: string };

/** Reads one region's open sessions. Must not throw for an unreadable metric: answer `known: false`. */
export type OpenSessionsReader = (region: RegionName, signal?: AbortSignal) => Promise<OpenSessionsReading>;

/**
 * Where the drain reads open sessions: CloudWatch on AWS (open-sessions.ts), the lab's count in the
 * sandbox (sandbox/open-sessions.ts). `pollSeconds` is how often a new reading can say something new.
 */
export interface OpenSessionsSource {
    readonly name: string;
    readonly pollSeconds: number;
    readonly read: OpenSessionsReader;
}

/** The drain options of a switch and of its plan. */
export interface DrainSwitchOptions {
    /** Longest wait for a region's open sessions to end before its scale-down, in seconds (0–3600). Defaults to 300; 0 does not wait. */
    readonly drainTimeoutSeconds?: number;
    /** What to do when sessions are still open (or unknown) at the timeout. Defaults to `scale-down`, reporting them. */
    readonly drainTimeoutAction?: DrainTimeoutAction;
    /**
     * The switch is unplanned: the region losing traffic is unreachable or must go now, so no drain
     * (the plan and the result say so). Defaults to false. A region fenced during the run is skipped too.
     */
    readonly unplanned?: boolean;
    /**
     * Quiesce the region losing traffic before DNS moves: its users read-only, so new sessions there
     * cannot write (quiesce.ts); undone when the region serves again, or when the switch stops
     * before DNS moved. An unplanned switch skips it. Defaults to false.
     */
    readonly quiesce?: boolean;
}

/** The drain a plan shows before one scale-down step. */
export interface PlannedDrain {
    readonly stepId: string;
    readonly region: RegionName;
    readonly timeoutSeconds: number;
    readonly action: DrainTimeoutAction;
    /** Why it will not wait (unplanned, timeout 0); absent when it will. */
    readonly skipped?: string;
}

/**
 * How long a switch takes to move clients, in two parts: new connections move with DNS (the
 * dns stack's TTL and health-check model), existing sessions end at most at the drain timeout.
 */
export interface RtoSplit {
    /** Seconds until new connections reach the new region (the dns stack's modelled RTO; absent when it exports none). */
    readonly newConnectionsSeconds?: number;
    /** Longest wait for existing sessions to end; 0 when no drain waits. */
    readonly existingSessionsSeconds: number;
    /** Longest wait, before DNS moves, for the gateways to reload a changed users list (quiesce.ts); absent when none changes. */
    readonly usersReloadSeconds?: number;
}

/** The drain options with their defaults applied; throws one line naming the bad option. */
export function resolveDrainOptions(opts: DrainSwitchOptions): Required<DrainSwitchOptions> {
    const timeout = opts.drainTimeoutSeconds ?? defaultDrainTimeoutSeconds;
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > maxDrainTimeoutSeconds) {
        throw new Error(`drainTimeoutSeconds must be whole seconds 0–${maxDrainTimeoutSeconds} (got ${String(opts.drainTimeoutSeconds)})`);
    }
    const action = opts.drainTimeoutAction ?? "scale-down";
    if (!drainTimeoutActions.includes(action)) {
        throw new Error(`drainTimeoutAction must be one of ${drainTimeoutActions.join(", ")} (got ${JSON.stringify(action)})`);
    }
    if (opts.quiesce !== undefined && typeof opts.quiesce !== "boolean") {
        throw new Error(`quiesce must be true or false (got ${JSON.stringify(opts.quiesce)})`);
    }
    return { drainTimeoutSeconds: timeout, drainTimeoutAction: action, unplanned: opts.unplanned ?? false, quiesce: opts.quiesce ?? false };
}

/** The drains a switch of these steps will run, in order (only before pending scale-down steps). */
export function planDrains(steps: readonly PlannedStep[], opts: Required<DrainSwitchOptions>): PlannedDrain[] {
    return steps
        .filter((s) => s.drainFirst === true && !s.skip && s.region !== undefined)
        .map((s) => {
            const skipped = opts.unplanned ? unplannedReason : opts.drainTimeoutSeconds === 0 ? "drain timeout 0" : undefined;
            return { stepId: s.id, region: s.region!, timeoutSeconds: opts.drainTimeoutSeconds, action: opts.drainTimeoutAction, ...(skipped !== undefined ? { skipped } : {}) };
        });
}

/** The RTO of a switch split into its DNS part and its drain part (and the users' reload before DNS, when a step changes them). */
export function rtoSplit(drains: readonly PlannedDrain[], modelledDnsSeconds: number | undefined, usersReloadSeconds = 0): RtoSplit {
    const waits = drains.filter((d) => d.skipped === undefined).map((d) => d.timeoutSeconds);
    return {
        ...(modelledDnsSeconds !== undefined ? { newConnectionsSeconds: modelledDnsSeconds } : {}),
        existingSessionsSeconds: waits.length > 0 ? Math.max(...waits) : 0,
        ...(usersReloadSeconds > 0 ? { usersReloadSeconds } : {}),
    };
}

/** Why an unplanned switch does not drain. */
export const unplannedReason = "unplanned switch: the region losing traffic is gone or must go now, its sessions are not waited for";

/** Elastic Load Balancing's longest deregistration delay; the drain, which it follows, takes the same bound. */
export const maxDrainTimeoutSeconds = 3600;

/** What the drain did before a scale-down, for the result, the journal and the audit entry. */
export interface DrainOutcome {
    readonly region: RegionName;
    /**
     * drained: the last reading counted no open session; timed-out: sessions were still open when the
     * timeout came; unknown: no reading could be made by then; skipped: no wait (timeout 0, or an
     * unplanned switch whose losing region is gone).
     */
    readonly outcome: "drained" | "timed-out" | "unknown" | "skipped";
    /** The sessions the last known reading counted (absent when none was known). */
    readonly openSessions?: number;
    /** Seconds waited, whole. */
    readonly waitedSeconds: number;
    /** Why it skipped, why it is unknown, or what was still open; one line. */
    readonly detail: string;
    /** Where the reading came from (`cloudwatch:AWS/NetworkELB ActiveFlowCount net/…`). */
    readonly source?: string;
}

/** What to do when the drain times out or cannot tell: scale down anyway, or stop the switch before the scale-down. */
export type DrainTimeoutAction = "scale-down" | "stop";

export const drainTimeoutActions: readonly DrainTimeoutAction[] = ["scale-down", "stop"];

/** The drain timeout when none is given: five minutes, long enough for most transfers to finish. */
export const defaultDrainTimeoutSeconds = 300;

/** How often the loop reads. CloudWatch publishes ActiveFlowCount each minute; the sandbox at once. */
export const defaultDrainPollSeconds = 15;

/** What {@link waitForDrain} needs. */
export interface DrainWaitOptions {
    readonly region: RegionName;
    readonly read: OpenSessionsReader;
    readonly timeoutSeconds: number;
    readonly pollSeconds?: number;
    /** Milliseconds since an epoch. Defaults to Date.now. */
    readonly now?: () => number;
    /** Waits `ms`, or rejects when `signal` fires. Defaults to a timer. */
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    readonly signal?: AbortSignal;
}

/**
 * Waits until `read` counts no open session in the region, at most `timeoutSeconds`. Reads at least
 * once (a timeout of 0 means no wait at all: `skipped`). Bounded: it stops at the timeout whatever
 * the readings say.
 *
 * @throws AbortedError when `signal` fires.
 */
export async function waitForDrain(opts: DrainWaitOptions): Promise<DrainOutcome> {
    const { region, read, timeoutSeconds, signal } = opts;
    if (timeoutSeconds <= 0) {
        return { region, outcome: "skipped", waitedSeconds: 0, detail: "drain timeout 0: open sessions were not waited for" };
    }
    const now = opts.now ?? Date.now;
    const sleep = opts.sleep ?? abortableSleep;
    const pollMs = Math.max(1, (opts.pollSeconds ?? defaultDrainPollSeconds) * 1000);
    const started = now();
    const deadline = started + timeoutSeconds * 1000;
    const waited = () => Math.round((now() - started) / 1000);
    let lastKnown: Extract<OpenSessionsReading, { known: true }> | undefined;
    let lastUnknown: Extract<OpenSessionsReading, { known: false }> | undefined;
    // Bounded by the deadline; the count guards against a clock that never moves.
    const maxReads = Math.ceil((timeoutSeconds * 1000) / pollMs) + 1;
    for (let reads = 0; reads < maxReads; reads++) {
        throwIfAborted(signal);
        const reading = await read(region, signal);
        throwIfAborted(signal);
        if (reading.known) {
            lastKnown = reading;
            lastUnknown = undefined;
            if (reading.sessions <= 0) {
                return { region, outcome: "drained", openSessions: 0, waitedSeconds: waited(), detail: `no open session in ${region}`, source: reading.source };
            }
        } else {
            lastUnknown = reading;
        }
        const left = deadline - now();
        if (left <= 0) {
            break;
        }
        await sleep(Math.min(pollMs, left), signal).catch((err: unknown) => {
            throw signal?.aborted === true ? new AbortedError("aborted while draining", { cause: err }) : err;
        });
    }
    if (lastUnknown !== undefined || lastKnown === undefined) {
        const why = lastUnknown?.reason ?? "no reading";
        return { region, outcome: "unknown", waitedSeconds: waited(), detail: `open sessions in ${region} unknown after ${waited()} s: ${why}`, ...(lastUnknown !== undefined ? { source: lastUnknown.source } : {}) };
    }
    return {
        region,
        outcome: "timed-out",
        openSessions: lastKnown.sessions,
        waitedSeconds: waited(),
        detail: `${lastKnown.sessions} session(s) still open in ${region} after ${waited()} s`,
        source: lastKnown.source,
    };
}

/** A drain that did not run because the switch is unplanned: the losing region is gone or must go now. */
export function skippedDrain(region: RegionName, why: string): DrainOutcome {
    return { region, outcome: "skipped", waitedSeconds: 0, detail: `drain skipped: ${why}` };
}

/** Whether the outcome leaves sessions that may be cut (or may be: unknown). */
export function drainLeftSessions(outcome: DrainOutcome): boolean {
    return outcome.outcome === "timed-out" || outcome.outcome === "unknown";
}

/** One line for humans and the audit log. */
export function describeDrain(outcome: DrainOutcome): string {
    return `drain ${outcome.region}: ${outcome.outcome} (${outcome.detail})`;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted === true) {
        throw new AbortedError("aborted while draining");
    }
}

/** Waits `ms`, or rejects with AbortedError when `signal` fires. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(done, ms);
        function done() {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }
        function onAbort() {
            clearTimeout(timer);
            reject(new AbortedError("aborted while draining"));
        }
        if (signal?.aborted === true) {
            onAbort();
            return;
        }
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}
