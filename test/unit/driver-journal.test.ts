import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { completedStepIds, firstUnfinishedStep, interruptedSteps, Journal, runsOf, unfinishedOf } from "../../automation/driver/journal";

const repoRoot = path.resolve(__dirname, "..", "..");

function begin(runId: string) {
    return {
        type: "begin" as const,
        runId,
        operation: "posture",
        target: "failover",
        from: "active-passive",
        steps: [
            { id: "before-dns:secondary", description: "scale secondary", skip: false },
            { id: "dns:dns", description: "switch DNS", skip: false },
            { id: "after-dns:primary", description: "scale primary", skip: false },
        ],
        identity: "alice",
        host: os.hostname(),
        pid: process.pid,
        at: new Date().toISOString(),
    };
}

describe("driver journal", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("a run without an end record is the unfinished run, and resumes at its first unfinished step", () => {
        const journal = new Journal(path.join(dir, "journal.jsonl"));
        journal.append(begin("r1"));
        journal.append({ type: "step", runId: "r1", stepId: "before-dns:secondary", status: "started", at: "t" });
        journal.append({ type: "step", runId: "r1", stepId: "before-dns:secondary", status: "done", at: "t" });
        journal.append({ type: "step", runId: "r1", stepId: "dns:dns", status: "started", at: "t" });
        const run = journal.unfinishedRun();
        expect(run?.begin.runId).to.equal("r1");
        expect([...completedStepIds(run!)]).to.deep.equal(["before-dns:secondary"]);
        expect(firstUnfinishedStep(run!)).to.equal("dns:dns");
    });

    it("an ended run is not unfinished", () => {
        const journal = new Journal(path.join(dir, "journal.jsonl"));
        journal.append(begin("r1"));
        journal.append({ type: "end", runId: "r1", result: "ok", at: "t" });
        expect(journal.unfinishedRun()).to.equal(undefined);
        expect(journal.run("r1")?.end?.result).to.equal("ok");
    });

    it("a torn last line is skipped on read and does not swallow the next record", () => {
        const file = path.join(dir, "journal.jsonl");
        const journal = new Journal(file);
        journal.append(begin("r1"));
        fs.appendFileSync(file, '{"type":"step","runId":"r1","stepId":"dns:d');
        journal.append({ type: "step", runId: "r1", stepId: "before-dns:secondary", status: "done", at: "t" });
        const run = journal.unfinishedRun();
        expect(run?.steps.get("before-dns:secondary")).to.equal("done");
        expect(run?.steps.has("dns:dns")).to.equal(false);
    });

    it("survives kill -9 of a writer mid-stream: every record read back is whole and the run is resumable", async () => {
        const file = path.join(dir, "journal.jsonl");
        const ready = path.join(dir, "ready");
        // The writer appends step records as fast as it can (bounded), so the kill lands mid-stream.
        const script = `
            const { Journal } = require(${JSON.stringify(path.join(repoRoot, "automation/driver/journal.ts"))});
            const fs = require("node:fs");
            const j = new Journal(${JSON.stringify(file)});
            j.append(${JSON.stringify(begin("killed"))});
            fs.writeFileSync(${JSON.stringify(ready)}, "1");
            for (let i = 0; i < 200000; i++) {
                j.append({ type: "step", runId: "killed", stepId: "before-dns:secondary", status: i % 2 ? "done" : "started", at: String(i), error: "x".repeat(i % 300) });
            }`;
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
            cwd: repoRoot,
            stdio: "ignore",
        });
        const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
        for (let i = 0; i < 400 && !fs.existsSync(ready); i++) {
            await new Promise((r) => setTimeout(r, 25));
        }
        expect(fs.existsSync(ready), "writer started").to.equal(true);
        // Let it write some records, then kill it without warning.
        for (let i = 0; i < 400 && fs.statSync(file).size < 20000; i++) {
            await new Promise((r) => setTimeout(r, 10));
        }
        child.kill("SIGKILL");
        expect(await exited).to.equal("SIGKILL");

        const text = fs.readFileSync(file, "utf8");
        const lines = text.split("\n").filter((l) => l !== "");
        const whole = lines.filter((l) => {
            try {
                JSON.parse(l);
                return true;
            } catch {
                return false;
            }
        });
        // At most the very last line may be torn.
        expect(lines.length - whole.length).to.be.at.most(1);
        const journal = new Journal(file);
        const run = journal.unfinishedRun();
        expect(run?.begin.runId).to.equal("killed");
        expect(whole.length).to.be.greaterThan(1);

        // A rerun appends after the crash and reads back consistently.
        journal.append({ type: "end", runId: "killed", result: "superseded", at: "t" });
        expect(journal.unfinishedRun()).to.equal(undefined);
        expect(journal.run("killed")?.end?.result).to.equal("superseded");
    });
});

