// The fence operation: the one home of every rule a fence or an unfence obeys, whichever path calls
// it — the emergency path (automation/fence/emergency.ts, no engine), `fence --from-stack` and the
// SDK's FailoverController.fence/unfence (the deployed stacks through the engine). Each path only
// says where the fence lives, which weights and endpoints it knows, and how to audit.
//
// The rules, in the order they are checked:
//   1. the region is known, and the reason and identity hold no control characters (the audit log
//      stores data; a newline could forge a row of `history`);
//   2. both fences are read from the fence's OWN store (CloudWatch in the fence region, or the
//      sandbox's model of it) — never from a cache. A read that fails makes the reading `unknown`,
//      never `unfenced`;
//   3. no alarm watches the metric (the dns stack was destroyed): there is nothing to fence;
//   4. never fence both regions: with every record unhealthy Route 53 answers all of them, so the
//      fence would silently do nothing;
//   5. the answer is predicted (answer-safety.ts) from the weights, the fences and the endpoint
//      health as read: `harmful` is refused unless forced with a reason (audited as forced);
//      `unknown` needs the operator's yes; a fence that moves clients is asked for too.
// Publishing writes one audit entry, with one run id, whether the call succeeded or failed.
//
// Planning and applying are separate so the CLI can ask in between (library code never prompts).
// No Pulumi and no AWS SDK here: the emergency path loads this module.
import { newRunId } from "../run-id";
import * as os from "node:os";
import { peerOf } from "../../components/alarm-placement";
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { AnswerInputs, AnswerPrediction, describeCases, FenceReading, HealthReading, predictAnswerChange } from "../answer-safety";
import { AuditEntry, resolveIdentity } from "../driver/audit";
import type { EndpointHealthSource, RegionEndpoint } from "../driver/endpoint-health";
import { BadInputError, FailoverError } from "../driver/errors";
import { FenceObservation, observeWith, RegionFenceClient } from "./client";
import { escapeControl, hasControlChars } from "../driver/text";
import { RegionName, regionNames, Weights } from "../../foundation/posture";

/** Fence or unfence. */
export type FenceAction = "fence" | "unfence";

/** What the operator asks for. */
export interface FenceRequest {
    readonly region: string;
    readonly action: FenceAction;
    /** Why, for the audit log. Required with `force`. */
    readonly reason?: string;
    /** Who, for the audit log. Defaults to the OS user. */
    readonly identity?: string;
    /** Publish even when the predicted answer harms clients (needs a reason; audited as forced). */
    readonly force?: boolean;
}

/** Where the fence lives and what is known about the world around it. */
export interface FenceWorld {
    readonly coordinates: FenceCoordinates;
    /** Where the coordinates came from, in words (`the deployed dns stack`, `the fence cache (3 min old)`). */
    readonly coordinatesFrom: string;
    /** The fence's own store: reads and publishes. */
    readonly store: RegionFenceClient;
    /** The weights Route 53 answers by, and where they came from; absent when unknown. */
    readonly weights?: { readonly weights: Weights; readonly from: string };
    /** Where endpoint health is read; absent: every endpoint is unknown. */
    readonly health?: EndpointHealthSource;
    /** Each region's endpoint, for the health source. */
    readonly endpoints?: Readonly<Partial<Record<RegionName, RegionEndpoint>>>;
}

/** What a fence is about to do, for the operator (or the SDK's caller) to confirm. */
export interface FencePlan {
    readonly region: RegionName;
    readonly action: FenceAction;
    readonly reason?: string;
    readonly identity: string;
    readonly coordinates: FenceCoordinates;
    readonly coordinatesFrom: string;
    /** Both fences and endpoints as read now. */
    readonly readings: { readonly fence: Readonly<Record<RegionName, FenceReading>>; readonly endpoint: Readonly<Record<RegionName, HealthReading>> };
    /** Route 53's answer before and after; absent when no weights are known. */
    readonly prediction?: AnswerPrediction;
    /** The harm the operator forced past, when forced. */
    readonly forced?: string;
    /** Whether the answer changes (undefined when unknown). */
    readonly movesClients?: boolean;
    /** Why the operator must confirm (a reading unknown, clients moved); empty when the plan may simply go. */
    readonly confirm: readonly string[];
    /** One line: the predicted answer (or why it cannot be predicted). */
    readonly summary: string;
    /** Each case of the prediction, one line each, when a reading is unknown. */
    readonly cases: readonly string[];
    /** Things to read before confirming (a failed read, a stale source). */
    readonly warnings: readonly string[];
}

/** What was published. */
export interface FenceOutcome {
    readonly region: RegionName;
    readonly state: "fenced" | "unfenced";
    /** Always true: a read never decides to skip a write (the last word must win). */
    readonly changed: true;
    readonly coordinates: FenceCoordinates;
    readonly runId: string;
    /** The harm forced past, when forced. */
    readonly forced?: string;
}

/** Where the audit entry goes: the driver's coordination store, or the journal folder's file. */
export interface FenceAuditSink {
    /** Throws when an entry could not be written; called before anything is published. */
    checkWritable(): Promise<void>;
    append(entry: AuditEntry): Promise<void>;
}

