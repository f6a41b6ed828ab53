// The starter project `sftp-failover init` writes: Pulumi.yaml, the three stack files, users.yaml
// and a .gitignore. The templates are this package's own project files — the ones the repository's
// stacks, the drill and the tests deploy — shipped in the tarball (package.json "files"), so a
// starter can never drift from what is tested. Two things are changed on the way: Pulumi.yaml's
// `main` names the installed, compiled program; and whatever is secret in a stack file (host keys,
// the canary's key, the passphrase salt) is left out, because those belong to one deployment and
// `sftp-failover hostkeys …` makes new ones.
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { BadInputError } from "./driver/errors";
import { makeFolder } from "../foundation/folders";
import { packageName, packageRoot } from "./engine/locations";

/** The stack files of the project, in the order they are deployed. */
export const starterStackFiles = ["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.dns.yaml"] as const;

/** Every file `init` writes, in the order it writes them. */
export const starterFileNames = ["Pulumi.yaml", ...starterStackFiles, "users.yaml", ".gitignore"] as const;

/** Where an installed package's stack program is, relative to the project folder that installed it. */
export const installedProgram = `node_modules/${packageName}/dist/stacks/main.js`;

/**
 * What a project folder keeps out of git: state, engine home, the driver's journal, the lab, and
 * installed packages. (npm never packs a .gitignore, so this one lives here rather than as a file.)
 */
const gitignore = ["# Written by `sftp-failover init`: local state and generated folders stay out of git.", "node_modules/", ".pulumi-state/", ".pulumi-home/", ".failover/", ".sandbox/", ""].join("\n");

/** Top-level keys of a stack file that belong to one deployment's secrets provider. */
const secretsProviderKeys = ["encryptionsalt", "encryptedkey", "secretsprovider"];

/** A file of the starter project: its name and text. */
export interface StarterFile {
    readonly name: (typeof starterFileNames)[number];
    readonly text: string;
}

/** What `init` did. */
export interface StarterProjectResult {
    /** The project folder, absolute. */
    readonly dir: string;
    /** The files written, in order. */
    readonly written: readonly string[];
    /** Whether the folder has the package installed, which Pulumi.yaml's `main` points into. */
    readonly packageInstalled: boolean;
}

/** A refusal of `init`: nothing was written. */
export class StarterProjectError extends BadInputError {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "StarterProjectError";
    }
}

function holdsSecret(node: unknown): boolean {
    if (YAML.isMap(node)) {
        return node.items.some((pair) => (YAML.isScalar(pair.key) && pair.key.value === "secure") || holdsSecret(pair.value));
    }
    if (YAML.isSeq(node)) {
        return node.items.some(holdsSecret);
    }
    return false;
}

/** A stack file without its secrets (config values with `secure:` anywhere) and its secrets provider's keys. */
export function withoutSecrets(text: string): string {
    const doc = YAML.parseDocument(text);
    for (const key of secretsProviderKeys) {
        doc.delete(key);
    }
    const config = doc.get("config", true);
    if (YAML.isMap(config)) {
        config.items = config.items.filter((pair) => !holdsSecret(pair.value));
    }
    return doc.toString({ lineWidth: 0 });
}

/** Pulumi.yaml for a project that installed the package: its compiled program, no TypeScript options. */
export function installedProjectFile(text: string): string {
    const doc = YAML.parseDocument(text);
    doc.set("main", installedProgram);
    doc.deleteIn(["runtime", "options"]);
    return doc.toString({ lineWidth: 0 });
}

/** The starter project's files, made from the package's own project files in `from` (default: the package root). */
export function starterFiles(from: string = packageRoot()): StarterFile[] {
    const read = (name: string) => fs.readFileSync(path.join(from, name), "utf8");
    return [
        { name: "Pulumi.yaml", text: installedProjectFile(read("Pulumi.yaml")) },
        ...starterStackFiles.map((name) => ({ name, text: withoutSecrets(read(name)) })),
        { name: "users.yaml", text: read("users.yaml") },
        { name: ".gitignore", text: gitignore },
    ];
}

/**
 * Writes the starter project into `dir` (created when missing). Checks everything first and writes
 * nothing when it refuses.
 *
 * @throws StarterProjectError when `dir` is not a folder, cannot be written, or already holds one of
 *   the files (unless `force`), naming the path.
 */
export function writeStarterProject(dir: string, opts: { force?: boolean; from?: string } = {}): StarterProjectResult {
    const target = path.resolve(dir);
    if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) {
        throw new StarterProjectError(`${target} is not a folder`);
    }
    if (opts.force !== true) {
        const present = starterFileNames.map((name) => path.join(target, name)).find((file) => fs.existsSync(file) || isLink(file));
        if (present !== undefined) {
            throw new StarterProjectError(`${present} already exists (pass --force to overwrite the starter files)`);
        }
    }
    const files = starterFiles(opts.from);
    try {
        makeFolder(target);
    } catch (err) {
        throw new StarterProjectError(`${target} cannot be created (${codeOf(err)})`, { cause: err });
    }
    const written: string[] = [];
    const created: string[] = [];
    for (const file of files) {
        const where = path.join(target, file.name);
        const existed = fs.existsSync(where);
        try {
            // Without --force, `wx` refuses a file that appeared since the check above.
            fs.writeFileSync(where, file.text, { flag: opts.force === true ? "w" : "wx" });
        } catch (err) {
            // What this run created goes again, so a refusal leaves nothing behind.
            for (const done of created) {
                fs.rmSync(done, { force: true });
            }
            throw new StarterProjectError(`${where} cannot be written (${codeOf(err)})`, { cause: err });
        }
        written.push(file.name);
        if (!existed) {
            created.push(where);
        }
    }
    return { dir: target, written, packageInstalled: fs.existsSync(path.join(target, "node_modules", packageName, "package.json")) };
}

function isLink(file: string): boolean {
    try {
        return fs.lstatSync(file).isSymbolicLink();
    } catch {
        return false;
    }
}

function codeOf(err: unknown): string {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
