// Who Route 53 answers now, from the deployed weights, the fence states and (where known) each
// region's endpoint health, for `status`; and the fence's effect time in words. Pure. What a fence
// or unfence would change is predicted by answer-safety.ts, through the fence operation.
import { Route53Answer, route53Answer } from "../dns-answers";
import type { FenceReading } from "../answer-safety";
import { RegionName, regionNames, Weights } from "../../foundation/posture";

/** The inputs of Route 53's answer, as `status` knows them. */
export interface ServingInputs {
    readonly weights: Weights;
    readonly fence: Readonly<Record<RegionName, FenceReading>>;
    /** Each endpoint check's health where a source reports it; unknown counts as healthy. */
    readonly endpointHealthy?: Readonly<Partial<Record<RegionName, boolean>>>;
}

/** Route 53's answer under the current fences (an unknown fence or endpoint health counts as healthy). */
export function currentAnswer(inputs: ServingInputs): Route53Answer {
    const state = (r: RegionName) => ({
        weight: inputs.weights[r],
        fenced: inputs.fence[r] === "fenced",
        endpointHealthy: inputs.endpointHealthy?.[r] ?? true,
    });
    return route53Answer({ primary: state("primary"), secondary: state("secondary") });
}

/**
 * The fence's effect time in words, as an estimate with its parts (components/fence-timing.ts has
 * the figures under the deployed timings): the alarm's 60-s period closes, CloudWatch evaluates it,
 * Route 53's checks follow, and resolvers keep the old answer for the alias's 60-s TTL.
 */
export const fenceEffectTime =
    "an estimated 3–4 minutes (up to 60 s for the alarm's period to close — one period more for an unfence that had to wait for the next one —, about 60 s for CloudWatch to evaluate it, the health checks' interval × threshold, then the record's cache, 60 s for an alias)";

/** The regions `status` reports as serving: those Route 53 answers under the current fences. */
export function servingRegions(inputs: ServingInputs): readonly RegionName[] {
    return currentAnswer(inputs).answered.filter((r) => (regionNames as readonly string[]).includes(r));
}
