import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { fenceCoordinates } from "../../components/dns-fence-coordinates";
import { awsCliBackends, awsOnly, CliBackendContext, CliBackends } from "../../automation/cli/backends";
import { isFenceClient } from "../../automation/driver/fence-client";
import { sandboxCliBackends } from "../../sandbox/cli-backends";
import { runMain } from "../support/run-main";

// The CLI runs against AWS unless the entry offers the sandbox and --sandbox asks for it; the
// sandbox's backends answer where AWS would, and hand back to AWS's where a CloudWatch endpoint
// (a moto server) stands in for it.

const coordinates = fenceCoordinates({ service: "sftp.sandbox.example.com" });

/** A context whose locations fail when read: a backend that does not need them must not read them. */
function context(cloudWatchEndpoint: string | undefined, journalDir?: string, stateBackendUrl?: string): CliBackendContext {
    return {
        cloudWatchEndpoint,
        journalDir: () => journalDir ?? expect.fail("the journal folder was read"),
        stateBackendUrl: () => stateBackendUrl ?? expect.fail("the state backend was read"),
    };
}

describe("CLI backends: AWS by default, the sandbox only where the entry offers it", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-backends-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("AWS fences through CloudWatch at --cloudwatch-endpoint, has no endpoint-health source, and reads no local folder", async () => {
        expect(await awsCliBackends.fence(context("http://127.0.0.1:5000"))).to.deep.equal({ endpoint: "http://127.0.0.1:5000" });
        expect(await awsCliBackends.fence(context(undefined))).to.deep.equal({ endpoint: undefined });
        expect(await awsCliBackends.endpointHealth(context(undefined))).to.equal(undefined);
        expect(typeof (await awsCliBackends.replicationMetrics(context(undefined))).backlog).to.equal("function");
    });

    it("the sandbox without a CloudWatch endpoint fences into <journal>/sandbox-fence.json and refuses to read replication metrics", async () => {
        const sandbox = sandboxCliBackends(awsCliBackends);
        const fence = await sandbox.fence(context(undefined, dir, `file://${dir}`));
        expect(isFenceClient(fence)).to.equal(true);
        if (!isFenceClient(fence) || fence.state === undefined) {
            return expect.fail("not a fence client with state");
        }
        await fence.fence("primary", coordinates);
        expect(await fence.state("primary", coordinates)).to.equal("fenced");
        expect(fs.existsSync(path.join(dir, "sandbox-fence.json"))).to.equal(true);
        const metrics = await sandbox.replicationMetrics(context(undefined));
        const refused = await metrics.backlog({ region: "us-west-2", sourceBucket: "a", destinationBucket: "b", ruleId: "r" }, {}).then(
            () => "read",
            (err: Error) => err.message,
        );
        expect(refused).to.match(/the sandbox has no CloudWatch/);
    });

    it("the sandbox with a CloudWatch endpoint hands the fence and replication metrics to AWS's backends", async () => {
        const asked: string[] = [];
        const aws: CliBackends = {
            fence: async (ctx) => (asked.push(`fence ${ctx.cloudWatchEndpoint}`), { endpoint: ctx.cloudWatchEndpoint }),
            endpointHealth: async () => undefined,
            replicationMetrics: async (ctx) => (asked.push(`metrics ${ctx.cloudWatchEndpoint}`), awsCliBackends.replicationMetrics(ctx)),
        };
        const sandbox = sandboxCliBackends(aws);
        expect(await sandbox.fence(context("http://127.0.0.1:5000"))).to.deep.equal({ endpoint: "http://127.0.0.1:5000" });
        await sandbox.replicationMetrics(context("http://127.0.0.1:5000"));
        expect(asked).to.deep.equal(["fence http://127.0.0.1:5000", "metrics http://127.0.0.1:5000"]);
    });

    it("the sandbox's endpoint health reads the world beside a file backend (empty: no load balancer answers), and there is none beside an S3 backend", async () => {
        const sandbox = sandboxCliBackends(awsCliBackends);
        expect(await sandbox.endpointHealth(context(undefined, undefined, "s3://bucket/prefix?region=us-east-1"))).to.equal(undefined);
        const source = await sandbox.endpointHealth(context(undefined, undefined, `file://${dir}`));
        const health = await source?.endpointHealth({ region: "primary", awsRegion: "us-east-1", dnsName: "nlb.example.com", port: 22 });
        // An empty world: the reachability model finds no load balancer, as Route 53's check would not.
        expect(health).to.deep.equal({ health: "unhealthy", reasons: ["no load balancer answers to nlb.example.com"] });
    });

    describe("through the CLI in-process (emergency fence, no engine)", () => {
        beforeEach(() => {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: "sftp-failover", runtime: "nodejs" }));
            fs.writeFileSync(path.join(dir, "Pulumi.dns.yaml"), stringify({ config: { "sftp-failover:role": "dns", "sftp-failover:recordName": "sftp.sandbox.example.com" } }));
        });
        const fenceFile = () => path.join(dir, ".failover", "sandbox-fence.json");

        it("--sandbox from the executable's entry fences into the sandbox's file", async () => {
            const run = await runMain(["fence", "secondary", "--sandbox", "--stack-dir", dir, "--yes", "--reason", "test"]);
            expect(run.status, run.stderr).to.equal(0);
            const recorded = (JSON.parse(fs.readFileSync(fenceFile(), "utf8")) as { points: { value: number }[] }).points;
            expect(recorded.map((p) => p.value)).to.deep.equal([0]);
        });

        it("--sandbox from an entry that offers AWS alone is refused with exit 2, naming the flag, and fences nothing", async () => {
            const run = await runMain(["fence", "secondary", "--sandbox", "--stack-dir", dir, "--yes"], awsOnly);
            expect(run.status).to.equal(2);
            expect(run.stderr.trim()).to.equal("error: --sandbox is not available from this entry point (run the sftp-failover executable)");
            expect(fs.existsSync(fenceFile())).to.equal(false);
        });
    });
});
