import { expect } from "chai";
import { predictAnswerChange } from "../../automation/answer-safety";
import { renderPlan, renderSwitch } from "../../automation/cli/render";
import { PlanResult, SetPostureResult } from "../../automation/driver/types";

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
});
