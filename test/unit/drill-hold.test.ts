import { expect } from "chai";
import { holdFor, holdSecondsOf, maxHoldSeconds } from "../../scripts/drill-hold";

describe("drill --hold", () => {
    it("takes a whole number of seconds from 1 to the bound, or nothing", () => {
        expect(holdSecondsOf([])).to.equal(undefined);
        expect(holdSecondsOf(["--hold", "1"])).to.equal(1);
        expect(holdSecondsOf(["--hold", String(maxHoldSeconds)])).to.equal(maxHoldSeconds);
    });

    it("refuses in one line naming the flag and the value: none, zero, above the bound, not a number, twice, or another argument", () => {
        const refusal = (argv: string[]) => {
            try {
                holdSecondsOf(argv);
            } catch (err) {
                return (err as Error).message;
            }
            throw new Error(`accepted ${argv.join(" ")}`);
        };
        expect(refusal(["--hold"])).to.equal(`--hold must be a whole number of seconds from 1 to ${maxHoldSeconds} (got nothing)`);
        expect(refusal(["--hold", "0"])).to.contain('(got "0")');
        expect(refusal(["--hold", String(maxHoldSeconds + 1)])).to.contain(`(got "${maxHoldSeconds + 1}")`);
        expect(refusal(["--hold", "1.5"])).to.contain('(got "1.5")');
        expect(refusal(["--hold", "-5"])).to.contain('(got "-5")');
        expect(refusal(["--hold", "5", "--hold", "6"])).to.equal("--hold was given more than once");
        expect(refusal(["60"])).to.equal('unknown argument "60" (the drill takes only --hold <seconds>)');
    });

    it("a hold ends early on SIGINT, and leaves no signal handler behind", async () => {
        const before = process.listenerCount("SIGINT");
        const held = holdFor(maxHoldSeconds);
        expect(process.listenerCount("SIGINT")).to.equal(before + 1);
        process.emit("SIGINT");
        expect(await held).to.equal("interrupted");
        expect(process.listenerCount("SIGINT")).to.equal(before);
    });
});
