// The drill's report: what ran, when, how it ended, how long the switches took against the
// modelled RTO, what the endpoint checks reported, which host keys each region presented, and —
// so nobody mistakes a sandbox drill for an AWS one — what was emulated and what was real.
// The recorder only collects; building, rendering and checking are pure, so a unit test covers
// them without an engine, and the drill checks the file it wrote with the same validator.
import * as fs from "node:fs";
import * as path from "node:path";
import { postureAnswer, Route53Answer } from "../automation/dns-answers";
import { makeFolder } from "../foundation/folders";
import type { Posture, RegionName } from "../foundation/posture";

/** The format's name and version, so a reader can refuse a report it does not understand. */
export const drillReportSchema = "sftp-failover/drill-report@1";

/** How a step ended. */
export type StepOutcome = "ok" | "unchanged" | "degraded" | "refused" | "failed";

/** One switch the controller made, as measured. */
export interface MeasuredSwitch {
    readonly title: string;
    readonly from?: string;
    readonly to: string;
    readonly status: string;
    readonly durationMs: number;
    readonly fenced: readonly string[];
}

/** One numbered step of the drill. */
export interface DrillStep {
    readonly index: number;
    readonly title: string;
    readonly startedAt: string;
    readonly endedAt: string;
    readonly durationMs: number;
    readonly outcome: StepOutcome;
    readonly switches: readonly MeasuredSwitch[];
    readonly notes: readonly string[];
}

/** What `status` reported at one point, and the Route 53 answer that follows from it. */
export interface HealthSnapshot {
    readonly step: number;
    readonly posture?: string;
    readonly regions: Readonly<Record<RegionName, { readonly health: string; readonly reasons: readonly string[]; readonly fence: string }>>;
    readonly failsOpen: boolean;
    /** Which records the project's model (automation/dns-answers.ts) says Route 53 answers; absent when a health or the posture is unknown. */
    readonly dnsAnswer?: Pick<Route53Answer, "rule" | "answered" | "shares">;
}

/** The unplanned outage's figures. */
export interface OutageFigures {
    readonly before?: string;
    readonly after?: string;
    readonly measuredRtoMs?: number;
    readonly dnsMovedMs?: number;
    /** interval × threshold of the lab's checker + the served TTL, in ms. */
    readonly labModelMs: number;
    /** The TTL the lab's DNS served during the outage, in s (absent in reports older than it: 0). */
    readonly ttlSeconds?: number;
    /** Sessions after the stop that still used the answer the client held (its TTL not yet over). */
    readonly cachedAttempts?: number;
    /** The configured timings' model (the dns stack's modelledRtoSeconds), in s. */
    readonly configuredModelSeconds: number;
    readonly clientWarnings: string;
}

/**
 * The planned failover's sessions, in the two parts a switch moves clients in: new connections move
 * with DNS (from the switch's start until the DNS step ended; on AWS add the records' TTL), existing
 * sessions end in the drain (from the DNS step's end until the drain saw the last session end).
 */
export interface SessionFigures {
    readonly newConnectionsMoveMs?: number;
    readonly existingSessionsEndMs?: number;
    /** The large upload in a session opened before the switch, ended once the drain began. */
    readonly upload: {
        readonly bytes: number;
        /** `sftp -l`, Kbit/s. */
        readonly limitKbits: number;
        /** The whole file arrived on the losing region's server. */
        readonly completed: boolean;
        readonly sessionEndedAfterDnsMs?: number;
        /**
         * From the client process's exit to the drain's end. Two observers: the server closes the
         * connection before the client process reports its exit, so a drain that polls quickly can
         * see the end a few ms "before" it (a small negative figure).
         */
        readonly drainSawItEndAfterMs?: number;
        /** The losing region's open sessions counted as the drain began, before the held session was told to end. */
        readonly openWhenDrainBegan?: number;
        readonly error?: string;
    };
    /** A client arriving at the losing region after the quiesce (a stale DNS answer): refused writes, nothing stored. */
    readonly lateUpload: { readonly refused: boolean; readonly message: string };
    /** The quiesce step, and when the lab's users timer made the server read-only, against the modelled reload. */
    readonly quiesce: { readonly stepMs?: number; readonly appliedAfterStepStartMs?: number; readonly modelSeconds: number };
    /** The drain's outcome, as the audit entry words it. */
    readonly drain: string;
}

