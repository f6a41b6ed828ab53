import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { acquireLease, breakLock, HeldLease } from "../../automation/driver/coordination/lease";
import { LocalCoordinationStore } from "../../automation/driver/coordination/local-store";
import { CoordinationStore } from "../../automation/driver/coordination/store";
import { LockedError, LockHolder, LockLostError } from "../../automation/driver/errors";
import { FakeClock } from "../support/fake-clock";
import { recordingStore } from "../support/recording-store";

// The lease's renewal cadence and its fencing token (the lock generation), on a real local store
// in a temporary folder, with a hand-moved clock: no sleeps, no timing thresholds. The same
// guarantees against S3 are in test/integration/coordination-store.test.ts.

/** A holder on another machine, so that only its lease — never a pid — can make it stale. */
const holder = (runId: string, identity = "alice", host = "laptop-a"): LockHolder => ({ identity, host, pid: 4242, runId, operation: "failover failover", since: "2026-12-01T09:00:00.000Z" });

const leaseMs = 3_000;

describe("lease: renewal cadence and the lock generation (local store, fake clock)", () => {
    let dir: string;
    let clock: FakeClock;
    const held: HeldLease[] = [];
    const open = () => new LocalCoordinationStore(dir);
    const take = async (store: CoordinationStore = open(), who = holder("run-a")) => {
        const lease = await acquireLease(store, who, { leaseMs, now: clock.now, timers: clock });
        held.push(lease);
        return lease;
    };
    const lockNow = async () => {
        const read = await open().readLock();
        if (read.state !== "held") {
            throw new Error(`the lock is ${read.state}`);
        }
        return read.holder;
    };
    const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "lease-unit-"));
        clock = new FakeClock();
    });
    afterEach(async () => {
        for (const lease of held.splice(0)) {
            await lease.release().catch(() => undefined);
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("keepRenewed renews every third of the lease: at 1 s, 2 s and 3 s of a 3 s lease, each time to a full lease from then", async () => {
        const rec = recordingStore(open());
        const start = clock.now();
        const lease = await take(rec.store);
        lease.keepRenewed(() => expect.fail("the lease was not lost"));
        const renewals = () => rec.calls.filter((c) => c === "replaceLock").length;
        const expiry = async () => Date.parse((await lockNow()).expiresAt!) - start;

        await clock.advance(999);
        expect(renewals(), "no renewal before a third of the lease").to.equal(0);
        expect(await expiry()).to.equal(3_000);
        await clock.advance(1);
        expect(renewals()).to.equal(1);
        expect(await expiry()).to.equal(1_000 + 3_000);
        await clock.advance(2_000);
        expect(renewals(), "three renewals in one lease length").to.equal(3);
        expect(await expiry()).to.equal(3_000 + 3_000);
    });

    it("one dropped renewal still keeps the lock: a second operator trying just after the first lease would have ended is refused", async () => {
        const rec = recordingStore(open());
        const lease = await take(rec.store);
        rec.failNext("replaceLock");
        lease.keepRenewed(() => expect.fail("a dropped request is not a lost lock"));
        await clock.advance(leaseMs + 1);
        const err = await failure(acquireLease(open(), holder("run-b", "bob", "laptop-b"), { leaseMs, now: clock.now, timers: clock }));
        expect(err).to.be.instanceOf(LockedError);
        expect((err as LockedError).holder?.runId).to.equal("run-a");
    });

    it("a renewal that finds the lock taken tells onLost once, naming who holds it now, and renewing stops", async () => {
        const rec = recordingStore(open());
        const lease = await take(rec.store);
        const lost: LockLostError[] = [];
        lease.keepRenewed((err) => lost.push(err));
        await breakLock(open());
        const bob = await take(open(), holder("run-b", "bob", "laptop-b"));
        await clock.advance(1_000);
        expect(lost).to.have.length(1);
        expect(lost[0]).to.be.instanceOf(LockLostError);
        expect(lost[0].message).to.equal(
            `lock lost: run run-a (generation 1) no longer holds ${path.join(dir, "failover.lock")}: bob on laptop-b holds it now (pid 4242, failover failover, run run-b, generation ${bob.generation})`,
        );
        expect(lost[0].holder?.runId).to.equal("run-b");
        const renewalsThen = rec.calls.filter((c) => c === "replaceLock").length;
        await clock.advance(3 * leaseMs);
        expect(rec.calls.filter((c) => c === "replaceLock").length, "no renewal after the lock was lost").to.equal(renewalsThen);
        expect(lost).to.have.length(1);
        expect((await lockNow()).runId, "the new holder's lock is left alone").to.equal("run-b");
    });

    it("every take and every break counts up the generation: take 1, break 2, take 3; renewals and release keep it", async () => {
        const a = await take();
        expect(a.generation).to.equal(1);
        expect((await lockNow()).generation).to.equal(1);
        await clock.advance(1_000);
        await a.renew();
        expect((await lockNow()).generation, "a renewal keeps the generation").to.equal(1);
        await breakLock(open());
        const b = await take(open(), holder("run-b", "bob", "laptop-b"));
        expect(b.generation, "break then take gives a new generation").to.equal(3);
        await b.release();
        const c = await take(open(), holder("run-c", "carol", "laptop-c"));
        expect(c.generation).to.equal(4);
    });

    it("proveHeld reads the store each time: it passes while the lock is this run's, and once broken it fails saying no one holds it, then who does", async () => {
        const rec = recordingStore(open());
        const lease = await take(rec.store);
        const reads = () => rec.calls.filter((c) => c === "readLock").length;
        const before = reads();
        await lease.proveHeld();
        await lease.proveHeld();
        expect(reads() - before, "one real read per proof").to.equal(2);

        await breakLock(open());
        const broken = await failure(lease.proveHeld());
        expect(broken).to.be.instanceOf(LockLostError);
        expect((broken as Error).message).to.equal(`lock lost: run run-a (generation 1) no longer holds ${path.join(dir, "failover.lock")}: it was broken, and no one holds it now`);

        await take(open(), holder("run-b", "bob", "laptop-b"));
        const taken = await failure(lease.proveHeld());
        expect(taken).to.be.instanceOf(LockLostError);
        expect((taken as LockLostError).holder?.identity).to.equal("bob");
        expect((taken as Error).message).to.match(/: bob on laptop-b holds it now \(pid 4242, failover failover, run run-b, generation 3\)$/);
    });

    it("proveHeld compares the generation, not only the run: the same run at another generation is not this lease", async () => {
        const store = open();
        const lease = await take(store);
        const read = await store.readLock();
        expect(read.state).to.equal("held");
        if (read.state === "held") {
            expect(await store.replaceLock({ ...read.holder, generation: 2 }, read.token)).to.be.a("string");
        }
        const err = await failure(lease.proveHeld());
        expect(err).to.be.instanceOf(LockLostError);
        expect((err as Error).message).to.contain("run run-a (generation 1) no longer holds");
    });

    it("a lease that ran out while no one took it is renewed by the next proof before its holder acts", async () => {
        const lease = await take();
        await clock.advance(2 * leaseMs);
        await lease.proveHeld();
        expect(Date.parse((await lockNow()).expiresAt!)).to.equal(clock.now() + leaseMs);
    });

    it("a store that cannot be read proves nothing: LockLostError saying the lock cannot be proven held", async () => {
        const rec = recordingStore(open());
        const lease = await take(rec.store);
        rec.failNext("readLock");
        const err = await failure(lease.proveHeld());
        expect(err).to.be.instanceOf(LockLostError);
        expect((err as Error).message).to.equal(`lock lost: run run-a (generation 1) cannot prove it still holds ${path.join(dir, "failover.lock")}: the store cannot be read (socket hang up)`);
        await lease.proveHeld();
    });

    it("release stops the renewals and frees the lock; a proof after it fails", async () => {
        const lease = await take();
        lease.keepRenewed(() => undefined);
        expect(clock.running).to.equal(1);
        await lease.release();
        expect(clock.running).to.equal(0);
        expect((await open().readLock()).state).to.equal("free");
        expect(await failure(lease.proveHeld())).to.be.instanceOf(LockLostError);
    });
});
