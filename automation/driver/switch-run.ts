// One posture switch, once preflight has passed and the lock is held: it runs the planned steps in
// order, journals each one, applies the pure failure policy (step-failure-policy.ts), and writes the run's
// single audit entry. prepare-switch.ts builds its plan and its one port to the world outside;
// nothing here decides whether a switch may start.
import { Stack } from "@pulumi/pulumi/automation";
import { AnswerPrediction, FenceReading } from "../answer-safety";
import { peerOf } from "../../components/alarm-placement";
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { fencingBoth } from "../fence/operation";
import { Posture, RegionName, Weights } from "../../foundation/posture";
import { AuditOperation } from "./audit";
import { previousValues } from "./config-restore";
import type { AuditEvent } from "./coordination/run-log";
import { lockLostBehind } from "./coordination/switch-lock";
import { AbortedError, FailoverError, LockLostError, RegionUnreachableError, SwitchStoppedError } from "./errors";
import { classifyFailure, decideOnFailure, mayRun } from "./step-failure-policy";
import { observeWith, RegionFenceClient } from "../fence/client";
import { JournalRecord } from "./journal";
import { PlannedStep, StackKey } from "./planner";
import { summarizeEngineError } from "./stack-state";
import { runStep, stepTargetsIn } from "./step-runner";
import { SetPostureOptions, SetPostureResult, StepResult } from "./types";
import { VerifyResult } from "./verify";
import { describeVerification, runVerifyGate, VerificationSummary } from "./verify-gate";
import { describePostDnsCheck, PostDnsCheckResult } from "./post-dns-check";
import { abortableSleep, describeDrain, DrainOutcome, drainLeftSessions, DrainTimeoutAction, skippedDrain, unplannedReason } from "./drain";
import { describeSkippedQuiesce, PlannedQuiesce, skippedQuiesces, undoQuiesceStep } from "./quiesce";

/**
 * Everything a run reaches outside itself through: the stacks it steps, the fence, the journal and
 * audit log, and the checks it calls (built by prepare-switch.ts; a test passes its own).
 */
export interface SwitchRunPort {
    /** Where the run's journal records go (the coordination store, through the run log). */
    readonly journal: { append(record: JournalRecord): Promise<void> };
    readonly stacks: Readonly<Record<StackKey, Stack>>;
    readonly names: Readonly<Record<StackKey, string>>;
    readonly fence: RegionFenceClient;
    /** The dns stack's fence coordinates, undefined when it exports none. */
    readonly fenceCoordinates?: FenceCoordinates;
    readonly timeouts: { readonly stepMs: number; readonly cancelGraceMs: number; readonly stackBusyMs: number };
    /** Writes the run's audit entry (the run log adds who and where). */
    readonly record: (e: AuditEvent) => Promise<void>;
    /** Waits `ms` or rejects when `signal` fires (the wait for the gateways' users reload). Defaults to a timer. */
    readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    /** Waits for a region's open sessions to end (drain.ts `waitForDrain`, bounded by the drain timeout). Without it, no drain. */
    readonly drain?: (region: RegionName, signal?: AbortSignal) => Promise<DrainOutcome>;
    /** Verifies a region before DNS sends it traffic (automation/driver/verify.ts). Without it, no gate. */
    readonly verify?: (region: RegionName, signal?: AbortSignal) => Promise<VerifyResult>;
    /**
     * Checks the answers and a session through the service name once the DNS step has deployed
     * `weights` (automation/driver/post-dns-check.ts). Without it, no check.
     */
    readonly checkAfterDns?: (weights: Weights, opts: { readonly fencedInRun: readonly RegionName[]; readonly skip: boolean; readonly signal?: AbortSignal }) => Promise<PostDnsCheckResult>;
    /**
     * What was read of a stack before the run began (under the lock) and has not changed
     * since: its config and the URNs its step targets. A step on a stack listed here takes them
     * instead of reading the stack again; a stack absent, or one this run already ran a step on,
     * is read at its step.
     */
    readonly readBefore?: Partial<Readonly<Record<StackKey, StackBeforeRun>>>;
    /** Clears (and audits) backend stack locks whose engine has died; a step calls it while its stack is busy. */
    readonly clearDeadEngineLocks?: () => Promise<void>;
    /** Throws LockLostError unless the run still holds the lock at its generation; awaited before every step and engine call. Without it, no proof. */
    readonly proveHeld?: () => Promise<void>;
}

