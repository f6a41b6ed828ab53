// FailoverController: the driver. It reads the three stacks, plans a posture switch with the pure
// planner, and runs the steps one stack at a time under a lock, writing a journal that lets a
// killed run be resumed and an audit log of every real change. It never prints and never exits.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { EngineEnvironment, engineEnvironment } from "../engine/environment";
import { resolveProjectDir } from "../engine/locations";
import { openStack, pulumiCommandOf } from "../engine/workspace";
import { InvalidPostureError, parsePosture, Posture, RegionName, regionNames, validateWeights, Weights } from "../posture";
import { currentAnswer } from "../fence-effect";
import { estimateAllPostures } from "../pricing";
import { program } from "../../stacks";
import { AuditEntry, AuditLog, AuditOperation, resolveIdentity } from "./audit";
import { bootstrap, BootstrapOptions, BootstrapResult } from "./bootstrap";
import { readEndpointHealth } from "./endpoint-health";
import { ConfigEntry } from "../../stacks/config/source";
import { backendLocks, removeBackendLock, staleBackendLocks, fileBackendDir } from "./backend-locks";
import { AbortedError, BadInputError, FailoverError, LockHolder, ReplicationBacklogError } from "./errors";
import { checkDriverFiles, checkStackConfigs, stackFile } from "./preflight";
import { SwitchRun } from "./switch-run";
import { escapeControl, hasControlChars } from "./text";
import { defaultFenceClient, isFenceClient, RegionFenceClient } from "./fence-client";
import { FenceCacheUpdate, fenceCachePath, fenceCacheAfterSwitch, fenceCacheFromStatus, updateFenceCache } from "./fence-cache";
import { firstUnfinishedStep, Journal, JournalRun } from "./journal";
import { acquireLock, inspectLock, processAlive, readLock } from "./lock";
import { pendingSteps, PlannedStep, planSteps, StackKey } from "./planner";
import { previewStep } from "./preview";
import { backlogFigures, cloudWatchReplicationMetrics, defaultReplicationThresholds, ReplicationMetricsReader, ReplicationThresholds } from "./replication";
import { deployedPosture, deployedStateOf, readStackStatus, summarizeEngineError } from "./stack-state";
import {
    FailbackOptions,
    FailbackResult,
    FailoverControllerOptions,
    FenceResult,
    FenceState,
    HistoryOptions,
    PlanPostureOptions,
    PlanResult,
    SetPostureOptions,
    SetPostureResult,
    StackPreview,
    UnlockOptions,
    UnlockResult,
    StackStatus,
    StatusResult,
    StepResult,
} from "./types";

const stackKeys: readonly StackKey[] = ["primary", "secondary", "dns"];

/** Default stack names by role. */
export const defaultStackNames: Readonly<Record<StackKey, string>> = { primary: "primary", secondary: "secondary", dns: "dns" };

/** The replication rule id the regional stacks use when they do not export one. */
export const defaultReplicationRuleId = "to-peer-region";

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
    readonly journal: Journal;
    readonly audit: AuditLog;
    readonly lockPath: string;
    readonly fence: RegionFenceClient;
    readonly replication: ReplicationMetricsReader;
    readonly thresholds: ReplicationThresholds;
    readonly timeouts: Timeouts;
    readonly endpointHealth: FailoverControllerOptions["endpointHealth"];
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

