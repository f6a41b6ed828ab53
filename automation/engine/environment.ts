import * as fs from "node:fs";
import * as path from "node:path";
import { resolveEngineDir, resolveProjectDir } from "./locations";
import { makeFolder } from "../../foundation/folders";

/** The Pulumi project every stack of this repository belongs to. */
export const projectName = "sftp-failover";

/**
 * Provider plugins that stand in for the cloud's (the sandbox's, built in sandbox/engine.ts): the
 * engine finds them before any installed plugin, and they get the variables they need. The engine
 * environment knows nothing else about them, so product code never names the sandbox (issue 22).
 */
export interface ProviderStandIn {
    /** Folder of the plugin executables, put first on the engine's PATH. */
    readonly pluginDir: string;
    /** The passphrase when neither the options nor PULUMI_CONFIG_PASSPHRASE give one: only for state that never holds a real secret. */
    readonly passphrase?: string;
    /** Variables for the engine and its plugins, given the state backend they run against. */
    envFor(backendUrl: string): Readonly<Record<string, string>>;
}

/** Where the engine runs: which backend, which passphrase, and which provider plugins stand in for AWS's. */
export interface EngineEnvironmentOptions {
    /** Folder holding Pulumi.yaml and the stack files. Defaults to `$SFTP_FAILOVER_PROJECT_DIR`, else the nearest folder at or above the current one holding Pulumi.yaml. */
    readonly projectDir?: string;
    /** Folder holding the engine (`bin/pulumi`). Defaults to `$PULUMI_CLI_CACHE`, else a checkout's `.pulumi-cli`, else `~/.cache/sftp-failover/pulumi-cli` (see locations.ts). */
    readonly engineDir?: string;
    /** State backend URL. Defaults to `file://<projectDir>/.pulumi-state`. */
    readonly backendUrl?: string;
    /** Provider plugins that stand in for AWS's (the sandbox's `sandboxStandIn`). Defaults to none: the installed AWS provider. */
    readonly standIn?: ProviderStandIn;
    /** Passphrase of the stacks' secrets. Defaults to PULUMI_CONFIG_PASSPHRASE, else the stand-in's. */
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
    readonly envVars: Record<string, string>;
    /** True when provider plugins stand in for AWS's: nothing the stacks deploy publishes to AWS (no metric to read there). */
    readonly standsIn?: boolean;
}

/** The state backend a project folder uses unless told otherwise: a file backend inside it. */
export function defaultBackendUrl(projectDir: string): string {
    return `file://${path.join(path.resolve(projectDir), ".pulumi-state")}`;
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
 * a local file backend, the update check is off, and plugins are never downloaded — with a stand-in
 * (the sandbox) the `aws` plugin it finds first is the stand-in's, on PATH.
 */
export function engineEnvironment(opts: EngineEnvironmentOptions = {}): EngineEnvironment {
    const projectDir = resolveProjectDir(opts.projectDir);
    const standIn = opts.standIn;
    const backendUrl = opts.backendUrl ?? defaultBackendUrl(projectDir);
    const pulumiHome = path.resolve(opts.pulumiHome ?? path.join(projectDir, ".pulumi-home"));
    const passphrase = opts.passphrase ?? process.env.PULUMI_CONFIG_PASSPHRASE ?? standIn?.passphrase;
    if (passphrase === undefined) {
        throw new Error("PULUMI_CONFIG_PASSPHRASE is not set (it protects the stacks' secrets; the sandbox uses a fixed one)");
    }
    if (backendUrl.startsWith("file://")) {
        ensureWritableFolder(backendUrl.slice("file://".length), "backend folder");
    }
    ensureWritableFolder(pulumiHome, "PULUMI_HOME");
    const cliRoot = resolveEngineDir(opts.engineDir);
    const pathEntries = [path.join(cliRoot, "bin"), ...(standIn !== undefined ? [standIn.pluginDir] : []), process.env.PATH ?? ""];
    const envVars: Record<string, string> = {
        PULUMI_BACKEND_URL: backendUrl,
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        PULUMI_HOME: pulumiHome,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PATH: pathEntries.join(path.delimiter),
        ...standIn?.envFor(backendUrl),
        ...opts.extraEnv,
    };
    return { projectDir, backendUrl, pulumiHome, cliRoot, envVars, ...(standIn !== undefined ? { standsIn: true } : {}) };
}
