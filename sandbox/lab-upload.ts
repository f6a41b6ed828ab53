// A real OpenSSH `sftp` client against a lab region, for what a planned switch does to a customer's
// sessions: one session held open from before the quiesce that uploads a large file while DNS moves
// and leaves when told (the drain must wait for it), and one-shot uploads that show what a client
// arriving later gets (refused by a quiesced region). Host keys are checked under the service name,
// as a customer's client checks them.
import { ChildProcess, execFile, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { SftpEndpoint } from "../automation/driver/verify";

const run = promisify(execFile);

/** Path of the OpenSSH client. */
export const sftpPath = "/usr/bin/sftp";

/** Who the client is, and what it trusts. */
export interface LabClient {
    /** The client's private key (the canary's, in the lab: its one account admits it). */
    readonly privateKey: string;
    /** The host public keys the client trusts under `hostAlias`. */
    readonly hostPublicKeys: readonly string[];
    /** The name the host keys are trusted under (the service name). */
    readonly hostAlias: string;
}

/** What one upload came to. */
export interface UploadOutcome {
    readonly ok: boolean;
    /** What the client printed on stderr (the refusal, when refused). */
    readonly stderr: string;
    /** When the client's session ended (ms since the epoch). */
    readonly endedAt: number;
}

/** An SFTP session held open, to which commands are fed while a switch runs. */
export interface HeldSession {
    /** Uploads `file` as `remoteName` at a rate limit already set when the session opened. */
    put(file: string, remoteName: string): void;
    /** Ends the session after the commands fed so far; resolves when the client has exited. */
    end(): Promise<UploadOutcome>;
}

/** A folder of client files (key, known hosts), removed by `remove()`. */
export class ClientFiles {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-sftp-client-"));
    readonly key = path.join(this.dir, "key");
    readonly knownHosts = path.join(this.dir, "known_hosts");

    constructor(readonly client: LabClient) {
        fs.writeFileSync(this.key, client.privateKey.endsWith("\n") ? client.privateKey : `${client.privateKey}\n`, { mode: 0o600 });
        fs.writeFileSync(this.knownHosts, client.hostPublicKeys.map((k) => `${client.hostAlias} ${k}\n`).join(""));
    }

    /** The client's arguments for `endpoint`, with a bandwidth limit in Kbit/s when given. */
    args(endpoint: SftpEndpoint, batch: string, limitKbits?: number): string[] {
        return [
            "-b", batch, "-P", String(endpoint.port), "-i", this.key,
            ...(limitKbits !== undefined ? ["-l", String(limitKbits)] : []),
            "-o", `HostKeyAlias=${this.client.hostAlias}`, "-o", `UserKnownHostsFile=${this.knownHosts}`, "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
            `${endpoint.login ?? "root"}@${endpoint.host}`,
        ];
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Writes a file of `bytes` pseudo-random bytes (incompressible, so the rate limit holds). */
export function writeLargeFile(file: string, bytes: number): void {
    const fd = fs.openSync(file, "w");
    try {
        // 64 KiB: the most getRandomValues fills in one call.
        const chunk = new Uint8Array(64 * 1024);
        for (let written = 0; written < bytes; written += chunk.length) {
            crypto.getRandomValues(chunk);
            fs.writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
        }
    } finally {
        fs.closeSync(fd);
    }
}

/** One `sftp -b` session that uploads `file` as `remoteName` and leaves. */
export async function uploadOnce(files: ClientFiles, endpoint: SftpEndpoint, file: string, remoteName: string): Promise<UploadOutcome> {
    const batch = path.join(files.dir, `batch-${remoteName}`);
    fs.writeFileSync(batch, `put ${file} ${remoteName}\n`);
    try {
        const { stderr } = await run(sftpPath, files.args(endpoint, batch), { timeout: 30_000 });
        return { ok: true, stderr: stderr.trim(), endedAt: Date.now() };
    } catch (err) {
        return { ok: false, stderr: String((err as { stderr?: string }).stderr ?? (err as Error).message).trim(), endedAt: Date.now() };
    }
}

/**
 * Opens an SFTP session (`sftp -b -`, commands from a pipe) and resolves once it is logged in. The
 * session stays open until `end()`; `timeoutMs` bounds its whole life (the client is killed then).
 */
export async function holdSession(files: ClientFiles, endpoint: SftpEndpoint, opts: { readonly limitKbits?: number; readonly timeoutMs: number }): Promise<HeldSession> {
    const child: ChildProcess = spawn(sftpPath, files.args(endpoint, "-", opts.limitKbits), { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const killer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    // A client that exited early makes a later command's write fail: that is its outcome, not a crash.
    child.stdin!.on("error", () => undefined);
    const exited = new Promise<UploadOutcome>((resolve) => {
        child.once("close", (code) => {
            clearTimeout(killer);
            resolve({ ok: code === 0, stderr: stderr.trim(), endedAt: Date.now() });
        });
        child.once("error", (err) => {
            clearTimeout(killer);
            resolve({ ok: false, stderr: err.message, endedAt: Date.now() });
        });
    });
    // Logged in once the first command has answered (a batch echoes `sftp> pwd`, then the folder).
    child.stdin!.write("pwd\n");
    const loggedIn = await Promise.race([
        new Promise<boolean>((resolve) => {
            const check = () => {
                if (stdout.includes("Remote working directory")) {
                    child.stdout!.off("data", check);
                    resolve(true);
                }
            };
            child.stdout!.on("data", check);
            check();
        }),
        exited.then(() => false),
    ]);
    if (!loggedIn) {
        const outcome = await exited;
        throw new Error(`sftp to ${endpoint.host}:${endpoint.port} did not log in: ${outcome.stderr || "no output"}`);
    }
    return {
        put(file, remoteName) {
            child.stdin!.write(`put ${file} ${remoteName}\n`);
        },
        end() {
            child.stdin!.end("bye\n");
            return exited;
        },
    };
}
