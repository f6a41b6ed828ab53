import * as crypto from "node:crypto";
import { expect } from "chai";
import { Resolver } from "node:dns/promises";
import { generateHostKeys, loadHostKeys } from "../../components/host-keys";
import { toOpensshPrivateKey } from "../../components/ssh-keys";
import { RegionName } from "../../foundation/posture";
import { LabAnswers } from "../../sandbox/lab-answers";
import { LabHealthChecker, labRecordAddresses } from "../../sandbox/lab-health";
import { waitUntil } from "../support/child-server";
import { LabServers, startRegionServers } from "../../sandbox/lab-servers";
import { startDnsServer } from "../../sandbox/servers/dns-server";
import { unplannedOutage } from "../../scripts/drill-outage";

// The lab's Route 53 on real servers: sshd per region, Knot serving what the lab's selector picks
// from the health checker's raw inputs, and a real OpenSSH client that follows DNS. No engine: the stacks' material is
// generated here as the lab would hold it.

describe("two-region lab: health checker, real DNS and a real sftp client", () => {
    const texts = generateHostKeys("lab-test");
    const canaryKey = toOpensshPrivateKey(crypto.generateKeyPairSync("ed25519").privateKey, "canary");
    let servers: LabServers;

    before(async () => {
        const material = { hostKeys: texts, canaryKey };
        servers = await startRegionServers({ primary: material, secondary: material });
    });

    after(async () => {
        await servers?.stop();
    });

    it("an unplanned outage of the primary moves a StrictHostKeyChecking client to the secondary, with no warning, once the answer it held has outlived its TTL", async () => {
        const result = await unplannedOutage({
            servers,
            fqdn: "sftp.failover.test",
            weights: { primary: 100, secondary: 0 },
            fenced: async () => ({ primary: false, secondary: false }),
            hostPublicKeys: Object.values(loadHostKeys(texts).publicKeys),
            clientKey: canaryKey,
            intervalMs: 200,
            threshold: 2,
            // Long enough that the answer fetched before the stop is still held after it.
            ttlSeconds: 3,
        });
        expect(result.before).to.equal("primary");
        expect(result.after).to.equal("secondary");
        expect(result.clientWarnings).to.equal("");
        expect(result.dnsMovedMs).to.be.a("number");
        expect(result.measuredRtoMs).to.be.a("number");
        expect(result.measuredRtoMs!).to.be.at.least(result.dnsMovedMs!);
        expect(result.labModelMs).to.equal(400 + 3000);
        expect(result.ttlSeconds).to.equal(3);
        // The client went back to the dead primary while it held the old answer: the TTL counted.
        expect(result.cachedAttempts).to.be.at.least(1);
    });

    async function answerWith(fenced: Record<RegionName, boolean>, stopPrimary: boolean): Promise<string[]> {
        const dns = await startDnsServer({ zone: "failover.test" });
        const answers = new LabAnswers((records) => dns.setRecords(records), ["sftp"]);
        let rounds = 0;
        const checker = new LabHealthChecker({
            endpoints: servers.endpoints,
            publish: async (inputs) => {
                await answers.serve(inputs);
                rounds += 1;
            },
            intervalMs: 100,
            threshold: 1,
            weights: () => ({ primary: 100, secondary: 0 }),
            fenced: async () => fenced,
            maxRounds: 50,
        });
        try {
            if (stopPrimary) {
                await servers.stop("primary");
            }
            await checker.start();
            // The first publish is of the initial state; threshold 1 changes a status in the round after.
            await waitUntil(async () => rounds >= 3, { what: "three rounds of the lab's checker", timeoutMs: 30_000 });
            const resolver = new Resolver({ timeout: 1000, tries: 1 });
            resolver.setServers([dns.address]);
            return (await resolver.resolve4("sftp.failover.test")).sort();
        } finally {
            await checker.stop();
            await dns.stop();
            if (stopPrimary) {
                await servers.restart("primary");
            }
        }
    }

    it("a fenced primary is answered away from with both servers up (the calculated check)", async () => {
        expect(await answerWith({ primary: true, secondary: false }, false)).to.deep.equal([labRecordAddresses.secondary]);
    });

    it("fails open: a fenced secondary with a dead primary leaves no healthy record, so the weights apply to all", async () => {
        expect(await answerWith({ primary: false, secondary: true }, true)).to.deep.equal([labRecordAddresses.primary]);
    });

    it("answers the primary alone while both regions are healthy and unfenced", async () => {
        expect(await answerWith({ primary: false, secondary: false }, false)).to.deep.equal([labRecordAddresses.primary]);
    });
});