/** A stack's config and step targets as read before a run (see `SwitchRunPort.readBefore`). */
export interface StackBeforeRun {
    readonly config: Readonly<Record<string, { readonly value: string }>>;
    readonly targets: readonly string[] | "all";
}

/** The switch itself. */
export interface SwitchPlan {
    readonly runId: string;
    readonly operation: AuditOperation;
    readonly target: Posture;
    readonly steps: readonly PlannedStep[];
    /** The deployed posture (undefined when unknown). */
    readonly from?: Posture;
    /** The posture the audit entry names as the start (an interrupted run's, when resuming it). */
    readonly auditFrom?: string;
    readonly resumes?: string;
    readonly reason?: string;
    readonly currentWeights?: Weights;
    /** The weights the DNS step deploys. */
    readonly targetWeights: Weights;
    /** The regions the gate verifies before the DNS step (verify-gate.ts `regionsToVerify`). */
    readonly verifyRegions: readonly RegionName[];
    /** What the switch was predicted to do to Route 53's answer (switch-answer.ts). */
    readonly answer?: AnswerPrediction;
    /** The harm the caller forced the switch through, when it did. */
    readonly forced?: string;
    /** What the drain does when sessions are still open at its timeout; `unplanned` skips every drain. */
    readonly drain?: { readonly onTimeout: DrainTimeoutAction; readonly unplanned: boolean };
    /** The quiesces the plan shows (quiesce.ts `planQuiesces`); the skipped ones are told in the result. */
    readonly quiesces?: readonly PlannedQuiesce[];
    readonly started: number;
    /** Who runs it, and where (for the journal). */
    readonly identity: string;
    readonly host: string;
}

const now = () => new Date().toISOString();

/** Runs the steps of one switch. Use once. */
export class SwitchRun {
    private readonly results: StepResult[] = [];
    private readonly remaining: string[] = [];
    private readonly fenced: RegionName[] = [];
    private dnsSwitched = false;
    private verification: VerificationSummary | undefined;
    private afterDns: PostDnsCheckResult | undefined;
    private readonly drains: DrainOutcome[] = [];
    /** Whether the gate before DNS has run (it runs once, before the quiesce or the DNS step). */
    private gated = false;
    /** Quiesce steps this run started, or found deployed by the run it resumes: undone if the switch stops before DNS moved. */
    private readonly quiescedInRun: PlannedStep[] = [];
    /** Stacks this run has run a step on: what was read of them before the run is out of date. */
    private readonly touched = new Set<StackKey>();

    constructor(
        private readonly deps: SwitchRunPort,
        private readonly plan: SwitchPlan,
        private readonly opts: SetPostureOptions,
    ) {}

