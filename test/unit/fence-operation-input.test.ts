// The fence operation's refusals of bad input, which come before any reading of the world: the
// region, control characters in the audited text, and --force without a reason.
import { expect } from "chai";
import { BadInputError } from "../../automation/driver/errors";
import { checkFenceText, FenceNotConfirmedError, FenceWorld, HarmfulFenceError, NothingToFenceError, parseFenceRegion, planFence } from "../../automation/fence/operation";

/** A world that fails the test if the operation reads it: bad input is refused before any read. */
const untouchable = new Proxy({}, { get: (_t, key) => expect.fail(`the world was read (${String(key)}) before the input was checked`) }) as FenceWorld;

describe("the fence operation's input, refused before anything is read", () => {
    it("takes each region by name and refuses any other, listing the valid ones", () => {
        expect(parseFenceRegion("primary")).to.equal("primary");
        expect(parseFenceRegion("secondary")).to.equal("secondary");
        expect(() => parseFenceRegion("Primary")).to.throw(BadInputError, 'unknown region "Primary" (valid: primary, secondary)');
    });

    it("refuses a control character in the reason or the identity, naming which", () => {
        expect(() => checkFenceText({ reason: "outage\nfenced by root" })).to.throw(BadInputError, /^reason must not contain control characters/);
        expect(() => checkFenceText({ reason: "outage", identity: "alice\u001b[2J" })).to.throw(BadInputError, /^identity must not contain control characters/);
        expect(() => checkFenceText({ reason: "outage in eu-west-1 (ticket 42)", identity: "alice" })).to.not.throw();
        expect(() => checkFenceText({})).to.not.throw();
    });

    it("planFence checks the region, the text and --force's reason before reading the world", async () => {
        const refusals: [Parameters<typeof planFence>[0], RegExp][] = [
            [{ region: "tertiary", action: "fence" }, /^unknown region "tertiary"/],
            [{ region: "primary", action: "fence", reason: "a\rb" }, /^reason must not contain control characters/],
            [{ region: "primary", action: "fence", force: true }, /^--force needs --reason/],
            [{ region: "primary", action: "unfence", force: true, reason: "   " }, /^--force needs --reason/],
        ];
        for (const [request, message] of refusals) {
            const refused = await planFence(request, untouchable).then(
                () => undefined,
                (err: unknown) => err,
            );
            expect(refused, JSON.stringify(request)).to.be.instanceOf(BadInputError).with.property("message").that.matches(message);
        }
    });

    it("each refusal the CLI reports is a BadInputError carrying its own name", () => {
        for (const [ErrorClass, name] of [
            [HarmfulFenceError, "HarmfulFenceError"],
            [NothingToFenceError, "NothingToFenceError"],
            [FenceNotConfirmedError, "FenceNotConfirmedError"],
        ] as const) {
            const err = new ErrorClass("x");
            expect(err).to.be.instanceOf(BadInputError);
            expect(err.name).to.equal(name);
        }
    });
});
