import { expect } from "chai";
import { fencePeriodMs, lastWordWrites } from "../../automation/fence/last-word";

// What a fence or an unfence publishes so that its word is the last within the alarm's period: a
// read may add writes, never remove the one of "now"; a failed read writes conservatively.

const period = (n: number) => 1_000_000 * fencePeriodMs + n * fencePeriodMs;
const now = period(0) + 20_000;

describe("the last word's writes (pure)", () => {
    it("a fence with nothing published ahead writes its 0 now only", () => {
        expect(lastWordWrites("fence", now, [])).to.deep.equal({ value: 0, timestamps: [now] });
        expect(lastWordWrites("fence", now, [{ start: period(0), minimum: 1 }])).to.deep.equal({ value: 0, timestamps: [now] });
    });

    it("a fence also writes 0 into every later period that already holds data (an unfence's 1 stamped ahead)", () => {
        const writes = lastWordWrites("fence", now, [
            { start: period(0), minimum: 0 },
            { start: period(1), minimum: 1 },
            { start: period(2), minimum: 1 },
        ]);
        expect(writes).to.deep.equal({ value: 0, timestamps: [now, period(1), period(2)] });
    });

    it("an unfence in a period holding no 0 writes its 1 now only", () => {
        expect(lastWordWrites("unfence", now, [{ start: period(0), minimum: 1 }])).to.deep.equal({ value: 1, timestamps: [now] });
    });

    it("an unfence in a period holding a 0 also stamps a 1 in the period after the latest 0", () => {
        expect(lastWordWrites("unfence", now, [{ start: period(0), minimum: 0 }])).to.deep.equal({ value: 1, timestamps: [now, period(1)] });
        // A fence that covered the next period too: the unfence goes one further.
        expect(lastWordWrites("unfence", now, [{ start: period(0), minimum: 0 }, { start: period(1), minimum: 0 }])).to.deep.equal({ value: 1, timestamps: [now, period(2)] });
    });

    it("periods before the current one do not count: they are evaluated already", () => {
        expect(lastWordWrites("unfence", now, [{ start: period(-1), minimum: 0 }])).to.deep.equal({ value: 1, timestamps: [now] });
        expect(lastWordWrites("fence", now, [{ start: period(-1), minimum: 1 }])).to.deep.equal({ value: 0, timestamps: [now] });
    });

    it("a datapoint exactly on a boundary opens the new period", () => {
        expect(lastWordWrites("unfence", period(1), [{ start: period(0), minimum: 0 }])).to.deep.equal({ value: 1, timestamps: [period(1)] });
    });

    it("when the periods cannot be read, a fence covers the next two periods and an unfence stamps the next one, saying it is unconfirmed", () => {
        const fence = lastWordWrites("fence", now, undefined);
        expect(fence.timestamps).to.deep.equal([now, period(1), period(2)]);
        expect(fence.unconfirmed).to.match(/could not be read/);
        const unfence = lastWordWrites("unfence", now, undefined);
        expect(unfence.timestamps).to.deep.equal([now, period(1)]);
        expect(unfence.unconfirmed).to.match(/could not be read/);
    });

    it("a fence covers each later period with data once, earliest first, whatever order the read gave them in", () => {
        const now = 10 * fencePeriodMs + 5_000;
        const at = (n: number) => 10 * fencePeriodMs + n * fencePeriodMs;
        const periods = [
            { start: at(3), minimum: 1 },
            { start: at(1), minimum: 1 },
            { start: at(3), minimum: 0 },
            { start: at(2), minimum: 1 },
        ];
        expect(lastWordWrites("fence", now, periods).timestamps).to.deep.equal([now, at(1), at(2), at(3)]);
    });
});

