import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { FenceCoordinates, fenceCoordinates } from "../../components/dns-fence-coordinates";
import { readDnsStackFile } from "../../automation/driver/dns-stack-file";
import { BadInputError, FailoverError } from "../../automation/driver/errors";
import { fenceCacheAfterSwitch, fenceCacheFromStatus, fenceCachePath, readFenceCache, updateFenceCache } from "../../automation/fence/cache";
import { RegionFenceClient } from "../../automation/fence/client";
import { applyEmergencyFence, EmergencyFenceOptions, planEmergencyFence } from "../../automation/fence/emergency";
import { sandboxFenceClient } from "../../sandbox/fence";

const now = new Date("2026-11-30T12:00:00.000Z");

/** The message of the error a promise rejects with (of `type` when given); fails if it resolves. */
async function failure(promise: Promise<unknown>, type: new (...args: never[]) => Error = Error): Promise<string> {
    try {
        await promise;
    } catch (err) {
        expect(err).to.be.instanceOf(type);
        return (err as Error).message;
    }
    expect.fail("expected a rejection");
}
const deployed = fenceCoordinates({ service: "sftp.sandbox.example.com" });
const elsewhere = fenceCoordinates({ service: "sftp.sandbox.example.com", region: "ca-central-1" });

describe("emergency fence: coordinates from the fence cache or the dns stack file, decisions from the fence's own store", () => {
    let dir: string;
    let journalDir: string;
    let calls: { region: string; coordinates: FenceCoordinates; action: string }[];
    /** The sandbox's model of CloudWatch, recording each publish. */
    let store: RegionFenceClient;

    function writeStackFile(config: Record<string, unknown>): void {
        fs.writeFileSync(path.join(dir, "Pulumi.dns.yaml"), stringify({ config: { "sftp-failover:role": "dns", "sftp-failover:recordName": "sftp.sandbox.example.com", ...config } }));
    }
    const options = (extra: Partial<EmergencyFenceOptions> = {}): EmergencyFenceOptions => ({ journalDir, projectDir: dir, store, now: () => now, identity: "dana", ...extra });
    const cacheFile = () => fenceCachePath(journalDir);

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "emergency-fence-"));
        journalDir = path.join(dir, ".failover");
        calls = [];
        const model = sandboxFenceClient(path.join(dir, "cloudwatch.json"), { now: () => now });
        store = {
            ...model,
            async fence(region, coordinates) {
                calls.push({ region, coordinates, action: "fence" });
                await model.fence(region, coordinates);
            },
            async unfence(region, coordinates) {
                calls.push({ region, coordinates, action: "unfence" });
                await model.unfence(region, coordinates);
            },
        };
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("the fence cache", () => {
        it("reads back what was written, and merges fence states region by region", () => {
            updateFenceCache(cacheFile(), "dns", { coordinates: deployed, coordinatesAt: now.toISOString(), weights: { primary: 100, secondary: 0 }, posture: "active-passive" });
            updateFenceCache(cacheFile(), "dns", { fence: { primary: { state: "fenced", at: now.toISOString(), source: "published" } } });
            updateFenceCache(cacheFile(), "dns", { fence: { secondary: { state: "unfenced", at: now.toISOString(), source: "read" } } });
            const read = readFenceCache(cacheFile(), "dns");
            expect(read.entry?.coordinates).to.deep.equal(deployed);
            expect(read.entry?.weights).to.deep.equal({ primary: 100, secondary: 0 });
            expect(read.entry?.fence).to.deep.equal({
                primary: { state: "fenced", at: now.toISOString(), source: "published" },
                secondary: { state: "unfenced", at: now.toISOString(), source: "read" },
            });
            expect(readFenceCache(cacheFile(), "other-dns")).to.deep.equal({});
        });

        it("creates no entry from a fence state alone (it would have no coordinates)", () => {
            updateFenceCache(cacheFile(), "dns", { fence: { primary: { state: "fenced", at: now.toISOString(), source: "published" } } });
            expect(fs.existsSync(cacheFile())).to.equal(false);
        });

        it("a corrupt or malformed cache reads as no entry, with the problem named", () => {
            fs.mkdirSync(journalDir);
            fs.writeFileSync(cacheFile(), "{not json");
            expect(readFenceCache(cacheFile(), "dns")).to.deep.equal({ problem: `${cacheFile()} is not JSON` });
            fs.writeFileSync(cacheFile(), JSON.stringify({ version: 1, stacks: { dns: { coordinates: { region: "us-east-2" }, coordinatesAt: now.toISOString() } } }));
            expect(readFenceCache(cacheFile(), "dns").problem).to.match(/coordinates need region, namespace and metricName/);
        });

        it("status caches the deployed coordinates, weights and decided fence states, never an unknown one", () => {
            const update = fenceCacheFromStatus(deployed, { posture: "failover", weights: { primary: 0, secondary: 100 } }, now, { primary: "fenced", secondary: "unknown" });
            expect(update).to.deep.equal({
                coordinates: deployed,
                coordinatesAt: now.toISOString(),
                weights: { primary: 0, secondary: 100 },
                weightsAt: now.toISOString(),
                posture: "failover",
                fence: { primary: { state: "fenced", at: now.toISOString(), source: "read" } },
            });
            expect(fenceCacheFromStatus(undefined, undefined, now), "no dns stack deployed: nothing to cache").to.equal(undefined);
        });

        it("a switch caches the weights it deployed and the regions it fenced; one whose DNS step did not run changes no weights", () => {
            const step = (status: "done" | "skipped" | "fenced" | "failed") => ({ id: "dns", stack: "dns" as const, description: "switch DNS", status, durationMs: 1 });
            const base = { runId: "r", remaining: [], durationMs: 1, from: "active-passive" as const };
            expect(fenceCacheAfterSwitch({ ...base, status: "ok", to: "failover", steps: [step("done")], fenced: [] }, undefined, now)).to.deep.equal({
                weights: { primary: 0, secondary: 100 },
                posture: "failover",
                weightsAt: now.toISOString(),
            });
            expect(fenceCacheAfterSwitch({ ...base, status: "degraded", to: "failover", steps: [step("fenced")], fenced: ["primary"] }, undefined, now)).to.deep.equal({
                fence: { primary: { state: "fenced", at: now.toISOString(), source: "published" } },
            });
            // Active-active without explicit weights used the stack's own: unknown here, so dropped rather than left wrong.
            const aa = fenceCacheAfterSwitch({ ...base, status: "ok", to: "active-active", steps: [step("done")], fenced: [] }, undefined, now);
            expect(aa).to.have.property("weights", undefined);
        });
    });

    describe("the dns stack file", () => {
        it("gives the coordinates of the program's function, and the configured posture's weights", async () => {
            writeStackFile({ "sftp-failover:fenceRegion": "ca-central-1", "sftp-failover:posture": "active-active", "sftp-failover:activeActiveWeights": { primary: 70, secondary: 30 } });
            const facts = await readDnsStackFile(dir, "organization/sftp-failover/dns");
            expect(facts.coordinates).to.deep.equal(elsewhere);
            expect(facts.weights).to.deep.equal({ primary: 70, secondary: 30 });
        });

        it("refuses a secret fence key, a stack of another role and a missing file, naming the file and key", async () => {
            writeStackFile({ "sftp-failover:fenceRegion": { secure: "AAAB" } });
            expect(await failure(readDnsStackFile(dir, "dns"))).to.match(/Pulumi\.dns\.yaml: sftp-failover:fenceRegion must be a plain string to derive the fence \(got a map\)$/);
            writeStackFile({ "sftp-failover:role": "regional" });
            expect(await failure(readDnsStackFile(dir, "dns"))).to.match(/sftp-failover:role is "regional", not dns$/);
            expect(await failure(readDnsStackFile(dir, "nowhere"))).to.match(/Pulumi\.nowhere\.yaml does not exist$/);
        });
    });

    describe("planning", () => {
        it("the cache wins over the stack file, and the plan warns when the stack file was edited after the cache was written", async () => {
            const tenMinutesAgo = new Date(now.getTime() - 600_000);
            writeStackFile({ "sftp-failover:fenceRegion": "ca-central-1" });
            updateFenceCache(cacheFile(), "dns", { coordinates: deployed, coordinatesAt: tenMinutesAgo.toISOString(), weights: { primary: 100, secondary: 0 } });
            const stackFile = path.join(dir, "Pulumi.dns.yaml");
            fs.utimesSync(stackFile, tenMinutesAgo, new Date(tenMinutesAgo.getTime() - 1000));
            const plan = await planEmergencyFence("primary", "fence", options());
            expect(plan.operation.coordinates).to.deep.equal(deployed);
            expect(plan.coordinatesFrom).to.deep.include({ source: "cache", age: "10 min old" });
            expect(plan.warnings.filter((w) => /edited/.test(w)), "a stack file older than the cache").to.deep.equal([]);
            expect(plan.operation.summary).to.match(/\(weights from cached weights 100\/0, 10 min old\)$/);

            fs.utimesSync(stackFile, now, now);
            const edited = await planEmergencyFence("primary", "fence", options());
            expect(edited.operation.coordinates, "still the cached coordinates").to.deep.equal(deployed);
            expect(edited.warnings).to.include.members([
                `${stackFile} was edited after the deployed stack was last read (10 min old): if its fence settings changed and were deployed, the cached coordinates are stale (run \`status\` to refresh them, or fence with --from-stack)`,
            ]);
        });

        it("without a cache the stack file is used, and the plan says its coordinates were not read from the deployed stack", async () => {
            writeStackFile({ "sftp-failover:posture": "failover" });
            const plan = await planEmergencyFence("primary", "fence", options());
            expect(plan.operation.coordinates).to.deep.equal(deployed);
            expect(plan.coordinatesFrom.source).to.equal("stack-file");
            expect(plan.warnings[0]).to.match(/^no fence cache in .*: fence coordinates derived from .*Pulumi\.dns\.yaml, not read from the deployed stack$/);
            // Without a cache there are no endpoints, so their health is unknown: the operator is asked.
            expect(plan.operation.readings.endpoint).to.deep.equal({ primary: "unknown", secondary: "unknown" });
            expect(plan.operation.confirm[0]).to.equal("primary endpoint and secondary endpoint are unknown");
        });

        it("with neither source it refuses in one line saying how to get one", async () => {
            expect(await failure(planEmergencyFence("primary", "fence", options()), BadInputError)).to.match(/^no fence coordinates for stack dns: no cache in .* and .*Pulumi\.dns\.yaml does not exist \(run `status` once while the backend is reachable, or give --stack-dir with the dns stack file\); nothing was changed$/);
        });

        it("refuses to fence the last unfenced region from what the fence's store says, with no cache at all", async () => {
            writeStackFile({});
            await store.fence("secondary", deployed);
            expect(fs.existsSync(cacheFile()), "no fence cache").to.equal(false);
            expect(await failure(planEmergencyFence("primary", "fence", options()), BadInputError)).to.match(
                /^secondary is fenced \(read from CloudWatch SftpFailover\/Fence\/RegionEnabled in us-east-2\): fencing primary too would leave no healthy record/,
            );
            // Lifting a fence is never refused for this rule.
            expect((await planEmergencyFence("secondary", "unfence", options())).operation.action).to.equal("unfence");
        });

        it("a cache that says the other region is fenced does not decide: the store says it is not", async () => {
            updateFenceCache(cacheFile(), "dns", { coordinates: deployed, fence: { secondary: { state: "fenced", at: new Date(now.getTime() - 30_000).toISOString(), source: "published" } } });
            expect((await planEmergencyFence("primary", "fence", options())).operation.readings.fence).to.deep.equal({ primary: "unfenced", secondary: "unfenced" });
        });

        it("a fence that cannot be read counts as unknown, is said, and must be confirmed (never taken as unfenced)", async () => {
            writeStackFile({});
            const unreadable: RegionFenceClient = { ...store, read: () => Promise.reject(new Error("connect ECONNREFUSED")), state: () => Promise.reject(new Error("connect ECONNREFUSED")) };
            const plan = await planEmergencyFence("primary", "fence", options({ store: unreadable }));
            expect(plan.operation.readings.fence).to.deep.equal({ primary: "unknown", secondary: "unknown" });
            expect(plan.warnings.some((w) => /the secondary fence could not be read .*connect ECONNREFUSED.*: it counts as unknown/.test(w))).to.equal(true);
            expect(plan.operation.confirm.join("; ")).to.match(/primary fence and secondary fence are unknown|unknown/);
        });

        it("refuses a reason or identity with control characters before anything, naming it", async () => {
            writeStackFile({});
            expect(await failure(planEmergencyFence("primary", "fence", options({ reason: "x\ny" })), BadInputError)).to.equal('reason must not contain control characters such as newlines or escapes (got "x\\ny")');
            expect(await failure(planEmergencyFence("primary", "fence", options({ identity: "a\u001b[2Jb" })), BadInputError)).to.match(/^identity must not contain control characters/);
        });

        it("refuses an unknown region", async () => {
            expect(await failure(planEmergencyFence("moon", "fence", options()), BadInputError)).to.match(/^unknown region "moon" \(valid: primary, secondary\)$/);
        });
    });

    describe("publishing", () => {
        it("publishes once through the store with the plan's coordinates, audits it and caches the new state", async () => {
            updateFenceCache(cacheFile(), "dns", { coordinates: deployed, coordinatesAt: now.toISOString() });
            const plan = await planEmergencyFence("primary", "fence", options({ reason: "us-east-1 down" }));
            const result = await applyEmergencyFence(plan, options({ reason: "us-east-1 down" }));
            expect(calls).to.deep.equal([{ region: "primary", coordinates: deployed, action: "fence" }]);
            expect(result).to.deep.include({ region: "primary", state: "fenced", changed: true, coordinatesFrom: "cache" });
            const audit = fs.readFileSync(path.join(journalDir, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
            expect(audit).to.have.length(1);
            expect(audit[0]).to.deep.include({ identity: "dana", operation: "fence", to: "primary fenced", result: "ok", reason: "us-east-1 down" });
            expect(readFenceCache(cacheFile(), "dns").entry?.fence?.primary).to.deep.equal({ state: "fenced", at: now.toISOString(), source: "published" });
        });

        it("never puts coordinates derived from the stack file into the cache (the cache holds what was deployed)", async () => {
            writeStackFile({});
            await applyEmergencyFence(await planEmergencyFence("primary", "fence", options()), options());
            expect(calls).to.have.length(1);
            expect(readFenceCache(cacheFile(), "dns")).to.deep.equal({});
        });

        it("a refused call is audited as failed and raised as FailoverError with the SDK error as cause", async () => {
            writeStackFile({});
            const sdkError = new Error("connect ECONNREFUSED 127.0.0.1:9");
            const failing: RegionFenceClient = {
                ...store,
                fence: () => Promise.reject(sdkError),
            };
            const plan = await planEmergencyFence("primary", "fence", options());
            let error: unknown;
            await applyEmergencyFence(plan, options({ store: failing })).catch((e: unknown) => (error = e));
            expect(error).to.be.instanceOf(FailoverError);
            expect((error as Error).cause).to.equal(sdkError);
            const audit = JSON.parse(fs.readFileSync(path.join(journalDir, "audit.jsonl"), "utf8").trim());
            expect(audit).to.deep.include({ operation: "fence", result: "failed", error: "connect ECONNREFUSED 127.0.0.1:9" });
        });

        it("an audit log that cannot be written refuses before the call", async () => {
            writeStackFile({});
            fs.mkdirSync(path.join(journalDir, "audit.jsonl"), { recursive: true });
            const plan = await planEmergencyFence("primary", "fence", options());
            let error: unknown;
            await applyEmergencyFence(plan, options()).catch((e: unknown) => (error = e));
            expect(error).to.be.instanceOf(BadInputError);
            expect((error as Error).message).to.match(/^audit log .*audit\.jsonl cannot be written \(not a regular file\); nothing was changed$/);
            expect(calls).to.deep.equal([]);
        });
    });
});
