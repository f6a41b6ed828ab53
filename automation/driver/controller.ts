// FailoverController: the driver's façade. Every operation has one shape — check its input, take
// the lock when it changes anything, prepare, run — and the work lives in the modules beside it:
// controller-options.ts (what `create` opens), stack-reads.ts, status-read.ts and status.ts,
// prepare-switch.ts and switch-run.ts, region-checks.ts, coordination/unlock.ts, fence/operation.ts.
// It never prints and never exits.
import { newRunId } from "../run-id";
import { Posture, postureSpec, RegionName } from "../../foundation/posture";
import { estimateAllPostures } from "../pricing";
import { readStandbyCapacity, regionThatMustServe } from "./standby-capacity";
import { AuditEntry, AuditOperation } from "./audit";
import { bootstrap, BootstrapOptions, BootstrapResult } from "./bootstrap";
import { planDrains, rtoSplit } from "./drain";
import { planQuiesces, quiesceWaitSeconds } from "./quiesce";
import { FailoverError, LockHolder } from "./errors";
import { fenceRequestOf, fenceWorldOf, storeAuditSink } from "../fence/driver-world";
import { applyFence, FencePlan, planFence, requireConfirmed } from "../fence/operation";
import { openCoordination } from "./coordination/from-options";
import { RunLog } from "./coordination/run-log";
import { withSwitchLock } from "./coordination/switch-lock";
import { recordLivePosture } from "./coordination/live-posture";
import { unlock } from "./coordination/unlock";
import { asPostureDriver } from "../../stacks/posture-record";
import { fenceCacheAfterSwitch } from "../fence/cache";
import { pendingSteps, planSteps, StackKey } from "./planner";
import { previewStep } from "./preview";
import { costAssumptions, deployedPosture, deployedStateOf, deployedWeights, readStackStatus, requireDeployedStacks } from "./stack-state";
import { VerifyResult } from "./verify";
import { runTask, throwIfAborted, untilAborted } from "./tasks";
import { CheckResult, runCheck } from "./readiness/check";
import { readRegionDeployments } from "./readiness/deployments";
import { readDrift } from "./readiness/drift";
import { predictSwitchAnswer, switchTargetWeights } from "./switch-answer";
import { notifyCheck } from "../notify/audited";
import { checkSwitchInput, checkWeights, ControllerContext, drainOptions, openController, parseRegion, parseTarget, plainText } from "./controller-options";
import { beginStateReads, checkConfigs, readStacks, rememberFence, requireReadable } from "./stack-reads";
import { readStatus } from "./status-read";
import { fenceEffectOf, servingUnder } from "./status";
import { prepareSwitch } from "./prepare-switch";
import { verifyWith } from "./region-checks";
import { SwitchRun } from "./switch-run";
import { requireCaughtUp } from "./failback-backlog";
import {
    FailbackOptions,
    FailbackResult,
    FailoverControllerOptions,
    FenceOptions,
    FenceResult,
    HistoryOptions,
    PlanPostureOptions,
    PlanResult,
    ReadOptions,
    SetPostureOptions,
    SignalOptions,
    SetPostureResult,
    StackPreview,
    UnlockOptions,
    UnlockResult,
    StatusResult,
    VerifyOptions,
} from "./types";

export { defaultStackNames } from "./controller-options";
export { defaultReplicationRuleId } from "./rpo";

/**
 * The failover driver. Create it with `FailoverController.create()`; every operation is async and
 * returns typed data. Only `setPosture` and `failback` take the lock; `status`, `plan` and
 * `history` only read; `fence`/`unfence` are deliberately lock-free (an emergency fence must not
 * wait behind a switch that is hanging on the very region being fenced).
 */
export class FailoverController {
    private constructor(private readonly ctx: ControllerContext) {}

