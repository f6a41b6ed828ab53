import { createHash, randomBytes } from "node:crypto";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Client, SFTPWrapper } from "ssh2";

/** Where an SFTP probe was when it stopped. */
export type SftpProbeStage = "connect" | "host-key" | "authenticate" | "open-sftp" | "write" | "read" | "list" | "delete";

/** Milliseconds spent in each step of a probe, and in total. */
export interface SftpProbeTimings {
    /** TCP connect and key exchange, host key verified. */
    readonly handshakeMs?: number;
    /** Public-key authentication. */
    readonly authenticateMs?: number;
    /** Opening the SFTP subsystem. */
    readonly openSftpMs?: number;
    readonly writeMs?: number;
    readonly readMs?: number;
    readonly listMs?: number;
    readonly deleteMs?: number;
    readonly totalMs: number;
}

/** A probe that wrote, read back, listed and deleted its file. */
export interface SftpProbeSuccess {
    readonly ok: true;
    /** The host key the server presented (`SHA256:…`), one of the expected ones. */
    readonly hostKeyFingerprint: string;
    /** The remote path written and deleted. */
    readonly remotePath: string;
    readonly bytes: number;
    readonly timings: SftpProbeTimings;
}

/** A probe that stopped at `stage`; `message` says why in one line. */
export interface SftpProbeFailure {
    readonly ok: false;
    readonly stage: SftpProbeStage;
    readonly message: string;
    /** The host key the server presented, when the handshake got that far. */
    readonly hostKeyFingerprint?: string;
    readonly timings: SftpProbeTimings;
}

/** What {@link probeSftp} found. */
export type SftpProbeResult = SftpProbeSuccess | SftpProbeFailure;

/** Where and how {@link probeSftp} connects. */
export interface SftpProbeOptions {
    readonly host: string;
    /** Defaults to 22. */
    readonly port?: number;
    readonly username: string;
    /** The user's private key (OpenSSH or PEM). */
    readonly privateKey: string | Buffer;
    /** Passphrase of `privateKey`. Defaults to none. */
    readonly passphrase?: string;
    /**
     * The host key fingerprints to trust, `SHA256:…` as `ssh-keygen -lf` prints them (the regional
     * stack's `hostKeyFingerprints` output). Any other key is refused before authenticating.
     * The server presents one key, of the type negotiated (ed25519 first with OpenSSH), so list
     * every key the service has, not one of them.
     */
    readonly expectedHostKeyFingerprints: readonly string[];
    /** Folder the probe file is written to. Defaults to the session's start folder ("."). */
    readonly remoteDir?: string;
    /** Size of the probe file. Defaults to 1024 bytes. */
    readonly payloadBytes?: number;
    /** Bound on the whole probe. Defaults to 20 000 ms. */
    readonly timeoutMs?: number;
    /** Cancels the probe; it then fails at the stage it was in. */
    readonly signal?: AbortSignal;
}

const fingerprintPattern = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** The `SHA256:…` fingerprint of a raw SSH public key blob, as OpenSSH prints it (base64, no padding). */
export function sshFingerprint(publicKeyBlob: Buffer): string {
    return `SHA256:${createHash("sha256").update(bytesOf(publicKeyBlob)).digest("base64").replace(/=+$/, "")}`;
}

/**
 * Logs in over SFTP like a customer would, and checks the service end to end: the host key must be
 * one of the expected ones (a failover must not teach clients to accept an unknown key), then the
 * key login, then a small file written, read back byte for byte, found in a listing, and deleted.
 *
 * Never throws for what the server does: every failure is a result with the stage it stopped at.
 * Throws only for invalid options (empty fingerprint list, malformed fingerprint, bad port).
 */
export async function probeSftp(opts: SftpProbeOptions): Promise<SftpProbeResult> {
    validate(opts);
    const started = performance.now();
    let last = started;
    const timings: Record<string, number> = {};
    const lap = (name: keyof SftpProbeTimings) => {
        const now = performance.now();
        timings[name] = round(now - last);
        last = now;
    };
    const state: ProbeState = { stage: "connect" };
    const client = new Client();
    // Errors are reported through the step waiting on them; one that comes after the probe has its
    // result (e.g. "connection lost" while it is being torn down) must not crash the caller.
    client.on("error", () => undefined);
    const payload = randomBytes(opts.payloadBytes ?? 1024);
    const remotePath = path.posix.join(opts.remoteDir ?? ".", `.sftp-probe-${randomBytes(6).toString("hex")}`);
    let sftp: SFTPWrapper | undefined;
    let written = false;

    const steps = async (): Promise<void> => {
        await connect(client, opts, state, () => lap("handshakeMs"));
        lap("authenticateMs");
        state.stage = "open-sftp";
        sftp = await openSftp(client);
        lap("openSftpMs");
        state.stage = "write";
        await call<void>((cb) => sftp!.writeFile(remotePath, payload, cb));
        written = true;
        lap("writeMs");
        state.stage = "read";
        const read = await call<Buffer>((cb) => sftp!.readFile(remotePath, cb));
        if (!read.equals(bytesOf(payload))) {
            throw new Error(`read back ${read.length} bytes that differ from the ${payload.length} written to ${remotePath}`);
        }
        lap("readMs");
        state.stage = "list";
        const dir = path.posix.dirname(remotePath);
        const entries = await call<{ filename: string }[]>((cb) => sftp!.readdir(dir, cb));
        if (!entries.some((e) => e.filename === path.posix.basename(remotePath))) {
            throw new Error(`${remotePath} is missing from the listing of ${dir} (${entries.length} entries)`);
        }
        lap("listMs");
        state.stage = "delete";
        await call<void>((cb) => sftp!.unlink(remotePath, cb));
        written = false;
        lap("deleteMs");
    };

    try {
        await bounded(steps(), opts.timeoutMs ?? 20_000, opts.signal);
        return {
            ok: true,
            hostKeyFingerprint: state.presented!,
            remotePath,
            bytes: payload.length,
            timings: { ...timings, totalMs: round(performance.now() - started) },
        };
    } catch (err) {
        if (written && sftp !== undefined) {
            // Best effort, bounded: a failed probe should not leave its file on the service.
            await bounded(call<void>((cb) => sftp!.unlink(remotePath, cb)), 2000).catch(() => undefined);
        }
        return {
            ok: false,
            stage: state.stage,
            message: failureMessage(err, state, opts),
            ...(state.presented === undefined ? {} : { hostKeyFingerprint: state.presented }),
            timings: { ...timings, totalMs: round(performance.now() - started) },
        };
    } finally {
        client.end();
        client.destroy();
    }
}

