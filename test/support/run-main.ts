import type { CliBackendChoice } from "../../automation/cli/backends";
import { executableBackends } from "../../automation/cli/bin";
import { runCli } from "../../automation/cli/main";

/** What one in-process CLI run printed, and its exit code. */
export interface CliRun {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Runs the CLI in this process, with the backends the executable offers unless told (so
 * `--sandbox` works), capturing its output and exit code: a refusal that needs no engine costs a
 * fraction of a second instead of a process start.
 */
export async function runMain(args: readonly string[], backends: CliBackendChoice = executableBackends): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    const stdoutWrite = process.stdout.write.bind(process.stdout);
    const stderrWrite = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    process.exitCode = undefined;
    try {
        await runCli(args, backends);
    } finally {
        process.stdout.write = stdoutWrite;
        process.stderr.write = stderrWrite;
    }
    const status = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return { status, stdout: out.join(""), stderr: err.join("") };
}
