// A loopback stand-in for Route 53's GetHealthCheckStatus that answers recorded responses. moto
// implements the call but always answers one checker reporting "Success", so a health check that
// Route 53 would call unhealthy, or a throttled call, cannot be had from it. The bodies follow the
// "Response Syntax" of the Route 53 API Reference (GetHealthCheckStatus, and the common error
// shape), so the real SDK parses them as it would AWS's.
import * as http from "node:http";
import { AddressInfo } from "node:net";

/** One checker's observation, as the API reference lays it out. */
export interface RecordedObservation {
    readonly region: string;
    readonly ipAddress: string;
    readonly status: string;
    readonly checkedTime: Date;
}

/** What the stand-in answers for one health check id. */
export type RecordedAnswer =
    | { readonly observations: readonly RecordedObservation[] }
    | { readonly error: { readonly httpStatus: number; readonly code: string; readonly message: string } };

/** A running stand-in. */
export interface RecordedRoute53 {
    /** `http://127.0.0.1:<port>`, for a client's endpoint. */
    readonly endpoint: string;
    /** The paths asked, in order. */
    readonly asked: string[];
    close(): Promise<void>;
}

const xmlns = "https://route53.amazonaws.com/doc/2013-04-01/";
const statusPath = /^\/2013-04-01\/healthcheck\/([^/]+)\/status$/;

/** The GetHealthCheckStatus response body of `observations`. */
export function healthCheckStatusXml(observations: readonly RecordedObservation[]): string {
    const one = (o: RecordedObservation) =>
        `<HealthCheckObservation><Region>${o.region}</Region><IPAddress>${o.ipAddress}</IPAddress>` +
        `<StatusReport><Status>${escapeXml(o.status)}</Status><CheckedTime>${o.checkedTime.toISOString()}</CheckedTime></StatusReport></HealthCheckObservation>`;
    return `<?xml version="1.0" encoding="UTF-8"?>\n<GetHealthCheckStatusResponse xmlns="${xmlns}"><HealthCheckObservations>${observations.map(one).join("")}</HealthCheckObservations></GetHealthCheckStatusResponse>`;
}

/** Route 53's error body. */
function errorXml(code: string, message: string): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>recorded</RequestId></ErrorResponse>`;
}

/** Starts the stand-in on 127.0.0.1 at a port the kernel picks; an id it does not hold gets NoSuchHealthCheck, as from AWS. */
export function startRecordedRoute53(answers: Readonly<Record<string, RecordedAnswer>>): Promise<RecordedRoute53> {
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
        req.resume();
        asked.push(req.url ?? "");
        const id = req.method === "GET" ? statusPath.exec(req.url ?? "")?.[1] : undefined;
        const answer = id === undefined ? undefined : answers[decodeURIComponent(id)];
        const send = (status: number, body: string) => {
            res.writeHead(status, { "content-type": "text/xml" });
            res.end(body);
        };
        if (answer === undefined) {
            send(404, errorXml("NoSuchHealthCheck", `No health check exists with the specified ID ${id ?? req.url}`));
        } else if ("error" in answer) {
            send(answer.error.httpStatus, errorXml(answer.error.code, answer.error.message));
        } else {
            send(200, healthCheckStatusXml(answer.observations));
        }
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as AddressInfo;
            resolve({ endpoint: `http://127.0.0.1:${port}`, asked, close: () => new Promise((done) => server.close(() => done())) });
        });
    });
}

function escapeXml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
