// Creating and checking folders without ever spinning.
//
// Node's own `fs.mkdirSync(dir, { recursive: true })` loops forever, at 100 % CPU, when mkdir(2)
// answers ENOENT for a path whose parent exists — which is what /proc and other pseudo
// filesystems answer (`--journal-dir /proc/x`, `--backend file:///proc/x`): it takes ENOENT to
// mean "create the parent first", the parent exists, and it tries the child again. So folders are
// created here one level at a time, and any error of the last level is final.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The closest folder on the way up from `target` that exists (the target itself if it does). */
export function nearestExisting(target: string): string {
    let dir = path.resolve(target);
    for (;;) {
        if (fs.existsSync(dir)) {
            return dir;
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            return dir;
        }
        dir = parent;
    }
}

/**
 * Creates a folder and its missing parents, one mkdir(2) each (`mode` for each folder it creates).
 * Throws the first error (ENOENT, EACCES, ENOTDIR …). The one way this project makes folders:
 * eslint.config.mjs refuses `mkdirSync` anywhere else.
 */
export function makeFolder(dir: string, opts: { readonly mode?: number } = {}): void {
    const target = path.resolve(dir);
    const missing: string[] = [];
    for (let d = target; !fs.existsSync(d); d = path.dirname(d)) {
        missing.unshift(d);
        if (path.dirname(d) === d) {
            break;
        }
    }
    for (const d of missing) {
        try {
            fs.mkdirSync(d, opts.mode);
        } catch (err) {
            // Another process may have created it in the meantime; anything else is final.
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
                throw err;
            }
        }
    }
    if (!fs.statSync(target).isDirectory()) {
        const err = new Error(`ENOTDIR: not a directory, ${target}`) as NodeJS.ErrnoException;
        err.code = "ENOTDIR";
        throw err;
    }
}

function errorCode(err: unknown): string {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/**
 * Why a folder could not be created and written, or undefined when it can — checked WITHOUT
 * creating it: the closest existing ancestor must be a folder a new file can be created in
 * (permission bits say nothing for root, and a read-only mount or /proc fail only on write).
 * The probe file is created with O_EXCL and removed at once.
 */
export function folderProblem(dir: string): string | undefined {
    const existing = nearestExisting(dir);
    try {
        if (!fs.statSync(existing).isDirectory()) {
            return `${existing} is not a folder`;
        }
    } catch (err) {
        return errorCode(err);
    }
    const probe = path.join(existing, `.write-check-${process.pid}-${crypto.randomBytes(3).toString("hex")}`);
    try {
        fs.closeSync(fs.openSync(probe, "wx"));
        fs.rmSync(probe, { force: true });
    } catch (err) {
        return errorCode(err);
    }
    return undefined;
}

/**
 * Why a file could not be appended to, or undefined when it can. An existing file is opened for
 * writing without changing it; a missing one needs a writable folder (see `folderProblem`).
 */
export function fileProblem(file: string): string | undefined {
    let stat: fs.Stats | undefined;
    try {
        stat = fs.statSync(file);
    } catch (err) {
        if (errorCode(err) !== "ENOENT") {
            return errorCode(err);
        }
    }
    if (stat === undefined) {
        return folderProblem(path.dirname(file));
    }
    if (!stat.isFile()) {
        return "not a regular file";
    }
    try {
        fs.closeSync(fs.openSync(file, "r+"));
    } catch (err) {
        return errorCode(err);
    }
    return undefined;
}
