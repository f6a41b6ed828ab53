import { expect } from "chai";
import { postureSpec } from "../../foundation/posture";
import { regionThatMustServe, standbyOf } from "../../automation/driver/standby-capacity";
import { bootSeconds, describeServePath, healthCheckSeconds, launchHookSeconds, launchSeconds, timeToServe, warmStartSeconds } from "../../automation/time-to-serve";
import { RegionCapacitySettings } from "../../components/capacity";

// The time-to-serve model: its parts, which path a config takes, what a too-small pool does, and
// what each path costs — pure, from the region's exported capacity settings.

const settings: RegionCapacitySettings = { instanceType: "t3.small", capacity: { min: 2, desired: 2, max: 4, pilotLight: 1 } };

describe("time to serve of the region that must serve", () => {
    it("a cold start is launch + boot + the load balancer's checks (3 × 10 s); a warm start is AWS's 30 s + the launch hook's completion + the same checks; already active is 0", () => {
        expect(healthCheckSeconds).to.equal(30);
        const t = timeToServe("secondary", settings);
        expect(t.paths.map((p) => [p.path, p.seconds, p.parts])).to.deep.equal([
            ["cold-start", launchSeconds + bootSeconds + 30, { launch: launchSeconds, boot: bootSeconds, healthChecks: 30 }],
            ["warm-pool", warmStartSeconds + launchHookSeconds + 30, { start: 30, launchHook: 5, healthChecks: 30 }],
            ["already-active", 0, {}],
        ]);
        expect(t.paths[0].seconds).to.equal(210);
        expect(t).to.include({ region: "secondary", pilotLight: 1, activeSize: 2, configured: "cold-start", estimate: true });
    });

    it("prices each path: the pilot light, plus the pool's stopped volumes, or the whole active size running", () => {
        const [cold, warm, active] = timeToServe("secondary", settings).paths;
        // t3.small $0.0208/h × 730 h; a 16 GiB gp3 root volume at $0.08/GB-month is $1.28.
        expect(cold.monthlyUsd).to.equal(16.46);
        expect(warm.monthlyUsd).to.equal(17.74);
        expect(warm.warmInstances).to.equal(1);
        expect(warm.note).to.equal("not configured; warmPool: { minSize: 1 } would hold them");
        expect(active.monthlyUsd).to.equal(32.93);
    });

    it("a configured pool is the configured path, sized as AWS sizes it (max less desired, here 3 stopped)", () => {
        const t = timeToServe("secondary", { ...settings, warmPool: { minSize: 1 } });
        expect(t.configured).to.equal("warm-pool");
        expect(t.paths[1]).to.deep.include({ seconds: 65, warmInstances: 3, monthlyUsd: 20.3 });
        expect(t.paths[1].note).to.equal(undefined);
    });

    it("a pool one instance short of what must be added is as slow as a cold start, and says so", () => {
        const big = { ...settings, capacity: { min: 3, desired: 3, max: 4, pilotLight: 1 } };
        const exact = timeToServe("secondary", { ...big, warmPool: { minSize: 2, maxGroupPreparedCapacity: 3 } }).paths[1];
        expect(exact).to.deep.include({ seconds: 65, warmInstances: 2 });
        const short = timeToServe("secondary", { ...big, warmPool: { minSize: 1, maxGroupPreparedCapacity: 2 } }).paths[1];
        // The cold launches wait on the pool's launch hook too: 5 s beyond a cold start without one.
        expect(short).to.deep.include({ seconds: 215, warmInstances: 1, note: "the pool holds 1 of the 2 instance(s) to add; the rest launch cold" });
    });

    it("a pilot light already at the active size waits for nothing, and an unknown instance type has no price", () => {
        const t = timeToServe("secondary", { instanceType: "x9.huge", capacity: { min: 1, desired: 1, max: 2, pilotLight: 1 } });
        expect(t.paths.map((p) => p.seconds)).to.deep.equal([0, 0]);
        expect(t.paths.every((p) => p.monthlyUsd === undefined)).to.equal(true);
        expect(describeServePath(t.paths[1])).to.equal("already-active: about 0 s, cost unknown (no price for the instance type)");
    });

    it("describes a path with its parts, cost and pool", () => {
        const warm = timeToServe("secondary", { ...settings, warmPool: { minSize: 1 } }).paths[1];
        expect(describeServePath(warm)).to.equal("warm-pool: about 65 s (start 30 + launchHook 5 + healthChecks 30), $20.30/month, 3 stopped");
    });

    it("the region that must serve: the one a plan scales up to active, else the target's standby, else none", () => {
        expect(regionThatMustServe(postureSpec("failover"), { primary: "active", secondary: "pilot-light" })).to.equal("secondary");
        expect(regionThatMustServe(postureSpec("active-passive"), { primary: "drained", secondary: "active" })).to.equal("primary");
        expect(regionThatMustServe(postureSpec("active-passive"), { primary: "active", secondary: "pilot-light" })).to.equal("secondary");
        expect(regionThatMustServe(postureSpec("active-active"), { primary: "active", secondary: "active" })).to.equal(undefined);
        expect(standbyOf({ primary: 255, secondary: 0 })).to.equal("secondary");
        expect(standbyOf(undefined)).to.equal(undefined);
    });
});
