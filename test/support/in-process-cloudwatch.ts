// CloudWatch answered in process, through the SDK's own seam: a `requestHandler` for a real
// CloudWatchClient. The client serializes, signs and parses as it would against AWS; only the
// network is left out. Requests and answers are in CloudWatch's wire format (JSON 1.0, "query
// compatible": the operation in X-Amz-Target, timestamps as epoch seconds, an error's shape in
// `__type` and its Query code in x-amzn-query-error), so what a test asserts about a request is
// what AWS would have received. `onLoopback` serves the same answers over HTTP on 127.0.0.1, for a
// client built with no handler of the test's (the SDK's defaults, an endpoint from the environment).
import * as http from "node:http";
import { AddressInfo } from "node:net";

/** One request the client sent, as CloudWatch would receive it. */
export interface CloudWatchCall {
    /** The operation, e.g. `PutMetricData` (from X-Amz-Target). */
    readonly operation: string;
    /** The request body: the command's input in wire form (timestamps in epoch seconds). */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON body, read field by field by the tests
    readonly input: any;
    /** Where it went: `https://monitoring.us-east-2.amazonaws.com/`, or the endpoint given. */
    readonly url: string;
    /** The SigV4 Authorization header (names the access key and the signing region). */
    readonly authorization: string;
    /** The signal the client handed the handler. */
    readonly abortSignal?: AbortSignal;
}

/** What the stand-in answers one request: the operation's output (Dates allowed), an AWS error, or a transport failure. */
export type CloudWatchAnswer =
    | { readonly output: Readonly<Record<string, unknown>> }
    | { readonly error: { readonly type: string; readonly message: string; readonly status?: number } }
    | { readonly fail: Error };

/** A stand-in and what it saw. */
export interface InProcessCloudWatch {
    /** Pass as the client's `requestHandler`. */
    readonly requestHandler: { handle(request: WireRequest, options?: { abortSignal?: AbortSignal }): Promise<{ response: WireResponse }>; destroy(): void };
    /** Every request, in the order sent. */
    readonly calls: CloudWatchCall[];
    /** How many times a client released the handler (`client.destroy()`). */
    readonly destroyed: () => number;
}

/** The parts of the SDK's HttpRequest read here. */
interface WireRequest {
    readonly protocol: string;
    readonly hostname: string;
    readonly port?: number;
    readonly path: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: Uint8Array | string;
}

interface WireResponse {
    readonly statusCode: number;
    readonly headers: Record<string, string>;
    readonly body: Uint8Array;
}

/**
 * A handler that answers each request with `answer(call)`. An aborted signal fails the request
 * before it is answered, as the SDK's Node handler does ("AbortError").
 */
export function inProcessCloudWatch(answer: (call: CloudWatchCall) => CloudWatchAnswer): InProcessCloudWatch {
    const calls: CloudWatchCall[] = [];
    let destroyed = 0;
    return {
        calls,
        destroyed: () => destroyed,
        requestHandler: {
            async handle(request, options) {
                // TextDecoder reads the bytes; Buffer.from would call the SDK body's string-like valueOf (and warn).
                const body = typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body ?? new Uint8Array());
                const call: CloudWatchCall = {
                    operation: (request.headers["x-amz-target"] ?? "").replace(/^GraniteServiceVersion20100801\./, ""),
                    input: body === "" ? {} : JSON.parse(body),
                    url: `${request.protocol}//${request.hostname}${request.port === undefined ? "" : `:${request.port}`}${request.path}`,
                    authorization: request.headers["authorization"] ?? "",
                    ...(options?.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
                };
                calls.push(call);
                if (options?.abortSignal?.aborted === true) {
                    throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
                }
                const reply = answer(call);
                if ("fail" in reply) {
                    throw reply.fail;
                }
                if ("error" in reply) {
                    const code = reply.error.type.replace(/Exception$/, "");
                    return respond(reply.error.status ?? 400, { __type: `com.amazonaws.cloudwatch#${reply.error.type}`, message: reply.error.message }, { "x-amzn-query-error": `${code};Sender` });
                }
                return respond(200, reply.output);
            },
            destroy() {
                destroyed++;
            },
        },
    };
}

function respond(statusCode: number, body: unknown, headers: Record<string, string> = {}): { response: WireResponse } {
    return { response: { statusCode, headers: { "content-type": "application/x-amz-json-1.0", ...headers }, body: new TextEncoder().encode(JSON.stringify(toWire(body))) } };
}

/** Dates as CloudWatch's JSON protocol carries them: epoch seconds. */
function toWire(value: unknown): unknown {
    if (value instanceof Date) {
        return value.getTime() / 1000;
    }
    if (Array.isArray(value)) {
        return value.map(toWire);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
    }
    return value;
}

/** The stand-in served over HTTP on 127.0.0.1 at a port the kernel picks. */
export interface LoopbackCloudWatch {
    /** `http://127.0.0.1:<port>`. */
    readonly endpoint: string;
    close(): Promise<void>;
}

/** Serves `cw`'s answers over HTTP on loopback: each request goes through its `requestHandler`. */
export async function onLoopback(cw: InProcessCloudWatch): Promise<LoopbackCloudWatch> {
    const server = http.createServer((req, res) => {
        const chunks: Uint8Array[] = [];
        req.on("data", (chunk: Uint8Array) => chunks.push(chunk));
        req.on("end", () => {
            const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
            const port = (server.address() as AddressInfo).port;
            cw.requestHandler.handle({ protocol: "http:", hostname: "127.0.0.1", port, path: req.url ?? "/", headers, body: new Uint8Array(Buffer.concat(chunks)) }).then(
                ({ response }) => {
                    res.writeHead(response.statusCode, response.headers);
                    res.end(response.body);
                },
                () => res.destroy(),
            );
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}
