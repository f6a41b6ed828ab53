import * as fs from "node:fs";

/**
 * Fault injection. A test (or the drill) makes a region or a resource type misbehave by setting
 * SANDBOX_FAULTS (JSON) in the provider's environment, or by writing the same JSON to the file
 * named by SANDBOX_FAULT_FILE — the file is read again on every operation, so a region can fail
 * or recover in the middle of an update:
 *
 *     { "regions": { "us-east-1": "fail" }, "types": { "aws:lb/loadBalancer:LoadBalancer": "hang" } }
 *
 * "fail" makes the operation fail at once; "hang" makes it wait — as a call to an unreachable
 * endpoint does — until the fault is lifted or SANDBOX_HANG_SECONDS pass, then fail.
 */

/** What an injected fault does to an operation. */
export type FaultMode = "fail" | "hang";

/** The faults in force. */
export interface FaultSpec {
    /** Per region. */
    readonly regions: Readonly<Record<string, FaultMode>>;
    /** Per type token. */
    readonly types: Readonly<Record<string, FaultMode>>;
}

/** A fault that applies to one operation, and what it applies to (`region us-east-1`, `type aws:...`). */
export interface ActiveFault {
    readonly mode: FaultMode;
    readonly subject: string;
}

/** The sandbox's knobs, read from the provider's environment. */
export interface FaultSettings {
    /** Inline faults (SANDBOX_FAULTS). */
    readonly inline?: string;
    /** Control file (SANDBOX_FAULT_FILE). */
    readonly file?: string;
    /** Longest hang, in seconds (SANDBOX_HANG_SECONDS). */
    readonly hangSeconds: number;
    /** Delay before every operation that reaches AWS, in milliseconds (SANDBOX_DELAY_MS). */
    readonly delayMs: number;
}

const modes: readonly string[] = ["fail", "hang"];

/** No faults. */
export const noFaults: FaultSpec = { regions: {}, types: {} };

function parseTable(value: unknown, key: "regions" | "types", source: string): Record<string, FaultMode> {
    if (value === undefined) {
        return {};
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new Error(`sandbox: ${source}: "${key}" must be an object of ${key === "regions" ? "region" : "type"} → "fail" | "hang"`);
    }
    for (const [name, mode] of Object.entries(value)) {
        if (typeof mode !== "string" || !modes.includes(mode)) {
            throw new Error(`sandbox: ${source}: ${key}.${name} must be "fail" or "hang" (got ${JSON.stringify(mode)})`);
        }
    }
    return value as Record<string, FaultMode>;
}

/** Parses fault JSON; `source` names where it came from in error messages. Empty text means no faults. */
export function parseFaults(text: string, source: string): FaultSpec {
    if (text.trim() === "") {
        return noFaults;
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new Error(`sandbox: ${source} is not valid JSON (${(e as Error).message})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new Error(`sandbox: ${source} must be a JSON object like {"regions":{"us-east-1":"fail"}}`);
    }
    const known = new Set(["regions", "types"]);
    const unknown = Object.keys(parsed).filter((k) => !known.has(k));
    if (unknown.length > 0) {
        throw new Error(`sandbox: ${source}: unknown key "${unknown[0]}" (valid: regions, types)`);
    }
    const obj = parsed as Record<string, unknown>;
    return { regions: parseTable(obj.regions, "regions", source), types: parseTable(obj.types, "types", source) };
}

/**
 * Sets the faults of a running sandbox by (re)writing its control file — atomically (a temporary
 * file, then a rename), so a provider reading it at that moment never sees half a file. An empty
 * spec lifts every fault. For tests and the drill.
 */
export function writeFaultFile(file: string, spec: Partial<FaultSpec>): void {
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify({ regions: spec.regions ?? {}, types: spec.types ?? {} }));
    fs.renameSync(temp, file);
}

/** Reads the knobs from an environment, validating the numbers. */
export function faultSettings(env: NodeJS.ProcessEnv): FaultSettings {
    const number = (name: string, fallback: number): number => {
        const raw = env[name];
        if (raw === undefined || raw === "") {
            return fallback;
        }
        const value = Number(raw);
        if (!Number.isFinite(value) || value < 0) {
            throw new Error(`sandbox: ${name} must be a non-negative number (got "${raw}")`);
        }
        return value;
    };
    return {
        inline: env.SANDBOX_FAULTS,
        file: env.SANDBOX_FAULT_FILE,
        hangSeconds: number("SANDBOX_HANG_SECONDS", 300),
        delayMs: number("SANDBOX_DELAY_MS", 0),
    };
}

/** The faults in force now: the inline ones overlaid by the control file's (a missing file means none). */
export function currentFaults(settings: FaultSettings): FaultSpec {
    const inline = settings.inline !== undefined ? parseFaults(settings.inline, "SANDBOX_FAULTS") : noFaults;
    if (settings.file === undefined || settings.file === "") {
        return inline;
    }
    let text: string;
    try {
        text = fs.readFileSync(settings.file, "utf8");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") {
            return inline;
        }
        throw new Error(`sandbox: cannot read SANDBOX_FAULT_FILE ${settings.file} (${(e as Error).message})`);
    }
    const fromFile = parseFaults(text, `SANDBOX_FAULT_FILE ${settings.file}`);
    return { regions: { ...inline.regions, ...fromFile.regions }, types: { ...inline.types, ...fromFile.types } };
}

/** The fault that applies to an operation on `type` in `region`, if any; a region fault wins over a type fault. */
export function faultFor(spec: FaultSpec, region: string, type: string): ActiveFault | undefined {
    const byRegion = spec.regions[region];
    if (byRegion !== undefined) {
        return { mode: byRegion, subject: `region ${region}` };
    }
    const byType = spec.types[type];
    return byType !== undefined ? { mode: byType, subject: `type ${type}` } : undefined;
}

/** The error of a failed operation, naming what is faulted. */
export function faultError(fault: ActiveFault, hangSeconds?: number): Error {
    const what = fault.subject.startsWith("region ") ? `${fault.subject} is unreachable` : `${fault.subject} is failing`;
    return hangSeconds === undefined
        ? new Error(`sandbox: ${what} (fault injected)`)
        : new Error(`sandbox: ${what}: no answer within ${hangSeconds} s (fault injected: hang)`);
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
    });

/**
 * Applies the configured delay and any fault to one operation on `type` in `region`. Resolves when
 * the operation may proceed; rejects with a message naming the region or type when it must fail.
 * A hang re-reads the faults every `pollMs`, so lifting the fault lets the operation go on.
 */
export async function gate(settings: FaultSettings, region: string, type: string, signal?: AbortSignal, pollMs = 250): Promise<void> {
    if (settings.delayMs > 0) {
        await sleep(settings.delayMs, signal);
    }
    const first = faultFor(currentFaults(settings), region, type);
    if (first === undefined) {
        return;
    }
    if (first.mode === "fail") {
        throw faultError(first);
    }
    const deadline = Date.now() + settings.hangSeconds * 1000;
    for (;;) {
        if (signal?.aborted) {
            throw new Error(`sandbox: ${first.subject}: operation cancelled while hanging (fault injected: hang)`);
        }
        if (Date.now() >= deadline) {
            throw faultError(first, settings.hangSeconds);
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), signal);
        const now = faultFor(currentFaults(settings), region, type);
        if (now === undefined) {
            return;
        }
        if (now.mode === "fail") {
            throw faultError(now);
        }
    }
}
