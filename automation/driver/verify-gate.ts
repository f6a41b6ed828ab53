// The gate before DNS moves: every region the new weights send traffic to, and that had none
// before, must pass `verify` (automation/driver/verify.ts) first. A region that fails stops the
// switch before the DNS step, so the old posture keeps serving. A region with no canary cannot be
// verified: the switch goes on and says so, as it does when the operator skips the gate.
import { Posture, RegionName, regionNames, Weights, postureSpec } from "../posture";
import { configKeys } from "../../stacks/contract";
import { PlannedStep } from "./planner";
import { VerifyResult } from "./verify";

/** What the gate did, for the result and the audit entry. */
export interface VerificationSummary {
    /** verified: every region gaining traffic passed; unverified: some had no canary; skipped: `skipVerify`; none: no region gains traffic. */
    readonly outcome: "verified" | "unverified" | "skipped" | "none" | "failed";
    readonly results: readonly VerifyResult[];
}

/** The weights the DNS step deploys: its explicit split, else the posture's (active-active: 50/50). */
export function targetWeights(target: Posture, dnsStep: PlannedStep): Weights {
    const explicit = (region: RegionName) => dnsStep.config.find((c) => c.key === `${configKeys.activeActiveWeights}.${region}`)?.value;
    const [p, s] = [explicit("primary"), explicit("secondary")];
    return target === "active-active" && p !== undefined && s !== undefined
        ? postureSpec(target, { primary: Number(p), secondary: Number(s) }).weights
        : postureSpec(target).weights;
}

/** The regions the DNS step sends traffic to that had none (current weights unknown: every one it sends traffic to). */
export function regionsGainingTraffic(target: Posture, dnsStep: PlannedStep, current: Weights | undefined): RegionName[] {
    const next = targetWeights(target, dnsStep);
    return regionNames.filter((r) => next[r] > 0 && (current === undefined || current[r] === 0));
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
