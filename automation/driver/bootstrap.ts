// Bringing an environment up from nothing, in the only order AWS accepts: S3 refuses a replication
// configuration whose destination bucket does not exist or has no versioning, and each region's
// bucket is the other's destination. So: both regions with replication off (buckets and versioning
// exist), then both with replication as configured, then the DNS layer that aliases their NLBs.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { configKeys, readRegionalOutputs } from "../../stacks/contract";
import { EngineEnvironment, engineEnvironment, ProviderStandIn } from "../engine/environment";
import { retryingTransportFault } from "../engine/transport-fault";
import { upWithoutReadback } from "../engine/without-readback";
import { copyProjectForInlineRun, openStack } from "../engine/workspace";
import { resolveIdentity } from "./audit";
import { clearDeadEngineLocks } from "./backend-locks";
import { openCoordination } from "./coordination/from-options";
import { RunLog } from "./coordination/run-log";
import { CoordinationStore } from "./coordination/store";
import { CanaryKeySetup, ensureCanaryKey } from "./canary-key";
import { AbortedError, BadInputError, FailoverError } from "./errors";
import { StackKey } from "./planner";
import { checkJournalDir, checkStackNames } from "./preflight";
import { summarizeEngineError } from "./stack-state";
import { runTask, TaskEvent, throwIfAborted } from "./tasks";

/** The phases of a bootstrap, in order. */
export type BootstrapPhase = "regions-without-replication" | "regions-with-replication" | "dns";

/** What one `up` of a bootstrap did. */
export interface BootstrapStepResult {
    readonly phase: BootstrapPhase;
    readonly stack: StackKey;
    readonly stackName: string;
    /** `done` changed something; `unchanged` found everything in place; `skipped` was not needed (the stack was already deployed). */
    readonly status: "done" | "unchanged" | "skipped";
    /** The engine's resource changes (`{ create: 43 }`), without `same`. */
    readonly changes: Readonly<Record<string, number>>;
    readonly durationMs: number;
}

/** The result of a bootstrap. */
export interface BootstrapResult {
    /** `bootstrapped` when anything changed; `unchanged` when every stack was already in place. */
    readonly status: "bootstrapped" | "unchanged";
    readonly steps: readonly BootstrapStepResult[];
    readonly durationMs: number;
    /** What was done for the canary's key before the first `up` (absent with `canary: false`). */
    readonly canary?: CanaryKeySetup;
}

/** A bootstrap's progress. */
export type BootstrapEvent =
    | { readonly type: "step-start"; readonly phase: BootstrapPhase; readonly stack: StackKey; readonly stackName: string }
    | { readonly type: "step-end"; readonly result: BootstrapStepResult }
    /** The work around the `up`s: opening the stacks, clearing dead engines' locks, the canary, reading what is deployed. */
    | TaskEvent;

/** Options of {@link bootstrap}. */
export interface BootstrapOptions {
    /** Folder holding Pulumi.yaml and the stack files. Defaults to the repository root. */
    readonly projectDir?: string;
    /** State backend URL. Defaults to `file://<projectDir>/.pulumi-state`. */
    readonly backendUrl?: string;
    /** Provider plugins that stand in for AWS's (the sandbox's `sandboxStandIn`). Defaults to none. */
    readonly standIn?: ProviderStandIn;
    /** A fully resolved engine environment; when given, projectDir/backendUrl/standIn are ignored. Defaults to one built from them. */
    readonly engine?: EngineEnvironment;
    /** Stack names by role. Defaults to `primary`, `secondary`, `dns`. */
    readonly stacks?: Partial<Readonly<Record<StackKey, string>>>;
    readonly onProgress?: (event: BootstrapEvent) => void;
    /** The engine's structured events, tagged with the stack. */
    readonly onEvent?: (stack: StackKey, event: EngineEvent) => void;
    /** The engine's text output, tagged with the stack. */
    readonly onOutput?: (stack: StackKey, text: string) => void;
    readonly signal?: AbortSignal;
    /**
     * Where a cleared backend lock is audited, as for the controller: a store or its URL. Defaults
     * to `journalDir` when given, else as the controller's `coordination` option defaults.
     */
    readonly coordination?: string | CoordinationStore;
    /** The local folder of the audit log. Defaults as the controller's `journalDir`. */
    readonly journalDir?: string;
    /** Who the audit log names. Defaults to the OS user. */
    readonly identity?: string;
    /**
     * Give both regions a canary (canary-key.ts) before deploying them, so the gate before DNS can
     * verify a region out of the box: a key one region has goes to the other; with none, a new one
     * is generated into secret config. Defaults to true.
     */
    readonly canary?: boolean;
}

