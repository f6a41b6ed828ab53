// A switch between taking the lock and running its steps: the stacks' config checked and the
// stacks read once, the steps planned, Route 53's answer predicted, what an interrupted run left
// put back or resumed, and the run's plan and port to the world built. Under the lock (so
// operators queue in the order they asked, and no one changes the config between check and use),
// before the journal and before any stack is touched: a bad input leaves no trace but the lock.
import type { Stack } from "@pulumi/pulumi/automation";
import { Posture, RegionName, Weights } from "../../foundation/posture";
import { AuditOperation } from "./audit";
import { putBackUndeployed, undeployedConfig } from "./config-restore";
import type { ControllerContext, SwitchInput } from "./controller-options";
import { clearDeadLocks } from "./coordination/unlock";
import { HeldSwitchLock } from "./coordination/switch-lock";
import { DrainOutcome, OpenSessionsSource, skippedDrain, waitForDrain } from "./drain";
import { planQuiesces } from "./quiesce";
import { LockHolder } from "./errors";
import { firstUnfinishedStep, interruptedSteps } from "./journal";
import { cloudWatchOpenSessions } from "./open-sessions";
import { pendingSteps, PlannedStep, planSteps, StackKey } from "./planner";
import { checkAfterDns, CheckAfterDnsCall, verifyWith } from "./region-checks";
import { decideResume } from "./resume";
import { deployedPosture, deployedStateOf, fenceCoordinatesOf, ReadStatus, RegionalReads } from "./stack-state";
import { beginStateReads, checkConfigs, readBeforeRun, readStacksRaw, requireReadable, statusesOf } from "./stack-reads";
import { checkSwitchAnswer, switchTargetWeights } from "./switch-answer";
import { SwitchPlan, SwitchRunPort } from "./switch-run";
import { runTask } from "./tasks";
import { SetPostureOptions, SetPostureResult } from "./types";
import { regionsToVerify } from "./verify-gate";

/** The switch asked for, its input checked, once the lock is held. */
export interface SwitchRequest {
    readonly target: Posture;
    readonly operation: AuditOperation;
    readonly opts: SetPostureOptions;
    readonly input: SwitchInput;
    readonly runId: string;
    readonly started: number;
    readonly holder: LockHolder;
}

/** A prepared switch: nothing to do (the result to return), or the run's plan and its port. */
export type PreparedSwitch = { readonly unchanged: SetPostureResult } | { readonly plan: SwitchPlan; readonly port: SwitchRunPort };

/**
 * Prepares a switch under the lock (see the file's head).
 *
 * @throws BadInputError for a stack config the programs would refuse; FailoverError for a stack
 *   that cannot be read; AnswerSafetyError (switch-answer.ts) when the predicted answer harms
 *   clients and the switch is not forced; LockLostError when the lock is lost while preparing.
 */
