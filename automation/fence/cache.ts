// The fence cache: what the emergency fence (automation/fence/emergency.ts) needs to know about the
// deployed dns stack, written next to the journal whenever the driver reads that stack through the
// engine. At fence time the engine, the state backend and us-east-1 may all be down; a file on the
// operator's disk is not. It holds no secret: the fence coordinates are CloudWatch names, and the
// weights and fence states are what `status` prints.
//
// No import of the engine, the AWS SDK or Pulumi: the emergency fence loads this module.
import * as fs from "node:fs";
import * as path from "node:path";
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { makeFolder } from "../../foundation/folders";
import { Posture, postureSpec, RegionName, regionNames, Weights } from "../../foundation/posture";
import type { FenceReading } from "../answer-safety";
import type { RegionEndpoint } from "../driver/endpoint-health";
import type { SetPostureResult } from "../driver/types";

/** The cache's file name, in the journal folder. */
export const fenceCacheFileName = "fence-cache.json";

/** A region's fence as last seen by this machine, and when. */
export interface CachedFence {
    readonly state: "fenced" | "unfenced";
    readonly at: string;
    /** Who saw it: a read of CloudWatch (`status`), or a fence call this machine made. */
    readonly source: "read" | "published";
}

/** What is cached about one dns stack. */
export interface FenceCacheEntry {
    /** Where the fence metric lives, as the deployed dns stack exports it (its `fence` output). */
    readonly coordinates: FenceCoordinates;
    /** When the coordinates were read from the deployed stack. */
    readonly coordinatesAt: string;
    /** The deployed weights (or, after a switch this machine ran, the weights it deployed). */
    readonly weights?: Weights;
    readonly posture?: string;
    /** When the weights were read or deployed. */
    readonly weightsAt?: string;
    /** Each region's fence as last seen (a hint for the operator: decisions read the fence's own store). */
    readonly fence?: Readonly<Partial<Record<RegionName, CachedFence>>>;
    /** Each region's endpoint as its regional stack exports it, so the emergency fence can read endpoint health without the engine. */
    readonly endpoints?: Readonly<Partial<Record<RegionName, RegionEndpoint>>>;
}

/** The file: one entry per dns stack name, so two services sharing a journal folder stay apart. */
interface FenceCacheFile {
    readonly version: 1;
    readonly stacks: Readonly<Record<string, FenceCacheEntry>>;
}

/** The cache's path for a journal folder. */
export function fenceCachePath(journalDir: string): string {
    return path.join(journalDir, fenceCacheFileName);
}

/** A cache entry read back, or why there is none. */
export type FenceCacheRead = { readonly entry: FenceCacheEntry; readonly problem?: undefined } | { readonly entry?: undefined; readonly problem?: string };

/**
 * Reads the entry of `dnsStack`. Never throws: a missing file is no entry, and an unreadable or
 * malformed one is no entry with a `problem` the caller can show (an emergency fence then falls
 * back to the stack file instead of stopping).
 */
export function readFenceCache(file: string, dnsStack: string): FenceCacheRead {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "ENOENT" ? {} : { problem: `${file} cannot be read: ${(err as Error).message}` };
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return { problem: `${file} is not JSON` };
    }
    const stacks = (parsed as Partial<FenceCacheFile> | null)?.stacks;
    if ((parsed as Partial<FenceCacheFile> | null)?.version !== 1 || typeof stacks !== "object" || stacks === null) {
        return { problem: `${file} is not a version-1 fence cache` };
    }
    const entry = (stacks as Record<string, unknown>)[dnsStack];
    if (entry === undefined) {
        return {};
    }
    const problem = entryProblem(entry);
    return problem === undefined ? { entry: entry as FenceCacheEntry } : { problem: `${file}, stack ${dnsStack}: ${problem}` };
}

/** What is wrong with a cache entry, or undefined when it can be used. */
export function entryProblem(value: unknown): string | undefined {
    const entry = value as Partial<FenceCacheEntry> | null;
    if (typeof entry !== "object" || entry === null) {
        return "the entry is not an object";
    }
    const c = entry.coordinates as Partial<FenceCoordinates> | undefined;
    if (c === undefined || typeof c.region !== "string" || typeof c.namespace !== "string" || typeof c.metricName !== "string") {
        return "coordinates need region, namespace and metricName";
    }
    for (const region of regionNames) {
        const dims = c.dimensions?.[region];
        if (typeof dims !== "object" || dims === null || Object.values(dims).some((v) => typeof v !== "string")) {
            return `coordinates.dimensions.${region} must map names to strings`;
        }
    }
    if (typeof entry.coordinatesAt !== "string" || !Number.isFinite(Date.parse(entry.coordinatesAt))) {
        return "coordinatesAt must be a time";
    }
    if (entry.weights !== undefined && (typeof entry.weights.primary !== "number" || typeof entry.weights.secondary !== "number")) {
        return "weights need numeric primary and secondary";
    }
    return undefined;
}

