// The drill's unplanned outage, on real protocols: the lab's health checker publishes Route 53's
// answer set on a real DNS server (Knot), the primary's sshd is stopped, and a real OpenSSH `sftp`
// batch — StrictHostKeyChecking=yes, a known_hosts holding only the service name — finds the
// service through DNS until it lands on the secondary with no warning. The RTO it measures is set
// beside the one the lab's timings model and the one the configured timings model.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { Resolver } from "node:dns/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { RegionName, regionNames, Weights } from "../automation/posture";
import { LabHealthChecker } from "../sandbox/lab-health";
import { LabServers } from "../sandbox/lab-servers";
import { startLabAnswers } from "../sandbox/lab-dns";

const run = promisify(execFile);

/** What the outage showed. */
export interface OutageResult {
    /** Where a client landed before the outage. */
    readonly before: RegionName | undefined;
    /** Where it landed after DNS moved. */
    readonly after: RegionName | undefined;
    /** From the sshd stop to the first session that landed on the secondary, in ms. */
    readonly measuredRtoMs: number | undefined;
    /** interval × threshold of the lab's checker, in ms (its TTL is 0). */
    readonly labModelMs: number;
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
}

/** One `sftp -b` session through the service name: where it landed, and what the client said. */
async function session(
    opts: OutageOptions,
    checker: LabHealthChecker,
    resolver: Resolver,
    files: { key: string; knownHosts: string; batch: string; marker: string },
): Promise<{ landed?: RegionName; stderr: string }> {
    const addresses = await resolver.resolve4(opts.fqdn).catch(() => [] as string[]);
    const port = addresses.length > 0 ? checker.portOf(addresses[0]) : undefined;
    if (port === undefined) {
        return { stderr: `no usable answer for ${opts.fqdn}: ${addresses.join(", ") || "none"}` };
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
        return { ...(landed !== undefined ? { landed } : {}), stderr: stderr.trim() };
    } catch (err) {
        return { stderr: String((err as { stderr?: string }).stderr ?? (err as Error).message).trim() };
    }
}

/** Runs the outage; bounded by the checker's rounds and a fixed number of client attempts. */
export async function unplannedOutage(opts: OutageOptions): Promise<OutageResult> {
    const { dns, checker, stop } = await startLabAnswers({
        servers: opts.servers,
        fqdn: opts.fqdn,
        intervalMs: opts.intervalMs,
        threshold: opts.threshold,
        weights: () => opts.weights,
        fenced: opts.fenced,
        maxRounds: 400,
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
        resolver.setServers([dns.address]);

        const first = await session(opts, checker, resolver, files);
        for (const r of regionNames) {
            fs.rmSync(path.join(opts.servers.sshd[r].sftpDir, path.basename(files.marker)), { force: true });
        }
        const stoppedAt = Date.now();
        await opts.servers.stop("primary");
        const moved = await checker.waitForAnswer(["secondary"], stoppedAt);
        let landing: { landed?: RegionName; stderr: string } = { stderr: "" };
        let landedAt: number | undefined;
        for (let attempt = 0; attempt < 40 && landing.landed !== "secondary"; attempt++) {
            landing = await session(opts, checker, resolver, files);
            landedAt = Date.now();
            if (landing.landed !== "secondary") {
                await new Promise((r) => setTimeout(r, opts.intervalMs / 2));
            }
        }
        return {
            before: first.landed,
            after: landing.landed,
            measuredRtoMs: landing.landed === "secondary" && landedAt !== undefined ? landedAt - stoppedAt : undefined,
            labModelMs: opts.intervalMs * opts.threshold,
            dnsMovedMs: moved !== undefined ? moved.at - stoppedAt : undefined,
            clientWarnings: landing.stderr,
        };
    } finally {
        await stop();
        await opts.servers.restart("primary");
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
