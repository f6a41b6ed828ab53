import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { FaultSettings, currentFaults, faultFor, faultSettings, gate, parseFaults, writeFaultFile } from "../../sandbox/faults";

const settings = (over: Partial<FaultSettings> = {}): FaultSettings => ({ hangSeconds: 300, delayMs: 0, ...over });

async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected the operation to fail");
}

describe("sandbox fault parsing", () => {
    it("reads region and type faults", () => {
        const spec = parseFaults('{"regions":{"us-east-1":"fail"},"types":{"aws:lb/loadBalancer:LoadBalancer":"hang"}}', "SANDBOX_FAULTS");
        expect(spec).to.deep.equal({ regions: { "us-east-1": "fail" }, types: { "aws:lb/loadBalancer:LoadBalancer": "hang" } });
        expect(parseFaults("  ", "file")).to.deep.equal({ regions: {}, types: {} });
    });

    it("refuses a bad mode, naming the key and the value", () => {
        expect(() => parseFaults('{"regions":{"us-east-1":"down"}}', "SANDBOX_FAULTS")).to.throw('SANDBOX_FAULTS: regions.us-east-1 must be "fail" or "hang" (got "down")');
    });

    it("refuses malformed JSON and unknown keys, naming the source", () => {
        expect(() => parseFaults("{", "SANDBOX_FAULT_FILE /x")).to.throw(/SANDBOX_FAULT_FILE \/x is not valid JSON/);
        expect(() => parseFaults('{"region":{}}', "SANDBOX_FAULTS")).to.throw('unknown key "region" (valid: regions, types)');
        expect(() => parseFaults('{"regions":["us-east-1"]}', "SANDBOX_FAULTS")).to.throw(/"regions" must be an object/);
    });

    it("a region fault wins over a type fault, and names what it applies to", () => {
        const spec = parseFaults('{"regions":{"us-east-1":"fail"},"types":{"aws:ec2/vpc:Vpc":"hang"}}', "x");
        expect(faultFor(spec, "us-east-1", "aws:ec2/vpc:Vpc")).to.deep.equal({ mode: "fail", subject: "region us-east-1" });
        expect(faultFor(spec, "us-west-2", "aws:ec2/vpc:Vpc")).to.deep.equal({ mode: "hang", subject: "type aws:ec2/vpc:Vpc" });
        expect(faultFor(spec, "us-west-2", "aws:s3/bucket:Bucket")).to.equal(undefined);
    });

    it("reads the knobs from the environment and refuses a bad number, naming the variable", () => {
        expect(faultSettings({})).to.deep.include({ hangSeconds: 300, delayMs: 0 });
        expect(faultSettings({ SANDBOX_HANG_SECONDS: "2", SANDBOX_DELAY_MS: "50" })).to.deep.include({ hangSeconds: 2, delayMs: 50 });
        expect(() => faultSettings({ SANDBOX_DELAY_MS: "soon" })).to.throw('SANDBOX_DELAY_MS must be a non-negative number (got "soon")');
    });
});

describe("sandbox fault gate", () => {
    let dir: string;
    let file: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-faults-"));
        file = path.join(dir, "faults.json");
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("lets an operation through when nothing is faulted (a missing control file means no faults)", async () => {
        await gate(settings({ file }), "us-east-1", "aws:ec2/vpc:Vpc");
        expect(currentFaults(settings({ file }))).to.deep.equal({ regions: {}, types: {} });
    });

    it("fails an operation in a failed region with a message naming the region", async () => {
        const error = await rejection(gate(settings({ inline: '{"regions":{"us-east-1":"fail"}}' }), "us-east-1", "aws:ec2/vpc:Vpc"));
        expect(error.message).to.equal("sandbox: region us-east-1 is unreachable (fault injected)");
    });

    it("fails an operation on a failed type with a message naming the type", async () => {
        const error = await rejection(gate(settings({ inline: '{"types":{"aws:lb/loadBalancer:LoadBalancer":"fail"}}' }), "us-west-2", "aws:lb/loadBalancer:LoadBalancer"));
        expect(error.message).to.equal("sandbox: type aws:lb/loadBalancer:LoadBalancer is failing (fault injected)");
    });

    it("the control file overrides the environment and is read on every operation", async () => {
        const s = settings({ inline: '{"regions":{"us-east-1":"fail"}}', file });
        fs.writeFileSync(file, '{"regions":{"us-east-1":"fail","us-west-2":"fail"}}');
        await rejection(gate(s, "us-west-2", "aws:ec2/vpc:Vpc"));
        fs.writeFileSync(file, "{}");
        await gate(s, "us-west-2", "aws:ec2/vpc:Vpc");
    });

    it("writeFaultFile sets and lifts faults a running provider reads", async () => {
        writeFaultFile(file, { regions: { "us-west-2": "fail" } });
        expect(currentFaults(settings({ file }))).to.deep.equal({ regions: { "us-west-2": "fail" }, types: {} });
        writeFaultFile(file, {});
        await gate(settings({ file }), "us-west-2", "aws:ec2/vpc:Vpc");
        expect(fs.readdirSync(dir)).to.deep.equal(["faults.json"]);
    });

    it("a hang gives up after SANDBOX_HANG_SECONDS with a message naming the region", async () => {
        const error = await rejection(gate(settings({ inline: '{"regions":{"eu-west-1":"hang"}}', hangSeconds: 0.05 }), "eu-west-1", "aws:ec2/vpc:Vpc", undefined, 10));
        expect(error.message).to.equal("sandbox: region eu-west-1 is unreachable: no answer within 0.05 s (fault injected: hang)");
    });

    it("a hang ends, and the operation proceeds, when the fault is lifted", async () => {
        fs.writeFileSync(file, '{"regions":{"us-east-1":"hang"}}');
        const pending = gate(settings({ file }), "us-east-1", "aws:ec2/vpc:Vpc", undefined, 10);
        setTimeout(() => fs.rmSync(file), 30);
        await pending;
        expect(fs.existsSync(file)).to.equal(false);
    });

    it("a hang stops at once when the provider is cancelled", async () => {
        const abort = new AbortController();
        const pending = gate(settings({ inline: '{"regions":{"us-east-1":"hang"}}' }), "us-east-1", "aws:ec2/vpc:Vpc", abort.signal, 10);
        setTimeout(() => abort.abort(), 20);
        expect((await rejection(pending)).message).to.match(/cancelled while hanging/);
    });
});
