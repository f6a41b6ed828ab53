// How the load balancer and Route 53 judge a gateway: a TCP connect to SFTPGo's port (the default),
// or an HTTP request to SFTPGo's own health endpoint. Pure: the component, the config loader and
// the tests share it.
import { targetHealthCheck } from "./capacity";

/** SFTPGo's health endpoint on its telemetry server: `GET /healthz` answers 200 "ok" (internal/telemetry/router.go). */
export const sftpgoHealthPath = "/healthz";

/** The telemetry port when none is configured: SFTPGo's documented example port. */
export const defaultHealthCheckPort = 10000;

/**
 * The gateways' health check. `tcp`: the target group connects to SFTPGo's port and Route 53 to the
 * listener — a process that accepts connections counts as healthy. `http`: both ask SFTPGo's
 * telemetry server for `/healthz` on `port` (the instances serve it on every interface; the load
 * balancer adds a listener on the same port for Route 53's checkers, admitted from their prefix
 * lists only) — a gateway whose SFTPGo service answers counts as healthy.
 */
export type GatewayHealthCheck = { readonly protocol: "tcp" } | { readonly protocol: "http"; readonly port: number };

/** The TCP check, the fallback. */
export const tcpHealthCheck: GatewayHealthCheck = { protocol: "tcp" };

/** Why a health check cannot be used beside the given ports, or undefined. */
export function healthCheckProblem(check: GatewayHealthCheck, ports: { readonly listenerPort: number; readonly gatewayPort: number }): string | undefined {
    if (check.protocol === "tcp") {
        return undefined;
    }
    if (!Number.isInteger(check.port) || check.port < 1024 || check.port > 65535) {
        return `healthCheck.port must be an integer 1024–65535 (got ${String(check.port)})`;
    }
    if (check.port === ports.listenerPort || check.port === ports.gatewayPort) {
        return `healthCheck.port ${check.port} is already the ${check.port === ports.listenerPort ? "listener" : "gateway"} port; give SFTPGo's health endpoint a port of its own`;
    }
    return undefined;
}

/** The target group's health check (ELB CreateTargetGroup HealthCheck*): 3 of 3 at 10 s either way. */
export function targetGroupHealthCheck(check: GatewayHealthCheck): Record<string, string | number | boolean> {
    const timing = { enabled: true, ...targetHealthCheck };
    return check.protocol === "tcp"
        ? { ...timing, protocol: "TCP", port: "traffic-port" }
        : { ...timing, protocol: "HTTP", port: String(check.port), path: sftpgoHealthPath, matcher: "200" };
}

/** What Route 53's endpoint check asks of the region's endpoint (CreateHealthCheck Type, Port, ResourcePath). */
export interface EndpointCheck {
    readonly type: "TCP" | "HTTP";
    readonly port: number;
    /** The HTTP check's path (absent for TCP). */
    readonly resourcePath?: string;
}

/** Route 53's endpoint check for a health check and the SFTP listener port. */
export function endpointCheck(check: GatewayHealthCheck, listenerPort: number): EndpointCheck {
    return check.protocol === "tcp" ? { type: "TCP", port: listenerPort } : { type: "HTTP", port: check.port, resourcePath: sftpgoHealthPath };
}
