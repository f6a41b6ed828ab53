// Taking the lock, waiting for it, clearing a stale one, breaking it, and the lease's own edges
// (its default length, its renewal period, a renewal still running, release), on a real local
// store in a temporary folder. Time is a hand-moved clock; the waits between looks are recorded
// rather than slept, so nothing here depends on how fast the machine is.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { acquireLease, AcquireLeaseOptions, breakLock, defaultLeaseMs, describeLostLock, HeldLease, LeaseTimers } from "../../automation/driver/coordination/lease";
import { LocalCoordinationStore } from "../../automation/driver/coordination/local-store";
import { CoordinationStore, StoredLock } from "../../automation/driver/coordination/store";
import { AbortedError, LockedError, LockHolder, LockLostError } from "../../automation/driver/errors";
import { FakeClock, settle } from "../support/fake-clock";
import { recordingStore } from "../support/recording-store";

const holder = (runId: string, identity = "alice", host = "laptop-a"): LockHolder => ({ identity, host, pid: 4242, runId, operation: "failover failover", since: "2026-12-01T09:00:00.000Z" });

/** The store with some methods replaced (the rest reach the real store). */
function withOverrides(inner: CoordinationStore, over: Partial<CoordinationStore>): CoordinationStore {
    return new Proxy(inner, {
        get(target, prop, receiver) {
            const own = (over as Record<string | symbol, unknown>)[prop];
            if (own !== undefined) {
                return own;
            }
            const value: unknown = Reflect.get(target, prop, receiver);
            return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
    });
}

describe("lease: taking, waiting, clearing and breaking the lock (local store, fake clock)", () => {
    let dir: string;
    let clock: FakeClock;
    const held: HeldLease[] = [];
    /** The waits acquireLease asked for between looks, in ms (each runs at once). */
    let waits: number[];
    const realSetTimeout = global.setTimeout;
    const open = () => new LocalCoordinationStore(dir);
    const take = async (store: CoordinationStore = open(), who = holder("run-a"), opts: AcquireLeaseOptions = {}) => {
        const lease = await acquireLease(store, who, { leaseMs: 3_000, now: clock.now, timers: clock, ...opts });
        held.push(lease);
        return lease;
    };
    const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
    const lockNow = async () => {
        const read = await open().readLock();
        return read.state === "held" ? read.holder : undefined;
    };

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "lease-acquire-"));
        clock = new FakeClock();
        waits = [];
        global.setTimeout = ((fn: () => void, ms?: number) => {
            waits.push(ms ?? 0);
            return realSetTimeout(fn, 0);
        }) as unknown as typeof setTimeout;
    });
    afterEach(async () => {
        global.setTimeout = realSetTimeout;
        for (const lease of held.splice(0)) {
            await lease.release().catch(() => undefined);
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("a lease given no length lasts a minute", async () => {
        expect(defaultLeaseMs).to.equal(60_000);
        const lease = await acquireLease(open(), holder("run-a"), { now: clock.now, timers: clock });
        held.push(lease);
        expect((await lockNow())?.expiresAt).to.equal(new Date(clock.now() + 60_000).toISOString());
        expect((await lockNow())?.leaseMs).to.equal(60_000);
        expect(lease.holder.runId).to.equal("run-a");
    });

    it("refuses at once, without waiting, when the lock is held and no wait was asked for, naming the holder and its lease", async () => {
        await take();
        const err = await failure(acquireLease(open(), holder("run-b", "bob"), { now: clock.now }));
        expect(err).to.be.instanceOf(LockedError);
        expect((err as LockedError).holder?.runId).to.equal("run-a");
        expect((err as Error).message).to.match(/^locked by alice on laptop-a \(pid 4242, failover failover, run run-a, since .*, lease until 2026-12-01T09:00:03\.000Z\)/);
        expect(waits).to.deep.equal([]);
    });

    it("looks again every pollMs, the last wait cut to the deadline, and refuses once the deadline is reached", async () => {
        await take();
        const rec = recordingStore(open());
        // Each look at the lock takes 100 ms of the hand-moved clock.
        const slow = withOverrides(rec.store, { readLock: async () => { await clock.advance(100); return rec.store.readLock(); } });
        const err = await failure(acquireLease(slow, holder("run-b", "bob"), { leaseMs: 3_000, now: clock.now, waitMs: 250, pollMs: 100 }));
        expect(err).to.be.instanceOf(LockedError);
        expect(waits).to.deep.equal([100, 50]);
        expect(rec.calls.filter((c) => c === "readLock")).to.have.length(3);
    });

    it("refuses exactly at the deadline: a look that lands on it is the last", async () => {
        await take();
        let looks = 0;
        const slow = withOverrides(open(), { readLock: async () => { looks++; await clock.advance(100); return open().readLock(); } });
        expect(await failure(acquireLease(slow, holder("run-b", "bob"), { leaseMs: 3_000, now: clock.now, waitMs: 200, pollMs: 100 }))).to.be.instanceOf(LockedError);
        expect(looks).to.equal(2);
    });

    it("looks again every 250 ms when no pollMs is given", async () => {
        await take();
        const slow = withOverrides(open(), { readLock: async () => { await clock.advance(250); return open().readLock(); } });
        expect(await failure(acquireLease(slow, holder("run-b", "bob"), { leaseMs: 3_000, now: clock.now, waitMs: 750 }))).to.be.instanceOf(LockedError);
        expect(waits).to.deep.equal([250, 250]);
    });

    it("takes the lock once its holder releases it during the wait; waiting does not count up the generation", async () => {
        const a = await take();
        let looks = 0;
        const waiting = withOverrides(open(), {
            readLock: async () => {
                if (++looks === 2) {
                    await a.release();
                }
                return open().readLock();
            },
        });
        const b = await take(waiting, holder("run-b", "bob"), { waitMs: 10_000, pollMs: 1 });
        expect((await lockNow())?.runId).to.equal("run-b");
        // 1 for run-a; 2 taken by the first, lost, attempt; 3 for the attempt after the release.
        expect(b.generation).to.equal(3);
    });

    it("refuses a lock that is not a lock, saying so, until it is broken", async () => {
        fs.writeFileSync(path.join(dir, "failover.lock"), "not json");
        const err = await failure(take());
        expect(err).to.be.instanceOf(LockedError);
        expect((err as LockedError).holder).to.equal(undefined);
        expect((err as Error).message).to.match(/^locked: .*failover\.lock exists but cannot be read as a lock/);
        const broken = await breakLock(open());
        expect(broken).to.deep.include({ state: "corrupt", problem: "is not valid JSON" });
        expect((await take()).holder.runId).to.equal("run-a");
    });

    it("clears a lock whose lease has ended, tells onStaleCleared who held it, then takes it", async () => {
        await take(open(), holder("run-old", "olga"));
        await clock.advance(3_000);
        const cleared: LockHolder[] = [];
        const lease = await take(open(), holder("run-b", "bob"), { onStaleCleared: (h) => void cleared.push(h) });
        expect(cleared.map((h) => h.runId)).to.deep.equal(["run-old"]);
        expect(lease.holder.runId).to.equal("run-b");
        expect((await lockNow())?.runId).to.equal("run-b");
    });

    it("clears a stale lock with nobody to tell", async () => {
        await take(open(), holder("run-old", "olga"));
        await clock.advance(3_000);
        expect((await take(open(), holder("run-b", "bob"))).holder.runId).to.equal("run-b");
    });

    it("leaves a live lease alone one millisecond before it ends", async () => {
        await take(open(), holder("run-old", "olga"));
        await clock.advance(2_999);
        expect(await failure(take(open(), holder("run-b", "bob")))).to.be.instanceOf(LockedError);
        expect((await lockNow())?.runId).to.equal("run-old");
    });

    it("a stale lock changed before it could be deleted is not cleared: the change is read again", async () => {
        await take(open(), holder("run-old", "olga"));
        await clock.advance(3_000);
        const cleared: LockHolder[] = [];
        const racing = withOverrides(open(), { deleteLock: async () => false });
        expect(await failure(take(racing, holder("run-b", "bob"), { onStaleCleared: (h) => void cleared.push(h) }))).to.be.instanceOf(LockedError);
        expect(cleared).to.deep.equal([]);
    });

    it("an aborted signal stops before anything is written; one that fires during the wait stops the wait", async () => {
        const rec = recordingStore(open());
        const before = new AbortController();
        before.abort();
        expect(await failure(acquireLease(rec.store, holder("run-a"), { signal: before.signal }))).to.be.instanceOf(AbortedError).with.property("message", "aborted while waiting for the lock");
        expect(rec.calls).to.deep.equal([]);

        await take();
        const during = new AbortController();
        // The signal fires once the wait has begun (the wait itself would last a minute).
        global.setTimeout = ((fn: () => void, ms?: number) => {
            realSetTimeout(() => during.abort(), 0);
            return realSetTimeout(fn, ms);
        }) as unknown as typeof setTimeout;
        const err = await failure(acquireLease(open(), holder("run-b", "bob"), { now: clock.now, waitMs: 60_000, pollMs: 60_000, signal: during.signal }));
        expect(err).to.be.instanceOf(AbortedError).with.property("message", "aborted while waiting for the lock");
        expect((await lockNow())?.runId).to.equal("run-a");
    });

    describe("a held lease", () => {
        it("renews every third of its length, rounded down, and at least every millisecond", async () => {
            const periods: number[] = [];
            const recording: LeaseTimers = {
                every: (ms) => {
                    periods.push(ms);
                    return () => undefined;
                },
            };
            for (const leaseMs of [3_000, 3_002, 2]) {
                const lease = await take(open(), holder(`run-${leaseMs}`), { leaseMs, timers: recording });
                lease.keepRenewed(() => undefined);
                await lease.release();
            }
            expect(periods).to.deep.equal([1_000, 1_000, 1]);
        });

        it("keepRenewed twice renews on one timer; a lease released before it starts none", async () => {
            const lease = await take();
            lease.keepRenewed(() => undefined);
            lease.keepRenewed(() => undefined);
            expect(clock.running).to.equal(1);
            await lease.release();
            const other = await take(open(), holder("run-b"));
            await other.release();
            other.keepRenewed(() => undefined);
            expect(clock.running).to.equal(0);
        });

        it("does not start a renewal while the last one is still running", async () => {
            let replaces = 0;
            let finish: () => void = () => undefined;
            const store = open();
            const slow = withOverrides(store, {
                replaceLock: (h, t) => {
                    replaces++;
                    return new Promise((resolve) => (finish = () => resolve(store.replaceLock(h, t))));
                },
            });
            const lease = await take(slow);
            lease.keepRenewed(() => expect.fail("not lost"));
            await clock.advance(3_000);
            expect(replaces, "the ticks at 2 s and 3 s find the first renewal running").to.equal(1);
            finish();
            await settle();
            await clock.advance(1_000);
            expect(replaces).to.equal(2);
            finish();
            await settle();
        });

        it("renew after release writes nothing; a second release deletes nothing", async () => {
            const rec = recordingStore(open());
            const lease = await take(rec.store);
            await lease.renew();
            await lease.release();
            await lease.release();
            await lease.renew();
            expect(rec.calls.filter((c) => c === "replaceLock")).to.have.length(1);
            expect(rec.calls.filter((c) => c === "deleteLock")).to.have.length(1);
            expect(await lockNow()).to.equal(undefined);
        });

        it("a renewal moves the lease's end, which its holder shows", async () => {
            const lease = await take();
            expect(lease.holder.expiresAt).to.equal("2026-12-01T09:00:03.000Z");
            await clock.advance(1_000);
            await lease.renew();
            expect(lease.holder.expiresAt).to.equal("2026-12-01T09:00:04.000Z");
            expect((await lockNow())?.expiresAt).to.equal("2026-12-01T09:00:04.000Z");
        });

        it("release waits for a renewal already writing, then frees the renewed lock", async () => {
            let finish: () => void = () => undefined;
            const store = open();
            const slow = withOverrides(store, { replaceLock: (h, t) => new Promise((resolve) => (finish = () => resolve(store.replaceLock(h, t)))) });
            const lease = await take(slow);
            const renewing = lease.renew();
            await settle();
            const releasing = lease.release();
            finish();
            await renewing;
            await releasing;
            expect(await lockNow()).to.equal(undefined);
        });

        it("a proof that cannot read the store carries the store's error as its cause", async () => {
            const rec = recordingStore(open());
            const lease = await take(rec.store);
            rec.failNext("readLock");
            const err = await failure(lease.proveHeld());
            expect(err).to.be.instanceOf(LockLostError);
            expect((err as LockLostError).holder).to.equal(undefined);
            expect((err as Error).cause).to.be.instanceOf(Error).with.property("message", "socket hang up");
        });

        it("a renewal that finds the lock broken fails with LockLostError naming no holder", async () => {
            const lease = await take();
            await breakLock(open());
            const err = await failure(lease.renew());
            expect(err).to.be.instanceOf(LockLostError);
            expect((err as LockLostError).holder).to.equal(undefined);
            expect((err as Error).message).to.match(/: it was broken, and no one holds it now$/);
        });

        it("a proof after release says the run released it", async () => {
            const lease = await take();
            await lease.release();
            expect(await failure(lease.proveHeld())).to.be.instanceOf(LockLostError).with.property("message", `run run-a (generation 1) released the lock at ${path.join(dir, "failover.lock")}: it holds it no longer`);
        });

        it("a lapsed lease whose lock changed before the proof could extend it is lost", async () => {
            const store = open();
            const lease = await take(withOverrides(store, { replaceLock: async () => undefined }));
            await clock.advance(3_000);
            expect(await failure(lease.proveHeld())).to.be.instanceOf(LockLostError);
        });

        it("a proof of a live lease writes nothing", async () => {
            const rec = recordingStore(open());
            const lease = await take(rec.store);
            await clock.advance(2_999);
            await lease.proveHeld();
            expect(rec.calls.filter((c) => c === "replaceLock")).to.deep.equal([]);
        });
    });

    it("without a timer given, renews on Node's own timers until released", async () => {
        global.setTimeout = realSetTimeout;
        const lease = await acquireLease(open(), holder("run-a"), { leaseMs: 30 });
        held.push(lease);
        const first = lease.holder.expiresAt;
        lease.keepRenewed(() => expect.fail("not lost"));
        // Bounded: a renewal is due every 10 ms; 500 looks of 10 ms are far more than one needs.
        for (let look = 0; look < 500 && lease.holder.expiresAt === first; look++) {
            await new Promise((resolve) => realSetTimeout(resolve, 10));
        }
        expect(lease.holder.expiresAt, "renewed").to.not.equal(first);
        await lease.release();
        expect(await lockNow()).to.equal(undefined);
    });

    describe("describeLostLock", () => {
        const mine = { ...holder("run-a"), generation: 4 };
        it("says what holds the lock now: nothing, something that is not a lock, another run (its generation unknown), or an unreadable store", () => {
            expect(describeLostLock(mine, "/j/failover.lock", { state: "corrupt", problem: "is not valid JSON", token: "t" })).to.equal(
                "lock lost: run run-a (generation 4) no longer holds /j/failover.lock: it was replaced by something that is not a lock (is not valid JSON)",
            );
            expect(describeLostLock(holder("run-a"), "/j/failover.lock", { state: "held", holder: holder("run-b", "bob", "laptop-b"), token: "t" })).to.equal(
                "lock lost: run run-a (generation ?) no longer holds /j/failover.lock: bob on laptop-b holds it now (pid 4242, failover failover, run run-b, generation ?)",
            );
            expect(describeLostLock(mine, "s3://b/lock", new Error("AccessDenied\nstack"))).to.equal(
                "lock lost: run run-a (generation 4) cannot prove it still holds s3://b/lock: the store cannot be read (AccessDenied)",
            );
            expect(describeLostLock(holder("run-a"), "s3://b/lock", new Error("AccessDenied"))).to.equal(
                "lock lost: run run-a (generation ?) cannot prove it still holds s3://b/lock: the store cannot be read (AccessDenied)",
            );
            expect(() => describeLostLock(mine, "x", { state: "gone" } as unknown as StoredLock)).to.throw('unknown lock state "gone"');
        });
    });

    describe("breakLock", () => {
        it("a free lock: nothing cleared and the generation not counted", async () => {
            expect(await breakLock(open())).to.deep.equal({ state: "free" });
            expect(await open().nextLockGeneration()).to.equal(1);
        });

        it("clears the holder's lock, returns it and counts the break, even when counting fails", async () => {
            await take();
            const rec = recordingStore(open());
            rec.failNext("nextLockGeneration");
            const cleared = await breakLock(rec.store);
            expect(cleared.state === "held" && cleared.holder.runId).to.equal("run-a");
            expect(await lockNow()).to.equal(undefined);
            expect(rec.calls).to.include("nextLockGeneration");
        });

        it("reads again when the lock changes under it, five times at most, then refuses", async () => {
            await take();
            let reads = 0;
            const racing = withOverrides(open(), { readLock: async () => (reads++, open().readLock()), deleteLock: async () => false });
            expect(await failure(breakLock(racing))).to.be.instanceOf(LockedError);
            expect(reads).to.equal(5);
        });
    });
});
