// Where the three things the driver needs are found: the Pulumi project (the operator's), the
// engine (the `pulumi` CLI and its language host) and the sandbox provider (this package's own).
//
// Nothing here is derived from the location of a compiled file: once compiled into dist/ or
// installed into node_modules, `__dirname` points into the package, never at the operator's
// project. The project comes from an option or the environment, the engine from an option, the
// environment or a per-user cache; only the package's own files are found relative to the package,
// through its package.json.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The npm name of this package (package.json `name`), used to find its own files. */
export const packageName = "sftp-failover";

/** Environment variable naming the project folder (Pulumi.yaml and the stack files). */
export const projectDirVariable = "SFTP_FAILOVER_PROJECT_DIR";

/** Environment variable naming the engine folder (the one holding `bin/pulumi`). */
export const engineDirVariable = "PULUMI_CLI_CACHE";

let ownRoot: string | undefined;

/**
 * The folder of this package's package.json: the repository root in a checkout, or
 * `node_modules/sftp-failover` once installed. Resolved by the package's own name (package.json
 * `exports` lets a package resolve itself), which works from TypeScript sources and compiled
 * JavaScript alike.
 */
export function packageRoot(): string {
    ownRoot ??= path.dirname(require.resolve(`${packageName}/package.json`));
    return ownRoot;
}

/** This package's version (package.json `version`). */
export function packageVersion(): string {
    const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { version?: unknown };
    return String(manifest.version);
}

/** The nearest folder at or above `from` that holds a Pulumi.yaml, or undefined when there is none. */
export function findProjectDir(from: string): string | undefined {
    let dir = path.resolve(from);
    for (;;) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            return undefined;
        }
        dir = parent;
    }
}

/**
 * The project folder: the option when given, else `$SFTP_FAILOVER_PROJECT_DIR`, else the nearest
 * folder at or above the current one that holds a Pulumi.yaml — the way `pulumi` itself finds its
 * project. Relative paths are taken from `cwd`.
 *
 * Throws a one-line error when nothing names a project and no Pulumi.yaml is found.
 */
export function resolveProjectDir(option?: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
    if (option !== undefined && option !== "") {
        return path.resolve(cwd, option);
    }
    const fromEnv = env[projectDirVariable];
    if (fromEnv !== undefined && fromEnv !== "") {
        return path.resolve(cwd, fromEnv);
    }
    const found = findProjectDir(cwd);
    if (found === undefined) {
        throw new Error(`no Pulumi.yaml in ${cwd} or any folder above it (name the project folder with --stack-dir, projectDir or ${projectDirVariable})`);
    }
    return found;
}

/**
 * The per-user engine cache: `$XDG_CACHE_HOME/sftp-failover/pulumi-cli`, or
 * `~/.cache/sftp-failover/pulumi-cli`. A relative XDG_CACHE_HOME is ignored, as the XDG base
 * directory specification requires.
 */
export function userEngineCache(env: NodeJS.ProcessEnv = process.env): string {
    const xdg = env.XDG_CACHE_HOME;
    const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
    return path.join(base, packageName, "pulumi-cli");
}

/** True for an existing path, and for a symbolic link whose target is still to be made. */
function present(p: string): boolean {
    try {
        fs.lstatSync(p);
        return true;
    } catch {
        return false;
    }
}

/**
 * The engine folder (`<dir>/bin/pulumi`, `<dir>/bin/pulumi-language-nodejs`): the option when
 * given, else `$PULUMI_CLI_CACHE`, else a checkout's own `.pulumi-cli` when present, else the
 * per-user cache. `scripts/ensure-pulumi` fills the same folder by the same rule.
 *
 * A checkout's own folder wins over the per-user cache because its engine is built for that
 * checkout's pinned @pulumi/pulumi; an installed package never has one (npm does not ship it).
 */
export function resolveEngineDir(option?: string, env: NodeJS.ProcessEnv = process.env, checkoutRoot: string = packageRoot()): string {
    if (option !== undefined && option !== "") {
        return path.resolve(option);
    }
    const fromEnv = env[engineDirVariable];
    if (fromEnv !== undefined && fromEnv !== "") {
        return path.resolve(fromEnv);
    }
    const checkout = path.join(checkoutRoot, ".pulumi-cli");
    return present(checkout) ? checkout : userEngineCache(env);
}

/** The command that fills the engine folder, for error messages. */
export function ensureEngineCommand(): string {
    return path.join(packageRoot(), "scripts", "ensure-pulumi");
}
