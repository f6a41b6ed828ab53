import { expect } from "chai";
import {
    answerFromStatus,
    buildDrillReport,
    DrillRecorder,
    drillReportSchema,
    renderDrillMarkdown,
    reportFolder,
    validateDrillReport,
    worstOutcome,
} from "../../scripts/drill-report";

/** A clock that advances one second per reading, so durations are exact. */
function tickingClock(start = Date.UTC(2026, 10, 30, 9, 0, 0)) {
    let t = start;
    return () => new Date((t += 1000));
}

const healthy = { health: "healthy", reasons: [], fence: "unfenced" };

function sampleRun() {
    const rec = new DrillRecorder(tickingClock());
    rec.begin(1, "Bootstrap");
    rec.fingerprints = { primary: { ed25519: "SHA256:a" }, secondary: { ed25519: "SHA256:a" }, same: true, source: "stack outputs" };
    rec.status({ posture: "active-passive", regions: { primary: healthy, secondary: healthy }, failsOpen: false });
    rec.begin(2, "Plan");
    rec.modelledRtoSeconds = 150;
    rec.begin(3, "Planned failover");
    rec.switched({ title: "failover", from: "active-passive", to: "failover", status: "ok", durationMs: 42_000, fenced: [] });
    rec.begin(4, "Again");
    rec.switched({ title: "failover again", from: "failover", to: "failover", status: "unchanged", durationMs: 900, fenced: [] });
    rec.begin(5, "Failback refused");
    rec.refused("ReplicationBacklogError: unknown");
    return rec;
}

