// What every handler shares: turning global flags into a FailoverController, printing progress
// on stderr, printing the result (JSON or text) on stdout, and setting the exit code.
//
// The driver and the engine are imported only inside the functions that need them: every verb
// module loads this one, and the emergency fence (automation/cli/fence-verb.ts) must start without
// loading Pulumi at all. What runs against AWS or the sandbox comes from the entry's backends
// (automation/cli/backends.ts); this module never names the sandbox's code.
import { describeDrain } from "../driver/drain";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { defaultBackendUrl } from "../engine/environment";
import { resolveProjectDir } from "../engine/locations";
import type { FailoverController } from "../driver/controller";
import type { PlannedStep, StackKey } from "../driver/planner";
import type { ProgressEvent } from "../driver/types";
import { parsePosture, Posture, RegionName, regionNames, validateWeights, Weights } from "../../foundation/posture";
import { parseEndpoint, sameEndpoint, SftpEndpoint } from "../driver/sftp-endpoint";
import { describePostDnsCheck } from "../driver/post-dns-check";
import { ArgsWithBackends, backendsOf, CliBackendContext } from "./backends";
import { exitCodeOf, exitCodes, oneLine, UsageError } from "./errors";
import { GlobalArgs } from "./options";
import type { NotifyOptions } from "../notify/notifier";
import { notifyEnvVar, NotifyTarget, parseNotifyTarget } from "../notify/target";
import { cliQuietMs, ProgressTerminal, ProgressView, progressView, seconds, silentProgress } from "./progress";

/** Writes to stdout (results) and stderr (progress, prose); replaceable in tests. */
export interface Io {
    out(text: string): void;
    err(text: string): void;
    readonly stdinIsTTY: boolean;
    ask(question: string): Promise<string>;
    /** Where progress goes raw (stderr), so a terminal gets a live line. Without it: plain lines through `err`. */
    readonly progress?: ProgressTerminal;
}

/** The process's own streams. */
export const processIo: Io = {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    // On a terminal a line may land while progress shows its live line (a signal's notice): it
    // erases the live line first rather than being glued to its end (the next redraw brings it back).
    err: (text) => process.stderr.write(`${process.stderr.isTTY === true ? "\r\x1b[2K" : ""}${text.endsWith("\n") ? text : `${text}\n`}`),
    stdinIsTTY: process.stdin.isTTY === true,
    progress: { isTTY: process.stderr.isTTY === true, write: (text) => process.stderr.write(text), columns: () => process.stderr.columns },
    async ask(question) {
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        // Ctrl-D (end of input) answers nothing, which declines — it must not hang or fail.
        const closed = new Promise<string>((resolve) => rl.once("close", () => resolve("")));
        try {
            return await Promise.race([rl.question(question), closed]);
        } finally {
            rl.close();
        }
    },
};

