import { expect } from "chai";
import { throwFrom, throwLine } from "../fixtures/source-maps/thrower";

// scripts/unmapped-sdk-stacks.js (preloaded by every suite, the drill, the bench and the checkout's
// CLI) leaves the stacks the Pulumi SDK captures for its own bookkeeping unmapped, and nothing else.
describe("unmapped SDK stacks (the preload after ts-node)", () => {
    it("still maps an error's stack to the TypeScript line of the throw", () => {
        let stack = "";
        try {
            throwFrom({ name: "triangle" });
        } catch (err) {
            stack = (err as Error).stack ?? "";
        }
        expect(stack).to.match(new RegExp(`thrower\\.ts:${throwLine}:\\d+`));
    });

    it("gives the SDK's per-promise capture V8's plain format, which still names its frames", () => {
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
            debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
        };
        const original = Promise.resolve("settled");
        const promise = debuggable.debuggablePromise(original, "test");
        const captured = (original as unknown as { _debugStackTrace: string })._debugStackTrace;
        expect(captured.split("\n")[0]).to.equal("Error");
        expect(captured).to.match(/at Object\.debuggablePromise \(.*debuggable\.js:\d+:\d+\)/);
        // Mapped, the SDK frame would name its TypeScript source (debuggable.ts); plain, the JS file.
        expect(captured).to.not.include("debuggable.ts");
        return promise;
    });
});