/** A change to one entry: the fields given replace the cached ones; `fence` is merged by region. */
export type FenceCacheUpdate = Partial<Omit<FenceCacheEntry, "fence">> & { readonly fence?: Readonly<Partial<Record<RegionName, CachedFence>>> };

/**
 * Updates the entry of `dnsStack` (creating the file and its folder as needed). An entry is only
 * created with coordinates: fence states without them would be useless. Written under a temporary
 * name, then renamed, so a fence reading the file never sees half of it.
 *
 * @throws the file system's error when the folder cannot be written (callers that only keep the
 *   cache warm catch it: a read-only journal folder must not fail `status`).
 */
export function updateFenceCache(file: string, dnsStack: string, update: FenceCacheUpdate): void {
    let stacks: Record<string, FenceCacheEntry> = {};
    try {
        const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<FenceCacheFile>;
        if (parsed.version === 1 && typeof parsed.stacks === "object" && parsed.stacks !== null) {
            stacks = { ...parsed.stacks };
        }
    } catch {
        // Missing or corrupt: start over; the next read of the dns stack fills it again.
    }
    const current = stacks[dnsStack] as FenceCacheEntry | undefined;
    const coordinates = update.coordinates ?? current?.coordinates;
    if (coordinates === undefined) {
        return;
    }
    const next: FenceCacheEntry = {
        ...current,
        ...update,
        coordinates,
        coordinatesAt: update.coordinatesAt ?? current?.coordinatesAt ?? new Date().toISOString(),
        ...(update.fence !== undefined || current?.fence !== undefined ? { fence: { ...current?.fence, ...update.fence } } : {}),
    };
    stacks[dnsStack] = next;
    makeFolder(path.dirname(file));
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ version: 1, stacks } satisfies FenceCacheFile, null, 2)}\n`);
    fs.renameSync(tmp, file);
}

/** The cache's age in words, e.g. "3 min old", for the operator deciding whether to trust it. */
export function ageOf(at: string, now: Date): string {
    const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 1000));
    if (seconds < 120) {
        return `${seconds} s old`;
    }
    if (seconds < 2 * 3600) {
        return `${Math.round(seconds / 60)} min old`;
    }
    if (seconds < 2 * 86400) {
        return `${Math.round(seconds / 3600)} h old`;
    }
    return `${Math.round(seconds / 86400)} days old`;
}

/**
 * The update after the driver read the deployed stacks: the dns stack's fence coordinates and
 * weights, the regional endpoints, and (from `status`) the fence states CloudWatch reported.
 * Undefined without coordinates (a dns stack not deployed yet). An `unknown` fence is not cached:
 * it would erase what is known.
 */
export function fenceCacheFromStatus(
    coordinates: FenceCoordinates | undefined,
    dns: { readonly posture?: Posture; readonly weights?: Weights } | undefined,
    now: Date,
    fence?: Readonly<Record<RegionName, FenceReading>>,
    endpoints?: Readonly<Partial<Record<RegionName, RegionEndpoint>>>,
): FenceCacheUpdate | undefined {
    if (coordinates === undefined) {
        return undefined;
    }
    const at = now.toISOString();
    const seen: Partial<Record<RegionName, CachedFence>> = {};
    for (const region of regionNames) {
        const state = fence?.[region];
        if (state === "fenced" || state === "unfenced") {
            seen[region] = { state, at, source: "read" };
        }
    }
    return {
        coordinates,
        coordinatesAt: at,
        ...(dns?.weights !== undefined ? { weights: dns.weights, weightsAt: at, ...(dns.posture !== undefined ? { posture: dns.posture } : {}) } : {}),
        ...(Object.keys(seen).length > 0 ? { fence: seen } : {}),
        ...(endpoints !== undefined && Object.keys(endpoints).length > 0 ? { endpoints } : {}),
    };
}

/**
 * The update after a switch: the weights it deployed when its DNS step is in place (an active-active
 * switch without explicit weights used the stack's configured ones, unknown here, so the cached
 * weights are dropped rather than left wrong), and the regions it fenced.
 */
export function fenceCacheAfterSwitch(result: SetPostureResult, activeActiveWeights: Weights | undefined, now: Date): FenceCacheUpdate {
    if (result.status === "unchanged") {
        return {};
    }
    const at = now.toISOString();
    const dnsStep = result.steps.find((s) => s.stack === "dns");
    const dnsInPlace = dnsStep !== undefined && (dnsStep.status === "done" || dnsStep.status === "skipped");
    const fence: Partial<Record<RegionName, CachedFence>> = {};
    for (const region of result.fenced) {
        fence[region] = { state: "fenced", at, source: "published" };
    }
    const weights = !dnsInPlace ? undefined : result.to !== "active-active" || activeActiveWeights !== undefined ? postureSpec(result.to, activeActiveWeights).weights : undefined;
    return {
        ...(dnsInPlace ? { weights, posture: result.to, weightsAt: at } : {}),
        ...(result.fenced.length > 0 ? { fence } : {}),
    };
}
