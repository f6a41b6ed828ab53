// A numeric range a check enforces, tested at its edges on both sides: min−1 refused, min
// accepted, max accepted, max+1 refused. A bound moved by one (a port ≤ 65535 → ≤ 65536) passes
// every test that uses far-out values; these fail it.
import { expect } from "chai";

/** One range and how to put a value through its check. */
export interface RangeEdges {
    /** What the range bounds, as the test names it (`gatewayPort`, `subnet count`). */
    readonly name: string;
    readonly min: number;
    /** The upper bound; absent for a range open above (at least two subnets). */
    readonly max?: number;
    /** Puts `value` through the check: throws when the check refuses it. */
    readonly check: (value: number) => unknown;
    /** What the refusal says: it names what it refuses. */
    readonly refusal: RegExp;
    /** Whether a fraction inside the range is refused too. Defaults to true. */
    readonly integer?: boolean;
}

/** One mocha `describe` per range, inside the caller's. */
export function describeRangeEdges(ranges: readonly RangeEdges[]): void {
    for (const r of ranges) {
        const accepted = r.max !== undefined ? [r.min, r.max] : [r.min];
        const refused = r.max !== undefined ? [r.min - 1, r.max + 1] : [r.min - 1];
        describe(`${r.name} at its edges`, () => {
            it(`accepts ${accepted.join(" and ")}`, () => {
                for (const value of accepted) {
                    expect(() => r.check(value), String(value)).not.to.throw();
                }
            });

            it(`refuses ${refused.join(" and ")}, naming it`, () => {
                for (const value of refused) {
                    expect(() => r.check(value), String(value)).to.throw(r.refusal);
                }
            });

            if (r.integer ?? true) {
                it(`refuses a fraction inside the range (${r.min + 0.5})`, () => {
                    expect(() => r.check(r.min + 0.5)).to.throw(r.refusal);
                });
            }
        });
    }
}
