import * as fs from "node:fs";
import * as path from "node:path";
import { resolveEngineDir, resolveProjectDir, sandboxBinDir } from "./locations";

export { sandboxBinDir } from "./locations";
import { makeFolder } from "./folders";

/** The Pulumi project every stack of this repository belongs to. */
export const projectName = "sftp-failover";

/** The fixed passphrase of sandbox state. It protects nothing real: sandbox state never holds a real secret. */
export const sandboxPassphrase = "sandbox-passphrase-not-for-real-stacks";

/** Where the engine runs: which backend, which passphrase, and whether AWS is the sandbox. */
export interface EngineEnvironmentOptions {
    /** Folder holding Pulumi.yaml and the stack files. Defaults to `$SFTP_FAILOVER_PROJECT_DIR`, else the nearest folder at or above the current one holding Pulumi.yaml. */
    readonly projectDir?: string;
    /** Folder holding the engine (`bin/pulumi`). Defaults to `$PULUMI_CLI_CACHE`, else a checkout's `.pulumi-cli`, else `~/.cache/sftp-failover/pulumi-cli` (see locations.ts). */
    readonly engineDir?: string;
    /** State backend URL. Defaults to `file://<projectDir>/.pulumi-state`. */
    readonly backendUrl?: string;
    /** Run against the sandbox provider instead of AWS. Defaults to false. */
    readonly sandbox?: boolean;
    /** Passphrase of the stacks' secrets. Defaults to PULUMI_CONFIG_PASSPHRASE, or the sandbox's fixed one in the sandbox. */
    readonly passphrase?: string;
    /** PULUMI_HOME for the engine. Defaults to `<projectDir>/.pulumi-home`. */
    readonly pulumiHome?: string;
    /** Extra variables for the engine and its plugins (e.g. the sandbox's fault injection). Defaults to none. */
    readonly extraEnv?: Readonly<Record<string, string>>;
}

/** The resolved engine settings, ready for LocalWorkspace. */
export interface EngineEnvironment {
    readonly projectDir: string;
    readonly backendUrl: string;
    readonly pulumiHome: string;
    readonly cliRoot: string;
    readonly sandbox: boolean;
    readonly envVars: Record<string, string>;
}

/** The state backend a project folder uses unless told otherwise: a file backend inside it. */
export function defaultBackendUrl(projectDir: string): string {
    return `file://${path.join(path.resolve(projectDir), ".pulumi-state")}`;
}

/**
 * Where the sandbox keeps its shared world (what every stack's provider created, so one stack's
 * provider can refuse what AWS would refuse given another stack's resources): next to a file
 * backend's state, as the cloud that state describes. Undefined for other backends (then the
 * sandbox has no shared world unless SANDBOX_WORLD_DIR is given).
 */
export function sandboxWorldDir(backendUrl: string): string | undefined {
    return backendUrl.startsWith("file://") ? path.join(backendUrl.slice("file://".length), ".sandbox-world") : undefined;
}

/** Folder `scripts/ensure-pulumi` fills with the CLI (`<root>/bin/pulumi`), by the rule of `resolveEngineDir`. */
export function cliRootDir(): string {
    return resolveEngineDir();
}

/**
 * Creates a folder if needed and proves it can be written by writing a file there: permission bits
 * alone say nothing for root, and a read-only mount or a path through a file fails only on write.
 * Throws a one-line error naming the folder — before the engine starts, so nothing is deployed.
 */
export function ensureWritableFolder(dir: string, label: string): void {
    const probe = path.join(dir, `.write-check-${process.pid}`);
    try {
        // Not fs.mkdirSync's recursive mode: it spins forever on /proc (see folders.ts).
        makeFolder(dir);
        fs.writeFileSync(probe, "");
        fs.rmSync(probe);
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new Error(`${label} ${dir} cannot be written (${code})`);
    }
}

/**
 * Resolves the engine environment. The engine never talks to a cloud service of Pulumi's: state is
 * a local file backend, the update check is off, and plugins are never downloaded — in the sandbox
 * the only `aws` plugin it can find is ours, on PATH.
 */
export function engineEnvironment(opts: EngineEnvironmentOptions = {}): EngineEnvironment {
    const projectDir = resolveProjectDir(opts.projectDir);
    const sandbox = opts.sandbox ?? false;
    const backendUrl = opts.backendUrl ?? defaultBackendUrl(projectDir);
    const pulumiHome = path.resolve(opts.pulumiHome ?? path.join(projectDir, ".pulumi-home"));
    const passphrase = opts.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE ?? (sandbox ? sandboxPassphrase : undefined);
    if (passphrase === undefined) {
        throw new Error("PULUMI_CONFIG_PASSPHRASE is not set (it protects the stacks' secrets; the sandbox uses a fixed one)");
    }
    if (backendUrl.startsWith("file://")) {
        ensureWritableFolder(backendUrl.slice("file://".length), "backend folder");
    }
    ensureWritableFolder(pulumiHome, "PULUMI_HOME");
    const cliRoot = resolveEngineDir(opts.engineDir);
    const pathEntries = [path.join(cliRoot, "bin"), ...(sandbox ? [sandboxBinDir()] : []), process.env.PATH ?? ""];
    const worldDir = sandbox ? sandboxWorldDir(backendUrl) : undefined;
    const envVars: Record<string, string> = {
        PULUMI_BACKEND_URL: backendUrl,
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        PULUMI_HOME: pulumiHome,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PATH: sandbox ? pathEntries.join(path.delimiter) : [path.join(cliRoot, "bin"), process.env.PATH ?? ""].join(path.delimiter),
        ...(sandbox ? { SFTP_FAILOVER_SANDBOX: "1" } : {}),
        ...(worldDir !== undefined ? { SANDBOX_WORLD_DIR: worldDir } : {}),
        ...opts.extraEnv,
    };
    return { projectDir, backendUrl, pulumiHome, cliRoot, sandbox, envVars };
}
