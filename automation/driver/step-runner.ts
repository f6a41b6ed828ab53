// Runs one planned step: set its config on its stack, then `up` that stack alone, within a
// timeout, cancellable, retrying while the engine reports the stack busy with another update
// (e.g. the orphaned engine of a driver that was killed is still finishing), and once when the
// in-process program could not reach the engine (engine/transport-fault.ts). When the `up` does
// not succeed, the config it set is put back, so the stack file holds nothing undeployed.
import { ConcurrentUpdateError, ConfigMap, Deployment, EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { dnsNameKey } from "../../components/dns-record-names";
import { DnsConfig, loadDnsConfig } from "../../stacks/config/dns";
import { ConfigReader } from "../../stacks/config/source";
import { usersObjectKeyPrefix } from "../../stacks/regional-names";
import { applyConfigWrites, PreviousConfig } from "./config-restore";
import { lockLostBehind } from "./coordination/switch-lock";
import { AbortedError } from "./errors";
import { terminateEngine } from "./engine-process";
import { retryingTransportFault } from "../engine/transport-fault";
import { upWithoutReadback } from "../engine/without-readback";
import { PlannedStep, StackKey } from "./planner";

/** Raised when a step's `up` ran past its timeout. */
export class StepTimeoutError extends Error {
    constructor(step: PlannedStep, timeoutMs: number) {
        super(`step "${step.description}" did not finish within ${timeoutMs} ms`);
        this.name = "StepTimeoutError";
    }
}

/** Options of `runStep`. */
export interface RunStepOptions {
    readonly refresh: boolean;
    readonly timeoutMs: number;
    readonly cancelGraceMs: number;
    readonly stackBusyMs: number;
    readonly signal?: AbortSignal;
    readonly onEvent?: (event: EngineEvent) => void;
    readonly onOutput?: (text: string) => void;
    /**
     * The values the step's config replaces (`previousValues`), put back when its `up` does not
     * succeed. Defaults to none: nothing is put back.
     */
    readonly previousConfig?: readonly PreviousConfig[];
    /** The URNs to target, as `stepTargets` found them ("all": a whole `up`). Found here when absent. */
    readonly targets?: readonly string[] | "all";
    /**
     * Called each time the engine finds the stack locked, before waiting to try again. An engine
     * that held the lock may have died since the switch began (the engine of a killed driver dies
     * within a second of it, and is reparented first), leaving a lock no one will release: the caller
     * clears such locks here. Defaults to nothing.
     */
    readonly onStackBusy?: () => Promise<void>;
    /**
     * Proves the run still holds the driver's lock at its generation (coordination/lease.ts),
     * awaited immediately before every engine call that changes the stack — the config writes, each
     * `up` attempt, the put-back — and throwing LockLostError when it does not: a step whose
     * generation is no longer current does not start, and a lost lock's step puts nothing back.
     * Defaults to nothing (no lock to prove).
     */
    readonly proveHeld?: () => Promise<void>;
}

/** What the engine did. */
export interface StepOutcome {
    readonly changes: Readonly<Record<string, number>>;
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The resources a step exists to change: the Auto Scaling group of a regional stack (its capacity
 * mode) and the weighted records of the dns stack (the posture). Everything else is left out of
 * the step's `up`, so a posture switch never carries along an unrelated pending change — e.g. a
 * newly published AMI rolling the gateways of the region about to take traffic.
 */
const stepTargetTypes: Readonly<Record<StackKey, string>> = {
    primary: "aws:autoscaling/group:Group",
    secondary: "aws:autoscaling/group:Group",
    dns: "aws:route53/record:Record",
};

/**
 * Whether a record name is one the dns stack's config declares (recordName or an additional name),
 * compared as the program compares them (components/dns-record-names.ts); undefined when the
 * config does not load (not a dns stack's, or one the preflight refuses before any switch).
 */
export function configuredRecordNames(config: ConfigMap): ((recordName: string) => boolean) | undefined {
    let dns: DnsConfig;
    try {
        dns = loadDnsConfig(ConfigReader.fromEntries(config));
    } catch {
        return undefined;
    }
    const zoneName = "zoneName" in dns.zone ? dns.zone.zoneName : undefined;
    const names = new Set([dns.recordName, ...dns.additionalRecordNames].map((n) => dnsNameKey(n, zoneName)));
    return (recordName) => names.has(dnsNameKey(recordName, zoneName));
}

/**
 * The URNs a step on `stack` targets in an exported deployment, or undefined (a whole `up`) when it
 * has none. Given the stack's config, the dns step leaves out the records of a name the config no
 * longer lists: a targeted `up` deletes a targeted resource the program does not declare, and a
 * posture switch must not take a name off the air (deploying the list does, by hand).
 */
export function stepTargetsIn(state: Deployment, stack: StackKey, config?: ConfigMap, users = false): string[] | undefined {
    const resources = (state.deployment?.resources ?? []) as readonly { readonly urn: string; readonly type: string; readonly inputs?: { readonly name?: unknown; readonly key?: unknown } }[];
    const declared = stack === "dns" && config !== undefined ? configuredRecordNames(config) : undefined;
    const urns = resources
        .filter((r) => r.type === stepTargetTypes[stack])
        .filter((r) => declared === undefined || typeof r.inputs?.name !== "string" || declared(r.inputs.name))
        .map((r) => r.urn);
    // A step that changes the users (quiesce.ts) also targets the users object, and only it besides.
    const usersObjects = users ? resources.filter((r) => r.type === usersObjectType && typeof r.inputs?.key === "string" && r.inputs.key.startsWith(usersObjectKeyPrefix)).map((r) => r.urn) : [];
    return urns.length > 0 ? [...urns, ...usersObjects] : undefined;
}

const usersObjectType = "aws:s3/bucketObjectv2:BucketObjectv2";

/** URNs to target, or undefined (a whole `up`) when the stack has none deployed yet. */
export async function stepTargets(stack: Stack, step: PlannedStep): Promise<string[] | undefined> {
    return stepTargetsIn(await stack.exportStack(), step.stack, undefined, step.users !== undefined);
}

async function upOnce(stack: Stack, step: PlannedStep, opts: RunStepOptions, deadline: number): Promise<StepOutcome> {
    await opts.proveHeld?.();
    const known = opts.targets;
    const target = known === undefined ? await stepTargets(stack, step) : known === "all" ? undefined : [...known];
    const cancel = new AbortController();
    let resolveAborted: (value: "aborted") => void = () => undefined;
    const userAborted = new Promise<"aborted">((resolve) => (resolveAborted = resolve));
    const onUserAbort = () => {
        cancel.abort();
        resolveAborted("aborted");
    };
    if (opts.signal?.aborted) {
        resolveAborted("aborted");
    }
    // One listener per attempt, removed when it ends: a step retried while its stack is busy must
    // not pile listeners up on the caller's signal.
    opts.signal?.addEventListener("abort", onUserAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const up = upWithoutReadback(stack, {
        ...(target !== undefined ? { target } : {}),
        refresh: opts.refresh,
        signal: cancel.signal,
        onEvent: opts.onEvent,
        onOutput: opts.onOutput,
    });
    // Keep an unawaited rejection from surfacing as unhandled when we stop waiting for it.
    up.catch(() => undefined);
    const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
    });
    try {
        let first: Awaited<typeof up> | "timeout" | "aborted";
        try {
            first = await Promise.race([up, timedOut, userAborted]);
        } catch (err) {
            // The engine stopped because the caller aborted: that is the abort, not an engine failure.
            if (opts.signal?.aborted) {
                throw new AbortedError("aborted during a step", { cause: err });
            }
            throw err;
        }
        if (first === "timeout" || first === "aborted") {
            cancel.abort();
            // Give the engine a moment to cancel cleanly, then insist, then stop waiting for it.
            const settled = up.then(
                () => "settled" as const,
                () => "settled" as const,
            );
            const grace = (ms: number) => Promise.race([settled, delay(ms).then(() => "waiting" as const)]);
            if ((await grace(Math.min(5000, opts.cancelGraceMs))) === "waiting") {
                terminateEngine(stack.name);
                await grace(opts.cancelGraceMs);
            }
            throw first === "timeout" ? new StepTimeoutError(step, opts.timeoutMs) : new AbortedError("aborted during a step");
        }
        return { changes: { ...first } };
    } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onUserAbort);
    }
}

