import * as net from "node:net";

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
