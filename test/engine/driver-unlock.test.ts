import { cliCommand } from "../support/spawn-cli";
import { expect } from "chai";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AuditEntry } from "../../automation/driver/audit";
import { backendLocks } from "../../automation/driver/backend-locks";
import { readJsonLines } from "../../automation/driver/jsonl";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { labDigest } from "../support/lab-digest";
import { runOnPty } from "../support/pty";
import { runMain } from "../support/run-main";
import { engineChildrenOf } from "../support/engine-children";
import { withoutProgress } from "../support/progress-lines";

// Locks that clear themselves, and `unlock` for the rest — against one deployed sandbox lab. A
// backend stack lock left by a killed engine (this host, dead pid) is cleared by the next switch,
// audited; a lock whose holder still runs is refused with a line that says who and how to clear
// it; `unlock` clears a foreign host's driver lock and backend locks, audited, after --yes or a
// "y" typed at its prompt on a real terminal; Ctrl-D at a prompt declines like "n": exit 2, and
// nothing changed.

const root = path.resolve(__dirname, "..", "..");
const stackNames = ["primary", "secondary", "dns"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


const exited = (child: ChildProcess): Promise<number | null> =>
    new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("locks that clear themselves, and `unlock` for the rest (one shared sandbox lab)", function () {
    let lab: Lab;
    let common: string[];
    let lockFile: string;
    let audit: string;
    /** Processes a test starts to stand for a live holder; stopped after each test. */
    const holders: ChildProcess[] = [];

    const cliArgv = (args: readonly string[]) => cliCommand([...args, ...common]);
    const auditEntries = () => readJsonLines<AuditEntry>(audit);
    /** A live process on this host that a lock can name (it does nothing but exist). */
    const liveHolder = () => {
        const holder = spawn("sleep", ["600"], { stdio: "ignore" });
        holders.push(holder);
        return holder;
    };
    const writeDriverLock = (holder: { identity: string; host: string; pid: number; runId: string }) =>
        fs.writeFileSync(lockFile, JSON.stringify({ ...holder, operation: "posture failover", since: "2026-11-30T03:00:00.000Z" }));
    /** A backend stack lock as the engine writes one (pulumi/pulumi pkg/backend/diy/lock.go). */
    const writeBackendLock = (stack: string, pid: number, hostname: string) => {
        const dir = path.join(lab.dir, ".state", ".pulumi", "locks", "organization", "sftp-failover", stack);
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `test-${pid}.json`);
        fs.writeFileSync(file, JSON.stringify({ pid, username: "ci", hostname, timestamp: "2026-11-30T03:00:00Z" }));
        return file;
    };

    before(async function () {
        lab = (await deployedLab()).lab;
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl];
        lockFile = path.join(lab.dir, ".failover", "failover.lock");
        audit = path.join(lab.dir, ".failover", "audit.jsonl");
        fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    });

    afterEach(async function () {
        for (const h of holders.splice(0)) {
            h.kill("SIGKILL");
            await exited(h);
        }
    });

    after(function () {
        lab?.remove();
    });

    it("a backend stack lock left by an engine killed mid-update (this host, dead pid) is cleared by the next switch, with an audit line", async function () {
        const [node, ...args] = cliArgv(["posture", "active-active", "--yes"]);
        const child = spawn(node, args, { cwd: root, stdio: "ignore" });
        // Killed once it holds its stack's lock in the backend: mid-update, as a crash would leave it.
        let engines: number[] = [];
        for (let i = 0; i < 24_000 && child.exitCode === null; i++) {
            engines = engineChildrenOf(child.pid);
            if (engines.length > 0 && backendLocks(lab.env.backendUrl, stackNames).some((l) => engines.includes(l.pid))) {
                break;
            }
            await sleep(10);
        }
        expect(backendLocks(lab.env.backendUrl, stackNames).map((l) => l.pid), "the switch reached an engine update").to.deep.equal(engines);
        for (const pid of engines) {
            process.kill(pid, "SIGKILL");
        }
        expect(await exited(child), "a killed engine stops the switch (exit 1), nothing fenced").to.equal(1);
        const left = backendLocks(lab.env.backendUrl, stackNames);
        expect(left.map((l) => [l.pid, l.hostname]), "the killed engine's lock is left in the backend").to.deep.equal(engines.map((pid) => [pid, os.hostname()]));
        const auditBefore = auditEntries().length;

        const again = await runMain(["posture", "active-active", "--yes", "--json", ...common]);
        // The lab has no canary: the switch ends unverified (exit 5).
        expect(again.status, again.stderr).to.equal(5);
        expect(JSON.parse(again.stdout).to).to.equal("active-active");
        expect(backendLocks(lab.env.backendUrl, stackNames)).to.deep.equal([]);
        const unlocks = auditEntries().slice(auditBefore).filter((e) => e.operation === "unlock");
        expect(unlocks.map((e) => [e.to, e.reason])).to.deep.equal([[`stack ${left[0].stack} backend lock cleared`, `engine pid ${left[0].pid} on ${os.hostname()} is gone`]]);
    });

    it("a driver lock whose holder still runs here refuses a switch in one line saying who holds it and how to clear it; nothing changed", async function () {
        const holder = liveHolder();
        writeDriverLock({ identity: "carol", host: os.hostname(), pid: holder.pid!, runId: "r-live" });
        const before = labDigest(lab.dir);
        const r = await runMain(["failover", "--yes", "--reason", "drill", ...common]);
        expect(r.status, r.stderr).to.equal(1);
        expect(withoutProgress(r.stderr)).to.equal(
            `error: locked by carol on ${os.hostname()} (pid ${holder.pid}, posture failover, run r-live, since 2026-11-30T03:00:00.000Z); if that process is gone, clear it with \`sftp-failover unlock\`\n`,
        );
        expect(labDigest(lab.dir), "nothing changed").to.equal(before);
    });

    it("unlock refuses a holder still running here (exit 2, nothing changed) unless --force", async function () {
        const holder = liveHolder();
        writeDriverLock({ identity: "carol", host: os.hostname(), pid: holder.pid!, runId: "r-live" });
        const before = labDigest(lab.dir);
        const r = await runMain(["unlock", "--yes", ...common]);
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr).to.equal(`error: the lock holder carol (pid ${holder.pid}, posture failover) is still running on this host; stop it, or force\n`);
        expect(labDigest(lab.dir), "nothing changed").to.equal(before);
        const forced = await runMain(["unlock", "--yes", "--force", "--reason", "carol's run is wedged", ...common]);
        expect(forced.status, forced.stderr).to.equal(0);
        expect(fs.existsSync(lockFile)).to.equal(false);
        expect(auditEntries().at(-1)).to.deep.include({ operation: "unlock", reason: "carol's run is wedged", result: "ok" });
    });

    it("a stale lock (holder gone from this host) is shown as such by status, with how it clears, and the next switch clears it, audited", async function () {
        const holder = liveHolder();
        writeDriverLock({ identity: "dave", host: os.hostname(), pid: holder.pid!, runId: "r-dead" });
        holder.kill("SIGKILL");
        await exited(holder);
        const text = await runMain(["status", ...common]);
        expect(text.status, text.stderr).to.equal(0);
        expect(text.stdout).to.match(new RegExp(`^lock: +held by dave on ${escapeRegExp(os.hostname())} \\(pid ${holder.pid}, posture failover, since 2026-11-30T03:00:00\\.000Z\\) — the holder \\(pid ${holder.pid} on ${escapeRegExp(os.hostname())}\\) is gone; the next switch clears the lock$`, "m"));
        const auditBefore = auditEntries().length;
        const r = await runMain(["posture", "active-passive", "--yes", ...common]);
        expect(r.status, r.stderr).to.equal(5);
        expect(fs.existsSync(lockFile)).to.equal(false);
        const cleared = auditEntries().slice(auditBefore).filter((e) => e.operation === "unlock");
        expect(cleared.map((e) => e.reason)).to.deep.equal([`holder dave (pid ${holder.pid} on ${os.hostname()}, posture failover, since 2026-11-30T03:00:00.000Z) is gone`]);
    });

    it("a corrupt lock reads as NOT free in status and blocks a switch with how to clear it; nothing changed", async function () {
        fs.writeFileSync(lockFile, "{ torn");
        const before = labDigest(lab.dir);
        const status = await runMain(["status", ...common]);
        expect(status.stdout).to.match(/^lock: +NOT free — .*failover\.lock is not valid JSON; if no switch is running, clear it with `sftp-failover unlock`$/m);
        const r = await runMain(["posture", "active-active", "--yes", ...common]);
        expect(r.status, r.stderr).to.equal(1);
        expect(withoutProgress(r.stderr)).to.equal(`error: locked: ${lockFile} exists but cannot be read as a lock; if no switch is running, clear it with \`sftp-failover unlock\`\n`);
        expect(labDigest(lab.dir), "nothing changed").to.equal(before);
        const cleared = await runMain(["unlock", "--yes", "--reason", "torn lock file", ...common]);
        expect(cleared.status, cleared.stderr).to.equal(0);
        expect(cleared.stdout.trim()).to.equal(`cleared driver lock ${lockFile} (is not valid JSON)`);
    });

    it("unlock --yes clears another host's driver lock and the backend's stack locks, audited once with its reason; a second unlock finds nothing and audits nothing", async function () {
        writeDriverLock({ identity: "ci", host: "ci-runner-7", pid: 4242, runId: "r-ci" });
        const backendLock = writeBackendLock("dns", 4343, "ci-runner-7");
        const auditBefore = auditEntries().length;
        const r = await runMain(["unlock", "--yes", "--reason", "CI runner died mid-switch", ...common]);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout.trim().split("\n")).to.deep.equal([
            "cleared driver lock of ci on ci-runner-7 (pid 4242, posture failover, run r-ci)",
            "cleared backend lock of stack dns (engine pid 4343 on ci-runner-7)",
        ]);
        expect(fs.existsSync(lockFile)).to.equal(false);
        expect(fs.existsSync(backendLock)).to.equal(false);
        const added = auditEntries().slice(auditBefore);
        expect(added).to.have.length(1);
        expect(added[0]).to.deep.include({ operation: "unlock", reason: "CI runner died mid-switch", result: "ok" });
        expect(added[0].to).to.equal("cleared driver lock of ci on ci-runner-7 (pid 4242, posture failover, run r-ci); backend lock of stack dns (engine pid 4343 on ci-runner-7)");

        const before = labDigest(lab.dir);
        const none = await runMain(["unlock", "--yes", ...common]);
        expect(none.status, none.stderr).to.equal(0);
        expect(none.stdout.trim()).to.equal("no lock to clear");
        expect(labDigest(lab.dir), "a no-op changes and audits nothing").to.equal(before);
    });

    it("unlock without --yes on a non-terminal is refused: exit 2, nothing changed", async function () {
        writeDriverLock({ identity: "ci", host: "ci-runner-7", pid: 4242, runId: "r-ci" });
        const before = labDigest(lab.dir);
        const r = await runMain(["unlock", ...common]);
        expect(r.status).to.equal(2);
        expect(r.stderr).to.equal("error: --yes is required when stdin is not a terminal (nothing was changed)\n");
        expect(labDigest(lab.dir), "nothing changed").to.equal(before);
        fs.rmSync(lockFile);
    });

    describe("on a real terminal (a pty)", function () {
        it("unlock shows what it would clear and asks; \"y\" clears it, audited", async function () {
            writeDriverLock({ identity: "ci", host: "ci-runner-7", pid: 4242, runId: "r-ci" });
            const auditBefore = auditEntries().length;
            const r = await runOnPty(cliArgv(["unlock", "--reason", "asked at the prompt"]), { cwd: root, prompt: "clear these locks? [y/N]", answer: "y\r" });
            expect(r.answered, r.output).to.equal(true);
            expect(r.code, r.output).to.equal(0);
            expect(r.output).to.contain("driver lock of ci on ci-runner-7 (pid 4242, posture failover, run r-ci)");
            expect(fs.existsSync(lockFile)).to.equal(false);
            expect(auditEntries().slice(auditBefore).map((e) => [e.operation, e.reason])).to.deep.equal([["unlock", "asked at the prompt"]]);
        });

        it("Ctrl-D at the unlock prompt declines: exit 2, nothing cleared or audited", async function () {
            writeDriverLock({ identity: "ci", host: "ci-runner-7", pid: 4242, runId: "r-ci" });
            const before = labDigest(lab.dir);
            const r = await runOnPty(cliArgv(["unlock"]), { cwd: root, prompt: "clear these locks? [y/N]", answer: "\u0004" });
            expect(r.answered, r.output).to.equal(true);
            expect(r.code, r.output).to.equal(2);
            expect(r.output).to.contain("error: declined: nothing was changed");
            expect(labDigest(lab.dir), "nothing changed").to.equal(before);
            fs.rmSync(lockFile);
        });

        for (const [key, answer] of [["Ctrl-D", "\u0004"], ["\"n\"", "n\r"]] as const) {
            it(`${key} at a switch's confirmation prompt declines: exit 2, "declined: nothing was changed", nothing changed`, async function () {
                const before = labDigest(lab.dir);
                const r = await runOnPty(cliArgv(["posture", "failover", "--reason", "pty drill"]), { cwd: root, prompt: "[y/N]", answer });
                expect(r.answered, r.output).to.equal(true);
                expect(r.code, r.output).to.equal(2);
                // The lab's posture is whatever the tests before left (active-passive when they all passed).
                expect(r.output).to.match(/switch posture: (active-passive|active-active) → failover\? \[y\/N\]/);
                expect(r.output).to.contain("error: declined: nothing was changed");
                expect(labDigest(lab.dir), "nothing changed").to.equal(before);
            });
        }
    });
});
