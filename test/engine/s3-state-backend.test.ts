import { expect } from "chai";
import { CliProcessRun } from "../support/spawn-cli";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { AuditEntry } from "../../automation/driver/audit";
import { bootstrap } from "../../automation/driver/bootstrap";
import { StatusResult } from "../../automation/driver/types";
import { sandboxEngineEnvironment } from "../../sandbox/engine";
import { copyProjectForInlineRun, openStack } from "../../automation/engine/workspace";
import { ensureHostKeys } from "../../automation/driver/host-keys";
import { MotoServer, motoCredentials, startMoto } from "../support/moto";

// The team setup: the Pulumi state itself on the S3 DIY backend (moto's S3 through a path-style
// endpoint), and the driver's lock, journal and audit log beside it in the same bucket by default.
// Operator A bootstraps from one checkout; operator B, with another checkout (the committed stack
// files) and another HOME, switches; A sees B's posture and B's audit entry. The sandbox's world
// (what "AWS" holds) is one folder both share, as both would share one account.

const root = path.resolve(__dirname, "..", "..");
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

type CliRun = CliProcessRun;

describe("the state on the S3 backend: two machines, one bucket (sandbox + moto)", function () {
    let moto: MotoServer;
    let backendUrl: string;
    let base: string;
    let worldDir: string;
    const machine = (name: string) => ({ dir: path.join(base, name, "project"), home: path.join(base, name, "home") });
    const awsEnv = () => ({
        AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
        AWS_REGION: "us-east-1",
        SANDBOX_WORLD_DIR: worldDir,
    });

    function cli(m: { dir: string; home: string }, args: readonly string[]): Promise<CliRun> {
        const child = spawn(
            process.execPath,
            ["-r", require.resolve("ts-node/register/transpile-only"), path.join(root, "automation/cli/bin.ts"), ...args, "--sandbox", "--stack-dir", m.dir, "--backend", backendUrl],
            {
                cwd: m.dir,
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, ...awsEnv(), HOME: m.home, TS_NODE_PROJECT: path.join(root, "tsconfig.json") },
            },
        );
        let stdout = "";
        let stderr = "";
        child.stdout?.on("data", (d) => (stdout += String(d)));
        child.stderr?.on("data", (d) => (stderr += String(d)));
        return new Promise((resolve) => child.on("exit", (status) => resolve({ status, stdout, stderr })));
    }

    before(async function () {
        moto = await startMoto();
        const s3 = new S3Client(moto.clientConfig);
        await s3.send(new CreateBucketCommand({ Bucket: "team-state" }));
        s3.destroy();
        const endpoint = new URL(moto.endpoint);
        backendUrl = `s3://team-state/pulumi?region=us-east-1&endpoint=${endpoint.host}&disableSSL=true&s3ForcePathStyle=true`;
        base = fs.mkdtempSync(path.join(os.tmpdir(), "sftp-failover-s3-backend-"));
        worldDir = path.join(base, "world");
        for (const name of ["operator-a", "operator-b"]) {
            fs.mkdirSync(machine(name).home, { recursive: true });
        }
        copyProjectForInlineRun(root, machine("operator-a").dir);
    });

    after(async function () {
        fs.rmSync(base, { recursive: true, force: true });
        await moto?.stop();
    });

    it("A bootstraps with the state in S3; B, from its own checkout and HOME, switches; A sees the posture and B's audit entry", async function () {
        const a = machine("operator-a");
        const b = machine("operator-b");
        const env = sandboxEngineEnvironment({ projectDir: a.dir, backendUrl, pulumiHome: path.join(a.home, ".pulumi"), extraEnv: awsEnv() });
        await ensureHostKeys([await openStack("primary", env), await openStack("secondary", env)]);
        const done = await bootstrap({ engine: env });
        expect(done.steps.map((s) => s.status)).to.not.include("failed");

        // The state is in the bucket, not on A's disk.
        const s3 = new S3Client(moto.clientConfig);
        const keys = (await s3.send(new ListObjectsV2Command({ Bucket: "team-state", Prefix: "pulumi/" }))).Contents?.map((o) => o.Key ?? "") ?? [];
        s3.destroy();
        expect(keys.some((k) => k.includes("/stacks/sftp-failover/dns.json")), keys.join("\n")).to.equal(true);
        expect(fs.existsSync(path.join(a.dir, ".pulumi-state"))).to.equal(false);

        // B's checkout: the committed stack files (with their encrypted secrets), nothing of A's local state.
        copyProjectForInlineRun(a.dir, b.dir);
        // Bootstrap gave the regions a canary, but the sandbox has no SFTP server for it: the gate is
        // skipped and the switch ends unverified (exit 5); no endpoint health with a non-file backend,
        // so --yes accepts the unknown health.
        const switched = await cli(b, ["failover", "--yes", "--skip-verify", "--reason", "team drill", "--identity", "bob", "--json"]);
        expect(switched.status, switched.stderr).to.equal(5);
        expect((JSON.parse(switched.stdout) as { to: string }).to).to.equal("failover");

        const status = await cli(a, ["status", "--json"]);
        expect(status.status, status.stderr).to.equal(0);
        expect((JSON.parse(status.stdout) as StatusResult).posture).to.equal("failover");
        // The audit log lives beside the state in the bucket, so A reads B's entry.
        const history = await cli(a, ["history", "--json"]);
        expect(history.status, history.stderr).to.equal(0);
        const entries = JSON.parse(history.stdout) as AuditEntry[];
        expect(entries.filter((e) => e.operation === "failover").map((e) => [e.identity, e.result, e.to])).to.deep.equal([["bob", "unverified", "failover"]]);
        expect(fs.existsSync(path.join(a.dir, ".failover", "audit.jsonl"))).to.equal(false);
    });
});
