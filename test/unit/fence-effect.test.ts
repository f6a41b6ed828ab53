import { expect } from "chai";
import { currentAnswer, fenceEffect, servingRegions } from "../../automation/fence-effect";

// What a fence does to who serves, before anything is fenced: the CLI asks on these answers.

const activePassive = { primary: 100, secondary: 0 };
const unfenced = { primary: "unfenced", secondary: "unfenced" } as const;

describe("fence effect", () => {
    it("fencing the serving primary of active-passive moves clients to the weight-0 secondary, and says when", () => {
        const effect = fenceEffect({ weights: activePassive, fence: unfenced }, "primary", "fence");
        expect(effect.movesTraffic).to.equal(true);
        expect(effect.after.answered).to.deep.equal(["secondary"]);
        expect(effect.summary).to.equal(
            "fencing primary moves clients from primary to secondary in about 2–3 minutes (the alarm's 60-s period, the health check, then the 60-s TTL)",
        );
    });

    it("fencing the idle secondary of active-passive changes no answer", () => {
        const effect = fenceEffect({ weights: activePassive, fence: unfenced }, "secondary", "fence");
        expect(effect.movesTraffic).to.equal(false);
        expect(effect.summary).to.equal("fencing secondary changes no answer: Route 53 keeps answering primary");
    });

    it("an unknown fence counts as unfenced (a check with no data is healthy), a known-dead endpoint as unhealthy", () => {
        expect(servingRegions({ weights: activePassive, fence: { primary: "unknown", secondary: "unknown" } })).to.deep.equal(["primary"]);
        expect(servingRegions({ weights: activePassive, fence: unfenced, endpointHealthy: { primary: false } })).to.deep.equal(["secondary"]);
    });

    it("with the secondary's endpoint down, fencing the primary fails open and the summary says so", () => {
        const effect = fenceEffect({ weights: activePassive, fence: unfenced, endpointHealthy: { secondary: false } }, "primary", "fence");
        expect(effect.after.rule).to.equal("fail-open");
        expect(effect.movesTraffic).to.equal(false);
        expect(effect.summary).to.match(/keeps answering primary$/);
        expect(currentAnswer({ weights: activePassive, fence: { primary: "fenced", secondary: "unfenced" }, endpointHealthy: { secondary: false } }).rule).to.equal("fail-open");
    });

    it("unfencing the primary of active-active brings it back into the split", () => {
        const effect = fenceEffect({ weights: { primary: 50, secondary: 50 }, fence: { primary: "fenced", secondary: "unfenced" } }, "primary", "unfence");
        expect(effect.before.answered).to.deep.equal(["secondary"]);
        expect(effect.after.answered).to.deep.equal(["primary", "secondary"]);
        expect(effect.summary).to.match(/^unfencing primary moves clients from secondary to primary and secondary/);
    });
});
