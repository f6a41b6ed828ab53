import { expect } from "chai";
import { currentAnswer, fenceEffectTime, servingRegions } from "../../automation/fence/effect";

// Who Route 53 answers now, as `status` shows it; what a fence would change is answer-safety.ts's (test/unit/answer-safety.test.ts).

const activePassive = { primary: 100, secondary: 0 };
const unfenced = { primary: "unfenced", secondary: "unfenced" } as const;

describe("fence effect", () => {
    it("states the effect time as an estimate with its parts, not a worst case", () => {
        expect(fenceEffectTime).to.match(/^an estimated 3–4 minutes \(up to 60 s for the alarm's period to close — one period more for an unfence/);
        expect(fenceEffectTime).to.not.match(/worst/);
    });

    it("an unknown fence counts as unfenced (a check with no data is healthy), a known-dead endpoint as unhealthy", () => {
        expect(servingRegions({ weights: activePassive, fence: { primary: "unknown", secondary: "unknown" } })).to.deep.equal(["primary"]);
        expect(servingRegions({ weights: activePassive, fence: unfenced, endpointHealthy: { primary: false } })).to.deep.equal(["secondary"]);
    });

    it("with the secondary's endpoint down and the primary fenced, Route 53 fails open", () => {
        expect(currentAnswer({ weights: activePassive, fence: { primary: "fenced", secondary: "unfenced" }, endpointHealthy: { secondary: false } }).rule).to.equal("fail-open");
    });
});
