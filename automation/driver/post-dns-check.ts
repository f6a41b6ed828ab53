// The check after DNS moves, inside a switch: the authoritative answers for the service name must
// show the split the DNS step deployed, and one SFTP session through the service name must land in
// a region Route 53 may answer. DNS has already moved when it runs, so it never stops or undoes the
// switch: it reports, and the caller (the CLI) turns a failure into an exit code.
//
// Which regions Route 53 may answer is not re-derived here: it is automation/dns-answers.ts under
// the weights deployed and the health the driver knows (fences, endpoint checks), so a fenced
// region's weight-0 partner or a fail-open answer is expected where Route 53 documents it.
//
// How an answered address maps to a region is an input (`locate`): on AWS, the addresses each
// region's endpoint name resolves to; in a lab, whatever addresses the lab's records stand for.
import { throwIfAborted } from "./tasks";
import { AnswerRule, RegionHealthState, route53Answer, Route53Answer } from "../dns-answers";
import type { DnsProbeOptions, DnsProbeResult } from "../probes/dns";
import type { SftpProbeOptions, SftpProbeResult, SftpProbeStage } from "../probes/sftp";
import { RegionName, regionNames, Weights } from "../../foundation/posture";
import { SftpEndpoint } from "./sftp-endpoint";

/** Where an answered address leads: its region, and where to open an SFTP session to it. */
export interface AddressLocation {
    readonly region: RegionName;
    readonly endpoint: SftpEndpoint;
}

/** Maps an address the DNS server answered to its region; undefined when it is no region's. */
export type AddressLocator = (address: string) => Promise<AddressLocation | undefined>;

/** What the session through the service name logs in with. */
export interface CanaryCredentials {
    readonly user: string;
    readonly privateKey: string;
}

/** The inputs of one check. */
export interface PostDnsCheckInput {
    /** The service name (the dns stack's `recordFqdn`). */
    readonly name: string;
    /** The authoritative servers to ask, `ip` or `ip:port`. */
    readonly servers: readonly string[];
    /** The weights the DNS step deployed. */
    readonly weights: Weights;
    /** Each region's health as the driver knows it (unknown counts as healthy, as Route 53 treats a check with no data). */
    readonly health: Readonly<Record<RegionName, RegionHealthState>>;
    /** The host key fingerprints every region shares: what a client's known_hosts holds for the service name. */
    readonly fingerprints: readonly string[];
    readonly locate: AddressLocator;
    /** The canary of a region, undefined when it has none. */
    readonly canary: (region: RegionName) => Promise<CanaryCredentials | undefined>;
    /** Queries per round of answers. Defaults to 20. */
    readonly queries?: number;
    /**
     * How long to keep asking while the answers do not show the new split yet. Defaults to 60 s:
     * Route 53 propagates a change to all of its authoritative servers "generally within 60 seconds"
     * (Route 53 API Reference, GetChange: INSYNC), and a region just scaled up may still be
     * proving itself healthy to the checkers.
     */
    readonly settleMs?: number;
    /** Pause between rounds while settling. Defaults to 1000 ms. */
    readonly pollMs?: number;
    /** Bound on the SFTP session. Defaults to 20 000 ms. */
    readonly sessionTimeoutMs?: number;
    readonly signal?: AbortSignal;
}

/** The probes, replaceable in tests. */
export interface PostDnsProbes {
    readonly dns: (opts: DnsProbeOptions) => Promise<DnsProbeResult>;
    readonly sftp: (opts: SftpProbeOptions) => Promise<SftpProbeResult>;
}

// Loaded when a check runs: the CLI renders results through this module and must not load the SSH
// client for it (the emergency fence loads next to nothing).
const realProbes: PostDnsProbes = {
    dns: async (opts) => (await import("../probes/dns")).probeDns(opts),
    sftp: async (opts) => (await import("../probes/sftp")).probeSftp(opts),
};

