import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AuditEntry } from "../../automation/driver/audit";
import { LocalCoordinationStore } from "../../automation/driver/coordination/local-store";
import { notifierOf, notifyingAppend, notifyingStore } from "../../automation/notify/audited";
import { changeNotificationOf, subjectOf } from "../../automation/notify/message";
import { Notifier } from "../../automation/notify/notifier";
import { describeTarget, parseNotifyTarget } from "../../automation/notify/target";
import { BadInputError } from "../../automation/driver/errors";
import { freePort } from "../support/ports";
import { runMain } from "../support/run-main";
import { notifyOptionsOf } from "../../automation/cli/context";
import { UsageError } from "../../automation/cli/errors";
import { GlobalArgs } from "../../automation/cli/options";

// The notifier's pure parts: its target and options refused in one line naming the flag or option,
// what is notified and what is not, and the audit hook's order. Sending is tested for real in
// test/integration/notify.test.ts (moto's SNS and SQS, a loopback webhook).

const entry = (operation: AuditEntry["operation"], extra: Partial<AuditEntry> = {}): AuditEntry => ({
    at: "2026-12-07T19:00:00.000Z", identity: "dana", host: "ops-1", operation, to: "failover", result: "ok", runId: "20261207T190000-abcdef", durationMs: 10, ...extra,
});

