// Whether an action is safe for the clients, judged from the world as it is read: each region's
// endpoint health and fence, with `unknown` a value of its own, never a default of "healthy".
//
// Every action that changes what Route 53 answers (a posture switch, failover, failback, fence,
// unfence) is predicted here before it runs, through Route 53's own rules (dns-answers.ts). Two
// outcomes harm clients and are refused unless forced:
//   - a region whose endpoint is known to be unhealthy gets a larger share of the answers than it
//     has now (fencing the only healthy region makes Route 53 fail open onto the dead one);
//   - no region would be answered that is not known to be unhealthy, where one is now.
// When a reading is unknown (us-east-1's APIs down, a fence that cannot be read), every
// combination of the unknowns is predicted, so the operator sees the answer in each case and
// decides; the emergency fence must still work when nothing can be read.
//
// Pure: no AWS, no engine. The driver, the emergency fence and the CLI call it.
import { Route53Answer, route53Answer } from "./dns-answers";
import { RegionName, regionNames, Weights } from "../foundation/posture";

/** An endpoint check's health as read; `unknown` when it could not be read. */
export type HealthReading = "healthy" | "unhealthy" | "unknown";

/** A fence as read; `unknown` when it could not be read. */
export type FenceReading = "fenced" | "unfenced" | "unknown";

/** What decides Route 53's answer, as read from the world (or as an action will leave it). */
export interface AnswerInputs {
    readonly weights: Weights;
    readonly endpoint: Readonly<Record<RegionName, HealthReading>>;
    readonly fence: Readonly<Record<RegionName, FenceReading>>;
}

/** One combination of the unknown readings, and the answers before and after under it. */
export interface AnswerCase {
    /** What was assumed for each unknown reading, e.g. `["primary endpoint unhealthy"]`; empty when nothing was unknown. */
    readonly assumed: readonly string[];
    readonly before: Route53Answer;
    readonly after: Route53Answer;
    /** Why this case harms clients; undefined when it does not. */
    readonly harm?: string;
}

/**
 * The verdict on an action:
 * - `safe`: every reading is known and no client is sent towards a known-unhealthy region;
 * - `harmful`: every reading is known and the action harms clients (refuse unless forced);
 * - `unknown`: some reading is unknown; `cases` holds the answer under each combination.
 */
export type AnswerVerdict = "safe" | "harmful" | "unknown";

/** The prediction of one action. */
export interface AnswerPrediction {
    readonly verdict: AnswerVerdict;
    /** One case per combination of unknown readings (one case when all are known). */
    readonly cases: readonly AnswerCase[];
    /** The readings that were unknown, e.g. `["secondary endpoint"]`. */
    readonly unknowns: readonly string[];
    /** The harm, when `harmful` (or, when `unknown`, of the first harmful case). */
    readonly harm?: string;
    /** One line: the answer now and after, or the number of cases that harm clients. */
    readonly summary: string;
}

type Variable = { readonly region: RegionName; readonly kind: "endpoint" | "fence" };

/**
 * Predicts what an action does to Route 53's answer. `before` is the world as read; `after` is the
 * same world with the action applied (new weights, a fence set, a region drained to unhealthy).
 * The same assumption about an unknown reading holds before and after: the action does not
 * change what cannot be read.
 */
export function predictAnswerChange(before: AnswerInputs, after: AnswerInputs): AnswerPrediction {
    const variables = unknownVariables(before, after);
    const cases = assignments(variables).map((assignment) => {
        const b = resolve(before, assignment);
        const a = resolve(after, assignment);
        const beforeAnswer = answerOf(b);
        const afterAnswer = answerOf(a);
        const harm = harmOf(beforeAnswer, afterAnswer, b, a);
        return { assumed: describeAssignment(assignment), before: beforeAnswer, after: afterAnswer, ...(harm !== undefined ? { harm } : {}) };
    });
    const unknowns = variables.map((v) => `${v.region} ${v.kind}`);
    const harmful = cases.filter((c) => c.harm !== undefined);
    const verdict: AnswerVerdict = variables.length > 0 ? "unknown" : harmful.length > 0 ? "harmful" : "safe";
    const summary =
        variables.length === 0
            ? `Route 53 answers ${describeAnswer(cases[0].before)} now, ${describeAnswer(cases[0].after)} after${harmful.length > 0 ? `: ${harmful[0].harm}` : ""}`
            : `${unknowns.join(" and ")} ${unknowns.length === 1 ? "is" : "are"} unknown: ${harmful.length} of ${cases.length} cases harm clients`;
    return { verdict, cases, unknowns, ...(harmful.length > 0 ? { harm: harmful[0].harm } : {}), summary };
}

