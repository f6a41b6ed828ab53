import { expect } from "chai";
import { Posture, postures, postureSpec } from "../../foundation/posture";
import { pendingSteps, planSteps, planTransition, stateOfPosture } from "../../automation/driver/planner";
import { configKeys } from "../../stacks/contract";

type Pending = [id: string, from: string | undefined, to: string][];

// The whole truth table of switches: which steps run, in which order, from what to what.
const expected: Record<Posture, Record<Posture, Pending>> = {
    "active-active": {
        "active-active": [],
        "active-passive": [
            ["dns:dns", "active-active", "active-passive"],
            ["after-dns:secondary", "active", "pilot-light"],
        ],
        failover: [
            ["dns:dns", "active-active", "failover"],
            ["after-dns:primary", "active", "drained"],
        ],
    },
    "active-passive": {
        "active-active": [
            ["before-dns:secondary", "pilot-light", "active"],
            ["dns:dns", "active-passive", "active-active"],
        ],
        "active-passive": [],
        failover: [
            ["before-dns:secondary", "pilot-light", "active"],
            ["dns:dns", "active-passive", "failover"],
            ["after-dns:primary", "active", "drained"],
        ],
    },
    failover: {
        "active-active": [
            ["before-dns:primary", "drained", "active"],
            ["dns:dns", "failover", "active-active"],
        ],
        "active-passive": [
            ["before-dns:primary", "drained", "active"],
            ["dns:dns", "failover", "active-passive"],
            ["after-dns:secondary", "active", "pilot-light"],
        ],
        failover: [],
    },
};