const regional: readonly StackKey[] = ["primary", "secondary"];

/** Whether a regional stack has been deployed: it exports its bucket once its first `up` succeeded. */
async function isDeployed(stack: Stack): Promise<boolean> {
    const outputs = await stack.outputs();
    return readRegionalOutputs(Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.value]))).bucketName !== undefined;
}

/**
 * The regional stacks that still need the first phase: those never deployed. A deployed stack
 * already has its bucket and versioning — and may already replicate, which an `up` with
 * replication off would tear down — so it goes straight to the second phase.
 */
export function stacksNeedingFirstPhase(deployed: Readonly<Record<"primary" | "secondary", boolean>>): StackKey[] {
    return regional.filter((key) => !deployed[key as "primary" | "secondary"]);
}

function changesOf(summary: Readonly<Record<string, number>> | undefined): Record<string, number> {
    return Object.fromEntries(Object.entries(summary ?? {}).filter(([op, n]) => op !== "same" && n > 0));
}

/**
 * Creates the three stacks if they do not exist (as `pulumi stack init` would, in the project
 * folder, so each keeps its stack file's config and secrets salt) and deploys them in order:
 *
 *  1. each regional stack never deployed before, with `replicationEnabled=false` (configKeys) —
 *     set only in a temporary copy of the project, so the stack files are never changed;
 *  2. both regional stacks with their stack files' config (replication as configured);
 *  3. the dns stack.
 *
 * Idempotent: on a deployed environment phase 1 is skipped and every `up` changes nothing
 * (result `unchanged`). Resumable: killed anywhere, a rerun skips what is deployed and finishes.
 *
 * Before the first `up`, the backend locks of engines that died (an interrupted or killed bootstrap)
 * are cleared and audited, as a switch clears them (automation/driver/backend-locks.ts).
 *
 * @throws BadInputError for an invalid project folder or stack names, or an engine environment that cannot be built.
 * @throws FailoverError when an `up` fails (cause: the Automation API error), naming the phase and stack.
 * @throws AbortedError when `signal` fires (between or during `up`s).
 */