    /**
     * Opens the three stacks and the driver's journal folder.
     *
     * @throws BadInputError for a missing project folder, an unknown stack, a non-positive timeout
     *   or an engine environment that cannot be built (e.g. no passphrase).
     * @throws FailoverError (with the Automation API error as `cause`) when the engine cannot list stacks.
     * @throws AbortedError when `signal` fires.
     */
    static async create(options: FailoverControllerOptions = {}): Promise<FailoverController> {
        return new FailoverController(await openController(options));
    }

    /**
     * Brings an environment up from nothing, creating the stacks: both regions without replication,
     * then with it, then DNS (automation/driver/bootstrap.ts). Needs no stack to exist, so it is
     * static. Idempotent and resumable.
     *
     * @throws everything `bootstrap` throws.
     */
    static bootstrap(options: BootstrapOptions = {}): Promise<BootstrapResult> {
        return asPostureDriver(() => bootstrap(options));
    }

    /**
     * Reads the audit log without opening any stack (the engine is not needed to read history).
     *
     * Never throws for a missing log (it reads as empty). Throws BadInputError when neither option
     * names a folder and no project is found (see `resolveProjectDir`).
     */
    static async readHistory(options: Pick<FailoverControllerOptions, "projectDir" | "journalDir" | "coordination" | "backendUrl"> = {}, query: HistoryOptions = {}): Promise<AuditEntry[]> {
        throwIfAborted(query.signal);
        return untilAborted(query.signal, new RunLog(openCoordination(options), "").read({ since: query.since, limit: query.limit }));
    }

    /** The stack names the controller drives, by role. */
    get stackNames(): Readonly<Record<StackKey, string>> {
        return this.ctx.names;
    }

    /** Where the lock, journal and audit log live: a folder, or an `s3://` URL. */
    get coordination(): string {
        return this.ctx.log.store.location;
    }

    /**
     * Each stack's config, outputs and last update; the deployed posture, weights and capacity;
     * the serving region; the lock holder; the fence state; an unfinished switch.
     *
     * Never throws for an unreadable stack (its status carries `error`); an unreadable fence reads `unknown`.
     *
     * @throws AbortedError when `signal` fires.
     */
    async status(opts: ReadOptions = {}): Promise<StatusResult> {
        return readStatus(this.ctx, opts);
    }

    /**
     * Whether the service is ready for a failover now (readiness/check.ts): what `status` reads,
     * the regions' parity as deployed, and each stack's drift against the cloud (one refresh
     * preview each). Read-only: takes no lock, may run while a switch runs.
     *
     * Never throws for a part it cannot read: that part is an `unknown` finding.
     *
     * @throws AbortedError when `signal` fires.
     */
    async check(opts: ReadOptions = {}): Promise<CheckResult> {
        throwIfAborted(opts.signal);
        // Each stack's state is read once (one engine process each), for status and parity alike.
        const states = beginStateReads(this.ctx);
        // Raced as a whole: runCheck turns a part's error into an `unknown` finding, and an abort is not one.
        const result = await untilAborted(
            opts.signal,
            runCheck({
                status: () => readStatus(this.ctx, opts, states),
                deployments: () => runTask(opts, "read the regions' deployments", () => readRegionDeployments({ primary: states.primary, secondary: states.secondary })),
                drift: (key) => runTask(opts, `preview a refresh of stack ${this.ctx.names[key]}`, () => readDrift(this.ctx.names[key], this.ctx.stacks[key], opts.signal)),
                stackNames: this.ctx.names,
            }),
        );
        await notifyCheck(this.ctx.notifier, result, this.ctx.identity, this.ctx.log.store);
        return result;
    }

