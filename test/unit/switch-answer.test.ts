import { expect } from "chai";
import { AnswerPrediction, predictAnswerChange } from "../../automation/answer-safety";
import { AnswerSafetyError, BadInputError } from "../../automation/driver/errors";
import { decideOnAnswer, readSwitchWorld, switchAnswerInputs, switchTargetWeights } from "../../automation/driver/switch-answer";
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { CapacityMode, RegionName, Weights } from "../../foundation/posture";

// What a switch reads and changes for the answer-safety prediction, and the decision on it.

const w = (primary: number, secondary: number): Weights => ({ primary, secondary });

function predict(opts: {
    now: Weights;
    after: Weights;
    endpoint: Record<RegionName, "healthy" | "unhealthy" | "unknown">;
    capacityNow?: Partial<Record<RegionName, CapacityMode>>;
    capacityAfter: Record<RegionName, CapacityMode>;
    skipVerify?: boolean;
}): AnswerPrediction {
    const inputs = switchAnswerInputs({
        world: { endpoint: opts.endpoint, fence: { primary: "unfenced", secondary: "unfenced" } },
        weightsNow: opts.now,
        weightsAfter: opts.after,
        capacityNow: opts.capacityNow ?? { primary: "active", secondary: "pilot-light" },
        capacityAfter: opts.capacityAfter,
        skipVerify: opts.skipVerify ?? false,
    });
    return predictAnswerChange(inputs.before, inputs.after);
}

const failoverCapacity = { primary: "drained", secondary: "active" } as const;
const passiveCapacity = { primary: "active", secondary: "pilot-light" } as const;

async function refusal(call: Promise<unknown>): Promise<Error | undefined> {
    return call.then(
        () => undefined,
        (err: Error) => err,
    );
}

