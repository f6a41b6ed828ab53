import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { fenceCoordinates } from "../../components/dns-fence-coordinates";
import { awsCliBackends, awsOnly, CliBackendContext, CliBackends } from "../../automation/cli/backends";
import { isFenceClient } from "../../automation/fence/client";
import { BadInputError } from "../../automation/driver/errors";
import { reconcileUnavailable, sandboxCliBackends } from "../../sandbox/cli-backends";
import { sandboxControllerOptions } from "../../sandbox/controller-options";
import { sandboxBinDir } from "../../sandbox/engine";
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

    it("AWS fences through CloudWatch at --cloudwatch-endpoint, reads endpoint health from Route 53 and CloudWatch, and reads no local folder", async () => {
        expect(await awsCliBackends.fence(context("http://127.0.0.1:5000"))).to.deep.equal({ endpoint: "http://127.0.0.1:5000" });
        expect(await awsCliBackends.fence(context(undefined))).to.deep.equal({ endpoint: undefined });
        expect((await awsCliBackends.endpointHealth(context(undefined)))?.name).to.equal("route53 + cloudwatch");
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
        const refused = await metrics.backlog({ destinationRegion: "us-west-2", sourceBucket: "a", destinationBucket: "b", ruleId: "r" }, {}).then(
            () => "read",
            (err: Error) => err.message,
        );
        expect(refused).to.match(/the sandbox has no CloudWatch/);
    });

    it("the sandbox with a CloudWatch endpoint hands the fence and replication metrics to AWS's backends", async () => {
        const asked: string[] = [];
        const aws: CliBackends = {
            ...awsCliBackends,
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
        expect(health).to.include({ health: "unhealthy", source: "sandbox reachability model" });
        expect(health?.reasons).to.deep.equal(["no load balancer answers to nlb.example.com"]);
    });

    it("AWS runs the installed provider, resolves names through DNS and reads S3 where --s3-endpoint says; the sandbox answers all three itself", async () => {
        expect(await awsCliBackends.standIn()).to.equal(undefined);
        expect(await awsCliBackends.resolveEndpointName()).to.equal(undefined);
        expect(await awsCliBackends.s3Endpoint(undefined)).to.equal(undefined);
        const sandbox = sandboxCliBackends(awsCliBackends);
        expect((await sandbox.standIn())?.pluginDir).to.equal(sandboxBinDir());
        const resolve = await sandbox.resolveEndpointName();
        const refused = await resolve?.("nlb-1.elb.us-east-1.amazonaws.com").then(
            (addresses) => `resolved to ${addresses.join(", ")}`,
            (err: Error) => err.message,
        );
        expect(refused).to.match(/^nlb-1\.elb\.us-east-1\.amazonaws\.com is a sandbox load balancer with no address: give the region's SFTP endpoint/);
        expect(await sandbox.s3Endpoint("http://127.0.0.1:5000")).to.equal("http://127.0.0.1:5000");
        const noS3 = await sandbox.s3Endpoint(undefined).then(
            () => "answered",
            (err: Error) => `${err.name}: ${err.message}`,
        );
        expect(noS3).to.equal(`UsageError: ${reconcileUnavailable}`);
    });

    it("the sandbox refuses state or a coordination store on AWS's S3, and admits an emulator's endpoint= or a folder; AWS admits every location", async () => {
        const sandbox = sandboxCliBackends(awsCliBackends);
        const refusal = (locations: { backend?: string; coordination?: string }) =>
            sandbox.admit({ backend: locations.backend, coordination: locations.coordination }).then(
                () => "admitted",
                (err: Error) => `${err.name}: ${err.message}`,
            );
        expect(await refusal({ backend: "s3://state/pulumi?region=us-east-1" })).to.equal(
            "UsageError: --backend s3://state/pulumi?region=us-east-1 is AWS's S3, which the sandbox never reaches: name an S3 emulator with endpoint=host:port, or use a folder",
        );
        expect(await refusal({ coordination: "s3://team/failover" })).to.match(/^UsageError: --coordination s3:\/\/team\/failover is AWS's S3/);
        expect(await refusal({ backend: "s3://state/pulumi?region=us-east-1&endpoint=127.0.0.1:5000", coordination: "s3://team/f?endpoint=127.0.0.1:5000" })).to.equal("admitted");
        expect(await refusal({ backend: `file://${dir}`, coordination: dir })).to.equal("admitted");
        expect(await refusal({})).to.equal("admitted");
        await awsCliBackends.admit({ backend: "s3://state/pulumi", coordination: "s3://team/failover" });
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

        it("history --sandbox with a coordination store on AWS's S3 says in one line that the sandbox never reaches it, exit 2", async () => {
            const run = await runMain(["history", "--sandbox", "--stack-dir", dir, "--coordination", "s3://team/failover?region=us-east-1"]);
            expect(run.status).to.equal(2);
            expect(run.stderr.trim().split("\n")).to.deep.equal(["error: --coordination s3://team/failover?region=us-east-1 is AWS's S3, which the sandbox never reaches: name an S3 emulator with endpoint=host:port, or use a folder"]);
        });

        it("reconcile --sandbox without --s3-endpoint says in one line that it is not available there, exit 2", async () => {
            const run = await runMain(["reconcile", "--sandbox", "--serving-bucket", "b-secondary", "--serving-region", "us-west-2", "--other-bucket", "b-primary", "--other-region", "us-east-1"]);
            expect(run.status).to.equal(2);
            expect(run.stderr.trim().split("\n")).to.deep.equal([`error: ${reconcileUnavailable}`]);
            expect(run.stdout).to.equal("");
        });
    });

    describe("the SDK's sandboxControllerOptions (the same backends, as controller options)", () => {
        it("gives the sandbox's provider, a file fence beside the journal, refusing metrics and endpoint names that never go to DNS", async () => {
            const options = await sandboxControllerOptions({ projectDir: dir });
            expect(options.projectDir).to.equal(dir);
            expect(options.backendUrl).to.equal(`file://${path.join(dir, ".pulumi-state")}`);
            expect(options.standIn.pluginDir).to.equal(sandboxBinDir());
            expect(options.standIn.envFor(options.backendUrl)).to.deep.equal({ SFTP_FAILOVER_SANDBOX: "1", SANDBOX_WORLD_DIR: path.join(dir, ".pulumi-state", ".sandbox-world") });
            if (!isFenceClient(options.fence)) {
                return expect.fail("the sandbox's fence is a client of its own, not CloudWatch settings");
            }
            await options.fence.fence("secondary", coordinates);
            expect(fs.existsSync(path.join(dir, ".failover", "sandbox-fence.json"))).to.equal(true);
            const metrics = await options.replicationMetrics.backlog({ destinationRegion: "us-west-2", sourceBucket: "a", destinationBucket: "b", ruleId: "r" }, {}).then(
                () => "read",
                (err: Error) => err.message,
            );
            expect(metrics).to.match(/the sandbox has no CloudWatch/);
            expect(await options.resolveEndpointName("nlb.elb.us-east-1.amazonaws.com").then(() => "resolved", () => "refused")).to.equal("refused");
        });

        it("refuses a backend on AWS's S3 with BadInputError, naming it", async () => {
            const error = await sandboxControllerOptions({ projectDir: dir, backendUrl: "s3://state/pulumi?region=us-east-1" }).then(
                () => undefined,
                (err: Error) => err,
            );
            expect(error).to.be.instanceOf(BadInputError);
            expect(error?.message).to.match(/^--backend s3:\/\/state\/pulumi\?region=us-east-1 is AWS's S3, which the sandbox never reaches/);
        });
    });
});
