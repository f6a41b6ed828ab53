import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { factsOf, World } from "../../sandbox/world";
import { makeSecret } from "../../sandbox/values";
import { SandboxProvider } from "../../sandbox/provider";

const root = path.resolve(__dirname, "..", "..");

/** A separate process (as each stack's provider is) putting `count` resources of its own stack, then deleting every other one. */
function writer(dir: string, stack: string, count: number): Promise<number | null> {
    const code = `
        const { World } = require(${JSON.stringify(path.join(root, "sandbox/world.ts"))});
        const world = new World(${JSON.stringify(dir)});
        for (let i = 0; i < ${count}; i++) {
            world.put({ urn: "urn:pulumi:${stack}::p::aws:s3/bucket:Bucket::b" + i, type: "aws:s3/bucket:Bucket", region: "us-east-1", id: "${stack}-" + i, facts: { bucket: "${stack}-" + i } });
        }
        for (let i = 0; i < ${count}; i += 2) {
            world.remove("urn:pulumi:${stack}::p::aws:s3/bucket:Bucket::b" + i, "${stack}-" + i);
        }`;
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], { cwd: root, stdio: "inherit" });
        child.on("exit", resolve);
    });
}

describe("sandbox world", () => {
    let dir: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-world-"));
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("parallel provider processes never lose each other's resources, and a reader never sees half a file", async () => {
        const writers = Promise.all(["primary", "secondary", "dns"].map((stack) => writer(dir, stack, 60)));
        const world = new World(dir);
        let reads = 0;
        let done = false;
        void writers.then(() => (done = true));
        // Reads while the writers run: a torn file would make list() throw on JSON.parse.
        while (!done && reads < 10_000) {
            world.list();
            reads += 1;
            await new Promise((r) => setImmediate(r));
        }
        expect(await writers).to.deep.equal([0, 0, 0]);
        const ids = world.list().map((r) => r.id).sort();
        expect(ids).to.have.length(90);
        expect(ids.filter((id) => id.startsWith("primary-")).every((id) => Number(id.split("-")[1]) % 2 === 1)).to.equal(true);
        expect(fs.readdirSync(dir).filter((f) => !f.endsWith(".json"))).to.deep.equal([]);
    });

    it("keeps only the facts other resources depend on, never a secret of another property", () => {
        const facts = factsOf("aws:secretsmanager/secretVersion:SecretVersion", { secretString: makeSecret("private key"), arn: "arn:x" });
        expect(facts).to.deep.equal({});
        const versioning = factsOf("aws:s3/bucketVersioning:BucketVersioning", { bucket: "b", versioningConfiguration: { status: "Enabled" }, expectedBucketOwner: "1" });
        expect(versioning).to.deep.equal({ bucket: "b", versioningConfiguration: { status: "Enabled" } });
    });

    it("follows a resource through the provider's create, update and delete (a drained group reads 0)", async () => {
        const provider = new SandboxProvider({ env: { SANDBOX_WORLD_DIR: dir } });
        const urn = "urn:pulumi:primary::sftp-failover::aws:autoscaling/group:Group::asg";
        const created = await provider.create(urn, { region: "us-east-1", name: "asg", desiredCapacity: 2, minSize: 2, maxSize: 4 });
        const world = new World(dir);
        expect(world.list().map((r) => [r.id, r.region, r.facts.desiredCapacity])).to.deep.equal([["asg", "us-east-1", 2]]);
        await provider.update(created.id, urn, created.outs, { region: "us-east-1", name: "asg", desiredCapacity: 0, minSize: 0, maxSize: 4 });
        expect(world.list().map((r) => r.facts.desiredCapacity)).to.deep.equal([0]);
        await provider.delete(created.id, urn, { region: "us-east-1" });
        expect(world.list()).to.deep.equal([]);
    });

    it("reads a folder that does not exist yet as an empty world", () => {
        expect(new World(path.join(dir, "none")).list()).to.deep.equal([]);
    });
});
