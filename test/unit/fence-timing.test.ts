import { expect } from "chai";
import { fenceEffectSeconds } from "../../components/fence-timing";

// Both fences' effect time: the alarm fence waits for its minute and the alarm's evaluation; an
// S3-object fence for the checkers' interval × threshold; both then for the record caches.

describe("fence effect time (pure)", () => {
    it("models the alarm fence at a period, an evaluation and the alias cache: 3 minutes with the defaults", () => {
        expect(fenceEffectSeconds({ requestInterval: 10, failureThreshold: 3 }, 60, true)).to.deep.equal({ alarm: 180, s3Object: 90 });
    });

    it("never lets a TTL below 60 s shorten an alias's cache", () => {
        expect(fenceEffectSeconds({ requestInterval: 10, failureThreshold: 1 }, 0, true)).to.deep.equal({ alarm: 180, s3Object: 70 });
    });

    it("takes a CNAME's own TTL, and the slow interval", () => {
        expect(fenceEffectSeconds({ requestInterval: 30, failureThreshold: 3 }, 30, false)).to.deep.equal({ alarm: 150, s3Object: 120 });
    });
});
