// Writing secret config without putting the secret on a command line. The Automation API's
// setConfig/setAllConfig pass each value as an argument of `pulumi config set`, and a process's
// arguments are readable by every local user (`ps`, /proc/<pid>/cmdline) while it runs. `pulumi
// config set` without a value reads it from standard input instead, which nobody else can see.
import { spawn } from "node:child_process";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { keepingTypes, stackFileOf } from "./typed-stack-file";

/** Raised when the engine refuses a secret; the message names the key and stack, never the value. */
export class SecretConfigError extends Error {
    constructor(key: string, stackName: string, detail: string) {
        super(`setting secret ${key} on stack ${stackName} failed: ${detail}`);
        this.name = "SecretConfigError";
    }
}

function runWithInput(command: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input: string }): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += String(d)));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stderr }));
        child.stdin.end(opts.input);
    });
}

/**
 * Sets each entry as a secret on the stack, one engine process per entry, the value on its stdin.
 * With `path`, keys are property paths (`ns:key.sub`), as in `setAllConfig(…, true)`.
 *
 * @throws SecretConfigError naming the first key the engine refused.
 */
export async function setSecretConfig(stack: Stack, entries: Readonly<Record<string, string>>, path = false): Promise<void> {
    const workspace = stack.workspace as LocalWorkspace;
    const env: NodeJS.ProcessEnv = { ...process.env, ...(workspace.pulumiHome !== undefined ? { PULUMI_HOME: workspace.pulumiHome } : {}), ...workspace.envVars };
    // The engine's rewrite quotes the file's other numbers and booleans; they get their types back.
    await keepingTypes(stackFileOf(workspace.workDir, stack.name), [], () => setEach(stack, workspace, env, entries, path));
}

async function setEach(stack: Stack, workspace: LocalWorkspace, env: NodeJS.ProcessEnv, entries: Readonly<Record<string, string>>, path: boolean): Promise<void> {
    for (const [key, value] of Object.entries(entries)) {
        const args = ["config", "set", "--secret", ...(path ? ["--path"] : []), key, "--stack", stack.name, "--non-interactive"];
        // The engine drops one trailing newline of what it reads, so one is added: the value stays exact.
        const { code, stderr } = await runWithInput(workspace.pulumiCommand.command, args, { cwd: workspace.workDir, env, input: `${value}\n` });
        if (code !== 0) {
            throw new SecretConfigError(key, stack.name, stderr.trim().split("\n").pop() ?? `exit ${code}`);
        }
    }
}
