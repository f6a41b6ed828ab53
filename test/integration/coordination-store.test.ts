// One contract, two stores: every guarantee the driver relies on, checked against the local-files
// store and against the S3 store on moto server. A store that passes here can replace the other.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { AuditEntry } from "../../automation/driver/audit";
import { AbortedError, LockedError, LockHolder, LockLostError } from "../../automation/driver/errors";
import { JournalRecord } from "../../automation/driver/journal";
import { LocalCoordinationStore } from "../../automation/driver/coordination/local-store";
import { S3CoordinationStore } from "../../automation/driver/coordination/s3-store";
import { CoordinationStore } from "../../automation/driver/coordination/store";
import { parseCoordinationUrl, S3Location } from "../../automation/driver/coordination/url";
import { acquireLease, breakLock, HeldLease } from "../../automation/driver/coordination/lease";
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
    /**
     * Whether the store proves by itself that a holder on this host whose process has exited is
     * gone (the local store can; a store shared between machines cannot, and waits for the lease).
     */
    readonly provesDeadProcess: boolean;
}

/** A holder on another machine, so that only its lease — never a pid — can make it stale. */
function holder(runId: string, identity = "alice"): LockHolder {
    return { identity, host: "laptop-elsewhere", pid: 4242, runId, operation: "failover failover", since: new Date().toISOString() };
}

