import { expect } from "chai";
import { ConcurrentUpdateError, Stack, UpOptions, UpResult } from "@pulumi/pulumi/automation";
import { AbortedError, LockLostError } from "../../automation/driver/errors";
import { planTransition } from "../../automation/driver/planner";
import { runStep, StepTimeoutError } from "../../automation/driver/step-runner";

// The step runner against a stand-in Stack: only the three methods it calls, each call recorded.
// (The real engine runs these paths in test/engine/driver-*.test.ts.)

type UpBehaviour = (opts: UpOptions) => Promise<UpResult>;

function fakeStack(behaviours: UpBehaviour[]) {
    const calls: string[] = [];
    const stack = {
        name: "organization/sftp-failover/secondary",
        async setConfig(key: string, value: { value: string }, pathFlag?: boolean) {
            calls.push(`setConfig ${key}=${value.value}${pathFlag ? " (path)" : ""}`);
        },
        async setAllConfig(config: Record<string, { value: string }>, pathFlag?: boolean) {
            calls.push(`setAllConfig ${Object.entries(config).map(([k, v]) => `${k}=${v.value}`).join(" ")}${pathFlag ? " (path)" : ""}`);
        },
        async removeConfig(key: string, pathFlag?: boolean) {
            calls.push(`removeConfig ${key}${pathFlag ? " (path)" : ""}`);
        },
        // A deployed regional stack: its Auto Scaling group and one resource the step must not touch.
        async exportStack() {
            return {
                version: 3,
                deployment: {
                    resources: [
                        { urn: "urn:pulumi:secondary::sftp-failover::aws:autoscaling/group:Group::asg", type: "aws:autoscaling/group:Group" },
                        { urn: "urn:pulumi:secondary::sftp-failover::aws:ec2/launchTemplate:LaunchTemplate::lt", type: "aws:ec2/launchTemplate:LaunchTemplate" },
                    ],
                },
            };
        },
        // The last update, which the runner reads only when the engine sent no summary event.
        async info() {
            calls.push("info");
            return { resourceChanges: { update: 1, same: 8 } };
        },
        up(opts: UpOptions): Promise<UpResult> {
            calls.push(`up refresh=${String(opts.refresh)} target=${(opts.target ?? ["(all)"]).join(",")}`);
            const next = behaviours.shift();
            if (next === undefined) {
                throw new Error("unexpected extra up");
            }
            return next(opts);
        },
    };
    return { stack: stack as unknown as Stack, calls };
}

/** An `up` that succeeds and, as the engine does, ends its event stream with a summary. */
const succeeded: UpBehaviour = async (opts) => {
    opts.onEvent?.({ sequence: 1, timestamp: 0, summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { update: 1, same: 9 }, policyPacks: {} } });
    return { stdout: "", stderr: "", outputs: {}, summary: undefined } as unknown as UpResult;
};

/** An `up` that succeeds without a summary event (an engine that streams no events). */
const succeededSilently: UpBehaviour = async () => ({ stdout: "", stderr: "", outputs: {}, summary: undefined }) as unknown as UpResult;

/** An `up` that only ends when its signal fires (as the engine does on SIGINT). */
const hangsUntilCancelled: UpBehaviour = (opts) =>
    new Promise((_resolve, reject) => opts.signal?.addEventListener("abort", () => reject(new Error("cancelled")), { once: true }));

function concurrentUpdate(): Promise<UpResult> {
    const err = Object.create(ConcurrentUpdateError.prototype) as Error;
    err.message = "the stack is currently locked by 1 lock(s)";
    return Promise.reject(err);
}

const [scaleSecondary] = planTransition("active-passive", "failover");
const base = { refresh: false, timeoutMs: 60_000, cancelGraceMs: 1_000, stackBusyMs: 60_000 };

