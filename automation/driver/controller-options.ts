// The controller's options, checked: what `FailoverController.create` turns its options into (the
// engine environment, the three opened stacks, the coordination store, the timeouts), and the
// checks of an operation's own input. Bad input is a BadInputError naming the option, thrown before
// anything is created or changed.
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { EngineEnvironment, engineEnvironment } from "../engine/environment";
import { resolveProjectDir } from "../engine/locations";
import { openStack, pulumiCommandOf } from "../engine/workspace";
import { InvalidPostureError, parsePosture, Posture, RegionName, regionNames, validateWeights, Weights } from "../../foundation/posture";
import { program } from "../../stacks";
import { resolveIdentity } from "./audit";
import { fileBackendDir } from "./backend-locks";
import { openCoordination } from "./coordination/from-options";
import { defaultLeaseMs } from "./coordination/lease";
import { RunLog } from "./coordination/run-log";
import { DrainSwitchOptions, resolveDrainOptions } from "./drain";
import { BadInputError, FailoverError } from "./errors";
import { defaultFenceClient, isFenceClient, RegionFenceClient } from "../fence/client";
import { fenceCachePath } from "../fence/cache";
import { StackKey } from "./planner";
import { checkAfterDnsOptions } from "./post-dns-inputs";
import { checkJournalDir, checkStackNames } from "./preflight";
import { cloudWatchReplicationMetrics, defaultReplicationThresholds, ReplicationMetricsReader, ReplicationThresholds } from "./replication";
import { sameEndpoint } from "./sftp-endpoint";
import { stackKeys, summarizeEngineError } from "./stack-state";
import { runTask, throwIfAborted } from "./tasks";
import { escapeControl, hasControlChars } from "./text";
import { FailoverControllerOptions, SetPostureOptions } from "./types";
import { Notifier } from "../notify/notifier";
import { notifierOf, notifyingStore } from "../notify/audited";

/** Default stack names by role. */
export const defaultStackNames: Readonly<Record<StackKey, string>> = { primary: "primary", secondary: "secondary", dns: "dns" };

/** How long a step, its cancel and a busy stack may take. */
export interface Timeouts {
    readonly stepMs: number;
    readonly cancelGraceMs: number;
    readonly stackBusyMs: number;
}

/** What a controller works with: its options, checked and opened. */
export interface ControllerContext {
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
    /** The local fence cache (fence/cache.ts). */
    readonly fenceCacheFile: string;
    /** Where changes and a check that is not ready are told (automation/notify/). */
    readonly notifier: Notifier | undefined;
}

/** A positive number of milliseconds, or its fallback when not given. */
export function positive(value: number | undefined, fallback: number, label: string): number {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0) {
        throw new BadInputError(`${label} must be a positive number of milliseconds (got ${String(value)})`);
    }
    return v;
}

/** The posture asked for, or BadInputError naming the valid ones. */
export function parseTarget(posture: string): Posture {
    try {
        return parsePosture(posture);
    } catch (err) {
        throw new BadInputError((err as Error).message, { cause: err });
    }
}

/** Refuses an active-active split the records could not carry. */
export function checkWeights(weights: Weights | undefined): void {
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

/** The region named, or BadInputError naming the valid ones. */
export function parseRegion(region: string): RegionName {
    if ((regionNames as readonly string[]).includes(region)) {
        return region as RegionName;
    }
    throw new BadInputError(`unknown region "${region}" (valid: ${regionNames.join(", ")})`);
}

/**
 * Refuses control characters in text a user gives (reason, identity): the audit log stores data,
 * and a newline or an escape sequence in it could forge a row of `history` or drive a terminal.
 */
export function plainText(value: string | undefined, label: string): string | undefined {
    if (value !== undefined && hasControlChars(value)) {
        throw new BadInputError(`${label} must not contain control characters such as newlines or escapes (got "${escapeControl(value)}")`);
    }
    return value;
}

/** The drain options with defaults, or BadInputError naming the bad one. */
export function drainOptions(opts: DrainSwitchOptions): Required<DrainSwitchOptions> {
    try {
        return resolveDrainOptions(opts);
    } catch (err) {
        throw new BadInputError((err as Error).message, { cause: err });
    }
}

/** A switch's own input, checked before the store is touched. */
export interface SwitchInput {
    readonly reason?: string;
    readonly stepTimeoutMs: number;
    readonly drain: Required<DrainSwitchOptions>;
}

/**
 * Checks a switch's options: the weights, the check after DNS, the reason (required to fail over)
 * and the timeouts.
 *
 * @throws BadInputError naming the option.
 */
export function checkSwitchInput(target: Posture, opts: SetPostureOptions, defaultStepMs: number): SwitchInput {
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
    const stepTimeoutMs = positive(opts.stepTimeoutMs, defaultStepMs, "stepTimeoutMs");
    return { ...(reason !== undefined ? { reason } : {}), stepTimeoutMs, drain: drainOptions(opts) };
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

/** The engine environment the options name, refused (BadInputError) before any folder is created when they name one that is not there. */
function environmentOf(options: FailoverControllerOptions): EngineEnvironment {
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
        env = options.engine ?? engineEnvironment({ projectDir: options.projectDir, engineDir: options.engineDir, backendUrl: options.backendUrl, standIn: options.standIn });
    } catch (err) {
        throw new BadInputError((err as Error).message, { cause: err });
    }
    if (!fs.existsSync(path.join(env.projectDir, "Pulumi.yaml"))) {
        throw new BadInputError(`projectDir ${env.projectDir} has no Pulumi.yaml`);
    }
    return env;
}

/**
 * Checks the options and opens what they name: the engine environment, the three stacks (each
 * must exist in the backend), the coordination store (not created: status and plan write nothing
 * to it), the fence client and the replication reader.
 *
 * @throws BadInputError for a missing project folder, an unknown stack, a non-positive timeout
 *   or an engine environment that cannot be built (e.g. no passphrase).
 * @throws FailoverError (with the Automation API error as `cause`) when the engine cannot list stacks.
 * @throws AbortedError when `signal` fires.
 */
export async function openController(options: FailoverControllerOptions): Promise<ControllerContext> {
    throwIfAborted(options.signal);
    const names: Record<StackKey, string> = { ...defaultStackNames, ...options.stacks };
    plainText(options.identity, "identity");
    checkStackNames(names);
    const { primary: primaryEndpoint, secondary: secondaryEndpoint } = options.endpoints ?? {};
    if (primaryEndpoint !== undefined && secondaryEndpoint !== undefined && sameEndpoint(primaryEndpoint, secondaryEndpoint)) {
        throw new BadInputError(`endpoints.primary and endpoints.secondary are the same server (${primaryEndpoint.host}:${primaryEndpoint.port}): verify could not tell the regions apart`);
    }
    checkJournalDir(options.journalDir);
    const env = environmentOf(options);
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
    return {
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
    };
}
