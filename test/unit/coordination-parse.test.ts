// What the coordination stores make of the text they read back: a lock generation, a lock file, a
// posture record. Damaged text never reads as a holder or a posture.
import { expect } from "chai";
import { isStale, leaseExpired } from "../../automation/driver/coordination/lease";
import { parseLock, parsePostureRecord } from "../../automation/driver/coordination/local-store";
import { CoordinationStore } from "../../automation/driver/coordination/store";
import { parseLockGeneration } from "../../automation/driver/coordination/store";

const holder = { identity: "alice", host: "laptop-a", pid: 42, runId: "r1", operation: "posture failover", since: "2026-12-07T10:00:00.000Z" };

describe("coordination: reading stored text back", () => {
    it("a lock generation is a positive whole count; anything else reads as none", () => {
        expect(parseLockGeneration("7\n")).to.equal(7);
        expect(parseLockGeneration("1")).to.equal(1);
        for (const text of [undefined, "", "0", "-2", "1.5", "abc", "9007199254740993", "Infinity"]) {
            expect(parseLockGeneration(text), String(text)).to.equal(0);
        }
    });

    it("a lock file names its holder, or says what is wrong with it", () => {
        expect(parseLock(JSON.stringify(holder), "t1")).to.deep.equal({ state: "held", holder, token: "t1" });
        expect(parseLock("{\"identity\":\"alice\"", "t2")).to.deep.equal({ state: "corrupt", problem: "is not valid JSON", token: "t2" });
        for (const missing of ["identity", "host", "pid", "runId"] as const) {
            const { [missing]: _dropped, ...partial } = holder;
            expect(parseLock(JSON.stringify(partial), "t3"), missing).to.deep.equal({ state: "corrupt", problem: "does not name a holder", token: "t3" });
        }
        expect(parseLock(JSON.stringify({ ...holder, pid: "42" }), "t4").state).to.equal("corrupt");
    });

    it("a posture record needs its posture, weights and capacity; anything less is none", () => {
        const record = { posture: "failover", weights: { primary: 0, secondary: 100 }, capacity: { primary: "drained", secondary: "active" }, identity: "alice", host: "laptop-a", at: "t" };
        expect(parsePostureRecord(JSON.stringify(record))).to.deep.equal(record);
        expect(parsePostureRecord(undefined)).to.equal(undefined);
        expect(parsePostureRecord("not json")).to.equal(undefined);
        for (const missing of ["posture", "weights", "capacity"] as const) {
            const { [missing]: _dropped, ...partial } = record;
            expect(parsePostureRecord(JSON.stringify(partial)), missing).to.equal(undefined);
        }
        expect(parsePostureRecord(JSON.stringify({ ...record, posture: 3 }))).to.equal(undefined);
    });

    it("a lease ends at its expiry instant exactly; a holder without a lease, or with an unreadable one, never ends by time", () => {
        const until = Date.parse("2026-12-07T10:05:00.000Z");
        const leased = { ...holder, expiresAt: "2026-12-07T10:05:00.000Z" };
        expect(leaseExpired(leased, until - 1)).to.equal(false);
        expect(leaseExpired(leased, until)).to.equal(true);
        expect(leaseExpired(leased, until + 1)).to.equal(true);
        expect(leaseExpired(holder, until * 2)).to.equal(false);
        expect(leaseExpired({ ...holder, expiresAt: "soon" }, until * 2)).to.equal(false);
    });

    it("a held lock is stale once its lease ended, or once the store proves its holder gone, and not before", () => {
        const storeSaying = (gone: boolean) => ({ holderProvablyGone: () => gone }) as unknown as CoordinationStore;
        const leased = { ...holder, expiresAt: "2026-12-07T10:05:00.000Z" };
        const before = Date.parse(leased.expiresAt) - 1;
        expect(isStale(storeSaying(false), leased, before)).to.equal(false);
        expect(isStale(storeSaying(true), leased, before)).to.equal(true);
        expect(isStale(storeSaying(false), leased, before + 1)).to.equal(true);
    });
});

