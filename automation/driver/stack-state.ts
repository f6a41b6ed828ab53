// Reading what each stack looks like now: its driver-relevant config, its outputs as deployed and
// its last update. Pure helpers turn that into the planner's DeployedState.
import { ConfigMap, Deployment, Stack } from "@pulumi/pulumi/automation";
import { DnsOutputs, RawOutputs, readDnsOutputs, readRegionalOutputs, RegionalOutputs, statusConfigKeys } from "../../stacks/contract";
import type { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { CapacityMode, Posture, RegionName, regionNames, Weights } from "../../foundation/posture";
import { NotDeployedError } from "./errors";
import { DeployedState, StackKey } from "./planner";
import { StackStatus } from "./types";

const driverKeys: ReadonlySet<string> = new Set(statusConfigKeys);

/** The three stacks' roles, in the order they are read and named. */
export const stackKeys: readonly StackKey[] = ["primary", "secondary", "dns"];

/** The first line of an engine error worth showing (the engine's own `error:` line when there is one). */
export function summarizeEngineError(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    const lines = text.split("\n").map((l) => l.trim());
    // The engine prefixes its diagnostics with "error: "; the Automation API wraps them in "stderr: …".
    const engineLine = lines
        .map((l) => (l.includes("error: ") ? l.slice(l.indexOf("error: ")) : undefined))
        .find((l): l is string => l !== undefined && l !== "error: update failed" && l !== "error: preview failed");
    return (engineLine ?? lines.find((l) => l !== "") ?? "unknown error").slice(0, 400);
}

/** Each stack role's outputs once parsed through the contract: regional for the two regions, dns for the dns stack. */
export interface TypedOutputsByKey {
    readonly primary: Partial<RegionalOutputs>;
    readonly secondary: Partial<RegionalOutputs>;
    readonly dns: Partial<DnsOutputs>;
}

/**
 * One stack as the driver holds it once read: its status, and its outputs parsed once through the
 * contract (stacks/contract.ts) by the stack's role. The driver's modules read `typed` only; the raw
 * `outputs` stay for the public result (`status --json`), which `publicStatus` hands out without `typed`.
 */
export type ReadStatus<K extends StackKey = StackKey> = StackStatus & { readonly typed: TypedOutputsByKey[K] };

/** The three stacks as read, each with its role's typed outputs. */
export type ReadStatuses = { readonly [K in StackKey]: ReadStatus<K> };

/** The two regional stacks as read. */
export type RegionalReads = Pick<ReadStatuses, RegionName>;

/** A stack's raw outputs parsed through the contract for its role: the one place the driver parses a stack's outputs. */
export function typedOutputsOf<K extends StackKey>(key: K, outputs: RawOutputs): TypedOutputsByKey[K] {
    return (key === "dns" ? readDnsOutputs(outputs) : readRegionalOutputs(outputs)) as TypedOutputsByKey[K];
}

/** A status with its outputs parsed for the role `key`. */
export function withTypedOutputs<K extends StackKey>(key: K, status: StackStatus): ReadStatus<K> {
    return { ...status, typed: typedOutputsOf(key, status.outputs) };
}

/** The three statuses, each with its outputs parsed for its role. */
export function withTypedOutputsAll(stacks: Readonly<Record<StackKey, StackStatus>>): ReadStatuses {
    return { primary: withTypedOutputs("primary", stacks.primary), secondary: withTypedOutputs("secondary", stacks.secondary), dns: withTypedOutputs("dns", stacks.dns) };
}

/** A stack's status as the public result shows it: the typed outputs are the driver's own. */
export function publicStatus(read: ReadStatus): StackStatus {
    const { typed: _typed, ...status } = read;
    return status;
}

/** One stack as read: its status, and the raw config and deployment it was made from (absent when unreadable). */
export interface StackRead<K extends StackKey = StackKey> {
    readonly status: ReadStatus<K>;
    readonly config?: ConfigMap;
    readonly state?: Deployment;
}

/** Options of `readStack`. */
export interface ReadStackOptions {
    /** Its config as just read by the caller (not read again). */
    readonly knownConfig?: ConfigMap;
    /** Its deployment, as the caller has begun to read it (not read again). */
    readonly knownState?: Promise<Deployment>;
    /**
     * Read the last update too (one more engine process). Defaults to true; a switch passes false:
     * it decides from outputs, and only `status` shows the last update.
     */
    readonly lastUpdate?: boolean;
}

/** Reads one stack. A stack that cannot be read yields a status with `error`, not an exception. */
export async function readStack<K extends StackKey>(key: K, stack: Stack, opts: ReadStackOptions = {}): Promise<StackRead<K>> {
    try {
        // Engine processes side by side. The outputs come from the exported state, not
        // `stack.outputs()`, which runs the engine twice in a row (masked, then with secrets) for
        // values this status masks anyway.
        const [config, state, history] = await Promise.all([
            opts.knownConfig ?? stack.getAllConfig(),
            opts.knownState ?? stack.exportStack(),
            opts.lastUpdate === false ? [] : stack.history(1),
        ]);
        const last = history[0];
        const deployed = deployedOutputsFor(key, state);
        const status: StackStatus = {
            key,
            name: stack.name,
            config: Object.fromEntries(Object.entries(config).filter(([k]) => driverKeys.has(k)).map(([k, v]) => [k, v.secret ? "[secret]" : v.value])),
            outputs: deployed.outputs,
            ...(last !== undefined
                ? {
                      lastUpdate: {
                          kind: last.kind,
                          result: last.result,
                          startTime: last.startTime.toISOString(),
                          ...(last.endTime !== undefined ? { endTime: last.endTime.toISOString() } : {}),
                          ...(last.resourceChanges !== undefined ? { resourceChanges: { ...last.resourceChanges } } : {}),
                      },
                  }
                : {}),
        };
        return { status: { ...status, typed: deployed.typed }, config, state };
    } catch (err) {
        return { status: withTypedOutputs(key, { key, name: stack.name, config: {}, outputs: {}, error: summarizeEngineError(err) }) };
    }
}

/** Reads one stack's status (`readStack` without the raw reads). */
export async function readStackStatus<K extends StackKey>(key: K, stack: Stack, knownConfig?: ConfigMap): Promise<ReadStatus<K>> {
    return (await readStack(key, stack, { knownConfig })).status;
}

/** The key the engine marks a secret with in exported state (`{ <sig>: <secret sig>, ciphertext }`). */
const secretSignatureKey = "4dabf18193072939515e22adb298388d";

function maskSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(maskSecrets);
    }
    if (value !== null && typeof value === "object") {
        if (secretSignatureKey in value) {
            return "[secret]";
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
    }
    return value;
}

