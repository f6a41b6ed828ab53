import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LockedError, LockHolder } from "../../automation/driver/errors";
import { acquireLock, processAlive, readLock } from "../../automation/driver/lock";

function holder(runId: string, identity = "alice", pid = process.pid): LockHolder {
    return { identity, host: os.hostname(), pid, runId, operation: "posture failover", since: new Date().toISOString() };
}

function deadPid(): number {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(child.stdout);
}

describe("driver lock", () => {
    let dir: string;
    let lockPath: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "lock-"));
        lockPath = path.join(dir, "failover.lock");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("the second operator gets a LockedError naming the holder", async () => {
        const first = await acquireLock(lockPath, holder("r1", "alice"));
        const err = await acquireLock(lockPath, holder("r2", "bob")).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(LockedError);
        expect((err as LockedError).message).to.match(/^locked by alice on .* \(pid \d+, posture failover, run r1/);
        expect((err as LockedError).holder?.runId).to.equal("r1");
        expect(readLock(lockPath)?.runId).to.equal("r1");
        first.release();
        expect(fs.existsSync(lockPath)).to.equal(false);
    });

    it("of many simultaneous attempts exactly one gets the lock", async () => {
        const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => acquireLock(lockPath, holder(`r${i}`))));
        expect(results.filter((r) => r.status === "fulfilled")).to.have.length(1);
        expect(results.filter((r) => r.status === "rejected" && r.reason instanceof LockedError)).to.have.length(7);
    });

    it("a waiting operator gets the lock once the holder releases it", async () => {
        const first = await acquireLock(lockPath, holder("r1"));
        const waiting = acquireLock(lockPath, holder("r2"), { waitMs: 60000, pollMs: 20 });
        setTimeout(() => first.release(), 100);
        const second = await waiting;
        expect(readLock(lockPath)?.runId).to.equal("r2");
        second.release();
    });

    it("a wait that runs out names the holder", async () => {
        await acquireLock(lockPath, holder("r1", "carol"));
        const err = await acquireLock(lockPath, holder("r2"), { waitMs: 50, pollMs: 10 }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(LockedError);
        expect((err as Error).message).to.contain("locked by carol");
    });

    it("a lock proven stale is cleared and taken; one not proven stale is left alone", async () => {
        const pid = deadPid();
        expect(processAlive(pid)).to.equal(false);
        fs.writeFileSync(lockPath, JSON.stringify(holder("crashed", "alice", pid)));

        const notProven = await acquireLock(lockPath, holder("r2"), { isStale: () => false }).catch((e: unknown) => e);
        expect(notProven).to.be.instanceOf(LockedError);
        expect(readLock(lockPath)?.runId).to.equal("crashed");

        const taken = await acquireLock(lockPath, holder("r3"), { isStale: (h) => h.runId === "crashed" && !processAlive(h.pid) });
        expect(readLock(lockPath)?.runId).to.equal("r3");
        taken.release();
    });

    it("release never removes a lock someone else holds", async () => {
        const mine = await acquireLock(lockPath, holder("r1"));
        fs.writeFileSync(lockPath, JSON.stringify(holder("other")));
        mine.release();
        expect(readLock(lockPath)?.runId).to.equal("other");
    });

    it("an aborted wait stops with the signal's error", async () => {
        await acquireLock(lockPath, holder("r1"));
        const controller = new AbortController();
        const waiting = acquireLock(lockPath, holder("r2"), { waitMs: 60000, pollMs: 20, signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        const err = await waiting.catch((e: unknown) => e);
        expect((err as Error).name).to.equal("AbortedError");
    });
});