/**
 * Sets the step's config on its stack and runs `up` on that stack only. If the `up` (or a
 * `setConfig`) fails, `opts.previousConfig` is put back before the error propagates.
 *
 * @throws StepTimeoutError past the timeout (the engine is interrupted first).
 * @throws LockLostError when `opts.proveHeld` finds the lock lost, or the signal fired for that.
 * @throws AbortedError when the signal fires.
 * @throws the Automation API's CommandError when the engine fails.
 */
export async function runStep(stack: Stack, step: PlannedStep, opts: RunStepOptions): Promise<StepOutcome> {
    try {
        await setStepConfig(stack, step, opts.proveHeld);
        return await upRetryingWhileBusy(stack, step, opts);
    } catch (err) {
        // With the lock lost, the stack files belong to whoever holds it now (and `unlock` already
        // put back what the broken run left): nothing is put back, and the lost lock is what the
        // caller hears.
        const lost = await lockLostBehind(err, opts.signal, opts.proveHeld);
        if (lost !== undefined) {
            throw lost;
        }
        if (opts.previousConfig !== undefined) {
            // The step's own error is what the caller acts on (abort, fence, stop), so a failure to
            // put the values back does not replace it: the journal's "started" record still holds
            // them, and the next switch (or `status`, which reports it) finds what is left.
            await applyConfigWrites(stack, opts.previousConfig, opts.proveHeld).catch(() => undefined);
        }
        throw err;
    }
}

/**
 * Writes the step's config in one engine call per kind of key (plain, and `--path` ones), proving
 * the lock (when given) immediately before each: a lock lost between the two writes must not let
 * the second land on stacks another run holds now.
 */
export async function setStepConfig(stack: Stack, step: PlannedStep, proveHeld?: () => Promise<void>): Promise<void> {
    for (const path of [false, true]) {
        const changes = step.config.filter((change) => (change.path ?? false) === path);
        if (changes.length > 0) {
            await proveHeld?.();
            await stack.setAllConfig(Object.fromEntries(changes.map((change) => [change.key, { value: change.value }])), path);
        }
    }
}

async function upRetryingWhileBusy(stack: Stack, step: PlannedStep, opts: RunStepOptions): Promise<StepOutcome> {
    const deadline = Date.now() + opts.timeoutMs;
    const busyUntil = Date.now() + opts.stackBusyMs;
    for (let attempt = 0; ; attempt++) {
        try {
            return await retryingTransportFault(
                () => upOnce(stack, step, opts, deadline),
                (fault) => opts.onOutput?.(`the program lost its connection to the engine (${fault.message.split("\n")[0]}); running the step's up again\n`),
            );
        } catch (err) {
            const busy = err instanceof ConcurrentUpdateError;
            if (!busy || Date.now() >= busyUntil || Date.now() >= deadline || opts.signal?.aborted) {
                throw err;
            }
            await opts.onStackBusy?.();
            await delay(Math.min(500 * 2 ** attempt, 5000));
        }
    }
}
