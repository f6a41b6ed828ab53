// A project of an operator's own, outside this repository, that installs the package from its
// tarball: what `npm install sftp-failover` gives a user, built and packed from this checkout.
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** Runs a command to completion; throws with its output when it fails. */
export function mustRun(command: string, args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): SpawnSyncReturns<string> {
    const r = spawnSync(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: "utf8", input: "", timeout: opts.timeoutMs ?? 300_000 });
    if (r.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
    }
    return r;
}

/** `npm pack` of this checkout (its prepack builds dist/) into `dir`; returns the tarball's path. */
export function packTarball(dir: string): string {
    const r = mustRun("npm", ["pack", "--json", "--pack-destination", dir], { cwd: repoRoot });
    // prepack's own output precedes the JSON report on stdout.
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf("[\n"))) as { filename: string }[];
    return path.join(dir, report[0].filename);
}

/**
 * The lockfile of a project whose one dependency is the tarball: the tarball's own dependencies
 * pinned to the versions this repository's lockfile holds (its development-only packages left
 * out), each with its integrity hash. With it, the install takes the same versions on every run,
 * from the npm cache that installing this checkout filled (`--prefer-offline`: the registry only
 * for what the cache lacks).
 */
function consumerLockfile(tarballSpec: string): unknown {
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, Record<string, unknown>> };
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as Record<string, unknown>;
    const packages: Record<string, unknown> = {
        "": { name: "consumer", version: "0.0.0", dependencies: { [String(manifest.name)]: tarballSpec } },
        [`node_modules/${String(manifest.name)}`]: {
            version: manifest.version,
            resolved: tarballSpec,
            license: manifest.license,
            dependencies: manifest.dependencies,
            bin: manifest.bin,
            engines: manifest.engines,
        },
    };
    for (const [key, entry] of Object.entries(lock.packages)) {
        if (key === "" || entry.dev === true) {
            continue;
        }
        const { devOptional, ...rest } = entry;
        packages[key] = devOptional === true ? { ...rest, optional: true } : rest;
    }
    return { name: "consumer", version: "0.0.0", lockfileVersion: 3, requires: true, packages };
}

/**
 * Installs the tarball into `dir`, an empty folder but for package.json and the lockfile: what
 * `npm install sftp-failover` gives a user, and nothing else — no Pulumi.yaml, no stack files.
 */
export function installConsumer(dir: string, tarball: string): void {
    fs.mkdirSync(dir, { recursive: true });
    const spec = `file:${path.relative(dir, tarball)}`;
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "0.0.0", private: true, dependencies: { "sftp-failover": spec } }, null, 2));
    fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(consumerLockfile(spec), null, 2));
    mustRun("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: dir });
}

/**
 * A fresh folder holding a copy of a pristine install (`installConsumer`'s folder): the same as
 * installing again, in a fraction of the time, with nothing any other test made.
 */
export function freshInstall(pristine: string, dir: string): string {
    mustRun("cp", ["-a", pristine, dir], { cwd: path.dirname(dir) });
    return dir;
}

/** How the package test treats a shell block, from the marker on the line before it. */
export type BlockRole =
    /** Run as it stands. */
    | { readonly kind: "run" }
    /** Not run offline; `reason` says why (`<!-- package-test: skip (reason) -->`). */
    | { readonly kind: "skip"; readonly reason: string }
    /** The sandbox's engine environment (`<!-- package-test: the sandbox environment -->`); also run where it stands. */
    | { readonly kind: "sandbox-environment" }
    /** Run after the sandbox environment (`<!-- package-test: in the sandbox environment -->`). */
    | { readonly kind: "in-sandbox-environment" };

/** A shell block of a document, where it is, and what the package test does with it. */
export interface ShellBlock {
    readonly doc: string;
    readonly line: number;
    readonly text: string;
    readonly role: BlockRole;
}

function roleOf(marker: string | undefined, where: string): BlockRole {
    if (marker === undefined) {
        return { kind: "run" };
    }
    const skip = /^skip \((.+)\)$/.exec(marker);
    if (skip !== null) {
        return { kind: "skip", reason: skip[1] };
    }
    if (marker === "the sandbox environment") {
        return { kind: "sandbox-environment" };
    }
    if (marker === "in the sandbox environment") {
        return { kind: "in-sandbox-environment" };
    }
    throw new Error(`${where}: unknown package-test marker "${marker}" (skip (<reason>), the sandbox environment, in the sandbox environment)`);
}

/**
 * Every shell block of a markdown document, in order, with its marker. Throws on a shell block in
 * another fence language (bash, shell, console): every command a user is told to run is a ```sh
 * block, so none escapes the test.
 */
export function shellBlocksOf(doc: string, markdown: string): ShellBlock[] {
    const other = /^```(bash|shell|console|zsh)\b/m.exec(markdown);
    if (other !== null) {
        throw new Error(`${doc}:${lineAt(markdown, other.index)}: a \`\`\`${other[1]} block; shell blocks are \`\`\`sh, so the package test runs them`);
    }
    return [...markdown.matchAll(/(?:^<!-- package-test: (.+?) -->\n)?^```sh\n([\s\S]*?)^```$/gm)].map((m) => {
        const line = lineAt(markdown, m.index + (m[1] !== undefined ? m[0].indexOf("\n") + 1 : 0));
        return { doc, line, text: m[2], role: roleOf(m[1], `${doc}:${line}`) };
    });
}

function lineAt(text: string, index: number): number {
    return text.slice(0, index).split("\n").length;
}
