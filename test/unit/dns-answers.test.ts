import { expect } from "chai";
import { allHealthStates, AnswerRule, postureAnswer, route53Answer } from "../../automation/dns-answers";
import { Posture, RegionName } from "../../foundation/posture";

type Combined = "both" | "primary" | "secondary" | "neither";

/** What each posture answers for each combined health, written out from Route 53's documented rules. */
const expected: Record<Posture, Record<Combined, { rule: AnswerRule; shares: Record<RegionName, number> }>> = {
    "active-active": {
        both: { rule: "non-zero-weight", shares: { primary: 0.5, secondary: 0.5 } },
        primary: { rule: "non-zero-weight", shares: { primary: 1, secondary: 0 } },
        secondary: { rule: "non-zero-weight", shares: { primary: 0, secondary: 1 } },
        neither: { rule: "fail-open", shares: { primary: 0.5, secondary: 0.5 } },
    },
    "active-passive": {
        both: { rule: "non-zero-weight", shares: { primary: 1, secondary: 0 } },
        primary: { rule: "non-zero-weight", shares: { primary: 1, secondary: 0 } },
        secondary: { rule: "zero-weight", shares: { primary: 0, secondary: 1 } },
        neither: { rule: "fail-open", shares: { primary: 1, secondary: 0 } },
    },
    failover: {
        both: { rule: "non-zero-weight", shares: { primary: 0, secondary: 1 } },
        primary: { rule: "zero-weight", shares: { primary: 1, secondary: 0 } },
        secondary: { rule: "non-zero-weight", shares: { primary: 0, secondary: 1 } },
        neither: { rule: "fail-open", shares: { primary: 0, secondary: 1 } },
    },
};

function combined(p: boolean, s: boolean): Combined {
    return p && s ? "both" : p ? "primary" : s ? "secondary" : "neither";
}

const describeState = (h: { endpointHealthy: boolean; fenced: boolean }) =>
    `${h.endpointHealthy ? "up" : "down"}${h.fenced ? "+fenced" : ""}`;

describe("Route 53 answer semantics", () => {
    it("walks all 16 combinations of endpoint health and fence, each once", () => {
        const keys = allHealthStates().map((s) => `${describeState(s.primary)}/${describeState(s.secondary)}`);

        expect(keys).to.have.length(16);
        expect(new Set(keys).size).to.equal(16);
    });

    for (const posture of Object.keys(expected) as Posture[]) {
        describe(posture, () => {
            for (const state of allHealthStates()) {
                // A region is healthy only when its endpoint answers and it is not fenced.
                const p = state.primary.endpointHealthy && !state.primary.fenced;
                const s = state.secondary.endpointHealthy && !state.secondary.fenced;
                const want = expected[posture][combined(p, s)];
                const answered = (["primary", "secondary"] as const).filter((r) => want.shares[r] > 0);
                it(`primary ${describeState(state.primary)}, secondary ${describeState(state.secondary)}: answers ${answered.join(" and ")} by the ${want.rule} rule`, () => {
                    const answer = postureAnswer(posture, state);

                    expect(answer.rule).to.equal(want.rule);
                    expect(answer.answered).to.deep.equal(answered);
                    expect(answer.shares).to.deep.equal(want.shares);
                    expect(answer.healthy).to.deep.equal({ primary: p, secondary: s });
                });
            }
        });
    }

    it("splits healthy non-zero records in proportion to their weights (1 and 255 give 1/256 and 255/256)", () => {
        const up = { endpointHealthy: true, fenced: false };

        const answer = route53Answer({ primary: { weight: 1, ...up }, secondary: { weight: 255, ...up } });

        expect(answer.shares).to.deep.equal({ primary: 1 / 256, secondary: 255 / 256 });
    });

    it("answers a healthy weight-0 record equally with the other when every record has weight 0", () => {
        const up = { endpointHealthy: true, fenced: false };

        const answer = route53Answer({ primary: { weight: 0, ...up }, secondary: { weight: 0, ...up } });

        expect(answer).to.deep.include({ rule: "zero-weight", answered: ["primary", "secondary"], shares: { primary: 0.5, secondary: 0.5 } });
    });

    it("fails open to every record equally when all have weight 0 and none is healthy", () => {
        const down = { endpointHealthy: false, fenced: false };

        const answer = route53Answer({ primary: { weight: 0, ...down }, secondary: { weight: 0, ...down } });

        expect(answer).to.deep.include({ rule: "fail-open", answered: ["primary", "secondary"] });
    });

    it("takes active-active's configured weights, not the default split", () => {
        const up = { endpointHealthy: true, fenced: false };

        const answer = postureAnswer("active-active", { primary: up, secondary: up }, { primary: 3, secondary: 1 });

        expect(answer.shares).to.deep.equal({ primary: 0.75, secondary: 0.25 });
    });

    it("rejects a weight outside 0–255 and names the record", () => {
        const up = { endpointHealthy: true, fenced: false };

        expect(() => route53Answer({ primary: { weight: 256, ...up }, secondary: { weight: 0, ...up } }))
            .to.throw("records.primary.weight must be an integer 0–255 (got 256)");
    });

    it("takes a weight at either edge of 0–255 and refuses one past either edge or between integers, naming the record", () => {
        const up = { endpointHealthy: true, fenced: false };
        expect(route53Answer({ primary: { weight: 255, ...up }, secondary: { weight: 0, ...up } }).answered).to.deep.equal(["primary"]);
        for (const [weight, shown] of [[-1, "-1"], [1.5, "1.5"], [256, "256"], [Number.NaN, "NaN"]] as const) {
            expect(() => route53Answer({ primary: { weight: 1, ...up }, secondary: { weight, ...up } }), shown)
                .to.throw(`records.secondary.weight must be an integer 0–255 (got ${shown})`);
        }
    });

    it("the 16 combinations are every pairing of the four states of one region", () => {
        const one = [
            { endpointHealthy: true, fenced: false },
            { endpointHealthy: true, fenced: true },
            { endpointHealthy: false, fenced: false },
            { endpointHealthy: false, fenced: true },
        ];
        expect(allHealthStates()).to.deep.equal(one.flatMap((primary) => one.map((secondary) => ({ primary, secondary }))));
    });
});

