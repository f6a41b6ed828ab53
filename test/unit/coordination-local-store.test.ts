// The local coordination store's own guarantees, on a real temporary folder: the lock file's
// versions (create once, replace and delete only the version read), the guard that makes each
// compare-and-change one step, the lock generation, the pid proof, and the journal, audit and
// posture files. The same contract against S3 is test/integration/coordination-store.test.ts.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AuditEntry } from "../../automation/driver/audit";
import { localStoreFiles, LocalCoordinationStore } from "../../automation/driver/coordination/local-store";
import { BadInputError, LockHolder } from "../../automation/driver/errors";
import { JournalRecord } from "../../automation/driver/journal";
import { settle } from "../support/fake-clock";

/** Above Linux's largest pid_max (2^22): no process ever has it, so it reads as exited. */
const neverAPid = 4_194_305;

const holder = (runId: string, over: Partial<LockHolder> = {}): LockHolder => ({
    identity: "alice", host: "laptop-a", pid: 4242, runId, operation: "failover failover", since: "2026-12-07T10:00:00.000Z", ...over,
});

describe("local coordination store (files in a folder)", () => {
    let dir: string;
    let store: LocalCoordinationStore;
    const guard = () => `${store.files.lock}.break`;
    const lockText = () => fs.readFileSync(store.files.lock, "utf8");
    const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

    beforeEach(() => {
        dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "local-store-")), "journal");
        store = new LocalCoordinationStore(dir);
    });
    afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

    it("keeps its files under the names of the driver's first release, and names its folder and lock file", () => {
        expect(localStoreFiles("/j")).to.deep.equal({
            journal: "/j/journal.jsonl", audit: "/j/audit.jsonl", lock: "/j/failover.lock", posture: "/j/posture.json", generation: "/j/failover.lock.generation",
        });
        expect(store.location).to.equal(dir);
        expect(store.lockLocation).to.equal(path.join(dir, "failover.lock"));
    });

    describe("the lock", () => {
        it("is free before anyone takes it; the first create makes the folder and takes it, the second finds it taken", async () => {
            expect(await store.readLock()).to.deep.equal({ state: "free" });
            const token = await store.createLock(holder("run-a"));
            expect(token).to.equal(`${JSON.stringify(holder("run-a"), null, 2)}\n`);
            expect(await new LocalCoordinationStore(dir).createLock(holder("run-b"))).to.equal(undefined);
            expect(await store.readLock()).to.deep.equal({ state: "held", holder: holder("run-a"), token });
            expect(fs.readdirSync(dir), "no temporary file left behind").to.deep.equal(["failover.lock"]);
        });

        it("reads a lock it cannot read as corrupt with the error code, never as free", async () => {
            fs.mkdirSync(store.files.lock, { recursive: true });
            expect(await store.readLock()).to.deep.equal({ state: "corrupt", problem: "cannot be read (EISDIR)", token: "" });
        });

        it("replaces only the version read: a stale token changes nothing, the current one writes the new holder and returns its token", async () => {
            const first = (await store.createLock(holder("run-a")))!;
            const second = await store.replaceLock(holder("run-a", { expiresAt: "2026-12-07T10:01:00.000Z" }), first);
            expect(second).to.equal(lockText());
            expect(JSON.parse(lockText()).expiresAt).to.equal("2026-12-07T10:01:00.000Z");
            expect(await store.replaceLock(holder("run-z"), first), "the first version is gone").to.equal(undefined);
            expect(JSON.parse(lockText()).runId).to.equal("run-a");
            expect(fs.existsSync(guard()), "the guard is let go").to.equal(false);
        });

        it("deletes only the version read", async () => {
            const token = (await store.createLock(holder("run-a")))!;
            expect(await store.deleteLock("another version")).to.equal(false);
            expect(fs.existsSync(store.files.lock)).to.equal(true);
            expect(await store.deleteLock(token)).to.equal(true);
            expect(await store.readLock()).to.deep.equal({ state: "free" });
            expect(await store.deleteLock(token), "a lock already gone").to.equal(false);
            expect(fs.existsSync(guard())).to.equal(false);
        });

        it("clears a guard left by a process that has exited, and goes on", async () => {
            const token = (await store.createLock(holder("run-a")))!;
            fs.writeFileSync(guard(), `${neverAPid}\n`);
            expect(await store.deleteLock(token)).to.equal(true);
            expect(fs.existsSync(guard())).to.equal(false);
        });

        it("waits while a live process holds the guard, and changes the lock once it lets go", async () => {
            const token = (await store.createLock(holder("run-a")))!;
            fs.writeFileSync(guard(), String(process.pid));
            const deleting = store.deleteLock(token);
            await settle();
            expect(fs.existsSync(store.files.lock), "nothing changed while the guard is held").to.equal(true);
            fs.rmSync(guard());
            expect(await deleting).to.equal(true);
            expect(fs.existsSync(store.files.lock)).to.equal(false);
        });

        it("waits, rather than clears, a guard that names no process", async () => {
            const token = (await store.createLock(holder("run-a")))!;
            fs.writeFileSync(guard(), "1.5");
            const deleting = store.deleteLock(token);
            await settle();
            expect(fs.existsSync(store.files.lock), "nothing changed while the guard is held").to.equal(true);
            expect(fs.readFileSync(guard(), "utf8")).to.equal("1.5");
            fs.rmSync(guard());
            expect(await deleting).to.equal(true);
        });

        it("a guard that cannot be made for another reason than its existence fails at once with that error", async () => {
            const err = await failure(new LocalCoordinationStore(path.join(dir, "missing")).deleteLock("t"));
            expect(err).to.be.instanceOf(Error).with.property("code", "ENOENT");
        });

        it("leaves no file open behind it, and writes each file as whole lines", async () => {
            const open = () => fs.readdirSync("/proc/self/fd").length;
            const before = open();
            const token = (await store.createLock(holder("run-a")))!;
            const renewed = (await store.replaceLock(holder("run-a", { expiresAt: "2026-12-07T10:01:00.000Z" }), token))!;
            await store.nextLockGeneration();
            await store.writePosture({ posture: "failover", weights: { primary: 0, secondary: 100 }, capacity: { primary: "drained", secondary: "active" } } as never);
            await store.deleteLock(renewed);
            expect(open()).to.equal(before);
            expect(renewed.endsWith("}\n")).to.equal(true);
            expect(fs.readFileSync(store.files.posture, "utf8").endsWith("}\n")).to.equal(true);
        });

        it("gives up, naming the guard, when a live process keeps it past the bounded wait", async function () {
            this.timeout(8_000);
            const token = (await store.createLock(holder("run-a")))!;
            fs.writeFileSync(guard(), String(process.pid));
            const err = await failure(store.replaceLock(holder("run-b"), token));
            expect(err).to.be.instanceOf(Error).with.property("message", `${guard()} stayed held for 2 s: another process is changing the lock`);
            expect(JSON.parse(lockText()).runId).to.equal("run-a");
        });
    });

    it("counts the lock generation up by one per call, across handles, in a file of its own that starts again from damaged text", async () => {
        expect(await store.nextLockGeneration()).to.equal(1);
        expect(await new LocalCoordinationStore(dir).nextLockGeneration()).to.equal(2);
        expect(fs.readFileSync(store.files.generation, "utf8")).to.equal("2\n");
        fs.writeFileSync(store.files.generation, "damaged");
        expect(await store.nextLockGeneration()).to.equal(1);
    });

    it("proves a holder gone only on this host, by a pid that no longer exists", () => {
        const here = os.hostname();
        expect(store.holderProvablyGone(holder("r", { host: here, pid: neverAPid }))).to.equal(true);
        expect(store.holderProvablyGone(holder("r", { host: here, pid: process.pid }))).to.equal(false);
        expect(store.holderProvablyGone(holder("r", { host: `${here}-elsewhere`, pid: neverAPid }))).to.equal(false);
    });

    it("reads the journal back in the order written", async () => {
        const record = (runId: string): JournalRecord => ({ type: "end", runId, at: "2026-12-07T10:00:00.000Z", result: "ok" }) as unknown as JournalRecord;
        expect(await store.readJournal()).to.deep.equal([]);
        await store.appendJournal(record("run-a"));
        await new LocalCoordinationStore(dir).appendJournal(record("run-b"));
        expect((await store.readJournal()).map((r) => r.runId)).to.deep.equal(["run-a", "run-b"]);
    });

    it("reads an audit entry appended twice (a retry) once, and keeps distinct entries in order", async () => {
        const entry = (runId: string): AuditEntry => ({ at: "2026-12-07T10:00:00.000Z", identity: "alice", host: "laptop-a", operation: "fence", to: "primary fenced", result: "ok", runId }) as AuditEntry;
        await store.appendAudit(entry("run-a"));
        await store.appendAudit(entry("run-a"));
        await store.appendAudit(entry("run-b"));
        await store.appendAudit(entry("run-a"));
        expect((await store.readAudit()).map((e) => e.runId)).to.deep.equal(["run-a", "run-b"]);
    });

    it("keeps the posture record: none at first, then the last one written, for every handle", async () => {
        expect(await store.readPosture()).to.equal(undefined);
        const record = { posture: "failover", weights: { primary: 0, secondary: 100 }, capacity: { primary: "drained", secondary: "active" }, identity: "alice", host: "laptop-a", at: "t" };
        await store.writePosture({ ...record, posture: "active-passive" } as never);
        await store.writePosture(record as never);
        expect(await new LocalCoordinationStore(dir).readPosture()).to.deep.equal(record);
        expect(fs.readdirSync(dir)).to.deep.equal(["posture.json"]);
    });

    it("checkWritable names the file that cannot be written, and creates nothing", async () => {
        await store.checkWritable();
        expect(fs.existsSync(dir), "the check creates nothing").to.equal(false);
        fs.mkdirSync(store.files.journal, { recursive: true });
        const err = await failure(store.checkWritable());
        expect(err).to.be.instanceOf(BadInputError).with.property("message", `journal ${store.files.journal} cannot be written (not a regular file); nothing was changed`);
    });
});
