import { expect } from "chai";
import { RegionHealthState } from "../../automation/dns-answers";
import { describePostDnsCheck, expectedAfterDns, PostDnsCheckInput, PostDnsProbes, runPostDnsCheck } from "../../automation/driver/post-dns-check";
import { fixedAddressLocator, knownHealth, sharedFingerprints } from "../../automation/driver/post-dns-inputs";
import { DnsProbeOptions, DnsProbeResult } from "../../automation/probes/dns";
import { SftpProbeOptions, SftpProbeResult } from "../../automation/probes/sftp";
import { postureSpec, RegionName, Weights } from "../../foundation/posture";

// The check after DNS moves, with its probes replaced: which regions Route 53 should answer after
// the DNS step (from dns-answers.ts, under the fences and endpoint health the driver knows), and
// how a wrong answer, no answer, a session landing elsewhere or a wrong host key are reported.

const address: Readonly<Record<RegionName, string>> = { primary: "192.0.2.10", secondary: "192.0.2.20" };
const fp = "SHA256:" + "A".repeat(43);
const healthy: RegionHealthState = { endpointHealthy: true, fenced: false };
const fenced: RegionHealthState = { endpointHealthy: true, fenced: true };
const down: RegionHealthState = { endpointHealthy: false, fenced: false };
const allHealthy = { primary: healthy, secondary: healthy };

/** A DNS probe whose every query is answered with `answer()` (addresses; empty: a timeout). */
function dnsAnswering(answer: (query: number, opts: DnsProbeOptions) => readonly string[]): PostDnsProbes["dns"] {
    let asked = 0;
    return async (opts) => {
        const result = { name: opts.name, servers: opts.servers ?? [], queries: 0, answered: 0, errors: {} as Record<string, number>, addresses: {} as Record<string, number>, firstAddresses: {} as Record<string, number>, answerSets: {} as Record<string, number> };
        for (let i = 0; i < (opts.queries ?? 20); i++) {
            const addresses = answer(asked++, opts);
            result.queries += 1;
            if (addresses.length === 0) {
                result.errors.ETIMEOUT = (result.errors.ETIMEOUT ?? 0) + 1;
                continue;
            }
            result.answered += 1;
            result.firstAddresses[addresses[0]] = (result.firstAddresses[addresses[0]] ?? 0) + 1;
            for (const a of addresses) {
                result.addresses[a] = (result.addresses[a] ?? 0) + 1;
            }
        }
        return result as DnsProbeResult;
    };
}

/** Answers by weight, alternating per query, as Route 53 answers one weighted record per query. */
const weighted = (regions: readonly RegionName[]) => dnsAnswering((i) => [address[regions[i % regions.length]]]);

const sftpOk: PostDnsProbes["sftp"] = async () => ({ ok: true, hostKeyFingerprint: fp, remotePath: "./.p", bytes: 1, timings: { totalMs: 1 } });

function input(weights: Weights, health = allHealthy, extra: Partial<PostDnsCheckInput> = {}): PostDnsCheckInput {
    return {
        name: "sftp.failover.test",
        servers: ["127.0.0.1:5353"],
        weights,
        health,
        fingerprints: [fp],
        locate: fixedAddressLocator({ primary: [address.primary], secondary: [address.secondary] }, {}, () => 22),
        canary: async () => ({ user: "sftp-canary", privateKey: "not used by the fake probe" }),
        settleMs: 0,
        ...extra,
    };
}

const w = (posture: "active-active" | "active-passive" | "failover") => postureSpec(posture).weights;