describe("drill report", () => {
    it("records each step's start, end, duration and outcome, and the planned switch's measured time", () => {
        const report = sampleRun().finish();

        expect(report.steps.map((s) => [s.index, s.outcome, s.durationMs])).to.deep.equal([
            [1, "ok", 1000],
            [2, "ok", 1000],
            [3, "ok", 1000],
            [4, "unchanged", 1000],
            [5, "refused", 1000],
        ]);
        expect(report.startedAt).to.equal("2026-11-30T09:00:01.000Z");
        expect(report.steps[0].startedAt).to.equal("2026-11-30T09:00:02.000Z");
        expect(report.steps[0].endedAt).to.equal("2026-11-30T09:00:03.000Z");
        expect(report).to.deep.include({ schema: drillReportSchema, outcome: "ok", measuredSwitchMs: 42_000, modelledRtoSeconds: 150 });
        expect(report.emulated.join(" ")).to.include("sandbox provider");
        expect(report.emulated.join(" ")).to.include("fence");
    });

    it("names every stand-in a sandbox figure could be mistaken through, and says where the lab's DNS answers come from", () => {
        const report = sampleRun().finish();
        const emulated = report.emulated.join("\n");

        expect(emulated).to.match(/OpenSSH's sshd .* stands in for SFTPGo/);
        expect(emulated).to.match(/host keys: moto on loopback stands in for Secrets Manager, and the drill, not the stack, puts the stacks' host keys/);
        expect(report.real.join("\n")).to.include("the gateway's rendered installer script (components/gateway-user-data.ts) reads each region's secret");
        expect(emulated).to.match(/the canary logs in as it — as root when the drill runs as root/);
        expect(emulated).to.match(/one TCP prober .* stands in for Route 53's fleet of checkers.*more than 18 %/);
        expect(emulated).to.match(/the TTL: the unplanned outage serves 60 s, an alias to a load balancer's/);
        expect(emulated).to.match(/checks after DNS moves ask Knot with TTL 0/);
        expect(emulated).to.match(/the lab's selector \(sandbox\/route53-selector\.ts\), written from the Route 53 Developer Guide apart from the driver's model \(automation\/dns-answers\.ts\)/);
        expect(report.real.join("\n")).to.include("judged against the driver's own model (automation/dns-answers.ts)");
        const md = renderDrillMarkdown(report);
        for (const line of [...report.emulated, ...report.real]) {
            expect(md).to.include(`- ${line}`);
        }
    });

    it("shows the outage's TTL and the sessions that still used the held answer", () => {
        const rec = sampleRun();
        rec.outage = { before: "primary", after: "secondary", measuredRtoMs: 59_800, dnsMovedMs: 700, labModelMs: 60_750, ttlSeconds: 60, cachedAttempts: 58, configuredModelSeconds: 90, clientWarnings: "" };

        expect(renderDrillMarkdown(rec.finish())).to.include(
            "RTO measured 59.8 s against 60.8 s modelled at lab scale (interval × threshold + TTL 60 s; DNS moved after 0.7 s, 58 sessions still used the held answer)",
        );
    });

    it("passes its own validation after a round trip through JSON", () => {
        const report = sampleRun().finish();

        expect(validateDrillReport(JSON.parse(JSON.stringify(report)))).to.deep.equal([]);
    });

    it("marks the step the drill stopped in as failed, and the report as failed with the error", () => {
        const report = sampleRun().finish("engine: update failed");

        expect(report.steps[report.steps.length - 1].outcome).to.equal("failed");
        expect(report).to.deep.include({ outcome: "failed", error: "engine: update failed" });
    });

    it("names every missing or malformed field", () => {
        const report = JSON.parse(JSON.stringify(sampleRun().finish()));
        delete report.measuredSwitchMs;
        report.steps[1].outcome = "fine";
        report.endpointHealth = [];

        expect(validateDrillReport(report)).to.deep.equal([
            "measuredSwitchMs must be a number of ms ≥ 0 (got undefined)",
            "endpointHealth must be a non-empty array (got [])",
            "steps[1] must have index, title, startedAt, endedAt, durationMs and an outcome (ok, unchanged, degraded, refused, failed)",
        ]);
        expect(validateDrillReport(null)).to.deep.equal(["the report is not a JSON object"]);
    });

    it("takes the worst switch status as the step's outcome", () => {
        expect(worstOutcome(["ok", "degraded"])).to.equal("degraded");
        expect(worstOutcome(["degraded", "failed"])).to.equal("failed");
        expect(worstOutcome(["unchanged", "unchanged"])).to.equal("unchanged");
        expect(worstOutcome([])).to.equal("ok");
    });

    it("derives Route 53's answer from status, and none when a health or fence is unknown", () => {
        const primaryDown = { primary: { health: "unhealthy", reasons: ["unreachable"], fence: "fenced" }, secondary: healthy };

        expect(answerFromStatus("active-passive", primaryDown)).to.deep.equal({ rule: "zero-weight", answered: ["secondary"], shares: { primary: 0, secondary: 1 } });
        expect(answerFromStatus("active-passive", { ...primaryDown, secondary: { ...healthy, fence: "unknown" } })).to.equal(undefined);
        expect(answerFromStatus(undefined, primaryDown)).to.equal(undefined);
        expect(answerFromStatus("failover", { primary: { ...healthy, fence: "unknown" }, secondary: { ...healthy, fence: "unknown" } }, { unpublishedFenceIsUnfenced: true }))
            .to.deep.include({ rule: "non-zero-weight", answered: ["secondary"] });
    });

    it("renders Markdown with the step table, the measured and modelled times and what was emulated", () => {
        const md = renderDrillMarkdown(sampleRun().finish());

        expect(md).to.include("| 3 | Planned failover | 2026-11-30T09:00:06.000Z | 2026-11-30T09:00:07.000Z | 1.0 s | ok |");
        expect(md).to.include("Measured planned switch (active-passive → failover): 42.0 s");
        expect(md).to.include("Modelled RTO of an unplanned failover (health check interval × threshold + TTL): 150 s");
        expect(md).to.include("## Emulated");
    });

    it("names a run's folder by its start time, without colons", () => {
        expect(reportFolder("/r", "2026-11-30T09:00:01.000Z")).to.equal("/r/2026-11-30T09-00-01.000Z");
    });

    it("builds the same report from the same records (pure)", () => {
        const input = { startedAt: new Date(0), endedAt: new Date(5000), steps: [], endpointHealth: [], fingerprints: { primary: 1, secondary: 1, same: true, source: "x" } };

        expect(buildDrillReport(input)).to.deep.equal(buildDrillReport(input));
        expect(buildDrillReport(input).durationMs).to.equal(5000);
    });
});
