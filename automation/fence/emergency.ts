// The emergency fence: fence or unfence a region with CloudWatch in the fence region only. No
// engine, no state backend, no Route 53, no us-east-1: an operator fences a region precisely when
// those may be down (issue 11). The rules (never fence both, the answer's safety, the audit entry)
// are the fence operation's (automation/fence/operation.ts), the same as the driver's path; this
// module only finds, from local files, what that operation needs:
//
// Where the fence lives comes from two local sources, in this order:
//   1. the fence cache (automation/fence/cache.ts), written by the driver whenever it reads
//      the deployed stacks: where the dns stack's alarms really are, the deployed weights and the
//      regional endpoints (so endpoint health can be read without the engine);
//   2. the dns stack file (automation/driver/dns-stack-file.ts), derived with the DNS component's
//      own function: what the checkout says, which may hold an edit not deployed yet.
// The cache wins, because a fence published where no alarm watches does nothing, and the stack file
// is then not even parsed; when it was edited after the cache was written, the plan warns (an edit
// to the fence settings, once deployed, moves the alarms, and `status` refreshes the cache).
// The cache supplies coordinates, weights and endpoints only: both fences are read from CloudWatch
// (GetMetricData and DescribeAlarmsForMetric in the fence region) before anything is decided.
//
// Planning and publishing are separate calls so the CLI can ask in between (library code never
// prompts or prints). This module loads the CloudWatch client and nothing of Pulumi.
import * as fs from "node:fs";
import * as path from "node:path";
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { fileProblem } from "../../foundation/folders";
import { AuditLog } from "../driver/audit";
import { notifierOf, notifyingAppend } from "../notify/audited";
import type { NotifyOptions } from "../notify/notifier";
import { dnsStackFile, readDnsStackFile, DnsStackFileFacts } from "../driver/dns-stack-file";
import type { EndpointHealthSource } from "../driver/endpoint-health";
import { BadInputError } from "../driver/errors";
import { ageOf, CachedFence, FenceCacheEntry, fenceCachePath, readFenceCache, updateFenceCache } from "./cache";
import { defaultFenceClient, FenceClientOptions, RegionFenceClient } from "./client";
import { applyFence, checkFenceText, FenceAction, FencePlan, FenceRequest, FenceWorld, parseFenceRegion, planFence } from "./operation";

export type { FenceAction } from "./operation";

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
    /** CloudWatch settings of the default store (endpoint, credentials, signal). */
    readonly cloudWatch?: FenceClientOptions;
    /** The fence's store (the sandbox's model of CloudWatch). Defaults to CloudWatch (automation/fence/cloudwatch-fence.ts). */
    readonly store?: RegionFenceClient;
    /** Where endpoint health is read (with the cached endpoints). Defaults to none: health unknown. */
    readonly health?: EndpointHealthSource;
    /** Why, for the audit log. Defaults to none. */
    readonly reason?: string;
    /** Publish even when the answer is predicted to harm clients (needs a reason; audited). */
    readonly force?: boolean;
    /** Clock. Defaults to the system clock. */
    readonly now?: () => Date;
    /** Tell the fence to an SNS topic or webhook (automation/notify/). Defaults to telling nobody. */
    readonly notify?: NotifyOptions;
}

/** Where the coordinates came from. */
export type CoordinatesSource = { readonly source: "cache"; readonly file: string; readonly at: string; readonly age: string } | { readonly source: "stack-file"; readonly file: string };

/** What a fence is about to do, for the operator to confirm: the operation's plan and where its inputs came from. */
export interface EmergencyFencePlan {
    readonly dnsStack: string;
    readonly coordinatesFrom: CoordinatesSource;
    /** The fence operation's plan (readings, prediction, what needs confirming). */
    readonly operation: FencePlan;
    /** Things the operator should read before confirming (a stale or disagreeing source, a failed read). */
    readonly warnings: readonly string[];
}

/** What was published. */
export interface EmergencyFenceResult {
    readonly region: FencePlan["region"];
    readonly state: "fenced" | "unfenced";
    /** Always true: a read never decides to skip a write. */
    readonly changed: true;
    readonly coordinates: FenceCoordinates;
    readonly coordinatesFrom: CoordinatesSource["source"];
    readonly runId: string;
    /** The harm forced past, when forced. */
    readonly forced?: string;
}

const defaultDnsStack = "dns";