/** What the answers showed beside what Route 53 should answer. */
export interface PostDnsAnswers {
    readonly ok: boolean;
    readonly weights: Weights;
    /** Route 53's answer under the deployed weights and the known health. */
    readonly expected: { readonly rule: AnswerRule; readonly regions: readonly RegionName[]; readonly shares: Readonly<Record<RegionName, number>> };
    /** The last round's answers. */
    readonly observed: {
        readonly queries: number;
        readonly answered: number;
        readonly errors: Readonly<Record<string, number>>;
        /** The regions whose addresses appeared in any answer, primary first. */
        readonly regions: readonly RegionName[];
        /** The fraction of answered queries whose first address was each region's. */
        readonly shares: Readonly<Record<RegionName, number>>;
        /** Answered addresses that are no region's. */
        readonly unknownAddresses: readonly string[];
    };
    /** Rounds asked before the answers matched or the settling time ran out. */
    readonly rounds: number;
    /** Why they do not match, when they do not. */
    readonly message?: string;
}

/** Where the session through the service name landed. */
export interface PostDnsSession {
    readonly ok: boolean;
    /** The regions it may land in (Route 53's expected answer). */
    readonly acceptable: readonly RegionName[];
    /** The address DNS answered first. */
    readonly address?: string;
    /** `host:port` the session opened. */
    readonly endpoint?: string;
    readonly region?: RegionName;
    readonly hostKeyFingerprint?: string;
    /** Where it stopped: a probe stage, `resolve` (no usable answer) or `landing` (a region Route 53 should not answer). */
    readonly stage?: SftpProbeStage | "resolve" | "landing";
    /** Set when there was nothing to log in with (no canary, no shared host key). */
    readonly unverifiable?: true;
    readonly message?: string;
}

/** The outcome of the check after DNS moved. */
export interface PostDnsCheckResult {
    /** passed: both parts; failed: one part failed (`failed` names it); unverifiable: answers passed, no session could be opened; skipped: `skipVerify`. */
    readonly outcome: "passed" | "failed" | "unverifiable" | "skipped";
    readonly name: string;
    readonly servers: readonly string[];
    readonly answers?: PostDnsAnswers;
    readonly session?: PostDnsSession;
    /** The part that failed first. */
    readonly failed?: "answers" | "session";
    /** Why the check could not run at all (it then counts as failed answers). */
    readonly error?: string;
    /** How long the check took, settling included. */
    readonly durationMs?: number;
}

/** Route 53's expected answer after the DNS step (automation/dns-answers.ts). */
export function expectedAfterDns(weights: Weights, health: Readonly<Record<RegionName, RegionHealthState>>): Route53Answer {
    return route53Answer({ primary: { weight: weights.primary, ...health.primary }, secondary: { weight: weights.secondary, ...health.secondary } });
}

/**
 * Compares one round of answers with Route 53's expected answer. The regions answered must be
 * exactly the expected ones; shares are reported, not judged (a few queries of a weighted record
 * vary, and a server that returns every record in each answer shows no weighting at all).
 */
export function judgeAnswers(
    expected: Route53Answer,
    weights: Weights,
    probe: DnsProbeResult,
    regionOf: Readonly<Record<string, RegionName | undefined>>,
): Omit<PostDnsAnswers, "rounds"> {
    const seen = new Set<RegionName>();
    const unknownAddresses: string[] = [];
    for (const address of Object.keys(probe.addresses)) {
        const region = regionOf[address];
        if (region === undefined) {
            unknownAddresses.push(address);
        } else {
            seen.add(region);
        }
    }
    const shares = { primary: 0, secondary: 0 };
    for (const [address, count] of Object.entries(probe.firstAddresses)) {
        const region = regionOf[address];
        if (region !== undefined && probe.answered > 0) {
            shares[region] += count / probe.answered;
        }
    }
    const regions = regionNames.filter((r) => seen.has(r));
    const observed = { queries: probe.queries, answered: probe.answered, errors: probe.errors, regions, shares, unknownAddresses };
    const base = { weights, expected: { rule: expected.rule, regions: expected.answered, shares: expected.shares }, observed };
    const errors = Object.entries(probe.errors).map(([code, n]) => `${code} ×${n}`).join(", ");
    let message: string | undefined;
    if (probe.answered === 0) {
        message = `no answer for ${probe.name} from ${probe.servers.join(", ")} in ${probe.queries} queries${errors !== "" ? ` (${errors})` : ""}`;
    } else if (unknownAddresses.length > 0) {
        message = `${probe.name} answered ${unknownAddresses.join(", ")}, which is no region's endpoint`;
    } else if (regions.join(",") !== expected.answered.join(",")) {
        message = `${probe.name} answered ${regions.join(" and ")}, expected ${expected.answered.join(" and ")} (${expected.rule}, weights ${weights.primary}/${weights.secondary})`;
    }
    return message === undefined ? { ok: true, ...base } : { ok: false, ...base, message };
}

