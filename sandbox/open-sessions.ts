// The sandbox's answer to "how many SFTP sessions are open in this region", which the drain before a
// scale-down polls (automation/driver/drain.ts). On AWS the load balancer's ActiveFlowCount answers;
// the sandbox has no load balancer that carries traffic, so it answers, in order:
//   1. the session count file `<world>/open-sessions.json` (`{ "primary": 2 }`), where a test or an
//      operator models a region's sessions without a server;
//   2. the lab's real sessions: the TCP connections ESTABLISHED to the region's SFTP server (its
//      `--sftp-endpoint`, the lab's sshd on loopback), counted from the kernel's /proc/net/tcp —
//      a real `sftp` client holding its session open is one;
//   3. otherwise none: the sandbox's load balancers carry no traffic, so without a server for the
//      region no session can be open there (the source says so).
// An unreadable count file or kernel table is unknown, never zero.
import * as fs from "node:fs";
import * as path from "node:path";
import type { OpenSessionsReading, OpenSessionsSource } from "../automation/driver/drain";
import type { SftpEndpoint } from "../automation/driver/verify";
import { RegionName } from "../foundation/posture";
import { tcpSocketsOn } from "./servers/ports";

/** The modelled count's file in the world folder. */
export const openSessionsFileName = "open-sessions.json";

/** Where the sandbox reads open sessions. */
export interface SandboxOpenSessionsOptions {
    /** The world folder; its `open-sessions.json` models counts. Absent: no file is read. */
    readonly worldDir?: string;
    /** Each region's SFTP server (the lab's sshd): its established connections are the region's sessions. */
    readonly endpoints?: Partial<Readonly<Record<RegionName, SftpEndpoint>>>;
    /** The kernel's TCP tables. Defaults to /proc/net. */
    readonly procNetDir?: string;
}

/** Writes the modelled count of a region (a test's or an operator's). */
export function setModelledOpenSessions(worldDir: string, region: RegionName, sessions: number | undefined): void {
    const file = path.join(worldDir, openSessionsFileName);
    const current = readModel(file) ?? {};
    const next: Record<string, number> = { ...current };
    if (sessions === undefined) {
        delete next[region];
    } else {
        next[region] = sessions;
    }
    fs.writeFileSync(file, `${JSON.stringify(next)}\n`);
}

/** The sandbox's open-sessions source. It reads at once, so the drain polls it every second. */
export function sandboxOpenSessions(options: SandboxOpenSessionsOptions): OpenSessionsSource {
    return {
        name: "sandbox session count",
        pollSeconds: 1,
        async read(region): Promise<OpenSessionsReading> {
            if (options.worldDir !== undefined) {
                const file = path.join(options.worldDir, openSessionsFileName);
                const modelled = readModel(file)?.[region];
                if (modelled !== undefined) {
                    return { known: true, sessions: modelled, source: `sandbox session count file ${file}` };
                }
            }
            const endpoint = options.endpoints?.[region];
            if (endpoint === undefined) {
                // The sandbox's load balancers carry no traffic: with no server for the region, no session can be open.
                return { known: true, sessions: 0, source: `sandbox: no SFTP server for ${region} and no ${openSessionsFileName} entry (its load balancer carries no traffic)` };
            }
            const source = `established TCP connections to ${endpoint.host}:${endpoint.port} (/proc/net/tcp)`;
            try {
                return { known: true, sessions: establishedConnections(endpoint.port, options.procNetDir ?? "/proc/net"), source };
            } catch (err) {
                return { known: false, reason: `cannot read the kernel's TCP table: ${(err as Error).message}`, source };
            }
        },
    };
}

/** Connections in state ESTABLISHED (01) whose local port is `port`: the server's side of each session. */
export function establishedConnections(port: number, procNetDir: string): number {
    return tcpSocketsOn(port, "01", procNetDir).length;
}

function readModel(file: string): Record<string, number> | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new Error(`${file} must be an object of region → session count`);
    }
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === "number" && Number.isInteger(e[1]) && e[1] >= 0));
}
