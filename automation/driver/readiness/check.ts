// `check`: is the service ready for a failover now? One read-only pass over what `status` reads,
// the two regions' parity, and each stack's drift against the cloud. It takes no lock and may run
// while a switch runs; a part it cannot read is an `unknown` finding, never a silent pass.
import { RegionName } from "../../../foundation/posture";
import type { StackKey } from "../planner";
import type { StatusResult } from "../types";
import { DriftedResource, driftFinding } from "./drift";
import { Finding, readinessOf } from "./findings";
import { parityFindings, RegionDeployment } from "./parity";
import { statusFindings } from "./status-findings";

/** What `check` returns. */
export interface CheckResult {
    /** `ready` only when nothing is not ready and nothing could not be read. */
    readonly readiness: "ready" | "not-ready" | "unknown";
    readonly findings: readonly Finding[];
    readonly checkedAt: string;
    readonly durationMs: number;
}

/** What `check` reads, each part by itself so one that fails is reported and the others still run. */
export interface CheckReads {
    status(): Promise<StatusResult>;
    deployments(): Promise<Readonly<Record<RegionName, RegionDeployment>>>;
    drift(stack: StackKey): Promise<readonly DriftedResource[]>;
    readonly stackNames: Readonly<Record<StackKey, string>>;
}

const stackKeys: readonly StackKey[] = ["primary", "secondary", "dns"];

/** Runs every part of the check; never throws for what a part could not read. */
export async function runCheck(reads: CheckReads): Promise<CheckResult> {
    const started = Date.now();
    const findings: Finding[] = [];
    const [status, deployments, ...drifts] = await Promise.allSettled([reads.status(), reads.deployments(), ...stackKeys.map((k) => reads.drift(k))]);
    if (status.status === "fulfilled") {
        findings.push(...statusFindings(status.value));
    } else {
        findings.push({ area: "posture", level: "unknown", what: `status could not be read: ${messageOf(status.reason)}`, fix: "run `sftp-failover status` to see what fails" });
    }
    if (deployments.status === "fulfilled") {
        const dns = status.status === "fulfilled" ? { posture: status.value.posture, weights: status.value.weights } : {};
        findings.push(...parityFindings(deployments.value, dns));
    } else {
        findings.push({ area: "parity", level: "unknown", what: `the deployments could not be read: ${messageOf(deployments.reason)}`, fix: "check the state backend is reachable" });
    }
    drifts.forEach((d, i) => {
        const name = reads.stackNames[stackKeys[i]];
        if (d.status === "fulfilled") {
            findings.push(...d.value.map(driftFinding));
        } else {
            findings.push({ area: "drift", level: "unknown", what: `stack ${name}: drift could not be read: ${messageOf(d.reason)}`, fix: `\`pulumi refresh --preview-only -s ${name}\` shows the engine's error` });
        }
    });
    return { readiness: readinessOf(findings), findings, checkedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
}

function messageOf(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    return text.split("\n")[0];
}