describe("notify: targets, messages and the audit hook", () => {
    describe("target", () => {
        it("an SNS topic ARN is published in its own region", () => {
            expect(parseNotifyTarget("arn:aws:sns:us-east-2:123456789012:sftp-failover")).to.deep.equal({ kind: "sns", topicArn: "arn:aws:sns:us-east-2:123456789012:sftp-failover", region: "us-east-2" });
            expect(parseNotifyTarget("arn:aws:sns:us-east-2:123456789012:alerts.fifo")).to.include({ region: "us-east-2" });
        });

        const refused: [string, string, RegExp][] = [
            ["an ARN with no account", "arn:aws:sns:us-east-2:sftp", /^--notify must be an SNS topic ARN like arn:aws:sns:us-east-2:123456789012:sftp-failover \(got "arn:aws:sns:us-east-2:sftp"\)$/],
            ["an SQS ARN", "arn:aws:sqs:us-east-2:123456789012:q", /^--notify must be an SNS topic ARN like/],
            ["a bad region", "arn:aws:sns:useast2:123456789012:t", /^--notify must be an SNS topic ARN like/],
            ["an ftp URL", "ftp://hooks.example.com/T0KEN", /^--notify must be an SNS topic ARN or an http\(s\) URL \(got a ftp: URL\)$/],
            ["a bare word", "oncall", /^--notify must be an SNS topic ARN \(arn:aws:sns:<region>:<account>:<topic>\) or an http\(s\) URL \(got text that is neither\)$/],
            ["a URL with a password", "https://bot:s3cret@hooks.example.com/x", /^--notify: a webhook URL must not carry a user or password \(got a URL with one\)$/],
        ];
        for (const [what, text, message] of refused) {
            it(`refuses ${what} in one line naming the flag, quoting no URL`, () => {
                expect(() => parseNotifyTarget(text, "--notify")).to.throw(Error).with.property("message").that.matches(message).and.does.not.include("s3cret").and.not.include("T0KEN");
            });
        }

        it("a webhook is described by its origin only (its path is often its token)", () => {
            expect(describeTarget(parseNotifyTarget("https://hooks.example.com/services/T0KEN?x=1"))).to.equal("webhook https://hooks.example.com");
        });
    });

    describe("options", () => {
        it("a timeout outside 1–30000 ms is refused naming notify.timeoutMs, as a BadInputError from the SDK", () => {
            for (const timeoutMs of [0, -1, 30_001, 1.5]) {
                expect(() => notifierOf({ target: "https://hooks.example.com/x", timeoutMs })).to.throw(BadInputError, `notify.timeoutMs must be an integer 1–30000 (got ${timeoutMs})`);
            }
            expect(notifierOf({ target: "https://hooks.example.com/x", timeoutMs: 30_000 })).to.be.instanceOf(Notifier);
            expect(notifierOf(undefined)).to.equal(undefined);
        });

        it("a bad --notify stops the CLI with exit 2 and one line before anything is fenced or audited", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notify-cli-"));
            try {
                const r = await runMain(["fence", "primary", "--yes", "--reason", "x", "--journal-dir", dir, "--notify", "ftp://hooks.example.com/T0KEN"]);
                expect(r.status).to.equal(2);
                expect(r.stderr.trim().split("\n")).to.have.length(1);
                expect(r.stderr).to.include("--notify must be an SNS topic ARN or an http(s) URL (got a ftp: URL)").and.not.include("T0KEN");
                expect(fs.readdirSync(dir)).to.deep.equal([]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("under --sandbox (nothing leaves loopback)", () => {
        const argv = (notify: string, extra: Partial<GlobalArgs> = {}) => ({ wait: 0, sandbox: true, notify, ...extra }) as GlobalArgs;
        it("an SNS topic needs --cloudwatch-endpoint, and a webhook must be on loopback", () => {
            expect(() => notifyOptionsOf(argv("arn:aws:sns:us-east-2:123456789012:t"))).to.throw(UsageError, "--notify: an SNS topic is AWS; with --sandbox give --cloudwatch-endpoint");
            expect(() => notifyOptionsOf(argv("https://hooks.example.com/T0KEN"))).to.throw(UsageError, "--notify: with --sandbox a webhook must be on this machine (127.0.0.1, ::1 or localhost; got https://hooks.example.com)");
            expect(notifyOptionsOf(argv("arn:aws:sns:us-east-2:123456789012:t", { "cloudwatch-endpoint": "http://127.0.0.1:5000" })).notify?.sns).to.deep.equal({ endpoint: "http://127.0.0.1:5000" });
            for (const local of ["http://127.0.0.1:8080/h", "http://[::1]:8080/h", "http://localhost/h"]) {
                expect(notifyOptionsOf(argv(local)).notify?.target, local).to.include({ kind: "webhook" });
            }
        });
    });

    describe("messages", () => {
        it("a switch, fence and unfence are notified with the entry's fields; an unlock and a lost notification are not", () => {
            for (const op of ["posture", "failover", "failback", "fence", "unfence"] as const) {
                expect(changeNotificationOf(entry(op))).to.deep.equal({ source: "sftp-failover", kind: "change", ...entry(op) });
            }
            expect(changeNotificationOf(entry("unlock"))).to.equal(undefined);
            expect(changeNotificationOf(entry("notify"))).to.equal(undefined);
        });

        it("the subject is one ASCII line of at most 100 characters", () => {
            const n = changeNotificationOf(entry("failover", { to: `région-${"x".repeat(200)}\nnext`, result: "degraded" }));
            const subject = subjectOf(n as NonNullable<typeof n>);
            expect(subject.length).to.be.at.most(100);
            expect(subject).to.match(/^[\x20-\x7e]+$/);
            expect(subject.startsWith("sftp-failover failover r?gion-")).to.equal(true);
        });
    });

    describe("audit hook", () => {
        it("writes the entry before sending, and audits a failed send under the change's run id; other store methods pass through", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notify-hook-"));
            try {
                const order: string[] = [];
                const failures: string[] = [];
                const notifier = Notifier.from({ target: `http://127.0.0.1:${await freePort()}/hook`, timeoutMs: 1000, onFailure: (f) => failures.push(f.about) }) as Notifier;
                const store = new LocalCoordinationStore(dir);
                const wrapped = notifyingStore(store, notifier);
                const append = notifyingAppend(async (e) => {
                    order.push(`append ${e.operation}`);
                    await store.appendAudit(e);
                }, notifier);
                await append(entry("fence", { to: "primary fenced" }));
                expect(order).to.deep.equal(["append fence", "append notify"]);
                expect(failures).to.deep.equal(["fence primary fenced: ok"]);
                const audit = await wrapped.readAudit();
                expect(audit.map((e) => `${e.operation} ${e.result} ${e.runId}`)).to.deep.equal(["fence ok 20261207T190000-abcdef", "notify failed 20261207T190000-abcdef"]);
                expect(wrapped.location).to.equal(store.location);
                await wrapped.checkWritable();
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
