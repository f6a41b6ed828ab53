// The fence as an operator runs it: `sftp-failover fence primary` in a fresh process, against moto's
// CloudWatch on loopback. A counting proxy between the CLI and moto records every AWS request and
// when moto acknowledged it, so the figure is process start → PutMetricData acknowledged.
import { spawn } from "node:child_process";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { motoCredentials, startMoto } from "../test/support/moto";
import { BenchLab } from "./lab";

/** One AWS request the CLI made. */
export interface AwsCall {
    readonly operation: string;
    /** When moto's answer was passed back, in ms after the CLI process was started. */
    readonly answeredMs: number;
    readonly status: number;
}

/** Figures of one fence run. */
export interface FenceRun {
    /** Process start → PutMetricData acknowledged, in ms (undefined when none was made). */
    readonly ackMs: number | undefined;
    /** Process start → exit, in ms. */
    readonly exitMs: number;
    readonly exitCode: number | null;
    readonly calls: readonly AwsCall[];
}

/** The AWS operation of a request: query protocol (Action=), JSON (X-Amz-Target) or RPC v2 (path). */
function operationOf(req: http.IncomingMessage, body: string): string {
    const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
    const target = req.headers["x-amz-target"];
    const rpc = /\/operation\/([A-Za-z]+)$/.exec(req.url ?? "")?.[1];
    return action ?? (typeof target === "string" ? target.split(".").pop() ?? target : undefined) ?? rpc ?? `${req.method} ${req.url}`;
}

/** A loopback proxy in front of `upstream` that records each request. */
function countingProxy(upstream: string, clock: () => number, calls: AwsCall[]): Promise<http.Server> {
    const target = new URL(upstream);
    const server = http.createServer((req, res) => {
        // latin1 maps bytes to characters one to one, so the body is forwarded unchanged.
        let body = "";
        req.setEncoding("latin1");
        req.on("data", (c: string) => (body += c));
        req.on("end", () => {
            const forward = http.request(
                { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
                (up) => {
                    res.writeHead(up.statusCode ?? 502, up.headers);
                    up.pipe(res);
                    up.on("end", () => calls.push({ operation: operationOf(req, body), answeredMs: clock(), status: up.statusCode ?? 0 }));
                },
            );
            forward.on("error", () => res.destroy());
            forward.end(body, "latin1");
        });
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Runs `fence primary` then `unfence primary` through the CLI, `repetitions` times each, against moto. */
export async function measureFence(bench: BenchLab, repetitions: number): Promise<FenceRun[]> {
    const moto = await startMoto();
    const runs: FenceRun[] = [];
    try {
        for (let rep = 0; rep < repetitions; rep++) {
            for (const verb of ["fence", "unfence"] as const) {
                runs.push(await cliRun(bench, moto.endpoint, verb));
            }
        }
    } finally {
        await moto.stop();
    }
    return runs;
}

async function cliRun(bench: BenchLab, motoEndpoint: string, verb: "fence" | "unfence"): Promise<FenceRun> {
    const calls: AwsCall[] = [];
    let started = 0;
    const clock = () => performance.now() - started;
    const proxy = await countingProxy(motoEndpoint, clock, calls);
    const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const root = path.resolve(__dirname, "..");
    const args = [
        "-r", "ts-node/register/transpile-only", path.join(root, "automation", "cli", "main.ts"),
        verb, "primary", "--sandbox", "--stack-dir", bench.lab.dir, "--backend", bench.lab.env.backendUrl,
        "--journal-dir", path.join(bench.lab.dir, ".failover"), "--cloudwatch-endpoint", endpoint,
        "--identity", "bench", "--reason", "bench", "--json",
    ];
    const env = {
        ...process.env,
        ...bench.lab.env.envVars,
        AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
        AWS_REGION: "us-east-1",
    };
    try {
        return await new Promise<FenceRun>((resolve, reject) => {
            let err = "";
            started = performance.now();
            const proc = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
            proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
            proc.on("error", reject);
            proc.on("close", (code) => {
                const exitMs = clock();
                if (code !== 0) {
                    reject(new Error(`${verb} exited ${code}: ${err.trim().split("\n").slice(-2).join(" / ")}`));
                    return;
                }
                const ack = calls.find((c) => c.operation === "PutMetricData" && c.status === 200);
                resolve({ ackMs: ack?.answeredMs, exitMs, exitCode: code, calls });
            });
        });
    } finally {
        await new Promise((resolve) => proxy.close(resolve));
    }
}
