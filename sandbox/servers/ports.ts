import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it for a throwaway listener,
 * which is closed before returning. Another process could take it in between, so servers started on
 * it are retried by their harness when they fail to bind.
 */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.unref();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            if (address === null || typeof address === "string") {
                server.close();
                reject(new Error("freePort: the listener has no TCP address"));
                return;
            }
            server.close(() => resolve(address.port));
        });
    });
}

/**
 * A port free for both TCP and UDP on 127.0.0.1 (a DNS server listens on both).
 * Tries at most `attempts` kernel-chosen TCP ports. Defaults to 20 attempts.
 */
export async function freeTcpUdpPort(attempts?: number): Promise<number> {
    const limit = attempts ?? 20;
    for (let i = 0; i < limit; i++) {
        const port = await freePort();
        if (await udpFree(port)) {
            return port;
        }
    }
    throw new Error(`freeTcpUdpPort: no port free for both TCP and UDP after ${limit} attempts`);
}

async function udpFree(port: number): Promise<boolean> {
    const dgram = await import("node:dgram");
    return new Promise((resolve) => {
        const socket = dgram.createSocket("udp4");
        socket.once("error", () => {
            socket.close();
            resolve(false);
        });
        socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
    });
}

/**
 * True when process `pid` itself holds a socket listening on TCP `port` (Linux /proc). A readiness
 * probe on the port alone cannot tell our server from another test's that won the race for the
 * same port: then both tests would share one server and see each other's data.
 */
export function listensOn(pid: number, port: number): boolean {
    const inodes = listeningInodes(port);
    if (inodes.size === 0) {
        return false;
    }
    let fds: string[];
    try {
        fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
        return false;
    }
    return fds.some((fd) => {
        try {
            const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
            return match !== null && inodes.has(match[1]);
        } catch {
            return false;
        }
    });
}

/** The inodes of the sockets in LISTEN state (0A) on local TCP `port`, IPv4 and IPv6. */
function listeningInodes(port: number): Set<string> {
    return new Set(tcpSocketsOn(port, "0A").map((fields) => fields[9]));
}

/**
 * The kernel's rows (whitespace-split fields of /proc/net/tcp and tcp6: `sl local_address
 * rem_address st … inode`) of the TCP sockets on local `port` in `state` (hex, e.g. 0A listen,
 * 01 established). `procNetDir` lets a test hand in its own tables.
 */
export function tcpSocketsOn(port: number, state: string, procNetDir = "/proc/net"): string[][] {
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    const rows: string[][] = [];
    for (const table of ["tcp", "tcp6"]) {
        let text: string;
        try {
            text = fs.readFileSync(path.join(procNetDir, table), "utf8");
        } catch {
            continue;
        }
        for (const line of text.split("\n").slice(1)) {
            const fields = line.trim().split(/\s+/);
            if (fields.length > 9 && fields[1].endsWith(`:${hexPort}`) && fields[3] === state) {
                rows.push(fields);
            }
        }
    }
    return rows;
}
