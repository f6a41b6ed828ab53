import { spawnSync } from "node:child_process";
import * as path from "node:path";

/** What one CLI process printed, and its exit code. */
export interface CliProcessRun {
    readonly status: number | null;
    /** The signal that ended the process (the `timeoutMs` safety net sends SIGTERM), or null. */
    readonly signal?: NodeJS.Signals | null;
    readonly stdout: string;
    readonly stderr: string;
}

const root = path.resolve(__dirname, "..", "..");

/** The argv that runs the package's executable from the checkout (ts-node, transpile only). */
export function cliCommand(args: readonly string[]): string[] {
    return [process.execPath, "-r", "ts-node/register/transpile-only", "-r", path.join(root, "scripts/unmapped-sdk-stacks.js"), path.join(root, "automation/cli/bin.ts"), ...args];
}

/**
 * Runs the CLI as its own process, from the checkout's root, with stdin a pipe (never a terminal,
 * so it is non-interactive) holding `input`. Bounded by `timeoutMs`.
 */
export function spawnCli(args: readonly string[], opts: { readonly env?: NodeJS.ProcessEnv; readonly input?: string; readonly timeoutMs?: number } = {}): CliProcessRun {
    const [node, ...rest] = cliCommand(args);
    const r = spawnSync(node, rest, { cwd: root, encoding: "utf8", input: opts.input ?? "", env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 300_000 });
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