/** The project folder the flags select (`--stack-dir`, else as `resolveProjectDir` finds it). */
export function projectDirOf(argv: GlobalArgs): string {
    try {
        return resolveProjectDir(argv["stack-dir"]);
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
}

/** The folder of the journal, lock and audit log the flags select. */
export function journalDirOf(argv: GlobalArgs): string {
    return path.resolve(argv["journal-dir"] ?? path.join(projectDirOf(argv), ".failover"));
}

/** What the flags say about where a backend may act (automation/cli/backends.ts). */
export function backendContextOf(argv: GlobalArgs): CliBackendContext {
    return {
        cloudWatchEndpoint: argv["cloudwatch-endpoint"],
        journalDir: () => journalDirOf(argv),
        stateBackendUrl: () => argv.backend ?? defaultBackendUrl(projectDirOf(argv)),
    };
}

/** The `<region>` positional, or a UsageError naming it and the valid ones. */
export function regionArg(value: string | undefined): RegionName {
    const region = value ?? "";
    if (!(regionNames as readonly string[]).includes(region)) {
        throw new UsageError(`<region>: unknown region "${region}" (valid: ${regionNames.join(", ")})`);
    }
    return region as RegionName;
}

/** Parses `--sftp-endpoint region=[login@]host:port`, naming the flag and value on error. */
export function sftpEndpointsOf(argv: GlobalArgs): Partial<Record<RegionName, SftpEndpoint>> {
    const endpoints: Partial<Record<RegionName, SftpEndpoint>> = {};
    for (const value of argv["sftp-endpoint"] ?? []) {
        const m = /^([^=]*)=(?:([^@]+)@)?(.*)$/.exec(value);
        const region = m?.[1] ?? "";
        if (m === null || !(regionNames as readonly string[]).includes(region)) {
            throw new UsageError(`--sftp-endpoint must be region=[login@]host:port with region ${regionNames.join(" or ")} (got "${value}")`);
        }
        if (endpoints[region as RegionName] !== undefined) {
            throw new UsageError(`--sftp-endpoint names ${region} twice`);
        }
        try {
            endpoints[region as RegionName] = parseEndpoint(m[3], m[2]);
        } catch (err) {
            throw new UsageError(`--sftp-endpoint ${region}: ${(err as Error).message}`);
        }
    }
    if (endpoints.primary !== undefined && endpoints.secondary !== undefined && sameEndpoint(endpoints.primary, endpoints.secondary)) {
        throw new UsageError(`--sftp-endpoint gives primary and secondary the same server (${endpoints.primary.host}:${endpoints.primary.port}): verify could not tell the regions apart`);
    }
    return endpoints;
}

/** Builds the controller from the global flags, with the backends the entry offers for them. */
export async function controllerFrom(argv: ArgsWithBackends, signal?: AbortSignal, onProgress?: ProgressPrinter["onProgress"]): Promise<FailoverController> {
    const { FailoverController } = await import("../driver/controller");
    const backends = await backendsOf(argv);
    const ctx = backendContextOf(argv);
    return FailoverController.create({
        projectDir: argv["stack-dir"],
        backendUrl: argv.backend,
        standIn: await backends.standIn(),
        identity: argv.identity,
        ...(argv["journal-dir"] !== undefined ? { journalDir: argv["journal-dir"] } : {}),
        ...(argv.coordination !== undefined ? { coordination: argv.coordination } : {}),
        ...(argv.lease !== undefined ? { leaseMs: leaseMs(argv.lease) } : {}),
        stacks: { primary: argv["primary-stack"], secondary: argv["secondary-stack"], dns: argv["dns-stack"] },
        fence: await backends.fence(ctx),
        cloudWatch: { endpoint: argv["cloudwatch-endpoint"] },
        endpointHealth: await backends.endpointHealth(ctx),
        onDemandQuota: await backends.onDemandQuota(ctx),
        endpoints: sftpEndpointsOf(argv),
        ...(await backends.openSessions(ctx, sftpEndpointsOf(argv)).then((openSessions) => (openSessions !== undefined ? { openSessions } : {}))),
        replicationMetrics: await backends.replicationMetrics(ctx),
        resolveEndpointName: await backends.resolveEndpointName(),
        ...notifyOptionsOf(argv),
        ...(signal !== undefined ? { signal } : {}),
        ...(onProgress !== undefined ? { onProgress } : {}),
    });
}

/**
 * `--notify` (else `$SFTP_FAILOVER_NOTIFY`) as the SDK's option, SNS at `--cloudwatch-endpoint`
 * when given; a notification that fails is a warning on stderr (the target by its origin only).
 */
export function notifyOptionsOf(argv: GlobalArgs, io: Io = processIo): { notify?: NotifyOptions } {
    const given = argv.notify ?? process.env[notifyEnvVar];
    if (given === undefined || given === "") {
        return {};
    }
    const label = argv.notify !== undefined ? "--notify" : `$${notifyEnvVar}`;
    let target: NotifyTarget;
    try {
        target = parseNotifyTarget(given, label);
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
    // The sandbox connects nowhere but loopback: a topic needs an emulator, a webhook must be local.
    if (argv.sandbox && target.kind === "sns" && argv["cloudwatch-endpoint"] === undefined) {
        throw new UsageError(`${label}: an SNS topic is AWS; with --sandbox give --cloudwatch-endpoint (an emulator such as moto serves SNS too) or a webhook on 127.0.0.1`);
    }
    if (argv.sandbox && target.kind === "webhook" && !isLoopbackHost(target.url.hostname)) {
        throw new UsageError(`${label}: with --sandbox a webhook must be on this machine (127.0.0.1, ::1 or localhost; got ${target.url.origin})`);
    }
    return {
        notify: {
            target,
            ...(argv["cloudwatch-endpoint"] !== undefined ? { sns: { endpoint: argv["cloudwatch-endpoint"] } } : {}),
            onFailure: (f) => io.err(`warning: the notification of ${f.about} to ${f.target} failed (${f.error}); the change itself stands (audited as notify failed)`),
        },
    };
}

/** Whether a URL's host is this machine's loopback. */
function isLoopbackHost(hostname: string): boolean {
    return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Validates `--lease` and returns milliseconds. */
export function leaseMs(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new UsageError(`--lease must be a number of seconds > 0 (got ${String(seconds)})`);
    }
    return seconds * 1000;
}

/** Validates `--wait` and returns milliseconds. */
export function waitMs(argv: GlobalArgs): number {
    if (!Number.isFinite(argv.wait) || argv.wait < 0) {
        throw new UsageError(`--wait must be a number of seconds ≥ 0 (got ${String(argv.wait)})`);
    }
    return argv.wait * 1000;
}

/** Validates `--step-timeout` and returns milliseconds (undefined = the controller's default). */
export function stepTimeoutMs(value: number | undefined): number | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (!Number.isFinite(value) || value <= 0) {
        throw new UsageError(`--step-timeout must be a number of seconds > 0 (got ${String(value)})`);
    }
    return value * 1000;
}

/** Parses the posture positional, naming it on error. */
export function postureArg(value: string | undefined): Posture {
    try {
        return parsePosture(value ?? "");
    } catch (err) {
        throw new UsageError(`<posture>: ${(err as Error).message}`);
    }
}

/** Parses `--weights 70/30`. */
export function weightsArg(value: string | undefined, posture: Posture): Weights | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (posture !== "active-active") {
        throw new UsageError(`--weights applies only to active-active (got posture ${posture})`);
    }
    const match = /^\s*(-?\d+)\s*\/\s*(-?\d+)\s*$/.exec(value);
    if (match === null) {
        throw new UsageError(`--weights must be primary/secondary, e.g. 70/30 (got "${value}")`);
    }
    try {
        return validateWeights({ primary: Number(match[1]), secondary: Number(match[2]) }, "--weights");
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
}

/** Refuses a switch without --yes on a non-terminal, and asks on a terminal. Returns false if declined. */
export async function confirm(io: Io, yes: boolean, question: string): Promise<boolean> {
    if (yes) {
        return true;
    }
    if (!io.stdinIsTTY) {
        throw new UsageError("--yes is required when stdin is not a terminal (nothing was changed)");
    }
    const answer = await io.ask(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
}

/** The view progress goes to: none with --json, else the Io's terminal (plain lines through `err` when it has none). */
export function progressViewOf(io: Io, opts: { readonly json?: boolean; readonly quietMs?: number } = {}): ProgressView {
    if (opts.json === true) {
        return silentProgress;
    }
    return progressView(io.progress ?? plainTerminal(io), { now: Date.now, quietMs: opts.quietMs ?? cliQuietMs });
}

/** Plain lines through the Io's `err`. */
function plainTerminal(io: Io): ProgressTerminal {
    return { isTTY: false, write: (text) => io.err(text.replace(/\n$/, "")) };
}

/** What a step's line says it is doing: also the key that matches its end to its start on the live line. */
function stepTask(step: PlannedStep): string {
    return `step ${step.index}: ${step.description} (stack ${step.stack})`;
}

/** The handlers an operation reports through, and `close` to clear the live line before the result. */
export interface ProgressPrinter {
    onProgress: (e: ProgressEvent) => void;
    onEvent: (stack: StackKey, e: EngineEvent) => void;
    close: () => void;
    /** The view itself, for what a verb reports beyond the driver's events. */
    readonly view: ProgressView;
}

/** The progress task of a region's drain (a switch waits for its open sessions before a scale-down). */
function drainTask(region: string): string {
    return `wait for the open sessions in ${region} to end before its scale-down (drain)`;
}

/**
 * Progress printer: a line per step and per read with the elapsed time, a line per resource the
 * engine changes; on a terminal, a live line for what runs now (automation/cli/progress.ts).
 */
export function progressPrinter(io: Io, opts: { readonly json?: boolean; readonly quietMs?: number } = {}): ProgressPrinter {
    const view = progressViewOf(io, opts);
    // A fence, a resume, the predicted answer, a verification: decisions, not progress. With --json
    // they stay on stderr as plain lines (they are in the JSON result too), so a log still says why.
    const notices = opts.json === true ? progressView(plainTerminal(io)) : view;
    return {
        onProgress(e) {
            switch (e.type) {
                case "task-start":
                    view.begin(e.task);
                    break;
                case "task-end":
                    view.end(e.task, e.durationMs, `${e.task}: ${e.ok ? "" : "stopped after "}${seconds(e.durationMs)}`);
                    break;
                case "step-start":
                    view.begin(stepTask(e.step), { immediately: true });
                    break;
                case "step-end": {
                    const changes = Object.entries(e.result.changes ?? {})
                        .filter(([op]) => op !== "same" && op !== "read")
                        .map(([op, n]) => `${op} ${n}`)
                        .join(", ");
                    view.end(
                        stepTask(e.step),
                        e.result.durationMs,
                        `step ${e.step.index}: ${e.result.status} in ${seconds(e.result.durationMs)}${changes !== "" ? ` (${changes})` : ""}${e.result.error !== undefined ? ` — ${e.result.error}` : ""}`,
                    );
                    break;
                }
                case "fenced":
                    notices.line(`${e.ok ? "fenced" : "could not fence"} ${e.region}${e.error !== undefined ? `: ${e.error}` : ""}`);
                    break;
                case "resume":
                    notices.line(`resuming interrupted run ${e.runId}${e.firstUnfinishedStep !== undefined ? ` at ${e.firstUnfinishedStep}` : ""}`);
                    break;
                case "verified":
                    notices.line(e.result.ok ? `verified ${e.result.region} at ${e.result.endpoint ?? "?"}` : e.result.unverifiable === true ? `not verified: ${e.result.message ?? ""}` : `verification FAILED: ${e.result.message ?? ""}`);
                    break;
                case "checked-after-dns":
                    notices.line(describePostDnsCheck(e.result));
                    break;
                case "draining":
                    view.begin(drainTask(e.region), { immediately: true });
                    break;
                case "drained":
                    view.end(drainTask(e.outcome.region), e.outcome.waitedSeconds * 1000, describeDrain(e.outcome));
                    break;
                case "answer":
                    notices.line(`answer: ${e.prediction.summary}`);
                    break;
                case "waiting-for-lock":
                    notices.line(`waiting for the lock held by ${e.holder?.identity ?? "unknown"} (${e.holder?.operation ?? "?"})`);
                    break;
                default:
                    break;
            }
        },
        onEvent(stack, e) {
            const meta = e.resOutputsEvent?.metadata;
            // `read` is a StackReference being read: nothing changes.
            if (meta !== undefined && meta.op !== "same" && meta.op !== "read") {
                view.line(`  ${stack}: ${meta.op} ${meta.urn.split("::").pop() ?? meta.urn}`);
            }
        },
        close: () => view.close(),
        view,
    };
}

/** Runs `work` with a progress printer, clearing its live line however `work` ends. */
export async function withProgress<T>(io: Io, argv: Pick<GlobalArgs, "json">, work: (printer: ProgressPrinter) => Promise<T>): Promise<T> {
    const printer = progressPrinter(io, { json: argv.json });
    try {
        return await work(printer);
    } finally {
        printer.close();
    }
}

/**
 * Runs an operation with SIGINT (Ctrl-C) and SIGTERM (a CI job cancelled, `kill`) wired to its
 * AbortSignal: the first stops it gracefully — the engine cancels its update and releases its
 * backend lock, and the CLI exits 130 — and any further signal while it stops is ignored. Without
 * a handler for every one, Node's default would kill the CLI by the signal mid-cancel and leave the
 * engine's lock behind (a terminal's Ctrl-C reaches the engine too, which then signals again).
 */
export async function withInterrupts<T>(io: Io, stopping: string, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
        if (!abort.signal.aborted) {
            io.err(`${signal}: ${stopping}`);
            abort.abort();
        }
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
        return await body(abort.signal);
    } finally {
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
    }
}

/**
 * Runs a handler: prints its result (JSON on stdout with --json, else text), maps errors to
 * one line on stderr and an exit code. Never throws.
 */
export async function run<T>(
    argv: GlobalArgs,
    io: Io,
    body: () => Promise<T>,
    render: (result: T) => string,
    codeOf: (result: T) => number = () => exitCodes.ok,
): Promise<number> {
    try {
        const result = await body();
        io.out(argv.json ? JSON.stringify(result, null, 2) : render(result));
        return codeOf(result);
    } catch (err) {
        const line = oneLine(err);
        if (argv.json) {
            io.out(JSON.stringify({ error: { name: (err as Error).name ?? "Error", message: line } }, null, 2));
        }
        io.err(`error: ${line}`);
        return exitCodeOf(err);
    }
}
