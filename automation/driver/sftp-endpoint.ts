// Where `verify` and the gate before DNS reach a region's SFTP service. Apart from verify.ts so the
// CLI can parse `--sftp-endpoint` without loading the SSH client (the emergency fence loads nothing else).

/** Where to reach a region's SFTP service, when not at the regional stack's endpoint output. */
export interface SftpEndpoint {
    readonly host: string;
    readonly port: number;
    /**
     * The login to use instead of the canary's own name. For a lab server that has one account;
     * on AWS the canary logs in as itself.
     */
    readonly login?: string;
}

/**
 * Whether two endpoints are one server (host names ignore case). Verify tells regions apart only
 * by where it connects — both regions share their host keys — so each region needs its own.
 */
export function sameEndpoint(a: SftpEndpoint, b: SftpEndpoint): boolean {
    return a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port;
}

/**
 * Parses `host:port` (an IPv6 host in brackets) into an endpoint.
 *
 * @throws Error naming the value when it is not one.
 */
export function parseEndpoint(text: string, login?: string): SftpEndpoint {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
    const port = m === null ? NaN : Number(m[3]);
    if (m === null || !(port >= 1 && port <= 65535)) {
        throw new Error(`"${text}" is not host:port with a port 1–65535`);
    }
    return { host: m[1] ?? m[2], port, ...(login !== undefined ? { login } : {}) };
}