describe("step runner", () => {
    it("sets the step's config, then runs up on that stack without refresh, and reports the engine's changes", async () => {
        const { stack, calls } = fakeStack([succeeded]);
        const outcome = await runStep(stack, scaleSecondary, base);
        expect(calls).to.deep.equal([
            "setAllConfig sftp-failover:capacityMode=active",
            "up refresh=false target=urn:pulumi:secondary::sftp-failover::aws:autoscaling/group:Group::asg",
        ]);
        expect(outcome.changes).to.deep.equal({ update: 1, same: 9 });
    });

    it("without the engine's summary event, reads the stack's last update for the changes instead", async () => {
        const { stack, calls } = fakeStack([succeededSilently]);
        const outcome = await runStep(stack, scaleSecondary, base);
        expect(calls.at(-1)).to.equal("info");
        expect(outcome.changes).to.deep.equal({ update: 1, same: 8 });
    });

    it("an up past its timeout is cancelled and reported as a StepTimeoutError", async () => {
        const { stack } = fakeStack([hangsUntilCancelled]);
        const err = await runStep(stack, scaleSecondary, { ...base, timeoutMs: 50 }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(StepTimeoutError);
        expect((err as Error).message).to.equal('step "scale secondary pilot-light → active" did not finish within 50 ms');
    });

    it("a stack busy with another update is retried until it is free", async () => {
        const { stack, calls } = fakeStack([concurrentUpdate, succeeded]);
        await runStep(stack, scaleSecondary, base);
        expect(calls.filter((c) => c.startsWith("up"))).to.have.length(2);
    });

    it("while the stack is busy, asks the caller to clear locks of engines that died, before each retry, without piling listeners on its signal", async () => {
        const { stack, calls } = fakeStack([concurrentUpdate, concurrentUpdate, succeeded]);
        const signal = new AbortController().signal;
        let listeners = 0;
        const add = signal.addEventListener.bind(signal);
        const remove = signal.removeEventListener.bind(signal);
        signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
        signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
        await runStep(stack, scaleSecondary, { ...base, signal, onStackBusy: async () => void calls.push("clear dead locks") });
        expect(calls.filter((c) => c.startsWith("up") || c === "clear dead locks")).to.deep.equal([
            "up refresh=false target=urn:pulumi:secondary::sftp-failover::aws:autoscaling/group:Group::asg",
            "clear dead locks",
            "up refresh=false target=urn:pulumi:secondary::sftp-failover::aws:autoscaling/group:Group::asg",
            "clear dead locks",
            "up refresh=false target=urn:pulumi:secondary::sftp-failover::aws:autoscaling/group:Group::asg",
        ]);
        expect(listeners, "abort listeners left on the caller's signal").to.equal(0);
    });

    it("a stack still busy after the busy window fails with the engine's error", async () => {
        const { stack } = fakeStack([concurrentUpdate, concurrentUpdate]);
        const err = await runStep(stack, scaleSecondary, { ...base, stackBusyMs: 1 }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(ConcurrentUpdateError);
    });

    it("the caller's abort cancels the engine and surfaces as AbortedError", async () => {
        const { stack } = fakeStack([hangsUntilCancelled]);
        const controller = new AbortController();
        const running = runStep(stack, scaleSecondary, { ...base, signal: controller.signal });
        setTimeout(() => controller.abort(), 20);
        expect(await running.catch((e: unknown) => e)).to.be.instanceOf(AbortedError);
    });

    it("an up that fails puts the previous config back before the error propagates", async () => {
        const engineError = new Error("error: region us-west-2 is unreachable (fault injected)");
        const { stack, calls } = fakeStack([() => Promise.reject(engineError)]);
        const previousConfig = [{ key: "sftp-failover:capacityMode", value: "pilot-light" }];
        const err = await runStep(stack, scaleSecondary, { ...base, previousConfig }).catch((e: unknown) => e);
        expect(err).to.equal(engineError);
        expect(calls.filter((c) => !c.startsWith("up"))).to.deep.equal(["setAllConfig sftp-failover:capacityMode=active", "setConfig sftp-failover:capacityMode=pilot-light"]);
    });

    it("a timed-out or aborted step puts back its config too, and a key that was absent is removed", async () => {
        const { stack, calls } = fakeStack([hangsUntilCancelled]);
        const err = await runStep(stack, scaleSecondary, { ...base, timeoutMs: 50, previousConfig: [{ key: "sftp-failover:capacityMode" }] }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(StepTimeoutError);
        expect(calls.at(-1)).to.equal("removeConfig sftp-failover:capacityMode");

        const aborted = fakeStack([hangsUntilCancelled]);
        const controller = new AbortController();
        const running = runStep(aborted.stack, scaleSecondary, { ...base, signal: controller.signal, previousConfig: [{ key: "sftp-failover:capacityMode", value: "pilot-light" }] });
        setTimeout(() => controller.abort(), 20);
        expect(await running.catch((e: unknown) => e)).to.be.instanceOf(AbortedError);
        expect(aborted.calls.at(-1)).to.equal("setConfig sftp-failover:capacityMode=pilot-light");
    });

    it("an up whose in-process program could not reach the engine is run once more, and says so", async () => {
        const fault = new Error("One or more errors occurred: 14 UNAVAILABLE: No connection established. Last error: null. Resolution note:");
        const { stack, calls } = fakeStack([() => Promise.reject(fault), succeeded]);
        const output: string[] = [];
        const outcome = await runStep(stack, scaleSecondary, { ...base, onOutput: (text) => output.push(text) });
        expect(outcome.changes).to.deep.equal({ update: 1, same: 9 });
        expect(calls.filter((c) => c.startsWith("up"))).to.have.length(2);
        expect(output.join("")).to.match(/lost its connection to the engine .*14 UNAVAILABLE.*running the step's up again/);
    });

    it("a second transport fault, or any other engine error, is not retried: the step fails with it and puts its config back", async () => {
        const fault = () => Promise.reject(new Error("14 UNAVAILABLE: No connection established. Last error: null"));
        const twice = fakeStack([fault, fault]);
        const err = await runStep(twice.stack, scaleSecondary, { ...base, previousConfig: [{ key: "sftp-failover:capacityMode", value: "pilot-light" }] }).catch((e: unknown) => e);
        expect((err as Error).message).to.match(/14 UNAVAILABLE/);
        expect(twice.calls.filter((c) => c.startsWith("up"))).to.have.length(2);
        expect(twice.calls.at(-1)).to.equal("setConfig sftp-failover:capacityMode=pilot-light");

        // A provider's own "unavailable" (a region's API down) is the region's failure, not the engine's link.
        const regionDown = new Error("error: rpc error: code = Unavailable desc = us-west-2 endpoint unreachable");
        const once = fakeStack([() => Promise.reject(regionDown), succeeded]);
        expect(await runStep(once.stack, scaleSecondary, base).catch((e: unknown) => e)).to.equal(regionDown);
        expect(once.calls.filter((c) => c.startsWith("up"))).to.have.length(1);
    });

    it("writes a step's config in one engine call per kind of key, and takes the targets it is given without reading the state again", async () => {
        const dnsStep = planTransition("active-passive", "active-active", { activeActiveWeights: { primary: 70, secondary: 30 } }).find((s) => s.stack === "dns")!;
        const { stack, calls } = fakeStack([succeeded]);
        let exported = 0;
        const exportStack = stack.exportStack.bind(stack);
        stack.exportStack = () => (exported++, exportStack());
        await runStep(stack, dnsStep, { ...base, targets: ["urn:pulumi:dns::sftp-failover::aws:route53/record:Record::primary"] });
        expect(calls).to.deep.equal([
            "setAllConfig sftp-failover:posture=active-active",
            "setAllConfig sftp-failover:activeActiveWeights.primary=70 sftp-failover:activeActiveWeights.secondary=30 (path)",
            "up refresh=false target=urn:pulumi:dns::sftp-failover::aws:route53/record:Record::primary",
        ]);
        expect(exported, "no second export").to.equal(0);

        const whole = fakeStack([succeeded]);
        await runStep(whole.stack, scaleSecondary, { ...base, targets: "all" });
        expect(whole.calls.at(-1)).to.equal("up refresh=false target=(all)");
    });

    it("a step that succeeds leaves its config in place", async () => {
        const { stack, calls } = fakeStack([succeeded]);
        await runStep(stack, scaleSecondary, { ...base, previousConfig: [{ key: "sftp-failover:capacityMode", value: "pilot-light" }] });
        expect(calls.filter((c) => c.startsWith("setConfig") || c.startsWith("setAllConfig") || c.startsWith("removeConfig"))).to.deep.equal(["setAllConfig sftp-failover:capacityMode=active"]);
    });
});

describe("step runner: the lock proven before every engine call", () => {
    const lostLock = () => new LockLostError("lock lost: run r1 (generation 1) no longer holds /x/failover.lock: it was broken, and no one holds it now");
    /** A proof of the lock that passes `passes` times and then finds it lost; each proof recorded in `calls`. */
    const proof = (calls: string[], passes = Number.POSITIVE_INFINITY) => {
        let made = 0;
        return async () => {
            calls.push("prove");
            if (made++ >= passes) {
                throw lostLock();
            }
        };
    };
    const previousConfig = [{ key: "sftp-failover:capacityMode", value: "pilot-light" }];
    const asgUp = "up refresh=false target=urn:pulumi:secondary::sftp-failover::aws:autoscaling/group:Group::asg";

    it("a step whose generation is no longer current does not start: no config written, no up, nothing put back", async () => {
        const { stack, calls } = fakeStack([succeeded]);
        const err = await runStep(stack, scaleSecondary, { ...base, previousConfig, proveHeld: proof(calls, 0) }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(LockLostError);
        expect(calls).to.deep.equal(["prove"]);
    });

    it("proves the lock immediately before the config write and before each up attempt, a retried one too", async () => {
        const { stack, calls } = fakeStack([concurrentUpdate, succeeded]);
        await runStep(stack, scaleSecondary, { ...base, proveHeld: proof(calls) });
        expect(calls).to.deep.equal(["prove", "setAllConfig sftp-failover:capacityMode=active", "prove", asgUp, "prove", asgUp]);
    });

    it("a step with two config writes proves the lock before each: lost between them, the second is not written and nothing is put back", async () => {
        const dnsStep = planTransition("active-passive", "active-active", { activeActiveWeights: { primary: 70, secondary: 30 } }).find((s) => s.stack === "dns")!;
        const { stack, calls } = fakeStack([succeeded]);
        const err = await runStep(stack, dnsStep, { ...base, previousConfig: [{ key: "sftp-failover:posture", value: "active-passive" }], proveHeld: proof(calls, 1) }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(LockLostError);
        expect(calls).to.deep.equal(["prove", "setAllConfig sftp-failover:posture=active-active", "prove"]);
    });

    it("a put-back proves the lock before each of its writes: lost after the first, the rest stays as it is", async () => {
        const dnsStep = planTransition("active-passive", "active-active", { activeActiveWeights: { primary: 70, secondary: 30 } }).find((s) => s.stack === "dns")!;
        const engineError = new Error("error: the program refused the posture");
        const { stack, calls } = fakeStack([() => Promise.reject(engineError)]);
        const putBack = [
            { key: "sftp-failover:posture", value: "active-passive" },
            { key: "sftp-failover:activeActiveWeights.primary", path: true },
            { key: "sftp-failover:activeActiveWeights.secondary", path: true },
        ];
        // Proofs: two config writes, the up, the check after its failure, the first put-back write; the sixth finds the lock lost.
        const err = await runStep(stack, dnsStep, { ...base, previousConfig: putBack, proveHeld: proof(calls, 5) }).catch((e: unknown) => e);
        expect(err, "the step's own error is what the caller hears").to.equal(engineError);
        expect(calls.slice(calls.indexOf("up refresh=false target=(all)") + 1)).to.deep.equal(["prove", "prove", "removeConfig sftp-failover:activeActiveWeights.secondary (path)", "prove"]);
    });

    it("a lock lost between the config write and the up: the up does not start and nothing is put back", async () => {
        const { stack, calls } = fakeStack([succeeded]);
        const err = await runStep(stack, scaleSecondary, { ...base, previousConfig, proveHeld: proof(calls, 1) }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(LockLostError);
        expect(calls).to.deep.equal(["prove", "setAllConfig sftp-failover:capacityMode=active", "prove"]);
    });

    it("an up that fails after the lock was lost puts nothing back, and the lost lock is the error, not the engine's", async () => {
        const engineError = new Error("error: region us-west-2 is unreachable (fault injected)");
        const { stack, calls } = fakeStack([() => Promise.reject(engineError)]);
        const err = await runStep(stack, scaleSecondary, { ...base, previousConfig, proveHeld: proof(calls, 2) }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(LockLostError);
        expect((err as Error).message).to.match(/^lock lost: /);
        expect(calls).to.deep.equal(["prove", "setAllConfig sftp-failover:capacityMode=active", "prove", asgUp, "prove"]);
    });

    it("a lock lost mid-up (the renewal aborts the run's signal with it) cancels the up, puts nothing back, and surfaces as the LockLostError", async () => {
        const controller = new AbortController();
        const lost = lostLock();
        const { stack, calls } = fakeStack([
            (opts) => {
                controller.abort(lost);
                return hangsUntilCancelled(opts);
            },
        ]);
        const err = await runStep(stack, scaleSecondary, { ...base, previousConfig, signal: controller.signal }).catch((e: unknown) => e);
        expect(err).to.equal(lost);
        expect(calls.filter((c) => c.startsWith("set") || c.startsWith("remove"))).to.deep.equal(["setAllConfig sftp-failover:capacityMode=active"]);
    });
});