/** The fence would harm clients (the prediction's harm in one line). Nothing was changed. */
export class HarmfulFenceError extends BadInputError {
    constructor(message: string) {
        super(message);
        this.name = "HarmfulFenceError";
    }
}

/** No alarm watches the fence metric: the dns stack is not deployed, so there is nothing to fence. */
export class NothingToFenceError extends BadInputError {
    constructor(message: string) {
        super(message);
        this.name = "NothingToFenceError";
    }
}

/** A reading is unknown (or the fence moves clients) and the caller did not confirm. Nothing was changed. */
export class FenceNotConfirmedError extends BadInputError {
    constructor(message: string) {
        super(message);
        this.name = "FenceNotConfirmedError";
    }
}

/** The region named, or BadInputError. */
export function parseFenceRegion(region: string): RegionName {
    if (!(regionNames as readonly string[]).includes(region)) {
        throw new BadInputError(`unknown region "${escapeControl(region)}" (valid: ${regionNames.join(", ")})`);
    }
    return region as RegionName;
}

/**
 * Refuses control characters in the text a user gives: the audit log stores data, and a newline or
 * an escape sequence in it could forge a row of `history` or drive a terminal.
 */
export function checkFenceText(request: Pick<FenceRequest, "reason" | "identity">): void {
    for (const [label, value] of [["reason", request.reason], ["identity", request.identity]] as const) {
        if (value !== undefined && hasControlChars(value)) {
            throw new BadInputError(`${label} must not contain control characters such as newlines or escapes (got "${escapeControl(value)}")`);
        }
    }
}

/**
 * Reads both fences and endpoints, applies the rules and predicts the answer.
 *
 * @throws BadInputError for an unknown region, control characters, `force` without a reason, or
 *   fencing the last unfenced region; NothingToFenceError when no alarm watches the metric;
 *   HarmfulFenceError when the prediction harms clients and the request is not forced. Nothing is changed.
 */
export async function planFence(request: FenceRequest, world: FenceWorld): Promise<FencePlan> {
    const region = parseFenceRegion(request.region);
    checkFenceText(request);
    if (request.force === true && (request.reason === undefined || request.reason.trim() === "")) {
        throw new BadInputError("--force needs --reason: a forced fence is audited with why; nothing was changed");
    }
    const warnings: string[] = [];
    const observed = await readFences(world, warnings);
    refuseNothingToFence(region, request.action, observed[region], world.coordinates);
    const fence = { primary: observed.primary.state, secondary: observed.secondary.state };
    const both = request.action === "fence" ? fencingBoth(region, fence[peerOf(region)], world.coordinates) : undefined;
    if (both !== undefined) {
        throw new BadInputError(`${both}; unfence ${peerOf(region)} first; nothing was changed`);
    }
    const endpoint = await readEndpoints(world, warnings);
    const base = { region, action: request.action, ...(request.reason !== undefined ? { reason: request.reason } : {}), identity: resolveIdentity(request.identity), coordinates: world.coordinates, coordinatesFrom: world.coordinatesFrom, readings: { fence, endpoint }, warnings };
    if (world.weights === undefined) {
        return {
            ...base,
            confirm: [`the weights are unknown, so the effect of ${request.action === "fence" ? "fencing" : "unfencing"} ${region} on who serves cannot be predicted`],
            summary: `${request.action === "fence" ? "fencing" : "unfencing"} ${region}: the effect on who serves is unknown (no cached or configured weights)`,
            cases: [],
        };
    }
    const before: AnswerInputs = { weights: world.weights.weights, endpoint, fence };
    const after: AnswerInputs = { ...before, fence: { ...fence, [region]: request.action === "fence" ? "fenced" : "unfenced" } };
    const prediction = predictAnswerChange(before, after);
    const summary = `${prediction.summary} (weights from ${world.weights.from})`;
    if (prediction.verdict === "harmful" && request.force !== true) {
        throw new HarmfulFenceError(`${request.action} ${region} refused: ${prediction.harm ?? "it harms clients"} (--force with --reason to do it anyway); nothing was changed`);
    }
    const forced = prediction.verdict === "harmful" ? prediction.harm : undefined;
    const moves = prediction.verdict === "unknown" ? undefined : prediction.cases[0].before.answered.join(",") !== prediction.cases[0].after.answered.join(",");
    const confirm = [
        ...(prediction.verdict === "unknown" ? [`${prediction.unknowns.join(" and ")} ${prediction.unknowns.length === 1 ? "is" : "are"} unknown`] : []),
        ...(request.action === "fence" && moves === true ? ["the fence moves clients"] : []),
        ...(forced !== undefined ? [`forced past: ${forced}`] : []),
    ];
    return {
        ...base,
        prediction,
        ...(forced !== undefined ? { forced } : {}),
        ...(moves !== undefined ? { movesClients: moves } : {}),
        confirm,
        summary,
        cases: prediction.verdict === "unknown" ? describeCases(prediction) : [],
    };
}

