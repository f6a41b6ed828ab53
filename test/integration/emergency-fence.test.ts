import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateHealthCheckCommand, Route53Client } from "@aws-sdk/client-route-53";
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fenceCoordinates, FenceCoordinates } from "../../components/dns-fence-coordinates";
import { fenceCachePath, readFenceCache, updateFenceCache } from "../../automation/fence/cache";
import { CountingProxy, startCountingProxy } from "../support/counting-proxy";
import { putFenceAlarms } from "../support/fence-alarms";
import { motoCredentials, MotoServer, startMoto } from "../support/moto";
import { freePort } from "../support/ports";

const root = path.resolve(__dirname, "..", "..");

/**
 * Loaded into the CLI process before anything else: records which packages it loads and every
 * child process it starts, and writes both to a file when it exits. Plain JavaScript, so it runs
 * before ts-node is registered.
 */
const watcher = `
const Module = require("module");
const fs = require("fs");
const packages = new Set();
const spawned = [];
const load = Module._load;
Module._load = function (request, parent, isMain) {
    try {
        const m = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(Module._resolveFilename(request, parent, isMain));
        if (m) packages.add(m[1]);
    } catch {}
    return load.apply(this, arguments);
};
const cp = require("child_process");
for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
    const original = cp[name];
    cp[name] = function (...args) { spawned.push(String(args[0])); return original.apply(this, args); };
}
process.on("exit", () => fs.writeFileSync(process.env.WATCH_OUT, JSON.stringify({ packages: [...packages].sort(), spawned })));
`;