    /**
     * The ordered steps to `posture`, the engine's preview of each step that would run (computed in
     * a temporary copy of the stack files, so nothing is changed), the modelled RTO and a standby
     * cost estimate of every posture.
     *
     * @throws BadInputError for an unknown posture or invalid weights.
     * @throws FailoverError when a stack cannot be read.
     * @throws AbortedError when `signal` fires.
     * @throws NotDeployedError when a stack holds no deployment (never deployed, or torn down).
     */
    async plan(posture: Posture | string, opts: PlanPostureOptions = {}): Promise<PlanResult> {
        const target = parseTarget(posture);
        checkWeights(opts.activeActiveWeights);
        throwIfAborted(opts.signal);
        const stacks = await runTask(opts, "check the stack configs and read the three stacks", async () => {
            const states = beginStateReads(this.ctx);
            return readStacks(this.ctx, { configs: await checkConfigs(this.ctx), states });
        });
        requireReadable(stacks);
        requireDeployedStacks(stacks, this.ctx.names);
        const drain = drainOptions(opts);
        const steps = planSteps(deployedStateOf(stacks), target, { activeActiveWeights: opts.activeActiveWeights, quiesce: drain.quiesce, unplanned: drain.unplanned });
        const previews: StackPreview[] = [];
        if (opts.preview ?? true) {
            for (const step of pendingSteps(steps)) {
                previews.push(
                    await runTask(opts, `preview step ${step.index}: ${step.description} (stack ${this.ctx.names[step.stack]})`, () =>
                        asPostureDriver(() => previewStep(this.ctx.env, this.ctx.names[step.stack], step, {
                            signal: opts.signal,
                            onEvent: (e) => opts.onEvent?.(step.stack, e),
                        })),
                    ),
                );
            }
        }
        const rto = stacks.dns.typed.modelledRtoSeconds;
        const from = deployedPosture(stacks);
        const weights = switchTargetWeights(target, opts.activeActiveWeights, stacks.dns.config);
        const answer = await runTask(opts, "predict Route 53's answer", () =>
            predictSwitchAnswer({ stacks, target, targetWeights: weights, fence: this.ctx.fence, endpointHealth: this.ctx.endpointHealth, skipVerify: false }),
        );
        const mustServe = regionThatMustServe(postureSpec(target, opts.activeActiveWeights), deployedStateOf(stacks).capacity);
        const standby = await runTask(opts, "read the standby's capacity and quota", () => readStandbyCapacity(stacks, mustServe, this.ctx.onDemandQuota));
        const drains = planDrains(steps, drain);
        return {
            drains,
            quiesces: planQuiesces(steps, deployedStateOf(stacks), drain),
            rtoSplit: rtoSplit(drains, rto, quiesceWaitSeconds(steps)),
            ...(from !== undefined ? { from } : {}),
            to: target,
            steps,
            previews,
            ...(rto !== undefined ? { modelledRtoSeconds: rto } : {}),
            ...fenceEffectOf(stacks.dns),
            costs: estimateAllPostures(costAssumptions(stacks)),
            ...standby,
            ...(answer !== undefined ? { answer } : {}),
        };
    }

    /**
     * Switches to `posture`: scales the region(s) that will take traffic, switches DNS with an `up`
     * of the dns stack alone, then scales the other region down. Steps already in place are
     * skipped. Preflight comes first (every stack's config through the programs' loaders, each
     * stack's identity, the driver's files): bad input changes nothing. A capacity step whose region
     * is unreachable or times out, other than the one that must serve, fences that region and
     * leaves the step for later (result `degraded`); any other failure stops the switch where it
     * stands and fences nothing. A switch interrupted earlier (even by kill -9) is resumed from its
     * first unfinished step.
     *
     * @throws BadInputError for an unknown posture, invalid weights, a missing reason for `failover`,
     *   a stack config the programs would refuse, a stack that is not the role it is given, or a
     *   journal/audit log that cannot be written. Nothing was changed.
     * @throws LockedError when another operation holds the lock (after `waitMs`).
     * @throws RegionUnreachableError when the region that must take traffic cannot be scaled up (DNS untouched).
     * @throws SwitchStoppedError when a step failed for a reason that is not its region's (nothing fenced).
     * @throws FailoverError when the DNS step's API is unreachable and no region can be fenced instead.
     * @throws AbortedError when `signal` fires.
     */
    async setPosture(posture: Posture | string, opts: SetPostureOptions = {}): Promise<SetPostureResult> {
        const target = parseTarget(posture);
        return this.switchPosture(target, opts, target === "failover" ? "failover" : "posture");
    }