/** One SFTP probe. */
export interface ProbeRecord {
    readonly step: number;
    readonly region: string;
    readonly ok: boolean;
    /** "SFTP (OpenSSH sshd on 127.0.0.1:<port>)". */
    readonly against: string;
    readonly stage?: string;
    readonly hostKeyFingerprint?: string;
    readonly message?: string;
}

/** One check after DNS moved, inside a planned switch (automation/driver/post-dns-check.ts). */
export interface AfterDnsRecord {
    readonly step: number;
    /** The switch it ran in. */
    readonly switch: string;
    readonly outcome: "passed" | "failed" | "unverifiable" | "skipped";
    /** The part that failed, when one did. */
    readonly failed?: "answers" | "session";
    /** The name asked, and the authoritative server that answered (Knot on loopback in the lab). */
    readonly name: string;
    readonly against: string;
    readonly weights?: { readonly primary: number; readonly secondary: number };
    /** Route 53's answer under the deployed weights and the fences and endpoint checks the driver knew. */
    readonly expected?: { readonly rule: string; readonly regions: readonly string[]; readonly shares: Readonly<Record<string, number>> };
    /** What the server answered: the regions, and the share of first answers per region. */
    readonly observed?: { readonly queries: number; readonly answered: number; readonly regions: readonly string[]; readonly shares: Readonly<Record<string, number>> };
    /** Where the one session through the service name landed, and the host key it was shown. */
    readonly landed?: string;
    readonly endpoint?: string;
    readonly hostKeyFingerprint?: string;
    /** Rounds of queries until the answers matched (1: the first), and the whole check's time. */
    readonly rounds?: number;
    readonly durationMs?: number;
    /** The check's one line (the audit entry's afterDns). */
    readonly line: string;
}

/** The whole report (report.json). */
export interface DrillReport {
    readonly schema: typeof drillReportSchema;
    readonly startedAt: string;
    readonly endedAt: string;
    readonly durationMs: number;
    readonly outcome: "ok" | "failed";
    readonly error?: string;
    readonly steps: readonly DrillStep[];
    /** The planned failover's measured duration (the first switch to `failover`), in ms. */
    readonly measuredSwitchMs?: number;
    /** Modelled RTO of an unplanned failover from the dns stack (interval × threshold + TTL), in s. */
    readonly modelledRtoSeconds?: number;
    readonly endpointHealth: readonly HealthSnapshot[];
    /** The unplanned outage on real servers: RTO measured beside the lab's model and the configured one. */
    readonly outage?: OutageFigures;
    /** The planned failover's client sessions: new connections move (DNS), existing sessions end (drain). */
    readonly sessions?: SessionFigures;
    /** Every SFTP probe the drill made (verify and the gate before DNS), with its protocol and server. */
    readonly probes: readonly ProbeRecord[];
    /** Every check after DNS moved, in the planned switches. */
    readonly afterDns: readonly AfterDnsRecord[];
    /** The RPO exposure status reported at the end (unknown in the sandbox: no replication metrics). */
    readonly rpoExposure?: string;
    /** Host key fingerprints each region presented (from its stack outputs), and whether they agree. */
    readonly fingerprints: { readonly primary: unknown; readonly secondary: unknown; readonly same: boolean; readonly source: string };
    readonly emulated: readonly string[];
    readonly real: readonly string[];
}

/**
 * What a sandbox drill stands in for, and what it runs for real. Every stand-in that could make a
 * sandbox figure look like an AWS one is named here, with what it changes.
 */