export async function prepareSwitch(ctx: ControllerContext, request: SwitchRequest, held: HeldSwitchLock): Promise<PreparedSwitch> {
    const { target, opts, input, runId, started } = request;
    const { reason } = input;
    const { signal, proveHeld } = held;
    const log = ctx.log;
    const progress = { signal, onProgress: opts.onProgress };
    const reads = await runTask(progress, "check the stack configs and read the three stacks", async () => {
        const states = beginStateReads(ctx);
        const configs = await checkConfigs(ctx);
        await clearDeadLocks({ log, backendUrl: ctx.env.backendUrl, names: ctx.names });
        return readStacksRaw(ctx, { configs, states, lastUpdate: false });
    });
    const stacks = statusesOf(reads);
    requireReadable(stacks);
    // Stacks whose config the driver writes before the steps are read again at their step.
    const rewritten = new Set<StackKey>();
    const from = deployedPosture(stacks);
    const current = deployedStateOf(stacks);
    const steps = planSteps(current, target, { activeActiveWeights: opts.activeActiveWeights, quiesce: input.drain.quiesce, unplanned: input.drain.unplanned });
    const unfinished = await log.unfinishedRun(true);
    // What Route 53 will answer, predicted before anything is written: a refusal changes nothing.
    const weights = switchTargetWeights(target, opts.activeActiveWeights, stacks.dns.config);
    const { answer, forced } =
        pendingSteps(steps).length > 0 || unfinished !== undefined
            ? await runTask(progress, "predict Route 53's answer", () =>
                  checkSwitchAnswer({ ...opts, stacks, target, targetWeights: weights, fence: ctx.fence, endpointHealth: ctx.endpointHealth, skipVerify: opts.skipVerify === true, reason }),
              )
            : {};
    if (unfinished !== undefined) {
        // What a killed step wrote and did not deploy goes back before anything is planned
        // on top of it (a step this run needs sets its own value again).
        const undeployed = undeployedConfig(interruptedSteps(unfinished), stacks);
        undeployed.forEach((u) => rewritten.add(u.stack));
        await putBackUndeployed(undeployed, ctx.stacks, proveHeld);
    }
    const decision = decideResume(target, from, unfinished, (await log.runs()).at(-1));
    if (decision.close !== undefined) {
        if (decision.closeAsAborted) {
            await log.recordInterrupted(decision.close, runId);
        } else {
            const first = firstUnfinishedStep(decision.close);
            opts.onProgress?.({ type: "resume", runId: decision.close.begin.runId, ...(first !== undefined ? { firstUnfinishedStep: first } : {}) });
        }
        await log.append({ type: "end", runId: decision.close.begin.runId, result: "superseded", at: new Date().toISOString() });
    }
    const { resumes, auditFrom } = decision;
    // A skipped step's stack is deployed as wanted, but its config may still hold what an
    // interrupted or timed-out step set; put it back so the next `up` of that stack changes nothing.
    for (const step of steps.filter((s) => s.skip)) {
        await proveHeld();
        if (await alignConfig(step, stacks[step.stack], ctx.stacks[step.stack])) {
            rewritten.add(step.stack);
        }
    }
    if (pendingSteps(steps).length === 0 && resumes === undefined) {
        const results = steps.map((s) => ({ id: s.id, stack: s.stack, description: s.description, status: "skipped" as const, durationMs: 0 }));
        return { unchanged: { runId, status: "unchanged", ...(from !== undefined ? { from } : {}), to: target, steps: results, remaining: [], fenced: [], durationMs: Date.now() - started } };
    }
    const port: SwitchRunPort = {
        journal: log,
        stacks: ctx.stacks,
        names: ctx.names,
        fence: ctx.fence,
        fenceCoordinates: fenceCoordinatesOf(stacks.dns),
        timeouts: ctx.timeouts,
        record: (e) => log.record(e),
        verify: (region, s) => verifyWith(ctx, region, stacks[region].typed, s !== undefined ? { signal: s } : {}),
        ...(opts.afterDns !== undefined ? { checkAfterDns: (w: Weights, call: CheckAfterDnsCall) => checkAfterDns(ctx, opts.afterDns!, stacks, w, call) } : {}),
        readBefore: readBeforeRun(reads, rewritten),
        clearDeadEngineLocks: () => clearDeadLocks({ log, backendUrl: ctx.env.backendUrl, names: ctx.names }),
        proveHeld,
        drain: drainWith(openSessionsOf(ctx, stacks), input.drain.drainTimeoutSeconds),
    };
    const plan: SwitchPlan = {
        runId,
        operation: request.operation,
        target,
        steps,
        ...(from !== undefined ? { from } : {}),
        ...(auditFrom !== undefined ? { auditFrom } : {}),
        ...(resumes !== undefined ? { resumes } : {}),
        ...(reason !== undefined ? { reason } : {}),
        currentWeights: current.dns?.weights,
        targetWeights: weights,
        verifyRegions: regionsToVerify({ next: weights, current: current.dns?.weights, prediction: answer }),
        ...(answer !== undefined ? { answer } : {}),
        ...(forced !== undefined ? { forced } : {}),
        drain: { onTimeout: input.drain.drainTimeoutAction, unplanned: input.drain.unplanned },
        quiesces: planQuiesces(steps, current, input.drain),
        started,
        identity: ctx.identity,
        host: request.holder.host,
    };
    return { plan, port };
}

/** Puts a skipped step's config back to what it deploys; true when it wrote anything. */
async function alignConfig(step: PlannedStep, status: ReadStatus, stack: Pick<Stack, "setConfig">): Promise<boolean> {
    let wrote = false;
    for (const change of step.config) {
        if (change.path !== true && status.config[change.key] !== undefined && status.config[change.key] !== change.value) {
            await stack.setConfig(change.key, { value: change.value });
            wrote = true;
        }
    }
    return wrote;
}

/**
 * Where the drain reads open sessions: the given source, else CloudWatch on the load balancers the
 * regional stacks export. A stand-in provider's load balancers publish nothing to AWS, so without
 * a given source there is none.
 */
function openSessionsOf(ctx: ControllerContext, stacks: RegionalReads): OpenSessionsSource | undefined {
    if (ctx.openSessions !== undefined) {
        return ctx.openSessions;
    }
    return ctx.env.standsIn !== true ? cloudWatchOpenSessions({ primary: stacks.primary.typed, secondary: stacks.secondary.typed }, ctx.cloudWatch) : undefined;
}

/** The run's drain: the bounded wait of drain.ts over a source of open sessions (none: the drain is skipped, saying why). */
function drainWith(source: OpenSessionsSource | undefined, timeoutSeconds: number): (region: RegionName, signal?: AbortSignal) => Promise<DrainOutcome> {
    if (source === undefined) {
        return async (region) => skippedDrain(region, "no source of open sessions: the provider stands in for AWS and no openSessions source was given");
    }
    return (region, signal) => waitForDrain({ region, read: source.read, timeoutSeconds, pollSeconds: source.pollSeconds, ...(signal !== undefined ? { signal } : {}) });
}
