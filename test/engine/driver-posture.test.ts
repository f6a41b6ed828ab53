import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { FailoverController } from "../../automation/driver/controller";
import { engineChildren } from "../../automation/driver/engine-process";
import { LockedError, SwitchStoppedError } from "../../automation/driver/errors";
import { RegionFenceClient } from "../../automation/fence/client";
import { Journal } from "../../automation/driver/journal";
import { RegionName } from "../../foundation/posture";
import { Lab } from "../../sandbox/lab";
import { sandboxOpenSessions, setModelledOpenSessions } from "../../sandbox/open-sessions";
import { deployedLab } from "../support/deployed-lab";
import { changesSince as recordedChangesSince, OperationRecord, readRecords } from "../../sandbox/recorder";

// The driver against the real engine and the sandbox provider, on a throwaway copy of the project
// with its own state: the three stacks are deployed once (active-passive), then switched around.
// The tests run in order; each starts from the posture the previous one left.

const root = path.resolve(__dirname, "..", "..");

/** The fence stands in for CloudWatch (the fence call itself is tested against moto elsewhere); it records each call. */
class RecordingFence implements RegionFenceClient {
    readonly calls: { action: string; region: RegionName; namespace: string }[] = [];
    /** What a read of the fence says: a fence stays until it is lifted, as the alarm's does. */
    private readonly fenced = new Set<RegionName>();
    async fence(region: RegionName, c: FenceCoordinates): Promise<void> {
        this.calls.push({ action: "fence", region, namespace: c.namespace });
        this.fenced.add(region);
    }
    async unfence(region: RegionName, c: FenceCoordinates): Promise<void> {
        this.calls.push({ action: "unfence", region, namespace: c.namespace });
        this.fenced.delete(region);
    }
    async state(region: RegionName): Promise<"fenced" | "unfenced"> {
        return this.fenced.has(region) ? "fenced" : "unfenced";
    }
}

/** Resource operations that changed something in the sandbox cloud since `index`. */
function changesSince(lab: Lab, index: number): OperationRecord[] {
    return recordedChangesSince(lab.recordFile, index);
}

function describeOp(r: OperationRecord): string {
    return `${r.op} ${r.type} ${r.region}`;
}