/** An answer in words: `primary 100 %`, `primary 50 % and secondary 50 % (fail open)`. */
export function describeAnswer(answer: Route53Answer): string {
    const parts = answer.answered.map((r) => `${r} ${formatShare(answer.shares[r])}`);
    return `${parts.join(" and ")}${answer.rule === "fail-open" ? " (fail open: no record is healthy)" : ""}`;
}

/** Each case in one line, for a prompt or a refusal: `if secondary endpoint unhealthy: primary 100 % → secondary 100 % (harm)`. */
export function describeCases(prediction: AnswerPrediction): string[] {
    return prediction.cases.map((c) => {
        const when = c.assumed.length > 0 ? `if ${c.assumed.join(", ")}: ` : "";
        return `${when}${describeAnswer(c.before)} → ${describeAnswer(c.after)}${c.harm !== undefined ? ` — ${c.harm}` : ""}`;
    });
}

/**
 * The harm an answer change does: a region known unhealthy after the action gaining share, or no
 * answered region left that is not known unhealthy where there was one before.
 */
function harmOf(before: Route53Answer, after: Route53Answer, beforeInputs: ResolvedInputs, afterInputs: ResolvedInputs): string | undefined {
    const unhealthy = regionNames.filter((r) => !afterInputs.endpoint[r]);
    for (const region of unhealthy) {
        if (after.shares[region] > before.shares[region] + 1e-9) {
            return `${region}'s endpoint is unhealthy and would get ${formatShare(after.shares[region])} of answers (now ${formatShare(before.shares[region])})`;
        }
    }
    const servesHealthy = (answer: Route53Answer, inputs: ResolvedInputs) => answer.answered.some((r) => inputs.endpoint[r]);
    if (servesHealthy(before, beforeInputs) && !servesHealthy(after, afterInputs)) {
        return "no region with a healthy endpoint would be answered";
    }
    return undefined;
}

interface ResolvedInputs {
    readonly weights: Weights;
    readonly endpoint: Readonly<Record<RegionName, boolean>>;
    readonly fence: Readonly<Record<RegionName, boolean>>;
}

type Assignment = ReadonlyMap<string, boolean>;

function keyOf(v: Variable): string {
    return `${v.region}.${v.kind}`;
}

function unknownVariables(before: AnswerInputs, after: AnswerInputs): Variable[] {
    const variables: Variable[] = [];
    for (const region of regionNames) {
        if (before.endpoint[region] === "unknown" || after.endpoint[region] === "unknown") {
            variables.push({ region, kind: "endpoint" });
        }
        if (before.fence[region] === "unknown" || after.fence[region] === "unknown") {
            variables.push({ region, kind: "fence" });
        }
    }
    return variables;
}

/** Every combination of true/false for the variables (2^n, n ≤ 4). */
function assignments(variables: readonly Variable[]): Assignment[] {
    let all: Map<string, boolean>[] = [new Map()];
    for (const v of variables) {
        all = all.flatMap((a) => [new Map([...a, [keyOf(v), true]]), new Map([...a, [keyOf(v), false]])]);
    }
    return all;
}

function resolve(inputs: AnswerInputs, assignment: Assignment): ResolvedInputs {
    const endpoint = {} as Record<RegionName, boolean>;
    const fence = {} as Record<RegionName, boolean>;
    for (const region of regionNames) {
        const e = inputs.endpoint[region];
        endpoint[region] = e === "unknown" ? (assignment.get(`${region}.endpoint`) ?? true) : e === "healthy";
        const f = inputs.fence[region];
        fence[region] = f === "unknown" ? !(assignment.get(`${region}.fence`) ?? true) : f === "fenced";
    }
    return { weights: inputs.weights, endpoint, fence };
}

function answerOf(inputs: ResolvedInputs): Route53Answer {
    const state = (r: RegionName) => ({ weight: inputs.weights[r], endpointHealthy: inputs.endpoint[r], fenced: inputs.fence[r] });
    return route53Answer({ primary: state("primary"), secondary: state("secondary") });
}

function describeAssignment(assignment: Assignment): string[] {
    return [...assignment.entries()].map(([key, value]) => {
        const [region, kind] = key.split(".");
        return kind === "endpoint" ? `${region} endpoint ${value ? "healthy" : "unhealthy"}` : `${region} ${value ? "unfenced" : "fenced"}`;
    });
}

function formatShare(share: number): string {
    return `${Math.round(share * 1000) / 10} %`;
}
