// One contract, two stores: every guarantee the driver relies on, checked against the local-files
// store and against the S3 store on moto server. A store that passes here can replace the other.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { AuditEntry } from "../../automation/driver/audit";
import { LockedError, LockHolder } from "../../automation/driver/errors";
import { JournalRecord } from "../../automation/driver/journal";
import { LocalCoordinationStore } from "../../automation/driver/coordination/local-store";
import { S3CoordinationStore } from "../../automation/driver/coordination/s3-store";
import { CoordinationStore } from "../../automation/driver/coordination/store";
import { parseCoordinationUrl, S3Location } from "../../automation/driver/coordination/url";
import { acquireLease, breakLock, HeldLease, LeaseLostError } from "../../automation/driver/coordination/lease";
import { describeBrokenLock, RunLog } from "../../automation/driver/coordination/run-log";
import { MotoServer, startMoto } from "../support/moto";

/** A fresh, empty store, and ways to damage it as a crash or a stray writer would. */
interface Fixture {
    readonly store: CoordinationStore;
    /** A second handle on the same store, as another process or machine would open it. */
    reopen(): CoordinationStore;
    /** Leaves a journal record that cannot be parsed (a torn write, a stray object). */
    corruptJournal(): Promise<void>;
    /** Replaces the lock with text that names no holder. */
    corruptLock(): Promise<void>;
}

/** A holder on another machine, so that only its lease — never a pid — can make it stale. */
function holder(runId: string, identity = "alice"): LockHolder {
    return { identity, host: "laptop-elsewhere", pid: 4242, runId, operation: "failover failover", since: new Date().toISOString() };
}

const begin = (runId: string, at: string): JournalRecord => ({
    type: "begin",
    runId,
    operation: "failover",
    target: "failover",
    steps: [{ id: "scale-secondary", description: "scale secondary", skip: false }],
    identity: "alice",
    host: "laptop-a",
    pid: 1,
    at,
});

