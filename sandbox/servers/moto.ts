import * as fs from "node:fs";
import * as path from "node:path";
import { ChildServer, startChild, startOnFreePort, waitUntil } from "./child-server";
import { freePort } from "./ports";

/** The repository root. */
const root = path.resolve(__dirname, "..", "..");

/** Where `scripts/ensure-test-tools` installs moto's server (and the AWS CLI when the machine has none). */
export const motoServerPath = path.join(root, ".tmp", "venv", "bin", "moto_server");

/** Credentials moto accepts (it accepts any); never real ones, so a test or the lab cannot reach AWS by accident. */
export const motoCredentials = { accessKeyId: "testing", secretAccessKey: "testing" } as const;

/** A running moto server on loopback. */
export interface MotoServer {
    /** `http://127.0.0.1:<port>`, for a client's `endpoint`. */
    readonly endpoint: string;
    /** The region clients should use. */
    readonly region?: string;
    /** Ready-made AWS SDK v3 client settings: endpoint, region, fake credentials, path-style S3. */
    readonly clientConfig: {
        readonly endpoint: string;
        readonly region: string;
        readonly credentials: typeof motoCredentials;
        readonly forcePathStyle: true;
    };
    /** Forgets every resource and metric (moto's reset API), so tests sharing a server start clean. */
    reset(): Promise<void>;
    /** The last few kilobytes of the server's own log, for a failing test's message. */
    output(): string;
    /** Stops the server. Safe to call twice. */
    stop(): Promise<void>;
}

/** Options of {@link startMoto}. */
export interface StartMotoOptions {
    /** Region reported to clients. Defaults to us-east-1. */
    readonly region?: string;
    /** How long to wait for the server to answer. Defaults to 30 000 ms. */
    readonly readyTimeoutMs?: number;
}

/**
 * Starts moto's server on 127.0.0.1 at a free port and waits (bounded) until it answers HTTP.
 * The port is chosen just before the start, so a lost race to bind it is retried on a new port.
 */
export async function startMoto(opts?: StartMotoOptions): Promise<MotoServer> {
    if (!fs.existsSync(motoServerPath)) {
        throw new Error(`moto server not found at ${motoServerPath}: run scripts/ensure-test-tools`);
    }
    const region = opts?.region ?? "us-east-1";
    return startOnFreePort(
        freePort,
        (port) =>
            startChild(motoServerPath, ["-H", "127.0.0.1", "-p", String(port)], {
                env: { ...process.env, PYTHONUNBUFFERED: "1", AWS_DEFAULT_REGION: region },
            }),
        async (port, server) => {
            const endpoint = `http://127.0.0.1:${port}`;
            await waitUntil(() => answers(endpoint), { what: `moto server on ${endpoint}`, timeoutMs: opts?.readyTimeoutMs ?? 30_000, server });
            return motoServer(endpoint, region, server);
        },
    );
}

function motoServer(endpoint: string, region: string, server: ChildServer): MotoServer {
    return {
        endpoint,
        region,
        clientConfig: { endpoint, region, credentials: motoCredentials, forcePathStyle: true },
        async reset() {
            const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
            if (!res.ok) {
                throw new Error(`moto reset on ${endpoint} answered HTTP ${res.status}`);
            }
        },
        output: () => server.output(),
        stop: () => server.stop(),
    };
}

/** True when moto's own API answers, i.e. its routes are loaded, not merely its socket open. */
async function answers(endpoint: string): Promise<boolean> {
    const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
}
