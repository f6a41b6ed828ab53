import { expect } from "chai";
import { predictAnswerChange } from "../../automation/answer-safety";
import { renderPlan, renderSwitch } from "../../automation/cli/render";
import { PlanResult, SetPostureResult } from "../../automation/driver/types";
import { planDrains, resolveDrainOptions } from "../../automation/driver/drain";
import { planTransition } from "../../automation/driver/planner";

// What an operator reads of a switch's predicted answer: the summary, each case when health is
// unknown, the harm when there is one, and a switch that ended unverified or forced.

const unfenced = { primary: "unfenced", secondary: "unfenced" } as const;
const unknown = predictAnswerChange(
    { weights: { primary: 100, secondary: 0 }, endpoint: { primary: "healthy", secondary: "unknown" }, fence: unfenced },
    { weights: { primary: 0, secondary: 100 }, endpoint: { primary: "unhealthy", secondary: "unknown" }, fence: unfenced },
);
const harmful = predictAnswerChange(
    { weights: { primary: 100, secondary: 0 }, endpoint: { primary: "healthy", secondary: "unhealthy" }, fence: unfenced },
    { weights: { primary: 0, secondary: 100 }, endpoint: { primary: "unhealthy", secondary: "unhealthy" }, fence: unfenced },
);
const plan: PlanResult = { to: "failover", steps: [], previews: [], costs: [] };
const result: SetPostureResult = { runId: "r1", status: "unverified", from: "active-passive", to: "failover", steps: [], remaining: [], fenced: [], durationMs: 1200 };

describe("switch rendering: the predicted answer, unverified and forced", () => {
    it("plan shows each case when a reading is unknown", () => {
        const lines = renderPlan({ ...plan, answer: unknown }).split("\n");
        expect(lines).to.include("answer: secondary endpoint is unknown: 1 of 2 cases harm clients");
        expect(lines).to.include("  if secondary endpoint healthy: primary 100 % → secondary 100 %");
        expect(lines.find((l) => l.startsWith("  if secondary endpoint unhealthy: "))).to.match(/— secondary's endpoint is unhealthy and would get 100 % of answers/);
    });

    it("plan names the harm of a harmful switch and that it is refused unless forced", () => {
        expect(renderPlan({ ...plan, answer: harmful }).split("\n")).to.include("  HARMFUL: secondary's endpoint is unhealthy and would get 100 % of answers (now 0 %) (refused unless forced with a reason)");
    });

    it("an unverified switch says so first, and a forced one names the harm it went through", () => {
        expect(renderSwitch(result).split("\n")[0]).to.equal("UNVERIFIED: active-passive → failover in 1.2s (run r1)");
        const forced = renderSwitch({ ...result, answer: harmful, forced: harmful.harm }).split("\n");
        expect(forced).to.include("FORCED through: secondary's endpoint is unhealthy and would get 100 % of answers (now 0 %)");
    });

    it("plan shows the drain before the scale-down and the RTO split; an unplanned plan says the drain is skipped", () => {
        const steps = planTransition("active-passive", "failover");
        const planned = renderPlan({ ...plan, steps, drains: planDrains(steps, resolveDrainOptions({})), rtoSplit: { newConnectionsSeconds: 70, existingSessionsSeconds: 300 } }).split("\n");
        const scaleDown = planned.findIndex((l) => l.includes(". scale primary active → "));
        expect(planned[scaleDown - 1]).to.equal("     drain primary: wait ≤ 300 s for its open sessions to end, then scale down, reporting any left");
        expect(planned).to.include("RTO of this switch: new connections move in 70 s (DNS: TTL + health checks); existing sessions end within 300 s (drain)");
        const unplanned = renderPlan({ ...plan, steps, drains: planDrains(steps, resolveDrainOptions({ unplanned: true })), rtoSplit: { existingSessionsSeconds: 0 } });
        expect(unplanned).to.contain("drain primary: skipped (unplanned switch:");
        expect(renderSwitch({ ...result, drains: [{ region: "primary", outcome: "timed-out", openSessions: 1, waitedSeconds: 30, detail: "1 session(s) still open in primary after 30 s" }] })).to.contain(
            "drain primary: timed-out (1 session(s) still open in primary after 30 s)",
        );
    });

    it("plan shows the quiesce as a step before DNS with the reload in the RTO line; an unplanned plan says the quiesce is skipped", () => {
        const steps = planTransition("active-passive", "failover", { quiesce: true });
        const lines = renderPlan({ ...plan, steps, drains: planDrains(steps, resolveDrainOptions({})), rtoSplit: { newConnectionsSeconds: 70, existingSessionsSeconds: 300, usersReloadSeconds: 65 } }).split("\n");
        expect(lines).to.include("  2. quiesce primary: its users read-only, so new sessions cannot write (the gateways reload within 65 s) (stack primary)");
        expect(lines).to.include(
            "RTO of this switch: new connections move in 70 s (DNS: TTL + health checks, after 65 s for the gateways to reload their users (quiesce)); existing sessions end within 300 s (drain)",
        );
        const unplanned = planTransition("active-passive", "failover", { quiesce: true, unplanned: true });
        const skipped = renderPlan({ ...plan, steps: unplanned, quiesces: [{ region: "primary", reloadSeconds: 65, skipped: "unplanned switch: gone" }] }).split("\n");
        expect(skipped).to.include("  quiesce primary: skipped (unplanned switch: gone)");
        expect(skipped.some((l) => / \d\. quiesce /.test(l))).to.equal(false);
    });
});