/** A holder on this machine whose lock has no lease: only the store can prove it stale, by its pid. */
function localHolder(runId: string, pid: number): LockHolder {
    return { identity: "dana", host: os.hostname(), pid, runId, operation: "failover failover", since: new Date().toISOString() };
}

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(child.stdout);
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
            expect(lost).to.be.instanceOf(LockLostError);
            await dead.release();
            const read = await f.store.readLock();
            expect(read.state === "held" && read.holder.runId).to.equal("run-b");
        });

        it("names the holder in full when refusing: identity, host, pid, operation, run and lease", async () => {
            const lease = await acquireLease(f.store, holder("run-a", "alice"));
            held.push(lease);
            const err = await acquireLease(f.reopen(), holder("run-b", "bob")).then(() => undefined, (e: Error) => e);
            expect(err).to.be.instanceOf(LockedError);
            expect((err as Error).message).to.equal(
                `locked by alice on laptop-elsewhere (pid 4242, failover failover, run run-a, since ${lease.holder.since}, lease until ${lease.holder.expiresAt}); if that process is gone, clear it with \`sftp-failover unlock\``,
            );
        });

        it("frees the lock on release, for the next acquirer; a second release changes nothing", async () => {
            const first = await acquireLease(f.store, holder("run-a"));
            await first.release();
            expect((await f.reopen().readLock()).state).to.equal("free");
            const second = await acquireLease(f.reopen(), holder("run-b", "bob"));
            held.push(second);
            await first.release();
            const read = await f.store.readLock();
            expect(read.state === "held" && read.holder.runId).to.equal("run-b");
        });

        it("gives the lock to a waiting acquirer once the holder releases it", async () => {
            const first = await acquireLease(f.store, holder("run-a"));
            let settled = false;
            const waiting = acquireLease(f.reopen(), holder("run-b", "bob"), { waitMs: 60_000, pollMs: 20 }).finally(() => (settled = true));
            await new Promise((resolve) => setTimeout(resolve, 100));
            expect(settled, "the waiter took the lock or gave up while it was held").to.equal(false);
            await first.release();
            const second = await waiting;
            held.push(second);
            const read = await f.store.readLock();
            expect(read.state === "held" && read.holder.runId).to.equal("run-b");
        });

        it("refuses a waiting acquirer whose wait runs out, naming the holder", async () => {
            held.push(await acquireLease(f.store, holder("run-a", "carol")));
            const err = await acquireLease(f.reopen(), holder("run-b"), { waitMs: 50, pollMs: 10 }).then(() => undefined, (e: Error) => e);
            expect(err).to.be.instanceOf(LockedError);
            expect((err as LockedError).holder?.runId).to.equal("run-a");
            expect((err as Error).message).to.include("locked by carol");
        });

        it("stops a waiting acquirer with AbortedError when its signal fires, leaving the holder's lock alone", async () => {
            held.push(await acquireLease(f.store, holder("run-a")));
            const abort = new AbortController();
            const waiting = acquireLease(f.reopen(), holder("run-b"), { waitMs: 60_000, pollMs: 20, signal: abort.signal });
            setTimeout(() => abort.abort(), 50);
            const err = await waiting.then(() => undefined, (e: Error) => e);
            expect(err).to.be.instanceOf(AbortedError);
            const read = await f.store.readLock();
            expect(read.state === "held" && read.holder.runId).to.equal("run-a");
        });

        it("clears a lock without a lease whose process on this host has exited only if the store can prove it; a live one never", async () => {
            const pid = deadPid();
            expect(await f.store.createLock(localHolder("run-crashed", pid))).to.be.a("string");
            const cleared: LockHolder[] = [];
            const result = await acquireLease(f.reopen(), holder("run-b", "bob"), { onStaleCleared: (h) => void cleared.push(h) }).then(
                (lease) => {
                    held.push(lease);
                    return lease;
                },
                (e: Error) => e,
            );
            if (f.provesDeadProcess) {
                expect(cleared.map((h) => h.runId)).to.deep.equal(["run-crashed"]);
                expect((result as HeldLease).holder.runId).to.equal("run-b");
            } else {
                expect(cleared).to.deep.equal([]);
                expect(result).to.be.instanceOf(LockedError);
                expect((result as LockedError).holder?.runId).to.equal("run-crashed");
            }
            await breakLock(f.store);

            // A holder whose process is alive (this one) is never cleared, by any store.
            expect(await f.store.createLock(localHolder("run-alive", process.pid))).to.be.a("string");
            const refused = await acquireLease(f.reopen(), holder("run-c")).then(() => undefined, (e: Error) => e);
            expect(refused).to.be.instanceOf(LockedError);
            expect((refused as LockedError).holder?.runId).to.equal("run-alive");
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
            expect(await lease.renew().then(() => undefined, (e: Error) => e)).to.be.instanceOf(LockLostError);
        });

        it("counts up the lock generation on every take and every break, across handles; a renewal keeps it", async () => {
            const a = await acquireLease(f.store, holder("run-a"));
            await a.renew();
            const read = await f.reopen().readLock();
            expect(read.state === "held" && read.holder.generation).to.equal(a.generation);
            await breakLock(f.reopen());
            const b = await acquireLease(f.reopen(), holder("run-b", "bob"));
            held.push(b);
            expect(b.generation, "take, break, take").to.equal(a.generation + 2);
        });

        it("raises the lock generation atomically: concurrent bumps from several handles each get their own number", async () => {
            const handles = [f.store, f.reopen(), f.reopen(), f.reopen(), f.reopen()];
            const numbers = await Promise.all(handles.map((h) => h.nextLockGeneration()));
            expect([...numbers].sort((x, y) => x - y)).to.deep.equal([1, 2, 3, 4, 5]);
            expect(await f.reopen().nextLockGeneration()).to.equal(6);
        });

        it("proves a held lock by reading the store; once broken and taken by another, the proof fails naming who holds it now", async () => {
            const lease = await acquireLease(f.store, holder("run-a"));
            await lease.proveHeld();
            await breakLock(f.reopen());
            const broken = await lease.proveHeld().then(() => undefined, (e: Error) => e);
            expect(broken).to.be.instanceOf(LockLostError);
            expect((broken as Error).message).to.equal(`lock lost: run run-a (generation ${lease.generation}) no longer holds ${f.store.lockLocation}: it was broken, and no one holds it now`);
            const bob = await acquireLease(f.reopen(), holder("run-b", "bob"));
            held.push(bob);
            const taken = await lease.proveHeld().then(() => undefined, (e: Error) => e);
            expect(taken).to.be.instanceOf(LockLostError);
            expect((taken as Error).message).to.match(new RegExp(`: bob on laptop-elsewhere holds it now \\(pid 4242, failover failover, run run-b, generation ${bob.generation}\\)$`));
            await bob.proveHeld();
        });

        it("reports a corrupt lock as corrupt, never as free, and refuses to acquire over it until it is broken", async () => {
            await f.corruptLock();
            expect(await f.store.readLock()).to.deep.include({ state: "corrupt", problem: "is not valid JSON" });
            const err = await acquireLease(f.store, holder("run-a")).then(() => undefined, (e: Error) => e);
            expect(err).to.be.instanceOf(LockedError);
            expect((err as Error).message).to.equal(`locked: ${f.store.lockLocation} exists but cannot be read as a lock; if no switch is running, clear it with \`sftp-failover unlock\``);
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
            provesDeadProcess: true,
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
                provesDeadProcess: false,
            };
        },
        async () => undefined,
    );
});