describe("switch answer: what a switch reads, changes and may do", () => {
    it("a failover onto a dead secondary is harmful: the drained primary counts unhealthy after", () => {
        const p = predict({ now: w(100, 0), after: w(0, 100), endpoint: { primary: "healthy", secondary: "unhealthy" }, capacityAfter: failoverCapacity });
        expect(p.verdict).to.equal("harmful");
        expect(p.harm).to.match(/^secondary's endpoint is unhealthy and would get 100 % of answers/);
    });

    it("a failover with the primary dead and the secondary healthy is safe", () => {
        const p = predict({ now: w(100, 0), after: w(0, 100), endpoint: { primary: "unhealthy", secondary: "healthy" }, capacityAfter: failoverCapacity });
        expect(p.verdict).to.equal("safe");
    });

    it("failback counts the primary it brings up out of drained as healthy (the gate verifies it before DNS), unknown when the gate is skipped", () => {
        const base = { now: w(0, 100), after: w(100, 0), endpoint: { primary: "unhealthy", secondary: "healthy" } as const, capacityNow: failoverCapacity, capacityAfter: passiveCapacity };
        expect(predict(base).verdict).to.equal("safe");
        const skipped = predict({ ...base, skipVerify: true });
        expect(skipped.verdict).to.equal("unknown");
        expect(skipped.unknowns).to.deep.equal(["primary endpoint"]);
    });

    it("a region drained before and after keeps its reading: a repeated failover is not made harmful by the drain", () => {
        const p = predict({ now: w(0, 100), after: w(0, 100), endpoint: { primary: "unhealthy", secondary: "healthy" }, capacityNow: failoverCapacity, capacityAfter: failoverCapacity });
        expect(p.verdict).to.equal("safe");
    });

    it("without a health source every endpoint is unknown: never healthy", async () => {
        const world = await readSwitchWorld({ fence: { fence: async () => undefined, unfence: async () => undefined }, coordinates: {} as FenceCoordinates, endpointHealth: undefined, outputs: { primary: {}, secondary: {} } });
        expect(world).to.deep.equal({ endpoint: { primary: "unknown", secondary: "unknown" }, fence: { primary: "unknown", secondary: "unknown" } });
    });

    it("a fence that cannot be read is unknown; a dns stack without fence coordinates has no fence (unfenced)", async () => {
        const failing = { fence: async () => undefined, unfence: async () => undefined, state: async () => Promise.reject(new Error("us-east-1 is down")) };
        expect((await readSwitchWorld({ fence: failing, coordinates: {} as FenceCoordinates, endpointHealth: undefined, outputs: { primary: {}, secondary: {} } })).fence).to.deep.equal({ primary: "unknown", secondary: "unknown" });
        expect((await readSwitchWorld({ fence: failing, coordinates: undefined, endpointHealth: undefined, outputs: { primary: {}, secondary: {} } })).fence).to.deep.equal({ primary: "unfenced", secondary: "unfenced" });
    });

    it("the target weights: the explicit split, else the dns stack's configured split, else the posture's", () => {
        const config = { "sftp-failover:activeActiveWeights": '{"primary":30,"secondary":70}' };
        expect(switchTargetWeights("active-active", w(255, 1), config)).to.deep.equal(w(255, 1));
        expect(switchTargetWeights("active-active", undefined, config)).to.deep.equal(w(30, 70));
        expect(switchTargetWeights("active-active", undefined, {})).to.deep.equal(w(50, 50));
        expect(switchTargetWeights("failover", undefined, config)).to.deep.equal(w(0, 100));
    });

    describe("the decision", () => {
        const harmful = predict({ now: w(100, 0), after: w(0, 100), endpoint: { primary: "healthy", secondary: "unhealthy" }, capacityAfter: failoverCapacity });
        const unknown = predict({ now: w(100, 0), after: w(0, 100), endpoint: { primary: "healthy", secondary: "unknown" }, capacityAfter: failoverCapacity });

        it("refuses a harmful switch in one line naming the harm: a BadInputError (nothing changed)", async () => {
            const err = await refusal(decideOnAnswer(harmful, { reason: "drill" }));
            expect(err).to.be.instanceOf(AnswerSafetyError).and.instanceOf(BadInputError);
            expect(err?.message).to.equal("refused: secondary's endpoint is unhealthy and would get 100 % of answers (now 0 %) (force with a reason to switch anyway)");
        });

        it("lets a harmful switch through when forced with a reason, naming the harm overridden; forced without a reason is refused", async () => {
            expect(await decideOnAnswer(harmful, { force: true, reason: "the check is wrong, I logged in myself" })).to.deep.equal({ forced: harmful.harm });
            const err = await refusal(decideOnAnswer(harmful, { force: true, reason: " " }));
            expect(err?.message).to.match(/^refused: forcing a switch that harms clients needs a reason/);
        });

        it("refuses unknown health unless accepted, showing every case in the one line", async () => {
            const err = await refusal(decideOnAnswer(unknown, {}));
            expect(err).to.be.instanceOf(AnswerSafetyError);
            expect(err?.message.split("\n")).to.have.length(1);
            expect(err?.message).to.contain("if secondary endpoint healthy:").and.contain("if secondary endpoint unhealthy:");
            expect(await decideOnAnswer(unknown, { acceptUnknownHealth: true })).to.deep.equal({});
        });

        it("asks a confirm callback with the prediction, and refuses when it declines", async () => {
            const asked: AnswerPrediction[] = [];
            expect(await decideOnAnswer(unknown, { acceptUnknownHealth: async (p) => (asked.push(p), true) })).to.deep.equal({});
            expect(asked).to.deep.equal([unknown]);
            expect(await refusal(decideOnAnswer(unknown, { acceptUnknownHealth: async () => false }))).to.be.instanceOf(AnswerSafetyError);
        });

        it("a safe switch needs nothing", async () => {
            const safe = predict({ now: w(100, 0), after: w(0, 100), endpoint: { primary: "healthy", secondary: "healthy" }, capacityAfter: failoverCapacity });
            expect(await decideOnAnswer(safe, {})).to.deep.equal({});
        });
    });
});
