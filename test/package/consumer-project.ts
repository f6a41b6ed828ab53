// A project of an operator's own, outside this repository, that installs the package from its
// tarball: what `npm install sftp-failover` gives a user, built and packed from this checkout.
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

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
 * Creates the project in `dir`: package.json depending on the tarball, the repository's sandbox
 * Pulumi.yaml and stack files and users.yaml, with Pulumi.yaml's `main` pointing at the installed
 * stack program. Then installs it.
 */
export function createConsumerProject(dir: string, tarball: string): void {
    fs.mkdirSync(dir, { recursive: true });
    const spec = `file:${path.relative(dir, tarball)}`;
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "0.0.0", private: true, dependencies: { "sftp-failover": spec } }, null, 2));
    fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(consumerLockfile(spec), null, 2));
    const project = YAML.parseDocument(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8"));
    project.set("main", "node_modules/sftp-failover/dist/stacks/main.js");
    // The installed program is JavaScript: no TypeScript options.
    project.deleteIn(["runtime", "options"]);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project.toString());
    for (const file of ["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.dns.yaml", "users.yaml"]) {
        fs.copyFileSync(path.join(repoRoot, file), path.join(dir, file));
    }
    mustRun("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: dir });
}

/**
 * The ```sh blocks of a markdown section: from its heading to the next heading of the same or a
 * higher level. Throws when the section or its blocks are missing, so a renamed heading fails the test.
 */
export function shellBlocks(markdown: string, heading: string): string[] {
    const start = markdown.indexOf(`\n${heading}\n`);
    if (start < 0) {
        throw new Error(`no section "${heading}"`);
    }
    const level = heading.indexOf(" ");
    const rest = markdown.slice(start + heading.length + 2);
    const next = rest.search(new RegExp(`^#{1,${level}} `, "m"));
    const section = next < 0 ? rest : rest.slice(0, next);
    const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    if (blocks.length === 0) {
        throw new Error(`section "${heading}" has no sh block`);
    }
    return blocks;
}
