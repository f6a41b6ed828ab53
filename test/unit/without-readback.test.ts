import * as fs from "node:fs";
import * as os from "node:os";
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

// The same against the SDK's own `Stack.up`, with a stand-in for the engine binary only: an engine
// of before 3.206 (which writes its events to a file the SDK polls) whose `up` writes the given
// events, waits until the caller has seen them (bounded), and exits.
describe("up without read-back, through the SDK's own Stack.up", () => {
    function realStack(events: readonly EngineEvent[]) {
        const commands: string[] = [];
        const seen = { events: 0 };
        const workspace = {
            workDir: os.tmpdir(),
            envVars: {},
            program: undefined,
            pulumiVersion: "3.200.0",
            serializeArgsForOp: async () => [],
            postCommandCallback: async () => undefined,
            stackOutputs: async () => {
                commands.push("stack output (workspace)");
                return {};
            },
            pulumiCommand: {
                async run(args: string[]) {
                    commands.push(args.slice(0, 2).join(" "));
                    if (args[0] === "up") {
                        const at = args.indexOf("--event-log");
                        if (at >= 0 && events.length > 0) {
                            fs.appendFileSync(args[at + 1], events.map((e) => `${JSON.stringify(e)}\n`).join(""));
                            const deadline = Date.now() + 10_000;
                            while (seen.events < events.length && Date.now() < deadline) {
                                await new Promise((r) => setTimeout(r, 20));
                            }
                        }
                        return { stdout: "", stderr: "", code: 0 };
                    }
                    if (args[0] === "stack" && args[1] === "history") {
                        return { stdout: JSON.stringify([{ kind: "update", result: "succeeded", startTime: "2026-12-01T00:00:00Z", resourceChanges: { same: 5 } }]), stderr: "", code: 0 };
                    }
                    throw new Error(`unexpected command ${args.join(" ")}`);
                },
            },
        };
        const stack = Object.assign(Object.create(Stack.prototype) as Stack, { name: "dns", workspace });
        return { stack, commands, onEvent: () => void seen.events++ };
    }

    it("runs the engine once and takes the changes from its summary event", async () => {
        const { stack, commands, onEvent } = realStack([summary]);
        expect(await upWithoutReadback(stack, { onEvent })).to.deep.equal({ update: 2, same: 14 });
        expect(commands).to.deep.equal(["up --yes"]);
    });

    it("reads the last update once when the engine wrote no summary", async () => {
        const { stack, commands, onEvent } = realStack([]);
        expect(await upWithoutReadback(stack, { onEvent })).to.deep.equal({ same: 5 });
        expect(commands).to.deep.equal(["up --yes", "stack history"]);
    });

    it("is needed: the SDK's own up reads the outputs and the last update back after the engine", async () => {
        const { stack, commands, onEvent } = realStack([summary]);
        await stack.up({ onEvent });
        expect(commands).to.deep.equal(["up --yes", "stack output (workspace)", "stack history"]);
    });
});
