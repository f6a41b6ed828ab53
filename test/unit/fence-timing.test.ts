import { expect } from "chai";
import { describeFenceEffect, fenceEffectSeconds } from "../../components/fence-timing";

// The alarm fence's effect time is an estimate made of parts: the period closing, CloudWatch's
// evaluation, the health checks following, the record caches; an unfence that had to stamp the
// next period waits one period more. No S3-object figure: no stack deploys that fence.

describe("fence effect time (pure)", () => {
    it("sums the parts with the defaults (10 s × 3, alias): 210 s for a fence, 270 s for an unfence that waits a period", () => {
        const e = fenceEffectSeconds({ requestInterval: 10, failureThreshold: 3 }, 60, true);
        expect(e).to.deep.equal({ alarm: 210, unfence: 270, parts: { period: 60, nextPeriod: 60, evaluation: 60, healthCheck: 30, cache: 60 } });
        expect(describeFenceEffect(e)).to.equal(
            "about 210 s, an estimate (alarm period ≤ 60 s + evaluation ~60 s + health checks 30 s + cache 60 s; an unfence up to 60 s more)",
        );
        expect(describeFenceEffect(e)).to.not.match(/worst|S3/);
    });

    it("never lets a TTL below 60 s shorten an alias's cache", () => {
        expect(fenceEffectSeconds({ requestInterval: 10, failureThreshold: 1 }, 0, true).parts.cache).to.equal(60);
    });

    it("takes a CNAME's own TTL, and the slow interval", () => {
        const e = fenceEffectSeconds({ requestInterval: 30, failureThreshold: 3 }, 30, false);
        expect(e.parts).to.include({ healthCheck: 90, cache: 30 });
        expect(e.alarm).to.equal(60 + 60 + 90 + 30);
    });
});