export const sandboxEnvironment = {
    emulated: [
        "AWS resources: the sandbox provider (sandbox/provider.ts) records them; nothing reaches AWS",
        "the SFTP service: OpenSSH's sshd (internal-sftp) stands in for SFTPGo, which each region's gateway runs on AWS; the users list, SFTPGo's S3 storage and its configuration are not exercised",
        "host keys: moto on loopback stands in for Secrets Manager, and the drill, not the stack, puts the stacks' host keys (their Pulumi config, hostKeys) in each region's secret, as the HostKeys component stores them; the gateway's own installer then fetches them (see Real)",
        "the canary's login: sshd only logs in accounts that exist, so each region serves one local account, the one the drill runs as, and the canary logs in as it — as root when the drill runs as root, as on CI — not as the canary user of the users list",
        "Route 53's health checkers: one TCP prober on loopback (sandbox/lab-health.ts) stands in for Route 53's fleet of checkers in several locations, which calls an endpoint healthy when more than 18 % of them see it healthy; `status` reads the sandbox's reachability model (sandbox/reachability.ts) instead",
        "Route 53's choice of records: the lab's selector (sandbox/route53-selector.ts), written from the Route 53 Developer Guide apart from the driver's model (automation/dns-answers.ts), picks the records from the checker's raw inputs (weights, endpoint status, fences); Knot serves every picked record in each answer, not one drawn by weight per query",
        "the TTL: the unplanned outage serves 60 s, an alias to a load balancer's, and the drill's client keeps each answer for it as a recursive resolver would (no resolver runs); the planned switches' checks after DNS moves ask Knot with TTL 0, so they see a change at once where resolvers on AWS may keep the old answer up to 60 s after the switch — the measured planned switch does not include that",
        "the fence: a file of datapoints (.failover/sandbox-fence.json) and a model of the alarm's per-period evaluation (sandbox/fence-alarm.ts) instead of CloudWatch and its alarm; the lab does not wait for the period to close",
        "the load balancers' addresses: both regions listen on 127.0.0.1, so DNS answers documentation addresses (192.0.2.0/24) that the lab maps to each region's port",
        "the region outage: the sandbox fault file makes us-east-1's operations fail",
        "the gateways' users reload: the lab's timer (sandbox/lab-users.ts) reads each region's users object from the sandbox and makes its sshd read-only (internal-sftp -R, by SIGHUP) where SFTPGo would reload the object's read-only users; the timer's period is the stacks' usersRefreshSeconds (1 s in the drill)",
        "replication metrics: the sandbox's fixed readings instead of CloudWatch's AWS/S3 metrics",
    ],
    real: [
        "each region's SFTP endpoint: an OpenSSH sshd on 127.0.0.1 presenting the stacks' host keys, probed over SFTP by the canary (verify, the gate before DNS)",
        "the host keys' path at boot: the gateway's rendered installer script (components/gateway-user-data.ts) reads each region's secret with the AWS CLI and writes the key files each sshd loads",
        "the check after DNS moves in each planned switch: Knot DNS serving what the lab's selector picks for the records the sandbox's Route 53 holds, asked by node's resolver and judged against the driver's own model (automation/dns-answers.ts) — two codings of Route 53's rules, cross-checked by a unit test — then one SFTP session through the answered address",
        "the unplanned outage: Knot DNS serving the lab selector's answer with TTL 60 s as the checker's TCP probes (interval × threshold) see the primary go, and an OpenSSH sftp client with StrictHostKeyChecking=yes",
        "the planned failover's client sessions: an OpenSSH sftp client holding a session to the losing region uploads a large file at a limited rate while DNS moves (the drain waits for it, counted from the kernel's TCP table), and another arriving after the quiesce is refused writes",
        "the Pulumi engine (built locally) driven through the Automation API",
        "the failover controller: planner, journal, lock, fencing order and audit log",
        "the stack programs and components, with their validation",
    ],
} as const;

/** Collects a drill as it runs. Never prints; the drill prints its own story. */
export class DrillRecorder {
    private readonly started: Date;
    private readonly steps: DrillStep[] = [];
    private current?: { index: number; title: string; started: Date; switches: MeasuredSwitch[]; notes: string[]; refused: boolean };
    private readonly health: HealthSnapshot[] = [];
    private readonly probes: ProbeRecord[] = [];
    private readonly checks: AfterDnsRecord[] = [];
    modelledRtoSeconds?: number;
    outage?: OutageFigures;
    sessions?: SessionFigures;
    rpoExposure?: string;
    fingerprints: DrillReport["fingerprints"] = { primary: undefined, secondary: undefined, same: false, source: "not read" };

    constructor(private readonly now: () => Date = () => new Date()) {
        this.started = now();
    }

    /** Starts step `index`, ending the one before. */
    begin(index: number, title: string): void {
        this.end();
        this.current = { index, title, started: this.now(), switches: [], notes: [], refused: false };
    }

    /** A switch made in the current step. */
    switched(s: MeasuredSwitch): void {
        this.current?.switches.push(s);
    }

    /** Something the controller refused in the current step (the drill expects some refusals). */
    refused(note: string): void {
        if (this.current !== undefined) {
            this.current.refused = true;
            this.current.notes.push(note);
        }
    }

    /** A note on the current step. */
    note(text: string): void {
        this.current?.notes.push(text);
    }