    /**
     * Returns to active-passive once replication from the serving region has caught up, in the
     * safe order (primary scaled up, DNS, secondary back to pilot light).
     *
     * @throws ReplicationBacklogError when the backlog is above the thresholds, or it cannot be read:
     *   no metrics, CloudWatch unreachable (cause: ReplicationMetricsUnavailableError), or stacks that
     *   export no buckets (unless `force`). Nothing was changed.
     * @throws everything `setPosture` throws.
     */
    async failback(opts: FailbackOptions = {}): Promise<FailbackResult> {
        throwIfAborted(opts.signal);
        const stacks = await runTask(opts, "read the three stacks", () => readStacks(this.ctx));
        requireReadable(stacks);
        const backlog = servingUnder(deployedWeights(stacks)) === "secondary" && !(opts.force ?? false) ? await requireCaughtUp(this.ctx, stacks, opts) : undefined;
        const result = await this.switchPosture("active-passive", opts, "failback");
        return { ...result, ...(backlog !== undefined ? { backlog } : {}) };
    }

    /**
     * Plans a fence or an unfence (automation/fence/operation.ts): reads both fences from the
     * fence's own store and the endpoints' health, and predicts Route 53's answer. Changes nothing.
     *
     * @throws BadInputError for an unknown region, control characters, or fencing the last unfenced region.
     * @throws NothingToFenceError when the dns stack is not deployed or no alarm watches the metric.
     * @throws HarmfulFenceError when the answer harms clients and `force` is not given.
     */
    async planFence(region: RegionName | string, action: "fence" | "unfence", opts: FenceOptions = {}): Promise<FencePlan> {
        throwIfAborted(opts.signal);
        const stacks = await untilAborted(opts.signal, readStacks(this.ctx));
        return untilAborted(opts.signal, planFence({ region: String(region), action, identity: this.ctx.identity, ...fenceRequestOf(opts) }, fenceWorldOf(stacks, this.ctx.fence, this.ctx.endpointHealth)));
    }

    /**
     * Publishes a plan from `planFence` (the last word wins within the alarm period) and audits it.
     *
     * @throws FailoverError when the store cannot be written or the fence call fails (audited).
     * @throws AbortedError when `signal` has fired before the call (once the call is made, it is let finish: a fence half-published is worse than one published).
     */
    async applyFence(plan: FencePlan, opts: SignalOptions = {}): Promise<FenceResult> {
        throwIfAborted(opts.signal);
        const outcome = await applyFence(plan, this.ctx.fence, storeAuditSink(this.ctx.log.store));
        rememberFence(this.ctx, { fence: { [outcome.region]: { state: outcome.state, at: new Date().toISOString(), source: "published" } } });
        return outcome;
    }

    /**
     * Fences a region through the fence operation: refused when it would harm clients (unless
     * `force` with a reason), and when a reading is unknown or clients move unless `yes`.
     *
     * @throws everything `planFence` throws; FenceNotConfirmedError without `yes` when it needs confirming.
     * @throws FailoverError when the fence call fails (cause: the SDK error).
     */
    async fence(region: RegionName | string, opts: FenceOptions = {}): Promise<FenceResult> {
        const plan = await this.planFence(region, "fence", opts);
        requireConfirmed(plan, opts.yes ?? false);
        return this.applyFence(plan, opts);
    }

    /**
     * Lifts a region's fence, under the same rules as `fence`.
     *
     * @throws everything `fence` throws.
     */
    async unfence(region: RegionName | string, opts: FenceOptions = {}): Promise<FenceResult> {
        const plan = await this.planFence(region, "unfence", opts);
        requireConfirmed(plan, opts.yes ?? false);
        return this.applyFence(plan, opts);
    }

