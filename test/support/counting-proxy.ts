// A loopback proxy in front of an AWS emulator (moto) that records every request a client makes and
// when its answer was passed back: how the fence's tests and benchmark count AWS API calls and time
// "the call acknowledged" from outside the process under test.
import * as http from "node:http";
import { AddressInfo } from "node:net";

/** One AWS request seen by the proxy. */
export interface AwsCall {
    /** The operation: query protocol (Action=), JSON (X-Amz-Target) or RPC v2 (path). */
    readonly operation: string;
    /** When the emulator's answer was passed back, in ms on the proxy's clock. */
    readonly answeredMs: number;
    readonly status: number;
}

/** A running proxy. */
export interface CountingProxy {
    /** `http://127.0.0.1:<port>`, for a client's endpoint. */
    readonly endpoint: string;
    /** Every request answered so far, in order. */
    readonly calls: AwsCall[];
    close(): Promise<void>;
}

/** The AWS operation of a request. */
export function operationOf(req: http.IncomingMessage, body: string): string {
    const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
    const target = req.headers["x-amz-target"];
    const rpc = /\/operation\/([A-Za-z]+)$/.exec(req.url ?? "")?.[1];
    return action ?? (typeof target === "string" ? target.split(".").pop() ?? target : undefined) ?? rpc ?? `${req.method} ${req.url}`;
}

/** Starts a proxy on 127.0.0.1 in front of `upstream`; `clock` stamps each answer. */
export function startCountingProxy(upstream: string, clock: () => number = () => performance.now()): Promise<CountingProxy> {
    const target = new URL(upstream);
    const calls: AwsCall[] = [];
    const server = http.createServer((req, res) => {
        // latin1 maps bytes to characters one to one, so the body is forwarded unchanged.
        let body = "";
        req.setEncoding("latin1");
        req.on("data", (c: string) => (body += c));
        req.on("end", () => {
            const forward = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
                res.writeHead(up.statusCode ?? 502, up.headers);
                up.pipe(res);
                up.on("end", () => calls.push({ operation: operationOf(req, body), answeredMs: clock(), status: up.statusCode ?? 0 }));
            });
            forward.on("error", () => res.destroy());
            forward.end(body, "latin1");
        });
    });
    return new Promise((resolve) =>
        server.listen(0, "127.0.0.1", () =>
            resolve({
                endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
                calls,
                close: () => new Promise<void>((done) => server.close(() => done())),
            }),
        ),
    );
}