describe("journal runs rebuilt from records", () => {
    const previous = { stack: "primary" as const, previous: [{ key: "sftp-failover:capacity", value: "1" }] };

    it("finds a run by its own id among several", () => {
        const runs = runsOf([begin("r1"), { type: "end", runId: "r1", result: "ok", at: "t" }, begin("r2")]);
        expect(runs.map((r) => r.begin.runId)).to.deep.equal(["r1", "r2"]);
        expect(unfinishedOf(runs)?.begin.runId).to.equal("r2");
    });

    it("ignores records of a run whose begin record is not in the journal", () => {
        const runs = runsOf([
            { type: "step", runId: "lost", stepId: "dns:dns", status: "started", at: "t" },
            { type: "end", runId: "lost", result: "ok", at: "t" },
            begin("r1"),
        ]);
        expect(runs).to.have.length(1);
        expect(runs[0].steps.size).to.equal(0);
        expect(runs[0].end).to.equal(undefined);
    });

    it("an empty journal has no unfinished run", () => {
        expect(unfinishedOf(runsOf([]))).to.equal(undefined);
    });

    it("a step recorded as skipped counts as completed, a failed one does not", () => {
        const [run] = runsOf([
            begin("r1"),
            { type: "step", runId: "r1", stepId: "before-dns:secondary", status: "skipped", at: "t" },
            { type: "step", runId: "r1", stepId: "dns:dns", status: "failed", at: "t" },
        ]);
        expect([...completedStepIds(run)]).to.deep.equal(["before-dns:secondary"]);
        expect(firstUnfinishedStep(run)).to.equal("dns:dns");
    });

    it("a run whose every step completed has no first unfinished step", () => {
        const [run] = runsOf([
            begin("r1"),
            ...["before-dns:secondary", "dns:dns", "after-dns:primary"].map((stepId) => ({ type: "step" as const, runId: "r1", stepId, status: "done" as const, at: "t" })),
        ]);
        expect(firstUnfinishedStep(run)).to.equal(undefined);
    });

    it("an interrupted step keeps the config its start recorded, whatever records without config follow", () => {
        const [run] = runsOf([
            begin("r1"),
            { type: "step", runId: "r1", stepId: "before-dns:secondary", status: "started", at: "t", config: previous },
            { type: "step", runId: "r1", stepId: "before-dns:secondary", status: "failed", at: "t" },
            { type: "step", runId: "r1", stepId: "dns:dns", status: "started", at: "t" },
        ]);
        expect(interruptedSteps(run)).to.deep.equal([{ stepId: "before-dns:secondary", stack: "primary", runId: "r1", previous: previous.previous }]);
    });

    it("a step that completed is not interrupted, though its start recorded config", () => {
        const [run] = runsOf([
            begin("r1"),
            { type: "step", runId: "r1", stepId: "before-dns:secondary", status: "started", at: "t", config: previous },
            { type: "step", runId: "r1", stepId: "before-dns:secondary", status: "done", at: "t" },
        ]);
        expect(interruptedSteps(run)).to.deep.equal([]);
    });

    it("the file journal finds a run by its id", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-"));
        try {
            const journal = new Journal(path.join(dir, "journal.jsonl"));
            journal.append(begin("r1"));
            journal.append(begin("r2"));
            expect(journal.run("r2")?.begin.runId).to.equal("r2");
            expect(journal.run("r3")).to.equal(undefined);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
