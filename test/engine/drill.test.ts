import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateDrillReport } from "../../scripts/drill-report";

const root = path.resolve(__dirname, "..", "..");

// The whole drill as `npm run drill` runs it, in a temporary lab and report folder: it must end
// well and leave a report that holds every required field, read back from disk.
describe("the sandbox drill writes a complete report", function () {
    let temp: string;
    let run: { code: number | null; stdout: string; stderr: string };

    before(async function () {
        // Longer than the drill's own bound below, so a slow drill is killed and reported, not cut off by mocha.
        this.timeout(1_300_000);
        temp = fs.mkdtempSync(path.join(os.tmpdir(), "sftp-failover-drill-"));
        run = await new Promise((resolve, reject) => {
            const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(root, "scripts/drill.ts")], {
                cwd: root,
                env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", DRILL_LAB_DIR: path.join(temp, "lab"), DRILL_REPORTS_DIR: path.join(temp, "reports"), DRILL_STEP_TIMEOUT_MS: "180000" },
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            // Bounded: a drill that hangs is a failure, not a wait.
            const timer = setTimeout(() => child.kill("SIGTERM"), 1_200_000);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ code, stdout, stderr });
            });
        });
    });

    after(function () {
        fs.rmSync(temp, { recursive: true, force: true });
    });

    it("exits 0 and names the report's path in one line", function () {
        expect(run.code, run.stderr).to.equal(0);
        expect(run.stdout).to.match(/\nReport: .*\/reports\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z\/report\.md \(and report\.json\)\n/);
    });

    it("writes report.json with every required field and report.md beside it", function () {
        const [folder] = fs.readdirSync(path.join(temp, "reports"));
        const json = JSON.parse(fs.readFileSync(path.join(temp, "reports", folder, "report.json"), "utf8"));

        expect(validateDrillReport(json)).to.deep.equal([]);
        expect(fs.readFileSync(path.join(temp, "reports", folder, "report.md"), "utf8")).to.include("## Steps");
    });

    it("records the drill's story: twelve steps, the gate's refusal, the refused failback, the degraded switch during the outage", function () {
        const [folder] = fs.readdirSync(path.join(temp, "reports"));
        const json = JSON.parse(fs.readFileSync(path.join(temp, "reports", folder, "report.json"), "utf8"));

        expect(json.outcome).to.equal("ok");
        expect(json.steps.map((s: { index: number }) => s.index)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        expect(json.steps[4].outcome).to.equal("unchanged");
        expect(json.steps[5].outcome).to.equal("refused");
        expect(json.steps[7].outcome).to.equal("degraded");
        expect(json.fingerprints.same).to.equal(true);
        const outage = json.endpointHealth.find((h: { step: number }) => h.step === 8);
        expect(outage.regions.primary.health).to.equal("unhealthy");
        expect(outage.dnsAnswer?.answered).to.deep.equal(["secondary"]);
    });

    it("verifies over real SFTP before DNS moves: a secondary that cannot serve stops the failover, a serving one passes", function () {
        const [folder] = fs.readdirSync(path.join(temp, "reports"));
        const json = JSON.parse(fs.readFileSync(path.join(temp, "reports", folder, "report.json"), "utf8"));
        const notes = (index: number) => (json.steps[index - 1].notes as string[]).join("\n");

        expect(json.steps[2].outcome).to.equal("refused");
        expect(notes(3)).to.match(/verification failed: secondary \(127\.0\.0\.1:\d+\) failed at connect: .*DNS was not switched, the old posture keeps serving/);
        expect(run.stdout).to.include("posture still: active-passive");
        expect(notes(4)).to.include("failover: verified secondary before DNS moved");
        expect(notes(4)).to.match(/verified secondary at 127\.0\.0\.1:\d+: host key SHA256:/);
        expect(notes(8)).to.match(/primary NOT verified: primary \(127\.0\.0\.1:\d+\) failed at connect/);
        expect(notes(10)).to.include("failback --force: verified primary before DNS moved");
    });

    it("an unplanned outage moves a real sftp client to the secondary through real DNS, with no host-key warning", function () {
        const [folder] = fs.readdirSync(path.join(temp, "reports"));
        const json = JSON.parse(fs.readFileSync(path.join(temp, "reports", folder, "report.json"), "utf8"));
        const note = (json.steps[10].notes as string[]).join("\n");

        expect(json.steps[10].outcome).to.not.equal("failed");
        expect(note).to.match(/^outage: before primary, after secondary, warnings "", RTO measured \d+ ms, lab model 60750 ms \(TTL 60 s\), DNS moved \d+ ms, configured model \d+ s$/);
        expect(run.stdout).to.match(/landed on secondary with no warning/);
        expect(json.outage).to.include({ before: "primary", after: "secondary", clientWarnings: "", labModelMs: 60_750, ttlSeconds: 60 });
        // The client held the answer it had before the stop for its TTL, and tried the dead primary meanwhile.
        expect(json.outage.cachedAttempts).to.be.at.least(1);
        expect(json.outage.measuredRtoMs).to.be.at.least(json.outage.dnsMovedMs);
    });

    it("checks after DNS moves in each planned switch that moved it: Knot answers the regions Route 53 should, and a session through the name lands in one of them", function () {
        const [folder] = fs.readdirSync(path.join(temp, "reports"));
        const json = JSON.parse(fs.readFileSync(path.join(temp, "reports", folder, "report.json"), "utf8"));
        const checks = json.afterDns as {
            step: number; outcome: string; against: string; landed?: string; hostKeyFingerprint?: string;
            expected: { regions: string[]; rule: string }; observed: { regions: string[]; answered: number; queries: number };
        }[];

        // 4 failover, 7 failback --force, 9 failover resumed, 10 failback: every switch whose DNS step ran.
        expect(checks.map((c) => c.step)).to.deep.equal([4, 7, 9, 10]);
        for (const c of checks) {
            expect(c.outcome, JSON.stringify(c)).to.equal("passed");
            expect(c.observed.regions).to.deep.equal(c.expected.regions);
            expect(c.observed.answered).to.equal(c.observed.queries);
            expect(c.expected.regions).to.include(c.landed);
            expect(c.against).to.match(/^DNS \(Knot on 127\.0\.0\.1:\d+\), then SFTP \(OpenSSH sshd on 127\.0\.0\.1:\d+\)$/);
            expect(Object.values(json.fingerprints.secondary)).to.include(c.hostKeyFingerprint);
        }
        expect(checks.find((c) => c.step === 4)).to.deep.include({ landed: "secondary" });
        expect(checks.find((c) => c.step === 7)).to.deep.include({ landed: "primary" });
        expect(fs.readFileSync(path.join(temp, "reports", folder, "report.md"), "utf8")).to.include("## Checks after DNS moved");
    });

    it("the planned failover quiesces the primary: a real upload begun before it completes and the drain waits for it; a client arriving after is refused writes", function () {
        const [folder] = fs.readdirSync(path.join(temp, "reports"));
        const json = JSON.parse(fs.readFileSync(path.join(temp, "reports", folder, "report.json"), "utf8"));
        const s = json.sessions as {
            newConnectionsMoveMs: number; existingSessionsEndMs: number; drain: string;
            upload: { completed: boolean; bytes: number; sessionEndedAfterDnsMs: number; drainSawItEndAfterMs: number; openWhenDrainBegan: number };
            lateUpload: { refused: boolean; message: string };
            quiesce: { stepMs: number; appliedAfterStepStartMs: number; modelSeconds: number };
        };
        expect(s.upload, JSON.stringify(s)).to.deep.include({ completed: true, bytes: 4 * 1024 * 1024 });
        expect(s.lateUpload.refused, s.lateUpload.message).to.equal(true);
        expect(s.lateUpload.message).to.match(/permission denied/i);
        // The drain found the session open, and ended only once the real session had.
        expect(s.drain).to.match(/^drain primary: drained \(no open session in primary\)$/);
        // The held session was still open when the drain began (counted before it was told to end),
        // and the drain ended drained: it waited for that session. Its end is measured by two
        // observers (the server's connection table, the client's exit), so no order of the two
        // timestamps is asserted.
        expect(s.upload.openWhenDrainBegan, JSON.stringify(s)).to.be.at.least(1);
        expect(s.upload.sessionEndedAfterDnsMs).to.be.greaterThan(0);
        expect(s.existingSessionsEndMs).to.be.greaterThan(0);
        // The lab's users timer made the primary read-only during the quiesce step or the wait after it.
        expect(s.quiesce.modelSeconds).to.equal(6);
        expect(s.quiesce.appliedAfterStepStartMs, "the primary's server turned read-only").to.be.a("number");
        const steps = (json.steps[3].notes as string[]).join("\n");
        expect(json.steps[3].outcome, steps).to.equal("ok");
        expect(fs.readFileSync(path.join(temp, "reports", folder, "report.md"), "utf8")).to.include("- New connections move (DNS): ");
    });

    it("lists every SFTP probe with the server it ran against: the refused gate's, and the ones that passed", function () {
        const [folder] = fs.readdirSync(path.join(temp, "reports"));
        const json = JSON.parse(fs.readFileSync(path.join(temp, "reports", folder, "report.json"), "utf8"));
        const probes = json.probes as { step: number; region: string; ok: boolean; stage?: string; against: string }[];
        expect(probes.find((p) => p.step === 3)).to.deep.include({ region: "secondary", ok: false, stage: "connect" });
        expect(probes.filter((p) => p.ok).map((p) => p.region)).to.include.members(["primary", "secondary"]);
        expect(probes.every((p) => /^SFTP \(OpenSSH sshd on 127\.0\.0\.1:\d+\)$/.test(p.against))).to.equal(true);
        expect(json.rpoExposure).to.match(/^RPO exposure .* unknown \(cannot read the replication metrics/);
    });
});
