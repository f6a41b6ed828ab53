// The emergency fence: fence or unfence a region with exactly one AWS call (PutMetricData to the
// fence region), depending on nothing else. No engine, no state backend, no Route 53, no us-east-1:
// an operator fences a region precisely when those may be down (issue 11).
//
// Where the fence lives comes from two local sources, in this order:
//   1. the fence cache (automation/driver/fence-cache.ts), written by the driver whenever it reads
//      the deployed dns stack: what that stack exports, i.e. where its alarms really are;
//   2. the dns stack file (automation/driver/dns-stack-file.ts), derived with the DNS component's
//      own function: what the checkout says, which may hold an edit not deployed yet.
// The cache wins, because a fence published where no alarm watches does nothing, and the stack file
// is then not even parsed; when it was edited after the cache was written, the plan warns (an edit
// to the fence settings, once deployed, moves the alarms, and `status` refreshes the cache).
//
// Planning and publishing are separate calls so the CLI can ask in between (library code never
// prompts or prints). This module loads the CloudWatch client and nothing of Pulumi.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FenceCoordinates } from "../components/dns-fence-coordinates";
import { fileProblem } from "./engine/folders";
import { AuditLog, resolveIdentity } from "./driver/audit";
import { dnsStackFile, readDnsStackFile, DnsStackFileFacts } from "./driver/dns-stack-file";
import { BadInputError, FailoverError } from "./driver/errors";
import { ageOf, CachedFence, FenceCacheEntry, fenceCachePath, readFenceCache, updateFenceCache } from "./driver/fence-cache";
import { escapeControl, hasControlChars } from "./driver/text";
import { FenceClientOptions, setFence } from "./fence";
import { FenceEffect, fenceEffect, FenceReading } from "./fence-effect";
import { RegionName, regionNames, Weights } from "./posture";

/** Fence or unfence. */
export type FenceAction = "fence" | "unfence";

/** Publishes one fence datapoint; the default is automation/fence.ts (one PutMetricData). */
export type FencePublisher = (region: RegionName, coordinates: FenceCoordinates, action: FenceAction) => Promise<void>;

/** Where the emergency fence reads and writes. */
export interface EmergencyFenceOptions {
    /** The driver's journal folder: the fence cache and the audit log live there. */
    readonly journalDir: string;
    /** Project folder holding the dns stack file, the fallback source. Defaults to none (cache only). */
    readonly projectDir?: string;
    /** Name of the dns stack. Defaults to `dns`. */
    readonly dnsStack?: string;
    /** Who is acting, for the audit log. Defaults to the OS user. */
    readonly identity?: string;
    /** CloudWatch settings of the default publisher (endpoint, credentials, signal). */
    readonly cloudWatch?: FenceClientOptions;
    /** Replaces the CloudWatch call (the sandbox's file fence). Defaults to automation/fence.ts. */
    readonly publish?: FencePublisher;
    /** Why, for the audit log. Defaults to none. */
    readonly reason?: string;
    /** Clock. Defaults to the system clock. */
    readonly now?: () => Date;
}

/** Where the coordinates came from. */
export type CoordinatesSource = { readonly source: "cache"; readonly file: string; readonly at: string; readonly age: string } | { readonly source: "stack-file"; readonly file: string };

/** What a fence is about to do, for the operator to confirm. */
export interface EmergencyFencePlan {
    readonly region: RegionName;
    readonly action: FenceAction;
    readonly dnsStack: string;
    readonly coordinates: FenceCoordinates;
    readonly coordinatesFrom: CoordinatesSource;
    /** What the effect on who serves is computed from; absent when no weights are known. */
    readonly basis?: { readonly weights: Weights; readonly from: string; readonly fence: Readonly<Record<RegionName, FenceReading>> };
    /** Route 53's answer before and after; absent when no weights are known. */
    readonly effect?: FenceEffect;
    /** Things the operator should read before confirming (a stale or disagreeing source). */
    readonly warnings: readonly string[];
}

/** What was published. */
export interface EmergencyFenceResult {
    readonly region: RegionName;
    readonly state: "fenced" | "unfenced";
    /** Always true: the emergency path publishes without reading the fence first (that would be a second call). */
    readonly changed: true;
    readonly coordinates: FenceCoordinates;
    readonly coordinatesFrom: CoordinatesSource["source"];
    readonly awsCalls: 1;
    readonly runId: string;
}

