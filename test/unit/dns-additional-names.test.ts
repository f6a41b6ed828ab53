import { expect } from "chai";
import { cnameEndpoints, dualStackEndpoints, Registered, Run, runDns } from "./dns-harness";

// The DNS stack with additional record names, under Pulumi's mocks (test/unit/dns-harness.ts): each
// name gets the service name's records exactly, and the service name's own resources stay as they
// were, so a stack deployed before the option sees nothing but new records.

const records = (run: Run) => run.resources.filter((r) => r.type === "aws:route53/record:Record");
const additional = ["files.example.com", "upload.example.com", "partner-a.example.com"];

/** A record's inputs without its name: what every name's record of one region and type must share. */
function sharedInputs(record: Registered): Record<string, unknown> {
    const { name: _name, ...rest } = record.inputs;
    return rest;
}

/** Every resource as `type::name` → inputs, to compare two runs. */
function byKey(run: Run): Map<string, Record<string, unknown>> {
    return new Map(run.resources.map((r) => [`${r.type}::${r.name}`, r.inputs]));
}

describe("DNS stack with additional record names (mocks)", () => {
    it("4 names give 4 records per region: one per name, with the region's set identifier", async () => {
        const run = await runDns({ additionalRecordNames: additional });
        expect(records(run)).to.have.length(8);
        for (const region of ["primary", "secondary"]) {
            const names = records(run)
                .filter((r) => r.inputs.setIdentifier === region)
                .map((r) => r.inputs.name);
            expect(names, region).to.have.members(["sftp.example.com", ...additional]);
        }
    });

    for (const [posture, extra] of [
        ["active-passive", {}],
        ["failover", {}],
        ["active-active", { activeActiveWeights: { primary: 30, secondary: 70 } }],
    ] as const) {
        it(`${posture}: every name's record of a region has the service name's weight, health check, alias and zone`, async () => {
            const run = await runDns({ posture, ...extra, additionalRecordNames: additional });
            for (const region of ["primary", "secondary"]) {
                const service = records(run).find((r) => r.name === `sftp-${region}-a`) as Registered;
                for (const record of records(run).filter((r) => r.inputs.setIdentifier === region)) {
                    expect(sharedInputs(record), record.name).to.deep.equal(sharedInputs(service));
                }
                expect(service.inputs.healthCheckId).to.equal(`sftp-${region}-health-combined-id`);
            }
        });
    }

    it("the service name's records and every other resource keep their names and inputs: adding names only adds records", async () => {
        const before = byKey(await runDns());
        const after = byKey(await runDns({ additionalRecordNames: additional }));
        for (const [key, inputs] of before) {
            expect(after.get(key), key).to.deep.equal(inputs);
        }
        const added = [...after.keys()].filter((k) => !before.has(k));
        expect(added).to.have.members(
            ["primary", "secondary"].flatMap((region) => additional.map((name) => `aws:route53/record:Record::sftp-${region}-a-${name}`)),
        );
    });

    it("reordering the names renames and changes nothing", async () => {
        const a = byKey(await runDns({ additionalRecordNames: additional }));
        const b = byKey(await runDns({ additionalRecordNames: [...additional].reverse() }));
        expect([...b.keys()].sort()).to.deep.equal([...a.keys()].sort());
        for (const [key, inputs] of a) {
            expect(b.get(key), key).to.deep.equal(inputs);
        }
    });

    it("a posture switch changes only the weights, of every name's records", async () => {
        const a = await runDns({ posture: "active-passive", additionalRecordNames: additional });
        const b = byKey(await runDns({ posture: "failover", additionalRecordNames: additional }));
        const changed = a.resources.flatMap((r) =>
            Object.keys(r.inputs)
                .filter((prop) => JSON.stringify(r.inputs[prop]) !== JSON.stringify(b.get(`${r.type}::${r.name}`)?.[prop]))
                .map((prop) => `${r.name}.${prop}`),
        );
        expect(changed).to.have.members(records(a).map((r) => `${r.name}.weightedRoutingPolicies`));
    });

    it("dual-stack: each name gets an A and an AAAA record per region", async () => {
        const run = await runDns({ ...dualStackEndpoints, additionalRecordNames: ["files.example.com"] });
        const kinds = records(run).map((r) => `${String(r.inputs.name)} ${String(r.inputs.setIdentifier)} ${String(r.inputs.type)}`);
        expect(kinds).to.have.members(
            ["sftp.example.com", "files.example.com"].flatMap((name) => ["primary A", "primary AAAA", "secondary A", "secondary AAAA"].map((k) => `${name} ${k}`)),
        );
        expect(records(run).map((r) => r.name)).to.include.members(["sftp-primary-aaaa", "sftp-primary-aaaa-files.example.com"]);
    });

    it("CNAME endpoints: each name gets one CNAME per region, with the TTL", async () => {
        const run = await runDns({ ...cnameEndpoints, ttl: 30, additionalRecordNames: ["files.example.com"] });
        const cnames = records(run).filter((r) => r.inputs.name === "files.example.com");
        expect(cnames.map((r) => [r.name, r.inputs.type, r.inputs.ttl])).to.have.deep.members([
            ["sftp-primary-cname-files.example.com", "CNAME", 30],
            ["sftp-secondary-cname-files.example.com", "CNAME", 30],
        ]);
    });

    it("exports recordFqdn as before and recordFqdns: the service name first, then the additional names in their order", async () => {
        const run = await runDns({ additionalRecordNames: additional });
        expect(run.outputs.recordFqdn).to.equal("sftp.example.com");
        expect(run.outputs.recordFqdns).to.deep.equal(["sftp.example.com", ...additional]);
        expect((await runDns()).outputs.recordFqdns).to.deep.equal(["sftp.example.com"]);
    });
});