/** Percent, for one line. */
function pct(share: number): string {
    return `${Math.round(share * 100)}%`;
}

/** One line for the audit log, the CLI and the drill. */
export function describePostDnsCheck(result: PostDnsCheckResult): string {
    if (result.outcome === "skipped") {
        return "check after DNS moved skipped by the operator (--skip-verify)";
    }
    const a = result.answers;
    const s = result.session;
    const answers = a === undefined ? "" : a.ok
        ? `${result.name} answered ${a.observed.regions.join(" and ")} as expected (${a.expected.rule}; first-answer shares ${regionNames.map((r) => `${r} ${pct(a.observed.shares[r])}`).join(", ")} for weights ${a.weights.primary}/${a.weights.secondary})`
        : `answers: ${a.message ?? "do not match"}`;
    const session = s === undefined ? "" : s.ok ? `a session through it landed in ${s.region ?? "?"} (${s.endpoint ?? "?"}, host key ${s.hostKeyFingerprint ?? "?"})` : `session: ${s.message ?? "failed"}`;
    switch (result.outcome) {
        case "passed":
            return `after DNS moved: ${answers}; ${session}`;
        case "unverifiable":
            return `after DNS moved: ${answers}; no session: ${s?.message ?? "nothing to log in with"}`;
        case "failed": {
            const why = [result.error ?? "", a !== undefined && !a.ok ? answers : "", s !== undefined && !s.ok && s.unverifiable !== true ? session : ""].filter((t) => t !== "").join("; ");
            return `check after DNS moved FAILED (${result.failed ?? "?"}): ${why}; DNS has moved and stays moved`;
        }
    }
}

const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
        }
        signal?.addEventListener("abort", done, { once: true });
    });

/** Locates every address not located yet (a locator may resolve names: ask once per address). */
async function locateAll(addresses: readonly string[], locate: AddressLocator, known: Map<string, AddressLocation | undefined>): Promise<Record<string, RegionName | undefined>> {
    for (const address of addresses) {
        if (!known.has(address)) {
            known.set(address, await locate(address).catch(() => undefined));
        }
    }
    return Object.fromEntries([...known].map(([address, at]) => [address, at?.region]));
}

/** Asks the servers in rounds until the answers match or the settling time runs out. */
async function checkAnswers(input: PostDnsCheckInput, probes: PostDnsProbes, expected: Route53Answer, known: Map<string, AddressLocation | undefined>): Promise<PostDnsAnswers> {
    const settleMs = input.settleMs ?? 60_000;
    const pollMs = input.pollMs ?? 1000;
    const started = Date.now();
    for (let round = 1; ; round++) {
        const probe = await probes.dns({ name: input.name, servers: input.servers, queries: input.queries ?? 20, ...(input.signal !== undefined ? { signal: input.signal } : {}) });
        const judged = judgeAnswers(expected, input.weights, probe, await locateAll(Object.keys(probe.addresses), input.locate, known));
        // Bounded by time and, for a clock that stalls, by the number of rounds that fit in it.
        const more = !judged.ok && Date.now() - started + pollMs <= settleMs && round < Math.ceil(settleMs / pollMs) + 1 && input.signal?.aborted !== true;
        if (!more) {
            return { ...judged, rounds: round };
        }
        await sleep(pollMs, input.signal);
    }
}

