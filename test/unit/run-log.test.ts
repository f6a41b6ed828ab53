import { expect } from "chai";
import { AuditEntry } from "../../automation/driver/audit";
import { AuditEvent, RunLog } from "../../automation/driver/coordination/run-log";
import type { CoordinationStore } from "../../automation/driver/coordination/store";

// The run log writes every field an audit event carries. `AuditEvent` is derived from `AuditEntry`,
// so a field added to the entry is accepted by the type checker at once; the event below is
// `Required`, so it must name that field too, and the test then fails until `record` writes it.

function recordingLog() {
    const written: AuditEntry[] = [];
    const log = new RunLog({ appendAudit: async (e: AuditEntry) => void written.push(e) } as unknown as CoordinationStore, "alice");
    return { log, written };
}

describe("run log: the audit entry it writes", () => {
    it("carries every field of the event, and adds the time, identity, host and duration", async () => {
        const every: Required<AuditEvent> = {
            operation: "failover",
            runId: "r1",
            to: "failover",
            result: "degraded",
            started: Date.now(),
            reason: "drill",
            from: "active-passive",
            steps: [{ id: "dns:dns", stack: "dns", description: "switch DNS", status: "done", durationMs: 1 }],
            remaining: ["scale primary"],
            error: "e",
            resumes: "r0",
            verification: "v",
            afterDns: "a",
            answer: "p",
            forced: "f",
            drain: ["drain primary: drained"],
            quiesce: ["quiesce primary: skipped (unplanned switch)"],
        };
        const { log, written } = recordingLog();
        await log.record(every);
        const entry = written[0];
        const { started: _started, steps: _steps, ...carried } = every;
        expect(entry).to.deep.include(carried);
        expect(entry.steps).to.deep.equal([{ id: "dns:dns", status: "done" }]);
        expect(entry).to.include({ identity: "alice", host: log.host });
        expect(Object.keys(entry).sort()).to.deep.equal([...Object.keys(carried), "at", "identity", "host", "durationMs", "steps"].sort());
    });

    it("writes no empty list and no absent field", async () => {
        const { log, written } = recordingLog();
        await log.record({ operation: "failover", runId: "r1", to: "failover", result: "ok", started: Date.now(), remaining: [], drain: [], quiesce: [] });
        expect(Object.keys(written[0]).sort()).to.deep.equal(["at", "durationMs", "host", "identity", "operation", "result", "runId", "to"]);
    });
});
