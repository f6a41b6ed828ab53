import { expect } from "chai";
import { firstAddressShare, probeDns } from "../../automation/probes/dns";
import { freeTcpUdpPort } from "../support/ports";
import { DnsServer, startDnsServer } from "../support/dns-server";

const primary = "192.0.2.10";
const secondary = "198.51.100.20";

describe("DNS probe against a real Knot DNS server", () => {
    let dns: DnsServer;

    before(async () => {
        dns = await startDnsServer({ records: { sftp: [primary, secondary] } });
    });

    after(async () => {
        await dns?.stop();
    });

    it("counts both addresses in every answer while both regions are in the record set", async () => {
        await dns.setRecords({ sftp: [primary, secondary] });

        const result = await probeDns({ name: dns.fqdn("sftp"), servers: [dns.address], queries: 10 });

        expect(result).to.deep.include({
            name: dns.fqdn("sftp"),
            servers: [dns.address],
            queries: 10,
            answered: 10,
            errors: {},
            addresses: { [primary]: 10, [secondary]: 10 },
            answerSets: { [`${primary},${secondary}`]: 10 },
            ttlSeconds: { min: 0, max: 0 },
        });
        const firstCounts = Object.values(result.firstAddresses);
        expect(firstCounts.reduce((a, b) => a + b, 0)).to.equal(10);
        expect(firstAddressShare(result, primary) + firstAddressShare(result, secondary)).to.equal(1);
        expect(result.latencyMs?.min).to.be.a("number");
    });

    it("sees only the secondary once the primary's record is withdrawn", async () => {
        await dns.setRecords({ sftp: [secondary] });

        const result = await probeDns({ name: dns.fqdn("sftp"), servers: [dns.address], queries: 10 });

        expect(result.answered).to.equal(10);
        expect(result.addresses).to.deep.equal({ [secondary]: 10 });
        expect(result.firstAddresses).to.deep.equal({ [secondary]: 10 });
        expect(firstAddressShare(result, primary)).to.equal(0);
        expect(firstAddressShare(result, secondary)).to.equal(1);
    });

    it("counts a name the zone does not have as ENOTFOUND, not as an answer", async () => {
        const result = await probeDns({ name: dns.fqdn("missing"), servers: [dns.address], queries: 5 });

        expect(result).to.deep.include({ queries: 5, answered: 0, errors: { ENOTFOUND: 5 }, addresses: {} });
        expect(result.ttlSeconds).to.equal(undefined);
        expect(firstAddressShare(result, primary)).to.equal(0);
    });

    it("counts a name without A records as ENODATA", async () => {
        const result = await probeDns({ name: dns.zone, servers: [dns.address], queries: 3 });

        expect(result).to.deep.include({ answered: 0, errors: { ENODATA: 3 } });
    });

    it("counts every query as failed when no server listens", async () => {
        const closed = await freeTcpUdpPort();

        const result = await probeDns({ name: dns.fqdn("sftp"), servers: [`127.0.0.1:${closed}`], queries: 3, timeoutMs: 300 });

        expect(result.answered).to.equal(0);
        const codes = Object.keys(result.errors);
        expect(codes.length).to.be.at.least(1);
        expect(["ECONNREFUSED", "ETIMEOUT", "ESERVFAIL"]).to.include.members(codes);
        expect(Object.values(result.errors).reduce((a, b) => a + b, 0)).to.equal(3);
    });

    it("makes no query when aborted before it starts", async () => {
        const result = await probeDns({ name: dns.fqdn("sftp"), servers: [dns.address], queries: 5, signal: AbortSignal.abort() });

        expect(result).to.deep.include({ queries: 0, answered: 0, errors: {} });
        expect(result.latencyMs).to.equal(undefined);
    });

    it("rejects a query count outside 1–10000 and names it", async () => {
        const error = await probeDns({ name: dns.fqdn("sftp"), queries: 0 }).then(() => undefined, (err: unknown) => err);

        expect(String(error)).to.include("queries must be an integer 1–10000 (got 0)");
    });

    it("rejects a server that is not an ip or ip:port, naming the option", async () => {
        const error = await probeDns({ name: dns.fqdn("sftp"), servers: ["dns.example:53"] }).then(() => undefined, (err: unknown) => err);

        expect(String(error)).to.include('servers must be "ip" or "ip:port" entries (got ["dns.example:53"])');
    });

    it("refuses a record that is not an IPv4 address, naming it", async () => {
        const error = await dns.setRecords({ sftp: ["10.0.0.300"] }).then(() => undefined, (err: unknown) => err);

        expect(String(error)).to.include('records.sftp has "10.0.0.300"');
    });
});
