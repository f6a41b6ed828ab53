import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { makeFolder } from "../../foundation/folders";
import { ChildServer, serverTempDir, startChild, startOnFreePort, waitUntil } from "./child-server";
import { freePort } from "./ports";

const run = promisify(execFile);

/** Absolute paths: sshd re-executes itself and refuses a relative path; sbin is often not on PATH. */
export const sshdPath = "/usr/sbin/sshd";
export const sshKeygenPath = "/usr/bin/ssh-keygen";

/** The host key types the server offers, as the regional stack's `hostKeyFingerprints` names them. */
export type HostKeyType = "ed25519" | "ecdsa" | "rsa";
const hostKeyTypes: readonly HostKeyType[] = ["ed25519", "ecdsa", "rsa"];

/** Options of {@link startSshd}. */
export interface StartSshdOptions {
    /** Private host keys (OpenSSH format) by type. Defaults to a fresh key of each type. */
    readonly hostKeys?: Partial<Record<HostKeyType, string>>;
    /** Public key lines allowed to log in as `user`. Defaults to none (every login fails). */
    readonly authorizedKeys?: readonly string[];
    /** The account that may log in. Defaults to the user running the tests (sshd cannot switch users otherwise). */
    readonly user?: string;
    /** Port to listen on (a region coming back where clients knew it). Defaults to a free one. */
    readonly port?: number;
    /** How long to wait for the SSH banner. Defaults to 15 000 ms. */
    readonly readyTimeoutMs?: number;
}

/** A running OpenSSH server on loopback. */
export interface SshdServer {
    readonly port: number;
    /** The account that may log in. */
    readonly user: string;
    /** SHA256 fingerprints of the host keys it offers, as `ssh-keygen -lf` prints them (`SHA256:…`). */
    readonly hostKeyFingerprints: Readonly<Record<HostKeyType, string>>;
    /** The folder SFTP sessions start in (relative paths land here). */
    readonly sftpDir: string;
    /** Replaces the authorized keys of `user`; sshd reads the file at each login. */
    setAuthorizedKeys(keys: readonly string[]): void;
    /** Whether new SFTP sessions are read-only (internal-sftp -R). */
    readonly readOnly: boolean;
    /**
     * Makes new SFTP sessions read-only, or writable again: rewrites the config and sends sshd a
     * SIGHUP, which re-executes the listener with it, as a gateway reloads its users. A session open
     * before keeps the mode it started with. Resolves once the listener answers again (bounded).
     */
    setReadOnly(readOnly: boolean): Promise<void>;
    /** The last few kilobytes of the server's own log, for a failing test's message. */
    output(): string;
    /** Stops the server and removes its temporary folder. Safe to call twice. */
    stop(): Promise<void>;
}

/** A key pair made by ssh-keygen, for tests that log in. */
export interface SshKeyPair {
    /** Private key in OpenSSH format. */
    readonly privateKey: string;
    /** `ssh-ed25519 AAAA… comment` */
    readonly publicKey: string;
    /** `SHA256:…` */
    readonly fingerprint: string;
}

