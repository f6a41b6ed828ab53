import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { applyEmergencyFence, EmergencyFenceOptions, planEmergencyFence } from "../../automation/fence/emergency";
import { AuditLog } from "../../automation/driver/audit";
import { LocalCoordinationStore } from "../../automation/driver/coordination/local-store";
import { RunLog } from "../../automation/driver/coordination/run-log";
import { notifyCheck, notifyingStore } from "../../automation/notify/audited";
import { Notifier, NotifyFailure } from "../../automation/notify/notifier";
import { fenceCoordinates } from "../../components/dns-fence-coordinates";
import { putFenceAlarms } from "../support/fence-alarms";
import { motoCredentials, MotoServer, startMoto } from "../support/moto";
import { freePort } from "../support/ports";
import { spawnCli } from "../support/spawn-cli";

const root = path.resolve(__dirname, "..", "..");
const fenceRegion = "us-east-2";
const coordinates = fenceCoordinates({ service: "sftp.sandbox.example.com" });

/** The notification inside one SQS message (SNS wraps it in its own envelope). */
interface Delivered {
    readonly subject: string;
    readonly body: Record<string, unknown>;
}

describe("notifications: SNS with an SQS subscription (moto), a webhook on loopback, and one that fails", function () {
    let moto: MotoServer;
    let dir: string;
    let project: string;
    let journalDir: string;
    let topicArn: string;
    let queueUrl: string;
    let sqs: SQSClient;

    before(async function () {
        moto = await startMoto({ region: fenceRegion });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "notify-"));
        sqs = new SQSClient({ ...moto.clientConfig, region: fenceRegion });
    });

    after(async function () {
        sqs?.destroy();
        await moto?.stop();
        if (dir !== undefined) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    beforeEach(async function () {
        await moto.reset();
        project = fs.mkdtempSync(path.join(dir, "project-"));
        for (const file of ["Pulumi.yaml", "Pulumi.dns.yaml"]) {
            fs.copyFileSync(path.join(root, file), path.join(project, file));
        }
        journalDir = path.join(project, ".failover");
        await putFenceAlarms(moto.endpoint, coordinates);
        const sns = new SNSClient({ ...moto.clientConfig, region: fenceRegion });
        topicArn = (await sns.send(new CreateTopicCommand({ Name: "sftp-failover-notify" }))).TopicArn as string;
        queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "on-call" }))).QueueUrl as string;
        const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn;
        await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }));
        sns.destroy();
    });

    /** Every notification in the queue, read until `count` arrived (long polls, at most ten). */
    async function delivered(count: number): Promise<Delivered[]> {
        const got: Delivered[] = [];
        for (let poll = 0; poll < 10 && got.length < count; poll++) {
            const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
            for (const m of r.Messages ?? []) {
                const envelope = JSON.parse(m.Body ?? "{}") as { Subject?: string; Message?: string };
                got.push({ subject: envelope.Subject ?? "", body: JSON.parse(envelope.Message ?? "{}") as Record<string, unknown> });
            }
        }
        return got;
    }

    function cli(args: readonly string[]) {
        return spawnCli([...args, "--stack-dir", project, "--backend", `file://${path.join(dir, "no-such-state")}`, "--cloudwatch-endpoint", moto.endpoint, "--notify", topicArn, "--identity", "dana"], {
            env: { ...process.env, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey, AWS_MAX_ATTEMPTS: "1" },
            timeoutMs: 120_000,
        });
    }

    it("a fence and an unfence through the CLI each publish one message with their audit entry's fields", async function () {
        const fenced = cli(["fence", "primary", "--yes", "--reason", "drill"]);
        expect(fenced.status, fenced.stderr).to.equal(0);
        const unfenced = cli(["unfence", "primary", "--yes", "--reason", "drill over"]);
        expect(unfenced.status, unfenced.stderr).to.equal(0);

        const audit = new AuditLog(path.join(journalDir, "audit.jsonl")).read();
        expect(audit.map((e) => `${e.operation} ${e.result}`)).to.deep.equal(["fence ok", "unfence ok"]);
        const messages = await delivered(2);
        expect(messages.map((m) => m.body)).to.deep.equal(audit.map((e) => ({ source: "sftp-failover", kind: "change", ...e })));
        expect(messages.map((m) => m.subject)).to.deep.equal([`sftp-failover fence ${audit[0].to}: ok`, `sftp-failover unfence ${audit[1].to}: ok`]);
        expect(messages[0].body).to.include({ identity: "dana", reason: "drill", operation: "fence" });
    });

    it("a switch's audit entry, written through the store as the controller writes it, publishes its result and its check after DNS", async function () {
        const notifier = Notifier.from({ target: topicArn, sns: { endpoint: moto.endpoint, credentials: motoCredentials } });
        const log = new RunLog(notifyingStore(new LocalCoordinationStore(journalDir), notifier), "dana");
        await log.record({
            operation: "failover",
            runId: "20261207T190000-abcdef",
            from: "active-passive",
            to: "failover-to-secondary",
            result: "degraded",
            started: Date.now(),
            reason: "us-east-1 down",
            remaining: ["scale down primary"],
            afterDns: "failed: 2 of 3 resolvers still answer primary",
        });
        const [message] = await delivered(1);
        expect(message.body).to.include({
            kind: "change",
            operation: "failover",
            result: "degraded",
            runId: "20261207T190000-abcdef",
            afterDns: "failed: 2 of 3 resolvers still answer primary",
        });
        expect(message.body.remaining).to.deep.equal(["scale down primary"]);
        expect(message.subject).to.equal("sftp-failover failover failover-to-secondary: degraded");
    });

    it("a check that is not ready publishes its not-ready findings; a ready one publishes nothing", async function () {
        const notifier = Notifier.from({ target: topicArn, sns: { endpoint: moto.endpoint, credentials: motoCredentials } });
        const store = new LocalCoordinationStore(journalDir);
        const finding = { area: "parity", level: "not-ready", what: "instance types differ (t3.small, t3.large)", fix: "pulumi up the secondary" } as const;
        await notifyCheck(notifier, { readiness: "ready", findings: [], checkedAt: new Date().toISOString(), durationMs: 1 }, "cron", store);
        await notifyCheck(notifier, { readiness: "not-ready", findings: [finding], checkedAt: new Date().toISOString(), durationMs: 1 }, "cron", store);
        // Published in order: had the ready check published anything, it would be the first message.
        const messages = await delivered(1);
        expect(messages.map((m) => m.body.kind)).to.deep.equal(["check"]);
        expect(messages[0].body).to.include({ operation: "check", result: "not-ready", identity: "cron" });
        expect(messages[0].body.notReady).to.deep.equal(["parity: instance types differ (t3.small, t3.large) — fix: pulumi up the secondary"]);
    });

    describe("webhook", function () {
        let server: http.Server;
        let url: string;
        const posts: { path: string; type: string | undefined; body: Record<string, unknown> }[] = [];

        before(async function () {
            server = http.createServer((req, res) => {
                let body = "";
                req.on("data", (d: Buffer) => (body += d.toString()));
                req.on("end", () => {
                    posts.push({ path: req.url ?? "", type: req.headers["content-type"], body: JSON.parse(body) as Record<string, unknown> });
                    res.writeHead(204).end();
                });
            });
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks/T0KEN-s3cret`;
        });

        after(async function () {
            await new Promise((resolve) => server?.close(resolve));
        });

        /** Fences a region through the SDK's emergency path, notifying `target`. */
        async function fence(target: string, failures: NotifyFailure[] = []) {
            const opts: EmergencyFenceOptions = {
                journalDir,
                projectDir: project,
                reason: "drill",
                identity: "dana",
                cloudWatch: { endpoint: moto.endpoint, credentials: motoCredentials },
                notify: { target, timeoutMs: 2_000, onFailure: (f) => failures.push(f) },
            };
            return applyEmergencyFence(await planEmergencyFence("secondary", "fence", opts), opts);
        }

        it("a fence POSTs one JSON message with the audit entry's fields to the webhook", async function () {
            posts.length = 0;
            const result = await fence(url);
            const [entry] = new AuditLog(path.join(journalDir, "audit.jsonl")).read();
            expect(posts).to.have.length(1);
            expect(posts[0].path).to.equal("/hooks/T0KEN-s3cret");
            expect(posts[0].type).to.equal("application/json");
            expect(posts[0].body).to.deep.equal({ source: "sftp-failover", kind: "change", ...entry });
            expect(posts[0].body.runId).to.equal(result.runId);
        });

        it("a webhook that refuses the connection does not fail the fence: the failure is reported and audited, and the URL's token is in neither", async function () {
            const closed = `http://127.0.0.1:${await freePort()}/hooks/T0KEN-s3cret`;
            const failures: NotifyFailure[] = [];
            const result = await fence(closed, failures);
            expect(result.state).to.equal("fenced");
            const audit = new AuditLog(path.join(journalDir, "audit.jsonl")).read();
            expect(audit.map((e) => `${e.operation} ${e.result}`)).to.deep.equal(["fence ok", "notify failed"]);
            expect(audit[1]).to.include({ runId: result.runId, to: `webhook ${new URL(closed).origin}`, reason: `fence ${audit[0].to}: ok`, identity: "dana" });
            expect(audit[1].error).to.match(/ECONNREFUSED|fetch failed/);
            expect(failures.map((f) => f.target)).to.deep.equal([`webhook ${new URL(closed).origin}`]);
            expect(JSON.stringify({ audit, failures })).not.to.include("T0KEN");
        });

        it("a webhook that never answers is given up after the notifier's timeout and the fence stands", async function () {
            const silent = http.createServer(() => undefined);
            await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
            try {
                const failures: NotifyFailure[] = [];
                const result = await fence(`http://127.0.0.1:${(silent.address() as { port: number }).port}/hook`, failures);
                expect(result.state).to.equal("fenced");
                expect(failures.map((f) => f.error)).to.deep.equal(["no answer within 2000 ms"]);
            } finally {
                silent.closeAllConnections();
                await new Promise((resolve) => silent.close(resolve));
            }
        });
    });

    it("an SNS topic that does not exist fails the notification, not the fence, and the CLI warns on stderr", function () {
        const missing = topicArn.replace(/:[^:]+$/, ":no-such-topic");
        const r = spawnCli(["fence", "primary", "--yes", "--reason", "drill", "--stack-dir", project, "--backend", `file://${path.join(dir, "no-such-state")}`, "--cloudwatch-endpoint", moto.endpoint, "--notify", missing], {
            env: { ...process.env, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey, AWS_MAX_ATTEMPTS: "1" },
            timeoutMs: 120_000,
        });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.include(`warning: the notification of fence primary`).and.to.include(missing);
        const audit = new AuditLog(path.join(journalDir, "audit.jsonl")).read();
        expect(audit.map((e) => `${e.operation} ${e.result}`)).to.deep.equal(["fence ok", "notify failed"]);
    });
});
