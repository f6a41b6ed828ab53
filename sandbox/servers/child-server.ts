import { ChildProcess, spawn, SpawnOptions } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listensOn } from "./ports";

/**
 * A server process owned by a test: started in the foreground, its output kept (the tail only) for
 * error messages, and killed when the test process exits even if an after() hook never ran.
 */
export interface ChildServer {
    readonly child: ChildProcess;
    /** The last few kilobytes of stdout and stderr, for error messages. */
    output(): string;
    /** True once the process has exited. */
    exited(): boolean;
    /** SIGTERM, then SIGKILL if it is still running after `graceMs`. Resolves when it has exited. */
    stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
    if (exitHookInstalled) {
        return;
    }
    exitHookInstalled = true;
    // 'exit' handlers must be synchronous; kill() and rmSync are, and a server left behind would
    // hold its port and keep running after the suite.
    process.once("exit", () => {
        for (const child of live) {
            child.kill("SIGKILL");
        }
        for (const dir of tempDirs) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
}

/**
 * A temporary folder of a server (config, keys, zone), removed by `remove()` or, failing that,
 * when the test process exits.
 */
export function serverTempDir(prefix: string): { readonly path: string; remove(): void } {
    installExitHook();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tempDirs.add(dir);
    return {
        path: dir,
        remove() {
            fs.rmSync(dir, { recursive: true, force: true });
            tempDirs.delete(dir);
        },
    };
}

const outputLimit = 8192;

/** Starts `command` with `args` as a foreground child of the test process. */
export function startChild(command: string, args: readonly string[], options?: SpawnOptions): ChildServer {
    installExitHook();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    live.add(child);
    let tail = "";
    let hasExited = false;
    const keep = (chunk: Buffer) => {
        tail = (tail + chunk.toString("utf8")).slice(-outputLimit);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const exitedPromise = new Promise<void>((resolve) => {
        child.once("exit", () => {
            hasExited = true;
            live.delete(child);
            resolve();
        });
        child.once("error", (err) => {
            keep(Buffer.from(`\n${command}: ${err.message}\n`));
            hasExited = true;
            live.delete(child);
            resolve();
        });
    });
    return {
        child,
        output: () => tail,
        exited: () => hasExited,
        async stop(graceMs?: number) {
            if (hasExited) {
                return;
            }
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), graceMs ?? 3000);
            await exitedPromise;
            clearTimeout(timer);
        },
    };
}

/** Options of {@link waitUntil}. */
export interface WaitOptions {
    /** What is being waited for, for the error message. */
    readonly what: string;
    /** Give up after this long. Defaults to 20 000 ms. */
    readonly timeoutMs?: number;
    /** Pause between checks. Defaults to 100 ms. */
    readonly intervalMs?: number;
    /** The server whose early exit ends the wait (with its output in the error). */
    readonly server?: ChildServer;
}

/**
 * Polls `check` until it resolves true. Bounded by `timeoutMs`; stops early, with the server's
 * output in the message, if the server exits while being waited for.
 */
export async function waitUntil(check: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const intervalMs = opts.intervalMs ?? 100;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (opts.server?.exited()) {
            throw new Error(`${opts.what}: the server exited while starting: ${opts.server.output().trim()}`);
        }
        if (await check().catch(() => false)) {
            return;
        }
        if (Date.now() >= deadline) {
            const output = opts.server ? `: ${opts.server.output().trim()}` : "";
            throw new Error(`${opts.what}: not ready after ${timeoutMs} ms${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}

/** How many ports a server start tries before giving up. */
const startAttempts = 3;

/**
 * Starts a server on a port picked just before the start, and waits until `ready` resolves. A port
 * can be taken by another process between the pick and the bind, so a start that does not come up
 * is stopped and tried again on a new port, a bounded number of times. A start counts only when
 * the child itself listens on the port: another server answering there would be shared by mistake.
 */
export async function startOnFreePort<T>(
    pickPort: () => Promise<number>,
    start: (port: number) => ChildServer,
    ready: (port: number, server: ChildServer) => Promise<T>,
): Promise<T> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= startAttempts; attempt++) {
        const port = await pickPort();
        const server = start(port);
        try {
            // A probe on the port alone could be answered by another test's server that won the
            // port: first our own child must listen there (a failed bind makes it exit, and we try again).
            await waitUntil(async () => server.child.pid !== undefined && listensOn(server.child.pid, port), { what: `our server listening on port ${port}`, timeoutMs: 30_000, server });
            return await ready(port, server);
        } catch (err) {
            lastError = err;
            await server.stop();
        }
    }
    throw lastError;
}