/** One client: resolve the name once, connect to the first address, check the host key, log in as the canary. */
async function openSession(input: PostDnsCheckInput, probes: PostDnsProbes, expected: Route53Answer, known: Map<string, AddressLocation | undefined>): Promise<PostDnsSession> {
    const acceptable = expected.answered;
    const lookup = await probes.dns({ name: input.name, servers: input.servers, queries: 1, ...(input.signal !== undefined ? { signal: input.signal } : {}) });
    const address = Object.keys(lookup.firstAddresses)[0];
    if (address === undefined) {
        return { ok: false, acceptable, stage: "resolve", message: `no address for ${input.name} from ${input.servers.join(", ")}: ${Object.keys(lookup.errors).join(", ") || "empty answer"}` };
    }
    await locateAll([address], input.locate, known);
    const at = known.get(address);
    if (at === undefined) {
        return { ok: false, acceptable, address, stage: "resolve", message: `${input.name} answered ${address}, which is no region's endpoint` };
    }
    const endpoint = `${at.endpoint.host}:${at.endpoint.port}`;
    const where = { acceptable, address, endpoint, region: at.region };
    if (!acceptable.includes(at.region)) {
        return { ok: false, ...where, stage: "landing", message: `landed in ${at.region} (${address}), expected ${acceptable.join(" or ")}` };
    }
    if (input.fingerprints.length === 0) {
        return { ok: false, ...where, unverifiable: true, message: "the regions share no host key fingerprint: a client of the service name would be refused by one of them" };
    }
    const canary = await input.canary(at.region);
    if (canary === undefined) {
        return { ok: false, ...where, unverifiable: true, message: `${at.region} has no canary to log in with (secret sftp-failover:canaryKey)` };
    }
    const probe = await probes.sftp({
        host: at.endpoint.host,
        port: at.endpoint.port,
        username: at.endpoint.login ?? canary.user,
        privateKey: canary.privateKey,
        expectedHostKeyFingerprints: input.fingerprints,
        timeoutMs: input.sessionTimeoutMs ?? 20_000,
        ...(input.signal !== undefined ? { signal: input.signal } : {}),
    });
    return probe.ok
        ? { ok: true, ...where, hostKeyFingerprint: probe.hostKeyFingerprint }
        : {
              ok: false,
              ...where,
              stage: probe.stage,
              message: `landed in ${at.region} (${address} → ${endpoint}) and failed at ${probe.stage}: ${probe.message}`,
              ...(probe.hostKeyFingerprint !== undefined ? { hostKeyFingerprint: probe.hostKeyFingerprint } : {}),
          };
}

/**
 * Runs the check: the answers first (settling while Route 53 propagates), then one session.
 * Never throws for what DNS or a region does; every failure is in the result.
 *
 * @throws Error only for invalid input (an empty name, malformed servers), from the DNS probe.
 * @throws AbortedError when `signal` has already fired (nothing is asked).
 */
export async function runPostDnsCheck(input: PostDnsCheckInput & { readonly skip?: boolean }, probes: PostDnsProbes = realProbes): Promise<PostDnsCheckResult> {
    throwIfAborted(input.signal);
    const base = { name: input.name, servers: input.servers };
    if (input.skip === true) {
        return { outcome: "skipped", ...base };
    }
    const started = Date.now();
    const expected = expectedAfterDns(input.weights, input.health);
    const known = new Map<string, AddressLocation | undefined>();
    const answers = await checkAnswers(input, probes, expected, known);
    const session = await openSession(input, probes, expected, known);
    const failed = !answers.ok ? "answers" : !session.ok && session.unverifiable !== true ? "session" : undefined;
    const outcome = failed !== undefined ? "failed" : session.ok ? "passed" : "unverifiable";
    return { outcome, ...base, answers, session, ...(failed !== undefined ? { failed } : {}), durationMs: Date.now() - started };
}
