// No undeployed config left behind. A step writes its config into the committed stack file
// (Pulumi.<stack>.yaml) and then runs `up`; that file is also what the next `pulumi up` by hand
// reads. So a value must not stay there unless it is deployed:
//
//   - a step whose `up` fails, times out or is aborted puts the previous values back (or removes
//     keys that were absent) before its error propagates (step-runner.ts);
//   - the journal's step "started" record carries those previous values, written before the first
//     `setConfig`, so a driver killed mid-step (kill -9: no chance to restore) leaves enough behind
//     for the next switch to put each managed key back to what is deployed, and for `status`
//     (which only reads) to report it.
//
// "What is deployed" comes from the stack's outputs where they tell (capacityMode, posture, the
// active-active weights while active-active is deployed), else from the journal's previous value.
import { configKeys, DnsOutputs, RegionalOutputs } from "../../stacks/contract";
import { ConfigChange, StackKey } from "./planner";

/** One managed key as it was before a step set it. `value` absent: the key was not set. */
export interface PreviousConfig {
    readonly key: string;
    readonly value?: string;
    /** The key addresses a field of an object value (`ns:activeActiveWeights.primary`). */
    readonly path?: boolean;
}

/** One write that puts a key back: set `value`, or remove the key when `value` is absent. */
export type ConfigWrite = PreviousConfig;

/** The subset of the Automation API's Stack that restoring uses. */
export interface ConfigWriter {
    setConfig(key: string, value: { value: string }, path?: boolean): Promise<void>;
    removeConfig(key: string, path?: boolean): Promise<void>;
}

/** The two halves of a path key: `ns:activeActiveWeights.primary` → `ns:activeActiveWeights`, `primary`. */
function splitPath(key: string): { root: string; field: string } {
    const dot = key.indexOf(".", key.indexOf(":") + 1);
    return dot < 0 ? { root: key, field: "" } : { root: key.slice(0, dot), field: key.slice(dot + 1) };
}

function fieldOf(json: string | undefined, field: string): string | undefined {
    if (json === undefined) {
        return undefined;
    }
    try {
        const value = (JSON.parse(json) as Record<string, unknown> | null)?.[field];
        return value === undefined || value === null || typeof value === "object" ? undefined : String(value);
    } catch {
        return undefined;
    }
}

/**
 * The values a step's config changes are about to replace, from the stack's current config
 * (`getAllConfig()`: objects arrive as JSON text). A path key whose object does not exist yet is
 * recorded as its absent root, so restoring removes the whole object rather than leaving `{}`.
 */
export function previousValues(config: Readonly<Record<string, { readonly value: string }>>, changes: readonly ConfigChange[]): PreviousConfig[] {
    const previous: PreviousConfig[] = [];
    const seen = new Set<string>();
    const add = (p: PreviousConfig) => {
        if (!seen.has(p.key)) {
            seen.add(p.key);
            previous.push(p);
        }
    };
    for (const change of changes) {
        if (change.path !== true) {
            const value = config[change.key]?.value;
            add({ key: change.key, ...(value !== undefined ? { value } : {}) });
            continue;
        }
        const { root, field } = splitPath(change.key);
        const rootValue = config[root]?.value;
        if (rootValue === undefined) {
            add({ key: root });
            continue;
        }
        const value = fieldOf(rootValue, field);
        add({ key: change.key, path: true, ...(value !== undefined ? { value } : {}) });
    }
    return previous;
}

/**
 * Puts `writes` in place, last first (a step's changes undone in reverse). Keys are not secret:
 * the driver manages only capacityMode, posture and the active-active weights. With `proveHeld`,
 * the lock is proved immediately before each write: one lost half-way stops the writes there.
 */
export async function applyConfigWrites(stack: ConfigWriter, writes: readonly ConfigWrite[], proveHeld?: () => Promise<void>): Promise<void> {
    for (const w of [...writes].reverse()) {
        await proveHeld?.();
        if (w.value === undefined) {
            await stack.removeConfig(w.key, w.path ?? false);
        } else {
            await stack.setConfig(w.key, { value: w.value }, w.path ?? false);
        }
    }
}

/**
 * The deployed value of a managed key, from the stack's outputs, or undefined when the outputs do
 * not tell (the weights while another posture than active-active is deployed, a stack never deployed).
 */
