import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AuditEntry, AuditLog, resolveIdentity } from "../../automation/driver/audit";

function entry(at: string, operation: AuditEntry["operation"], to: string): AuditEntry {
    return { at, identity: "alice", host: "h", operation, to, result: "ok", runId: at, durationMs: 1, reason: "drill" };
}

describe("driver audit log", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "audit-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("records are read back in order and filtered by time, operation and count", () => {
        const log = new AuditLog(path.join(dir, "audit.jsonl"));
        log.append(entry("2026-01-01T00:00:00.000Z", "failover", "failover"));
        log.append(entry("2026-01-02T00:00:00.000Z", "fence", "primary fenced"));
        log.append(entry("2026-01-03T00:00:00.000Z", "failback", "active-passive"));
        expect(log.read().map((e) => e.operation)).to.deep.equal(["failover", "fence", "failback"]);
        expect(log.read({ since: new Date("2026-01-02T00:00:00Z") }).map((e) => e.operation)).to.deep.equal(["fence", "failback"]);
        expect(log.read({ operation: "fence" })).to.have.length(1);
        expect(log.read({ limit: 1 })[0].operation).to.equal("failback");
    });

    it("a missing log reads as empty", () => {
        expect(new AuditLog(path.join(dir, "none.jsonl")).read()).to.deep.equal([]);
    });

    it("the given identity wins over the OS user, which is the default", () => {
        expect(resolveIdentity("  ops-bot ")).to.equal("ops-bot");
        expect(resolveIdentity()).to.equal(os.userInfo().username);
        expect(resolveIdentity("")).to.equal(os.userInfo().username);
    });
});