/** Generates a key pair with ssh-keygen (no passphrase). Defaults to ed25519. */
export async function generateKeyPair(type?: HostKeyType): Promise<SshKeyPair> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sftp-failover-key-"));
    try {
        const file = path.join(dir, "key");
        await run(sshKeygenPath, ["-q", "-t", type ?? "ed25519", "-N", "", "-C", "sftp-failover-test", "-f", file]);
        return {
            privateKey: fs.readFileSync(file, "utf8"),
            publicKey: fs.readFileSync(`${file}.pub`, "utf8").trim(),
            fingerprint: await fingerprintOf(`${file}.pub`),
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

async function fingerprintOf(publicKeyFile: string): Promise<string> {
    const { stdout } = await run(sshKeygenPath, ["-l", "-E", "sha256", "-f", publicKeyFile]);
    const fingerprint = stdout.split(/\s+/)[1];
    if (fingerprint === undefined || !fingerprint.startsWith("SHA256:")) {
        throw new Error(`ssh-keygen -lf ${publicKeyFile} printed no SHA256 fingerprint: ${stdout.trim()}`);
    }
    return fingerprint;
}

/**
 * Starts a real OpenSSH sshd on 127.0.0.1 at a free port, in the foreground (`-D -e`), with a
 * temporary config: its own host keys, authorized keys from a temporary folder, key login only,
 * internal-sftp starting in a temporary folder, no chroot (which would need root-owned paths).
 * Waits (bounded) until it sends its SSH banner.
 */
export async function startSshd(opts?: StartSshdOptions): Promise<SshdServer> {
    if (!fs.existsSync(sshdPath)) {
        throw new Error(`sshd not found at ${sshdPath}: run scripts/ensure-test-tools`);
    }
    const user = opts?.user ?? os.userInfo().username;
    const temp = serverTempDir("sftp-failover-sshd-");
    const dir = temp.path;
    try {
        const hostKeyFingerprints = await writeHostKeys(dir, opts?.hostKeys ?? {});
        const sftpDir = path.join(dir, "sftp");
        makeFolder(sftpDir);
        makeFolder(path.join(dir, "authorized_keys"));
        const authorizedKeysFile = path.join(dir, "authorized_keys", user);
        const setAuthorizedKeys = (keys: readonly string[]) => {
            fs.writeFileSync(authorizedKeysFile, keys.map((k) => `${k.trim()}\n`).join(""), { mode: 0o600 });
        };
        setAuthorizedKeys(opts?.authorizedKeys ?? []);
        ensurePrivsepDir();

        const configFile = path.join(dir, "sshd_config");
        const fixedPort = opts?.port;
        return await startOnFreePort(
            fixedPort !== undefined ? async () => fixedPort : freePort,
            (port) => {
                fs.writeFileSync(configFile, sshdConfig(dir, port, sftpDir));
                return startChild(sshdPath, ["-D", "-e", "-f", configFile]);
            },
            async (port, server) => {
                await waitUntil(() => sendsBanner(port), { what: `sshd on 127.0.0.1:${port}`, timeoutMs: opts?.readyTimeoutMs ?? 15_000, server });
                return sshdServer({ port, user, hostKeyFingerprints, sftpDir, setAuthorizedKeys, server, temp, configFile, dir });
            },
        );
    } catch (err) {
        temp.remove();
        throw err;
    }
}

interface SshdParts {
    readonly port: number;
    readonly user: string;
    readonly hostKeyFingerprints: Record<HostKeyType, string>;
    readonly sftpDir: string;
    readonly setAuthorizedKeys: (keys: readonly string[]) => void;
    readonly server: ChildServer;
    readonly temp: { remove(): void };
    readonly configFile: string;
    readonly dir: string;
}

function sshdServer(parts: SshdParts): SshdServer {
    const { port, user, hostKeyFingerprints, sftpDir, setAuthorizedKeys, server, temp, configFile, dir } = parts;
    let readOnly = false;
    return {
        port,
        user,
        hostKeyFingerprints,
        sftpDir,
        setAuthorizedKeys,
        get readOnly() {
            return readOnly;
        },
        async setReadOnly(next: boolean) {
            fs.writeFileSync(configFile, sshdConfig(dir, port, sftpDir, next));
            server.child.kill("SIGHUP");
            readOnly = next;
            await waitUntil(() => sendsBanner(port), { what: `sshd on 127.0.0.1:${port} after its reload`, timeoutMs: 15_000, server });
        },
        output: () => server.output(),
        async stop() {
            await server.stop();
            temp.remove();
        },
    };
}

async function writeHostKeys(dir: string, given: Partial<Record<HostKeyType, string>>): Promise<Record<HostKeyType, string>> {
    const entries = await Promise.all(hostKeyTypes.map(async (type): Promise<[HostKeyType, string]> => {
        const file = path.join(dir, `ssh_host_${type}_key`);
        const privateKey = given[type];
        if (privateKey === undefined) {
            await run(sshKeygenPath, ["-q", "-t", type, "-N", "", "-C", `sftp-failover-test-${type}`, "-f", file]);
        } else {
            // sshd refuses host keys that others can read.
            fs.writeFileSync(file, privateKey.endsWith("\n") ? privateKey : `${privateKey}\n`, { mode: 0o600 });
            const { stdout } = await run(sshKeygenPath, ["-y", "-f", file]);
            fs.writeFileSync(`${file}.pub`, stdout);
        }
        return [type, await fingerprintOf(`${file}.pub`)];
    }));
    return Object.fromEntries(entries) as Record<HostKeyType, string>;
}

/**
 * Key login only, for one temp folder's worth of state. StrictModes is off because the temporary
 * folders are not root-owned 0755 paths; UsePAM is off because PAM would consult the machine's
 * accounts and limits; root may log in with a key because the test machine runs as root.
 */
function sshdConfig(dir: string, port: number, sftpDir: string, readOnly = false): string {
    // -R: the SFTP server refuses every request that would write (Permission denied), as a gateway
    // whose users are read-only does.
    const sftp = `internal-sftp -d ${sftpDir}${readOnly ? " -R" : ""}`;
    return [
        `ListenAddress 127.0.0.1:${port}`,
        ...hostKeyTypes.map((type) => `HostKey ${path.join(dir, `ssh_host_${type}_key`)}`),
        `PidFile ${path.join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${path.join(dir, "authorized_keys", "%u")}`,
        "StrictModes no",
        "UsePAM no",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "X11Forwarding no",
        "AllowTcpForwarding no",
        "AllowAgentForwarding no",
        "PrintMotd no",
        "MaxStartups 100",
        "LogLevel VERBOSE",
        `Subsystem sftp ${sftp}`,
        // SFTP only, like the service: an exec or shell request gets the SFTP server too.
        `ForceCommand ${sftp}`,
        "",
    ].join("\n");
}

/** sshd running as root needs its privilege-separation folder, which a system boot would create. */
function ensurePrivsepDir(): void {
    if (process.getuid?.() === 0 && !fs.existsSync("/run/sshd")) {
        makeFolder("/run/sshd", { mode: 0o755 });
    }
}

/** True when a TCP connection receives the SSH identification line. */
function sendsBanner(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port });
        const done = (ok: boolean) => {
            socket.destroy();
            resolve(ok);
        };
        socket.setTimeout(2000, () => done(false));
        socket.once("error", () => done(false));
        socket.once("data", (chunk) => done(chunk.toString("latin1").startsWith("SSH-2.0-")));
    });
}
