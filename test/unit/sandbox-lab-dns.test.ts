import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLabAnswers, worldWeights } from "../../sandbox/lab-dns";
import { LabAnswers } from "../../sandbox/lab-answers";
import { LabHealthChecker, LabInputs, labRecordAddresses } from "../../sandbox/lab-health";
import { LabServers } from "../../sandbox/lab-servers";
import { ARecords } from "../../sandbox/servers/dns-server";
import { World } from "../../sandbox/world";

// The lab's Route 53 data plane: the checker publishes raw inputs, the lab's selector answers from
// them, the weights come from the service name's own records, and every name is answered alike. No
// Knot here: a stand-in records what would be served.

describe("lab DNS with additional record names", () => {
    let dir: string;
    let world: World;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-dns-"));
        world = new World(dir);
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function putRecord(name: string, setIdentifier: string, weight: number): void {
        world.put({
            urn: `urn:pulumi:dns::sftp-failover::aws:route53/record:Record::${setIdentifier}-${name}`,
            type: "aws:route53/record:Record",
            region: "us-east-1",
            id: `Z1_${name}_A_${setIdentifier}`,
            facts: { zoneId: "Z1", name, type: "A", setIdentifier, weightedRoutingPolicies: [{ weight }] },
        });
    }

    it("reads the weights of the service name's records only, whatever another name's records hold mid-switch", () => {
        // A switch half done: the additional name's records already moved, the service name's not yet.
        putRecord("files.sandbox.example.com", "primary", 0);
        putRecord("files.sandbox.example.com", "secondary", 100);
        putRecord("sftp.sandbox.example.com", "primary", 100);
        putRecord("sftp.sandbox.example.com", "secondary", 0);
        expect(worldWeights(world, "sftp.sandbox.example.com")).to.deep.equal({ primary: 100, secondary: 0 });
        expect(worldWeights(world, "FILES.sandbox.example.com.")).to.deep.equal({ primary: 0, secondary: 100 });
        expect(worldWeights(world, "upload.sandbox.example.com")).to.equal(undefined);
    });

    it("the health checker publishes each region's raw inputs — weight, endpoint status, fence — and no answer", async () => {
        const published: LabInputs[] = [];
        const checker = new LabHealthChecker({
            endpoints: { primary: { host: "127.0.0.1", port: 1 }, secondary: { host: "127.0.0.1", port: 2 } },
            publish: async (inputs) => void published.push(inputs),
            intervalMs: 60_000,
            threshold: 3,
            weights: () => ({ primary: 100, secondary: 0 }),
            fenced: async () => ({ primary: true, secondary: false }),
            maxRounds: 1,
        });
        await checker.start();
        await checker.stop();
        expect(published).to.deep.equal([
            { primary: { weight: 100, endpointHealthy: true, fenced: true }, secondary: { weight: 0, endpointHealthy: true, fenced: false } },
        ]);
    });

    const inputs = (primaryFenced: boolean): LabInputs => ({
        primary: { weight: 100, endpointHealthy: true, fenced: primaryFenced },
        secondary: { weight: 0, endpointHealthy: true, fenced: false },
    });

    it("serves the selector's answer under the service name and every additional name, once per change", async () => {
        const served: ARecords[] = [];
        const answers = new LabAnswers(async (records) => void served.push(records), ["sftp", "files", "upload.eu"]);
        await answers.serve(inputs(false));
        await answers.serve(inputs(false));
        // A fence makes the primary's calculated check unhealthy: its weight-0 partner is answered.
        await answers.serve(inputs(true));
        const primary = [labRecordAddresses.primary];
        const secondary = [labRecordAddresses.secondary];
        expect(served).to.deep.equal([
            { sftp: primary, files: primary, "upload.eu": primary },
            { sftp: secondary, files: secondary, "upload.eu": secondary },
        ]);
        expect(answers.events.map((e) => [e.answered, e.selection.fromZeroWeight])).to.deep.equal([
            [["primary"], false],
            [["secondary"], true],
        ]);
    });

    it("refuses a name outside the lab's zone before starting anything: Knot serves one zone", async () => {
        const refusal = await startLabAnswers({
            servers: {} as LabServers,
            fqdn: "sftp.sandbox.example.com",
            additionalFqdns: ["files.other.example.org"],
            weights: () => ({ primary: 100, secondary: 0 }),
            fenced: async () => ({ primary: false, secondary: false }),
            intervalMs: 250,
            threshold: 3,
            maxRounds: 1,
        }).then(
            () => undefined,
            (e: Error) => e.message,
        );
        expect(refusal).to.equal("the lab's DNS serves zone sandbox.example.com only; files.other.example.org is not a name in it");
    });
});
