// Text rendering of the driver's results for humans. JSON output bypasses this entirely.
import { describeDrain, PlannedDrain } from "../driver/drain";
import { describeSkippedQuiesce, skippedQuiesces } from "../driver/quiesce";
import { fitTable } from "./history-view";
import { AuditEntry } from "../driver/audit";
import { BootstrapResult, BootstrapStepResult } from "../driver/bootstrap";
import { escapeControl as esc } from "../driver/text";
import type { HealthReading } from "../driver/endpoint-health";
import { FenceResult, PlanResult, SetPostureResult, StatusResult, UnlockResult } from "../driver/types";
import { VerifyResult } from "../driver/verify";
import { renderRpoExposure } from "../aws/rpo-exposure";
import { describeFenceEffect, FenceEffect } from "../../components/fence-timing";
import { describeVerification } from "../driver/verify-gate";
import { describePostDnsCheck } from "../driver/post-dns-check";
import { AnswerPrediction, describeCases } from "../answer-safety";
import { describeStandbyQuota } from "../standby-quota";
import { describeServePath, TimeToServe } from "../time-to-serve";

function table(rows: readonly (readonly string[])[]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

/** The fence's estimated effect time, with its parts. */
function fenceEffectLine(e: FenceEffect): string {
    return `a fence moves clients in ${describeFenceEffect(e)}`;
}

/** `status` as text. */
export function renderStatus(s: StatusResult): string {
    const lines = [
        `posture:   ${postureLine(s)}`,
        `weights:   ${s.weights !== undefined ? `primary ${s.weights.primary} / secondary ${s.weights.secondary}` : "(unknown)"}`,
        `serving:   ${servingLine(s)}`,
        `capacity:  primary ${s.capacity.primary ?? "?"}, secondary ${s.capacity.secondary ?? "?"}`,
        `fence:     primary ${s.fence.primary}, secondary ${s.fence.secondary}${s.fenceEffectSeconds !== undefined ? ` (${fenceEffectLine(s.fenceEffectSeconds)})` : ""}`,
        ...endpointHealthLines(s),
        ...(s.rpoExposure !== undefined ? [`data:      ${esc(renderRpoExposure(s.rpoExposure))}`] : []),
        ...(s.standbyQuota !== undefined ? [`quota:     ${esc(describeStandbyQuota(s.standbyQuota))}`] : []),
        `lock:      ${s.lock !== undefined ? esc(`held by ${s.lock.identity} on ${s.lock.host} (pid ${s.lock.pid}, ${s.lock.operation}, since ${s.lock.since})`) : s.lockProblem !== undefined ? "NOT free" : "free"}${s.lockProblem !== undefined ? ` — ${esc(s.lockProblem)}` : ""}`,
    ];
    if (s.notDeployed !== undefined && s.notDeployed.length > 0) {
        const names = s.notDeployed.map((k) => s.stacks[k].name);
        const how = s.notDeployed.length === 3 ? "`sftp-failover bootstrap` deploys them" : "deploy them in the bootstrap order (docs/by-hand.md)";
        lines.push(esc(`not deployed: ${names.join(", ")} (no resources${lastKinds(s)}); ${how}`));
    }
    for (const u of s.undeployedConfig ?? []) {
        const name = s.stacks[u.stack].name;
        const back = u.deployed !== undefined ? `pulumi config set${u.path === true ? " --path" : ""} -s ${name} ${u.key} ${u.deployed}` : `pulumi config rm${u.path === true ? " --path" : ""} -s ${name} ${u.key}`;
        lines.push(
            esc(
                `undeployed config: ${u.file} ${u.key} = ${u.configured ?? "(unset)"}, deployed ${u.deployed ?? "(unset)"} — left by run ${u.runId}; a \`pulumi up\` by hand would apply it. The next switch puts it back; by hand: ${back}`,
            ),
        );
    }
    for (const q of s.quiesced ?? []) {
        lines.push(esc(`quiesced:  ${q.region} read-only ${q.takesTraffic ? "while DNS sends it traffic (its clients cannot write)" : "(it takes no traffic)"}; ${q.lift}`));
    }
    if (s.unfinished !== undefined) {
        lines.push(esc(`unfinished: run ${s.unfinished.runId} → ${s.unfinished.target} by ${s.unfinished.identity} at ${s.unfinished.at}; rerun the same posture to resume${s.unfinished.firstUnfinishedStep !== undefined ? ` at ${s.unfinished.firstUnfinishedStep}` : ""}`));
    }
    lines.push("");
    const rows = [["stack", "name", "capacity/posture", "last update", "result"]];
    for (const st of Object.values(s.stacks)) {
        // As the contract parsed them: what was deployed, not the raw output text.
        const value = st.key === "dns" ? s.posture : s.capacity[st.key];
        rows.push([st.key, st.name, value ?? "-", st.lastUpdate?.endTime ?? st.lastUpdate?.startTime ?? "-", st.error !== undefined ? `error: ${st.error}` : (st.lastUpdate?.result ?? "-")]);
    }
    lines.push(table(rows));
    return lines.join("\n");
}

/**
 * The deployed posture, and the configured one when it differs. A difference means a switch is
 * under way or was interrupted only while the dns stack is deployed: after a destroy the config
 * still names a posture, and nothing is switching.
 */
function postureLine(s: StatusResult): string {
    if (s.posture === undefined) {
        return s.notDeployed?.includes("dns") === true ? "(not deployed)" : "(unknown)";
    }
    const differs = s.configuredPosture !== undefined && s.configuredPosture !== s.posture;
    return `${s.posture}${differs ? ` (config says ${s.configuredPosture}: a switch is under way or was interrupted)` : ""}`;
}

/** ", last update: destroy" when every stack not deployed was last destroyed. */
function lastKinds(s: StatusResult): string {
    const kinds = new Set((s.notDeployed ?? []).map((k) => s.stacks[k].lastUpdate?.kind ?? "none"));
    return kinds.size === 1 && kinds.has("destroy") ? "; last update: destroy" : "";
}

/** `plan` as text. */
export function renderPlan(p: PlanResult): string {
    const lines = [`plan: ${p.from ?? "(not deployed)"} → ${p.to}`];
    for (const s of p.steps) {
        const drain = p.drains?.find((d) => d.stepId === s.id);
        if (drain !== undefined) {
            lines.push(`     ${drainPlanLine(drain)}`);
        }
        lines.push(`  ${s.index}. ${s.skip ? "[skip] " : ""}${s.description} (stack ${s.stack})`);
    }
    if (p.steps.every((s) => s.skip)) {
        lines.push("  nothing to do: every stack is already in place");
    }
    lines.push(...skippedQuiesces(p.quiesces).map((q) => `  ${describeSkippedQuiesce(q)}`));
    for (const pv of p.previews) {
        const summary = Object.entries(pv.changeSummary ?? {})
            .map(([op, n]) => `${op} ${n}`)
            .join(", ");
        lines.push(`preview ${pv.step}: ${pv.error !== undefined ? `error: ${pv.error}` : summary}`);
        for (const c of pv.changes) {
            lines.push(`    ${c.op} ${c.urn.split("::").pop() ?? c.urn}${c.keys !== undefined && c.keys.length > 0 ? ` [${c.keys.join(", ")}]` : ""}`);
        }
    }
    if (p.answer !== undefined) {
        lines.push(...answerLines(p.answer));
    }
    if (p.modelledRtoSeconds !== undefined) {
        lines.push(`modelled RTO of an unplanned failover: ${p.modelledRtoSeconds} s`);
    }
    if (p.rtoSplit !== undefined && (p.drains ?? []).length > 0) {
        const dns = p.rtoSplit.newConnectionsSeconds !== undefined ? `${p.rtoSplit.newConnectionsSeconds} s` : "unknown";
        const reload = p.rtoSplit.usersReloadSeconds !== undefined ? `, after ${p.rtoSplit.usersReloadSeconds} s for the gateways to reload their users (quiesce)` : "";
        lines.push(`RTO of this switch: new connections move in ${dns} (DNS: TTL + health checks${reload}); existing sessions end within ${p.rtoSplit.existingSessionsSeconds} s (drain)`);
    }
    if (p.fenceEffectSeconds !== undefined) {
        lines.push(fenceEffectLine(p.fenceEffectSeconds));
    }
    if (p.timeToServe !== undefined) {
        lines.push(...timeToServeLines(p.timeToServe));
    }
    if (p.standbyQuota !== undefined) {
        lines.push(`On-Demand vCPU quota: ${esc(describeStandbyQuota(p.standbyQuota))}`);
    }
    const first = p.costs[0];
    if (first !== undefined) {
        lines.push(`standby cost (ESTIMATE, list prices of ${first.priceTableDate}, USD/month):`);
        lines.push(table([["posture", "total", "standby"], ...p.costs.map((c) => [c.posture, c.monthlyUsd.toFixed(2), c.standbyMonthlyUsd.toFixed(2)])]).replace(/^/gm, "  "));
    }
    return lines.join("\n");
}

/** The drain a plan runs (or skips) before a scale-down step. */
function drainPlanLine(d: PlannedDrain): string {
    return d.skipped !== undefined
        ? `drain ${d.region}: skipped (${d.skipped})`
        : `drain ${d.region}: wait ≤ ${d.timeoutSeconds} s for its open sessions to end, then ${d.action === "stop" ? "stop if any are left" : "scale down, reporting any left"}`;
}

/** The modelled time to serve, one line per capacity path, the configured one marked. */
function timeToServeLines(t: TimeToServe): string[] {
    const head = `time to serve of ${t.region} (ESTIMATE, pilot light ${t.pilotLight} → active ${t.activeSize} × ${t.instanceType}; the standby's instances and volumes, list prices of ${t.priceTableDate}):`;
    return [head, ...t.paths.map((p) => `  ${p.path === t.configured ? "*" : " "} ${esc(describeServePath(p))}`)];
}

/** `posture`/`failover`/`failback` as text. */
export function renderSwitch(r: SetPostureResult): string {
    const head =
        r.status === "unchanged"
            ? `already ${r.to}: nothing to do`
            : `${r.status === "degraded" ? "DEGRADED" : r.status === "unverified" ? "UNVERIFIED" : "ok"}: ${r.from ?? "(not deployed)"} → ${r.to} in ${(r.durationMs / 1000).toFixed(1)}s (run ${r.runId}${r.resumed !== undefined ? `, resumed ${r.resumed}` : ""})`;
    const lines = [head];
    if (r.forced !== undefined) {
        lines.push(`answer: ${esc(r.answer?.summary ?? "")}`, `FORCED through: ${esc(r.forced)}`);
    } else if (r.answer !== undefined) {
        lines.push(...answerLines(r.answer));
    }
    for (const s of r.steps) {
        lines.push(`  ${s.status.padEnd(7)} ${s.description}${s.error !== undefined ? ` — ${esc(s.error)}` : ""}`);
    }
    if (r.fenced.length > 0) {
        lines.push(`fenced: ${r.fenced.join(", ")}`);
    }
    if (r.verification !== undefined && r.verification.outcome !== "none") {
        lines.push(`verification: ${esc(describeVerification(r.verification))}`);
    }
    if (r.afterDns !== undefined) {
        lines.push(esc(describePostDnsCheck(r.afterDns)));
    }
    for (const q of r.skippedQuiesces ?? []) {
        lines.push(esc(describeSkippedQuiesce(q)));
    }
    for (const d of r.drains ?? []) {
        lines.push(esc(describeDrain(d)));
    }
    for (const rem of r.remaining) {
        lines.push(`remaining: ${esc(rem)}`);
    }
    return lines.join("\n");
}

/**
 * A switch's predicted answer: the one-line summary, then each case when health or a fence is
 * unknown (the operator decides on them), or the harm when there is one.
 */
export function answerLines(prediction: AnswerPrediction): string[] {
    const lines = [`answer: ${esc(prediction.summary)}`];
    if (prediction.verdict === "unknown") {
        lines.push(...describeCases(prediction).map((c) => `  ${esc(c)}`));
    } else if (prediction.verdict === "harmful") {
        lines.push(`  HARMFUL: ${esc(prediction.harm ?? "")} (refused unless forced with a reason)`);
    }
    return lines;
}

/** `fence`/`unfence` as text. */
export function renderFence(r: FenceResult): string {
    return `${r.region} ${r.changed ? "" : "already "}${r.state}${r.forced !== undefined ? ` (forced past: ${esc(r.forced)})` : ""}`;
}

/** `unlock` as text. */
export function renderUnlock(r: UnlockResult): string {
    return r.cleared.length === 0 ? "no lock to clear" : r.cleared.map((c) => `cleared ${esc(c)}`).join("\n");
}

/** `verify` as text. */
export function renderVerify(r: VerifyResult): string {
    if (r.ok) {
        const ms = r.timings?.totalMs;
        return `verified ${r.region} at ${r.endpoint ?? "?"}: host key ${r.hostKeyFingerprint ?? "?"}, canary login, put/get/list/delete ok${ms !== undefined ? ` in ${ms} ms` : ""}`;
    }
    return `NOT verified: ${esc(r.message ?? r.region)}`;
}

/** `history` as text, cut to `width` columns when given (history-view.ts). */
export function renderHistory(entries: readonly AuditEntry[], width?: number): string {
    if (entries.length === 0) {
        return "no changes recorded";
    }
    // "to" and "reason" hold free text (an unlock lists everything it cleared): they are cut first.
    return fitTable(
        [
            ["when", "who", "operation", "from", "to", "result", "reason"],
            // Every field is data from a file anyone could have written: escaped, one row per entry.
            ...entries.map((e) => [e.at, e.identity, e.operation, e.from ?? "-", e.to, `${e.result}${e.forced !== undefined ? " (forced)" : ""}`, e.reason ?? "-"].map((v) => esc(String(v)))),
        ],
        width,
        [4, 6, 3],
    );
}

/** The endpoint-check lines of `status`, when a health source answered. */
function endpointHealthLines(s: StatusResult): string[] {
    const health = s.endpointHealth;
    if (health === undefined) {
        return [];
    }
    const verdict = (h: HealthReading) => `${h.health}${h.reasons.length > 0 ? ` (${h.reasons.join("; ")})` : ""}`;
    const line = (region: "primary" | "secondary") => `${region} ${verdict(health.regions[region])}`;
    // Where each reading came from and when, so an operator can weigh a stale or emulated answer.
    const origin = (h: HealthReading) => (h.source !== undefined ? ` [${h.source}${h.observedAt !== undefined ? ` at ${h.observedAt}` : ""}]` : "");
    const sources = (region: "primary" | "secondary") => {
        const h = health.regions[region];
        const others = (h.checks ?? []).map((c) => `; ${c.check} check ${verdict(c)}${origin(c)}`).join("");
        return h.source !== undefined ? [esc(`  ${region}: endpoint check${origin(h)}${others}`)] : [];
    };
    return [
        esc(`endpoint checks: ${line("primary")}; ${line("secondary")}`),
        ...sources("primary"),
        ...sources("secondary"),
        ...(health.failsOpen
            ? ["WARNING: every endpoint check is unhealthy, so Route 53 answers every record as if healthy (fail open): failover and the fence do nothing"]
            : []),
    ];
}

/** One `bootstrap` step as a progress line. */
export function renderBootstrapStep(step: BootstrapStepResult): string {
    const changes = Object.entries(step.changes).map(([op, n]) => `${op} ${n}`).join(", ");
    const what = step.status === "skipped" ? "skipped (already deployed)" : step.status === "unchanged" ? "unchanged" : `done (${changes})`;
    return `${step.phase}: ${step.stack} ${what}${step.status === "skipped" ? "" : ` in ${(step.durationMs / 1000).toFixed(1)}s`}`;
}

const canaryLines: Readonly<Record<NonNullable<BootstrapResult["canary"]>, string>> = {
    created: "a new key in secret config sftp-failover:canaryKey of both regional stacks (the gate before DNS verifies with it)",
    copied: "one region's key copied to the other (secret config sftp-failover:canaryKey)",
    kept: "both regional stacks already hold sftp-failover:canaryKey",
};

/** `bootstrap` as text. */
export function renderBootstrap(r: BootstrapResult): string {
    const head = r.status === "unchanged" ? "already bootstrapped: nothing changed" : `bootstrapped in ${(r.durationMs / 1000).toFixed(1)}s`;
    const canary = r.canary === undefined ? [] : [`canary: ${canaryLines[r.canary]}`];
    return [head, ...r.steps.map((s) => `  ${renderBootstrapStep(s)}`), ...canary].join("\n");
}

/** Who Route 53 answers, and by which rule: a fence or a dead endpoint moves it away from the weights. */
function servingLine(s: StatusResult): string {
    if (s.answer === undefined) {
        return s.serving ?? "(unknown)";
    }
    const who = s.answer.answered.join(" and ");
    switch (s.answer.rule) {
        case "non-zero-weight":
            return who;
        case "zero-weight":
            return `${who} (its weight-0 record: every weighted region is fenced or unhealthy)`;
        case "fail-open":
            return `${who} (fail open: no record is healthy, so Route 53 answers by weight regardless; fences do nothing)`;
        default:
            return who;
    }
}