const contract = (name: string, setUp: () => Promise<Fixture>, tearDown: () => Promise<void>) =>
    describe(`coordination store contract: ${name}`, () => {
        let f: Fixture;
        const held: HeldLease[] = [];
        beforeEach(async () => {
            f = await setUp();
        });
        afterEach(async () => {
            for (const l of held.splice(0)) {
                await l.release().catch(() => undefined);
            }
            await tearDown();
        });

        it("lets exactly one of several concurrent acquirers take the lock; the others get LockedError naming it", async () => {
            const stores = [f.store, f.reopen(), f.reopen(), f.reopen(), f.reopen(), f.reopen()];
            const results = await Promise.allSettled(stores.map((s, i) => acquireLease(s, holder(`run-${i}`, `op-${i}`))));
            const winners = results.filter((r): r is PromiseFulfilledResult<HeldLease> => r.status === "fulfilled").map((r) => r.value);
            held.push(...winners);
            expect(winners).to.have.length(1);
            const losers = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as Error);
            expect(losers).to.have.length(stores.length - 1);
            for (const err of losers) {
                expect(err).to.be.instanceOf(LockedError);
                expect((err as LockedError).holder?.runId).to.equal(winners[0].holder.runId);
                expect(err.message).to.include(`locked by ${winners[0].holder.identity} on laptop-elsewhere`);
            }
        });

        it("renews a held lease: the lock stays held by the same run with a later expiry", async () => {
            let clock = Date.now();
            const lease = await acquireLease(f.store, holder("run-a"), { leaseMs: 60_000, now: () => clock });
            held.push(lease);
            const first = lease.holder.expiresAt;
            clock += 30_000;
            await lease.renew();
            const read = await f.reopen().readLock();
            expect(read.state).to.equal("held");
            expect(read.state === "held" && read.holder.runId).to.equal("run-a");
            expect(read.state === "held" && Date.parse(read.holder.expiresAt!)).to.equal(Date.parse(first!) + 30_000);
        });

        it("keeps a live lease from being taken: a second acquirer before expiry is refused", async () => {
            let clock = Date.now();
            held.push(await acquireLease(f.store, holder("run-a"), { leaseMs: 60_000, now: () => clock }));
            clock += 59_000;
            const err = await acquireLease(f.reopen(), holder("run-b", "bob"), { now: () => clock }).then(() => undefined, (e: Error) => e);
            expect(err).to.be.instanceOf(LockedError);
        });

        it("treats a lock whose lease ended as stale: the next acquirer clears it, says so once, and takes it", async () => {
            let clock = Date.now();
            const dead = await acquireLease(f.store, holder("run-dead"), { leaseMs: 60_000, now: () => clock });
            clock += 60_001;
            const cleared: LockHolder[] = [];
            const lease = await acquireLease(f.reopen(), holder("run-b", "bob"), { now: () => clock, onStaleCleared: (h) => void cleared.push(h) });
            held.push(lease);
            expect(cleared.map((h) => h.runId)).to.deep.equal(["run-dead"]);
            expect(lease.holder.runId).to.equal("run-b");
            // The dead holder, were it to wake, has lost the lock: renewing fails, releasing leaves the new lock alone.
            const lost = await dead.renew().then(() => undefined, (e: Error) => e);
            expect(lost).to.be.instanceOf(LeaseLostError);
            await dead.release();
            const read = await f.store.readLock();
            expect(read.state === "held" && read.holder.runId).to.equal("run-b");
        });

        it("breaks a lock only when asked, and the break is audited with the holder it cleared", async () => {
            const lease = await acquireLease(f.store, holder("run-a"));
            const log = new RunLog(f.reopen(), "carol");
            const cleared = await breakLock(log.store);
            await log.record({ operation: "unlock", runId: "break-1", to: `cleared ${describeBrokenLock(cleared, log.store.location)}`, result: "ok", started: Date.now(), reason: "laptop lost" });
            expect((await f.store.readLock()).state).to.equal("free");
            const audit = await new RunLog(f.reopen(), "x").read({ operation: "unlock" });
            expect(audit).to.have.length(1);
            expect(audit[0]).to.include({ identity: "carol", reason: "laptop lost", to: "cleared driver lock of alice on laptop-elsewhere (pid 4242, failover failover, run run-a)" });
            expect(await lease.renew().then(() => undefined, (e: Error) => e)).to.be.instanceOf(LeaseLostError);
        });

        it("reports a corrupt lock as corrupt, never as free, and refuses to acquire over it until it is broken", async () => {
            await f.corruptLock();
            expect((await f.store.readLock()).state).to.equal("corrupt");
            const err = await acquireLease(f.store, holder("run-a")).then(() => undefined, (e: Error) => e);
            expect(err).to.be.instanceOf(LockedError);
            expect((await breakLock(f.store)).state).to.equal("corrupt");
            held.push(await acquireLease(f.store, holder("run-a")));
        });

        it("reads the journal back in the order written, across handles, skipping a corrupt record", async () => {
            const t0 = Date.parse("2026-11-30T10:00:00.000Z");
            const at = (ms: number) => new Date(t0 + ms).toISOString();
            const other = f.reopen();
            await f.store.appendJournal(begin("run-a", at(0)));
            // Same millisecond, same run: order is still the order written.
            await f.store.appendJournal({ type: "step", runId: "run-a", stepId: "scale-secondary", status: "started", at: at(5) });
            await f.store.appendJournal({ type: "step", runId: "run-a", stepId: "scale-secondary", status: "done", at: at(5) });
            await f.corruptJournal();
            await other.appendJournal(begin("run-b", at(10)));
            await other.appendJournal({ type: "end", runId: "run-b", result: "ok", at: at(20) });
            const records = await f.reopen().readJournal();
            expect(records.map((r) => `${r.type}:${r.runId}${r.type === "step" ? `:${r.status}` : ""}`)).to.deep.equal([
                "begin:run-a",
                "step:run-a:started",
                "step:run-a:done",
                "begin:run-b",
                "end:run-b",
            ]);
        });

        it("stores an audit entry appended twice (a retried write) once", async () => {
            const entry: AuditEntry = { at: new Date().toISOString(), identity: "alice", host: "laptop-a", operation: "failover", to: "failover", result: "ok", runId: "run-a", durationMs: 12 };
            await f.store.appendAudit(entry);
            await f.reopen().appendAudit(entry);
            await f.store.appendAudit({ ...entry, runId: "run-b" });
            expect((await f.reopen().readAudit()).map((e) => e.runId)).to.deep.equal(["run-a", "run-b"]);
        });

        it("keeps the posture record: none at first, then what the last writer recorded, for every reader", async () => {
            expect(await f.store.readPosture()).to.equal(undefined);
            const record = { posture: "failover" as const, weights: { primary: 0, secondary: 100 }, capacity: { primary: "drained" as const, secondary: "active" as const }, identity: "bob", host: "laptop-b", at: new Date().toISOString(), runId: "run-b" };
            await f.store.writePosture({ ...record, posture: "active-active", runId: "run-a" });
            await f.reopen().writePosture(record);
            expect(await f.reopen().readPosture()).to.deep.equal(record);
        });

        it("names the journal's unfinished run, and no longer once its audit entry exists", async () => {
            const log = new RunLog(f.store, "alice");
            await log.append(begin("run-a", new Date().toISOString()));
            expect((await log.unfinishedRun(false))?.begin.runId).to.equal("run-a");
            await log.record({ operation: "failover", runId: "run-a", to: "failover", result: "ok", started: Date.now() });
            expect(await log.unfinishedRun(true)).to.equal(undefined);
            expect((await log.runs())[0].end?.result).to.equal("ok");
        });
    });

// --- local files ---
let tmp = "";
contract(
    "local files",
    async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "coord-local-"));
        const dir = path.join(tmp, ".failover");
        const store = new LocalCoordinationStore(dir);
        return {
            store,
            reopen: () => new LocalCoordinationStore(dir),
            async corruptJournal() {
                fs.mkdirSync(dir, { recursive: true });
                fs.appendFileSync(store.files.journal, '{"type":"step","runId":"run-a","st');
            },
            async corruptLock() {
                fs.mkdirSync(dir, { recursive: true });
                fs.writeFileSync(store.files.lock, "{ not a holder");
            },
        };
    },
    async () => fs.rmSync(tmp, { recursive: true, force: true }),
);

// --- S3 on moto ---
describe("coordination store on S3 (moto server)", () => {
    let moto: MotoServer;
    let s3: S3Client;
    let n = 0;
    before(async () => {
        moto = await startMoto();
        s3 = new S3Client(moto.clientConfig);
    });
    after(async () => {
        s3?.destroy();
        await moto?.stop();
    });

    contract(
        "S3 with conditional writes",
        async () => {
            const bucket = `coord-${++n}`;
            await s3.send(new CreateBucketCommand({ Bucket: bucket }));
            const where = parseCoordinationUrl(`s3://${bucket}/team/.failover?region=us-east-1&endpoint=${moto.endpoint}`) as S3Location;
            const open = () => new S3CoordinationStore(where, { credentials: moto.clientConfig.credentials });
            return {
                store: open(),
                reopen: open,
                async corruptJournal() {
                    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "team/.failover/journal/20261130T100000003Z-000000-torn.json", Body: '{"type":"st' }));
                },
                async corruptLock() {
                    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "team/.failover/lock.json", Body: "{ not a holder" }));
                },
            };
        },
        async () => undefined,
    );
});
