// What a posture switch does to Route 53's answer, predicted before any step runs, and whether
// the switch may go on. The prediction itself is answer-safety.ts's (Route 53's rules over the
// world as read); this module says what a switch reads and what it changes:
//
//   before: the deployed weights, each region's fence as the fence client reads it, and each
//           region's endpoint check as the controller's `endpointHealth` source reports it — no
//           source, or one that cannot be read, is `unknown`, never healthy;
//   after:  the target weights; a region the switch drains counts as unhealthy (no instances
//           answer the check); a region it brings up out of `drained` counts as healthy, because
//           the gate before DNS verifies it over SFTP first and stops the switch if it fails
//           (with the gate skipped, `unknown`). Fences are as read: a switch sets none.
//
// The decision: `harmful` refuses unless forced with a reason; `unknown` needs the caller's
// acceptance (an explicit option or a confirm callback); `safe` goes on.
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { AnswerInputs, AnswerPrediction, describeCases, FenceReading, HealthReading, predictAnswerChange } from "../answer-safety";
import { CapacityMode, defaultActiveActiveWeights, Posture, postureSpec, RegionName, regionNames, validateWeights, Weights } from "../../foundation/posture";
import { configKeys } from "../../stacks/contract";
import { EndpointHealthSource, readEndpointHealthOf, TypedEndpointHealthOutputs } from "./endpoint-health";
import { AnswerSafetyError } from "./errors";
import { RegionFenceClient } from "../fence/client";
import { deployedStateOf, ReadStatuses } from "./stack-state";

/** What the switch reads of the world before it predicts. */
export interface SwitchWorldRead {
    readonly fence: Readonly<Record<RegionName, FenceReading>>;
    readonly endpoint: Readonly<Record<RegionName, HealthReading>>;
}

/** How the caller answers a prediction that depends on readings that are unknown. */
export type AcceptUnknownHealth = boolean | ((prediction: AnswerPrediction) => Promise<boolean>);

/**
 * Reads each region's fence and endpoint health. A fence client without `state`, a fence that
 * cannot be read, no health source, or a health reading that fails: `unknown`. A dns stack that
 * exports no fence coordinates has no fence to be in: `unfenced`.
 */
export async function readSwitchWorld(opts: {
    readonly fence: RegionFenceClient;
    readonly coordinates: FenceCoordinates | undefined;
    readonly endpointHealth: EndpointHealthSource | undefined;
    readonly outputs: TypedEndpointHealthOutputs;
}): Promise<SwitchWorldRead> {
    const fence: Record<RegionName, FenceReading> = { primary: "unknown", secondary: "unknown" };
    const endpoint: Record<RegionName, HealthReading> = { primary: "unknown", secondary: "unknown" };
    for (const region of regionNames) {
        if (opts.coordinates === undefined) {
            fence[region] = "unfenced";
        } else if (opts.fence.state !== undefined) {
            fence[region] = await opts.fence.state(region, opts.coordinates).catch(() => "unknown" as const);
        }
    }
    if (opts.endpointHealth !== undefined) {
        const read = await readEndpointHealthOf(opts.endpointHealth, opts.outputs);
        for (const region of regionNames) {
            endpoint[region] = read.regions[region].health;
        }
    }
    return { fence, endpoint };
}

/**
 * The weights a switch to `target` deploys: the explicit split, else (active-active) the split
 * configured on the dns stack, else the posture's.
 */
export function switchTargetWeights(target: Posture, explicit: Weights | undefined, dnsConfig: Readonly<Record<string, string>>): Weights {
    if (target !== "active-active") {
        return postureSpec(target).weights;
    }
    return explicit ?? configuredSplit(dnsConfig[configKeys.activeActiveWeights]) ?? defaultActiveActiveWeights;
}

function configuredSplit(value: string | undefined): Weights | undefined {
    if (value === undefined) {
        return undefined;
    }
    try {
        return validateWeights(JSON.parse(value) as Weights);
    } catch {
        // The preflight has already refused a split the programs would refuse; anything else here is
        // not a split at all, and the posture's default is what the program would deploy.
        return undefined;
    }
}