    /**
     * Runs every step. Resolves with `ok` or `degraded`.
     *
     * @throws AbortedError when the signal fires (the journal records the step it stopped in).
     * @throws SwitchStoppedError when a step failed for a reason that is not its region's.
     * @throws RegionUnreachableError when the region that must serve cannot be scaled up.
     * @throws FailoverError when the DNS step failed as unreachable with no region to fence.
     */
    async execute(): Promise<SetPostureResult> {
        const { plan } = this;
        await this.deps.journal.append({
            type: "begin",
            runId: plan.runId,
            operation: plan.operation,
            target: plan.target,
            ...(plan.auditFrom !== undefined ? { from: plan.auditFrom } : {}),
            steps: plan.steps.map((s) => ({ id: s.id, description: s.description, skip: s.skip })),
            identity: plan.identity,
            ...(plan.reason !== undefined ? { reason: plan.reason } : {}),
            host: plan.host,
            pid: process.pid,
            at: new Date(plan.started).toISOString(),
            ...(plan.resumes !== undefined ? { resumes: plan.resumes } : {}),
        });
        for (const step of plan.steps) {
            if (step.skip) {
                await this.skip(step);
                // A quiesce already deployed, in a run that resumes another, was made by that run: it
                // is this run's to lift if the switch stops before DNS, or the serving region stays
                // read-only. A fresh run leaves a read-only region it found as it was.
                if (step.users?.readOnly === true && plan.resumes !== undefined) {
                    this.quiescedInRun.push(step);
                }
                continue;
            }
            if (!mayRun(step, { dnsSwitched: this.dnsSwitched, fenced: this.fenced })) {
                await this.leave(step, "not run: DNS still sends this region traffic and it could not be fenced");
                continue;
            }
            // The gate runs before the first step that acts on clients: the quiesce when there is
            // one (nothing is made read-only for a switch the gate would refuse), else the DNS step.
            if ((step.stack === "dns" || step.users?.readOnly === true) && !this.gated) {
                this.gated = true;
                if (!(await this.gate(step))) {
                    continue;
                }
            }
            if (step.drainFirst === true) {
                await this.drainBefore(step);
            }
            if (step.users?.readOnly === true) {
                this.quiescedInRun.push(step);
            }
            await this.runOne(step);
            if (step.users !== undefined && this.results.at(-1)?.status === "done") {
                await this.awaitUsersReload(step);
            }
            if (step.stack === "dns" && this.dnsSwitched) {
                await this.checkAfterDns();
            }
        }
        // A switch whose gate could not prove the regions it sends clients to (no canary, or skipped
        // by the operator) ends `unverified`, never plain `ok`; degraded says more and wins.
        const unverified = this.verification?.outcome === "unverified" || this.verification?.outcome === "skipped";
        const status = this.remaining.length > 0 ? "degraded" : unverified ? "unverified" : "ok";
        await this.finish(status);
        const skipped = skippedQuiesces(plan.quiesces);
        return {
            runId: plan.runId,
            status,
            ...(plan.from !== undefined ? { from: plan.from } : {}),
            to: plan.target,
            steps: this.results,
            remaining: this.remaining,
            fenced: this.fenced,
            durationMs: Date.now() - plan.started,
            ...(plan.resumes !== undefined ? { resumed: plan.resumes } : {}),
            ...(plan.answer !== undefined ? { answer: plan.answer } : {}),
            ...(plan.forced !== undefined ? { forced: plan.forced } : {}),
            ...(this.verification !== undefined ? { verification: this.verification } : {}),
            ...(this.afterDns !== undefined ? { afterDns: this.afterDns } : {}),
            ...(this.drains.length > 0 ? { drains: this.drains } : {}),
            ...(skipped.length > 0 ? { skippedQuiesces: skipped } : {}),
        };
    }

    /**
     * The drain before a scale-down: waits for the region's open sessions to end. An unplanned
     * switch, or a region this run fenced (unreachable), skips it. Sessions still open (or unknown)
     * at the timeout are reported and the scale-down goes on, unless the run was told to stop:
     * then it stops before the step, which the same switch run again resumes.
     *
     * @throws SwitchStoppedError when the drain timed out and the action is `stop`.
     * @throws AbortedError when the signal fires while waiting.
     */
    private async drainBefore(step: PlannedStep): Promise<void> {
        const region = step.region;
        if (this.deps.drain === undefined || region === undefined) {
            return;
        }
        const skips = this.plan.drain?.unplanned === true || this.fenced.includes(region);
        if (!skips) {
            this.opts.onProgress?.({ type: "draining", region });
        }
        const outcome =
            this.plan.drain?.unplanned === true
                ? skippedDrain(region, unplannedReason)
                : this.fenced.includes(region)
                  ? skippedDrain(region, `${region} was fenced in this run (unreachable)`)
                  : await this.deps.drain(region, this.opts.signal).catch(async (err: unknown): Promise<DrainOutcome> => {
                        if (err instanceof AbortedError || this.opts.signal?.aborted === true) {
                            await this.onFailure(step, Date.now(), err);
                        }
                        // A reader should answer unknown rather than throw; one that throws is unknown too.
                        return { region, outcome: "unknown", waitedSeconds: 0, detail: `open sessions in ${region} unknown: ${summarizeEngineError(err)}` };
                    });
        this.drains.push(outcome);
        await this.deps.journal.append({ type: "drain", runId: this.plan.runId, stepId: step.id, at: now(), drain: outcome });
        this.opts.onProgress?.({ type: "drained", outcome });
        if (!drainLeftSessions(outcome) || this.plan.drain?.onTimeout !== "stop") {
            return;
        }
        const message = `${describeDrain(outcome)}; stopped before the scale-down (drain timeout action: stop)`;
        const done = await this.stopBefore(step, message);
        throw new SwitchStoppedError(`${message}; DNS has moved; run the same switch again to drain and scale ${region} down`, step.description, done);
    }

