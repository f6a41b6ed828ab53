import { expect } from "chai";
import { allHealthStates, postureAnswer } from "../../automation/dns-answers";
import { Posture, postures, RegionName } from "../../foundation/posture";
import { probeDns } from "../../automation/probes/dns";
import { DnsServer, startDnsServer } from "../support/dns-server";

const addressOf: Record<RegionName, string> = { primary: "192.0.2.10", secondary: "198.51.100.20" };

const describeState = (h: { endpointHealthy: boolean; fenced: boolean }) =>
    `${h.endpointHealthy ? "up" : "down"}${h.fenced ? "+fenced" : ""}`;

// The lab's DNS serves, as A records of the service name, the records Route 53 would answer: Knot
// returns every record of a name in each answer, so shares are checked in the unit tests and here
// the set of addresses a client can receive, through a real server and a real resolver.
describe("Route 53 answer sets served by a real Knot DNS server", () => {
    let dns: DnsServer;

    before(async () => {
        dns = await startDnsServer();
    });

    after(async () => {
        await dns?.stop();
    });

    for (const posture of postures as readonly Posture[]) {
        it(`${posture}: for each of the 16 health × fence combinations, clients receive exactly the answered regions' addresses`, async () => {
            const mismatches: string[] = [];
            for (const state of allHealthStates()) {
                const answer = postureAnswer(posture, state);
                const wanted = answer.answered.map((r) => addressOf[r]);
                await dns.setRecords({ sftp: wanted });

                const seen = await probeDns({ name: dns.fqdn("sftp"), servers: [dns.address], queries: 3 });

                const key = `primary ${describeState(state.primary)}, secondary ${describeState(state.secondary)}`;
                const got = Object.keys(seen.answerSets);
                if (seen.answered !== 3 || got.length !== 1 || got[0] !== [...wanted].sort().join(",")) {
                    mismatches.push(`${key}: wanted ${wanted.join(",")} (${answer.rule}), got ${JSON.stringify(seen.answerSets)} errors ${JSON.stringify(seen.errors)}`);
                }
            }
            expect(mismatches, dns.output()).to.deep.equal([]);
        });
    }

    it("a fenced primary in active-passive sends every client to the secondary's address", async () => {
        const answer = postureAnswer("active-passive", {
            primary: { endpointHealthy: true, fenced: true },
            secondary: { endpointHealthy: true, fenced: false },
        });
        await dns.setRecords({ sftp: answer.answered.map((r) => addressOf[r]) });

        const seen = await probeDns({ name: dns.fqdn("sftp"), servers: [dns.address], queries: 5 });

        expect(seen.firstAddresses).to.deep.equal({ [addressOf.secondary]: 5 });
    });
});
