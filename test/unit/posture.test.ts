import { expect } from "chai";
import {
    defaultActiveActiveWeights,
    InvalidPostureError,
    maxWeight,
    parsePosture,
    Posture,
    postures,
    postureSpec,
    regionNames,
    servingRegion,
    validateWeights,
    Weights,
} from "../../foundation/posture";

/** Every weight pair of Route 53's range: 256 × 256 = 65 536, cheap enough to test exhaustively. */
function* allWeightPairs(): Generator<Weights> {
    for (let primary = 0; primary <= maxWeight; primary++) {
        for (let secondary = 0; secondary <= maxWeight; secondary++) {
            yield { primary, secondary };
        }
    }
}

const capacityModes = ["active", "pilot-light", "drained"];

describe("posture model", () => {
    describe("parsePosture", () => {
        it("accepts exactly the three postures", () => {
            expect([...postures]).to.deep.equal(["active-active", "active-passive", "failover"]);
            for (const p of postures) {
                expect(parsePosture(p)).to.equal(p);
            }
        });

        it("refuses an unknown posture, listing the valid ones", () => {
            for (const bad of ["", "Active-Active", "active_passive", "fail-over", " failover", "primary", "__proto__", "toString"]) {
                expect(() => parsePosture(bad), bad).to.throw(InvalidPostureError, `unknown posture "${bad}" (valid: active-active, active-passive, failover)`);
            }
        });

        it("names its error class in `name`, which a printed error starts with", () => {
            expect(() => parsePosture("primary")).to.throw(InvalidPostureError).with.property("name", "InvalidPostureError");
        });
    });

    describe("validateWeights over every pair 0..255", () => {
        it("accepts every pair with at least one non-zero weight and returns it unchanged", () => {
            let accepted = 0;
            for (const w of allWeightPairs()) {
                if (w.primary === 0 && w.secondary === 0) continue;
                expect(validateWeights(w)).to.equal(w);
                accepted++;
            }
            expect(accepted).to.equal(256 * 256 - 1);
        });

        it("refuses all-zero weights, explaining Route 53's equal spread", () => {
            expect(() => validateWeights({ primary: 0, secondary: 0 })).to.throw(InvalidPostureError, /weights are all 0: Route 53 would then spread traffic equally over every record/);
        });

        it("refuses out-of-range and non-integer weights, naming the region and the value", () => {
            const bad: unknown[] = [-1, 256, 300, 1000, 0.5, 254.9999, -0, NaN, Infinity, -Infinity, "50", null, undefined, true];
            for (const region of regionNames) {
                for (const value of bad) {
                    if (Object.is(value, -0)) continue; // -0 is integer 0: harmless, Route 53 receives 0
                    const weights = { primary: 50, secondary: 50, [region]: value } as unknown as Weights;
                    expect(() => validateWeights(weights, "activeActiveWeights"), `${region}=${String(value)}`).to.throw(
                        InvalidPostureError,
                        `activeActiveWeights.${region} must be an integer 0–255 (got ${String(value)})`,
                    );
                }
            }
        });
        it("refuses a missing weights object, naming the key", () => {
            for (const value of [undefined, null, 50]) {
                expect(() => validateWeights(value as unknown as Weights, "activeActiveWeights")).to.throw(
                    InvalidPostureError,
                    `activeActiveWeights must be an object { primary, secondary } (got ${String(value)})`,
                );
            }
        });
    });

    describe("postureSpec", () => {
        it("gives active-passive 100/0 with the secondary as a pilot light", () => {
            expect(postureSpec("active-passive")).to.deep.equal({
                posture: "active-passive",
                weights: { primary: 100, secondary: 0 },
                capacity: { primary: "active", secondary: "pilot-light" },
            });
        });

        it("gives failover 0/100 with the primary drained", () => {
            expect(postureSpec("failover")).to.deep.equal({
                posture: "failover",
                weights: { primary: 0, secondary: 100 },
                capacity: { primary: "drained", secondary: "active" },
            });
        });

        it("gives active-active 50/50 by default, both regions active", () => {
            expect(postureSpec("active-active")).to.deep.equal({
                posture: "active-active",
                weights: defaultActiveActiveWeights,
                capacity: { primary: "active", secondary: "active" },
            });
            expect(defaultActiveActiveWeights).to.deep.equal({ primary: 50, secondary: 50 });
        });

        it("uses any valid active-active split as given, and refuses all-zero naming the key", () => {
            for (const w of allWeightPairs()) {
                if (w.primary === 0 && w.secondary === 0) {
                    expect(() => postureSpec("active-active", w)).to.throw(InvalidPostureError, /^activeActiveWeights are all 0/);
                    continue;
                }
                expect(postureSpec("active-active", w).weights).to.deep.equal(w);
            }
        });

        it("ignores the active-active split in the other postures", () => {
            const odd = { primary: 7, secondary: 200 };
            expect(postureSpec("active-passive", odd).weights).to.deep.equal({ primary: 100, secondary: 0 });
            expect(postureSpec("failover", odd).weights).to.deep.equal({ primary: 0, secondary: 100 });
        });

        it("refuses an unknown posture at run time (exhaustive switch)", () => {
            expect(() => postureSpec("sideways" as Posture)).to.throw(InvalidPostureError, 'unknown posture "sideways" (valid: active-active, active-passive, failover)');
        });

        describe("properties that hold for every posture", () => {
            for (const posture of postures) {
                it(`${posture}: weights are valid for Route 53, capacities known, and the region with weight > 0 runs active capacity`, () => {
                    const spec = postureSpec(posture);
                    expect(spec.posture).to.equal(posture);
                    expect(validateWeights(spec.weights)).to.deep.equal(spec.weights);
                    for (const region of regionNames) {
                        expect(capacityModes).to.include(spec.capacity[region]);
                        if (spec.weights[region] > 0) {
                            expect(spec.capacity[region], `${posture} ${region}`).to.equal("active");
                        }
                    }
                    // The serving region always runs active capacity, so the first clients are served.
                    expect(spec.capacity[servingRegion(spec)]).to.equal("active");
                    // Some region both takes traffic and runs full capacity.
                    expect(regionNames.some((r) => spec.capacity[r] === "active" && spec.weights[r] > 0)).to.equal(true);
                });
            }
        });
    });

    describe("servingRegion", () => {
        it("is the region with the larger weight, primary on a tie, for every weight pair", () => {
            for (const w of allWeightPairs()) {
                if (w.primary === 0 && w.secondary === 0) continue;
                const spec = postureSpec("active-active", w);
                expect(servingRegion(spec)).to.equal(w.secondary > w.primary ? "secondary" : "primary");
            }
        });

        it("is the primary in active-passive and the secondary in failover", () => {
            expect(servingRegion(postureSpec("active-passive"))).to.equal("primary");
            expect(servingRegion(postureSpec("failover"))).to.equal("secondary");
        });
    });
});