/**
 * Works out where the region's fence is from local files, reads both fences (and the endpoints'
 * health, where a source and cached endpoints allow) and plans the operation.
 *
 * @throws BadInputError for an unknown region, a reason or identity with control characters, when
 *   no source names the coordinates, and whatever the fence operation refuses (fencing both,
 *   nothing to fence, a harmful answer unless forced). Nothing is changed.
 */
export async function planEmergencyFence(region: string, action: FenceAction, opts: EmergencyFenceOptions): Promise<EmergencyFencePlan> {
    parseFenceRegion(region);
    checkFenceText(opts);
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
    const weights = weightsOf(entry, fromFile, now);
    const request: FenceRequest = { region, action, ...pick(opts) };
    const operation = await planFence(request, {
        coordinates,
        coordinatesFrom: coordinatesFrom.source === "cache" ? `the fence cache (${coordinatesFrom.age})` : coordinatesFrom.file,
        store: storeOf(opts),
        ...(weights !== undefined ? { weights } : {}),
        ...(opts.health !== undefined ? { health: opts.health } : {}),
        ...(entry?.endpoints !== undefined ? { endpoints: entry.endpoints } : {}),
    });
    return { dnsStack, coordinatesFrom, operation, warnings: [...warnings, ...operation.warnings] };
}

/**
 * Publishes the plan (the fence operation: last-word datapoints, one audit entry) and records the
 * new state in the cache as a hint.
 *
 * @throws BadInputError when the audit log cannot be written (checked first; nothing changed), or
 *   the reason or identity holds control characters.
 * @throws FailoverError when the call fails (cause: the SDK's error); the failure is audited.
 */
export async function applyEmergencyFence(plan: EmergencyFencePlan, opts: EmergencyFenceOptions): Promise<EmergencyFenceResult> {
    checkFenceText(opts);
    const log = new AuditLog(path.join(opts.journalDir, "audit.jsonl"));
    const now = opts.now ?? (() => new Date());
    const outcome = await applyFence(
        plan.operation,
        storeOf(opts),
        {
            async checkWritable() {
                const problem = fileProblem(log.file);
                if (problem !== undefined) {
                    throw new BadInputError(`audit log ${log.file} cannot be written (${problem}); nothing was changed`);
                }
            },
            append: notifyingAppend(async (entry) => log.append(entry), notifierOf(opts.notify)),
        },
        now,
    );
    try {
        // Only the fence state, as a hint for the operator: coordinates derived from the stack file
        // must not enter the cache, which holds what the deployed stack exported.
        updateFenceCache(fenceCachePath(opts.journalDir), plan.dnsStack, {
            fence: { [outcome.region]: { state: outcome.state, at: now().toISOString(), source: "published" } satisfies CachedFence },
        });
    } catch {
        // The fence is published and audited; a cache that cannot be written only loses a hint.
    }
    return {
        region: outcome.region,
        state: outcome.state,
        changed: true,
        coordinates: outcome.coordinates,
        coordinatesFrom: plan.coordinatesFrom.source,
        runId: outcome.runId,
        ...(outcome.forced !== undefined ? { forced: outcome.forced } : {}),
    };
}

function pick(opts: EmergencyFenceOptions): Omit<FenceRequest, "region" | "action"> {
    return {
        ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
        ...(opts.identity !== undefined ? { identity: opts.identity } : {}),
        ...(opts.force !== undefined ? { force: opts.force } : {}),
    };
}

function storeOf(opts: EmergencyFenceOptions): RegionFenceClient {
    return opts.store ?? defaultFenceClient(opts.cloudWatch);
}

/** The weights the prediction uses: the cache's (deployed), else the stack file's (desired). */
function weightsOf(entry: FenceCacheEntry | undefined, fromFile: DnsStackFileFacts | undefined, now: Date): FenceWorld["weights"] {
    if (entry?.weights !== undefined) {
        const at = entry.weightsAt ?? entry.coordinatesAt;
        return { weights: entry.weights, from: `cached weights ${entry.weights.primary}/${entry.weights.secondary}${entry.posture !== undefined ? ` (${entry.posture})` : ""}, ${ageOf(at, now)}` };
    }
    if (fromFile?.weights !== undefined) {
        return { weights: fromFile.weights, from: `weights ${fromFile.weights.primary}/${fromFile.weights.secondary} of the posture in ${fromFile.file} (not read from the deployed stack)` };
    }
    return undefined;
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
