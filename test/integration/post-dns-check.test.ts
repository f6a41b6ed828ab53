import * as crypto from "node:crypto";
import { expect } from "chai";
import { generateHostKeys } from "../../components/host-keys";
import { toOpensshPrivateKey } from "../../components/ssh-keys";
import { describePostDnsCheck, PostDnsCheckInput, runPostDnsCheck } from "../../automation/driver/post-dns-check";
import { fixedAddressLocator } from "../../automation/driver/post-dns-inputs";
import { RegionHealthState } from "../../automation/dns-answers";
import { RegionName, Weights } from "../../foundation/posture";
import { LabAnswers } from "../../sandbox/lab-answers";
import { LabHealthChecker, labRecordAddresses } from "../../sandbox/lab-health";
import { LabServers, startRegionServers } from "../../sandbox/lab-servers";
import { DnsServer, startDnsServer } from "../../sandbox/servers/dns-server";

// The check after DNS moves on real protocols: Knot answers the service name, an OpenSSH sshd per
// region presents the shared host keys and admits the canary, and the check's own probes (node's
// resolver, the ssh2 client) ask and log in. The lab's record addresses stand for each region's
// load balancer and lead to its loopback port, the mapping the driver is given, not one it knows.

const healthy: RegionHealthState = { endpointHealthy: true, fenced: false };

describe("check after DNS moves, against Knot and a real sshd per region", () => {
    const texts = generateHostKeys("post-dns-test");
    const canaryKey = toOpensshPrivateKey(crypto.generateKeyPairSync("ed25519").privateKey, "canary");
    let servers: LabServers;
    let dns: DnsServer;

    before(async () => {
        const material = { hostKeys: texts, canaryKey };
        servers = await startRegionServers({ primary: material, secondary: material });
        dns = await startDnsServer({ zone: "failover.test" });
    });

    after(async () => {
        await dns?.stop();
        await servers?.stop();
    });

    const input = (weights: Weights, health: Record<RegionName, RegionHealthState> = { primary: healthy, secondary: healthy }): PostDnsCheckInput => ({
        name: dns.fqdn("sftp"),
        servers: [dns.address],
        weights,
        health,
        fingerprints: Object.values(servers.sshd.primary.hostKeyFingerprints),
        locate: fixedAddressLocator({ primary: [labRecordAddresses.primary], secondary: [labRecordAddresses.secondary] }, servers.endpoints, () => 22),
        canary: async () => ({ user: "sftp-canary", privateKey: canaryKey }),
        queries: 10,
        settleMs: 0,
        sessionTimeoutMs: 10_000,
    });

    it("after a failover (0/100) with DNS answering the secondary: passes, and the session lands in the secondary with a shared host key", async () => {
        await dns.setRecords({ sftp: [labRecordAddresses.secondary] });
        const result = await runPostDnsCheck(input({ primary: 0, secondary: 100 }));
        expect(result.outcome, describePostDnsCheck(result)).to.equal("passed");
        expect(result.answers?.observed).to.deep.include({ queries: 10, answered: 10, regions: ["secondary"], shares: { primary: 0, secondary: 1 } });
        expect(result.session).to.deep.include({ ok: true, region: "secondary", address: labRecordAddresses.secondary, endpoint: `127.0.0.1:${servers.endpoints.secondary.port}` });
        expect(Object.values(servers.sshd.secondary.hostKeyFingerprints)).to.include(result.session?.hostKeyFingerprint);
    });

    it("at 50/50 with both records answered: passes and says which region the session landed in", async () => {
        await dns.setRecords({ sftp: [labRecordAddresses.primary, labRecordAddresses.secondary] });
        const result = await runPostDnsCheck(input({ primary: 50, secondary: 50 }));
        expect(result.outcome, describePostDnsCheck(result)).to.equal("passed");
        expect(result.answers?.observed.regions).to.deep.equal(["primary", "secondary"]);
        expect(["primary", "secondary"]).to.include(result.session?.region);
        expect(describePostDnsCheck(result)).to.match(/a session through it landed in (primary|secondary) \(127\.0\.0\.1:\d+, host key SHA256:/);
    });

    it("fails on the answers, and the session on landing, when DNS still answers the primary after a failover", async () => {
        await dns.setRecords({ sftp: [labRecordAddresses.primary] });
        const result = await runPostDnsCheck(input({ primary: 0, secondary: 100 }));
        expect(result).to.include({ outcome: "failed", failed: "answers" });
        expect(result.session).to.deep.include({ ok: false, stage: "landing", region: "primary" });
        expect(describePostDnsCheck(result)).to.match(/^check after DNS moved FAILED \(answers\): answers: sftp\.failover\.test answered primary, expected secondary .*; session: landed in primary \(192\.0\.2\.10\), expected secondary; DNS has moved and stays moved$/);
    });

    it("fails on the session when the region DNS sends clients to presents a host key that is not shared", async () => {
        const other = generateHostKeys("not-shared");
        const stranger = await startRegionServers({ primary: { hostKeys: other, canaryKey }, secondary: { hostKeys: other, canaryKey } });
        try {
            await dns.setRecords({ sftp: [labRecordAddresses.secondary] });
            const result = await runPostDnsCheck({
                ...input({ primary: 0, secondary: 100 }),
                locate: fixedAddressLocator({ secondary: [labRecordAddresses.secondary] }, { secondary: stranger.endpoints.secondary }, () => 22),
            });
            expect(result).to.include({ outcome: "failed", failed: "session" });
            expect(result.session).to.deep.include({ ok: false, stage: "host-key", region: "secondary" });
            expect(Object.values(stranger.sshd.secondary.hostKeyFingerprints)).to.include(result.session?.hostKeyFingerprint);
        } finally {
            await stranger.stop();
        }
    });

    it("with the primary fenced after a failback (100/0), expects and finds its weight-0 partner, as the lab's Route 53 answers it", async () => {
        const answers = new LabAnswers((records) => dns.setRecords(records), ["sftp"]);
        const checker = new LabHealthChecker({
            endpoints: servers.endpoints,
            publish: (inputs) => answers.serve(inputs),
            intervalMs: 100,
            threshold: 1,
            weights: () => ({ primary: 100, secondary: 0 }),
            fenced: async () => ({ primary: true, secondary: false }),
            maxRounds: 100,
        });
        await checker.start();
        try {
            const result = await runPostDnsCheck(input({ primary: 100, secondary: 0 }, { primary: { endpointHealthy: true, fenced: true }, secondary: healthy }));
            expect(result.outcome, describePostDnsCheck(result)).to.equal("passed");
            expect(result.answers?.expected).to.deep.include({ rule: "zero-weight", regions: ["secondary"] });
            expect(result.session?.region).to.equal("secondary");
        } finally {
            await checker.stop();
        }
    });
});
