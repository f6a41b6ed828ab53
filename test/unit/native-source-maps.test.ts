import { expect } from "chai";
import { throwFrom, throwLine } from "../fixtures/source-maps/thrower";

// scripts/native-source-maps.js (preloaded by every suite, the drill, the bench and the checkout's
// CLI) swaps ts-node's stack formatter for Node's own source maps: traces must still name the
// TypeScript line, not the transpiled one.
describe("native source maps (the preload after ts-node)", () => {
    it("has replaced ts-node's formatter", () => {
        expect(Error.prepareStackTrace).to.equal(undefined);
    });

    it("maps a stack frame to the TypeScript line of the throw", () => {
        let stack = "";
        try {
            throwFrom({ name: "triangle" });
        } catch (err) {
            stack = (err as Error).stack ?? "";
        }
        expect(stack).to.match(new RegExp(`thrower\\.ts:${throwLine}:\\d+`));
    });
});
