import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { removeBackendLock, staleBackendLocks } from "../../automation/driver/backend-locks";
import { escapeControl, hasControlChars } from "../../automation/driver/text";
import { fileProblem, folderProblem, makeFolder } from "../../foundation/folders";

// The small parts of driver safety that need no engine: folders that never spin, backend locks whose
// engine is provably gone, and user text printed as data. The driver's own lock is the
// coordination store's, held to its contract in test/integration/coordination-store.test.ts.

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
    const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(r.stdout);
}

describe("driver safety helpers", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "driver-safety-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("folders", () => {
        it("makeFolder under /proc fails at once with the kernel's error instead of spinning", () => {
            expect(() => makeFolder("/proc/x/y")).to.throw(/ENOENT|EACCES|EPERM|EROFS/);
        });
        it("makeFolder creates missing parents one level at a time", () => {
            makeFolder(path.join(dir, "a", "b", "c"));
            expect(fs.statSync(path.join(dir, "a", "b", "c")).isDirectory()).to.equal(true);
        });
        it("makeFolder through a file fails with ENOTDIR", () => {
            fs.writeFileSync(path.join(dir, "f"), "");
            expect(() => makeFolder(path.join(dir, "f", "g"))).to.throw(/ENOTDIR/);
        });
        it("folderProblem checks a folder that does not exist yet without creating it", () => {
            expect(folderProblem(path.join(dir, "new", "deeper"))).to.equal(undefined);
            expect(fs.readdirSync(dir)).to.deep.equal([]);
            expect(folderProblem("/proc/x")).to.match(/^E[A-Z]+$/);
        });
        it("fileProblem opens an existing file without changing it, and refuses a folder in its place", () => {
            const file = path.join(dir, "audit.jsonl");
            fs.writeFileSync(file, "line\n");
            expect(fileProblem(file)).to.equal(undefined);
            expect(fs.readFileSync(file, "utf8")).to.equal("line\n");
            fs.rmSync(file);
            fs.mkdirSync(file);
            expect(fileProblem(file)).to.equal("not a regular file");
        });
    });

    describe("backend locks", () => {
        it("a backend stack lock of a dead engine on this host is found; a live one or another host's is not", () => {
            const locks = path.join(dir, ".pulumi", "locks", "organization", "sftp-failover");
            for (const [stack, pid, host] of [["primary", deadPid(), os.hostname()], ["secondary", process.pid, os.hostname()], ["dns", deadPid(), "elsewhere"]] as const) {
                fs.mkdirSync(path.join(locks, stack), { recursive: true });
                fs.writeFileSync(path.join(locks, stack, "a.json"), JSON.stringify({ pid, username: "root", hostname: host, timestamp: "2026-01-01T00:00:00Z" }));
            }
            const stale = staleBackendLocks(`file://${dir}`, ["primary", "secondary", "dns"]);
            expect(stale.map((l) => l.stack)).to.deep.equal(["primary"]);
        });
        it("removing a backend stack lock removes the blob store's .attrs file beside it too", () => {
            const stackDir = path.join(dir, ".pulumi", "locks", "organization", "sftp-failover", "dns");
            fs.mkdirSync(stackDir, { recursive: true });
            fs.writeFileSync(path.join(stackDir, "a.json"), JSON.stringify({ pid: deadPid(), username: "root", hostname: os.hostname(), timestamp: "2026-01-01T00:00:00Z" }));
            fs.writeFileSync(path.join(stackDir, "a.json.attrs"), "{}");
            for (const lock of staleBackendLocks(`file://${dir}`, ["dns"])) {
                removeBackendLock(lock);
            }
            expect(fs.readdirSync(stackDir)).to.deep.equal([]);
        });
    });

    describe("user text", () => {
        it("control characters are found and shown escaped", () => {
            expect(hasControlChars("plain reason, with punctuation: ok")).to.equal(false);
            expect(hasControlChars("two\nlines")).to.equal(true);
            expect(escapeControl("a\nb\r\tc\u001b[2J\u2028d\u202e")).to.equal("a\\nb\\r\\tc\\x1b[2J\\u2028d\\u202e");
        });

        it("the format characters config names refuse (stacks/config/text.ts) are refused in a reason or identity too, and printed escaped", () => {
            for (const [c, shown] of [["\u200b", "\\u200b"], ["\u00ad", "\\xad"], ["\ufeff", "\\ufeff"], ["\u{e0001}", "\\u{e0001}"]]) {
                expect(hasControlChars(`drill${c}`), shown).to.equal(true);
                expect(escapeControl(`drill${c}`)).to.equal(`drill${shown}`);
            }
        });
    });
});