    /** What status reported, during the current step. */
    status(snapshot: Omit<HealthSnapshot, "step">): void {
        this.health.push({ step: this.current?.index ?? 0, ...snapshot });
    }

    /** Ends the current step (`failed` when the drill stopped in it). */
    end(failed = false): void {
        const c = this.current;
        if (c === undefined) {
            return;
        }
        const ended = this.now();
        const outcome: StepOutcome = failed ? "failed" : c.refused ? "refused" : worstOutcome(c.switches.map((s) => s.status));
        this.steps.push({
            index: c.index,
            title: c.title,
            startedAt: c.started.toISOString(),
            endedAt: ended.toISOString(),
            durationMs: ended.getTime() - c.started.getTime(),
            outcome,
            switches: c.switches,
            notes: c.notes,
        });
        this.current = undefined;
    }

    /** An SFTP probe made in the current step. */
    probe(p: Omit<ProbeRecord, "step">): void {
        this.probes.push({ step: this.current?.index ?? 0, ...p });
    }

    /** A check after DNS moved, in the current step. */
    afterDns(c: Omit<AfterDnsRecord, "step">): void {
        this.checks.push({ step: this.current?.index ?? 0, ...c });
    }

    /** The report; ends the current step first. */
    finish(error?: string): DrillReport {
        this.end(error !== undefined);
        return buildDrillReport({
            startedAt: this.started,
            endedAt: this.now(),
            steps: this.steps,
            endpointHealth: this.health,
            fingerprints: this.fingerprints,
            probes: this.probes,
            afterDns: this.checks,
            ...(this.outage === undefined ? {} : { outage: this.outage }),
            ...(this.sessions === undefined ? {} : { sessions: this.sessions }),
            ...(this.rpoExposure === undefined ? {} : { rpoExposure: this.rpoExposure }),
            ...(this.modelledRtoSeconds === undefined ? {} : { modelledRtoSeconds: this.modelledRtoSeconds }),
            ...(error === undefined ? {} : { error }),
        });
    }
}

/** A switch's status as a step outcome: failed beats degraded beats ok; all unchanged is unchanged. */
export function worstOutcome(statuses: readonly string[]): StepOutcome {
    if (statuses.some((s) => s === "failed")) return "failed";
    if (statuses.some((s) => s === "degraded")) return "degraded";
    if (statuses.length > 0 && statuses.every((s) => s === "unchanged")) return "unchanged";
    return "ok";
}

/**
 * The Route 53 answer that follows from a status reading, or undefined when the posture or any
 * region's health or fence is unknown (an answer from a guess would look like a measurement).
 *
 * `unpublishedFenceIsUnfenced` is for a fence source whose `unknown` means only "never published"
 * (the sandbox's fence file): the fence alarm then has no data, and its health check
 * (insufficientDataHealthStatus LastKnownStatus, components/dns-fence.ts) has no last known
 * status, which Route 53 counts as healthy (Route 53 API reference, HealthCheckConfig,
 * InsufficientDataHealthStatus). On AWS `unknown` can also mean "could not read", so it defaults to false.
 */
export function answerFromStatus(
    posture: string | undefined,
    regions: HealthSnapshot["regions"],
    opts: { readonly unpublishedFenceIsUnfenced?: boolean } = {},
): HealthSnapshot["dnsAnswer"] {
    const fenceKnown = (r: RegionName) => regions[r].fence !== "unknown" || opts.unpublishedFenceIsUnfenced === true;
    const known = (r: RegionName) => (regions[r].health === "healthy" || regions[r].health === "unhealthy") && fenceKnown(r);
    if (posture === undefined || !known("primary") || !known("secondary")) {
        return undefined;
    }
    const state = (r: RegionName) => ({ endpointHealthy: regions[r].health === "healthy", fenced: regions[r].fence === "fenced" });
    const { rule, answered, shares } = postureAnswer(posture as Posture, { primary: state("primary"), secondary: state("secondary") });
    return { rule, answered, shares };
}

