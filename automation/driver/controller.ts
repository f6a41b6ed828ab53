// FailoverController: the driver. It reads the three stacks, plans a posture switch with the pure
// planner, and runs the steps one stack at a time under a lock, writing a journal that lets a
// killed run be resumed and an audit log of every real change. It never prints and never exits.
import { newRunId } from "../run-id";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Deployment, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { EngineEnvironment, engineEnvironment } from "../engine/environment";
import { resolveProjectDir } from "../engine/locations";
import { openStack, pulumiCommandOf } from "../engine/workspace";
import { InvalidPostureError, parsePosture, Posture, postureSpec, RegionName, regionNames, validateWeights, Weights } from "../../foundation/posture";
import { currentAnswer } from "../fence-effect";
import { estimateAllPostures } from "../pricing";
import { readStandbyCapacity, regionThatMustServe, standbyOf } from "./standby-capacity";
import { program } from "../../stacks";
import { AuditEntry, AuditOperation, resolveIdentity } from "./audit";
import { bootstrap, BootstrapOptions, BootstrapResult } from "./bootstrap";
import { planQuiesces, quiesceWaitSeconds } from "./quiesce";
import { DrainOutcome, DrainSwitchOptions, OpenSessionsSource, planDrains, resolveDrainOptions, rtoSplit, skippedDrain, waitForDrain } from "./drain";
import { cloudWatchOpenSessions } from "./open-sessions";
import { readEndpointHealth } from "./endpoint-health";
import { ConfigEntry } from "../../stacks/config/source";
import { configKeys, RawOutputs, readDnsOutputs, readRegionalOutputs, RegionalOutputs } from "../../stacks/contract";
import { backendLocks, clearDeadEngineLocks, removeBackendLock, fileBackendDir } from "./backend-locks";
import { BadInputError, FailoverError, LockHolder, NotDeployedError, ReplicationBacklogError } from "./errors";
import { checkJournalDir, checkStackConfigs, checkStackNames, stackFile } from "./preflight";
import { StackBeforeRun, SwitchRun } from "./switch-run";
import { stepTargetsIn } from "./step-runner";
import { escapeControl, hasControlChars } from "./text";
import { defaultFenceClient, isFenceClient, RegionFenceClient } from "./fence-client";
import { fenceRequestOf, fenceWorldOf, regionEndpointsOf, storeAuditSink } from "./fence-world";
import { applyFence, FencePlan, planFence, requireConfirmed } from "../fence-operation";
import { firstUnfinishedStep, interruptedSteps } from "./journal";
import { processAlive } from "./process-alive";
import { openCoordination } from "./coordination/from-options";
import { breakLock, defaultLeaseMs, isStale, leaseExpired } from "./coordination/lease";
import { AuditEvent, RunLog } from "./coordination/run-log";
import { withSwitchLock } from "./coordination/switch-lock";
import { StoredLock } from "./coordination/store";
import { decideResume } from "./resume";
import { recordLivePosture } from "./coordination/live-posture";
import { asPostureDriver } from "../../stacks/posture-record";
import { putBackUndeployed, undeployedConfig } from "./config-restore";
import { FenceCacheUpdate, fenceCachePath, fenceCacheAfterSwitch, fenceCacheFromStatus, updateFenceCache } from "./fence-cache";
import { pendingSteps, PlannedStep, planSteps, StackKey } from "./planner";
import { previewStep } from "./preview";
import { backlogFigures, cloudWatchReplicationMetrics, defaultReplicationThresholds, ReplicationMetricsReader, ReplicationThresholds } from "./replication";
import { deployedPosture, deployedStateOf, readStack, readStackStatus, StackRead, summarizeEngineError } from "./stack-state";
import { VerifyResult, verifyRegion } from "./verify";
import { runTask, throwIfAborted, untilAborted } from "./tasks";
import { CheckResult, runCheck } from "./readiness/check";
import { readRegionDeployments } from "./readiness/deployments";
import { readDrift } from "./readiness/drift";
import { sameEndpoint } from "./sftp-endpoint";
import { checkSwitchAnswer, predictSwitchAnswer, switchTargetWeights } from "./switch-answer";
import { regionsToVerify } from "./verify-gate";
import { PostDnsCheckResult, runPostDnsCheck } from "./post-dns-check";
import { checkAfterDnsOptions, endpointNameLocator, fixedAddressLocator, knownHealth, sharedFingerprints } from "./post-dns-inputs";
import { readRpoExposure, replicationRuleOf } from "./rpo";
import { FenceEffect } from "../../components/fence-timing";
import { Notifier } from "../notify/notifier";
import { notifierOf, notifyCheck, notifyingStore } from "../notify/audited";
import {
    FailbackOptions,
    FailbackResult,
    AfterDnsCheckOptions,
    FailoverControllerOptions,
    FenceOptions,
    FenceResult,
    FenceState,
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
    StackStatus,
    StatusResult,
    VerifyOptions,
} from "./types";

const stackKeys: readonly StackKey[] = ["primary", "secondary", "dns"];

/** Default stack names by role. */
export const defaultStackNames: Readonly<Record<StackKey, string>> = { primary: "primary", secondary: "secondary", dns: "dns" };

export { defaultReplicationRuleId } from "./rpo";

interface Timeouts {
    readonly stepMs: number;
    readonly cancelGraceMs: number;
    readonly stackBusyMs: number;
}