const defaultDnsStack = "dns";

/**
 * Works out where the region's fence is and what fencing it changes, from local files only.
 *
 * @throws BadInputError for an unknown region, a reason or identity with control characters, when
 *   no source names the coordinates, or when the cache says the other region is fenced (fencing both would
 *   make Route 53 answer both: the fence would silently do nothing). Nothing is changed.
 */
export async function planEmergencyFence(region: string, action: FenceAction, opts: EmergencyFenceOptions): Promise<EmergencyFencePlan> {
    if (!(regionNames as readonly string[]).includes(region)) {
        throw new BadInputError(`unknown region "${escapeControl(region)}" (valid: ${regionNames.join(", ")})`);
    }
    checkText(opts);
    const regionName = region as RegionName;
    const now = (opts.now ?? (() => new Date()))();
    const dnsStack = opts.dnsStack ?? defaultDnsStack;
    const cacheFile = fenceCachePath(opts.journalDir);
    const warnings: string[] = [];
    const cached = readFenceCache(cacheFile, dnsStack);
    if (cached.problem !== undefined) {
        warnings.push(`fence cache ignored: ${cached.problem}`);
    }
    const entry = cached.entry;
    let fromFile: DnsStackFileFacts | undefined;
    let coordinates: FenceCoordinates;
    let coordinatesFrom: CoordinatesSource;
    if (entry !== undefined) {
        coordinates = entry.coordinates;
        coordinatesFrom = { source: "cache", file: cacheFile, at: entry.coordinatesAt, age: ageOf(entry.coordinatesAt, now) };
        const edited = opts.projectDir !== undefined ? editedSince(dnsStackFile(opts.projectDir, dnsStack), entry.coordinatesAt) : undefined;
        if (edited !== undefined) {
            warnings.push(
                `${edited} was edited after the deployed stack was last read (${coordinatesFrom.age}): if its fence settings changed and were deployed, the cached coordinates are stale (run \`status\` to refresh them, or fence with --from-stack)`,
            );
        }
    } else {
        let fileProblemText = "no project folder";
        if (opts.projectDir !== undefined) {
            try {
                fromFile = await readDnsStackFile(opts.projectDir, dnsStack);
            } catch (err) {
                fileProblemText = (err as Error).message;
            }
        }
        if (fromFile === undefined) {
            throw new BadInputError(
                `no fence coordinates for stack ${dnsStack}: no cache in ${cacheFile} and ${fileProblemText} ` +
                    "(run `status` once while the backend is reachable, or give --stack-dir with the dns stack file); nothing was changed",
            );
        }
        coordinates = fromFile.coordinates;
        coordinatesFrom = { source: "stack-file", file: fromFile.file };
        warnings.push(`no fence cache in ${opts.journalDir}: fence coordinates derived from ${fromFile.file}, not read from the deployed stack`);
    }
    const fence = cachedFence(entry);
    const basis = basisOf(entry, fromFile, now, fence);
    if (action === "fence") {
        refuseFencingBoth(regionName, entry, now);
    }
    const effect = basis === undefined ? undefined : fenceEffect({ weights: basis.weights, fence: basis.fence }, regionName, action);
    return { region: regionName, action, dnsStack, coordinates, coordinatesFrom, ...(basis !== undefined ? { basis, effect } : {}), warnings };
}

/**
 * Publishes the plan's fence datapoint (one PutMetricData), writes the audit entry and records the
 * new state in the cache.
 *
 * @throws BadInputError when the audit log cannot be written (checked first; nothing changed), or
 *   the reason or identity holds control characters.
 * @throws FailoverError when the call fails (cause: the SDK's error); the failure is audited.
 */