/** Builds the report from what was recorded (pure). */
export function buildDrillReport(input: {
    readonly startedAt: Date;
    readonly endedAt: Date;
    readonly steps: readonly DrillStep[];
    readonly endpointHealth: readonly HealthSnapshot[];
    readonly fingerprints: DrillReport["fingerprints"];
    readonly probes?: readonly ProbeRecord[];
    readonly afterDns?: readonly AfterDnsRecord[];
    readonly outage?: OutageFigures;
    readonly sessions?: SessionFigures;
    readonly rpoExposure?: string;
    readonly modelledRtoSeconds?: number;
    readonly error?: string;
}): DrillReport {
    const planned = input.steps.flatMap((s) => s.switches).find((s) => s.to === "failover" && s.status !== "unchanged");
    return {
        schema: drillReportSchema,
        startedAt: input.startedAt.toISOString(),
        endedAt: input.endedAt.toISOString(),
        durationMs: input.endedAt.getTime() - input.startedAt.getTime(),
        outcome: input.error === undefined && input.steps.every((s) => s.outcome !== "failed") ? "ok" : "failed",
        ...(input.error === undefined ? {} : { error: input.error }),
        steps: input.steps,
        ...(planned === undefined ? {} : { measuredSwitchMs: planned.durationMs }),
        ...(input.modelledRtoSeconds === undefined ? {} : { modelledRtoSeconds: input.modelledRtoSeconds }),
        endpointHealth: input.endpointHealth,
        ...(input.outage === undefined ? {} : { outage: input.outage }),
        ...(input.sessions === undefined ? {} : { sessions: input.sessions }),
        probes: input.probes ?? [],
        afterDns: input.afterDns ?? [],
        ...(input.rpoExposure === undefined ? {} : { rpoExposure: input.rpoExposure }),
        fingerprints: input.fingerprints,
        emulated: sandboxEnvironment.emulated,
        real: sandboxEnvironment.real,
    };
}

/**
 * What a report must hold, checked on the parsed JSON (so it also catches a file written by an
 * older drill). Returns one line per problem; empty means valid.
 */
export function validateDrillReport(value: unknown): string[] {
    const problems: string[] = [];
    const r = value as Record<string, unknown> | null;
    if (typeof r !== "object" || r === null) {
        return ["the report is not a JSON object"];
    }
    const need = (key: string, ok: (v: unknown) => boolean, what: string) => {
        if (!ok(r[key])) problems.push(`${key} must be ${what} (got ${JSON.stringify(r[key])})`);
    };
    const isDate = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v));
    const isMs = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
    need("schema", (v) => v === drillReportSchema, `"${drillReportSchema}"`);
    need("startedAt", isDate, "an ISO date");
    need("endedAt", isDate, "an ISO date");
    need("outcome", (v) => v === "ok" || v === "failed", '"ok" or "failed"');
    need("steps", (v) => Array.isArray(v) && v.length > 0, "a non-empty array");
    need("measuredSwitchMs", isMs, "a number of ms ≥ 0");
    need("modelledRtoSeconds", isMs, "a number of seconds ≥ 0");
    need("endpointHealth", (v) => Array.isArray(v) && v.length > 0, "a non-empty array");
    need("fingerprints", (v) => typeof v === "object" && v !== null && "primary" in v && "secondary" in v && "same" in v, "{ primary, secondary, same }");
    need("emulated", (v) => Array.isArray(v) && v.length > 0, "a non-empty list");
    need("real", (v) => Array.isArray(v) && v.length > 0, "a non-empty list");
    const outcomes: readonly string[] = ["ok", "unchanged", "degraded", "refused", "failed"];
    (Array.isArray(r.steps) ? r.steps : []).forEach((s: Record<string, unknown>, i: number) => {
        if (!(typeof s?.index === "number" && typeof s.title === "string" && isDate(s.startedAt) && isDate(s.endedAt) && isMs(s.durationMs) && outcomes.includes(String(s.outcome)))) {
            problems.push(`steps[${i}] must have index, title, startedAt, endedAt, durationMs and an outcome (${outcomes.join(", ")})`);
        }
    });
    (Array.isArray(r.endpointHealth) ? r.endpointHealth : []).forEach((h: Record<string, unknown>, i: number) => {
        const regions = h?.regions as Record<string, unknown> | undefined;
        if (!(typeof regions === "object" && regions !== null && "primary" in regions && "secondary" in regions)) {
            problems.push(`endpointHealth[${i}].regions must name primary and secondary`);
        }
    });
    need("sessions", (v) => v === undefined || sessionsProblem(v) === undefined, `absent or complete (${sessionsProblem(r.sessions) ?? ""})`);
    need("afterDns", (v) => Array.isArray(v), "an array");
    const checkOutcomes: readonly string[] = ["passed", "failed", "unverifiable", "skipped"];
    (Array.isArray(r.afterDns) ? r.afterDns : []).forEach((c: Record<string, unknown>, i: number) => {
        if (!(typeof c?.step === "number" && checkOutcomes.includes(String(c.outcome)) && typeof c.name === "string" && typeof c.line === "string")) {
            problems.push(`afterDns[${i}] must have step, name, line and an outcome (${checkOutcomes.join(", ")})`);
        }
    });
    return problems;
}