/** The answer inputs before and after a switch (see the top of this file). */
export function switchAnswerInputs(opts: {
    readonly world: SwitchWorldRead;
    readonly weightsNow: Weights;
    readonly weightsAfter: Weights;
    readonly capacityNow: Readonly<Partial<Record<RegionName, CapacityMode>>>;
    readonly capacityAfter: Readonly<Record<RegionName, CapacityMode>>;
    readonly skipVerify: boolean;
}): { before: AnswerInputs; after: AnswerInputs } {
    // Only what the switch changes differs from the reading: a region drained before and after
    // keeps whatever its check says now.
    const after = {} as Record<RegionName, HealthReading>;
    for (const region of regionNames) {
        const drainedNow = opts.capacityNow[region] === "drained";
        const drainedAfter = opts.capacityAfter[region] === "drained";
        if (drainedAfter && !drainedNow) {
            after[region] = "unhealthy";
        } else if (drainedNow && !drainedAfter) {
            after[region] = opts.skipVerify ? "unknown" : "healthy";
        } else {
            after[region] = opts.world.endpoint[region];
        }
    }
    return {
        before: { weights: opts.weightsNow, endpoint: opts.world.endpoint, fence: opts.world.fence },
        after: { weights: opts.weightsAfter, endpoint: after, fence: opts.world.fence },
    };
}

/**
 * Reads the world and predicts what switching the deployed stacks to `target` does to the answer.
 * Undefined when the dns stack has no deployed weights: nothing is answered yet to predict from.
 */
export async function predictSwitchAnswer(opts: {
    readonly stacks: ReadStatuses;
    readonly target: Posture;
    readonly targetWeights: Weights;
    readonly fence: RegionFenceClient;
    readonly endpointHealth: EndpointHealthSource | undefined;
    readonly skipVerify: boolean;
}): Promise<AnswerPrediction | undefined> {
    const deployed = deployedStateOf(opts.stacks);
    const weightsNow = deployed.dns?.weights;
    if (weightsNow === undefined) {
        return undefined;
    }
    const world = await readSwitchWorld({
        fence: opts.fence,
        coordinates: opts.stacks.dns.typed.fence,
        endpointHealth: opts.endpointHealth,
        outputs: { primary: opts.stacks.primary.typed, secondary: opts.stacks.secondary.typed },
    });
    const inputs = switchAnswerInputs({
        world,
        weightsNow,
        weightsAfter: opts.targetWeights,
        capacityNow: deployed.capacity,
        capacityAfter: postureSpec(opts.target, opts.target === "active-active" ? opts.targetWeights : undefined).capacity,
        skipVerify: opts.skipVerify,
    });
    return predictAnswerChange(inputs.before, inputs.after);
}

/**
 * A switch's answer check under its lock: predicts, reports the prediction (`onProgress`), and
 * decides. Nothing to predict from (no deployed weights): no answer, and the switch goes on.
 *
 * @throws AnswerSafetyError as {@link decideOnAnswer}.
 */
export async function checkSwitchAnswer(
    opts: Parameters<typeof predictSwitchAnswer>[0] &
        Parameters<typeof decideOnAnswer>[1] & { readonly onProgress?: (event: { readonly type: "answer"; readonly prediction: AnswerPrediction }) => void },
): Promise<{ readonly answer?: AnswerPrediction; readonly forced?: string }> {
    const answer = await predictSwitchAnswer(opts);
    if (answer === undefined) {
        return {};
    }
    opts.onProgress?.({ type: "answer", prediction: answer });
    const { forced } = await decideOnAnswer(answer, opts);
    return { answer, ...(forced !== undefined ? { forced } : {}) };
}

/** What the decision let through: `forced` names the harm the caller overrode. */
export interface AnswerDecision {
    readonly forced?: string;
}

/**
 * Decides whether a switch may go on after its prediction.
 *
 * @throws AnswerSafetyError (a BadInputError: nothing has changed) when the prediction is harmful
 *   and not forced with a reason, or unknown and not accepted.
 */
export async function decideOnAnswer(
    prediction: AnswerPrediction,
    opts: { readonly force?: boolean; readonly reason?: string; readonly acceptUnknownHealth?: AcceptUnknownHealth },
): Promise<AnswerDecision> {
    if (prediction.verdict === "harmful") {
        if (opts.force !== true) {
            throw new AnswerSafetyError(`refused: ${prediction.harm ?? prediction.summary} (force with a reason to switch anyway)`, prediction);
        }
        if (opts.reason === undefined || opts.reason.trim() === "") {
            throw new AnswerSafetyError(`refused: forcing a switch that harms clients needs a reason (${prediction.harm ?? prediction.summary})`, prediction);
        }
        return { forced: prediction.harm ?? prediction.summary };
    }
    if (prediction.verdict === "unknown") {
        const accept = opts.acceptUnknownHealth;
        const accepted = typeof accept === "function" ? await accept(prediction) : accept === true;
        if (!accepted) {
            throw new AnswerSafetyError(
                `refused: ${prediction.summary}; accept the unknown health to switch anyway (CLI: answer the prompt or --yes; SDK: acceptUnknownHealth) — ${describeCases(prediction).join("; ")}`,
                prediction,
            );
        }
    }
    return {};
}