    /**
     * After a step that changed the region's users (quiesce.ts), the wait until every gateway serves
     * the new list: the modelled reload (timer period + reload), since nothing reports it on AWS.
     *
     * @throws AbortedError when the signal fires while waiting (the run ends aborted).
     */
    private async awaitUsersReload(step: PlannedStep): Promise<void> {
        const sleep = this.deps.sleep ?? abortableSleep;
        try {
            await sleep((step.users?.reloadSeconds ?? 0) * 1000, this.opts.signal);
        } catch (err) {
            const lost = await lockLostBehind(err, this.opts.signal, this.deps.proveHeld);
            await this.finish("aborted", lost?.message ?? `aborted while the gateways of ${step.region ?? "?"} reloaded their users`);
            throw this.abortedError(lost ?? (err instanceof AbortedError ? err : new AbortedError("aborted while the gateways reloaded their users", { cause: err })));
        }
    }

    /**
     * Lifts the quiesces this run made, when it fails or is aborted before DNS moved: the old
     * posture keeps serving, and a serving region left read-only refuses its clients' writes. Each
     * lift is a step like any other (journalled, so a kill during it shows in `status` and the next
     * run puts its config back), bounded by the step timeout and not cut by the abort that ended
     * the run: the CLI ignores further signals while it stops. A run that lost its lock lifts
     * nothing, as the stacks are another run's now. A lift not made is never raised: it is left in
     * `remaining`, naming the command that lifts it.
     */
    private async undoQuiesces(): Promise<void> {
        const lost = await lockLostBehind(undefined, this.opts.signal, this.deps.proveHeld);
        for (const quiesce of this.quiescedInRun.splice(0)) {
            const undo = undoQuiesceStep(quiesce);
            const started = Date.now();
            const err = lost ?? (await this.attempt(undo, started, undefined));
            if (err === undefined) {
                continue;
            }
            const message = err instanceof LockLostError ? "not run: the lock was lost" : summarizeEngineError(err);
            this.remaining.push(`${leftQuiesced(undo.region!, this.plan.from)} (stack ${this.deps.names[undo.stack]}, ${message})`);
            await this.recordStep(undo, { id: undo.id, stack: undo.stack, description: undo.description, status: "failed", durationMs: Date.now() - started, error: message });
        }
    }

    /** The error an aborted run ends with, saying what became of the quiesces it made. */
    private abortedError(err: AbortedError | LockLostError): AbortedError | LockLostError {
        const lifted = this.results.filter((r) => r.id.startsWith("unquiesce:") && r.status === "done").map((r) => `${r.stack}'s quiesce was lifted`);
        const left = this.remaining.filter((r) => r.includes("is left quiesced"));
        const told = [...lifted, ...left];
        if (told.length === 0) {
            return err;
        }
        const message = `${err.message}; ${told.join("; ")}`;
        return err instanceof LockLostError ? new LockLostError(message, err.holder, { cause: err }) : new AbortedError(message, { cause: err });
    }

    /**
     * Stops the switch before `step` runs: the step recorded as failed with `message` (journal,
     * progress), the run finished as failed. Returns the descriptions of the steps done before it.
     */
    private async stopBefore(step: PlannedStep, message: string): Promise<string[]> {
        await this.recordStep(step, { id: step.id, stack: step.stack, description: step.description, status: "failed", durationMs: 0, error: message });
        await this.finish("failed", message);
        return this.results.filter((r) => r.status === "done").map((r) => r.description);
    }