    /**
     * Verifies a region as a customer would use it, as its canary: host key, login, and a canary
     * object written, read back, listed and deleted. Reads the regional stack only; changes nothing
     * deployed and takes no lock. Endpoints default to `options.endpoints`, else the stack's outputs.
     *
     * @throws BadInputError for an unknown region.
     * @throws FailoverError when the regional stack cannot be read.
     * @throws AbortedError when `signal` fires.
     */
    async verify(region: RegionName | string, opts: VerifyOptions = {}): Promise<VerifyResult> {
        const name = parseRegion(region);
        throwIfAborted(opts.signal);
        const status = await untilAborted(opts.signal, readStackStatus(name, this.ctx.stacks[name]));
        if (status.error !== undefined) {
            throw new FailoverError(`cannot read stack ${status.name}: ${status.error}`);
        }
        return verifyWith(this.ctx, name, status.typed, opts);
    }

    /**
     * Clears what a switch left locked and the driver cannot prove stale by itself: the driver's
     * lock (a corrupt file, or a holder on another host) and the file backend's stack locks of the
     * three stacks (what `pulumi cancel` does); and puts back config a killed switch left undeployed
     * in the stack files (config-restore.ts). A holder still running on this host is refused
     * unless `force`. Audited when something was cleared; nothing to clear is not audited.
     *
     * @throws BadInputError when a holder still runs here (without `force`), `confirm` declined, or
     *   the audit log cannot be written. Nothing was changed.
     * @throws AbortedError when `signal` fires before anything is cleared.
     */
    async unlock(opts: UnlockOptions = {}): Promise<UnlockResult> {
        plainText(opts.reason, "reason");
        const ctx = this.ctx;
        return unlock({ log: ctx.log, backendUrl: ctx.env.backendUrl, names: ctx.names, stacks: ctx.stacks, readStacks: () => readStacks(ctx) }, opts);
    }

    /** The audit log, oldest first. Never throws for a missing log (it reads as empty); AbortedError when `signal` fires. */
    async history(opts: HistoryOptions = {}): Promise<AuditEntry[]> {
        throwIfAborted(opts.signal);
        return untilAborted(opts.signal, this.ctx.log.read({ since: opts.since, limit: opts.limit }));
    }

    /** check → lock → prepare → run: the one shape of `setPosture` and `failback`. */
    private async switchPosture(target: Posture, opts: SetPostureOptions, operation: AuditOperation): Promise<SetPostureResult> {
        const input = checkSwitchInput(target, opts, this.ctx.timeouts.stepMs);
        throwIfAborted(opts.signal);
        // The coordination store first (the lock itself lives there), without creating anything.
        const log = this.ctx.log;
        await log.store.checkWritable();
        const started = Date.now();
        const runId = newRunId();
        const holder: LockHolder = { identity: this.ctx.identity, host: log.host, pid: process.pid, runId, operation: `${operation} ${target}`, since: new Date().toISOString() };
        const current = await log.store.readLock();
        if (current.state === "held" && (opts.waitMs ?? 0) > 0) {
            opts.onProgress?.({ type: "waiting-for-lock", holder: current.holder });
        }
        return withSwitchLock(log, holder, { leaseMs: this.ctx.leaseMs, waitMs: opts.waitMs, signal: opts.signal }, async (held) => {
            const live = { target, activeActiveWeights: opts.activeActiveWeights, runId, reason: input.reason };
            const prepared = await prepareSwitch(this.ctx, { target, operation, opts, input, runId, started, holder }, held);
            if ("unchanged" in prepared) {
                await recordLivePosture(log, { ...live, onlyIfChanged: true });
                return prepared.unchanged;
            }
            // The driver changes the posture: its own program runs skip the comparison with the
            // record, which it then updates (also when degraded: the config now says the target).
            const run = new SwitchRun(prepared.port, prepared.plan, { ...opts, signal: held.signal, stepTimeoutMs: input.stepTimeoutMs });
            const result = await asPostureDriver(() => run.execute());
            rememberFence(this.ctx, fenceCacheAfterSwitch(result, opts.activeActiveWeights, new Date()));
            await recordLivePosture(log, { ...live, onlyIfChanged: false });
            return result;
        });
    }
}
