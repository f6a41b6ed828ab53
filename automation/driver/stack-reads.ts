// The controller's reads of its three stacks: side by side, each one engine process, keeping the
// local fence cache warm on the way. What a stack looks like once read is stack-state.ts's.
import { ConfigEntry } from "../../stacks/config/source";
import type { ControllerContext } from "./controller-options";
import { BadInputError, FailoverError } from "./errors";
import { FenceCacheUpdate, fenceCacheFromStatus, updateFenceCache } from "../fence/cache";
import { regionEndpointsOf } from "../fence/driver-world";
import { StackKey } from "./planner";
import { checkStackConfigs, stackFile } from "./preflight";
import { deployedStateOf, fenceCoordinatesOf, readStack, ReadStatuses, StackRead, stackKeys, summarizeEngineError } from "./stack-state";
import { stepTargetsIn } from "./step-runner";
import { StackBeforeRun } from "./switch-run";
import { Deployment } from "@pulumi/pulumi/automation";

/** What the controller reads its stacks with. */
export type ReadContext = Pick<ControllerContext, "stacks" | "names" | "fenceCacheFile" | "env">;

/** The same function applied to each of the three stacks. */
export function mapStacks<T, U>(values: Readonly<Record<StackKey, T>>, f: (value: T) => U): Record<StackKey, U> {
    return { primary: f(values.primary), secondary: f(values.secondary), dns: f(values.dns) };
}

/** How to read the three stacks: what the caller has already read or begun to read, and whether to read the last update. */
export interface ReadStacksOptions {
    readonly configs?: Record<StackKey, Record<string, ConfigEntry>>;
    readonly states?: Record<StackKey, Promise<Deployment>>;
    /** Only `status` shows each stack's last update, so only it pays the engine process that reads it. */
    readonly lastUpdate?: boolean;
}

/** The three stacks as read, each keeping its raw config and deployment. */
export type StackReads = { readonly [K in StackKey]: StackRead<K> };

/** The statuses of the three reads, each with its typed outputs. */
export function statusesOf(reads: StackReads): ReadStatuses {
    return { primary: reads.primary.status, secondary: reads.secondary.status, dns: reads.dns.status };
}

/** Reads the three stacks side by side, keeping the raw config and deployment of each. */
export async function readStacksRaw(ctx: ReadContext, opts: ReadStacksOptions = {}): Promise<StackReads> {
    const one = <K extends StackKey>(key: K) =>
        readStack(key, ctx.stacks[key], { knownConfig: opts.configs?.[key], knownState: opts.states?.[key], lastUpdate: opts.lastUpdate });
    const [primary, secondary, dns] = await Promise.all([one("primary"), one("secondary"), one("dns")]);
    const reads = { primary, secondary, dns };
    const stacks = statusesOf(reads);
    rememberFence(ctx, fenceCacheFromStatus(fenceCoordinatesOf(stacks.dns), deployedStateOf(stacks).dns, new Date(), undefined, regionEndpointsOf(stacks)));
    return reads;
}

/** Reads the three stacks' statuses (`readStacksRaw` without the raw reads); the last update is not read unless asked. */
export async function readStacks(ctx: ReadContext, opts: ReadStacksOptions = {}): Promise<ReadStatuses> {
    const reads = await readStacksRaw(ctx, { ...opts, lastUpdate: opts.lastUpdate ?? false });
    return statusesOf(reads);
}

/**
 * Keeps the fence cache (automation/fence/cache.ts) warm for the emergency fence, which
 * must not need the engine. Best effort: a journal folder that cannot be written must not fail
 * the operation that happened to read the dns stack.
 */
export function rememberFence(ctx: Pick<ControllerContext, "fenceCacheFile" | "names">, update: FenceCacheUpdate | undefined): void {
    if (update === undefined) {
        return;
    }
    try {
        updateFenceCache(ctx.fenceCacheFile, ctx.names.dns, update);
    } catch {
        // Only a hint is lost; the emergency fence then falls back to the dns stack file.
    }
}

/**
 * Begins reading the three deployments, so they are read while the config is checked: they are
 * only reads, and a switch its config refuses drops them unread (a failed one is reported by
 * `readStack`, which awaits it).
 */
export function beginStateReads(ctx: Pick<ControllerContext, "stacks">): Record<StackKey, Promise<Deployment>> {
    return mapStacks(ctx.stacks, (stack) => {
        const state = stack.exportStack();
        state.catch(() => undefined);
        return state;
    });
}

/** @throws FailoverError naming the first stack that could not be read. */
export function requireReadable(stacks: ReadStatuses): void {
    for (const key of stackKeys) {
        const error = stacks[key].error;
        if (error !== undefined) {
            throw new FailoverError(`cannot read stack ${stacks[key].name}: ${error}`);
        }
    }
}

/**
 * Preflight of the stacks: each stack's config through the programs' own loaders, and each
 * stack's identity (plan runs it too: it reads only).
 *
 * @throws BadInputError naming the file, key and value.
 */
export async function checkConfigs(ctx: Pick<ControllerContext, "stacks" | "names" | "env">): Promise<Record<StackKey, Record<string, ConfigEntry>>> {
    // Read side by side (an engine process each); the first unreadable stack, in order, is named.
    const reads = await Promise.allSettled(stackKeys.map((key) => ctx.stacks[key].getAllConfig()));
    const configs = {} as Record<StackKey, Record<string, ConfigEntry>>;
    stackKeys.forEach((key, i) => {
        const read = reads[i];
        if (read.status === "rejected") {
            const err: unknown = read.reason;
            throw new BadInputError(`${stackFile(ctx.names[key])} (stack ${ctx.names[key]}) cannot be read: ${summarizeEngineError(err)}`, { cause: err });
        }
        configs[key] = read.value;
    });
    checkStackConfigs(ctx.names, configs, ctx.env.projectDir);
    return configs;
}

/** What a run may take from the reads before it instead of reading again: every stack read whole and not rewritten since. */
export function readBeforeRun(reads: StackReads, rewritten: ReadonlySet<StackKey>): Partial<Record<StackKey, StackBeforeRun>> {
    const known: Partial<Record<StackKey, StackBeforeRun>> = {};
    for (const key of stackKeys) {
        const { config, state } = reads[key];
        if (config !== undefined && state !== undefined && !rewritten.has(key)) {
            known[key] = { config, targets: stepTargetsIn(state, key, config) ?? "all" };
        }
    }
    return known;
}