/** Each deployment's outputs as read for each role, so a caller holding the same deployment (`check`'s status and parity) never parses them again. */
const parsedDeployments = new WeakMap<Deployment, Map<StackKey, DeployedOutputs<StackKey>>>();

/** A deployment's outputs: raw (secrets masked) and parsed through the contract for the role `key`. */
export interface DeployedOutputs<K extends StackKey> {
    readonly outputs: Record<string, unknown>;
    readonly typed: TypedOutputsByKey[K];
}

/** The outputs of `state` for the role `key`, parsed once per deployment read. */
export function deployedOutputsFor<K extends StackKey>(key: K, state: Deployment): DeployedOutputs<K> {
    const byKey = parsedDeployments.get(state) ?? new Map<StackKey, DeployedOutputs<StackKey>>();
    parsedDeployments.set(state, byKey);
    const known = byKey.get(key);
    if (known !== undefined) {
        return known as DeployedOutputs<K>;
    }
    const outputs = deployedOutputs(state);
    const parsed: DeployedOutputs<K> = { outputs, typed: typedOutputsOf(key, outputs) };
    byKey.set(key, parsed);
    return parsed;
}

/** The root stack resource's outputs in an exported deployment, secrets masked; none when nothing is deployed. */
export function deployedOutputs(state: Deployment): Record<string, unknown> {
    const resources = (state.deployment?.resources ?? []) as readonly { readonly type?: string; readonly outputs?: Record<string, unknown> }[];
    const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    return maskSecrets(root?.outputs ?? {}) as Record<string, unknown>;
}

/**
 * The deployed state the planner works from. Outputs, not config, decide: config is what was
 * asked for, outputs are what the last successful `up` actually deployed — after a crash between
 * `setConfig` and the end of `up` they differ, and the step must run again.
 */
export function deployedStateOf(stacks: ReadStatuses): DeployedState {
    const capacity: Partial<Record<RegionName, CapacityMode>> = {};
    const quiesced: Partial<Record<RegionName, boolean>> = {};
    const usersReloadSeconds: Partial<Record<RegionName, number>> = {};
    for (const region of ["primary", "secondary"] as const) {
        const outputs = stacks[region].typed;
        if (outputs.capacityMode !== undefined) {
            capacity[region] = outputs.capacityMode;
        }
        if (outputs.quiesced === true) {
            quiesced[region] = true;
        }
        if (outputs.usersReloadSeconds !== undefined) {
            usersReloadSeconds[region] = outputs.usersReloadSeconds;
        }
    }
    const { posture, weights } = stacks.dns.typed;
    return {
        capacity,
        ...(Object.keys(quiesced).length > 0 ? { quiesced } : {}),
        ...(Object.keys(usersReloadSeconds).length > 0 ? { usersReloadSeconds } : {}),
        dns: { ...(posture !== undefined ? { posture } : {}), ...(weights !== undefined ? { weights } : {}) },
    };
}

/** The deployed dns posture, if the dns stack has one. */
export function deployedPosture(stacks: ReadStatuses): Posture | undefined {
    return stacks.dns.typed.posture;
}

/** The deployed weights, if any. */
export function deployedWeights(stacks: ReadStatuses): Weights | undefined {
    return stacks.dns.typed.weights;
}

/** Where the dns stack's fence metric lives, when it exports it. */
export function fenceCoordinatesOf(dns: ReadStatus<"dns">): FenceCoordinates | undefined {
    return dns.typed.fence;
}

/** A readable stack without outputs holds no deployment: every stack program exports some. */
export function isNotDeployed(stack: StackStatus): boolean {
    return stack.error === undefined && Object.keys(stack.outputs).length === 0;
}

/**
 * Refuses stacks without a deployment, naming them and what deploys them.
 *
 * @throws NotDeployedError when any of the three holds no deployment.
 */
export function requireDeployedStacks(stacks: Readonly<Record<StackKey, StackStatus>>, names: Readonly<Record<StackKey, string>>): void {
    const missing = stackKeys.filter((k) => isNotDeployed(stacks[k]));
    if (missing.length === 0) {
        return;
    }
    const what = missing.length === stackKeys.length ? "nothing is deployed" : `not deployed: ${missing.map((k) => names[k]).join(", ")}`;
    throw new NotDeployedError(`${what} (no resources); run \`sftp-failover bootstrap\` (or \`pulumi up\` of each stack in the bootstrap order, docs/by-hand.md) first`, missing);
}

/** What the cost estimate assumes of an active region: the size the active region deployed. */
export function costAssumptions(stacks: RegionalReads): { activeInstances?: number } {
    for (const region of regionNames) {
        const o = stacks[region].typed;
        if (o.capacityMode === "active" && o.desiredCapacity !== undefined) {
            return { activeInstances: o.desiredCapacity };
        }
    }
    return {};
}
