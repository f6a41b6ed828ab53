import { expect } from "chai";
import { AnswerInputs, describeCases, FenceReading, HealthReading, predictAnswerChange } from "../../automation/answer-safety";
import { Weights } from "../../foundation/posture";

const activePassive: Weights = { primary: 100, secondary: 0 };
const failover: Weights = { primary: 0, secondary: 100 };
const fiftyFifty: Weights = { primary: 50, secondary: 50 };

function world(weights: Weights, endpoint: [HealthReading, HealthReading], fence: [FenceReading, FenceReading] = ["unfenced", "unfenced"]): AnswerInputs {
    return { weights, endpoint: { primary: endpoint[0], secondary: endpoint[1] }, fence: { primary: fence[0], secondary: fence[1] } };
}

describe("answer safety: predicting an action from the world as read", () => {
    it("refuses fencing the only healthy region: Route 53 would fail open onto the dead primary", () => {
        const now = world(activePassive, ["unhealthy", "healthy"]);
        const p = predictAnswerChange(now, { ...now, fence: { primary: "unfenced", secondary: "fenced" } });
        expect(p.verdict).to.equal("harmful");
        expect(p.cases[0].before.answered).to.deep.equal(["secondary"]);
        expect(p.cases[0].after.answered).to.deep.equal(["primary"]);
        expect(p.cases[0].after.rule).to.equal("fail-open");
        expect(p.harm).to.match(/primary's endpoint is unhealthy and would get 100 % of answers \(now 0 %\)/);
    });

    it("lets the dead region be fenced: nothing moves towards it", () => {
        const now = world(activePassive, ["unhealthy", "healthy"]);
        const p = predictAnswerChange(now, { ...now, fence: { primary: "fenced", secondary: "unfenced" } });
        expect(p.verdict).to.equal("safe");
        expect(p.harm).to.equal(undefined);
    });

    it("refuses fencing the primary in active-active while the secondary is down (fail open sends it half)", () => {
        const now = world(fiftyFifty, ["healthy", "unhealthy"]);
        const p = predictAnswerChange(now, { ...now, fence: { primary: "fenced", secondary: "unfenced" } });
        expect(p.verdict).to.equal("harmful");
        expect(p.cases[0].after.shares.secondary).to.equal(0.5);
        expect(p.harm).to.match(/^secondary's endpoint is unhealthy and would get 50 % of answers \(now 0 %\)$/);
    });

    it("refuses failover onto an unhealthy secondary once the primary is drained", () => {
        const now = world(activePassive, ["healthy", "unhealthy"]);
        const p = predictAnswerChange(now, world(failover, ["unhealthy", "unhealthy"]));
        expect(p.verdict).to.equal("harmful");
        expect(p.harm).to.match(/^secondary's endpoint is unhealthy/);
    });

    it("calls a failover onto a healthy secondary safe, though the drained primary goes unhealthy", () => {
        const p = predictAnswerChange(world(activePassive, ["healthy", "healthy"]), world(failover, ["unhealthy", "healthy"]));
        expect(p.verdict).to.equal("safe");
        expect(p.summary).to.equal("Route 53 answers primary 100 % now, secondary 100 % after");
    });

    it("counts even 1/256 of the answers sent towards a dead region as harm (255/1)", () => {
        // 255/1 with a healthy primary and an unhealthy secondary: the primary carries all answers.
        // Fencing the primary sends them, by fail open, to both by weight: the secondary's share
        // grows from 0 to 1/256, and the healthy primary is still answered (255/256).
        const now = world({ primary: 255, secondary: 1 }, ["healthy", "unhealthy"]);
        const p = predictAnswerChange(now, { ...now, fence: { primary: "fenced", secondary: "unfenced" } });
        expect(p.verdict).to.equal("harmful");
        expect(p.cases[0].after.shares.secondary).to.be.closeTo(1 / 256, 1e-12);
    });

    it("refuses leaving no healthy region answered even when no unhealthy region gains share", () => {
        // The serving region drained under weights that still point at it: its share stays 100 %.
        const p = predictAnswerChange(world(activePassive, ["healthy", "unhealthy"]), world(activePassive, ["unhealthy", "unhealthy"]));
        expect(p.cases[0].before.shares.primary).to.equal(1);
        expect(p.cases[0].after.shares.primary).to.equal(1);
        expect(p.verdict).to.equal("harmful");
        expect(p.harm).to.equal("no region with a healthy endpoint would be answered");
    });

    it("judges a share that stays the same as no harm (the boundary of 'larger')", () => {
        // Both endpoints dead: Route 53 fails open by weight before and after fencing the primary.
        const now = world(activePassive, ["unhealthy", "unhealthy"]);
        const p = predictAnswerChange(now, { ...now, fence: { primary: "fenced", secondary: "unfenced" } });
        expect(p.cases[0].before.shares.primary).to.equal(1);
        expect(p.cases[0].after.shares.primary).to.equal(1);
        expect(p.verdict).to.equal("safe");
    });

    it("with an unknown endpoint shows both cases and says which one harms", () => {
        const now = world(activePassive, ["unknown", "healthy"]);
        const p = predictAnswerChange(now, { ...now, fence: { primary: "unfenced", secondary: "fenced" } });
        expect(p.verdict).to.equal("unknown");
        expect(p.unknowns).to.deep.equal(["primary endpoint"]);
        expect(p.cases).to.have.length(2);
        expect(p.cases.filter((c) => c.harm !== undefined).map((c) => c.assumed)).to.deep.equal([["primary endpoint unhealthy"]]);
        expect(p.summary).to.equal("primary endpoint is unknown: 1 of 2 cases harm clients");
        expect(describeCases(p)[0]).to.equal("if primary endpoint healthy: primary 100 % → primary 100 %");
    });

    it("never treats an unknown as healthy: every unknown reading doubles the cases (16 with all four unknown)", () => {
        const now = world(fiftyFifty, ["unknown", "unknown"], ["unknown", "unknown"]);
        const p = predictAnswerChange(now, { ...now, weights: failover });
        expect(p.verdict).to.equal("unknown");
        expect(p.cases).to.have.length(16);
        expect(p.cases.some((c) => c.harm !== undefined)).to.equal(true);
    });

    it("an unknown fence that the action sets is known after it, and assumed the same way before and after", () => {
        const now = world(activePassive, ["healthy", "healthy"], ["unknown", "unfenced"]);
        const p = predictAnswerChange(now, { ...now, fence: { primary: "fenced", secondary: "unfenced" } });
        expect(p.unknowns).to.deep.equal(["primary fence"]);
        const fencedBefore = p.cases.find((c) => c.assumed.includes("primary fenced"))!;
        expect(fencedBefore.before.answered).to.deep.equal(["secondary"]);
        expect(fencedBefore.after.answered).to.deep.equal(["secondary"]);
    });

    it("words a known harmful action in one summary and one case line, fail open named", () => {
        const now = world(activePassive, ["unhealthy", "healthy"]);
        const p = predictAnswerChange(now, { ...now, fence: { primary: "unfenced", secondary: "fenced" } });
        const harm = "primary's endpoint is unhealthy and would get 100 % of answers (now 0 %)";
        expect(p).to.include({ verdict: "harmful", harm });
        expect(p.summary).to.equal(`Route 53 answers secondary 100 % now, primary 100 % (fail open: no record is healthy) after: ${harm}`);
        expect(describeCases(p)).to.deep.equal([`secondary 100 % → primary 100 % (fail open: no record is healthy) — ${harm}`]);
    });

    it("words a known safe action without assumptions or harm", () => {
        const now = world(activePassive, ["healthy", "healthy"]);
        const p = predictAnswerChange(now, { ...now, fence: { primary: "unfenced", secondary: "fenced" } });
        expect(p.verdict).to.equal("safe");
        expect(p).to.not.have.property("harm");
        expect(p.cases[0]).to.not.have.property("harm");
        expect(p.summary).to.equal("Route 53 answers primary 100 % now, primary 100 % after");
        expect(describeCases(p)).to.deep.equal(["primary 100 % → primary 100 %"]);
    });

    it("a reading unknown only after the action is still unknown, and each case names its assumptions", () => {
        const p = predictAnswerChange(world(activePassive, ["healthy", "healthy"]), world(activePassive, ["unknown", "healthy"], ["unfenced", "unknown"]));
        expect(p.unknowns).to.deep.equal(["primary endpoint", "secondary fence"]);
        expect(p.summary).to.equal("primary endpoint and secondary fence are unknown: 1 of 4 cases harm clients");
        expect(describeCases(p)).to.deep.equal([
            "if primary endpoint healthy, secondary unfenced: primary 100 % → primary 100 %",
            "if primary endpoint healthy, secondary fenced: primary 100 % → primary 100 %",
            "if primary endpoint unhealthy, secondary unfenced: primary 100 % → secondary 100 %",
            "if primary endpoint unhealthy, secondary fenced: primary 100 % → primary 100 % (fail open: no record is healthy) — no region with a healthy endpoint would be answered",
        ]);
    });

    it("a reading unknown only before the action is still unknown, and a split answer names both regions", () => {
        const p = predictAnswerChange(world(fiftyFifty, ["unknown", "healthy"]), world(fiftyFifty, ["unhealthy", "healthy"]));
        expect(p.unknowns).to.deep.equal(["primary endpoint"]);
        expect(describeCases(p)[0]).to.equal("if primary endpoint healthy: primary 50 % and secondary 50 % → secondary 100 %");
    });

    it("failing open onto a fenced live region and a dead one still serves a live endpoint: draining the live one there is harm", () => {
        const now = world(fiftyFifty, ["healthy", "unhealthy"], ["fenced", "unfenced"]);
        const p = predictAnswerChange(now, { ...now, endpoint: { primary: "unhealthy", secondary: "unhealthy" } });
        expect(p.cases[0].before.answered).to.deep.equal(["primary", "secondary"]);
        expect(p).to.include({ verdict: "harmful", harm: "no region with a healthy endpoint would be answered" });
    });
});