export async function bootstrap(options: BootstrapOptions = {}): Promise<BootstrapResult> {
    // First of all: building the engine environment creates folders, and an aborted signal leaves nothing behind.
    throwIfAborted(options.signal, "bootstrap aborted before it began");
    const started = Date.now();
    const names: Record<StackKey, string> = { primary: "primary", secondary: "secondary", dns: "dns", ...options.stacks };
    checkStackNames(names);
    checkJournalDir(options.journalDir);
    let env: EngineEnvironment;
    try {
        env = options.engine ?? engineEnvironment({ projectDir: options.projectDir, backendUrl: options.backendUrl, standIn: options.standIn });
    } catch (err) {
        throw new BadInputError((err as Error).message, { cause: err });
    }
    for (const key of Object.keys(names) as StackKey[]) {
        if (!fs.existsSync(path.join(env.projectDir, `Pulumi.${names[key]}.yaml`))) {
            throw new BadInputError(`stacks.${key}: ${env.projectDir} has no Pulumi.${names[key]}.yaml (its config is what the stack is created with)`);
        }
    }
    const tasks = { signal: options.signal, onProgress: options.onProgress };
    const steps: BootstrapStepResult[] = [];
    const run = async (phase: BootstrapPhase, key: StackKey, stack: Stack): Promise<void> => {
        if (options.signal?.aborted) {
            throw new AbortedError(`bootstrap aborted before ${phase} (${key})`);
        }
        options.onProgress?.({ type: "step-start", phase, stack: key, stackName: names[key] });
        const t0 = Date.now();
        let resourceChanges;
        try {
            resourceChanges = await retryingTransportFault(() =>
                upWithoutReadback(stack, {
                    signal: options.signal,
                    onEvent: (e) => options.onEvent?.(key, e),
                    onOutput: (text) => options.onOutput?.(key, text),
                }),
            );
        } catch (err) {
            if (options.signal?.aborted) {
                throw new AbortedError(`bootstrap aborted during ${phase} (${key})`, { cause: err });
            }
            throw new FailoverError(`bootstrap: ${phase}: up of ${key} (stack ${names[key]}) failed: ${summarizeEngineError(err)} (rerun bootstrap to resume)`, { cause: err });
        }
        const changes = changesOf(resourceChanges);
        const step: BootstrapStepResult = {
            phase, stack: key, stackName: names[key], status: Object.keys(changes).length > 0 ? "done" : "unchanged", changes, durationMs: Date.now() - t0,
        };
        steps.push(step);
        options.onProgress?.({ type: "step-end", result: step });
    };

    let stacks: Record<StackKey, Stack>;
    try {
        stacks = await runTask(tasks, "create or open the three stacks", async () => ({
            primary: await openStack(names.primary, env),
            secondary: await openStack(names.secondary, env),
            dns: await openStack(names.dns, env),
        }));
    } catch (err) {
        throwIfAborted(options.signal, "bootstrap aborted while opening the stacks");
        throw new FailoverError(`bootstrap: cannot create or open the stacks in ${env.backendUrl}: ${summarizeEngineError(err)}`, { cause: err });
    }

    // An engine killed in an earlier run (an interrupted bootstrap, kill -9) left its backend lock;
    // without clearing it every rerun fails "the stack is currently locked" until `unlock`.
    const log = new RunLog(openCoordination({ ...options, backendUrl: env.backendUrl, projectDir: env.projectDir }), resolveIdentity(options.identity));
    await runTask(tasks, "clear the locks of dead engines", () => clearDeadEngineLocks(env.backendUrl, Object.values(names), (e) => log.record(e)));

    // Before anything deploys: the regions then serve the canary from their first `up`.
    const canary = (options.canary ?? true) ? await runTask(tasks, "give both regions the canary's key", () => ensureCanaryKey(stacks)) : undefined;
    const deployed = await runTask(tasks, "read which regions are deployed", async () => ({ primary: await isDeployed(stacks.primary), secondary: await isDeployed(stacks.secondary) }));
    const first = stacksNeedingFirstPhase(deployed);
    for (const key of regional.filter((k) => !first.includes(k))) {
        const skipped: BootstrapStepResult = {
            phase: "regions-without-replication", stack: key, stackName: names[key], status: "skipped", changes: {}, durationMs: 0,
        };
        steps.push(skipped);
        options.onProgress?.({ type: "step-end", result: skipped });
    }
    if (first.length > 0) {
        // The override lives in a scratch copy of the project: same backend, same stacks, the stack
        // files untouched — a kill at any moment leaves nothing to restore.
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "sftp-failover-bootstrap-"));
        try {
            copyProjectForInlineRun(env.projectDir, scratch);
            const scratchEnv: EngineEnvironment = { ...env, projectDir: scratch };
            for (const key of first) {
                const stack = await openStack(names[key], scratchEnv);
                await stack.setConfig(configKeys.replicationEnabled, { value: "false" });
                await run("regions-without-replication", key, stack);
            }
        } finally {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    }
    for (const key of regional) {
        await run("regions-with-replication", key, stacks[key]);
    }
    await run("dns", "dns", stacks.dns);
    return {
        status: steps.some((s) => s.status === "done") ? "bootstrapped" : "unchanged",
        steps,
        durationMs: Date.now() - started,
        ...(canary !== undefined ? { canary } : {}),
    };
}