function writeFaults(lab: Lab, faults: unknown): void {
    // Atomically, as the sandbox asks: it rereads the file on every operation.
    const tmp = `${lab.faultFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(faults));
    fs.renameSync(tmp, lab.faultFile);
}

describe("driver against the real engine (sandbox)", function () {
    let lab: Lab;
    let journalDir: string;
    let fence: RecordingFence;
    let controller: FailoverController;

    const create = (identity: string) =>
        // Endpoint health from the lab's reachability model (with the lab's faults), so each switch's
        // answer is predicted from known health; the lab has no canary, so a switch whose gate runs
        // ends unverified.
        FailoverController.create({ engine: lab.env, journalDir, fence, identity, endpointHealth: lab.endpointHealth, timeouts: { stepMs: 240_000, cancelGraceMs: 10_000 } });

    before(async function () {
        const copy = await deployedLab();
        lab = copy.lab;
        journalDir = path.join(lab.dir, ".failover");
        expect(copy.deployed.status).to.equal("bootstrapped");
        fence = new RecordingFence();
        controller = await create("alice");
    });

    after(function () {
        lab?.remove();
    });

    it("status reports the deployed posture, weights, capacity and the serving region", async function () {
        const status = await controller.status();
        expect(status.posture).to.equal("active-passive");
        expect(status.weights).to.deep.equal({ primary: 100, secondary: 0 });
        expect(status.capacity).to.deep.equal({ primary: "active", secondary: "pilot-light" });
        expect(status.serving).to.equal("primary");
        expect(status.lock).to.equal(undefined);
        expect(status.stacks.dns.lastUpdate?.result).to.equal("succeeded");
    });

    it("plan previews exactly what the switch will change, without touching the stack files", async function () {
        const files = ["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.dns.yaml"].map((f) => fs.readFileSync(path.join(lab.dir, f), "utf8"));
        const plan = await controller.plan("failover");
        expect(plan.steps.filter((s) => !s.skip).map((s) => s.id)).to.deep.equal(["before-dns:secondary", "dns:dns", "after-dns:primary"]);
        const byStep = Object.fromEntries(plan.previews.map((p) => [p.step, p]));
        for (const preview of plan.previews) {
            expect(preview.error, preview.step).to.equal(undefined);
        }
        expect(byStep["before-dns:secondary"].changes.map((c) => c.op)).to.deep.equal(["update"]);
        expect(byStep["dns:dns"].changes.map((c) => `${c.op} ${c.urn.split("::").pop()}`)).to.have.members(["update sftp-primary-a", "update sftp-secondary-a"]);
        expect(byStep["after-dns:primary"].changes.map((c) => c.op)).to.deep.equal(["update"]);
        expect(plan.modelledRtoSeconds).to.equal(90);
        expect(plan.costs.map((c) => c.posture)).to.deep.equal(["active-active", "active-passive", "failover"]);
        expect(plan.costs.every((c) => c.estimate)).to.equal(true);
        expect(["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.dns.yaml"].map((f) => fs.readFileSync(path.join(lab.dir, f), "utf8"))).to.deep.equal(files);
    });

    it("active-passive → failover scales the secondary up, switches DNS, then drains the primary, changing only those resources", async function () {
        const before = readRecords(lab.recordFile).length;
        const result = await controller.setPosture("failover", { reason: "engine test: primary maintenance" });
        expect(result.status).to.equal("unverified");
        expect(result.answer?.verdict).to.equal("safe");
        expect(result.verification?.results.map((r) => r.region), "the gate picked the secondary").to.deep.equal(["secondary"]);
        expect(result.from).to.equal("active-passive");
        expect(result.steps.map((s) => `${s.id} ${s.status}`)).to.deep.equal(["before-dns:secondary done", "dns:dns done", "after-dns:primary done"]);
        const ops = changesSince(lab, before).map(describeOp);
        // In order: the secondary's ASG, the two records, the primary's ASG — nothing else anywhere.
        expect(ops).to.deep.equal([
            "update aws:autoscaling/group:Group us-west-2",
            "update aws:route53/record:Record us-east-1",
            "update aws:route53/record:Record us-east-1",
            "update aws:autoscaling/group:Group us-east-1",
        ]);
        const status = await controller.status();
        expect(status.posture).to.equal("failover");
        expect(status.capacity).to.deep.equal({ primary: "drained", secondary: "active" });
        expect(status.serving).to.equal("secondary");
        const history = await controller.history();
        expect(history).to.have.length(1);
        expect(history[0]).to.include({ identity: "alice", operation: "failover", from: "active-passive", to: "failover", result: "unverified", reason: "engine test: primary maintenance" });
    });

    it("a second identical switch changes nothing and records nothing", async function () {
        const before = readRecords(lab.recordFile).length;
        const result = await controller.setPosture("failover", { reason: "again" });
        expect(result.status).to.equal("unchanged");
        expect(result.steps.every((s) => s.status === "skipped")).to.equal(true);
        expect(changesSince(lab, before)).to.deep.equal([]);
        expect(await controller.history()).to.have.length(1);
    });

    it("an unreachable secondary while going back to active-passive is fenced, DNS still switches, and the result is degraded", async function () {
        writeFaults(lab, { regions: { "us-west-2": "fail" } });
        let result;
        try {
            result = await controller.setPosture("active-passive", { reason: "secondary region outage" });
        } finally {
            writeFaults(lab, {});
        }
        expect(result.status).to.equal("degraded");
        expect(result.steps.map((s) => `${s.id} ${s.status}`)).to.deep.equal(["before-dns:primary done", "dns:dns done", "after-dns:secondary fenced"]);
        expect(result.fenced).to.deep.equal(["secondary"]);
        expect(result.remaining).to.have.length(1);
        expect(result.remaining[0]).to.contain("scale secondary active → pilot-light");
        expect(fence.calls).to.deep.equal([{ action: "fence", region: "secondary", namespace: "SftpFailover/Fence" }]);
        const status = await controller.status();
        expect(status.posture).to.equal("active-passive");
        expect(status.serving).to.equal("primary");
        expect(status.capacity).to.deep.equal({ primary: "active", secondary: "active" });
        expect((await controller.history()).pop()).to.include({ result: "degraded", to: "active-passive" });

        // The region is back: the same command finishes the one remaining step.
        const again = await controller.setPosture("active-passive", { reason: "secondary back" });
        expect(again.status).to.equal("ok");
        expect(again.steps.filter((s) => s.status === "done").map((s) => s.id)).to.deep.equal(["after-dns:secondary"]);
        expect((await controller.status()).capacity).to.deep.equal({ primary: "active", secondary: "pilot-light" });
    });

    it("a step that hangs past its timeout is stopped, its region fenced, and the switch completes degraded", async function () {
        // From active-passive to active-active the secondary must scale up; it hangs instead.
        fence.calls.length = 0;
        writeFaults(lab, { regions: { "us-west-2": "hang" } });
        let result;
        try {
            // The budget covers every step, so it must hold a healthy DNS step on a busy runner too.
            result = await controller.setPosture("active-active", { stepTimeoutMs: 60_000 });
            // The stopped step's engine may still be winding down; lifted now, the hang would let
            // its update finish and scale the secondary after all (as a region that comes back
            // would). The rest of the test is about a step that never ran, so wait for it to go.
            const deadline = Date.now() + 120_000;
            while (engineChildren("up", "secondary").length > 0 && Date.now() < deadline) {
                await new Promise((r) => setTimeout(r, 100));
            }
            expect(engineChildren("up", "secondary"), "the stopped step's engine exited").to.deep.equal([]);
        } finally {
            writeFaults(lab, {});
        }
        expect(result.status).to.equal("degraded");
        expect(result.steps.map((s) => `${s.id} ${s.status}`)).to.deep.equal(["before-dns:primary skipped", "before-dns:secondary fenced", "dns:dns done"]);
        expect(result.steps[1].error).to.match(/did not finish within 60000 ms/);
        expect(fence.calls).to.deep.equal([{ action: "fence", region: "secondary", namespace: "SftpFailover/Fence" }]);
        expect((await controller.status()).posture).to.equal("active-active");
        // Back to active-passive once the region answers: the secondary was never scaled, so only DNS
        // changes, and the secondary's config no longer asks for the capacity the stopped step set.
        const back = await controller.setPosture("active-passive");
        expect(back.status, "the gate ran for the primary, which has no canary").to.equal("unverified");
        expect(back.steps.filter((s) => s.status === "done").map((s) => s.id)).to.deep.equal(["dns:dns"]);
        const status = await controller.status();
        expect(status.capacity).to.deep.equal({ primary: "active", secondary: "pilot-light" });
        expect(status.stacks.secondary.config["sftp-failover:capacityMode"]).to.equal("pilot-light");
    });

    it("two concurrent switches: one proceeds, the other gets a LockedError naming the holder", async function () {
        const bob = await create("bob");
        const outcomes = await Promise.allSettled([controller.setPosture("active-active"), bob.setPosture("active-active")]);
        const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
        const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
        expect(fulfilled).to.have.length(1);
        expect(rejected).to.have.length(1);
        expect(rejected[0].reason).to.be.instanceOf(LockedError);
        const winner = outcomes[0].status === "fulfilled" ? "alice" : "bob";
        expect((rejected[0].reason as LockedError).holder?.identity).to.equal(winner);
        expect((rejected[0].reason as Error).message).to.match(new RegExp(`^locked by ${winner} on `));
        expect((await controller.status()).posture).to.equal("active-active");
        // Waiting instead: the second operator gets the lock afterwards and finds nothing left to do.
        const [first, second] = await Promise.all([controller.setPosture("active-passive"), bob.setPosture("active-passive", { waitMs: 300_000 })]);
        expect([first.status, second.status].sort()).to.deep.equal(["unchanged", "unverified"]);
    });

    it("a switch killed mid-up (kill -9) is resumed by the next run, converges, and is audited once", async function () {
        const auditBefore = (await controller.history()).length;
        const journal = new Journal(path.join(journalDir, "journal.jsonl"));
        const runsBefore = journal.runs().length;
        const child = spawn(
            process.execPath,
            [
                "-r", "ts-node/register/transpile-only", path.join(root, "automation/cli/bin.ts"),
                "failover", "--yes", "--reason", "kill test", "--identity", "carol",
                "--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl, "--journal-dir", journalDir,
            ],
            // Slow every cloud operation so the kill lands inside an `up`.
            { cwd: root, stdio: "ignore", env: { ...process.env, ...lab.env.envVars, SANDBOX_DELAY_MS: "4000" } },
        );
        const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
        // Kill once the DNS step has started: the secondary is scaled, the weights are mid-change.
        let started = false;
        for (let i = 0; i < 1200 && !started; i++) {
            await new Promise((r) => setTimeout(r, 100));
            const run = journal.runs()[runsBefore];
            started = run?.steps.get("dns:dns") === "started";
        }
        expect(started, "the killed run reached the DNS step").to.equal(true);
        child.kill("SIGKILL");
        await exited;
        const killed = journal.unfinishedRun();
        expect(killed?.begin.identity).to.equal("carol");
        expect(fs.existsSync(path.join(journalDir, "failover.lock")), "the dead run's lock is left behind").to.equal(true);

        const result = await controller.setPosture("failover", { reason: "kill test, resumed" });
        // Unverified when this run's gate ran (the killed run had not finished the DNS step), ok when
        // the killed run had moved DNS already and nothing was left to verify.
        const completed = result.verification !== undefined ? "unverified" : "ok";
        expect(result.status).to.equal(completed);
        expect(result.resumed).to.equal(killed?.begin.runId);
        expect(result.steps.find((s) => s.id === "before-dns:secondary")?.status).to.equal("skipped");
        const status = await controller.status();
        expect(status.posture).to.equal("failover");
        expect(status.capacity).to.deep.equal({ primary: "drained", secondary: "active" });
        expect(status.lock).to.equal(undefined);
        // Journal: the killed run is closed as superseded, the resuming run ended ok, nothing left open.
        expect(journal.run(killed!.begin.runId)?.end?.result).to.equal("superseded");
        expect(journal.run(result.runId)?.end?.result).to.equal(completed);
        expect(journal.unfinishedRun()).to.equal(undefined);
        // Audit: one entry for the one real change, from the posture the killed run started at —
        // and one line saying the dead run's lock was cleared, and whose it was.
        const all = (await controller.history()).slice(auditBefore);
        expect(all.filter((e) => e.operation === "unlock").map((e) => e.reason)).to.satisfy((reasons: string[]) => reasons.some((r) => r.startsWith("holder carol (pid ")));
        const added = all.filter((e) => e.operation !== "unlock");
        expect(added).to.have.length(1);
        expect(added[0]).to.include({ from: "active-passive", to: "failover", result: completed, resumes: killed?.begin.runId });
    });

    it("with the primary region down, DNS API included, failover fences the primary so health checks move the traffic", async function () {
        await controller.setPosture("active-passive");
        // The tests above leave the secondary fenced (a switch never lifts a fence itself): lift it,
        // as an operator would once the region answers. With it fenced, "never fence both" rightly
        // keeps the switch from fencing the primary.
        if ((await controller.status()).fence.secondary === "fenced") {
            await controller.unfence("secondary", { yes: true, reason: "the secondary answers again" });
        }
        fence.calls.length = 0;
        // us-east-1 holds the primary and the dns stack's provider region (Route 53's control plane).
        writeFaults(lab, { regions: { "us-east-1": "fail" } });
        let result;
        try {
            // The dns program does not fail but stalls when its zone lookup fails, so the step ends by its timeout.
            result = await controller.setPosture("failover", { reason: "us-east-1 outage", stepTimeoutMs: 30_000 });
        } finally {
            writeFaults(lab, {});
        }
        expect(result.status).to.equal("degraded");
        expect(result.steps.map((s) => `${s.id} ${s.status}`)).to.deep.equal(["before-dns:secondary done", "dns:dns fenced", "after-dns:primary fenced"]);
        expect(result.fenced).to.deep.equal(["primary"]);
        expect(fence.calls).to.deep.equal([{ action: "fence", region: "primary", namespace: "SftpFailover/Fence" }]);
        expect(result.remaining).to.have.length(2);
        expect(result.remaining[0]).to.contain("switch DNS active-passive → failover");
        // The region returns: the same command finishes both steps.
        const again = await controller.setPosture("failover", { reason: "us-east-1 back" });
        expect(again.status).to.equal("unverified");
        expect(again.steps.filter((s) => s.status === "done").map((s) => s.id)).to.deep.equal(["dns:dns", "after-dns:primary"]);
        expect((await controller.status()).posture).to.equal("failover");
    });

    it("a planned switch waits for the losing region's open session before scaling it down; a drain that times out stops or scales down as told", async function () {
        // From failover (where the tests above leave it; run alone, it gets there first).
        await controller.setPosture("failover", { reason: "drain test: from failover" });
        // The sandbox's session count, modelled in the world (the lab's sshd count is tested in test/integration/sandbox-open-sessions.test.ts).
        setModelledOpenSessions(lab.worldDir, "secondary", 1);
        const sessions = sandboxOpenSessions({ worldDir: lab.worldDir });
        const seen: number[] = [];
        const counting = (endAfterReads: number | undefined) => ({
            ...sessions,
            pollSeconds: 0.2,
            read: async (region: RegionName) => {
                const reading = await sessions.read(region);
                seen.push(reading.known ? reading.sessions : -1);
                // The client ends its session once the drain has seen it open this many times.
                if (seen.length === endAfterReads) {
                    setModelledOpenSessions(lab.worldDir, region, 0);
                }
                return reading;
            },
        });
        try {
            // Sessions still open at the timeout, action stop: DNS moved, the secondary is not scaled down.
            const stopping = await FailoverController.create({ engine: lab.env, journalDir, fence, identity: "alice", endpointHealth: lab.endpointHealth, openSessions: counting(undefined) });
            const err = await stopping.setPosture("active-passive", { drainTimeoutSeconds: 1, drainTimeoutAction: "stop" }).catch((e: unknown) => e);
            expect(err).to.be.instanceOf(SwitchStoppedError);
            expect((err as Error).message).to.contain("1 session(s) still open in secondary");
            const stopped = await controller.status();
            expect(stopped.posture).to.equal("active-passive");
            expect(stopped.capacity.secondary, "not scaled down").to.equal("active");
            expect((await controller.history()).at(-1)?.drain?.[0]).to.match(/^drain secondary: timed-out \(1 session\(s\) still open in secondary after \d+ s\)$/);

            // The same switch again: the drain sees the session, waits until it ends, then scales down.
            seen.length = 0;
            const waiting = await FailoverController.create({ engine: lab.env, journalDir, fence, identity: "alice", endpointHealth: lab.endpointHealth, openSessions: counting(2) });
            const result = await waiting.setPosture("active-passive", { drainTimeoutSeconds: 120 });
            expect(result.steps.filter((s) => s.status === "done").map((s) => s.id)).to.deep.equal(["after-dns:secondary"]);
            expect(result.drains?.map((d) => [d.region, d.outcome, d.openSessions])).to.deep.equal([["secondary", "drained", 0]]);
            expect(seen.slice(0, 2), "the session was open when the drain began").to.deep.equal([1, 1]);
            expect(seen.at(-1)).to.equal(0);
            expect((await controller.status()).capacity.secondary).to.equal("pilot-light");

            // Default action: sessions still open at the timeout are reported, and the region still scales down.
            setModelledOpenSessions(lab.worldDir, "primary", 2);
            const reporting = await FailoverController.create({ engine: lab.env, journalDir, fence, identity: "alice", endpointHealth: lab.endpointHealth, openSessions: counting(undefined) });
            const down = await reporting.setPosture("failover", { reason: "drain test: timeout reported", drainTimeoutSeconds: 1 });
            expect(down.drains?.map((d) => [d.region, d.outcome, d.openSessions])).to.deep.equal([["primary", "timed-out", 2]]);
            expect((await controller.status()).capacity.primary).to.equal("drained");
        } finally {
            setModelledOpenSessions(lab.worldDir, "primary", undefined);
            setModelledOpenSessions(lab.worldDir, "secondary", undefined);
        }
    });
});