/**
 * Rule 4, for every path that fences (this operation and a switch's fence of a region it cannot
 * reach): why fencing `region` while its peer reads `peerFence` would fence both, or undefined. Only the fence's own store decides;
 * an `unknown` peer is not a fenced one.
 */
export function fencingBoth(region: RegionName, peerFence: FenceReading, coordinates: FenceCoordinates): string | undefined {
    const other = peerOf(region);
    return peerFence === "fenced"
        ? `${other} is fenced (read from ${describeStore(coordinates)}): fencing ${region} too would leave no healthy record, and Route 53 would answer both`
        : undefined;
}

/**
 * Refuses a plan that needs confirming when the caller did not confirm (the SDK's `yes`, the
 * CLI's --yes or its prompt answered yes).
 * @throws FenceNotConfirmedError naming why it needed confirming.
 */
export function requireConfirmed(plan: FencePlan, confirmed: boolean): void {
    if (plan.confirm.length > 0 && !confirmed) {
        throw new FenceNotConfirmedError(`${plan.action} ${plan.region} needs confirming (${plan.confirm.join("; ")}): ${plan.summary}; nothing was changed`);
    }
}

/**
 * Publishes the plan through the fence's store and writes one audit entry (ok or failed, forced
 * and why when forced).
 *
 * @throws whatever `audit.checkWritable` throws (nothing changed); FailoverError when the publish
 *   fails (cause: the store's error; the failure is audited).
 */
export async function applyFence(plan: FencePlan, store: RegionFenceClient, audit: FenceAuditSink, now: () => Date = () => new Date()): Promise<FenceOutcome> {
    await audit.checkWritable();
    const started = Date.now();
    const runId = newRunId(now());
    const record = (result: "ok" | "failed", error?: string) =>
        audit.append({
            at: now().toISOString(),
            identity: plan.identity,
            host: os.hostname(),
            operation: plan.action,
            ...(plan.reason !== undefined ? { reason: plan.reason } : {}),
            to: `${plan.region} ${plan.action}d`,
            result,
            runId,
            durationMs: Date.now() - started,
            ...(plan.forced !== undefined ? { forced: plan.forced } : {}),
            ...(error !== undefined ? { error } : {}),
        });
    try {
        await store[plan.action](plan.region, plan.coordinates);
    } catch (err) {
        await record("failed", (err as Error).message);
        throw new FailoverError(`${plan.action} ${plan.region} failed: ${(err as Error).message}`, { cause: err });
    }
    await record("ok");
    return { region: plan.region, state: plan.action === "fence" ? "fenced" : "unfenced", changed: true, coordinates: plan.coordinates, runId, ...(plan.forced !== undefined ? { forced: plan.forced } : {}) };
}

/** Both fences from the store; a failed read is `unknown` (with a warning), never `unfenced`. */
async function readFences(world: FenceWorld, warnings: string[]): Promise<Record<RegionName, FenceObservation>> {
    const one = async (region: RegionName): Promise<FenceObservation> => {
        try {
            return await observeWith(world.store, region, world.coordinates);
        } catch (err) {
            warnings.push(`the ${region} fence could not be read from ${describeStore(world.coordinates)} (${(err as Error).message}): it counts as unknown`);
            return { state: "unknown", alarm: "unknown" };
        }
    };
    const [primary, secondary] = await Promise.all([one("primary"), one("secondary")]);
    return { primary, secondary };
}

/** Each endpoint's health from the source; no source, no endpoint or a failed read is `unknown`. */
async function readEndpoints(world: FenceWorld, warnings: string[]): Promise<Record<RegionName, HealthReading>> {
    const one = async (region: RegionName): Promise<HealthReading> => {
        const endpoint = world.endpoints?.[region];
        if (world.health === undefined || endpoint === undefined) {
            return "unknown";
        }
        try {
            // The fences were read above; the related checks would read each fence alarm again.
            return (await world.health.endpointHealth(endpoint, { endpointOnly: true })).health;
        } catch (err) {
            warnings.push(`the ${region} endpoint's health could not be read (${(err as Error).message}): it counts as unknown`);
            return "unknown";
        }
    };
    const [primary, secondary] = await Promise.all([one("primary"), one("secondary")]);
    if (world.health === undefined) {
        warnings.push("no endpoint-health source: both endpoints count as unknown");
    } else if (world.endpoints === undefined) {
        warnings.push("the regional endpoints are unknown (no cached stack read): both endpoints count as unknown");
    }
    return { primary, secondary };
}

/** After the stacks are destroyed no alarm watches the metric: a datapoint there would fence nothing. */
function refuseNothingToFence(region: RegionName, action: FenceAction, observed: FenceObservation, coordinates: FenceCoordinates): void {
    if (observed.alarm === "absent") {
        throw new NothingToFenceError(
            `nothing to ${action}: no alarm watches the ${region} fence metric in ${describeStore(coordinates)} (is the dns stack deployed?); nothing was changed`,
        );
    }
}

function describeStore(c: FenceCoordinates): string {
    return `CloudWatch ${c.namespace}/${c.metricName} in ${c.region}`;
}
