import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { fenceCoordinates } from "../../components/dns-fence-coordinates";
import { AuditEntry } from "../../automation/driver/audit";
import { EndpointHealthSource } from "../../automation/driver/endpoint-health";
import { fenceCachePath, readFenceCache, updateFenceCache } from "../../automation/fence/cache";
import { RegionFenceClient } from "../../automation/fence/client";
import { fenceWorldOf } from "../../automation/fence/driver-world";
import { StackStatus } from "../../automation/driver/types";
import { ReadStatuses, withTypedOutputs, withTypedOutputsAll } from "../../automation/driver/stack-state";
import { applyFence, FenceNotConfirmedError, FenceWorld, HarmfulFenceError, NothingToFenceError, planFence, requireConfirmed } from "../../automation/fence/operation";
import { RegionName } from "../../foundation/posture";
import { sandboxFenceClient } from "../../sandbox/fence";
import { runMain } from "../support/run-main";

// The one fence operation, whichever path calls it: the emergency path (with and without a fence
// cache), `--from-stack` and the SDK (both: the deployed stacks → fenceWorldOf → planFence).

const coordinates = fenceCoordinates({ service: "sftp.sandbox.example.com" });

/** The message of the error a promise rejects with, checking its type; fails if it resolves. */
async function refusal(promise: Promise<unknown>, type: new (...args: never[]) => Error): Promise<string> {
    const err = await promise.then(
        () => expect.fail("expected a refusal"),
        (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(type);
    return (err as Error).message;
}

function health(states: Record<RegionName, "healthy" | "unhealthy" | "unknown">): EndpointHealthSource {
    return { endpointHealth: async (e) => ({ health: states[e.region], reasons: [] }) };
}

const endpoints = {
    primary: { region: "primary", awsRegion: "us-east-1", dnsName: "p.example.com", port: 22 },
    secondary: { region: "secondary", awsRegion: "us-west-2", dnsName: "s.example.com", port: 22 },
} as const;

/** The deployed stacks as the driver reads them (what the SDK and --from-stack hand the operation). */
function deployedStacks(weights: { primary: number; secondary: number }): ReadStatuses {
    const regional = (key: RegionName, awsRegion: string, dnsName: string): StackStatus => ({ key, name: key, config: {}, outputs: { region: awsRegion, endpointDnsName: dnsName, endpointPort: 22 } });
    return withTypedOutputsAll({
        primary: regional("primary", "us-east-1", "p.example.com"),
        secondary: regional("secondary", "us-west-2", "s.example.com"),
        dns: { key: "dns", name: "dns", config: {}, outputs: { fence: coordinates, weights, posture: "active-passive" } },
    });
}

describe("the fence operation (one home for every path)", () => {
    let dir: string;
    let store: RegionFenceClient & { alarmState: unknown };
    let audit: AuditEntry[];
    const sink = { checkWritable: async () => undefined, append: async (e: AuditEntry) => void audit.push(e) };
    const world = (extra: Partial<FenceWorld> = {}): FenceWorld => ({ coordinates, coordinatesFrom: "test", store, weights: { weights: { primary: 100, secondary: 0 }, from: "test" }, health: health({ primary: "healthy", secondary: "healthy" }), endpoints, ...extra });
    const points = () => (fs.existsSync(path.join(dir, "cw.json")) ? (JSON.parse(fs.readFileSync(path.join(dir, "cw.json"), "utf8")) as { points: unknown[] }).points.length : 0);

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "fence-operation-"));
        store = sandboxFenceClient(path.join(dir, "cw.json"));
        audit = [];
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("never fence both regions, from what the fence's own store says", () => {
        it("the SDK's and --from-stack's path (the deployed stacks through fenceWorldOf): refused, nothing published", async () => {
            await store.fence("primary", coordinates);
            const before = points();
            const message = await refusal(planFence({ region: "secondary", action: "fence" }, fenceWorldOf(deployedStacks({ primary: 100, secondary: 0 }), store, health({ primary: "healthy", secondary: "healthy" }))), Error);
            expect(message).to.match(/^primary is fenced \(read from CloudWatch .* in us-east-2\): fencing secondary too would leave no healthy record/);
            expect(points()).to.equal(before);
        });

        for (const withCache of [false, true]) {
            it(`the emergency path through the CLI ${withCache ? "with" : "without"} a fence cache: fence primary, then fence secondary is refused with exit 2 and nothing changed`, async () => {
                fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: "sftp-failover", runtime: "nodejs" }));
                fs.writeFileSync(path.join(dir, "Pulumi.dns.yaml"), stringify({ config: { "sftp-failover:role": "dns", "sftp-failover:recordName": "sftp.sandbox.example.com" } }));
                const journal = path.join(dir, ".failover");
                if (withCache) {
                    // The cache knows where the fence is and the weights, but no fence state: it never decides.
                    updateFenceCache(fenceCachePath(journal), "dns", { coordinates, coordinatesAt: new Date().toISOString(), weights: { primary: 100, secondary: 0 } });
                }
                const first = await runMain(["fence", "primary", "--sandbox", "--stack-dir", dir, "--yes", "--reason", "a"]);
                expect(first.status, first.stderr).to.equal(0);
                const fenceFile = path.join(journal, "sandbox-fence.json");
                const after = fs.readFileSync(fenceFile, "utf8");
                if (withCache) {
                    // Forget what this machine published: only the store may decide.
                    const cache = JSON.parse(fs.readFileSync(fenceCachePath(journal), "utf8"));
                    cache.stacks.dns.fence = {};
                    fs.writeFileSync(fenceCachePath(journal), JSON.stringify(cache));
                } else {
                    expect(readFenceCache(fenceCachePath(journal), "dns").entry, "no cache entry: coordinates came from the stack file").to.equal(undefined);
                }
                const second = await runMain(["fence", "secondary", "--sandbox", "--stack-dir", dir, "--yes", "--reason", "b"]);
                expect(second.status, second.stderr).to.equal(2);
                expect(second.stderr.trim().split("\n").at(-1)).to.match(/^error: primary is fenced \(read from CloudWatch .*\): fencing secondary too would leave no healthy record, and Route 53 would answer both; unfence primary first; nothing was changed$/);
                expect(fs.readFileSync(fenceFile, "utf8"), "no datapoint published").to.equal(after);
                const entries = fs.readFileSync(path.join(journal, "audit.jsonl"), "utf8").trim().split("\n");
                expect(entries).to.have.length(1);
            });
        }
    });

    describe("answer safety", () => {
        it("fencing the only healthy region is refused in one line naming the harm, and nothing is published", async () => {
            const message = await refusal(planFence({ region: "secondary", action: "fence" }, world({ health: health({ primary: "unhealthy", secondary: "healthy" }) })), HarmfulFenceError);
            expect(message).to.equal("fence secondary refused: primary's endpoint is unhealthy and would get 100 % of answers (now 0 %) (--force with --reason to do it anyway); nothing was changed");
            expect(points()).to.equal(0);
        });

        it("fencing the dead region is safe and says the answer in one line", async () => {
            const plan = await planFence({ region: "primary", action: "fence" }, world({ health: health({ primary: "unhealthy", secondary: "healthy" }) }));
            expect(plan.prediction?.verdict).to.equal("safe");
            expect(plan.confirm).to.deep.equal([]);
            expect(plan.summary).to.equal("Route 53 answers secondary 100 % now, secondary 100 % after (weights from test)");
        });

        it("--force needs a reason; forced, the audit entry says forced and why", async () => {
            const harmful = world({ health: health({ primary: "unhealthy", secondary: "healthy" }) });
            expect(await refusal(planFence({ region: "secondary", action: "fence", force: true }, harmful), Error)).to.match(/^--force needs --reason/);
            const plan = await planFence({ region: "secondary", action: "fence", force: true, reason: "drill", identity: "dana" }, harmful);
            expect(plan.confirm).to.include("forced past: primary's endpoint is unhealthy and would get 100 % of answers (now 0 %)");
            const outcome = await applyFence(plan, store, sink);
            expect(outcome.forced).to.match(/^primary's endpoint is unhealthy/);
            expect(audit).to.have.length(1);
            expect(audit[0]).to.deep.include({ operation: "fence", to: "secondary fenced", result: "ok", reason: "drill", identity: "dana", forced: outcome.forced, runId: outcome.runId });
        });

        it("unknown health: each case is listed and the plan needs confirming; without it nothing is published", async () => {
            const plan = await planFence({ region: "secondary", action: "fence" }, world({ health: undefined }));
            expect(plan.prediction?.verdict).to.equal("unknown");
            expect(plan.cases).to.have.length(4);
            expect(plan.warnings).to.include("no endpoint-health source: both endpoints count as unknown");
            expect(() => requireConfirmed(plan, false)).to.throw(FenceNotConfirmedError, /^fence secondary needs confirming \(primary endpoint and secondary endpoint are unknown\)/);
            expect(points()).to.equal(0);
            requireConfirmed(plan, true);
            await applyFence(plan, store, sink);
            expect(await store.state!("secondary", coordinates)).to.equal("fenced");
        });
    });

    describe("the store decides, and a read never skips a write", () => {
        it("fencing a region the store already says is fenced publishes again (the last word must win)", async () => {
            await store.fence("primary", coordinates);
            const before = points();
            const plan = await planFence({ region: "primary", action: "fence" }, world());
            await applyFence(plan, store, sink);
            expect(points()).to.be.greaterThan(before);
            expect(audit.map((e) => e.to)).to.deep.equal(["primary fenced"]);
        });

        it("after the stacks are destroyed there is nothing to fence: no dns outputs, or no alarm on the metric", async () => {
            const destroyed = { ...deployedStacks({ primary: 100, secondary: 0 }), dns: withTypedOutputs("dns", { key: "dns", name: "dns", config: {}, outputs: {} }) };
            expect(() => fenceWorldOf(destroyed, store, undefined)).to.throw(NothingToFenceError, /^nothing to fence: stack dns exports no fence coordinates/);
            const noAlarm: RegionFenceClient = { ...store, read: async () => ({ state: "unfenced", alarm: "absent" }) };
            expect(await refusal(planFence({ region: "primary", action: "fence" }, world({ store: noAlarm })), NothingToFenceError)).to.match(
                /^nothing to fence: no alarm watches the primary fence metric in CloudWatch .* \(is the dns stack deployed\?\); nothing was changed$/,
            );
        });

        it("after a teardown the sandbox CLI says there is nothing to fence, whatever a stale cache says (exit 2, nothing published)", async () => {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: "sftp-failover", runtime: "nodejs" }));
            const journal = path.join(dir, ".failover");
            // The cache from before the teardown: coordinates, weights, endpoints and a fence state.
            updateFenceCache(fenceCachePath(journal), "dns", {
                coordinates,
                coordinatesAt: new Date().toISOString(),
                weights: { primary: 100, secondary: 0 },
                endpoints,
                fence: { primary: { state: "unfenced", at: new Date().toISOString(), source: "read" } },
            });
            // The world after `destroy`: it exists, and no alarm is left in it.
            fs.mkdirSync(path.join(dir, "state", ".sandbox-world"), { recursive: true });
            const r = await runMain(["fence", "primary", "--sandbox", "--stack-dir", dir, "--backend", `file://${path.join(dir, "state")}`, "--yes", "--reason", "x"]);
            expect(r.status, r.stderr).to.equal(2);
            expect(r.stderr.trim().split("\n").at(-1)).to.match(/^error: nothing to fence: no alarm watches the primary fence metric in CloudWatch .* \(is the dns stack deployed\?\); nothing was changed$/);
            expect(r.stdout).to.not.match(/fenced/);
            expect(fs.existsSync(path.join(journal, "sandbox-fence.json"))).to.equal(false);
        });

        it("a failed publish is audited as failed with one run id", async () => {
            const broken: RegionFenceClient = { ...store, fence: () => Promise.reject(new Error("throttled")) };
            const plan = await planFence({ region: "primary", action: "fence" }, world({ store: broken }));
            expect(await refusal(applyFence(plan, broken, sink), Error)).to.equal("fence primary failed: throttled");
            expect(audit).to.have.length(1);
            expect(audit[0]).to.deep.include({ result: "failed", error: "throttled" });
            expect(audit[0].runId).to.match(/^\d{8}T\d{6}-[0-9a-f]{6}$/);
        });
    });
});