    /**
     * The check after the DNS step. DNS has moved, so nothing here stops or undoes the switch: the
     * result goes to the caller and the audit entry, and the remaining steps run as planned. A check
     * that throws (bad input, a stack it could not read) is recorded as a failed check, not raised.
     */
    private async checkAfterDns(): Promise<void> {
        const check = this.deps.checkAfterDns;
        if (check === undefined) {
            return;
        }
        const weights = this.plan.targetWeights;
        this.afterDns = await check(weights, { fencedInRun: this.fenced, skip: this.opts.skipVerify === true, ...(this.opts.signal !== undefined ? { signal: this.opts.signal } : {}) }).catch(
            (err: unknown): PostDnsCheckResult => ({
                outcome: "failed",
                name: "?",
                servers: [],
                failed: "answers",
                error: `the check could not run: ${summarizeEngineError(err)}`,
            }),
        );
        this.opts.onProgress?.({ type: "checked-after-dns", result: this.afterDns });
    }

    /**
     * The gate before the DNS step. Resolves true when DNS may move; stops the switch (throws)
     * when a region that would gain traffic failed its verification.
     *
     * @throws SwitchStoppedError naming the region, the phase and why; nothing was fenced.
     */
    private async gate(step: PlannedStep): Promise<boolean> {
        // Without a verifier nothing can be proven: the regions are unverifiable, and the switch
        // ends unverified, never plain ok.
        const verify =
            this.deps.verify ??
            (async (region: RegionName): Promise<VerifyResult> => ({ region, ok: false, unverifiable: true, message: `${region} cannot be verified: this switch was given no verifier` }));
        const summary = await runVerifyGate({
            regions: this.plan.verifyRegions,
            skip: this.opts.skipVerify === true,
            verify: async (region) => {
                // A region whose stack cannot even be read is not verified: that stops the gate too.
                const result = await verify(region, this.opts.signal).catch(
                    (err: unknown): VerifyResult => ({ region, ok: false, message: `${region} could not be verified: ${summarizeEngineError(err)}` }),
                );
                this.opts.onProgress?.({ type: "verified", result });
                return result;
            },
        });
        this.verification = summary;
        if (this.opts.signal?.aborted === true) {
            await this.onFailure(step, Date.now(), new AbortedError("aborted while verifying"));
        }
        if (summary.outcome !== "failed") {
            return true;
        }
        const message = describeVerification(summary);
        const done = await this.stopBefore(step, message);
        throw new SwitchStoppedError(
            `${message}; DNS was not switched, the old posture keeps serving (done before it: ${done.length > 0 ? done.join("; ") : "nothing"}; nothing was fenced)`,
            step.description,
            done,
        );
    }

    private async skip(step: PlannedStep): Promise<void> {
        // A skipped step is told as part of the plan, not as a step that ended.
        await this.recordStep(step, { id: step.id, stack: step.stack, description: step.description, status: "skipped", durationMs: 0 }, { progress: false });
        if (step.stack === "dns") {
            this.dnsSwitched = true;
        }
    }

    /** A step left for later without running it. */
    private async leave(step: PlannedStep, why: string): Promise<void> {
        this.remaining.push(`${step.description} (stack ${this.deps.names[step.stack]}, ${why})`);
        await this.recordStep(step, { id: step.id, stack: step.stack, description: step.description, status: "failed", durationMs: 0, error: why });
    }

    /**
     * Records how a step ended, in the one order every ending keeps: the run's results, the
     * journal (so a resumed run knows), then the caller's progress.
     */
    private async recordStep(step: PlannedStep, result: StepResult, opts: { readonly progress: boolean } = { progress: true }): Promise<void> {
        this.results.push(result);
        await this.deps.journal.append({ type: "step", runId: this.plan.runId, stepId: step.id, status: result.status, at: now(), ...(result.error !== undefined ? { error: result.error } : {}) });
        if (opts.progress) {
            this.opts.onProgress?.({ type: "step-end", step, result });
        }
    }

    private async runOne(step: PlannedStep): Promise<void> {
        const started = Date.now();
        const err = await this.attempt(step, started, this.opts.signal);
        if (err !== undefined) {
            await this.onFailure(step, started, err);
        }
    }

