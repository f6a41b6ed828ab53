import { expect } from "chai";
import { describeDrain, OpenSessionsReading, waitForDrain } from "../../automation/driver/drain";
import { AbortedError } from "../../automation/driver/errors";

// The drain's wait loop, driven by a hand-moved clock: each sleep moves the clock by what it was
// asked to wait, so no time passes and no figure depends on the machine.

function world(readings: readonly OpenSessionsReading[]) {
    let time = 0;
    const reads: number[] = [];
    let i = 0;
    return {
        reads,
        now: () => time,
        sleep: async (ms: number) => {
            time += ms;
        },
        read: async () => {
            reads.push(time);
            const reading = readings[Math.min(i, readings.length - 1)]!;
            i++;
            return reading;
        },
    };
}

const open = (sessions: number): OpenSessionsReading => ({ known: true, sessions, source: "test" });
const unreadable: OpenSessionsReading = { known: false, reason: "GetMetricData failed: connection refused", source: "test" };

describe("drain: waiting for open sessions to end", () => {
    it("waits until the last session ends, and says how long it waited", async () => {
        const w = world([open(2), open(1), open(0)]);
        const outcome = await waitForDrain({ region: "primary", timeoutSeconds: 300, pollSeconds: 10, ...w });
        expect(outcome.outcome).to.equal("drained");
        expect(outcome.openSessions).to.equal(0);
        expect(outcome.waitedSeconds).to.equal(20);
        expect(w.reads).to.deep.equal([0, 10_000, 20_000]);
    });

    it("times out with sessions open: reports how many and stops reading at the timeout", async () => {
        const w = world([open(3), open(2)]);
        const outcome = await waitForDrain({ region: "secondary", timeoutSeconds: 25, pollSeconds: 10, ...w });
        expect(outcome.outcome).to.equal("timed-out");
        expect(outcome.openSessions).to.equal(2);
        expect(outcome.waitedSeconds).to.equal(25);
        expect(w.reads).to.deep.equal([0, 10_000, 20_000, 25_000]);
        expect(describeDrain(outcome)).to.contain("2 session(s) still open in secondary after 25 s");
    });

    it("an unreadable metric ends unknown, never drained", async () => {
        const w = world([unreadable]);
        const outcome = await waitForDrain({ region: "primary", timeoutSeconds: 30, pollSeconds: 15, ...w });
        expect(outcome.outcome).to.equal("unknown");
        expect(outcome.openSessions).to.equal(undefined);
        expect(outcome.detail).to.contain("connection refused");
    });

    it("a metric that turns unreadable after counting sessions is unknown, not the old count", async () => {
        const w = world([open(1), unreadable]);
        const outcome = await waitForDrain({ region: "primary", timeoutSeconds: 20, pollSeconds: 10, ...w });
        expect(outcome.outcome).to.equal("unknown");
    });

    it("a timeout of 0 does not wait nor read", async () => {
        const w = world([open(5)]);
        const outcome = await waitForDrain({ region: "primary", timeoutSeconds: 0, ...w });
        expect(outcome.outcome).to.equal("skipped");
        expect(w.reads).to.deep.equal([]);
    });

    it("stops with AbortedError when the signal fires between reads", async () => {
        const controller = new AbortController();
        const w = world([open(1)]);
        const read = async () => {
            const r = await w.read();
            if (w.reads.length === 2) {
                controller.abort();
            }
            return r;
        };
        const err = await waitForDrain({ region: "primary", timeoutSeconds: 300, pollSeconds: 10, ...w, read, signal: controller.signal }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(AbortedError);
        expect(w.reads).to.have.length(2);
    });

    it("the real sleep is abortable: an abort ends a long wait at once", async () => {
        const controller = new AbortController();
        let reads = 0;
        const waiting = waitForDrain({
            region: "primary",
            timeoutSeconds: 3600,
            pollSeconds: 3600,
            read: async () => {
                reads++;
                setImmediate(() => controller.abort());
                return open(1);
            },
            signal: controller.signal,
        });
        const err = await waiting.catch((e: unknown) => e);
        expect(err).to.be.instanceOf(AbortedError);
        expect(reads).to.equal(1);
    });
});