/** What is missing from a sessions record, or undefined when it is complete. */
function sessionsProblem(v: unknown): string | undefined {
    const s = v as Partial<SessionFigures> | null;
    if (typeof s !== "object" || s === null) return "an object";
    if (typeof s.upload?.completed !== "boolean" || typeof s.upload.bytes !== "number") return "upload.completed and upload.bytes";
    if (typeof s.lateUpload?.refused !== "boolean") return "lateUpload.refused";
    if (typeof s.quiesce?.modelSeconds !== "number") return "quiesce.modelSeconds";
    if (typeof s.drain !== "string") return "drain";
    return undefined;
}

/** The sessions section of the Markdown report (the drill prints it too). */
export function sessionLines(s: SessionFigures | undefined): string[] {
    if (s === undefined) {
        return ["Not run."];
    }
    const u = s.upload;
    return [
        `- New connections move (DNS): ${ms(s.newConnectionsMoveMs)} from the switch's start until the DNS step ended (the lab's DNS serves TTL 0; on AWS add the records' TTL and the health checks)`,
        `- Existing sessions end (drain): ${ms(s.existingSessionsEndMs)} from the DNS step's end until the drain saw the last session end — ${s.drain}`,
        `- Upload of ${(u.bytes / 1024 / 1024).toFixed(1)} MiB at ${u.limitKbits} Kbit/s in a session opened before the switch: ${u.completed ? "completed, whole" : `NOT completed${u.error !== undefined ? ` (${u.error})` : ""}`}; ${u.openWhenDrainBegan !== undefined ? `${u.openWhenDrainBegan} session(s) open as the drain began; ` : ""}the session ended ${ms(u.sessionEndedAfterDnsMs)} after DNS moved, and the drain saw it end ${ms(u.drainSawItEndAfterMs)} from the client's exit`,
        `- A client arriving after the quiesce: ${s.lateUpload.refused ? "refused writes cleanly, nothing stored" : "NOT refused"} (${s.lateUpload.message || "no message"})`,
        `- Quiesce: the step took ${ms(s.quiesce.stepMs)}; the server was read-only ${ms(s.quiesce.appliedAfterStepStartMs)} after it began; the driver waited the modelled reload of ${s.quiesce.modelSeconds} s after it`,
    ];
}

const pctOf = (shares: Readonly<Record<string, number>> | undefined) =>
    shares === undefined ? "?" : Object.entries(shares).map(([r, v]) => `${r} ${Math.round(v * 100)}%`).join(", ");

const ms = (v: number | undefined) => (v === undefined ? "?" : `${(v / 1000).toFixed(1)} s`);

