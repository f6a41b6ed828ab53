import { expect } from "chai";
import { JournalRun } from "../../automation/driver/journal";
import { decideResume } from "../../automation/driver/resume";

function run(runId: string, target: string, end?: "ok" | "aborted" | "failed", from = "active-passive"): JournalRun {
    return {
        begin: { type: "begin", runId, operation: "posture", target, from, steps: [], identity: "alice", host: "laptop-a", pid: 1, at: "2026-11-30T10:00:00.000Z" },
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
});
