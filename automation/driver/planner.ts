// The step planner: pure. Given what is deployed and the posture wanted, it returns the ordered
// steps of a switch. The order is the safety argument of the whole driver:
//
//   1. every region that will take traffic is scaled to its posture capacity (serving region first)
//      BEFORE any DNS weight points clients at it — never send traffic to a pilot light;
//   2. the DNS weights switch, with an `up` of the dns stack alone;
//   3. only then is the other region scaled down — never drain the region clients are still using.
//
// A planned switch may also quiesce the region losing traffic before the DNS step (quiesce.ts).
//
// A step whose stack is already in the desired state is kept in the plan but marked `skip`, so a
// repeated switch is a fast no-op and the caller can still show the whole plan.
import { configKeys } from "../../stacks/contract";
import { QuiesceOptions, withUsersSteps } from "./quiesce";
import { CapacityMode, Posture, postureSpec, RegionName, regionNames, servingRegion, Weights } from "../../foundation/posture";

/** The three stacks a switch touches, by role. */
export type StackKey = RegionName | "dns";

/** Where a step sits relative to the DNS switch. */
export type StepPhase = "before-dns" | "dns" | "after-dns";

/** One config value a step sets before its `up`. `path` means the key addresses a field of an object value. */
export interface ConfigChange {
    readonly key: string;
    readonly value: string;
    readonly path?: boolean;
}

/** One step of a posture switch: set config on one stack, then `up` that stack only. */
export interface PlannedStep {
    /** Stable id within a switch (`before-dns:secondary`), used by the journal to resume. */
    readonly id: string;
    /** 1-based position in the plan. */
    readonly index: number;
    readonly phase: StepPhase;
    readonly stack: StackKey;
    /** The region a capacity step acts on (absent for the dns step). */
    readonly region?: RegionName;
    /** The value as deployed now (`undefined` when unknown, e.g. never deployed). */
    readonly from: string | undefined;
    /** The value after the step. */
    readonly to: string;
    readonly config: readonly ConfigChange[];
    /** True when the stack is already in the desired state: the step will not run. */
    readonly skip: boolean;
    /** One line for humans: "scale secondary pilot-light → active". */
    readonly description: string;
    /**
     * True on a step that scales down a region DNS no longer sends new clients to: a planned switch
     * first waits for that region's open sessions to end (drain.ts), since DNS moves only new ones.
     */
    readonly drainFirst?: boolean;
    /**
     * Set on a step that changes the region's users object (quiesce.ts): whether it makes them
     * read-only, and the longest time the gateways take to serve the change, which the switch waits.
     */
    readonly users?: { readonly readOnly: boolean; readonly reloadSeconds: number };
}

/** What is deployed now, as the stacks' outputs report it. Unknown parts are left out. */
export interface DeployedState {
    readonly capacity: Readonly<Partial<Record<RegionName, CapacityMode>>>;
    readonly dns?: { readonly posture?: Posture; readonly weights?: Weights };
    /** Regions whose users are quiesced (read-only); absent: not quiesced. */
    readonly quiesced?: Readonly<Partial<Record<RegionName, boolean>>>;
    /** How long each region's gateways take to serve a changed users object, in seconds. */
    readonly usersReloadSeconds?: Readonly<Partial<Record<RegionName, number>>>;
}

/** Options of a plan. */
export interface PlanOptions extends QuiesceOptions {
    /** The active-active split to deploy. Defaults to the dns stack's configured split (left unchanged). */
    readonly activeActiveWeights?: Weights;
}

/** The deployed state a posture leaves behind (used to plan from a posture rather than from outputs). */
export function stateOfPosture(posture: Posture, activeActiveWeights?: Weights): DeployedState {
    const spec = postureSpec(posture, activeActiveWeights);
    return { capacity: { ...spec.capacity }, dns: { posture, weights: spec.weights } };
}

function sameWeights(a: Weights | undefined, b: Weights): boolean {
    return a !== undefined && a.primary === b.primary && a.secondary === b.secondary;
}

function capacityStep(index: number, phase: StepPhase, region: RegionName, from: CapacityMode | undefined, to: CapacityMode): PlannedStep {
    return {
        id: `${phase}:${region}`,
        index,
        phase,
        stack: region,
        region,
        from,
        to,
        config: [{ key: configKeys.capacityMode, value: to }],
        skip: from === to,
        description: `scale ${region} ${from ?? "(not deployed)"} → ${to}`,
    };
}

function dnsStep(index: number, current: DeployedState, target: Posture, weights: Weights | undefined): PlannedStep {
    const spec = postureSpec(target, weights);
    const config: ConfigChange[] = [{ key: configKeys.posture, value: target }];
    if (target === "active-active" && weights !== undefined) {
        config.push(
            { key: `${configKeys.activeActiveWeights}.primary`, value: String(weights.primary), path: true },
            { key: `${configKeys.activeActiveWeights}.secondary`, value: String(weights.secondary), path: true },
        );
    }
    // Without an explicit split the configured one stays, so only the posture decides a skip.
    const weightsMatch = target !== "active-active" || weights === undefined || sameWeights(current.dns?.weights, spec.weights);
    const from = current.dns?.posture;
    const label = (p: string) => (p === "active-active" && weights !== undefined ? `${p} ${weights.primary}/${weights.secondary}` : p);
    return {
        id: "dns:dns",
        index,
        phase: "dns",
        stack: "dns",
        from,
        to: label(target),
        config,
        skip: from === target && weightsMatch,
        description: `switch DNS ${from ?? "(not deployed)"} → ${label(target)}`,
    };
}

/**
 * The ordered steps that take the deployed state to `target`.
 *
 * Regions that will take traffic (weight above 0) come first, the serving one before the other;
 * then the dns step; then the regions left without traffic. Steps already in the desired state are
 * present with `skip: true`.
 */
export function planSteps(current: DeployedState, target: Posture, opts: PlanOptions = {}): PlannedStep[] {
    const spec = postureSpec(target, opts.activeActiveWeights);
    const serving = servingRegion(spec);
    const ordered = [serving, ...regionNames.filter((r) => r !== serving)];
    const takesTraffic = ordered.filter((r) => spec.weights[r] > 0);
    const noTraffic = ordered.filter((r) => spec.weights[r] === 0);
    const steps: PlannedStep[] = [];
    for (const region of takesTraffic) {
        steps.push(capacityStep(steps.length + 1, "before-dns", region, current.capacity[region], spec.capacity[region]));
    }
    steps.push(dnsStep(steps.length + 1, current, target, opts.activeActiveWeights));
    for (const region of noTraffic) {
        steps.push({ ...capacityStep(steps.length + 1, "after-dns", region, current.capacity[region], spec.capacity[region]), drainFirst: true });
    }
    return withUsersSteps(steps, current, opts);
}

/** The steps of a switch between two postures, as if `from` were exactly deployed. */
export function planTransition(from: Posture, to: Posture, opts: PlanOptions = {}): PlannedStep[] {
    return planSteps(stateOfPosture(from, opts.activeActiveWeights), to, opts);
}

/** The steps that will actually run. */
export function pendingSteps(steps: readonly PlannedStep[]): PlannedStep[] {
    return steps.filter((s) => !s.skip);
}