function newRunId(): string {
    return `${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${crypto.randomBytes(3).toString("hex")}`;
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
     */
    static async create(options: FailoverControllerOptions = {}): Promise<FailoverController> {
        const names: Record<StackKey, string> = { ...defaultStackNames, ...options.stacks };
        plainText(options.identity, "identity");
        for (const key of stackKeys) {
            if (names[key].trim() === "") {
                throw new BadInputError(`stacks.${key} must not be empty`);
            }
        }
        if (new Set(Object.values(names)).size !== stackKeys.length) {
            throw new BadInputError(`stacks must be three different stacks (got ${stackKeys.map((k) => `${k}=${names[k]}`).join(", ")})`);
        }
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
                engineEnvironment({ projectDir: options.projectDir, engineDir: options.engineDir, backendUrl: options.backendUrl, sandbox: options.sandbox });
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
            existing = await existingStackNames(env);
        } catch (err) {
            throw new FailoverError(`cannot list the stacks of ${env.backendUrl}: ${summarizeEngineError(err)}`, { cause: err });
        }
        for (const key of stackKeys) {
            const short = names[key].split("/").pop() ?? names[key];
            if (!existing.includes(short)) {
                throw new BadInputError(`unknown stack "${names[key]}" for ${key} (the backend has: ${existing.length > 0 ? existing.join(", ") : "no stacks"})`);
            }
        }
        const opened = {} as Record<StackKey, Stack>;
        for (const key of stackKeys) {
            opened[key] = await openStack(names[key], env);
        }
        // Not created here: status and plan write only the fence cache (best effort), and a switch
        // checks the folder in preflight.
        const dir = path.resolve(options.journalDir ?? path.join(env.projectDir, ".failover"));
        const fence = isFenceClient(options.fence) ? options.fence : defaultFenceClient(options.fence);
        return new FailoverController({
            env,
            names,
            stacks: opened,
            identity: resolveIdentity(options.identity),
            journal: new Journal(path.join(dir, "journal.jsonl")),
            audit: new AuditLog(path.join(dir, "audit.jsonl")),
            lockPath: path.join(dir, "failover.lock"),
            fence,
            replication: options.replicationMetrics ?? cloudWatchReplicationMetrics(options.cloudWatch),
            thresholds: { ...defaultReplicationThresholds, ...options.replicationThresholds },
            timeouts,
            endpointHealth: options.endpointHealth,
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
        return bootstrap(options);
    }

    /**
     * Reads the audit log without opening any stack (the engine is not needed to read history).
     *
     * Never throws for a missing log (it reads as empty). Throws BadInputError when neither option
     * names a folder and no project is found (see `resolveProjectDir`).
     */
    static async readHistory(options: Pick<FailoverControllerOptions, "projectDir" | "journalDir"> = {}, query: HistoryOptions = {}): Promise<AuditEntry[]> {
        let dir: string;
        try {
            dir = path.resolve(options.journalDir ?? path.join(resolveProjectDir(options.projectDir), ".failover"));
        } catch (err) {
            throw new BadInputError((err as Error).message, { cause: err });
        }
        return new AuditLog(path.join(dir, "audit.jsonl")).read({ since: query.since, limit: query.limit });
    }

    /** The stack names the controller drives, by role. */
    get stackNames(): Readonly<Record<StackKey, string>> {
        return this.ctx.names;
    }

    /** Paths of the driver's own files. */
    get files(): { readonly journal: string; readonly audit: string; readonly lock: string } {
        return { journal: this.ctx.journal.file, audit: this.ctx.audit.file, lock: this.ctx.lockPath };
    }

    /**
     * Each stack's config, outputs and last update; the deployed posture, weights and capacity;
     * the serving region; the lock holder; the fence state; an unfinished switch.
     *
     * Never throws for an unreadable stack (its status carries `error`); an unreadable fence reads `unknown`.
     */
    async status(): Promise<StatusResult> {
        const stacks = await this.readStacks();
        const state = deployedStateOf(stacks);
        const posture = deployedPosture(stacks);
        const coordinates = fenceCoordinatesOf(stacks.dns);
        const fence: Record<RegionName, FenceState> = { primary: "unknown", secondary: "unknown" };
        if (coordinates !== undefined && this.ctx.fence.state !== undefined) {
            for (const region of regionNames) {
                fence[region] = await this.ctx.fence.state(region, coordinates).catch(() => "unknown" as const);
            }
            this.rememberFence(fenceCacheFromStatus(coordinates, undefined, new Date(), fence));
        }
        const lockState = inspectLock(this.ctx.lockPath);
        const lock = lockState.state === "held" ? lockState.holder : undefined;
        const unfinished = this.unfinishedRun(false);
        const weights = state.dns?.weights;
        const endpointHealth =
            this.ctx.endpointHealth !== undefined
                ? await readEndpointHealth(this.ctx.endpointHealth, { primary: stacks.primary.outputs, secondary: stacks.secondary.outputs })
                : undefined;
        return {
            stacks,
            ...(posture !== undefined ? { posture } : {}),
            ...(stacks.dns.config["sftp-failover:posture"] !== undefined ? { configuredPosture: stacks.dns.config["sftp-failover:posture"] } : {}),
            ...(weights !== undefined ? { weights, serving: weights.secondary > weights.primary ? ("secondary" as const) : ("primary" as const) } : {}),
            ...(weights !== undefined ? { answer: answerOf(weights, fence, endpointHealth) } : {}),
            capacity: state.capacity,
            ...(lock !== undefined ? { lock } : {}),
            ...(lockState.state === "corrupt" ? { lockProblem: `${this.ctx.lockPath} ${lockState.problem}; if no switch is running, clear it with \`failover unlock\`` } : {}),
            ...(lock !== undefined && this.isStale(lock) ? { lockProblem: `the holder (pid ${lock.pid} on ${lock.host}) is gone; the next switch clears the lock` } : {}),
            fence,
            ...(endpointHealth !== undefined ? { endpointHealth } : {}),
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
     * The ordered steps to `posture`, the engine's preview of each step that would run (computed in
     * a temporary copy of the stack files, so nothing is changed), the modelled RTO and a standby
     * cost estimate of every posture.
     *
     * @throws BadInputError for an unknown posture or invalid weights.
     * @throws FailoverError when a stack cannot be read.
     */
    async plan(posture: Posture | string, opts: PlanPostureOptions = {}): Promise<PlanResult> {
        const target = parseTarget(posture);
        checkWeights(opts.activeActiveWeights);
        await this.checkConfigs();
        const stacks = await this.readStacks();
        this.requireReadable(stacks);
        const steps = planSteps(deployedStateOf(stacks), target, { activeActiveWeights: opts.activeActiveWeights });
        const previews: StackPreview[] = [];
        if (opts.preview ?? true) {
            for (const step of pendingSteps(steps)) {
                previews.push(
                    await previewStep(this.ctx.env, this.ctx.names[step.stack], step, {
                        signal: opts.signal,
                        onEvent: (e) => opts.onEvent?.(step.stack, e),
                    }),
                );
            }
        }
        const rto = stacks.dns.outputs.modelledRtoSeconds;
        const from = deployedPosture(stacks);
        return {
            ...(from !== undefined ? { from } : {}),
            to: target,
            steps,
            previews,
            ...(typeof rto === "number" ? { modelledRtoSeconds: rto } : {}),
            costs: estimateAllPostures(costAssumptions(stacks)),
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
     * @throws ReplicationBacklogError when the backlog is above the thresholds, or no metrics exist (unless `force`).
     * @throws everything `setPosture` throws.
     */
    async failback(opts: FailbackOptions = {}): Promise<FailbackResult> {
        const stacks = await this.readStacks();
        this.requireReadable(stacks);
        const weights = deployedStateOf(stacks).dns?.weights;
        const serving = weights !== undefined && weights.secondary > weights.primary ? "secondary" : "primary";
        let backlog: FailbackResult["backlog"];
        if (serving === "secondary" && !(opts.force ?? false)) {
            const source = stacks.secondary.outputs;
            const destination = stacks.primary.outputs;
            const rule = {
                region: String(source.region ?? ""),
                sourceBucket: String(source.bucketName ?? ""),
                destinationBucket: String(destination.bucketName ?? ""),
                ruleId: typeof source.replicationRuleId === "string" ? source.replicationRuleId : defaultReplicationRuleId,
            };
            if (rule.region === "" || rule.sourceBucket === "" || rule.destinationBucket === "") {
                throw new FailoverError("the regional stacks export no region/bucketName: cannot check the replication backlog");
            }
            let report;
            try {
                report = await this.ctx.replication.backlog(rule, this.ctx.thresholds);
            } catch (err) {
                throw new FailoverError(`cannot read the replication metrics of ${rule.sourceBucket}: ${(err as Error).message}`, { cause: err });
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
     * Fences a region: one PutMetricData through the fence client (data plane, no Route 53 call).
     *
     * @throws BadInputError for an unknown region.
     * @throws FailoverError when the dns stack exports no fence, or the fence call fails (cause: the SDK error).
     */
    async fence(region: RegionName | string, opts: { readonly reason?: string } = {}): Promise<FenceResult> {
        return this.setFence(parseRegion(region), "fence", plainText(opts.reason, "reason"));
    }

    /**
     * Lifts a region's fence.
     *
     * @throws BadInputError for an unknown region.
     * @throws FailoverError when the dns stack exports no fence, or the fence call fails.
     */
    async unfence(region: RegionName | string, opts: { readonly reason?: string } = {}): Promise<FenceResult> {
        return this.setFence(parseRegion(region), "unfence", plainText(opts.reason, "reason"));
    }

    /**
     * Clears what a switch left locked and the driver cannot prove stale by itself: the driver's
     * lock (a corrupt file, or a holder on another host) and the file backend's stack locks of the
     * three stacks (what `pulumi cancel` does). A holder still running on this host is refused
     * unless `force`. Audited when something was cleared; nothing to clear is not audited.
     *
     * @throws BadInputError when a holder still runs here (without `force`), or the audit log cannot be written.
     */
    async unlock(opts: UnlockOptions = {}): Promise<UnlockResult> {
        const reason = plainText(opts.reason, "reason");
        const force = opts.force ?? false;
        const here = os.hostname();
        const lockState = inspectLock(this.ctx.lockPath);
        if (!force && lockState.state === "held" && lockState.holder.host === here && processAlive(lockState.holder.pid)) {
            const h = lockState.holder;
            throw new BadInputError(`the lock holder ${h.identity} (pid ${h.pid}, ${h.operation}) is still running on this host; stop it, or force`);
        }
        const engines = backendLocks(this.ctx.env.backendUrl, Object.values(this.ctx.names));
        const alive = engines.find((l) => l.hostname === here && processAlive(l.pid));
        if (!force && alive !== undefined) {
            throw new BadInputError(`the engine updating stack ${alive.stack} (pid ${alive.pid}) is still running on this host; wait for it, or force`);
        }
        if (lockState.state === "free" && engines.length === 0) {
            return { cleared: [] };
        }
        checkDriverFiles(this.files);
        const cleared: string[] = [];
        if (lockState.state === "held") {
            const h = lockState.holder;
            cleared.push(`driver lock of ${h.identity} on ${h.host} (pid ${h.pid}, ${h.operation}, run ${h.runId})`);
        } else if (lockState.state === "corrupt") {
            cleared.push(`driver lock ${this.ctx.lockPath} (${lockState.problem})`);
        }
        if (lockState.state !== "free") {
            fs.rmSync(this.ctx.lockPath, { force: true });
        }
        for (const lock of engines) {
            removeBackendLock(lock);
            cleared.push(`backend lock of stack ${lock.stack} (engine pid ${lock.pid} on ${lock.hostname})`);
        }
        this.record({ operation: "unlock", runId: newRunId(), to: `cleared ${cleared.join("; ")}`, result: "ok", started: Date.now(), ...(reason !== undefined ? { reason } : {}) });
        return { cleared };
    }

    /** The audit log, oldest first. Never throws for a missing log (it reads as empty). */
    async history(opts: HistoryOptions = {}): Promise<AuditEntry[]> {
        return this.ctx.audit.read({ since: opts.since, limit: opts.limit });
    }

    private async readStacks(): Promise<Record<StackKey, StackStatus>> {
        const entries = await Promise.all(stackKeys.map(async (key) => [key, await readStackStatus(key, this.ctx.stacks[key])] as const));
        const stacks = Object.fromEntries(entries) as Record<StackKey, StackStatus>;
        this.rememberFence(fenceCacheFromStatus(fenceCoordinatesOf(stacks.dns), deployedStateOf(stacks).dns, new Date()));
        return stacks;
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
            updateFenceCache(fenceCachePath(path.dirname(this.ctx.journal.file)), this.ctx.names.dns, update);
        } catch {
            // Only a hint is lost; the emergency fence then falls back to the dns stack file.
        }
    }

    private requireReadable(stacks: Record<StackKey, StackStatus>): void {
        for (const key of stackKeys) {
            const error = stacks[key].error;
            if (error !== undefined) {
                throw new FailoverError(`cannot read stack ${stacks[key].name}: ${error}`);
            }
        }
    }

    private async setFence(region: RegionName, action: "fence" | "unfence", reason?: string): Promise<FenceResult> {
        const stacks = await this.readStacks();
        const coordinates = fenceCoordinatesOf(stacks.dns);
        if (coordinates === undefined) {
            throw new FailoverError(`stack ${this.ctx.names.dns} exports no fence coordinates: deploy the dns stack first`);
        }
        // Lifting a fence that is not there (or fencing twice) changes nothing, and so is not audited.
        const before = this.ctx.fence.state === undefined ? "unknown" : await this.ctx.fence.state(region, coordinates).catch(() => "unknown" as const);
        const wanted = action === "fence" ? "fenced" : "unfenced";
        if (before === wanted) {
            return { region, state: wanted, changed: false, coordinates };
        }
        if (action === "fence") {
            await this.refuseFencingBoth(region, coordinates);
        }
        checkDriverFiles(this.files);
        const started = Date.now();
        const runId = newRunId();
        try {
            await this.ctx.fence[action](region, coordinates);
        } catch (err) {
            this.record({ operation: action, runId, to: `${region} ${action}d`, result: "failed", started, reason, error: (err as Error).message });
            throw new FailoverError(`${action} ${region} failed: ${(err as Error).message}`, { cause: err });
        }
        this.record({ operation: action, runId, to: `${region} ${action}d`, result: "ok", started, reason });
        this.rememberFence({ fence: { [region]: { state: wanted, at: new Date().toISOString(), source: "published" } } });
        return { region, state: wanted, changed: true, coordinates };
    }

    /**
     * With both regions fenced every record is unhealthy, and Route 53 then answers all of them by
     * weight: the fence would silently do nothing. So the last unfenced region is never fenced by
     * hand (ARC's safety rule enforces the same when routing controls are on).
     */
    private async refuseFencingBoth(region: RegionName, coordinates: FenceCoordinates): Promise<void> {
        const other: RegionName = region === "primary" ? "secondary" : "primary";
        const otherState = this.ctx.fence.state === undefined ? "unknown" : await this.ctx.fence.state(other, coordinates);
        if (otherState === "fenced") {
            throw new BadInputError(
                `${other} is already fenced: fencing ${region} too would leave no healthy record, and Route 53 would answer both; unfence ${other} first`,
            );
        }
    }

    private record(e: {
        operation: AuditOperation;
        runId: string;
        to: string;
        result: AuditEntry["result"];
        started: number;
        reason?: string;
        from?: string;
        steps?: readonly StepResult[];
        remaining?: readonly string[];
        error?: string;
        resumes?: string;
    }): void {
        this.ctx.audit.append({
            at: new Date().toISOString(),
            identity: this.ctx.identity,
            host: os.hostname(),
            operation: e.operation,
            ...(e.reason !== undefined ? { reason: e.reason } : {}),
            ...(e.from !== undefined ? { from: e.from } : {}),
            to: e.to,
            result: e.result,
            runId: e.runId,
            durationMs: Date.now() - e.started,
            ...(e.steps !== undefined ? { steps: e.steps.map((s) => ({ id: s.id, status: s.status })) } : {}),
            ...(e.remaining !== undefined && e.remaining.length > 0 ? { remaining: e.remaining } : {}),
            ...(e.error !== undefined ? { error: e.error } : {}),
            ...(e.resumes !== undefined ? { resumes: e.resumes } : {}),
        });
    }

    /**
     * A lock is ours to clear only when its holder provably is gone: it ran on this host and its
     * pid no longer exists. A lock taken by a process killed before its journal's first line is
     * stale by the same proof (its run never began, so nothing is left half-done by it).
     */
    private isStale(holder: LockHolder): boolean {
        return holder.host === os.hostname() && !processAlive(holder.pid);
    }

    /**
     * The run the journal shows unfinished — unless the audit log already holds its entry: the
     * audit entry is written before the journal's end record, so a crash (or a torn last line)
     * between the two leaves a run that did finish. Such a run is closed in the journal here,
     * once, and not resumed or audited again.
     */
    private unfinishedRun(repair: boolean): JournalRun | undefined {
        const unfinished = this.ctx.journal.unfinishedRun();
        if (unfinished === undefined) {
            return undefined;
        }
        // Only the run's own switch entry counts: clearing its stale lock is audited under its id too.
        const audited = this.ctx.audit.read().find((e) => e.runId === unfinished.begin.runId && e.operation !== "unlock");
        if (audited === undefined) {
            return unfinished;
        }
        if (repair) {
            this.ctx.journal.append({ type: "end", runId: unfinished.begin.runId, result: audited.result, at: new Date().toISOString() });
        }
        return undefined;
    }

    /**
     * Preflight of the stacks: each stack's config through the programs' own loaders, and each
     * stack's identity (plan runs it too: it reads only).
     *
     * @throws BadInputError naming the file, key and value.
     */
    private async checkConfigs(): Promise<void> {
        const configs = {} as Record<StackKey, Record<string, ConfigEntry>>;
        for (const key of stackKeys) {
            try {
                configs[key] = await this.ctx.stacks[key].getAllConfig();
            } catch (err) {
                throw new BadInputError(`${stackFile(this.ctx.names[key])} (stack ${this.ctx.names[key]}) cannot be read: ${summarizeEngineError(err)}`, { cause: err });
            }
        }
        checkStackConfigs(this.ctx.names, configs, this.ctx.env.projectDir);
    }

    private async switchPosture(target: Posture, opts: SetPostureOptions, operation: AuditOperation): Promise<SetPostureResult> {
        checkWeights(opts.activeActiveWeights);
        const reason = plainText(opts.reason, "reason")?.trim();
        if (target === "failover" && (reason === undefined || reason === "")) {
            throw new BadInputError("a reason is required to switch to failover");
        }
        const stepTimeoutMs = positive(opts.stepTimeoutMs, this.ctx.timeouts.stepMs, "stepTimeoutMs");
        if (opts.signal?.aborted) {
            throw new AbortedError();
        }
        // The driver's files first (the lock itself lives there), without creating anything.
        checkDriverFiles(this.files);
        const started = Date.now();
        const runId = newRunId();
        const holder: LockHolder = {
            identity: this.ctx.identity,
            host: os.hostname(),
            pid: process.pid,
            runId,
            operation: `${operation} ${target}`,
            since: new Date().toISOString(),
        };
        const current = readLock(this.ctx.lockPath);
        if (current !== undefined && (opts.waitMs ?? 0) > 0) {
            opts.onProgress?.({ type: "waiting-for-lock", holder: current });
        }
        const lock = await acquireLock(this.ctx.lockPath, holder, {
            waitMs: opts.waitMs,
            signal: opts.signal,
            isStale: (h) => this.isStale(h),
            onStaleCleared: (h) => this.recordStaleLock(h),
        });
        try {
            // Under the lock (so operators queue in the order they asked, and no one changes the
            // config between check and use), before the journal and before any stack is touched:
            // a bad input leaves no trace but the lock, which is released.
            await this.checkConfigs();
            this.clearDeadEngineLocks();
            const stacks = await this.readStacks();
            this.requireReadable(stacks);
            const from = deployedPosture(stacks);
            const steps = planSteps(deployedStateOf(stacks), target, { activeActiveWeights: opts.activeActiveWeights });
            const journal = this.ctx.journal;
            // A run that never ended was interrupted. Close it; if it wanted the same posture, this
            // run completes it (and the audit entry carries the original `from`); if it wanted
            // another, its attempt is audited as aborted, so every run ends up in the log once.
            const unfinished = this.unfinishedRun(true);
            let resumes: string | undefined;
            let auditFrom: string | undefined = from;
            if (unfinished !== undefined) {
                if (unfinished.begin.target === target) {
                    resumes = unfinished.begin.runId;
                    auditFrom = unfinished.begin.from;
                    const first = firstUnfinishedStep(unfinished);
                    opts.onProgress?.({ type: "resume", runId: resumes, ...(first !== undefined ? { firstUnfinishedStep: first } : {}) });
                } else {
                    this.recordInterrupted(unfinished, runId);
                }
                journal.append({ type: "end", runId: unfinished.begin.runId, result: "superseded", at: new Date().toISOString() });
            } else {
                // A run to this posture that was interrupted (SIGINT) or stopped may still have
                // reached it: an engine cancelled mid-`up` finishes the operations in flight. This
                // run completes it, so the audit log holds one "ok" for the switch, naming it.
                const last = journal.runs().at(-1);
                if (last?.end !== undefined && (last.end.result === "aborted" || last.end.result === "failed") && last.begin.target === target) {
                    resumes = last.begin.runId;
                    auditFrom = last.begin.from;
                }
            }
            // A skipped step's stack is deployed as wanted, but its config may still hold what an
            // interrupted or timed-out step set; put it back so the next `up` of that stack changes nothing.
            for (const step of steps.filter((s) => s.skip)) {
                await this.alignConfig(step, stacks[step.stack]);
            }
            if (pendingSteps(steps).length === 0 && resumes === undefined) {
                const results = steps.map((s) => ({ id: s.id, stack: s.stack, description: s.description, status: "skipped" as const, durationMs: 0 }));
                return { runId, status: "unchanged", ...(from !== undefined ? { from } : {}), to: target, steps: results, remaining: [], fenced: [], durationMs: Date.now() - started };
            }
            const run = new SwitchRun(
                {
                    journal,
                    stacks: this.ctx.stacks,
                    names: this.ctx.names,
                    fence: this.ctx.fence,
                    fenceCoordinates: fenceCoordinatesOf(stacks.dns),
                    timeouts: this.ctx.timeouts,
                    record: (e) => this.record(e),
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
                    started,
                    identity: this.ctx.identity,
                    host: holder.host,
                },
                { ...opts, stepTimeoutMs },
            );
            const result = await run.execute();
            this.rememberFence(fenceCacheAfterSwitch(result, opts.activeActiveWeights, new Date()));
            return result;
        } finally {
            lock.release();
        }
    }

    /** Audits a lock cleared because its holder is gone (who held it, and since when). */
    private recordStaleLock(h: LockHolder): void {
        this.record({
            operation: "unlock",
            runId: h.runId,
            to: "lock cleared",
            result: "ok",
            started: Date.now(),
            reason: `holder ${h.identity} (pid ${h.pid} on ${h.host}, ${h.operation}, since ${h.since}) is gone`,
        });
    }

    /** Audits a run that was interrupted and is superseded by a switch to another posture. */
    private recordInterrupted(unfinished: JournalRun, by: string): void {
        const at = Date.parse(unfinished.begin.at);
        this.ctx.audit.append({
            at: new Date().toISOString(),
            identity: unfinished.begin.identity,
            host: unfinished.begin.host,
            operation: (["posture", "failover", "failback"].includes(unfinished.begin.operation) ? unfinished.begin.operation : "posture") as AuditOperation,
            ...(unfinished.begin.reason !== undefined ? { reason: unfinished.begin.reason } : {}),
            ...(unfinished.begin.from !== undefined ? { from: unfinished.begin.from } : {}),
            to: unfinished.begin.target,
            result: "aborted",
            runId: unfinished.begin.runId,
            durationMs: Number.isFinite(at) ? Date.now() - at : 0,
            steps: unfinished.begin.steps.map((s) => ({ id: s.id, status: unfinished.steps.get(s.id) ?? (s.skip ? "skipped" : "not started") })),
            error: `interrupted; superseded by run ${by}`,
        });
    }

    /**
     * Clears the file backend's own stack locks left by an engine that died (kill -9 of the driver
     * or of the engine mid-step): otherwise every later `up` waits, then fails with "the stack is
     * currently locked". Only a lock whose pid is provably gone on this host is removed — what
     * `pulumi cancel` does for the file backend — and each removal is audited.
     */
    private clearDeadEngineLocks(): void {
        for (const lock of staleBackendLocks(this.ctx.env.backendUrl, Object.values(this.ctx.names))) {
            removeBackendLock(lock);
            this.record({
                operation: "unlock",
                runId: "backend",
                to: `stack ${lock.stack} backend lock cleared`,
                result: "ok",
                started: Date.now(),
                reason: `engine pid ${lock.pid} on ${lock.hostname} is gone`,
            });
        }
    }

    private async alignConfig(step: PlannedStep, status: StackStatus): Promise<void> {
        for (const change of step.config) {
            if (change.path !== true && status.config[change.key] !== undefined && status.config[change.key] !== change.value) {
                await this.ctx.stacks[step.stack].setConfig(change.key, { value: change.value });
            }
        }
    }
}

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

function fenceCoordinatesOf(dns: StackStatus): FenceCoordinates | undefined {
    const fence = dns.outputs.fence as Partial<FenceCoordinates> | undefined;
    return fence !== undefined && fence !== null && typeof fence.namespace === "string" && typeof fence.metricName === "string" && fence.dimensions !== undefined
        ? (fence as FenceCoordinates)
        : undefined;
}

function costAssumptions(stacks: Record<StackKey, StackStatus>): { activeInstances?: number } {
    for (const region of regionNames) {
        const o = stacks[region].outputs;
        if (o.capacityMode === "active" && typeof o.desiredCapacity === "number") {
            return { activeInstances: o.desiredCapacity };
        }
    }
    return {};
}