/** The report as Markdown (pure). */
export function renderDrillMarkdown(report: DrillReport): string {
    const lines = [
        `# Sandbox drill, ${report.startedAt}`,
        "",
        `Outcome: **${report.outcome}**${report.error === undefined ? "" : ` — ${report.error}`}; took ${ms(report.durationMs)}.`,
        "",
        `- Measured planned switch (active-passive → failover): ${ms(report.measuredSwitchMs)}`,
        `- Modelled RTO of an unplanned failover (health check interval × threshold + TTL): ${report.modelledRtoSeconds ?? "?"} s`,
        `- Unplanned outage on real servers: ${report.outage === undefined ? "not run" : `a client through the service name landed on ${report.outage.before ?? "nothing"}, then on ${report.outage.after ?? "nothing"}${report.outage.clientWarnings === "" ? " with no host-key warning" : ` (client said: ${report.outage.clientWarnings})`}; RTO measured ${ms(report.outage.measuredRtoMs)} against ${ms(report.outage.labModelMs)} modelled at lab scale (interval × threshold + TTL ${report.outage.ttlSeconds ?? 0} s; DNS moved after ${ms(report.outage.dnsMovedMs)}${report.outage.cachedAttempts === undefined ? "" : `, ${report.outage.cachedAttempts} sessions still used the held answer`}); the configured timings model ${report.outage.configuredModelSeconds} s`}`,
        `- ${report.rpoExposure ?? "RPO exposure: not read"}`,
        `- Host keys the same in both regions: ${report.fingerprints.same} (${report.fingerprints.source})`,
        "",
        "## Sessions during the planned failover",
        "",
        ...sessionLines(report.sessions),
        "",
        "## Steps",
        "",
        "| # | Step | Start | End | Took | Outcome |",
        "|---|------|-------|-----|------|---------|",
        ...report.steps.map((s) => `| ${s.index} | ${s.title} | ${s.startedAt} | ${s.endedAt} | ${ms(s.durationMs)} | ${s.outcome} |`),
        "",
        "## Switches measured",
        "",
        ...report.steps.flatMap((s) => s.switches.map((w) => `- step ${s.index}, ${w.title}: ${w.from ?? "?"} → ${w.to}, ${w.status} in ${ms(w.durationMs)}${w.fenced.length > 0 ? `, fenced ${w.fenced.join(", ")}` : ""}`)),
        "",
        "## Endpoint health as status reported it",
        "",
        "| Step | Posture | Primary | Secondary | Fail open | Route 53 answers (the model) |",
        "|------|---------|---------|-----------|-----------|------------------------------|",
        ...report.endpointHealth.map((h) => {
            const region = (r: RegionName) => `${h.regions[r].health}, fence ${h.regions[r].fence}`;
            const answer = h.dnsAnswer === undefined ? "unknown" : `${h.dnsAnswer.answered.join(" + ")} (${h.dnsAnswer.rule})`;
            return `| ${h.step} | ${h.posture ?? "?"} | ${region("primary")} | ${region("secondary")} | ${h.failsOpen} | ${answer} |`;
        }),
        "",
        "## SFTP probes",
        "",
        "| Step | Region | Result | Against | Host key |",
        "|------|--------|--------|---------|----------|",
        ...(report.probes ?? []).map((p) => `| ${p.step} | ${p.region} | ${p.ok ? "ok" : `failed at ${p.stage ?? "?"}`} | ${p.against} | ${p.hostKeyFingerprint ?? "-"} |`),
        "",
        "## Checks after DNS moved",
        "",
        "| Step | Switch | Weights | Expected by the model (rule) | Answered by Knot, from the lab's selector (first-answer shares) | Session landed in | Rounds | Took | Outcome |",
        "|------|--------|---------|------------------------------|-----------------------------------------------------------------|-------------------|--------|------|---------|",
        ...(report.afterDns ?? []).map(
            (c) =>
                `| ${c.step} | ${c.switch} | ${c.weights === undefined ? "?" : `${c.weights.primary}/${c.weights.secondary}`} | ${c.expected === undefined ? "?" : `${c.expected.regions.join(" + ")} (${c.expected.rule})`} | ${c.observed === undefined ? "?" : `${c.observed.regions.join(" + ") || "nothing"} (${pctOf(c.observed.shares)})`} | ${c.landed === undefined ? "-" : `${c.landed} at ${c.endpoint ?? "?"}`} | ${c.rounds ?? "?"} | ${ms(c.durationMs)} | ${c.outcome}${c.failed === undefined ? "" : ` (${c.failed})`} |`,
        ),
        "",
        ...(report.afterDns ?? []).map((c) => `- step ${c.step}, ${c.switch}, asked ${c.against}: ${c.line}`),
        "",
        "## Host key fingerprints per region",
        "",
        "```json",
        JSON.stringify({ primary: report.fingerprints.primary, secondary: report.fingerprints.secondary }, null, 2),
        "```",
        "",
        "## Emulated",
        "",
        ...report.emulated.map((e) => `- ${e}`),
        "",
        "## Real",
        "",
        ...report.real.map((e) => `- ${e}`),
        "",
    ];
    return lines.join("\n");
}

/** The folder of one run: `<root>/<ISO date with ':' as '-'>`, sortable and valid on every filesystem. */
export function reportFolder(root: string, startedAt: string): string {
    return path.join(root, startedAt.replace(/:/g, "-"));
}

/** Writes report.json and report.md into the run's folder; returns the folder. */
export function writeDrillReport(root: string, report: DrillReport): string {
    const dir = reportFolder(root, report.startedAt);
    makeFolder(dir);
    fs.writeFileSync(path.join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, "report.md"), renderDrillMarkdown(report));
    return dir;
}
