import { expect } from "chai";
import { allHealthStates, AnswerRule, route53Answer } from "../../automation/dns-answers";
import { RegionName } from "../../foundation/posture";
import { labRecordGroup } from "../../sandbox/lab-answers";
import { LabInputs } from "../../sandbox/lab-health";
import { RecordSelection, selectWeightedRecords, WeightedRecordInput } from "../../sandbox/route53-selector";

// The lab's record selector against the Route 53 documentation's own examples, and against the
// project's model (automation/dns-answers.ts) over every combination two records can be in: the
// lab's DNS answers from the one, the driver judges by the other, so they must never disagree.

const H = "Healthy" as const;
const U = "Unhealthy" as const;

/**
 * Amazon Route 53 Developer Guide, "Weighted routing", section "Health checks and weighted routing",
 * the table of a weight-0 record that has a health check
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html):
 * records 1, 2 and 3 with weights 1, 1 and 0, each with a health check; each row gives the three
 * health check statuses and whether the record is answered.
 */
const guideZeroWeightTable: readonly { statuses: readonly ["Healthy" | "Unhealthy", "Healthy" | "Unhealthy", "Healthy" | "Unhealthy"]; answered: readonly [boolean, boolean, boolean] }[] = [
    { statuses: [U, U, H], answered: [false, false, true] },
    { statuses: [U, U, U], answered: [true, true, false] },
    { statuses: [U, H, U], answered: [false, true, false] },
    { statuses: [H, H, U], answered: [true, true, false] },
    { statuses: [H, H, H], answered: [true, true, false] },
];

const group = (...records: [string, number, "Healthy" | "Unhealthy"][]): WeightedRecordInput[] =>
    records.map(([setIdentifier, weight, healthCheckStatus]) => ({ setIdentifier, weight, healthCheckStatus }));

const up = { endpointHealthy: true, fenced: false };
const down = { endpointHealthy: false, fenced: false };

/** The model's rule in the selector's terms. */
function ruleOf(selection: RecordSelection): AnswerRule {
    return selection.allConsideredHealthy ? "fail-open" : selection.fromZeroWeight ? "zero-weight" : "non-zero-weight";
}

/**
 * Every disagreement between a selector and the model over two records: weights 0, 1, 2 and 255
 * each, and each region's endpoint healthy or not and fenced or not (the calculated check's two
 * children), 256 cases in all.
 */
function disagreements(select: (g: readonly WeightedRecordInput[]) => RecordSelection): { cases: number; found: string[] } {
    const weights = [0, 1, 2, 255];
    const found: string[] = [];
    let cases = 0;
    for (const primaryWeight of weights) {
        for (const secondaryWeight of weights) {
            for (const health of allHealthStates()) {
                cases += 1;
                const inputs: LabInputs = {
                    primary: { weight: primaryWeight, ...health.primary },
                    secondary: { weight: secondaryWeight, ...health.secondary },
                };
                const model = route53Answer(inputs);
                const lab = select(labRecordGroup(inputs));
                const labShares = { primary: lab.probability.primary, secondary: lab.probability.secondary };
                const same =
                    JSON.stringify(lab.selected) === JSON.stringify(model.answered) &&
                    JSON.stringify(labShares) === JSON.stringify(model.shares) &&
                    ruleOf(lab) === model.rule;
                if (!same) {
                    found.push(`${JSON.stringify(inputs)}: model ${model.answered.join("+")} ${JSON.stringify(model.shares)} (${model.rule}), selector ${lab.selected.join("+")} ${JSON.stringify(labShares)} (${ruleOf(lab)})`);
                }
            }
        }
    }
    return { cases, found };
}

describe("the lab's Route 53 record selector", () => {
    describe("the Developer Guide's table of weights 1, 1, 0, every record health-checked", () => {
        for (const row of guideZeroWeightTable) {
            it(`statuses ${row.statuses.join(", ")} answer records ${row.answered.map((a, i) => (a ? i + 1 : undefined)).filter(Boolean).join(" and ")}`, () => {
                const selection = selectWeightedRecords(group(["1", 1, row.statuses[0]], ["2", 1, row.statuses[1]], ["3", 0, row.statuses[2]]));

                expect(["1", "2", "3"].map((id) => selection.selected.includes(id))).to.deep.equal(row.answered);
            });
        }
    });

    it("gives weights 1 and 255 shares of 1/256 and 255/256 (the guide's example), as the model does", () => {
        const selection = selectWeightedRecords(group(["primary", 1, H], ["secondary", 255, H]));

        expect(selection.probability).to.deep.equal({ primary: 1 / 256, secondary: 255 / 256 });
        expect(route53Answer({ primary: { weight: 1, ...up }, secondary: { weight: 255, ...up } }).shares).to.deep.equal(selection.probability);
    });

    it("answers every record with equal probability when all weigh 0 (API reference, Weight), as the model does", () => {
        const selection = selectWeightedRecords(group(["primary", 0, H], ["secondary", 0, H]));

        expect(selection).to.deep.include({ selected: ["primary", "secondary"], probability: { primary: 0.5, secondary: 0.5 }, fromZeroWeight: true });
        expect(route53Answer({ primary: { weight: 0, ...up }, secondary: { weight: 0, ...up } }).shares).to.deep.equal(selection.probability);
    });

    it("treats every record as healthy when none is (\"if no record is healthy, all records are healthy\"), weights as usual", () => {
        const selection = selectWeightedRecords(group(["primary", 3, U], ["secondary", 1, U]));

        expect(selection).to.deep.include({ selected: ["primary", "secondary"], probability: { primary: 0.75, secondary: 0.25 }, allConsideredHealthy: true });
        expect(route53Answer({ primary: { weight: 3, ...down }, secondary: { weight: 1, ...down } }).shares).to.deep.equal(selection.probability);
    });

    it("agrees with the model (automation/dns-answers.ts) on the records, shares and rule of all 256 two-record cases", () => {
        const { cases, found } = disagreements(selectWeightedRecords);

        expect(cases).to.equal(256);
        expect(found, found.slice(0, 5).join("\n")).to.deep.equal([]);
    });

    it("the cross-check catches a selector that ignores the fail-open rule", () => {
        // Without "all records are healthy", nothing would be answered when every check is unhealthy;
        // this one answers the weight-0 records instead, a plausible misreading.
        const neverFailsOpen = (g: readonly WeightedRecordInput[]) =>
            selectWeightedRecords(g.some((r) => r.healthCheckStatus === "Healthy") ? g : g.map((r) => ({ ...r, healthCheckStatus: r.weight === 0 ? H : U })));

        expect(disagreements(neverFailsOpen).found).to.not.deep.equal([]);
    });

    it("names the record of a weight outside 0–255, and a Record ID used twice", () => {
        expect(() => selectWeightedRecords(group(["primary", 256, H]))).to.throw("group[0].weight (primary) must be an integer 0–255 (got 256)");
        expect(() => selectWeightedRecords(group(["a", 1, H], ["a", 2, H]))).to.throw('group[1].setIdentifier "a" appears twice');
        expect(() => selectWeightedRecords([])).to.throw("a weighted group needs at least one record");
    });

    it("counts a fenced region's record unhealthy although its endpoint answers (the calculated check needs every child)", () => {
        const inputs: Readonly<Record<RegionName, LabInputs[RegionName]>> = { primary: { weight: 100, endpointHealthy: true, fenced: true }, secondary: { weight: 0, ...up } };

        expect(labRecordGroup(inputs).map((r) => r.healthCheckStatus)).to.deep.equal([U, H]);
    });
});
