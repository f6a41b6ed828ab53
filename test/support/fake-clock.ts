// A clock and interval timers that a test moves by hand, for code that takes `now` and
// `LeaseTimers` (automation/driver/coordination/lease.ts): renewals happen at exact times, with
// no sleeping and no timing thresholds.
import { LeaseTimers } from "../../automation/driver/coordination/lease";

interface Interval {
    readonly everyMs: number;
    next: number;
    readonly tick: () => void;
    running: boolean;
}

/** Lets every piece of work queued behind resolved promises run (none here waits on real I/O). */
export async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setImmediate(resolve));
    }
}

/** A hand-moved clock: `advance` fires every interval that falls due, in time order, and lets each tick's work settle. */
export class FakeClock implements LeaseTimers {
    private time: number;
    private readonly intervals: Interval[] = [];

    constructor(start = Date.parse("2026-12-01T09:00:00.000Z")) {
        this.time = start;
    }

    /** The time now, in ms since the epoch (pass as `now`). */
    readonly now = (): number => this.time;

    every(ms: number, tick: () => void): () => void {
        const interval: Interval = { everyMs: ms, next: this.time + ms, tick, running: true };
        this.intervals.push(interval);
        return () => {
            interval.running = false;
        };
    }

    /** How many intervals are still running. */
    get running(): number {
        return this.intervals.filter((i) => i.running).length;
    }

    /** Moves the clock `ms` on, firing what falls due on the way. */
    async advance(ms: number): Promise<void> {
        const end = this.time + ms;
        // Bounded: a test moves a few leases on, never a million ticks.
        for (let fired = 0; fired < 1_000_000; fired++) {
            const due = this.intervals.filter((i) => i.running && i.next <= end).sort((a, b) => a.next - b.next)[0];
            if (due === undefined) {
                break;
            }
            this.time = due.next;
            due.next += due.everyMs;
            due.tick();
            await settle();
        }
        this.time = end;
        await settle();
    }
}
