// What a switch does when a step fails: pure decisions, beside the planner, tested without an engine.
//
// A failover tool must never cause the outage it exists to prevent. So a failed step leads to a
// fence ONLY when the failure is the region's (its API unreachable, or the step timing out), and
// never when the program or its config failed, or the engine was killed: those stop the switch
// where it stands, with the steps done so far listed, and fence nothing.
import { Posture, postureSpec, RegionName, regionNames, servingRegion, Weights } from "../../foundation/posture";
import { PlannedStep, StepPhase } from "./planner";

/** Why a step failed, as far as the driver can act on it. */
export type FailureClass = "unreachable" | "program";

/**
 * Texts that mean "the region did not answer" — never a problem with the program or its input:
 *  - the sandbox's injected faults ("sandbox: region us-east-1 is unreachable (fault injected)");
 *  - the AWS provider's transport errors: pulumi-aws (via aws-sdk-go-v2) reports "send request
 *    failed", "dial tcp …: i/o timeout", "connection refused", "no such host",
 *    "context deadline exceeded", and "RequestTimeout"/"RequestError" codes;
 *  - a step that ran past its timeout (StepTimeoutError, matched by name in classifyFailure).
 */
const unreachablePatterns: readonly RegExp[] = [
    /\bregion [a-z]{2}(-[a-z]+)+-\d+ is unreachable\b/,
    /\bsend request failed\b/i,
    /\bdial tcp\b/i,
    /\bi\/o timeout\b/i,
    /\bconnection (refused|reset by peer)\b/i,
    /\bno such host\b/i,
    /\bcontext deadline exceeded\b/i,
    /\bRequestTimeout\b/,
    /\bRequestError\b/,
    /\bEndpointConnectionError\b/,
    /\bnetwork is unreachable\b/i,
];

/** Classifies a failed step's error by its name and text. Anything not recognisably the region's is the program's. */
export function classifyFailure(err: unknown): FailureClass {
    if (err instanceof Error && err.name === "StepTimeoutError") {
        return "unreachable";
    }
    const text = err instanceof Error ? err.message : String(err);
    return unreachablePatterns.some((p) => p.test(text)) ? "unreachable" : "program";
}

/** What the switch does after a step failed. */
export type FailureDecision =
    /** Stop here; fence nothing. `regionMustServe`: the failed step was the scale-up of the region that must take traffic. */
    | { readonly action: "stop"; readonly regionMustServe?: RegionName }
    /** Fence these regions (possibly none left to fence), leave the step for later and go on. */
    | { readonly action: "fence-and-continue"; readonly fence: readonly RegionName[] };

/** The switch a failure happened in. */
export interface SwitchContext {
    readonly target: Posture;
    readonly activeActiveWeights?: Weights;
    /** The weights deployed before the switch (undefined when unknown). */
    readonly currentWeights?: Weights;
}

/**
 * Which region to fence, and whether the switch may go on, after `step` failed with `failure`.
 *
 * - A program failure stops the switch and fences nothing.
 * - The region that must serve cannot be scaled up: stop before DNS moves anything towards it.
 * - Another capacity step: fence its region (its API is unreachable, so Route 53's health checks,
 *   moved by the fence metric through the data plane, take it out of answers) and go on.
 * - The DNS step: fence the regions the switch takes traffic away from; with none, stop.
 */
export function decideOnFailure(step: Pick<PlannedStep, "region" | "phase">, failure: FailureClass, ctx: SwitchContext): FailureDecision {
    if (failure === "program") {
        return { action: "stop" };
    }
    const spec = postureSpec(ctx.target, ctx.activeActiveWeights);
    if (step.region !== undefined) {
        if (step.phase === "before-dns" && step.region === servingRegion(spec)) {
            return { action: "stop", regionMustServe: step.region };
        }
        return { action: "fence-and-continue", fence: [step.region] };
    }
    const losing = regionNames.filter((r) => ctx.currentWeights !== undefined && ctx.currentWeights[r] > 0 && spec.weights[r] === 0);
    return losing.length > 0 ? { action: "fence-and-continue", fence: losing } : { action: "stop" };
}

/** Where the switch stands when a later step is about to run. */
export interface Progress {
    /** The DNS step ran and succeeded, or was already in place. */
    readonly dnsSwitched: boolean;
    /** Regions fenced so far in this switch. */
    readonly fenced: readonly RegionName[];
}

/**
 * Whether a step may run now. A region is drained only once clients have left it: after the DNS
 * step switched, or when the region is fenced (its records out of answers). If the DNS switch
 * failed and its fence failed too, draining would take away the capacity clients are still sent to.
 */
export function mayRun(step: { readonly phase: StepPhase; readonly region?: RegionName }, progress: Progress): boolean {
    if (step.phase !== "after-dns" || step.region === undefined) {
        return true;
    }
    return progress.dnsSwitched || progress.fenced.includes(step.region);
}
