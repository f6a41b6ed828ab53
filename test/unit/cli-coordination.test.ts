import { expect } from "chai";
import { leaseMs } from "../../automation/cli/context";
import { UsageError } from "../../automation/cli/errors";

describe("CLI: the coordination flags", () => {
    it("--lease is seconds > 0, converted once, and a bad one is refused naming it", () => {
        expect(leaseMs(3)).to.equal(3000);
        expect(leaseMs(0.5)).to.equal(500);
        for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
            expect(() => leaseMs(bad)).to.throw(UsageError, `--lease must be a number of seconds > 0 (got ${String(bad)})`);
        }
    });
});