export function deployedValue(key: string, outputs: Partial<RegionalOutputs> | Partial<DnsOutputs>): string | undefined {
    const { root, field } = splitPath(key);
    switch (root) {
        case configKeys.capacityMode:
            return field === "" && "capacityMode" in outputs ? outputs.capacityMode : undefined;
        case configKeys.posture:
            return field === "" && "posture" in outputs ? outputs.posture : undefined;
        case configKeys.activeActiveWeights: {
            // Only a dns stack's outputs tell the weights, and only under active-active.
            const { posture, weights }: Partial<DnsOutputs> = "posture" in outputs ? outputs : {};
            if (posture !== "active-active" || weights === undefined || (field !== "primary" && field !== "secondary")) {
                return undefined;
            }
            return String(weights[field]);
        }
        default:
            return undefined;
    }
}

/** A managed key whose configured value is not the deployed one. */
export interface UndeployedConfig {
    readonly stack: StackKey;
    readonly key: string;
    readonly path?: boolean;
    /** As the stack file has it (absent: not set). */
    readonly configured?: string;
    /** What putting it back writes: the deployed value, or the journal's previous one (absent: remove the key). */
    readonly deployed?: string;
    /** The interrupted run that wrote it. */
    readonly runId: string;
}

/** What an interrupted step left: its stack and the values its "started" record carries. */
export interface InterruptedStep {
    readonly stack: StackKey;
    readonly runId: string;
    readonly previous: readonly PreviousConfig[];
}

/**
 * The keys interrupted steps left undeployed, given each stack's current config (full keys to
 * values, objects as JSON text, as `StackStatus.config` holds them) and typed outputs (stack-state.ts):
 * each key wants its deployed value where the outputs tell it, else the value before the step.
 * A key whose step did reach its stack (the orphaned engine finished the `up`) is deployed as
 * configured and is not listed. Pure.
 */
export function undeployedConfig(
    interrupted: readonly InterruptedStep[],
    current: Readonly<Record<StackKey, { readonly config: Readonly<Record<string, string>>; readonly typed: Partial<RegionalOutputs> | Partial<DnsOutputs> }>>,
): UndeployedConfig[] {
    const found: UndeployedConfig[] = [];
    const seen = new Set<string>();
    for (const step of interrupted) {
        const { config, typed } = current[step.stack];
        for (const p of step.previous) {
            const id = `${step.stack} ${p.key}`;
            if (seen.has(id)) {
                continue;
            }
            seen.add(id);
            const configured = p.path === true ? fieldOf(config[splitPath(p.key).root], splitPath(p.key).field) : config[p.key];
            const wanted = deployedValue(p.key, typed) ?? p.value;
            if (configured !== wanted) {
                found.push({
                    stack: step.stack,
                    key: p.key,
                    ...(p.path === true ? { path: true } : {}),
                    ...(configured !== undefined ? { configured } : {}),
                    ...(wanted !== undefined ? { deployed: wanted } : {}),
                    runId: step.runId,
                });
            }
        }
    }
    return found;
}

/** The writes that put undeployed keys back, per stack. */
export function restoreWrites(undeployed: readonly UndeployedConfig[]): Map<StackKey, ConfigWrite[]> {
    const writes = new Map<StackKey, ConfigWrite[]>();
    for (const u of undeployed) {
        const list = writes.get(u.stack) ?? [];
        // applyConfigWrites undoes in reverse; these are independent keys, so order them to come out as listed.
        list.unshift({ key: u.key, ...(u.path === true ? { path: true } : {}), ...(u.deployed !== undefined ? { value: u.deployed } : {}) });
        writes.set(u.stack, list);
    }
    return writes;
}

/**
 * Puts back what interrupted steps left undeployed, stack by stack, and returns what it put back.
 * Run under the lock, by a switch that closes an unfinished run (which proves it before each write,
 * `proveHeld`) or by `unlock`.
 */
export async function putBackUndeployed(undeployed: readonly UndeployedConfig[], stacks: Readonly<Record<StackKey, ConfigWriter>>, proveHeld?: () => Promise<void>): Promise<UndeployedConfig[]> {
    for (const [stack, writes] of restoreWrites(undeployed)) {
        await applyConfigWrites(stacks[stack], writes, proveHeld);
    }
    return [...undeployed];
}
