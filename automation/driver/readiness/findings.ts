// What `check` reports: findings, each with what to run to fix it. Pure types and helpers.

/** The parts of readiness `check` looks at. */
export type CheckArea = "parity" | "drift" | "posture" | "health" | "fence" | "replication" | "standby";

/**
 * How much a finding matters:
 * - `not-ready`: a failover now would not do what the posture promises;
 * - `warning`: worth fixing, but a failover would still work;
 * - `unknown`: the check could not look (an API unreadable, a stack not deployed).
 */
export type FindingLevel = "not-ready" | "warning" | "unknown";

/** One thing `check` found. */
export interface Finding {
    readonly area: CheckArea;
    readonly level: FindingLevel;
    /** What is wrong, in one line. */
    readonly what: string;
    /** What to run or change to fix it. */
    readonly fix: string;
}

/** The verdict of a whole check: ready only with no `not-ready` and no `unknown` finding. */
export function readinessOf(findings: readonly Finding[]): "ready" | "not-ready" | "unknown" {
    if (findings.some((f) => f.level === "not-ready")) {
        return "not-ready";
    }
    return findings.some((f) => f.level === "unknown") ? "unknown" : "ready";
}
