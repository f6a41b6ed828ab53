// Readiness from what `status` read: the deployed posture against its config, unfinished switches,
// Route 53's answer under the health and fences as read, the standby's health, and the data the
// serving region has not yet replicated. Pure: `check` hands it the status result.
import { RegionName, regionNames } from "../../../foundation/posture";
import { describeStandbyQuota } from "../../standby-quota";
import type { StatusResult } from "../types";
import { Finding } from "./findings";

/** RPO exposure above this many objects is worth a warning before a failover. */
export const objectsAtRiskWarning = 1000;

/** Every finding `status` alone supports. */
export function statusFindings(status: StatusResult): Finding[] {
    return [...postureFindings(status), ...healthFindings(status), ...fenceFindings(status), ...replicationFindings(status), ...quotaFindings(status)];
}

/** The standby's On-Demand vCPU quota: short is not ready (a failover would stop at its capacity step), unreadable is unknown. */
export function quotaFindings(s: Pick<StatusResult, "standbyQuota">): Finding[] {
    const q = s.standbyQuota;
    if (q === undefined || q.verdict === "enough") {
        return [];
    }
    const what = `On-Demand vCPU quota of ${describeStandbyQuota(q)}`;
    return q.verdict === "short"
        ? [{ area: "standby", level: "not-ready", what, fix: `request an increase of "Running On-Demand Standard instances" (L-1216C47A) in ${q.awsRegion} through Service Quotas, or lower the active size` }]
        : [{ area: "standby", level: "unknown", what, fix: `read it in the Service Quotas console (${q.awsRegion}, Amazon EC2, L-1216C47A), or grant servicequotas:GetServiceQuota` }];
}

function postureFindings(s: StatusResult): Finding[] {
    const out: Finding[] = [];
    if (s.notDeployed !== undefined && s.notDeployed.length > 0) {
        out.push({ area: "posture", level: "not-ready", what: `not deployed: ${s.notDeployed.join(", ")}`, fix: "`sftp-failover bootstrap`" });
    }
    if (s.unfinished !== undefined) {
        out.push({
            area: "posture",
            level: "not-ready",
            what: `a switch to ${s.unfinished.target} by ${s.unfinished.identity} (run ${s.unfinished.runId}, ${s.unfinished.at}) did not finish`,
            fix: `finish it: \`sftp-failover posture ${s.unfinished.target}\``,
        });
    }
    for (const u of s.undeployedConfig ?? []) {
        out.push({ area: "posture", level: "not-ready", what: `${u.file} holds ${u.key} = ${u.configured ?? "(unset)"}, written by a killed switch and not deployed`, fix: "`sftp-failover unlock` puts it back" });
    }
    if (s.posture !== undefined && s.configuredPosture !== undefined && s.configuredPosture !== s.posture && s.unfinished === undefined) {
        out.push({
            area: "posture",
            level: "not-ready",
            what: `the dns stack's config says ${s.configuredPosture} but ${s.posture} is deployed: a by-hand \`pulumi up\` would switch`,
            fix: `switch on purpose (\`sftp-failover posture ${s.configuredPosture}\`) or put the config back to ${s.posture}`,
        });
    }
    if (s.lockProblem !== undefined) {
        out.push({ area: "posture", level: "warning", what: `lock: ${s.lockProblem}`, fix: "`sftp-failover unlock` once no switch runs" });
    }
    return out;
}

function healthFindings(s: StatusResult): Finding[] {
    const health = s.endpointHealth;
    if (health === undefined) {
        return [{ area: "health", level: "unknown", what: "no endpoint-health source: the regions' health was not read", fix: "run with AWS credentials that may read Route 53 health checks (or --sandbox for a lab)" }];
    }
    const out: Finding[] = [];
    for (const region of regionNames) {
        const h = health.regions[region];
        const reasons = h.reasons.length > 0 ? ` (${h.reasons.join("; ")})` : "";
        if (h.health === "unknown") {
            out.push({ area: "health", level: "unknown", what: `${region}'s endpoint health is unknown${reasons}`, fix: "check Route 53's health checks in the console, or retry when its API answers" });
        } else if (h.health === "unhealthy") {
            out.push({
                area: "health",
                level: "not-ready",
                what: `${region}'s endpoint is unhealthy${reasons}: ${isStandby(s, region) ? "a failover would have nowhere to go" : "clients sent there fail"}`,
                fix: `\`sftp-failover verify ${region}\` to see what fails; scale it (\`plan\`) or fix the gateways`,
            });
        }
    }
    if (health.failsOpen) {
        out.push({ area: "health", level: "not-ready", what: "every endpoint check is unhealthy: Route 53 fails open and answers every record", fix: "bring one region's gateways back first" });
    }
    return out;
}

function fenceFindings(s: StatusResult): Finding[] {
    const out: Finding[] = [];
    for (const region of regionNames) {
        const fence = s.fence[region];
        if (fence === "fenced") {
            out.push({ area: "fence", level: "warning", what: `${region} is fenced: Route 53 does not answer it`, fix: `\`sftp-failover unfence ${region}\` once it is healthy` });
        } else if (fence === "unknown") {
            out.push({ area: "fence", level: "unknown", what: `${region}'s fence could not be read`, fix: "check the fence alarms in the fence region's CloudWatch" });
        }
    }
    return out;
}

function replicationFindings(s: StatusResult): Finding[] {
    const rpo = s.rpoExposure;
    if (rpo === undefined) {
        return [];
    }
    if (rpo.status === "unknown") {
        return [{ area: "replication", level: "unknown", what: `replication ${rpo.from} → ${rpo.to} could not be read: ${rpo.unknown.join("; ")}`, fix: "check the buckets' replication metrics (RTC) in CloudWatch" }];
    }
    if ((rpo.objectsAtRisk ?? 0) > objectsAtRiskWarning) {
        return [{ area: "replication", level: "warning", what: `${rpo.objectsAtRisk} objects written to ${rpo.from} are not yet in ${rpo.to}`, fix: "a failover now would leave them behind until replication catches up; wait, or plan for `reconcile`" }];
    }
    return [];
}

/** The region that takes no traffic by weight: where a failover would go. */
function isStandby(s: StatusResult, region: RegionName): boolean {
    return s.weights !== undefined && s.weights[region] === 0;
}
