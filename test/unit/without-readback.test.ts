import { expect } from "chai";
import { EngineEvent, Stack, UpOptions } from "@pulumi/pulumi/automation";
import { upWithoutReadback } from "../../automation/engine/without-readback";

// The Automation API's `Stack.up` calls `this.outputs()` and `this.info()` after the engine exits.
// A stand-in with the same shape shows which of them reach the stack itself.

function stackLike(events: EngineEvent[]) {
    const calls: string[] = [];
    const stack = {
        name: "dns",
        async outputs() {
            calls.push("outputs");
            return { posture: { value: "failover", secret: false } };
        },
        async info() {
            calls.push("info");
            return { resourceChanges: { same: 3 } };
        },
        async up(this: Stack, opts: UpOptions) {
            calls.push("up");
            events.forEach((e) => opts.onEvent?.(e));
            return { stdout: "", stderr: "", outputs: await this.outputs(), summary: await this.info() };
        },
    };
    return { stack: stack as unknown as Stack, calls };
}

const summary: EngineEvent = { sequence: 2, timestamp: 0, summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { update: 2, same: 14 }, policyPacks: {} } };

describe("up without the Automation API's read-back", () => {
    it("runs up once, answers its outputs and last-update reads without the stack, and returns the summary event's changes", async () => {
        const { stack, calls } = stackLike([{ sequence: 1, timestamp: 0, cancelEvent: {} }, summary]);
        expect(await upWithoutReadback(stack, {})).to.deep.equal({ update: 2, same: 14 });
        expect(calls).to.deep.equal(["up"]);
    });

    it("passes every event on to the caller's handler, the summary too", async () => {
        const { stack } = stackLike([summary]);
        const seen: EngineEvent[] = [];
        await upWithoutReadback(stack, { onEvent: (e) => seen.push(e) });
        expect(seen).to.deep.equal([summary]);
    });

    it("reads the last update from the stack only when no summary event came", async () => {
        const { stack, calls } = stackLike([]);
        expect(await upWithoutReadback(stack, {})).to.deep.equal({ same: 3 });
        expect(calls).to.deep.equal(["up", "info"]);
    });

    it("leaves the stack itself as it was: its own reads still reach it", async () => {
        const { stack, calls } = stackLike([summary]);
        await upWithoutReadback(stack, {});
        expect(await stack.outputs()).to.deep.equal({ posture: { value: "failover", secret: false } });
        expect(calls).to.deep.equal(["up", "outputs"]);
    });
});
