import { expect } from "chai";
import { JournalRun } from "../../automation/driver/journal";
import { decideResume } from "../../automation/driver/resume";

/** A run; `from` null: it began with nothing deployed, so its begin record names no posture. */
function run(runId: string, target: string, end?: "ok" | "aborted" | "failed", from: string | null = "active-passive"): JournalRun {
    return {
        begin: { type: "begin", runId, operation: "posture", target, ...(from !== null ? { from } : {}), steps: [], identity: "alice", host: "laptop-a", pid: 1, at: "2026-11-30T10:00:00.000Z" },
        steps: new Map(),
        ...(end !== undefined ? { end: { type: "end", runId, result: end, at: "2026-11-30T10:01:00.000Z" } } : {}),
    };
}

describe("decideResume: whether a switch completes an earlier one", () => {
    it("an unfinished run to the same posture is completed, and the audit names its starting posture", () => {
        const killed = run("r1", "failover", undefined, "active-passive");
        expect(decideResume("failover", "active-active", killed, killed)).to.deep.equal({ resumes: "r1", auditFrom: "active-passive", close: killed, closeAsAborted: false });
    });

    it("an unfinished run to another posture is closed and audited as aborted; this run resumes nothing", () => {
        const killed = run("r1", "failover");
        expect(decideResume("active-active", "failover", killed, killed)).to.deep.equal({ auditFrom: "failover", close: killed, closeAsAborted: true });
    });

    it("a last run to the same posture that ended aborted or failed is completed, without closing anything", () => {
        for (const end of ["aborted", "failed"] as const) {
            expect(decideResume("failover", "failover", undefined, run("r1", "failover", end))).to.deep.equal({ resumes: "r1", auditFrom: "active-passive", closeAsAborted: false });
        }
    });

    it("a last run that ended ok, or wanted another posture, is nobody's to complete", () => {
        expect(decideResume("failover", "active-passive", undefined, run("r1", "failover", "ok"))).to.deep.equal({ auditFrom: "active-passive", closeAsAborted: false });
        expect(decideResume("failover", "active-passive", undefined, run("r1", "active-active", "aborted"))).to.deep.equal({ auditFrom: "active-passive", closeAsAborted: false });
        expect(decideResume("failover", undefined, undefined, undefined)).to.deep.equal({ closeAsAborted: false });
    });

    it("a run that began with nothing deployed names no starting posture, whether completed or closed", () => {
        const killed = run("r1", "failover", undefined, null);
        expect(decideResume("failover", undefined, killed, killed)).to.deep.equal({ resumes: "r1", close: killed, closeAsAborted: false });
        expect(decideResume("active-active", undefined, killed, killed)).to.deep.equal({ close: killed, closeAsAborted: true });
        expect(decideResume("failover", undefined, undefined, run("r1", "failover", "failed", null))).to.deep.equal({ resumes: "r1", closeAsAborted: false });
    });

    it("a last run without an end, when no unfinished run is given, is nobody's to complete", () => {
        expect(decideResume("failover", "active-passive", undefined, run("r1", "failover"))).to.deep.equal({ auditFrom: "active-passive", closeAsAborted: false });
    });
});
