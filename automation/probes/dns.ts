import { Resolver } from "node:dns/promises";
import { performance } from "node:perf_hooks";

/** What to resolve, where, and how often. */
export interface DnsProbeOptions {
    /** The name to resolve (A records), e.g. the DNS stack's `recordFqdn`. */
    readonly name: string;
    /**
     * DNS servers to ask, `ip` or `ip:port` (e.g. `127.0.0.1:5353`, or a zone's name server to see
     * the authoritative answer without any cache). Defaults to the system's resolvers.
     */
    readonly servers?: readonly string[];
    /** How many queries. Defaults to 20. At most 10 000. */
    readonly queries?: number;
    /** Timeout of one query attempt. Defaults to 2000 ms. */
    readonly timeoutMs?: number;
    /** Attempts per query before it counts as failed. Defaults to 1. */
    readonly tries?: number;
    /** Pause between queries. Defaults to 0 ms. */
    readonly intervalMs?: number;
    /** Stops the probe early; the result then covers the queries made so far (one in flight counts as ECANCELLED). */
    readonly signal?: AbortSignal;
}

/** The distribution of the answers to `queries` lookups of `name`. */
export interface DnsProbeResult {
    readonly name: string;
    /** The servers asked; empty means the system's. */
    readonly servers: readonly string[];
    /** Queries made (fewer than asked when aborted). */
    readonly queries: number;
    /** Queries answered with at least one address. */
    readonly answered: number;
    /** Queries that got no address, by error code (`ENOTFOUND`, `ENODATA`, `ETIMEOUT`, `ECONNREFUSED`, …). */
    readonly errors: Readonly<Record<string, number>>;
    /** In how many answers each address appeared. */
    readonly addresses: Readonly<Record<string, number>>;
    /** How often each address came first: the one most clients connect to. */
    readonly firstAddresses: Readonly<Record<string, number>>;
    /** How often each whole answer came back, addresses sorted and joined by ",". */
    readonly answerSets: Readonly<Record<string, number>>;
    /** Smallest and largest TTL seen, when any query was answered. */
    readonly ttlSeconds?: { readonly min: number; readonly max: number };
    /** Query latency over all queries, answered or not. */
    readonly latencyMs?: { readonly min: number; readonly median: number; readonly max: number };
}

const maxQueries = 10_000;

/**
 * Resolves `name` N times and counts what came back. Route 53 answers a weighted or failover name
 * with one record set per query, so the shares of the answers over many queries show the weights
 * and the posture as clients see them. Never throws for what the DNS servers do; throws only for
 * invalid options.
 */
export async function probeDns(opts: DnsProbeOptions): Promise<DnsProbeResult> {
    const queries = opts.queries ?? 20;
    if (!Number.isInteger(queries) || queries < 1 || queries > maxQueries) {
        throw new Error(`queries must be an integer 1–${maxQueries} (got ${queries})`);
    }
    if (opts.name.trim() === "") {
        throw new Error("name is empty");
    }
    const servers = opts.servers ?? [];
    if (servers.length > 0) {
        try {
            new Resolver().setServers([...servers]);
        } catch (err) {
            throw new Error(`servers must be "ip" or "ip:port" entries (got ${JSON.stringify(servers)}): ${(err as Error).message}`);
        }
    }
    const intervalMs = opts.intervalMs ?? 0;
    const tally = newTally();
    const latencies: number[] = [];
    for (let i = 0; i < queries && !(opts.signal?.aborted ?? false); i++) {
        if (i > 0 && intervalMs > 0) {
            await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
        const started = performance.now();
        const answer = await queryOnce(opts, servers);
        latencies.push(performance.now() - started);
        record(tally, answer);
    }
    return {
        name: opts.name,
        servers,
        queries: latencies.length,
        answered: tally.answered,
        errors: tally.errors,
        addresses: tally.addresses,
        firstAddresses: tally.firstAddresses,
        answerSets: tally.answerSets,
        ...(tally.ttlMin === undefined ? {} : { ttlSeconds: { min: tally.ttlMin, max: tally.ttlMax! } }),
        ...(latencies.length === 0 ? {} : { latencyMs: spread(latencies) }),
    };
}

/** The fraction (0–1) of answered queries whose first address was `address`; 0 when none was answered. */
export function firstAddressShare(result: DnsProbeResult, address: string): number {
    return result.answered === 0 ? 0 : (result.firstAddresses[address] ?? 0) / result.answered;
}

type Answer = { readonly addresses: readonly { address: string; ttl: number }[] } | { readonly error: string };

/**
 * One lookup on a resolver of its own: each query must reach the server rather than a cache kept
 * by a shared resolver channel, or the distribution would only show the first answer repeated.
 */
async function queryOnce(opts: DnsProbeOptions, servers: readonly string[]): Promise<Answer> {
    const resolver = new Resolver({ timeout: opts.timeoutMs ?? 2000, tries: opts.tries ?? 1 });
    if (servers.length > 0) {
        resolver.setServers([...servers]);
    }
    const onAbort = () => resolver.cancel();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    try {
        const addresses = await resolver.resolve4(opts.name, { ttl: true });
        return addresses.length === 0 ? { error: "ENODATA" } : { addresses };
    } catch (err) {
        const code = (err as { code?: unknown }).code;
        return { error: typeof code === "string" ? code : "UNKNOWN" };
    } finally {
        opts.signal?.removeEventListener("abort", onAbort);
    }
}

interface Tally {
    answered: number;
    errors: Record<string, number>;
    addresses: Record<string, number>;
    firstAddresses: Record<string, number>;
    answerSets: Record<string, number>;
    ttlMin?: number;
    ttlMax?: number;
}

function newTally(): Tally {
    return { answered: 0, errors: {}, addresses: {}, firstAddresses: {}, answerSets: {} };
}

function bump(counts: Record<string, number>, key: string): void {
    counts[key] = (counts[key] ?? 0) + 1;
}

function record(tally: Tally, answer: Answer): void {
    if ("error" in answer) {
        bump(tally.errors, answer.error);
        return;
    }
    tally.answered += 1;
    bump(tally.firstAddresses, answer.addresses[0].address);
    const unique = [...new Set(answer.addresses.map((a) => a.address))];
    for (const address of unique) {
        bump(tally.addresses, address);
    }
    bump(tally.answerSets, unique.sort().join(","));
    for (const { ttl } of answer.addresses) {
        tally.ttlMin = Math.min(tally.ttlMin ?? ttl, ttl);
        tally.ttlMax = Math.max(tally.ttlMax ?? ttl, ttl);
    }
}

function spread(values: readonly number[]): { min: number; median: number; max: number } {
    const sorted = [...values].sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    return { min: round(sorted[0]), median: round(sorted[Math.floor(sorted.length / 2)]), max: round(sorted[sorted.length - 1]) };
}