    /**
     * Runs one step and records it done; returns what stopped it instead (recorded by the caller).
     * `signal` cuts it: the run's own, or none for a lift after the run was aborted.
     */
    private async attempt(step: PlannedStep, started: number, signal: AbortSignal | undefined): Promise<unknown> {
        const { journal } = this.deps;
        const runId = this.plan.runId;
        const stack = this.deps.stacks[step.stack];
        // A step whose generation is no longer current does not start (nor is it journalled as started).
        const lost = await lockLostBehind(undefined, signal, this.deps.proveHeld);
        if (lost !== undefined) {
            return lost;
        }
        // Journalled before the step writes any config: a run killed from here on leaves the
        // values to put back (config-restore.ts).
        this.opts.onProgress?.({ type: "step-start", step });
        let previousConfig;
        let targets;
        try {
            // A step that changes the users targets their object too, which the read before the run left out.
            const before = this.touched.has(step.stack) || step.users !== undefined ? undefined : this.deps.readBefore?.[step.stack];
            this.touched.add(step.stack);
            // Read again only when needed: two reads side by side, each an engine process.
            const [config, urns] =
                before !== undefined
                    ? [before.config, before.targets]
                    : await Promise.all([stack.getAllConfig(), stack.exportStack()]).then(
                          ([read, state]) => [read, stepTargetsIn(state, step.stack, read, step.users !== undefined) ?? ("all" as const)] as const,
                      );
            previousConfig = previousValues(config, step.config);
            targets = urns;
        } catch (err) {
            await journal.append({ type: "step", runId, stepId: step.id, status: "started", at: new Date(started).toISOString() });
            return err;
        }
        await journal.append({ type: "step", runId, stepId: step.id, status: "started", at: new Date(started).toISOString(), config: { stack: step.stack, previous: previousConfig } });
        try {
            const outcome = await runStep(stack, step, {
                previousConfig,
                targets,
                refresh: this.opts.refresh ?? false,
                timeoutMs: this.opts.stepTimeoutMs ?? this.deps.timeouts.stepMs,
                cancelGraceMs: this.deps.timeouts.cancelGraceMs,
                stackBusyMs: this.deps.timeouts.stackBusyMs,
                ...(this.deps.clearDeadEngineLocks !== undefined ? { onStackBusy: this.deps.clearDeadEngineLocks } : {}),
                ...(this.deps.proveHeld !== undefined ? { proveHeld: this.deps.proveHeld } : {}),
                signal,
                onEvent: (e) => this.opts.onEvent?.(step.stack, e),
                onOutput: (t) => this.opts.onOutput?.(step.stack, t),
            });
            await this.recordStep(step, { id: step.id, stack: step.stack, description: step.description, status: "done", durationMs: Date.now() - started, changes: outcome.changes });
            if (step.stack === "dns") {
                this.dnsSwitched = true;
            }
            return undefined;
        } catch (err) {
            return err;
        }
    }

    private async onFailure(step: PlannedStep, started: number, err: unknown): Promise<void> {
        // A failure with the lock lost is the lost lock's: the run stops where it stands and fences nothing.
        const lostBehind = await lockLostBehind(err, this.opts.signal, this.deps.proveHeld);
        const lost = lostBehind && new LockLostError(`${lostBehind.message}; the switch stopped at ${step.description} and fenced nothing`, lostBehind.holder, { cause: lostBehind });
        const aborted = lost !== undefined || err instanceof AbortedError || this.opts.signal?.aborted === true;
        const message = lost !== undefined ? "lock lost" : aborted ? "aborted" : summarizeEngineError(err);
        const failed: StepResult = { id: step.id, stack: step.stack, description: step.description, status: "failed", durationMs: Date.now() - started, error: message };
        if (aborted) {
            await this.recordStep(step, failed);
            await this.finish("aborted", lost?.message ?? `aborted during ${step.description}`);
            throw this.abortedError(lost ?? (err instanceof AbortedError ? err : new AbortedError("aborted during a step", { cause: err })));
        }
        const decision = decideOnFailure(step, classifyFailure(err), {
            target: this.plan.target,
            activeActiveWeights: this.opts.activeActiveWeights,
            currentWeights: this.plan.currentWeights,
        });
        if (decision.action === "stop") {
            await this.recordStep(step, failed);
            await this.finish("failed", message);
            throw this.stopError(step, decision.regionMustServe, message, err);
        }
        const fenceErrors: string[] = [];
        for (const region of decision.fence) {
            // A region fenced earlier in this run stays fenced: one call is enough.
            if (this.fenced.includes(region)) {
                continue;
            }
            const fenceError = await this.fenceRegion(region);
            this.opts.onProgress?.({ type: "fenced", region, ok: fenceError === undefined, ...(fenceError !== undefined ? { error: fenceError } : {}) });
            if (fenceError === undefined) {
                this.fenced.push(region);
            } else {
                fenceErrors.push(`fencing ${region} also failed: ${fenceError}`);
            }
        }
        const when = step.region !== undefined ? `when ${step.region} is reachable again` : "when the DNS API answers again";
        this.remaining.push(`${step.description} (stack ${this.deps.names[step.stack]}, ${when})`);
        await this.recordStep(step, { ...failed, status: "fenced", error: [message, ...fenceErrors].join("; ") });
    }