interface Context {
    readonly env: EngineEnvironment;
    readonly names: Readonly<Record<StackKey, string>>;
    readonly stacks: Readonly<Record<StackKey, Stack>>;
    readonly identity: string;
    /** The journal and audit log, in the coordination store that also holds the lock. */
    readonly log: RunLog;
    readonly leaseMs: number;
    readonly fence: RegionFenceClient;
    readonly replication: ReplicationMetricsReader;
    readonly thresholds: ReplicationThresholds;
    readonly timeouts: Timeouts;
    readonly endpointHealth: FailoverControllerOptions["endpointHealth"];
    readonly openSessions: FailoverControllerOptions["openSessions"];
    readonly cloudWatch: FailoverControllerOptions["cloudWatch"];
    readonly onDemandQuota: FailoverControllerOptions["onDemandQuota"];
    readonly endpoints: FailoverControllerOptions["endpoints"];
    readonly resolveEndpointName: FailoverControllerOptions["resolveEndpointName"];
    /** The local fence cache (fence-cache.ts). */
    readonly fenceCacheFile: string;
    /** Where changes and a check that is not ready are told (automation/notify/). */
    readonly notifier: Notifier | undefined;
}

function positive(value: number | undefined, fallback: number, label: string): number {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0) {
        throw new BadInputError(`${label} must be a positive number of milliseconds (got ${String(value)})`);
    }
    return v;
}

function parseTarget(posture: string): Posture {
    try {
        return parsePosture(posture);
    } catch (err) {
        throw new BadInputError((err as Error).message, { cause: err });
    }
}

function checkWeights(weights: Weights | undefined): void {
    if (weights === undefined) {
        return;
    }
    try {
        validateWeights(weights, "activeActiveWeights");
    } catch (err) {
        if (err instanceof InvalidPostureError) {
            throw new BadInputError(err.message, { cause: err });
        }
        throw err;
    }
}

function parseRegion(region: string): RegionName {
    if ((regionNames as readonly string[]).includes(region)) {
        return region as RegionName;
    }
    throw new BadInputError(`unknown region "${region}" (valid: ${regionNames.join(", ")})`);
}

/**
 * Refuses control characters in text a user gives (reason, identity): the audit log stores data,
 * and a newline or an escape sequence in it could forge a row of `history` or drive a terminal.
 */
function plainText(value: string | undefined, label: string): string | undefined {
    if (value !== undefined && hasControlChars(value)) {
        throw new BadInputError(`${label} must not contain control characters such as newlines or escapes (got "${escapeControl(value)}")`);
    }
    return value;
}

/** The stacks the backend holds, by short name. */
async function existingStackNames(env: EngineEnvironment): Promise<string[]> {
    const pulumiCommand = await pulumiCommandOf(env);
    const ws = await LocalWorkspace.create({
        workDir: env.projectDir,
        pulumiHome: env.pulumiHome,
        envVars: env.envVars,
        pulumiCommand,
        program,
    });
    const list = await ws.listStacks();
    return list.map((s) => s.name.split("/").pop() ?? s.name);
}

/**
 * The failover driver. Create it with `FailoverController.create()`; every operation is async and
 * returns typed data. Only `setPosture` and `failback` take the lock; `status`, `plan` and
 * `history` only read; `fence`/`unfence` are deliberately lock-free (an emergency fence must not
 * wait behind a switch that is hanging on the very region being fenced).
 */
export class FailoverController {
    private constructor(private readonly ctx: Context) {}