describe("step planner", () => {
    for (const from of postures) {
        for (const to of postures) {
            it(`${from} → ${to} runs exactly ${expected[from][to].length} step(s) in the safe order`, () => {
                const steps = planTransition(from, to);
                const pending = pendingSteps(steps).map((s) => [s.id, s.from, s.to]);
                expect(pending).to.deep.equal(expected[from][to]);
            });

            it(`${from} → ${to} scales every region taking traffic before the DNS switch and drains only after it`, () => {
                const steps = planTransition(from, to);
                const spec = postureSpec(to);
                const dnsIndex = steps.findIndex((s) => s.stack === "dns");
                expect(steps.filter((s) => s.stack === "dns")).to.have.length(1);
                for (const [i, step] of steps.entries()) {
                    expect(step.index).to.equal(i + 1);
                    if (step.region === undefined) {
                        continue;
                    }
                    expect(step.to).to.equal(spec.capacity[step.region]);
                    if (spec.weights[step.region] > 0) {
                        expect(i, step.id).to.be.below(dnsIndex);
                    } else {
                        expect(i, step.id).to.be.above(dnsIndex);
                    }
                }
            });
        }
    }

    it("only a scale-down after the DNS switch waits for the region's open sessions to drain", () => {
        const draining = postures.flatMap((from) =>
            postures.flatMap((to) => pendingSteps(planTransition(from, to)).filter((s) => s.drainFirst === true).map((s) => `${from} → ${to}: ${s.id}`)),
        );
        expect(draining).to.deep.equal([
            "active-active → active-passive: after-dns:secondary",
            "active-active → failover: after-dns:primary",
            "active-passive → failover: after-dns:primary",
            "failover → active-passive: after-dns:secondary",
        ]);
    });

    it("a switch and its reverse scale the regions in opposite order", () => {
        const forward = pendingSteps(planTransition("active-passive", "failover")).map((s) => s.stack);
        const back = pendingSteps(planTransition("failover", "active-passive")).map((s) => s.stack);
        expect(forward).to.deep.equal(["secondary", "dns", "primary"]);
        expect(back).to.deep.equal(["primary", "dns", "secondary"]);
    });

    it("re-running the deployed posture is a no-op: every step is present and skipped", () => {
        for (const p of postures) {
            const steps = planTransition(p, p);
            expect(steps.length).to.be.greaterThan(0);
            expect(steps.every((s) => s.skip), p).to.equal(true);
        }
    });

    it("serving region comes first among the regions scaled up", () => {
        expect(planSteps({ capacity: {} }, "failover")[0].region).to.equal("secondary");
        expect(planSteps({ capacity: {} }, "active-active").map((s) => s.id)).to.deep.equal([
            "before-dns:primary",
            "before-dns:secondary",
            "dns:dns",
        ]);
    });

    it("a split where the secondary is heavier (30/70) scales the secondary first: it serves first", () => {
        const heavier = { activeActiveWeights: { primary: 30, secondary: 70 } };
        expect(planSteps({ capacity: {} }, "active-active", heavier).map((s) => s.id)).to.deep.equal(["before-dns:secondary", "before-dns:primary", "dns:dns"]);
        // From the failover posture only the drained primary has to grow, and it still comes after the secondary's (skipped) step.
        const fromFailover = planSteps(stateOfPosture("failover"), "active-active", heavier);
        expect(fromFailover.map((s) => [s.id, s.skip])).to.deep.equal([
            ["before-dns:secondary", true],
            ["before-dns:primary", false],
            ["dns:dns", false],
        ]);
    });

    it("nothing deployed yet: no step is skipped and `from` is undefined", () => {
        const steps = planSteps({ capacity: {} }, "active-passive");
        expect(steps.map((s) => s.skip)).to.deep.equal([false, false, false]);
        expect(steps.map((s) => s.from)).to.deep.equal([undefined, undefined, undefined]);
    });

    it("a switch interrupted after its first step resumes at the DNS switch", () => {
        const halfway = { capacity: { primary: "active", secondary: "active" }, dns: { posture: "active-passive" } } as const;
        expect(pendingSteps(planSteps(halfway, "failover")).map((s) => s.id)).to.deep.equal(["dns:dns", "after-dns:primary"]);
    });

    it("each step sets only its own stack's config key", () => {
        for (const step of planTransition("active-passive", "failover")) {
            const keys = step.config.map((c) => c.key);
            expect(keys).to.deep.equal(step.stack === "dns" ? [configKeys.posture] : [configKeys.capacityMode]);
        }
    });

    it("a new active-active split is a DNS change even when the posture is already active-active", () => {
        const deployed = stateOfPosture("active-active");
        const weights = { primary: 80, secondary: 20 };
        const steps = planSteps(deployed, "active-active", { activeActiveWeights: weights });
        const dns = steps.find((s) => s.stack === "dns");
        expect(dns?.skip).to.equal(false);
        expect(dns?.config).to.deep.equal([
            { key: configKeys.posture, value: "active-active" },
            { key: `${configKeys.activeActiveWeights}.primary`, value: "80", path: true },
            { key: `${configKeys.activeActiveWeights}.secondary`, value: "20", path: true },
        ]);
        expect(planSteps(stateOfPosture("active-active", weights), "active-active", { activeActiveWeights: weights }).every((s) => s.skip)).to.equal(true);
    });

    it("weights that Route 53 must not see are refused before any step is planned", () => {
        expect(() => planSteps({ capacity: {} }, "active-active", { activeActiveWeights: { primary: 300, secondary: 0 } })).to.throw(
            /activeActiveWeights.primary must be an integer 0–255 \(got 300\)/,
        );
    });

    it("every step describes itself in one line", () => {
        const [first] = planTransition("active-passive", "failover");
        expect(first.description).to.equal("scale secondary pilot-light → active");
    });

    it("the DNS step names the split it deploys, and a step from nothing deployed says so", () => {
        const weights = { primary: 80, secondary: 20 };
        const dns = planSteps(stateOfPosture("active-active"), "active-active", { activeActiveWeights: weights }).find((s) => s.stack === "dns");
        expect(dns).to.include({ id: "dns:dns", phase: "dns", from: "active-active", to: "active-active 80/20", description: "switch DNS active-active → active-active 80/20" });
        const fresh = planSteps({ capacity: {} }, "failover");
        expect(fresh.map((s) => s.description)).to.deep.equal([
            "scale secondary (not deployed) → active",
            "switch DNS (not deployed) → failover",
            "scale primary (not deployed) → drained",
        ]);
        expect(fresh.map((s) => s.phase)).to.deep.equal(["before-dns", "dns", "after-dns"]);
    });

    it("a split given for a posture other than active-active changes nothing in the DNS step", () => {
        const weights = { primary: 80, secondary: 20 };
        for (const posture of ["active-passive", "failover"] as const) {
            const steps = planSteps(stateOfPosture(posture), posture, { activeActiveWeights: weights });
            const dns = steps.find((s) => s.stack === "dns");
            expect(steps.every((s) => s.skip), posture).to.equal(true);
            expect(dns?.config, posture).to.deep.equal([{ key: configKeys.posture, value: posture }]);
            expect(dns?.to, posture).to.equal(posture);
        }
    });

    it("a split that differs in either weight, or a deployed split not known, is a DNS change", () => {
        const deployed = stateOfPosture("active-active", { primary: 80, secondary: 20 });
        for (const weights of [{ primary: 70, secondary: 20 }, { primary: 80, secondary: 30 }]) {
            const dns = planSteps(deployed, "active-active", { activeActiveWeights: weights }).find((s) => s.stack === "dns");
            expect(dns?.skip, JSON.stringify(weights)).to.equal(false);
        }
        const unknownSplit = { capacity: deployed.capacity, dns: { posture: "active-active" } } as const;
        const dns = planSteps(unknownSplit, "active-active", { activeActiveWeights: { primary: 80, secondary: 20 } }).find((s) => s.stack === "dns");
        expect(dns?.skip).to.equal(false);
    });

    it("only the posture decides a DNS skip when no split is given, or when the deployed split of another posture is not known", () => {
        const eightyTwenty = stateOfPosture("active-active", { primary: 80, secondary: 20 });
        expect(planSteps(eightyTwenty, "active-active").every((s) => s.skip)).to.equal(true);
        const failoverNoSplit = { capacity: stateOfPosture("failover").capacity, dns: { posture: "failover" } } as const;
        expect(planSteps(failoverNoSplit, "failover", { activeActiveWeights: { primary: 80, secondary: 20 } }).every((s) => s.skip)).to.equal(true);
    });
});