export async function applyEmergencyFence(plan: EmergencyFencePlan, opts: EmergencyFenceOptions): Promise<EmergencyFenceResult> {
    checkText(opts);
    const identity = resolveIdentity(opts.identity);
    const audit = new AuditLog(path.join(opts.journalDir, "audit.jsonl"));
    const problem = fileProblem(audit.file);
    if (problem !== undefined) {
        throw new BadInputError(`audit log ${audit.file} cannot be written (${problem}); nothing was changed`);
    }
    const now = opts.now ?? (() => new Date());
    const started = Date.now();
    const runId = `${now().toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${crypto.randomBytes(3).toString("hex")}`;
    const record = (result: "ok" | "failed", error?: string) =>
        audit.append({
            at: now().toISOString(),
            identity,
            host: os.hostname(),
            operation: plan.action,
            ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
            to: `${plan.region} ${plan.action}d`,
            result,
            runId,
            durationMs: Date.now() - started,
            ...(error !== undefined ? { error } : {}),
        });
    const publish = opts.publish ?? ((region, coordinates, action) => setFence(coordinates, region, action === "fence", opts.cloudWatch).then(() => undefined));
    try {
        await publish(plan.region, plan.coordinates, plan.action);
    } catch (err) {
        record("failed", (err as Error).message);
        throw new FailoverError(`${plan.action} ${plan.region} failed: ${(err as Error).message}`, { cause: err });
    }
    record("ok");
    const state = plan.action === "fence" ? "fenced" : "unfenced";
    try {
        // Only the fence state: coordinates derived from the stack file must not enter the cache,
        // which holds what the deployed stack exported (and so wins over the stack file).
        updateFenceCache(fenceCachePath(opts.journalDir), plan.dnsStack, {
            fence: { [plan.region]: { state, at: now().toISOString(), source: "published" } satisfies CachedFence },
        });
    } catch {
        // The fence is published and audited; a cache that cannot be written only loses a hint.
    }
    return { region: plan.region, state, changed: true, coordinates: plan.coordinates, coordinatesFrom: plan.coordinatesFrom.source, awsCalls: 1, runId };
}

/**
 * Refuses control characters in the text a user gives, as the driver does: the audit log stores
 * data, and a newline or an escape sequence in it could forge a row of `history`.
 */
function checkText(opts: EmergencyFenceOptions): void {
    for (const [label, value] of [["reason", opts.reason], ["identity", opts.identity]] as const) {
        if (value !== undefined && hasControlChars(value)) {
            throw new BadInputError(`${label} must not contain control characters such as newlines or escapes (got "${escapeControl(value)}")`);
        }
    }
}

/** The fence states the cache knows; unknown otherwise (Route 53 then counts the region healthy). */
function cachedFence(entry: FenceCacheEntry | undefined): Record<RegionName, FenceReading> {
    return { primary: entry?.fence?.primary?.state ?? "unknown", secondary: entry?.fence?.secondary?.state ?? "unknown" };
}

/** The weights the effect is computed from: the cache's (deployed), else the stack file's (desired). */
function basisOf(entry: FenceCacheEntry | undefined, fromFile: DnsStackFileFacts | undefined, now: Date, fence: Record<RegionName, FenceReading>): EmergencyFencePlan["basis"] {
    if (entry?.weights !== undefined) {
        const at = entry.weightsAt ?? entry.coordinatesAt;
        return { weights: entry.weights, fence, from: `cached weights ${entry.weights.primary}/${entry.weights.secondary}${entry.posture !== undefined ? ` (${entry.posture})` : ""}, ${ageOf(at, now)}` };
    }
    if (fromFile?.weights !== undefined) {
        return { weights: fromFile.weights, fence, from: `weights ${fromFile.weights.primary}/${fromFile.weights.secondary} of the posture in ${fromFile.file} (not read from the deployed stack)` };
    }
    return undefined;
}

/**
 * The rule of FailoverController.fence (never fence the last unfenced region), on the cache's word:
 * reading CloudWatch would be a second call. A fence the cache does not know is not refused.
 */
function refuseFencingBoth(region: RegionName, entry: FenceCacheEntry | undefined, now: Date): void {
    const other: RegionName = region === "primary" ? "secondary" : "primary";
    const seen = entry?.fence?.[other];
    if (seen?.state === "fenced") {
        throw new BadInputError(
            `${other} is fenced (per the fence cache, ${ageOf(seen.at, now)}): fencing ${region} too would leave no healthy record, and Route 53 would answer both; unfence ${other} first, or check with \`fence ${region} --from-stack\`; nothing was changed`,
        );
    }
}

/**
 * The stack file when it was modified after `at`, else undefined. One stat, not a parse: the YAML
 * parser alone would cost the emergency path a tenth of a second on a loaded machine.
 */
function editedSince(file: string, at: string): string | undefined {
    try {
        return fs.statSync(file).mtimeMs > Date.parse(at) ? file : undefined;
    } catch {
        return undefined;
    }
}
