import { expect } from "chai";
import { fitTable, historyWidth, parseSince, SinceError } from "../../automation/cli/history-view";

describe("history view: --since and a table that fits", () => {
    const now = new Date(2026, 11, 7, 15, 30, 0);

    it("reads a duration ago in minutes, hours, days and weeks", () => {
        expect(parseSince("30m", now).getTime()).to.equal(now.getTime() - 30 * 60_000);
        expect(parseSince("2h", now).getTime()).to.equal(now.getTime() - 2 * 3_600_000);
        expect(parseSince("1d", now).getTime()).to.equal(now.getTime() - 86_400_000);
        expect(parseSince("1W", now).getTime()).to.equal(now.getTime() - 7 * 86_400_000);
        expect(parseSince("0h", now).getTime()).to.equal(now.getTime());
    });

    it("reads today and yesterday as local midnight", () => {
        expect(parseSince("today", now)).to.deep.equal(new Date(2026, 11, 7));
        expect(parseSince("Yesterday", now)).to.deep.equal(new Date(2026, 11, 6));
        expect(parseSince("yesterday", new Date(2026, 0, 1, 0, 5))).to.deep.equal(new Date(2025, 11, 31));
    });

    it("reads ISO dates and times", () => {
        expect(parseSince("2026-12-07T10:00:00Z", now).toISOString()).to.equal("2026-12-07T10:00:00.000Z");
        expect(parseSince("2026-12-07", now).toISOString()).to.equal("2026-12-07T00:00:00.000Z");
    });

    for (const bad of ["5", "yesterday-ish", "2 fortnights", "-2h", "2.5h", "", "1234567h", "2026-13-45"]) {
        it(`refuses ${JSON.stringify(bad)} naming the flag and the value`, () => {
            expect(() => parseSince(bad, now)).to.throw(SinceError, `--since must be an ISO date or time, a duration ago such as 30m, 2h, 1d or 1w, or today or yesterday (got "${bad}")`);
        });
    }

    const rows = [
        ["when", "what", "result"],
        ["2026-12-07", "a".repeat(40), "ok"],
        ["2026-12-06", "short", "failed"],
    ];

    it("leaves a table whole when it fits, or when no width is given", () => {
        const whole = fitTable(rows, undefined, [1]);
        expect(whole.split("\n")[1]).to.equal(`2026-12-07  ${"a".repeat(40)}  ok`);
        expect(fitTable(rows, 60, [1])).to.equal(whole);
    });

    it("cuts only the shrinkable column, to exactly the width, with an ellipsis", () => {
        const fitted = fitTable(rows, 40, [1]).split("\n");
        expect(fitted[1]).to.equal(`2026-12-07  ${"a".repeat(19)}…  ok`);
        expect(Math.max(...fitted.map((l) => l.length))).to.be.at.most(40);
        expect(fitted[2]).to.equal(`2026-12-06  short${" ".repeat(15)}  failed`);
        expect(fitted[2]).to.have.length(40);
    });

    it("never cuts a column below 8 characters, and never cuts the others, even when the width cannot be met", () => {
        const fitted = fitTable(rows, 10, [1]).split("\n");
        expect(fitted[1]).to.equal(`2026-12-07  ${"a".repeat(7)}…  ok`);
    });

    it("fits a terminal only: not with --wide, not when output is piped, not with an unknown width", () => {
        expect(historyWidth({ wide: false, isTTY: true, columns: 80 })).to.equal(80);
        expect(historyWidth({ wide: true, isTTY: true, columns: 80 })).to.equal(undefined);
        expect(historyWidth({ wide: false, isTTY: false, columns: 80 })).to.equal(undefined);
        expect(historyWidth({ wide: false, isTTY: true, columns: 0 })).to.equal(undefined);
    });
});
