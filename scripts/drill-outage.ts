// The drill's unplanned outage, on real protocols: the lab's health checker publishes each region's
// raw inputs, the lab's selector (written from the Route 53 documentation) picks the answer a real
// DNS server (Knot) serves with the TTL an alias to a load balancer has (60 s), the primary's sshd
// is stopped, and a real OpenSSH `sftp` batch — StrictHostKeyChecking=yes, a known_hosts holding
// only the service name — finds the service through DNS, keeping each answer for its TTL as a
// recursive resolver would, until it lands on the secondary with no warning. The RTO it measures is
// set beside the one the lab's timings model and the one the configured timings model.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { Resolver } from "node:dns/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { RegionName, regionNames, Weights } from "../foundation/posture";
import { LabServers } from "../sandbox/lab-servers";
import { LabDns, startLabAnswers } from "../sandbox/lab-dns";

const run = promisify(execFile);

/** What the outage showed. */
export interface OutageResult {
    /** Where a client landed before the outage. */
    readonly before: RegionName | undefined;
    /** Where it landed after DNS moved. */
    readonly after: RegionName | undefined;
    /** From the sshd stop to the first session that landed on the secondary, in ms. */
    readonly measuredRtoMs: number | undefined;
    /** interval × threshold of the lab's checker + the records' TTL, in ms. */
    readonly labModelMs: number;
    /** The TTL the lab's DNS served, in s. */
    readonly ttlSeconds: number;
    /** Sessions after the stop that used an answer the client still held from before DNS moved. */
    readonly cachedAttempts: number;
    /** From the stop to DNS answering the secondary only, in ms. */
    readonly dnsMovedMs: number | undefined;
    /** The `sftp` client's stderr of the landing session (empty: no host-key warning). */
    readonly clientWarnings: string;
}

/** Options of {@link unplannedOutage}. */
export interface OutageOptions {
    readonly servers: LabServers;
    /** The service name (the dns stack's recordFqdn). */
    readonly fqdn: string;
    readonly weights: Weights;
    readonly fenced: () => Promise<Readonly<Record<RegionName, boolean>>>;
    /** `<type> <base64>` lines of the shared host keys. */
    readonly hostPublicKeys: readonly string[];
    /** The canary's private key: the client logs in with it. */
    readonly clientKey: string;
    readonly intervalMs: number;
    readonly threshold: number;
    /** TTL of the served records, in s: an alias to an ELB has 60. */
    readonly ttlSeconds: number;
}

/** An answer the client holds: its addresses, until when, and whether this lookup came from the cache. */
interface HeldAnswer {
    readonly addresses: readonly string[];
    readonly until: number;
    readonly cached: boolean;
}

/**
 * The client side's DNS cache: keeps each answer for its TTL, as the recursive resolver between a
 * client and Route 53 does. Node's resolver itself asks the server every time (Node turns off
 * c-ares's own cache), so without this the served TTL would change nothing the drill measures.
 */
function cachingLookup(resolver: Resolver, name: string): () => Promise<HeldAnswer> {
    let held: HeldAnswer | undefined;
    return async () => {
        if (held !== undefined && Date.now() < held.until) {
            return { ...held, cached: true };
        }
        const records = await resolver.resolve4(name, { ttl: true }).catch(() => []);
        const ttl = records.length === 0 ? 0 : Math.min(...records.map((r) => r.ttl));
        held = { addresses: records.map((r) => r.address), until: Date.now() + ttl * 1000, cached: false };
        return held;
    };
}

