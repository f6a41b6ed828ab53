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
import { InvalidPostureError, parsePosture, Posture, postureSpec, RegionName, regionNames, servingRegion, validateWeights, Weights } from "../posture";
import { estimateAllPostures } from "../pricing";
import { program } from "../../stacks";
import { AuditEntry, AuditLog, AuditOperation, resolveIdentity } from "./audit";
import { bootstrap, BootstrapOptions, BootstrapResult } from "./bootstrap";
import { readEndpointHealth } from "./endpoint-health";
import { AbortedError, BadInputError, FailoverError, LockHolder, RegionUnreachableError, ReplicationBacklogError } from "./errors";
import { defaultFenceClient, isFenceClient, RegionFenceClient } from "./fence-client";
import { firstUnfinishedStep, Journal } from "./journal";
import { acquireLock, processAlive, readLock } from "./lock";
import { pendingSteps, PlannedStep, planSteps, StackKey } from "./planner";
import { previewStep } from "./preview";
import { backlogFigures, cloudWatchReplicationMetrics, defaultReplicationThresholds, ReplicationMetricsReader, ReplicationThresholds } from "./replication";
import { deployedPosture, deployedStateOf, readStackStatus, summarizeEngineError } from "./stack-state";
import { runStep } from "./step-runner";
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
        for (const key of stackKeys) {
            if (names[key].trim() === "") {
                throw new BadInputError(`stacks.${key} must not be empty`);
            }
        }
        if (new Set(Object.values(names)).size !== stackKeys.length) {
            throw new BadInputError(`stacks must be three different stacks (got ${stackKeys.map((k) => `${k}=${names[k]}`).join(", ")})`);
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
        const dir = path.resolve(options.journalDir ?? path.join(env.projectDir, ".failover"));
        fs.mkdirSync(dir, { recursive: true });
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
        }
        const lock = readLock(this.ctx.lockPath);
        const unfinished = this.ctx.journal.unfinishedRun();
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
            capacity: state.capacity,
            ...(lock !== undefined ? { lock } : {}),
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
     * skipped. A capacity step that fails or times out against a region other than the one that
     * must serve fences that region and leaves the step for later (result `degraded`). A switch
     * interrupted earlier (even by kill -9) is resumed from its first unfinished step.
     *
     * @throws BadInputError for an unknown posture, invalid weights, or a missing reason for `failover`.
     * @throws LockedError when another operation holds the lock (after `waitMs`).
     * @throws RegionUnreachableError when the region that must take traffic cannot be scaled up (DNS untouched).
     * @throws FailoverError when the DNS step fails (cause: the Automation API error).
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
        return this.setFence(parseRegion(region), "fence", opts.reason);
    }

    /**
     * Lifts a region's fence.
     *
     * @throws BadInputError for an unknown region.
     * @throws FailoverError when the dns stack exports no fence, or the fence call fails.
     */
    async unfence(region: RegionName | string, opts: { readonly reason?: string } = {}): Promise<FenceResult> {
        return this.setFence(parseRegion(region), "unfence", opts.reason);
    }

    /** The audit log, oldest first. Never throws for a missing log (it reads as empty). */
    async history(opts: HistoryOptions = {}): Promise<AuditEntry[]> {
        return this.ctx.audit.read({ since: opts.since, limit: opts.limit });
    }

    private async readStacks(): Promise<Record<StackKey, StackStatus>> {
        const entries = await Promise.all(stackKeys.map(async (key) => [key, await readStackStatus(key, this.ctx.stacks[key])] as const));
        return Object.fromEntries(entries) as Record<StackKey, StackStatus>;
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
        if (action === "fence") {
            await this.refuseFencingBoth(region, coordinates);
        }
        const started = Date.now();
        const runId = newRunId();
        try {
            await this.ctx.fence[action](region, coordinates);
        } catch (err) {
            this.record({ operation: action, runId, to: `${region} ${action}d`, result: "failed", started, reason, error: (err as Error).message });
            throw new FailoverError(`${action} ${region} failed: ${(err as Error).message}`, { cause: err });
        }
        this.record({ operation: action, runId, to: `${region} ${action}d`, result: "ok", started, reason });
        return { region, state: action === "fence" ? "fenced" : "unfenced", coordinates };
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

    /** A lock is ours to clear only when its holder ran here, is dead, and our journal shows its run unfinished. */
    private isStale(holder: LockHolder): boolean {
        if (holder.host !== os.hostname() || processAlive(holder.pid)) {
            return false;
        }
        const run = this.ctx.journal.run(holder.runId);
        return run !== undefined && run.end === undefined;
    }

    private async switchPosture(target: Posture, opts: SetPostureOptions, operation: AuditOperation): Promise<SetPostureResult> {
        checkWeights(opts.activeActiveWeights);
        const reason = opts.reason?.trim();
        if (target === "failover" && (reason === undefined || reason === "")) {
            throw new BadInputError("a reason is required to switch to failover");
        }
        const stepTimeoutMs = positive(opts.stepTimeoutMs, this.ctx.timeouts.stepMs, "stepTimeoutMs");
        if (opts.signal?.aborted) {
            throw new AbortedError();
        }
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
        const lock = await acquireLock(this.ctx.lockPath, holder, { waitMs: opts.waitMs, signal: opts.signal, isStale: (h) => this.isStale(h) });
        try {
            const stacks = await this.readStacks();
            this.requireReadable(stacks);
            const from = deployedPosture(stacks);
            const steps = planSteps(deployedStateOf(stacks), target, { activeActiveWeights: opts.activeActiveWeights });
            const journal = this.ctx.journal;
            // A run that never ended was interrupted. Close it; if it wanted the same posture, this
            // run completes it (and the audit entry carries the original `from`).
            const unfinished = journal.unfinishedRun();
            let resumes: string | undefined;
            let auditFrom: string | undefined = from;
            if (unfinished !== undefined) {
                journal.append({ type: "end", runId: unfinished.begin.runId, result: "superseded", at: new Date().toISOString() });
                if (unfinished.begin.target === target) {
                    resumes = unfinished.begin.runId;
                    auditFrom = unfinished.begin.from;
                    const first = firstUnfinishedStep(unfinished);
                    opts.onProgress?.({ type: "resume", runId: resumes, ...(first !== undefined ? { firstUnfinishedStep: first } : {}) });
                }
            }
            // A skipped step's stack is deployed as wanted, but its config may still hold what an
            // interrupted or timed-out step set; put it back so the next `up` of that stack changes nothing.
            for (const step of steps.filter((s) => s.skip)) {
                await this.alignConfig(step, stacks[step.stack]);
            }
            const pending = pendingSteps(steps);
            if (pending.length === 0 && resumes === undefined) {
                const results = steps.map((s) => ({ id: s.id, stack: s.stack, description: s.description, status: "skipped" as const, durationMs: 0 }));
                return { runId, status: "unchanged", ...(from !== undefined ? { from } : {}), to: target, steps: results, remaining: [], fenced: [], durationMs: Date.now() - started };
            }
            journal.append({
                type: "begin",
                runId,
                operation,
                target,
                ...(auditFrom !== undefined ? { from: auditFrom } : {}),
                steps: steps.map((s) => ({ id: s.id, description: s.description, skip: s.skip })),
                identity: this.ctx.identity,
                ...(reason !== undefined ? { reason } : {}),
                host: holder.host,
                pid: process.pid,
                at: holder.since,
                ...(resumes !== undefined ? { resumes } : {}),
            });
            const results: StepResult[] = [];
            const remaining: string[] = [];
            const fenced: RegionName[] = [];
            const finish = (result: "ok" | "degraded" | "failed" | "aborted", error?: string) => {
                journal.append({ type: "end", runId, result, at: new Date().toISOString() });
                this.record({ operation, runId, to: target, from: auditFrom, result, started, reason, steps: results, remaining, error, resumes });
            };
            for (const step of steps) {
                if (step.skip) {
                    results.push({ id: step.id, stack: step.stack, description: step.description, status: "skipped", durationMs: 0 });
                    journal.append({ type: "step", runId, stepId: step.id, status: "skipped", at: new Date().toISOString() });
                    continue;
                }
                const stepStarted = Date.now();
                journal.append({ type: "step", runId, stepId: step.id, status: "started", at: new Date(stepStarted).toISOString() });
                opts.onProgress?.({ type: "step-start", step });
                try {
                    const outcome = await runStep(this.ctx.stacks[step.stack], step, {
                        refresh: opts.refresh ?? false,
                        timeoutMs: stepTimeoutMs,
                        cancelGraceMs: this.ctx.timeouts.cancelGraceMs,
                        stackBusyMs: this.ctx.timeouts.stackBusyMs,
                        signal: opts.signal,
                        onEvent: (e) => opts.onEvent?.(step.stack, e),
                        onOutput: (t) => opts.onOutput?.(step.stack, t),
                    });
                    const result: StepResult = { id: step.id, stack: step.stack, description: step.description, status: "done", durationMs: Date.now() - stepStarted, changes: outcome.changes };
                    results.push(result);
                    journal.append({ type: "step", runId, stepId: step.id, status: "done", at: new Date().toISOString() });
                    opts.onProgress?.({ type: "step-end", step, result });
                } catch (err) {
                    const message = err instanceof AbortedError ? err.message : summarizeEngineError(err);
                    const failed: StepResult = { id: step.id, stack: step.stack, description: step.description, status: "failed", durationMs: Date.now() - stepStarted, error: message };
                    if (err instanceof AbortedError || opts.signal?.aborted) {
                        results.push(failed);
                        journal.append({ type: "step", runId, stepId: step.id, status: "failed", at: new Date().toISOString(), error: "aborted" });
                        finish("aborted", "aborted");
                        throw err instanceof AbortedError ? err : new AbortedError("aborted during a step", { cause: err });
                    }
                    // Who to fence instead. A capacity step: its own region. The DNS step: the regions
                    // the switch takes traffic away from — fencing them makes Route 53's health checks
                    // move that traffic through the data plane while its control plane is unreachable.
                    const targetWeights = postureSpec(target, opts.activeActiveWeights).weights;
                    const currentWeights = deployedStateOf(stacks).dns?.weights;
                    const toFence: RegionName[] =
                        step.region !== undefined
                            ? [step.region]
                            : regionNames.filter((r) => currentWeights !== undefined && currentWeights[r] > 0 && targetWeights[r] === 0);
                    const mustServe = step.region !== undefined && step.phase === "before-dns" && step.region === servingRegion(postureSpec(target, opts.activeActiveWeights));
                    if (toFence.length === 0 || mustServe) {
                        results.push(failed);
                        journal.append({ type: "step", runId, stepId: step.id, status: "failed", at: new Date().toISOString(), error: message });
                        opts.onProgress?.({ type: "step-end", step, result: failed });
                        finish("failed", message);
                        if (step.region === undefined) {
                            throw new FailoverError(`DNS switch on stack ${this.ctx.names.dns} failed: ${message}`, { cause: err });
                        }
                        throw new RegionUnreachableError(step.region, `${step.region} cannot be scaled up to take traffic (${message}); DNS was not switched`, { cause: err });
                    }
                    const fenceErrors: string[] = [];
                    for (const region of toFence) {
                        // A region fenced earlier in this run stays fenced: one call is enough.
                        if (fenced.includes(region)) {
                            continue;
                        }
                        const fenceError = await this.fenceUnreachable(region, stacks.dns);
                        opts.onProgress?.({ type: "fenced", region, ok: fenceError === undefined, ...(fenceError !== undefined ? { error: fenceError } : {}) });
                        if (fenceError === undefined) {
                            fenced.push(region);
                        } else {
                            fenceErrors.push(`fencing ${region} also failed: ${fenceError}`);
                        }
                    }
                    const result: StepResult = { ...failed, status: "fenced", error: [message, ...fenceErrors].join("; ") };
                    results.push(result);
                    const when = step.region !== undefined ? `when ${step.region} is reachable again` : "when the DNS API answers again";
                    remaining.push(`${step.description} (stack ${this.ctx.names[step.stack]}, ${when})`);
                    journal.append({ type: "step", runId, stepId: step.id, status: "fenced", at: new Date().toISOString(), error: result.error });
                    opts.onProgress?.({ type: "step-end", step, result });
                }
            }
            const status = remaining.length > 0 ? "degraded" : "ok";
            finish(status);
            return {
                runId,
                status,
                ...(from !== undefined ? { from } : {}),
                to: target,
                steps: results,
                remaining,
                fenced,
                durationMs: Date.now() - started,
                ...(resumes !== undefined ? { resumed: resumes } : {}),
            };
        } finally {
            lock.release();
        }
    }

    private async alignConfig(step: PlannedStep, status: StackStatus): Promise<void> {
        for (const change of step.config) {
            if (change.path !== true && status.config[change.key] !== undefined && status.config[change.key] !== change.value) {
                await this.ctx.stacks[step.stack].setConfig(change.key, { value: change.value });
            }
        }
    }

    /** Fences a region the switch could not reach; returns the error text if the fence itself failed. */
    private async fenceUnreachable(region: RegionName, dns: StackStatus): Promise<string | undefined> {
        const coordinates = fenceCoordinatesOf(dns);
        if (coordinates === undefined) {
            return `stack ${dns.name} exports no fence coordinates`;
        }
        try {
            await this.ctx.fence.fence(region, coordinates);
            return undefined;
        } catch (err) {
            return (err as Error).message;
        }
    }
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