describe("check after DNS moves (pure, probes replaced)", () => {
    describe("the expected answer per posture × health × fence follows Route 53", () => {
        const cases: [string, Weights, Record<RegionName, RegionHealthState>, RegionName[], string][] = [
            ["50/50, both healthy", w("active-active"), allHealthy, ["primary", "secondary"], "non-zero-weight"],
            ["100/0, both healthy", w("active-passive"), allHealthy, ["primary"], "non-zero-weight"],
            ["0/100, both healthy", w("failover"), allHealthy, ["secondary"], "non-zero-weight"],
            ["100/0, primary fenced: its weight-0 partner", w("active-passive"), { primary: fenced, secondary: healthy }, ["secondary"], "zero-weight"],
            ["100/0, primary's endpoint down", w("active-passive"), { primary: down, secondary: healthy }, ["secondary"], "zero-weight"],
            ["50/50, secondary fenced", w("active-active"), { primary: healthy, secondary: fenced }, ["primary"], "non-zero-weight"],
            ["0/100, both fenced: fail open, the weight-0 record stays out", w("failover"), { primary: fenced, secondary: fenced }, ["secondary"], "fail-open"],
            ["100/0, primary down and secondary fenced: fail open", w("active-passive"), { primary: down, secondary: fenced }, ["primary"], "fail-open"],
            ["50/50, both down: fail open to both", w("active-active"), { primary: down, secondary: down }, ["primary", "secondary"], "fail-open"],
        ];
        for (const [title, weights, health, regions, rule] of cases) {
            it(`${title} → ${regions.join(" and ")} (${rule}), and answers showing exactly that pass`, async () => {
                const expected = expectedAfterDns(weights, health);
                expect({ answered: expected.answered, rule: expected.rule }).to.deep.equal({ answered: regions, rule });
                const result = await runPostDnsCheck(input(weights, health), { dns: weighted(regions), sftp: sftpOk });
                expect(result.outcome, describePostDnsCheck(result)).to.equal("passed");
                expect(result.answers?.observed.regions).to.deep.equal(regions);
                expect(regions).to.include(result.session?.region);
            });
        }
    });

    it("knows a region as fenced when its fence reads fenced or the run fenced it, and an unknown fence or check as healthy", () => {
        expect(knownHealth({ primary: "unknown", secondary: "fenced" }, [], undefined)).to.deep.equal({ primary: healthy, secondary: fenced });
        expect(knownHealth({ primary: "unfenced", secondary: "unknown" }, ["primary"], { primary: { health: "unknown" }, secondary: { health: "unhealthy" } })).to.deep.equal({
            primary: fenced,
            secondary: down,
        });
    });

    it("fails on the answers when the old region is still answered, reporting shares beside the weights", async () => {
        const result = await runPostDnsCheck(input(w("failover")), { dns: weighted(["primary", "secondary"]), sftp: sftpOk });
        expect(result).to.include({ outcome: "failed", failed: "answers" });
        expect(result.answers?.observed.shares).to.deep.equal({ primary: 0.5, secondary: 0.5 });
        expect(result.answers?.expected.shares).to.deep.equal({ primary: 0, secondary: 1 });
        expect(describePostDnsCheck(result)).to.match(
            /^check after DNS moved FAILED \(answers\): answers: sftp\.failover\.test answered primary and secondary, expected secondary \(non-zero-weight, weights 0\/100\).*; DNS has moved and stays moved$/,
        );
    });

    it("fails on the session when it lands in a region Route 53 should not answer, even if the rounds of answers were right", async () => {
        // The rounds of 20 answer the secondary; the client's own lookup (1 query) gets the primary.
        const dns = dnsAnswering((_i, opts) => [opts.queries === 1 ? address.primary : address.secondary]);
        let opened = 0;
        const result = await runPostDnsCheck(input(w("failover")), { dns, sftp: async (o) => (opened++, sftpOk(o)) });
        expect(result).to.include({ outcome: "failed", failed: "session" });
        expect(result.session).to.deep.include({ ok: false, stage: "landing", region: "primary", acceptable: ["secondary"] });
        expect(opened, "no login where the client should not be").to.equal(0);
        expect(describePostDnsCheck(result)).to.include("(session): session: landed in primary (192.0.2.10), expected secondary");
    });

    it("fails on the answers when the server answers nothing, and names the errors", async () => {
        const result = await runPostDnsCheck(input(w("active-passive")), { dns: dnsAnswering(() => []), sftp: sftpOk });
        expect(result).to.include({ outcome: "failed", failed: "answers" });
        expect(result.answers?.message).to.equal("no answer for sftp.failover.test from 127.0.0.1:5353 in 20 queries (ETIMEOUT ×20)");
        expect(result.session).to.deep.include({ ok: false, stage: "resolve" });
    });

    it("fails on the answers when an answered address is no region's", async () => {
        const result = await runPostDnsCheck(input(w("active-passive")), { dns: dnsAnswering(() => ["198.51.100.7"]), sftp: sftpOk });
        expect(result.answers?.message).to.equal("sftp.failover.test answered 198.51.100.7, which is no region's endpoint");
    });

    it("fails on the session when the region presents a host key that is not a shared one, and says where it landed", async () => {
        let asked: SftpProbeOptions | undefined;
        const wrongKey = async (o: SftpProbeOptions): Promise<SftpProbeResult> => {
            asked = o;
            return { ok: false, stage: "host-key", message: "host key SHA256:zzz presented by 192.0.2.20:22 is not one of the expected fingerprints", hostKeyFingerprint: "SHA256:zzz", timings: { totalMs: 1 } };
        };
        const result = await runPostDnsCheck(input(w("failover")), { dns: weighted(["secondary"]), sftp: wrongKey });
        expect(result).to.include({ outcome: "failed", failed: "session" });
        expect(result.session).to.deep.include({ stage: "host-key", region: "secondary", hostKeyFingerprint: "SHA256:zzz" });
        expect(asked).to.deep.include({ host: "192.0.2.20", port: 22, username: "sftp-canary", expectedHostKeyFingerprints: [fp] });
        expect(describePostDnsCheck(result)).to.include("session: landed in secondary (192.0.2.20 → 192.0.2.20:22) and failed at host-key");
    });

    it("keeps asking while Route 53 propagates, and passes once the answers show the new split", async () => {
        const dns = dnsAnswering((i) => [i < 20 ? address.primary : address.secondary]);
        const result = await runPostDnsCheck(input(w("failover"), allHealthy, { settleMs: 1000, pollMs: 1 }), { dns, sftp: sftpOk });
        expect(result.outcome).to.equal("passed");
        expect(result.answers?.rounds).to.equal(2);
    });

    it("stops asking when the settling time is spent", async () => {
        const result = await runPostDnsCheck(input(w("failover"), allHealthy, { settleMs: 0, pollMs: 1 }), { dns: weighted(["primary"]), sftp: sftpOk });
        expect(result.answers).to.include({ ok: false, rounds: 1 });
    });

    it("is unverifiable, not failed, when the region has no canary; skipped with skipVerify, asking nothing", async () => {
        const noCanary = await runPostDnsCheck(input(w("failover"), allHealthy, { canary: async () => undefined }), { dns: weighted(["secondary"]), sftp: sftpOk });
        expect(noCanary.outcome).to.equal("unverifiable");
        expect(describePostDnsCheck(noCanary)).to.match(/; no session: secondary has no canary to log in with/);
        const fail = async (): Promise<never> => {
            throw new Error("must not be asked");
        };
        const skipped = await runPostDnsCheck({ ...input(w("failover")), skip: true }, { dns: fail, sftp: fail });
        expect(skipped.outcome).to.equal("skipped");
        expect(describePostDnsCheck(skipped)).to.equal("check after DNS moved skipped by the operator (--skip-verify)");
    });

    it("trusts only the host keys every deployed region exports, and sends a lab's address to its configured endpoint", async () => {
        const b = "SHA256:" + "B".repeat(43);
        expect(sharedFingerprints({ primary: { hostKeyFingerprints: { ed25519: fp, rsa: b } }, secondary: { hostKeyFingerprints: { ed25519: fp } } })).to.deep.equal([fp]);
        expect(sharedFingerprints({ primary: { hostKeyFingerprints: { ed25519: fp } }, secondary: {} })).to.deep.equal([fp]);
        const locate = fixedAddressLocator({ secondary: [address.secondary] }, { secondary: { host: "127.0.0.1", port: 2222, login: "lab" } }, () => 22);
        expect(await locate(address.secondary)).to.deep.equal({ region: "secondary", endpoint: { host: "127.0.0.1", port: 2222, login: "lab" } });
        expect(await locate(address.primary)).to.equal(undefined);
    });
});
