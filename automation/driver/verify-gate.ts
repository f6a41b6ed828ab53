// The gate before DNS moves: every region that will be answered more than it is now must pass
// `verify` (automation/driver/verify.ts) first. A region that fails stops the switch before the DNS
// step, so the old posture keeps serving. A region with no canary cannot be verified: the switch
// goes on and ends `unverified`, as it does when the operator skips the gate.
//
// "Answered more" is judged by Route 53's rules, not by the weights alone: a region whose share of
// answers grows in any case of the switch's prediction (switch-answer.ts: fences and endpoint health
// as read, every combination of the unknown ones), and a region whose share grows once every region
// is healthy and unfenced again (a fenced region given more weight takes it the moment it is
// unfenced). 255/1 → failover sends the secondary from 0.4 % to 100 %: it is verified, though its
// weight was never 0; a weight-0 partner that fences or health make the answer is verified too.
import { AnswerPrediction } from "../answer-safety";
import { route53Answer } from "../dns-answers";
import { RegionName, regionNames, Weights } from "../../foundation/posture";
import { VerifyResult } from "./verify";

/** What the gate did, for the result and the audit entry. */
export interface VerificationSummary {
    /** verified: every region gaining answers passed; unverified: some had no canary; skipped: `skipVerify`; none: no region gains answers. */
    readonly outcome: "verified" | "unverified" | "skipped" | "none" | "failed";
    readonly results: readonly VerifyResult[];
}

/** Each region's share of answers when every region is healthy and unfenced: the weights' own split. */
function nominalShares(weights: Weights): Readonly<Record<RegionName, number>> {
    const healthy = { endpointHealthy: true, fenced: false };
    return route53Answer({ primary: { weight: weights.primary, ...healthy }, secondary: { weight: weights.secondary, ...healthy } }).shares;
}

/**
 * The regions the gate verifies before DNS deploys `next`: every region whose share of answers
 * grows in any case of `prediction`, or under the weights alone once all is healthy. With the
 * deployed weights unknown, every region `next` gives weight or any case answers.
 */
export function regionsToVerify(opts: { readonly next: Weights; readonly current: Weights | undefined; readonly prediction?: AnswerPrediction }): RegionName[] {
    const grows = (before: number, after: number) => after > before + 1e-9;
    const nominalNext = nominalShares(opts.next);
    const nominalNow = opts.current !== undefined ? nominalShares(opts.current) : undefined;
    return regionNames.filter(
        (r) =>
            (nominalNow === undefined ? nominalNext[r] > 0 : grows(nominalNow[r], nominalNext[r])) ||
            (opts.prediction?.cases ?? []).some((c) => grows(c.before.shares[r], c.after.shares[r])),
    );
}

/** One line for the audit log. */
export function describeVerification(summary: VerificationSummary): string {
    const regions = summary.results.map((r) => r.region).join(", ");
    switch (summary.outcome) {
        case "verified":
            return `verified ${regions} before DNS moved`;
        case "unverified":
            return `not verified (${summary.results.filter((r) => r.unverifiable === true).map((r) => r.message).join("; ")})`;
        case "skipped":
            return "verification skipped by the operator (--skip-verify)";
        case "failed":
            return `verification failed: ${summary.results.filter((r) => !r.ok && r.unverifiable !== true).map((r) => r.message).join("; ")}`;
        case "none":
            return "no region gained traffic: nothing to verify";
    }
}

/** Runs the gate. Never throws for what a region does; the caller stops on `failed`. */
export async function runVerifyGate(opts: {
    readonly regions: readonly RegionName[];
    readonly skip: boolean;
    readonly verify: (region: RegionName) => Promise<VerifyResult>;
}): Promise<VerificationSummary> {
    if (opts.skip) {
        return { outcome: "skipped", results: [] };
    }
    if (opts.regions.length === 0) {
        return { outcome: "none", results: [] };
    }
    const results: VerifyResult[] = [];
    for (const region of opts.regions) {
        results.push(await opts.verify(region));
    }
    const outcome = results.some((r) => !r.ok && r.unverifiable !== true) ? "failed" : results.some((r) => r.unverifiable === true) ? "unverified" : "verified";
    return { outcome, results };
}