describe("emergency fence: CloudWatch in the fence region only, with the state backend and us-east-1 unreachable (moto's CloudWatch)", function () {
    let moto: MotoServer;
    let proxy: CountingProxy;
    let dir: string;
    let project: string;
    let journalDir: string;
    let marker: string;
    let deadEndpoint: string;
    const coordinates: FenceCoordinates = fenceCoordinates({ service: "sftp.sandbox.example.com" });

    before(async function () {
        moto = await startMoto();
        proxy = await startCountingProxy(moto.endpoint);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "emergency-fence-"));
        fs.writeFileSync(path.join(dir, "watch.js"), watcher);
        // An engine that leaves a mark if anything runs it.
        marker = path.join(dir, "engine-was-run");
        fs.mkdirSync(path.join(dir, "engine", "bin"), { recursive: true });
        for (const name of ["pulumi", "pulumi-language-nodejs"]) {
            fs.writeFileSync(path.join(dir, "engine", "bin", name), `#!/bin/sh\ntouch ${JSON.stringify(marker)}\nexit 1\n`, { mode: 0o755 });
        }
        // A port nothing listens on: us-east-1 and the S3 backend "down".
        deadEndpoint = `http://127.0.0.1:${await freePort()}`;
    });

    after(async function () {
        await proxy?.close();
        await moto?.stop();
        if (dir !== undefined) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    beforeEach(async function () {
        await moto.reset();
        proxy.calls.length = 0;
        project = fs.mkdtempSync(path.join(dir, "project-"));
        for (const file of ["Pulumi.yaml", "Pulumi.dns.yaml"]) {
            fs.copyFileSync(path.join(root, file), path.join(project, file));
        }
        journalDir = path.join(project, ".failover");
        // The dns stack's alarms, where the stack file says they are.
        await putFenceAlarms(moto.endpoint, coordinates);
    });

    /** The calls the CLI made: reads of both fences and one publish, all CloudWatch in the fence region. */
    const cloudWatchOnly = (calls: readonly { operation: string }[]) => calls.every((c) => ["GetMetricData", "DescribeAlarmsForMetric", "PutMetricData"].includes(c.operation));
    const puts = () => proxy.calls.filter((c) => c.operation === "PutMetricData").length;

    /**
     * Runs the CLI as an operator would, with every dependency but the fence region unreachable.
     * Asynchronously: the counting proxy lives in this process and must keep answering.
     */
    async function cli(args: readonly string[], backend: string) {
        const watchOut = path.join(dir, `watch-${Date.now()}.json`);
        const proc = spawn(
            process.execPath,
            ["-r", path.join(dir, "watch.js"), "-r", require.resolve("ts-node/register/transpile-only"), path.join(root, "automation", "cli", "bin.ts"), ...args, "--stack-dir", project, "--backend", backend, "--cloudwatch-endpoint", proxy.endpoint],
            {
                cwd: project,
                stdio: ["pipe", "pipe", "pipe"],
                env: {
                    ...process.env,
                    WATCH_OUT: watchOut,
                    TS_NODE_PROJECT: path.join(root, "tsconfig.json"),
                    PULUMI_CLI_CACHE: path.join(dir, "engine"),
                    PATH: `${path.join(dir, "engine", "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
                    PULUMI_BACKEND_URL: backend,
                    AWS_REGION: "us-east-1",
                    AWS_ENDPOINT_URL: deadEndpoint,
                    AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
                    AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
                    AWS_MAX_ATTEMPTS: "1",
                },
            },
        );
        proc.stdin.end();
        let stdout = "";
        let stderr = "";
        proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const killer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
        const status = await new Promise<number | null>((resolve) => proc.on("close", (code) => resolve(code)));
        clearTimeout(killer);
        const watched = fs.existsSync(watchOut) ? (JSON.parse(fs.readFileSync(watchOut, "utf8")) as { packages: string[]; spawned: string[] }) : { packages: [], spawned: [] };
        return { status, stdout, stderr, ...watched };
    }

    /**
     * The lowest (or highest) value moto holds for a region's fence metric in the last minutes, read
     * directly (not through the proxy): a fence and an unfence published in the same minute share a period.
     */
    async function lastValue(c: FenceCoordinates, region: "primary" | "secondary", stat: "Minimum" | "Maximum" = "Minimum"): Promise<number | undefined> {
        const client = new CloudWatchClient({ endpoint: moto.endpoint, region: c.region, credentials: motoCredentials });
        const now = Date.now();
        const out = await client.send(
            new GetMetricDataCommand({
                MetricDataQueries: [
                    {
                        Id: "f",
                        MetricStat: { Metric: { Namespace: c.namespace, MetricName: c.metricName, Dimensions: Object.entries(c.dimensions[region]).map(([Name, Value]) => ({ Name, Value })) }, Period: 60, Stat: stat },
                    },
                ],
                StartTime: new Date(now - 600_000),
                EndTime: new Date(now + 60_000),
            }),
        );
        client.destroy();
        return out.MetricDataResults?.[0]?.Values?.[0];
    }

    for (const [label, backend] of [
        ["a file backend in an unwritable place", "file:///proc/no-such-state"],
        ["an S3 backend on a closed port", "s3://state?endpoint=127.0.0.1:9&region=us-east-1&s3ForcePathStyle=true"],
    ] as const) {
        it(`fence --yes with ${label}: both fences read and one PutMetricData, CloudWatch in us-east-2 only, no engine, no Pulumi module`, async function () {
            const r = await cli(["fence", "primary", "--yes", "--reason", "us-east-1 down", "--identity", "dana", "--json"], backend);
            expect(r.status, r.stderr).to.equal(0);
            expect(JSON.parse(r.stdout)).to.deep.include({ region: "primary", state: "fenced", changed: true, coordinatesFrom: "stack-file" });
            expect(cloudWatchOnly(proxy.calls), JSON.stringify(proxy.calls)).to.equal(true);
            expect(proxy.calls.filter((c) => c.operation === "DescribeAlarmsForMetric")).to.have.length(2);
            expect(proxy.calls.map((c) => `${c.operation} ${c.status}`).at(-1)).to.equal("PutMetricData 200");
            expect(puts()).to.equal(1);
            // Endpoint health cannot be read here (no source, no cached endpoints): said, and --yes went ahead.
            expect(r.stderr).to.match(/primary endpoint and secondary endpoint are unknown/);
            expect(await lastValue(coordinates, "primary")).to.equal(0);
            expect(fs.existsSync(marker), "the engine was run").to.equal(false);
            expect(r.spawned, "child processes started").to.deep.equal([]);
            expect(r.packages.filter((p) => p.startsWith("@pulumi/") || p === "@aws-sdk/client-s3" || p === "@grpc/grpc-js")).to.deep.equal([]);
            expect(r.packages).to.include.members(["yargs", "@aws-sdk/client-cloudwatch"]);
            const audit = fs.readFileSync(path.join(journalDir, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
            expect(audit.map((e) => `${e.identity} ${e.operation} ${e.to} ${e.result}`)).to.deep.equal(["dana fence primary fenced ok"]);
        });
    }

    it("with cached endpoints, each fence is read once: the health source reads only the endpoint checks (8 calls, one publish)", async function () {
        const route53 = new Route53Client({ endpoint: moto.endpoint, region: "us-east-1", credentials: motoCredentials });
        const check = async () =>
            (await route53.send(new CreateHealthCheckCommand({ CallerReference: `ref-${Math.random()}`, HealthCheckConfig: { Type: "TCP", IPAddress: "127.0.0.1", Port: 22, RequestInterval: 10, FailureThreshold: 1 } }))).HealthCheck?.Id ??
            expect.fail("moto returned no health check id");
        const endpoint = async (region: "primary" | "secondary", awsRegion: string) => ({
            region,
            awsRegion,
            dnsName: `gw.elb.${awsRegion}.amazonaws.com`,
            port: 22,
            healthCheckIds: { endpoint: await check(), fence: "fence-check", combined: "combined-check" },
            fence: coordinates,
        });
        const endpoints = { primary: await endpoint("primary", "us-east-1"), secondary: await endpoint("secondary", "us-west-2") };
        route53.destroy();
        const at = new Date().toISOString();
        updateFenceCache(fenceCachePath(journalDir), "dns", { coordinates, coordinatesAt: at, weights: { primary: 100, secondary: 0 }, weightsAt: at, posture: "active-passive", endpoints });

        const r = await cli(["fence", "secondary", "--yes", "--json"], "file:///proc/no-such-state");

        expect(r.status, r.stderr).to.equal(0);
        const operations = proxy.calls.map((c) => c.operation.replace(/healthcheck\/[^/]+\/status/, "healthcheck/<id>/status"));
        expect([...operations].sort(), JSON.stringify(operations)).to.deep.equal([
            "DescribeAlarmsForMetric",
            "DescribeAlarmsForMetric",
            "GET /2013-04-01/healthcheck/<id>/status",
            "GET /2013-04-01/healthcheck/<id>/status",
            "GetMetricData",
            "GetMetricData",
            // The publish's own read of the periods it must outlast (fence/last-word.ts).
            "GetMetricData",
            "PutMetricData",
        ]);
        // Both endpoints were read (moto's one checker reports Success): the prediction is from known health.
        expect(r.stderr).to.not.match(/endpoint .*unknown/);
    });

    it("with a fence cache, publishes where the cache says the deployed alarms are, and says how old the cached weights are", async function () {
        const cached = fenceCoordinates({ service: "sftp.sandbox.example.com", region: "ca-central-1" });
        await putFenceAlarms(moto.endpoint, cached);
        const at = new Date(Date.now() - 5 * 60_000).toISOString();
        updateFenceCache(fenceCachePath(journalDir), "dns", { coordinates: cached, coordinatesAt: at, weights: { primary: 100, secondary: 0 }, weightsAt: at, posture: "active-passive" });
        const r = await cli(["fence", "primary", "--yes"], "file:///proc/no-such-state");
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.match(/are unknown: \d of 4 cases harm clients \(weights from cached weights 100\/0 \(active-passive\), 5 min old\)/);
        // The stack file was copied after the cache's time: the operator is told the cache may be stale.
        expect(r.stderr).to.match(/Pulumi\.dns\.yaml was edited after the deployed stack was last read \(5 min old\)/);
        // With a cache the stack file is not even parsed.
        expect(r.packages).to.not.include("yaml");
        expect(cloudWatchOnly(proxy.calls)).to.equal(true);
        expect(puts()).to.equal(1);
        expect(await lastValue(cached, "primary")).to.equal(0);
        expect(await lastValue(coordinates, "primary"), "nothing published where the stack file points").to.equal(undefined);
        expect(readFenceCache(fenceCachePath(journalDir), "dns").entry?.fence?.primary?.state).to.equal("fenced");

        // Health unknown: the unfence needs --yes too.
        const back = await cli(["unfence", "primary", "--yes"], "file:///proc/no-such-state");
        expect(back.status, back.stderr).to.equal(0);
        expect(back.stdout.trim()).to.equal("primary unfenced");
        expect(puts()).to.equal(2);
        expect(await lastValue(cached, "primary", "Maximum")).to.equal(1);
    });

    it("a fence that needs confirming, without --yes on a non-terminal: exit 2 and nothing published", async function () {
        const r = await cli(["fence", "primary"], "file:///proc/no-such-state");
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr.trim().split("\n").at(-1)).to.equal("error: --yes is required when stdin is not a terminal (nothing was changed)");
        expect(puts()).to.equal(0);
        expect(fs.existsSync(path.join(journalDir, "audit.jsonl"))).to.equal(false);
    });

    it("with no fence cache, fence primary then fence secondary: the second is refused from CloudWatch's word, exit 2, nothing published", async function () {
        const first = await cli(["fence", "primary", "--yes", "--reason", "a"], "file:///proc/no-such-state");
        expect(first.status, first.stderr).to.equal(0);
        const second = await cli(["fence", "secondary", "--yes", "--reason", "b"], "file:///proc/no-such-state");
        expect(second.status, second.stderr).to.equal(2);
        expect(second.stderr.trim().split("\n").at(-1)).to.match(/^error: primary is fenced \(read from CloudWatch SftpFailover\/Fence\/RegionEnabled in us-east-2\): fencing secondary too would leave no healthy record/);
        expect(puts()).to.equal(1);
        expect(await lastValue(coordinates, "secondary"), "nothing published for the secondary").to.equal(undefined);
        expect(fs.readFileSync(path.join(journalDir, "audit.jsonl"), "utf8").trim().split("\n")).to.have.length(1);
    });

    it("after the stacks are destroyed (no alarm watches the metric), a fence says there is nothing to fence, exit 2, nothing published", async function () {
        await moto.reset();
        const r = await cli(["fence", "primary", "--yes"], "file:///proc/no-such-state");
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr.trim().split("\n").at(-1)).to.match(/^error: nothing to fence: no alarm watches the primary fence metric in CloudWatch .* in us-east-2 \(is the dns stack deployed\?\); nothing was changed$/);
        expect(puts()).to.equal(0);
    });
});