/** One `sftp -b` session through the service name: where it landed, and what the client said. */
async function session(
    opts: OutageOptions,
    lab: LabDns,
    lookup: () => Promise<HeldAnswer>,
    files: { key: string; knownHosts: string; batch: string; marker: string },
): Promise<{ landed?: RegionName; stderr: string; cached: boolean }> {
    const { addresses, cached } = await lookup();
    const port = addresses.length > 0 ? lab.portOf(addresses[0]) : undefined;
    if (port === undefined) {
        return { stderr: `no usable answer for ${opts.fqdn}: ${addresses.join(", ") || "none"}`, cached };
    }
    const before = new Set(regionNames.filter((r) => fs.existsSync(path.join(opts.servers.sshd[r].sftpDir, path.basename(files.marker)))));
    try {
        const { stderr } = await run(
            "/usr/bin/sftp",
            [
                "-b", files.batch, "-P", String(port), "-i", files.key,
                "-o", `HostKeyAlias=${opts.fqdn}`, "-o", `UserKnownHostsFile=${files.knownHosts}`, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=2",
                `${opts.servers.endpoints.primary.login ?? "root"}@127.0.0.1`,
            ],
            { timeout: 10_000 },
        );
        const landed = regionNames.find((r) => !before.has(r) && fs.existsSync(path.join(opts.servers.sshd[r].sftpDir, path.basename(files.marker))));
        return { ...(landed !== undefined ? { landed } : {}), stderr: stderr.trim(), cached };
    } catch (err) {
        return { stderr: String((err as { stderr?: string }).stderr ?? (err as Error).message).trim(), cached };
    }
}

/** Runs the outage; bounded by the checker's rounds and a fixed number of client attempts. */
export async function unplannedOutage(opts: OutageOptions): Promise<OutageResult> {
    const ttlMs = opts.ttlSeconds * 1000;
    const labModelMs = opts.intervalMs * opts.threshold + ttlMs;
    // A client retries about every second while it holds an answer; faster only when nothing is held.
    const retryMs = ttlMs > 0 ? Math.max(1000, opts.intervalMs) : opts.intervalMs / 2;
    const lab = await startLabAnswers({
        servers: opts.servers,
        fqdn: opts.fqdn,
        intervalMs: opts.intervalMs,
        threshold: opts.threshold,
        weights: () => opts.weights,
        fenced: opts.fenced,
        // Room for four lab models, and still a bound.
        maxRounds: Math.ceil((4 * labModelMs) / opts.intervalMs) + 400,
        ttlSeconds: opts.ttlSeconds,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-client-"));
    try {
        const files = { key: path.join(dir, "key"), knownHosts: path.join(dir, "known_hosts"), batch: path.join(dir, "batch"), marker: path.join(dir, "landed.txt") };
        fs.writeFileSync(files.key, opts.clientKey.endsWith("\n") ? opts.clientKey : `${opts.clientKey}\n`, { mode: 0o600 });
        // Only the service name: a client that met a different key, or the region's own name, would be refused.
        fs.writeFileSync(files.knownHosts, opts.hostPublicKeys.map((k) => `${opts.fqdn} ${k}\n`).join(""));
        fs.writeFileSync(files.marker, "written through the service name\n");
        fs.writeFileSync(files.batch, `put ${files.marker}\nls\n`);
        const resolver = new Resolver({ timeout: 1000, tries: 1 });
        resolver.setServers([lab.dns.address]);
        const lookup = cachingLookup(resolver, opts.fqdn);

        const first = await session(opts, lab, lookup, files);
        for (const r of regionNames) {
            fs.rmSync(path.join(opts.servers.sshd[r].sftpDir, path.basename(files.marker)), { force: true });
        }
        const stoppedAt = Date.now();
        await opts.servers.stop("primary");
        const moved = await lab.waitForAnswer(["secondary"], stoppedAt);
        let landing: { landed?: RegionName; stderr: string; cached: boolean } = { stderr: "", cached: false };
        let landedAt: number | undefined;
        let cachedAttempts = 0;
        const attempts = Math.ceil((2 * labModelMs) / retryMs) + 40;
        for (let attempt = 0; attempt < attempts && landing.landed !== "secondary"; attempt++) {
            landing = await session(opts, lab, lookup, files);
            landedAt = Date.now();
            cachedAttempts += landing.cached ? 1 : 0;
            if (landing.landed !== "secondary") {
                await new Promise((r) => setTimeout(r, retryMs));
            }
        }
        return {
            before: first.landed,
            after: landing.landed,
            measuredRtoMs: landing.landed === "secondary" && landedAt !== undefined ? landedAt - stoppedAt : undefined,
            labModelMs,
            ttlSeconds: opts.ttlSeconds,
            cachedAttempts,
            dnsMovedMs: moved !== undefined ? moved.at - stoppedAt : undefined,
            clientWarnings: landing.stderr,
        };
    } finally {
        await lab.stop();
        await opts.servers.restart("primary");
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
