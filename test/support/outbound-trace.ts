// Every outbound connection a process tree attempts, as the kernel sees it: the command runs under
// `strace -f`, which follows every child (the engine, its language host, the provider plugins, Go
// and Node alike) and records each connect() and each datagram sent with an address. Nothing the
// processes do can hide a connection from it, unlike a hook inside Node.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";

/** One connection attempt, or one datagram sent to an address. */
export interface OutboundAttempt {
    readonly pid: number;
    readonly syscall: string;
    readonly address: string;
    readonly port: number;
    /** Set when the attempt carries a DNS query naming an amazonaws.com host. */
    readonly awsName?: string;
    /** The strace line, for the failure message. */
    readonly line: string;
}

/** What one traced command printed, its exit code, and every outbound attempt of its process tree. */
export interface TracedRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly attempts: readonly OutboundAttempt[];
}

/** Runs `argv` under strace, following every child, and reads back what the tree tried to reach. */
export function runTraced(argv: readonly string[], opts: { readonly env: NodeJS.ProcessEnv; readonly cwd: string; readonly traceFile: string; readonly timeoutMs?: number }): TracedRun {
    fs.rmSync(opts.traceFile, { force: true });
    const r = spawnSync(
        "strace",
        // --seccomp-bpf stops only at the traced calls, so the engine runs at nearly full speed; -s
        // keeps enough of a datagram to read a DNS query's name.
        ["-f", "-qq", "--seccomp-bpf", "-e", "trace=connect,sendto,sendmsg,sendmmsg", "-s", "256", "-o", opts.traceFile, ...argv],
        { cwd: opts.cwd, env: opts.env, encoding: "utf8", input: "", timeout: opts.timeoutMs ?? 300_000 },
    );
    if (r.error !== undefined) {
        throw r.error;
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, attempts: parseTrace(fs.readFileSync(opts.traceFile, "utf8")) };
}

const lineShape = /^(\d+)\s+(connect|sendto|sendmsg|sendmmsg)\((\d+),/;
const inet4 = /sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/;
const inet6 = /sin6_port=htons\((\d+)\),.*?inet_pton\(AF_INET6, "([^"]+)"/;

/**
 * The internet-family attempts of a trace. A datagram on a socket connected earlier carries no
 * address: it is attributed to the connect of the same thread and descriptor, so a DNS query sent
 * that way (glibc's resolver) is still read for its name.
 */
export function parseTrace(text: string): OutboundAttempt[] {
    const attempts: OutboundAttempt[] = [];
    const connected = new Map<string, { address: string; port: number }>();
    for (const line of text.split("\n")) {
        const m = lineShape.exec(line);
        if (m === null) {
            continue;
        }
        const [, pid, syscall, fd] = m;
        const where = inet4.exec(line) ?? inet6.exec(line);
        const key = `${pid}:${fd}`;
        // A send naming another family (a netlink request) is not the earlier connect's, even on a reused descriptor.
        const otherFamily = where === null && /sa_family=AF_(?!INET)/.test(line);
        const target = where !== null ? { address: where[2], port: Number(where[1]) } : syscall !== "connect" && !otherFamily ? connected.get(key) : undefined;
        if (syscall === "connect") {
            if (where === null) {
                connected.delete(key);
                continue;
            }
            connected.set(key, { address: where[2], port: Number(where[1]) });
        }
        if (target === undefined) {
            continue;
        }
        const queried = target.port === 53 && syscall !== "connect" ? dnsQuestionOf(line) : undefined;
        const awsName = queried !== undefined && /(^|\.)amazonaws\.com\.?$/i.test(queried) ? queried : undefined;
        attempts.push({ pid: Number(pid), syscall, ...target, ...(awsName !== undefined ? { awsName } : {}), line });
    }
    return attempts;
}

/** The bytes of strace's C-escaped string (`\\t`, `\\3`, `\\201`, `\\"`). */
function unescapeStrace(text: string): Buffer {
    const bytes: number[] = [];
    const named: Readonly<Record<string, number>> = { t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };
    for (let i = 0; i < text.length; i++) {
        if (text[i] !== "\\") {
            bytes.push(text.charCodeAt(i));
            continue;
        }
        const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1));
        if (octal !== null) {
            bytes.push(parseInt(octal[0], 8));
            i += octal[0].length;
        } else {
            bytes.push(named[text[i + 1]] ?? text.charCodeAt(i + 1));
            i += 1;
        }
    }
    return Buffer.from(bytes);
}

/** The name a DNS query asks for: the first question after the 12-byte header, from the first datagram of a traced send. */
export function dnsQuestionOf(line: string): string | undefined {
    const quoted = /"((?:[^"\\]|\\.)*)"/.exec(line);
    if (quoted === null) {
        return undefined;
    }
    const packet = unescapeStrace(quoted[1]);
    const labels: string[] = [];
    // Bounded by the packet: each label moves the offset forward by at least one byte.
    for (let at = 12; at < packet.length && packet[at] !== 0; at += packet[at] + 1) {
        labels.push(packet.subarray(at + 1, at + 1 + packet[at]).toString("latin1"));
    }
    return labels.length > 0 ? labels.join(".") : undefined;
}

/** Whether an address is this machine's loopback (127/8, ::1, an IPv4-mapped 127/8) or the unspecified address. */
export function isLoopback(address: string): boolean {
    const v4 = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
    if (net.isIPv4(v4)) {
        return v4.startsWith("127.") || v4 === "0.0.0.0";
    }
    return address === "::1" || address === "::";
}

/** The attempts that leave the machine, and every DNS query naming an amazonaws.com host wherever it goes. */
export function leavingAttempts(attempts: readonly OutboundAttempt[]): OutboundAttempt[] {
    return attempts.filter((a) => !isLoopback(a.address) || a.awsName !== undefined);
}