    /**
     * Opens the three stacks and the driver's journal folder.
     *
     * @throws BadInputError for a missing project folder, an unknown stack, a non-positive timeout
     *   or an engine environment that cannot be built (e.g. no passphrase).
     * @throws FailoverError (with the Automation API error as `cause`) when the engine cannot list stacks.
     * @throws AbortedError when `signal` fires.
     */
    static async create(options: FailoverControllerOptions = {}): Promise<FailoverController> {
        throwIfAborted(options.signal);
        const names: Record<StackKey, string> = { ...defaultStackNames, ...options.stacks };
        plainText(options.identity, "identity");
        checkStackNames(names);
        const { primary: primaryEndpoint, secondary: secondaryEndpoint } = options.endpoints ?? {};
        if (primaryEndpoint !== undefined && secondaryEndpoint !== undefined && sameEndpoint(primaryEndpoint, secondaryEndpoint)) {
            throw new BadInputError(`endpoints.primary and endpoints.secondary are the same server (${primaryEndpoint.host}:${primaryEndpoint.port}): verify could not tell the regions apart`);
        }
        checkJournalDir(options.journalDir);
        // Checked before the engine environment is built, which creates folders: a mistyped
        // --stack-dir or --backend must be refused without leaving anything behind.
        if (options.engine === undefined) {
            let projectDir: string;
            try {
                projectDir = resolveProjectDir(options.projectDir);
            } catch (err) {
                throw new BadInputError((err as Error).message, { cause: err });
            }
            if (!fs.existsSync(path.join(projectDir, "Pulumi.yaml"))) {
                throw new BadInputError(`projectDir ${projectDir} has no Pulumi.yaml`);
            }
            const stateDir = options.backendUrl !== undefined ? fileBackendDir(options.backendUrl) : undefined;
            if (stateDir !== undefined && !fs.existsSync(stateDir)) {
                throw new BadInputError(`backend ${options.backendUrl} does not exist (the driver works on deployed stacks; a mistyped --backend?)`);
            }
        }
        let env: EngineEnvironment;
        try {
            env =
                options.engine ??
                engineEnvironment({ projectDir: options.projectDir, engineDir: options.engineDir, backendUrl: options.backendUrl, standIn: options.standIn });
        } catch (err) {
            throw new BadInputError((err as Error).message, { cause: err });
        }
        if (!fs.existsSync(path.join(env.projectDir, "Pulumi.yaml"))) {
            throw new BadInputError(`projectDir ${env.projectDir} has no Pulumi.yaml`);
        }
        const timeouts: Timeouts = {
            stepMs: positive(options.timeouts?.stepMs, 20 * 60_000, "timeouts.stepMs"),
            cancelGraceMs: positive(options.timeouts?.cancelGraceMs, 30_000, "timeouts.cancelGraceMs"),
            stackBusyMs: positive(options.timeouts?.stackBusyMs, 60_000, "timeouts.stackBusyMs"),
        };
        let existing: string[];
        try {
            existing = await runTask(options, `list the stacks of ${env.backendUrl}`, () => existingStackNames(env));
        } catch (err) {
            throwIfAborted(options.signal);
            throw new FailoverError(`cannot list the stacks of ${env.backendUrl}: ${summarizeEngineError(err)}`, { cause: err });
        }
        for (const key of stackKeys) {
            const short = names[key].split("/").pop() ?? names[key];
            if (!existing.includes(short)) {
                throw new BadInputError(`unknown stack "${names[key]}" for ${key} (the backend has: ${existing.length > 0 ? existing.join(", ") : "no stacks"})`);
            }
        }
        const opened = await runTask(options, "open the three stacks", async () => {
            const stacks = {} as Record<StackKey, Stack>;
            for (const key of stackKeys) {
                stacks[key] = await openStack(names[key], env);
            }
            return stacks;
        });
        // Not created here: status and plan write nothing to the store (only the local fence cache,
        // best effort), and a switch checks it in preflight.
        const notifier = notifierOf(options.notify);
        // Every audit entry written through the store is also notified (automation/notify/audited.ts).
        const store = notifyingStore(openCoordination({ ...options, backendUrl: env.backendUrl, projectDir: env.projectDir }), notifier);
        const identity = resolveIdentity(options.identity);
        // The fence cache stays on this machine whatever the store: the emergency fence reads it
        // without the store, the backend or the engine.
        const fenceCacheFile = fenceCachePath(path.resolve(options.journalDir ?? path.join(env.projectDir, ".failover")));
        const fence = isFenceClient(options.fence) ? options.fence : defaultFenceClient(options.fence);
        return new FailoverController({
            env,
            names,
            stacks: opened,
            identity,
            log: new RunLog(store, identity),
            fenceCacheFile,
            leaseMs: positive(options.leaseMs, defaultLeaseMs, "leaseMs"),
            fence,
            replication: options.replicationMetrics ?? cloudWatchReplicationMetrics(options.cloudWatch),
            thresholds: { ...defaultReplicationThresholds, ...options.replicationThresholds },
            timeouts,
            endpointHealth: options.endpointHealth,
            openSessions: options.openSessions,
            cloudWatch: options.cloudWatch,
            onDemandQuota: options.onDemandQuota,
            endpoints: options.endpoints,
            resolveEndpointName: options.resolveEndpointName,
            notifier,
        });
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
        return this.statusOf(opts);
    }