interface ProbeState {
    stage: SftpProbeStage;
    /** The fingerprint the server presented. */
    presented?: string;
    /** Set when the presented key was refused, so the resulting connection error is reported as such. */
    hostKeyRefused?: boolean;
}

function validate(opts: SftpProbeOptions): void {
    if (opts.expectedHostKeyFingerprints.length === 0) {
        throw new Error("expectedHostKeyFingerprints is empty: the probe refuses to trust an unknown host key");
    }
    for (const fp of opts.expectedHostKeyFingerprints) {
        if (!fingerprintPattern.test(fp)) {
            throw new Error(`expectedHostKeyFingerprints has "${fp}", which is not a SHA256:<43 base64 chars> fingerprint`);
        }
    }
    const port = opts.port ?? 22;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`port must be an integer 1–65535 (got ${port})`);
    }
    const bytes = opts.payloadBytes ?? 1024;
    if (!Number.isInteger(bytes) || bytes < 1) {
        throw new Error(`payloadBytes must be a positive integer (got ${bytes})`);
    }
}

/** Resolves when authenticated; `handshaken` runs once the key exchange (and host key check) is done. */
function connect(client: Client, opts: SftpProbeOptions, state: ProbeState, handshaken: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
        client.once("handshake", () => {
            handshaken();
            state.stage = "authenticate";
        });
        client.once("ready", () => resolve());
        client.once("error", reject);
        client.once("close", () => reject(new Error("the server closed the connection")));
        client.connect({
            host: opts.host,
            port: opts.port ?? 22,
            username: opts.username,
            privateKey: opts.privateKey,
            passphrase: opts.passphrase,
            tryKeyboard: false,
            readyTimeout: opts.timeoutMs ?? 20_000,
            hostVerifier: (key: Buffer) => {
                state.presented = sshFingerprint(key);
                const trusted = opts.expectedHostKeyFingerprints.includes(state.presented);
                if (!trusted) {
                    state.stage = "host-key";
                    state.hostKeyRefused = true;
                }
                return trusted;
            },
        });
    });
}

function openSftp(client: Client): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
}

/** Adapts one callback-style SFTP call. */
function call<T>(start: (cb: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}

class ProbeTimeout extends Error {}

/** `work`, unless `timeoutMs` passes or `signal` aborts first. */
async function bounded<T>(work: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProbeTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
        if (signal !== undefined) {
            onAbort = () => reject(new ProbeTimeout("aborted"));
            if (signal.aborted) {
                onAbort();
            }
            signal.addEventListener("abort", onAbort, { once: true });
        }
    });
    // A rejection of `work` after the deadline won must not surface as unhandled.
    work.catch(() => undefined);
    try {
        return await Promise.race([work, stop]);
    } finally {
        clearTimeout(timer);
        if (onAbort !== undefined) {
            signal?.removeEventListener("abort", onAbort);
        }
    }
}

function failureMessage(err: unknown, state: ProbeState, opts: SftpProbeOptions): string {
    const where = `${opts.host}:${opts.port ?? 22}`;
    if (state.hostKeyRefused) {
        return `host key ${state.presented} presented by ${where} is not one of the expected fingerprints `
            + `(${opts.expectedHostKeyFingerprints.join(", ")}); refused before authenticating`;
    }
    const reason = err instanceof Error ? err.message : String(err);
    switch (state.stage) {
        case "connect":
            return `could not connect to ${where}: ${reason}`;
        case "authenticate":
            return `${where} refused the key of user "${opts.username}": ${reason}`;
        default:
            return `${state.stage} failed on ${where}: ${reason}`;
    }
}

/**
 * A Buffer seen as a plain Uint8Array over the same memory. The project's @types/node predates
 * TypeScript 5.9's generic typed arrays, under which Buffer is not assignable to Uint8Array.
 */
function bytesOf(buffer: Buffer): Uint8Array {
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function round(ms: number): number {
    return Math.round(ms * 10) / 10;
}