    private stopError(step: PlannedStep, mustServe: RegionName | undefined, message: string, cause: unknown): FailoverError {
        if (mustServe !== undefined) {
            return new RegionUnreachableError(mustServe, `${mustServe} cannot be scaled up to take traffic (${message}); DNS was not switched`, { cause });
        }
        const done = this.results.filter((r) => r.status === "done").map((r) => r.description);
        const doneText = done.length > 0 ? `done before it: ${done.join("; ")}` : "no step was done";
        const unreachable = classifyFailure(cause) === "unreachable";
        const what = unreachable ? `${step.description} failed with no region left to fence` : `stopped at ${step.description}`;
        return new SwitchStoppedError(`${what} (stack ${this.deps.names[step.stack]}): ${message}; ${doneText}; nothing was fenced`, step.description, done, { cause });
    }

    /**
     * Fences a region the switch could not reach; returns the error text if the fence itself failed,
     * or was not published because the fence's store says the other region is fenced already (with
     * both fenced Route 53 answers both, the unreachable region included).
     */
    private async fenceRegion(region: RegionName): Promise<string | undefined> {
        const coordinates = this.deps.fenceCoordinates;
        if (coordinates === undefined) {
            return `stack ${this.deps.names.dns} exports no fence coordinates`;
        }
        const other = peerOf(region);
        const peer: FenceReading = this.fenced.includes(other)
            ? "fenced"
            : await observeWith(this.deps.fence, other, coordinates).then((o) => o.state, (): FenceReading => "unknown");
        const both = fencingBoth(region, peer, coordinates);
        if (both !== undefined) {
            return `not published, as ${both}`;
        }
        try {
            await this.deps.fence.fence(region, coordinates);
            return undefined;
        } catch (err) {
            return (err as Error).message;
        }
    }

    /**
     * Ends the run: the audit entry first, then the journal's end record. In that order a crash
     * between the two leaves a run the journal calls unfinished but the audit log already holds,
     * which the next run recognises (controller `unfinishedRun`) instead of auditing it twice.
     */
    private async finish(result: "ok" | "unverified" | "degraded" | "failed" | "aborted", error?: string): Promise<void> {
        const { plan } = this;
        if ((result === "failed" || result === "aborted") && !this.dnsSwitched) {
            await this.undoQuiesces();
        }
        await this.deps.record({
            operation: plan.operation,
            runId: plan.runId,
            to: plan.target,
            from: plan.auditFrom,
            result,
            started: plan.started,
            reason: plan.reason,
            steps: this.results,
            remaining: this.remaining,
            error,
            resumes: plan.resumes,
            ...(this.verification !== undefined ? { verification: describeVerification(this.verification) } : {}),
            ...(this.afterDns !== undefined ? { afterDns: describePostDnsCheck(this.afterDns) } : {}),
            ...(plan.answer !== undefined ? { answer: plan.answer.summary } : {}),
            ...(plan.forced !== undefined ? { forced: plan.forced } : {}),
            ...(this.drains.length > 0 ? { drain: this.drains.map(describeDrain) } : {}),
            quiesce: skippedQuiesces(plan.quiesces).map(describeSkippedQuiesce),
        });
        await this.deps.journal.append({ type: "end", runId: plan.runId, result, at: now() });
    }
}

/** What a run says of a region whose quiesce it could not lift, and the command that lifts it. */
function leftQuiesced(region: RegionName, from: Posture | undefined): string {
    const lifts = from !== undefined ? `\`sftp-failover posture ${from}\` lifts it, as does any switch that gives ${region} traffic` : `any switch that gives ${region} traffic lifts it`;
    return `${region} is left quiesced (read-only) while it still serves: ${lifts}`;
}