    /** `status`, from deployments the caller has begun to read (`check` shares them with parity). */
    private async statusOf(opts: ReadOptions, states?: Record<StackKey, Promise<Deployment>>): Promise<StatusResult> {
        const stacks = await runTask(opts, "read the three stacks", () => this.readStacks(undefined, true, states));
        const state = deployedStateOf(stacks);
        const posture = deployedPosture(stacks);
        const coordinates = fenceCoordinatesOf(stacks.dns);
        const fence: Record<RegionName, FenceState> = { primary: "unknown", secondary: "unknown" };
        const readFence = this.ctx.fence.state?.bind(this.ctx.fence);
        if (coordinates !== undefined && readFence !== undefined) {
            await runTask(opts, "read the fences", async () => {
                for (const region of regionNames) {
                    fence[region] = await readFence(region, coordinates).catch(() => "unknown" as const);
                }
            });
            this.rememberFence(fenceCacheFromStatus(coordinates, undefined, new Date(), fence));
        }
        // An unreachable store is reported, not thrown: status is what an operator reads first.
        const [lockState, unfinished] = await runTask(opts, `read the lock and journal (${this.ctx.log.store.location})`, () =>
            Promise.all([
                this.ctx.log.store.readLock().catch((err: Error): StoredLock => ({ state: "corrupt", problem: `cannot be read (${err.message})`, token: "" })),
                this.ctx.log.unfinishedRun(false).catch(() => undefined),
            ]),
        );
        const lock = lockState.state === "held" ? lockState.holder : undefined;
        const undeployed = unfinished !== undefined ? undeployedConfig(interruptedSteps(unfinished), stacks) : [];
        const notDeployed = stackKeys.filter((k) => isNotDeployed(stacks[k]));
        const weights = state.dns?.weights;
        const serving = weights === undefined ? undefined : weights.secondary > weights.primary ? ("secondary" as const) : ("primary" as const);
        const rpo = serving === undefined ? undefined : await runTask(opts, "read the replication metrics", () => readRpoExposure(this.ctx.replication, this.ctx.thresholds, stacks, serving, opts.signal));
        const healthSource = this.ctx.endpointHealth;
        const endpointHealth =
            healthSource !== undefined
                ? await runTask(opts, "read the endpoint health checks", () => readEndpointHealth(healthSource, { primary: stacks.primary.outputs, secondary: stacks.secondary.outputs, dns: stacks.dns.outputs }))
                : undefined;
        const { standbyQuota } = await readStandbyCapacity(stacks, standbyOf(weights), this.ctx.onDemandQuota);
        return {
            stacks,
            ...(posture !== undefined ? { posture } : {}),
            ...(stacks.dns.config[configKeys.posture] !== undefined ? { configuredPosture: stacks.dns.config[configKeys.posture] } : {}),
            ...(weights !== undefined ? { weights, serving: weights.secondary > weights.primary ? ("secondary" as const) : ("primary" as const) } : {}),
            ...(weights !== undefined ? { answer: answerOf(weights, fence, endpointHealth) } : {}),
            capacity: state.capacity,
            ...(lock !== undefined ? { lock } : {}),
            ...(lockState.state === "corrupt" ? { lockProblem: `${this.ctx.log.store.lockLocation} ${lockState.problem}; if no switch is running, clear it with \`sftp-failover unlock\`` } : {}),
            ...(lock !== undefined && isStale(this.ctx.log.store, lock) ? { lockProblem: `${staleWhy(lock)}; the next switch clears the lock` } : {}),
            fence,
            ...(endpointHealth !== undefined ? { endpointHealth } : {}),
            ...(rpo !== undefined ? { rpoExposure: rpo } : {}),
            ...(standbyQuota !== undefined ? { standbyQuota } : {}),
            ...fenceEffectOf(stacks.dns),
            ...(notDeployed.length > 0 ? { notDeployed } : {}),
            ...(undeployed.length > 0 ? { undeployedConfig: undeployed.map((u) => ({ ...u, file: stackFile(this.ctx.names[u.stack]) })) } : {}),
            ...(unfinished !== undefined
                ? {
                      unfinished: {
                          runId: unfinished.begin.runId,
                          target: unfinished.begin.target,
                          identity: unfinished.begin.identity,
                          at: unfinished.begin.at,
                          ...(firstUnfinishedStep(unfinished) !== undefined ? { firstUnfinishedStep: firstUnfinishedStep(unfinished) } : {}),
                      },
                  }
                : {}),
        };
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
        const states = this.beginStateReads();
        // Raced as a whole: runCheck turns a part's error into an `unknown` finding, and an abort is not one.
        const result = await untilAborted(
            opts.signal,
            runCheck({
                status: () => this.statusOf(opts, states),
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
            const states = this.beginStateReads();
            return this.readStacks(await this.checkConfigs(), false, states);
        });
        this.requireReadable(stacks);
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
        const rto = readDnsOutputs(stacks.dns.outputs).modelledRtoSeconds;
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
        const stacks = await runTask(opts, "read the three stacks", () => this.readStacks());
        this.requireReadable(stacks);
        const weights = deployedStateOf(stacks).dns?.weights;
        const serving = weights !== undefined && weights.secondary > weights.primary ? "secondary" : "primary";
        let backlog: FailbackResult["backlog"];
        if (serving === "secondary" && !(opts.force ?? false)) {
            const rule = replicationRuleOf(stacks, "secondary");
            if (rule === undefined) {
                throw new ReplicationBacklogError("the regional stacks export no region/bucketName: cannot check the replication backlog (force to fail back anyway)", {});
            }
            let report;
            try {
                report = await runTask(opts, "read the replication metrics", () => this.ctx.replication.backlog(rule, this.ctx.thresholds, { signal: opts.signal }));
            } catch (err) {
                throwIfAborted(opts.signal);
                const why = (err as Error).message;
                throw new ReplicationBacklogError(`cannot read the replication metrics of ${rule.sourceBucket}: ${why}${/\bforce\b/.test(why) ? "" : " (force to fail back anyway)"}`, {}, { cause: err });
            }
            const figures = backlogFigures(report);
            backlog = { status: report.status, ...figures };
            if (report.status === "above") {
                throw new ReplicationBacklogError(`replication from secondary has not caught up: ${report.excess.join("; ")}`, figures);
            }
            if (report.status === "unknown") {
                throw new ReplicationBacklogError(
                    `no datapoint for ${report.unknownMetrics.join(", ")} of ${rule.sourceBucket} → ${rule.destinationBucket} (rule ${rule.ruleId}) in the last 15 minutes: cannot prove replication has caught up (force to fail back anyway)`,
                    figures,
                );
            }
        }
        const result = await this.switchPosture("active-passive", opts, "failback");
        return { ...result, ...(backlog !== undefined ? { backlog } : {}) };
    }

    /**
     * Plans a fence or an unfence (automation/fence-operation.ts): reads both fences from the
     * fence's own store and the endpoints' health, and predicts Route 53's answer. Changes nothing.
     *
     * @throws BadInputError for an unknown region, control characters, or fencing the last unfenced region.
     * @throws NothingToFenceError when the dns stack is not deployed or no alarm watches the metric.
     * @throws HarmfulFenceError when the answer harms clients and `force` is not given.
     */
    async planFence(region: RegionName | string, action: "fence" | "unfence", opts: FenceOptions = {}): Promise<FencePlan> {
        throwIfAborted(opts.signal);
        const stacks = await untilAborted(opts.signal, this.readStacks());
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
        this.rememberFence({ fence: { [outcome.region]: { state: outcome.state, at: new Date().toISOString(), source: "published" } } });
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
        return this.verifyWith(name, status.outputs, opts);
    }

    /** The region's canary: the user its outputs name and the key in its secret config; none without one. */
    private async canaryOf(region: RegionName, outputs: Partial<RegionalOutputs>): Promise<{ user: string; privateKey: string } | undefined> {
        const user = outputs.canaryUser;
        const key = user !== undefined ? (await this.ctx.stacks[region].getAllConfig())[configKeys.canaryKey]?.value : undefined;
        return user !== undefined && key !== undefined ? { user, privateKey: key } : undefined;
    }

    /** `verify` from outputs already read; reads the canary's key only when the region has a canary. */
    private async verifyWith(region: RegionName, outputs: RawOutputs, opts: VerifyOptions): Promise<VerifyResult> {
        const canaryKey = (await this.canaryOf(region, readRegionalOutputs(outputs)))?.privateKey;
        const endpoint = opts.endpoint ?? this.ctx.endpoints?.[region];
        return verifyRegion({
            region,
            outputs,
            ...(canaryKey !== undefined ? { canaryKey } : {}),
            ...(endpoint !== undefined ? { endpoint } : {}),
            ...(this.ctx.resolveEndpointName !== undefined ? { resolveEndpointName: this.ctx.resolveEndpointName } : {}),
            ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
            ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
        });
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
        const reason = plainText(opts.reason, "reason");
        throwIfAborted(opts.signal);
        const force = opts.force ?? false;
        const here = os.hostname();
        const store = this.ctx.log.store;
        const lockState = await untilAborted(opts.signal, store.readLock());
        if (!force && lockState.state === "held") {
            const h = lockState.holder;
            if (h.host === here && processAlive(h.pid)) {
                throw new BadInputError(`the lock holder ${h.identity} (pid ${h.pid}, ${h.operation}) is still running on this host; stop it, or force`);
            }
            // A lease still being renewed means its holder is alive somewhere: breaking it is a decision to take knowingly.
            if (h.host !== here && h.expiresAt !== undefined && !leaseExpired(h, Date.now())) {
                throw new BadInputError(`the lock holder ${h.identity} on ${h.host} (${h.operation}) holds a lease until ${h.expiresAt}; wait for it to end, or force`);
            }
        }
        const engines = backendLocks(this.ctx.env.backendUrl, Object.values(this.ctx.names));
        const alive = engines.find((l) => l.hostname === here && processAlive(l.pid));
        if (!force && alive !== undefined) {
            throw new BadInputError(`the engine updating stack ${alive.stack} (pid ${alive.pid}) is still running on this host; wait for it, or force`);
        }
        // What a killed switch wrote into the stack files and never deployed is left behind too:
        // after `unlock`, a `pulumi up` by hand must not apply it.
        const unfinished = await untilAborted(opts.signal, this.ctx.log.unfinishedRun(false));
        const undeployed = unfinished !== undefined ? undeployedConfig(interruptedSteps(unfinished), await untilAborted(opts.signal, this.readStacks())) : [];
        const toClear: string[] = [];
        if (lockState.state === "held") {
            const h = lockState.holder;
            toClear.push(`driver lock of ${h.identity} on ${h.host} (pid ${h.pid}, ${h.operation}, run ${h.runId})`);
        } else if (lockState.state === "corrupt") {
            toClear.push(`driver lock ${store.lockLocation} (${lockState.problem})`);
        }
        for (const lock of engines) {
            toClear.push(`backend lock of stack ${lock.stack} (engine pid ${lock.pid} on ${lock.hostname})`);
        }
        const locks = toClear.length;
        for (const u of undeployed) {
            toClear.push(`undeployed ${u.key} = ${u.configured ?? "(unset)"} in ${stackFile(this.ctx.names[u.stack])}, to put back to ${u.deployed ?? "(unset)"} (left by run ${u.runId})`);
        }
        if (toClear.length === 0) {
            return { cleared: [] };
        }
        await untilAborted(opts.signal, store.checkWritable());
        // Asked only once there is something to clear, and shown exactly what.
        if (opts.confirm !== undefined && !(await untilAborted(opts.signal, opts.confirm(toClear)))) {
            throw new BadInputError("declined: nothing was changed");
        }
        // The last moment to stop: what follows clears, and is not left half done.
        throwIfAborted(opts.signal);
        if (lockState.state !== "free") {
            await breakLock(store);
        }
        for (const lock of engines) {
            removeBackendLock(lock);
        }
        const cleared = toClear.slice(0, locks);
        for (const u of await putBackUndeployed(undeployed, this.ctx.stacks)) {
            cleared.push(`undeployed ${u.key} = ${u.configured ?? "(unset)"} in ${stackFile(this.ctx.names[u.stack])}, put back to ${u.deployed ?? "(unset)"} (left by run ${u.runId})`);
        }
        await this.record({ operation: "unlock", runId: newRunId(), to: `cleared ${cleared.join("; ")}`, result: "ok", started: Date.now(), ...(reason !== undefined ? { reason } : {}) });
        return { cleared };
    }

    /** The audit log, oldest first. Never throws for a missing log (it reads as empty); AbortedError when `signal` fires. */
    async history(opts: HistoryOptions = {}): Promise<AuditEntry[]> {
        throwIfAborted(opts.signal);
        return untilAborted(opts.signal, this.ctx.log.read({ since: opts.since, limit: opts.limit }));
    }

    /**
     * Reads the three stacks; `configs`, when the caller has just read them, are not read again.
     * Only `status` shows each stack's last update, so only it pays the engine process that reads it.
     */
    private async readStacks(configs?: Record<StackKey, Record<string, ConfigEntry>>, lastUpdate = false, states?: Record<StackKey, Promise<Deployment>>): Promise<Record<StackKey, StackStatus>> {
        const reads = await this.readStacksRaw({ configs, lastUpdate, states });
        return mapStacks(reads, (read) => read.status);
    }

    /** Reads the three stacks side by side, keeping the raw config and deployment of each. */
    private async readStacksRaw(opts: {
        configs?: Record<StackKey, Record<string, ConfigEntry>>;
        states?: Record<StackKey, Promise<Deployment>>;
        lastUpdate?: boolean;
    }): Promise<Record<StackKey, StackRead>> {
        const entries = await Promise.all(
            stackKeys.map(async (key) => [key, await readStack(key, this.ctx.stacks[key], { knownConfig: opts.configs?.[key], knownState: opts.states?.[key], lastUpdate: opts.lastUpdate })] as const),
        );
        const reads = Object.fromEntries(entries) as Record<StackKey, StackRead>;
        const stacks = mapStacks(reads, (read) => read.status);
        this.rememberFence(fenceCacheFromStatus(fenceCoordinatesOf(stacks.dns), deployedStateOf(stacks).dns, new Date(), undefined, regionEndpointsOf(stacks)));
        return reads;
    }

    /**
     * Keeps the fence cache (automation/driver/fence-cache.ts) warm for the emergency fence, which
     * must not need the engine. Best effort: a journal folder that cannot be written must not fail
     * the operation that happened to read the dns stack.
     */
    private rememberFence(update: FenceCacheUpdate | undefined): void {
        if (update === undefined) {
            return;
        }
        try {
            updateFenceCache(this.ctx.fenceCacheFile, this.ctx.names.dns, update);
        } catch {
            // Only a hint is lost; the emergency fence then falls back to the dns stack file.
        }
    }

    /**
     * Begins reading the three deployments, so they are read while the config is checked: they are
     * only reads, and a switch its config refuses drops them unread (a failed one is reported by
     * `readStack`, which awaits it).
     */
    private beginStateReads(): Record<StackKey, Promise<Deployment>> {
        return mapStacks(this.ctx.stacks, (stack) => {
            const state = stack.exportStack();
            state.catch(() => undefined);
            return state;
        });
    }

    private requireReadable(stacks: Record<StackKey, StackStatus>): void {
        for (const key of stackKeys) {
            const error = stacks[key].error;
            if (error !== undefined) {
                throw new FailoverError(`cannot read stack ${stacks[key].name}: ${error}`);
            }
        }
    }

    /**
     * Where the drain reads open sessions: the given source, else CloudWatch on the load balancers the
     * regional stacks export. A stand-in provider's load balancers publish nothing to AWS, so without
     * a given source there is none.
     */
    private openSessionsOf(stacks: Readonly<Record<StackKey, StackStatus>>): OpenSessionsSource | undefined {
        if (this.ctx.openSessions !== undefined) {
            return this.ctx.openSessions;
        }
        return this.ctx.env.standsIn !== true ? cloudWatchOpenSessions({ primary: stacks.primary.outputs, secondary: stacks.secondary.outputs }, this.ctx.cloudWatch) : undefined;
    }

    private record(e: AuditEvent): Promise<void> {
        return this.ctx.log.record(e);
    }

    /**
     * Preflight of the stacks: each stack's config through the programs' own loaders, and each
     * stack's identity (plan runs it too: it reads only).
     *
     * @throws BadInputError naming the file, key and value.
     */
    private async checkConfigs(): Promise<Record<StackKey, Record<string, ConfigEntry>>> {
        // Read side by side (an engine process each); the first unreadable stack, in order, is named.
        const reads = await Promise.allSettled(stackKeys.map((key) => this.ctx.stacks[key].getAllConfig()));
        const configs = {} as Record<StackKey, Record<string, ConfigEntry>>;
        stackKeys.forEach((key, i) => {
            const read = reads[i];
            if (read.status === "rejected") {
                const err: unknown = read.reason;
                throw new BadInputError(`${stackFile(this.ctx.names[key])} (stack ${this.ctx.names[key]}) cannot be read: ${summarizeEngineError(err)}`, { cause: err });
            }
            configs[key] = read.value;
        });
        checkStackConfigs(this.ctx.names, configs, this.ctx.env.projectDir);
        return configs;
    }

    private async switchPosture(target: Posture, opts: SetPostureOptions, operation: AuditOperation): Promise<SetPostureResult> {
        checkWeights(opts.activeActiveWeights);
        if (opts.afterDns !== undefined) {
            try {
                checkAfterDnsOptions(opts.afterDns);
            } catch (err) {
                throw new BadInputError((err as Error).message, { cause: err });
            }
        }
        const reason = plainText(opts.reason, "reason")?.trim();
        if (target === "failover" && (reason === undefined || reason === "")) {
            throw new BadInputError("a reason is required to switch to failover");
        }
        const stepTimeoutMs = positive(opts.stepTimeoutMs, this.ctx.timeouts.stepMs, "stepTimeoutMs");
        const drain = drainOptions(opts);
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
        return withSwitchLock(log, holder, { leaseMs: this.ctx.leaseMs, waitMs: opts.waitMs, signal: opts.signal }, async ({ signal, proveHeld }) => {
            // Under the lock (so operators queue in the order they asked, and no one changes the
            // config between check and use), before the journal and before any stack is touched:
            // a bad input leaves no trace but the lock, which is released.
            const progress = { signal, onProgress: opts.onProgress };
            const reads = await runTask(progress, "check the stack configs and read the three stacks", async () => {
                const states = this.beginStateReads();
                const configs = await this.checkConfigs();
                await this.clearDeadEngineLocks();
                return this.readStacksRaw({ configs, states, lastUpdate: false });
            });
            const stacks = mapStacks(reads, (read) => read.status);
            this.requireReadable(stacks);
            // Stacks whose config the driver writes before the steps are read again at their step.
            const rewritten = new Set<StackKey>();
            const from = deployedPosture(stacks);
            const steps = planSteps(deployedStateOf(stacks), target, { activeActiveWeights: opts.activeActiveWeights, quiesce: drain.quiesce, unplanned: drain.unplanned });
            const unfinished = await log.unfinishedRun(true);
            // What Route 53 will answer, predicted before anything is written: a refusal changes nothing.
            const weights = switchTargetWeights(target, opts.activeActiveWeights, stacks.dns.config);
            const { answer, forced } =
                pendingSteps(steps).length > 0 || unfinished !== undefined
                    ? await runTask(progress, "predict Route 53's answer", () => checkSwitchAnswer({ ...opts, stacks, target, targetWeights: weights, fence: this.ctx.fence, endpointHealth: this.ctx.endpointHealth, skipVerify: opts.skipVerify === true, reason }))
                    : {};
            if (unfinished !== undefined) {
                // What a killed step wrote and did not deploy goes back before anything is planned
                // on top of it (a step this run needs sets its own value again).
                const undeployed = undeployedConfig(interruptedSteps(unfinished), stacks);
                undeployed.forEach((u) => rewritten.add(u.stack));
                await proveHeld();
                await putBackUndeployed(undeployed, this.ctx.stacks);
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
                if (await this.alignConfig(step, stacks[step.stack])) {
                    rewritten.add(step.stack);
                }
            }
            if (pendingSteps(steps).length === 0 && resumes === undefined) {
                const results = steps.map((s) => ({ id: s.id, stack: s.stack, description: s.description, status: "skipped" as const, durationMs: 0 }));
                await recordLivePosture(log, { target, activeActiveWeights: opts.activeActiveWeights, runId, reason, onlyIfChanged: true });
                return { runId, status: "unchanged", ...(from !== undefined ? { from } : {}), to: target, steps: results, remaining: [], fenced: [], durationMs: Date.now() - started };
            }
            const run = new SwitchRun(
                {
                    journal: log,
                    stacks: this.ctx.stacks,
                    names: this.ctx.names,
                    fence: this.ctx.fence,
                    fenceCoordinates: fenceCoordinatesOf(stacks.dns),
                    timeouts: this.ctx.timeouts,
                    record: (e) => this.record(e),
                    verify: (region, signal) => this.verifyWith(region, stacks[region].outputs, signal !== undefined ? { signal } : {}),
                    ...(opts.afterDns !== undefined ? { checkAfterDns: (weights: Weights, o: CheckAfterDnsCall) => this.checkAfterDns(opts.afterDns!, stacks, weights, o) } : {}),
                    readBefore: readBeforeRun(reads, rewritten),
                    clearDeadEngineLocks: () => this.clearDeadEngineLocks(),
                    proveHeld,
                    drain: drainWith(this.openSessionsOf(stacks), drain.drainTimeoutSeconds),
                },
                {
                    runId,
                    operation,
                    target,
                    steps,
                    ...(from !== undefined ? { from } : {}),
                    ...(auditFrom !== undefined ? { auditFrom } : {}),
                    ...(resumes !== undefined ? { resumes } : {}),
                    ...(reason !== undefined ? { reason } : {}),
                    currentWeights: deployedStateOf(stacks).dns?.weights,
                    targetWeights: weights,
                    verifyRegions: regionsToVerify({ next: weights, current: deployedStateOf(stacks).dns?.weights, prediction: answer }),
                    ...(answer !== undefined ? { answer } : {}),
                    ...(forced !== undefined ? { forced } : {}),
                    drain: { onTimeout: drain.drainTimeoutAction, unplanned: drain.unplanned },
                    started,
                    identity: this.ctx.identity,
                    host: holder.host,
                },
                { ...opts, signal, stepTimeoutMs },
            );
            // The driver changes the posture: its own program runs skip the comparison with the
            // record, which it then updates (also when degraded: the config now says the target).
            const result = await asPostureDriver(() => run.execute());
            this.rememberFence(fenceCacheAfterSwitch(result, opts.activeActiveWeights, new Date()));
            await recordLivePosture(log, { target, activeActiveWeights: opts.activeActiveWeights, runId, reason, onlyIfChanged: false });
            return result;
        });
    }

    /**
     * The check after DNS moved (post-dns-check.ts), from what the switch read: the service name,
     * the shared host keys and each region's canary from the stacks; the fences and endpoint checks
     * as they read now (the run's own fences included), so the expected answer follows Route 53.
     */
    private async checkAfterDns(options: AfterDnsCheckOptions, stacks: Readonly<Record<StackKey, StackStatus>>, weights: Weights, call: CheckAfterDnsCall): Promise<PostDnsCheckResult> {
        const name = options.name ?? readDnsOutputs(stacks.dns.outputs).recordFqdn ?? "";
        if (name === "" && !call.skip) {
            throw new BadInputError(`afterDns.name is not given and stack ${this.ctx.names.dns} exports no recordFqdn`);
        }
        const raw = { primary: stacks.primary.outputs, secondary: stacks.secondary.outputs };
        const outputs = { primary: readRegionalOutputs(raw.primary), secondary: readRegionalOutputs(raw.secondary) };
        const coordinates = fenceCoordinatesOf(stacks.dns);
        const fence: Record<RegionName, FenceState> = { primary: "unknown", secondary: "unknown" };
        if (coordinates !== undefined && this.ctx.fence.state !== undefined && !call.skip) {
            for (const region of regionNames) {
                fence[region] = await this.ctx.fence.state(region, coordinates).catch(() => "unknown" as const);
            }
        }
        const endpointHealth = this.ctx.endpointHealth !== undefined && !call.skip ? (await readEndpointHealth(this.ctx.endpointHealth, { ...raw, dns: stacks.dns.outputs })).regions : undefined;
        const port = (region: RegionName) => outputs[region].endpointPort ?? 22;
        return runPostDnsCheck({
            name,
            servers: options.servers,
            weights,
            health: knownHealth(fence, call.fencedInRun, endpointHealth),
            fingerprints: sharedFingerprints(outputs),
            locate: options.locate ?? (options.regionAddresses !== undefined ? fixedAddressLocator(options.regionAddresses, this.ctx.endpoints ?? {}, port) : endpointNameLocator(outputs, this.ctx.resolveEndpointName)),
            canary: (region) => this.canaryOf(region, outputs[region]),
            skip: call.skip,
            ...(options.queries !== undefined ? { queries: options.queries } : {}),
            ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
            ...(call.signal !== undefined ? { signal: call.signal } : {}),
        });
    }

    /** Clears the backend locks of dead engines, audited (automation/driver/backend-locks.ts). */
    private async clearDeadEngineLocks(): Promise<void> {
        await clearDeadEngineLocks(this.ctx.env.backendUrl, Object.values(this.ctx.names), (e) => this.record(e));
    }

    /** True when it wrote anything. */
    private async alignConfig(step: PlannedStep, status: StackStatus): Promise<boolean> {
        let wrote = false;
        for (const change of step.config) {
            if (change.path !== true && status.config[change.key] !== undefined && status.config[change.key] !== change.value) {
                await this.ctx.stacks[step.stack].setConfig(change.key, { value: change.value });
                wrote = true;
            }
        }
        return wrote;
    }
}

/** The same function applied to each of the three stacks. */
function mapStacks<T, U>(values: Readonly<Record<StackKey, T>>, f: (value: T) => U): Record<StackKey, U> {
    return { primary: f(values.primary), secondary: f(values.secondary), dns: f(values.dns) };
}

/** What a run may take from the reads before it instead of reading again: every stack read whole and not rewritten since. */
function readBeforeRun(reads: Readonly<Record<StackKey, StackRead>>, rewritten: ReadonlySet<StackKey>): Partial<Record<StackKey, StackBeforeRun>> {
    const known: Partial<Record<StackKey, StackBeforeRun>> = {};
    for (const key of stackKeys) {
        const { config, state } = reads[key];
        if (config !== undefined && state !== undefined && !rewritten.has(key)) {
            known[key] = { config, targets: stepTargetsIn(state, key, config) ?? "all" };
        }
    }
    return known;
}

/** What a switch run passes to the check after DNS. */
type CheckAfterDnsCall = { readonly fencedInRun: readonly RegionName[]; readonly skip: boolean; readonly signal?: AbortSignal };

/** Route 53's answer under the deployed weights, the fences and the modelled endpoint health. */
function answerOf(weights: Weights, fence: Readonly<Record<RegionName, FenceState>>, endpointHealth: StatusResult["endpointHealth"]): NonNullable<StatusResult["answer"]> {
    const endpointHealthy: Partial<Record<RegionName, boolean>> = {};
    for (const region of regionNames) {
        const health = endpointHealth?.regions[region]?.health;
        if (health === "healthy" || health === "unhealthy") {
            endpointHealthy[region] = health === "healthy";
        }
    }
    const answer = currentAnswer({ weights, fence, endpointHealthy });
    return { answered: answer.answered, rule: answer.rule };
}

/** The dns stack's modelled fence effect times, when it exports them. */
function fenceEffectOf(dns: StackStatus): { fenceEffectSeconds?: FenceEffect } {
    const fenceEffectSeconds = readDnsOutputs(dns.outputs).fenceEffectSeconds;
    return fenceEffectSeconds !== undefined ? { fenceEffectSeconds } : {};
}

/** Why `status` calls a lock stale: its lease ended, or (same host) its pid is gone. */
function staleWhy(lock: LockHolder): string {
    return lock.expiresAt !== undefined && leaseExpired(lock, Date.now())
        ? `the holder's lease (${lock.identity} on ${lock.host}) ended at ${lock.expiresAt}`
        : `the holder (pid ${lock.pid} on ${lock.host}) is gone`;
}

/**
 * Refuses stacks without a deployment, naming them and what deploys them.
 *
 * @throws NotDeployedError when any of the three holds no deployment.
 */
function requireDeployedStacks(stacks: Record<StackKey, StackStatus>, names: Readonly<Record<StackKey, string>>): void {
    const missing = stackKeys.filter((k) => isNotDeployed(stacks[k]));
    if (missing.length === 0) {
        return;
    }
    const what = missing.length === stackKeys.length ? "nothing is deployed" : `not deployed: ${missing.map((k) => names[k]).join(", ")}`;
    throw new NotDeployedError(`${what} (no resources); run \`sftp-failover bootstrap\` (or \`pulumi up\` of each stack in the bootstrap order, docs/by-hand.md) first`, missing);
}

/** A readable stack without outputs holds no deployment: every stack program exports some. */
function isNotDeployed(stack: StackStatus): boolean {
    return stack.error === undefined && Object.keys(stack.outputs).length === 0;
}

function fenceCoordinatesOf(dns: StackStatus): FenceCoordinates | undefined {
    return readDnsOutputs(dns.outputs).fence;
}

function costAssumptions(stacks: Record<StackKey, StackStatus>): { activeInstances?: number } {
    for (const region of regionNames) {
        const o = readRegionalOutputs(stacks[region].outputs);
        if (o.capacityMode === "active" && o.desiredCapacity !== undefined) {
            return { activeInstances: o.desiredCapacity };
        }
    }
    return {};
}

/** The drain options with defaults, or BadInputError naming the bad one. */
function drainOptions(opts: DrainSwitchOptions): Required<DrainSwitchOptions> {
    try {
        return resolveDrainOptions(opts);
    } catch (err) {
        throw new BadInputError((err as Error).message, { cause: err });
    }
}

/** The run's drain: the bounded wait of drain.ts over a source of open sessions (none: the drain is skipped, saying why). */
function drainWith(source: OpenSessionsSource | undefined, timeoutSeconds: number): (region: RegionName, signal?: AbortSignal) => Promise<DrainOutcome> {
    if (source === undefined) {
        return async (region) => skippedDrain(region, "no source of open sessions: the provider stands in for AWS and no openSessions source was given");
    }
    return (region, signal) => waitForDrain({ region, read: source.read, timeoutSeconds, pollSeconds: source.pollSeconds, ...(signal !== undefined ? { signal } : {}) });
}
