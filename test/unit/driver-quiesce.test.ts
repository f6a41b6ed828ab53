import { expect } from "chai";
import { resolveDrainOptions, rtoSplit } from "../../automation/driver/drain";
import { AbortedError, LockLostError, SwitchStoppedError } from "../../automation/driver/errors";
import { interruptedSteps, runsOf } from "../../automation/driver/journal";
import { DeployedState, PlannedStep, planSteps, planTransition, stateOfPosture } from "../../automation/driver/planner";
import { planQuiesces, quiesceWaitSeconds, reloadSecondsOf, unplannedQuiesceReason } from "../../automation/driver/quiesce";
import { SwitchRun } from "../../automation/driver/switch-run";
import { ProgressEvent } from "../../automation/driver/types";
import { renderSwitch } from "../../automation/cli/render";
import { usersRefreshSpan } from "../../components/gateway-user-data";
import { canonicalUsersJson, quiescedUsers, SftpUser } from "../../components/sftp-users";
import { standInPort } from "../support/switch-run-harness";

// The quiesce of a planned switch (issue 24): the region losing traffic gets its users read-only
// before DNS moves, the switch waits for the gateways' modelled reload, and the users are writable
// again when the region serves again or when the switch stops before DNS moved.

const users: SftpUser[] = [
    { name: "alice", publicKeys: ["ssh-ed25519 AAAA"], homePrefix: "alice/", readOnly: false },
    { name: "bob", publicKeys: ["ssh-ed25519 BBBB"], homePrefix: "bob/", readOnly: true },
    { name: "sftp-canary", publicKeys: ["ssh-ed25519 CCCC"], homePrefix: "canary/", readOnly: false },
];
const canary = { user: "sftp-canary", publicKey: "ssh-ed25519 CCCC" };
const ids = (steps: readonly PlannedStep[]) => steps.map((s) => `${s.index}. ${s.id}${s.skip ? " (skip)" : ""}`);

describe("the quiesce in a plan", () => {
    it("a planned switch with quiesce makes the losing region read-only after the scale-ups and before DNS", () => {
        const steps = planTransition("active-passive", "failover", { quiesce: true });
        expect(ids(steps)).to.deep.equal(["1. before-dns:secondary", "2. quiesce:primary", "3. dns:dns", "4. after-dns:primary"]);
        const quiesce = steps[1];
        expect(quiesce).to.deep.include({ stack: "primary", region: "primary", phase: "before-dns", skip: false, users: { readOnly: true, reloadSeconds: 65 } });
        expect(quiesce.config).to.deep.equal([{ key: "sftp-failover:quiesced", value: "true" }]);
        expect(quiesce.description).to.equal("quiesce primary: its users read-only, so new sessions cannot write (the gateways reload within 65 s)");
        expect(quiesceWaitSeconds(steps)).to.equal(65);
    });

    it("without the flag, or for an unplanned switch, no quiesce step; an unplanned one says it skipped", () => {
        expect(ids(planTransition("active-passive", "failover"))).to.deep.equal(["1. before-dns:secondary", "2. dns:dns", "3. after-dns:primary"]);
        const unplanned = planTransition("active-passive", "failover", { quiesce: true, unplanned: true });
        expect(ids(unplanned)).to.deep.equal(["1. before-dns:secondary", "2. dns:dns", "3. after-dns:primary"]);
        expect(planQuiesces(unplanned, stateOfPosture("active-passive"), { quiesce: true, unplanned: true })).to.deep.equal([
            { region: "primary", reloadSeconds: 65, skipped: unplannedQuiesceReason },
        ]);
        expect(planQuiesces(unplanned, stateOfPosture("active-passive"), { unplanned: true })).to.deep.equal([]);
    });

    it("a switch that takes no region's traffic away quiesces nothing", () => {
        expect(planTransition("active-passive", "active-active", { quiesce: true }).some((s) => s.id.startsWith("quiesce:"))).to.equal(false);
    });

    it("the modelled reload is the region's exported usersReloadSeconds (timer period + reload)", () => {
        const current: DeployedState = { ...stateOfPosture("active-passive"), usersReloadSeconds: { primary: 6 } };
        const steps = planSteps(current, "failover", { quiesce: true });
        expect(steps.find((s) => s.id === "quiesce:primary")?.users).to.deep.equal({ readOnly: true, reloadSeconds: 6 });
        expect(reloadSecondsOf(current, "secondary"), "a stack that exports none has the default timer").to.equal(65);
        expect(rtoSplit([], 70, quiesceWaitSeconds(steps))).to.deep.equal({ newConnectionsSeconds: 70, existingSessionsSeconds: 0, usersReloadSeconds: 6 });
    });

    it("a region that serves again is made writable with its scale-up, even when its capacity is in place", () => {
        // A failback after a quiesced failover: the primary takes traffic again.
        const current: DeployedState = { ...stateOfPosture("failover"), quiesced: { primary: true } };
        const steps = planSteps(current, "active-passive");
        const primary = steps.find((s) => s.id === "before-dns:primary")!;
        expect(primary.config).to.deep.equal([
            { key: "sftp-failover:capacityMode", value: "active" },
            { key: "sftp-failover:quiesced", value: "false" },
        ]);
        expect(primary.users).to.deep.equal({ readOnly: false, reloadSeconds: 65 });
        // Capacity already active (a switch that stopped after its quiesce): the step still runs, to lift it.
        const inPlace = planSteps({ ...stateOfPosture("active-passive"), quiesced: { primary: true } }, "active-passive");
        expect(ids(inPlace)).to.deep.equal(["1. before-dns:primary", "2. dns:dns (skip)", "3. after-dns:secondary (skip)"]);
    });

    it("a quiesce already deployed (a resumed switch) is kept as a skipped step", () => {
        const steps = planSteps({ ...stateOfPosture("active-passive"), quiesced: { primary: true } }, "failover", { quiesce: true });
        expect(ids(steps)).to.deep.equal(["1. before-dns:secondary", "2. quiesce:primary (skip)", "3. dns:dns", "4. after-dns:primary"]);
    });

    it("refuses a quiesce option that is not true or false, naming it", () => {
        expect(() => resolveDrainOptions({ quiesce: "yes" as never })).to.throw('quiesce must be true or false (got "yes")');
        expect(resolveDrainOptions({})).to.deep.include({ quiesce: false });
    });
});

describe("the quiesced users object", () => {
    it("holds every declared user read-only and the canary as it is", () => {
        const quiesced = quiescedUsers(users, canary);
        expect(quiesced.map((u) => [u.name, u.readOnly])).to.deep.equal([["alice", true], ["bob", true], ["sftp-canary", false]]);
        expect(canonicalUsersJson(quiesced)).to.not.equal(canonicalUsersJson(users));
    });

    it("the gateways' timer renders whole minutes as before and anything else in seconds", () => {
        expect(usersRefreshSpan(60)).to.equal("1min");
        expect(usersRefreshSpan(1)).to.equal("1s");
        expect(usersRefreshSpan(90)).to.equal("90s");
        expect(() => usersRefreshSpan(0)).to.throw("usersRefreshSeconds must be whole seconds 1–3600 (got 0)");
    });
});

describe("the quiesce in a switch run", () => {
    function switchRun(opts: { verifyOk: boolean; dnsFails?: boolean; unplanned?: boolean; abortAtReload?: Error; deployed?: DeployedState; resumes?: string }) {
        const { port, calls, journal, audit } = standInPort(opts.dnsFails === true ? { dns: () => Promise.reject(new Error("error: the program refused the posture")) } : {});
        const slept: number[] = [];
        const progress: ProgressEvent[] = [];
        const deployed = opts.deployed ?? stateOfPosture("active-passive");
        const steps = planSteps(deployed, "failover", { quiesce: true, unplanned: opts.unplanned === true });
        const abort = new AbortController();
        // The operator's Ctrl-C (or a lost lock, as the lock's keeper signals it) while the gateways reload their users.
        const sleep = async (ms: number) => {
            slept.push(ms);
            if (opts.abortAtReload !== undefined) {
                abort.abort(opts.abortAtReload);
                throw new AbortedError("aborted while waiting");
            }
        };
        const run = new SwitchRun(
            {
                ...port,
                verify: async (region) => ({ region, ok: opts.verifyOk, ...(opts.verifyOk ? {} : { message: `${region} failed at connect` }) }),
                sleep,
                drain: async (region) => ({ region, outcome: "drained", openSessions: 0, waitedSeconds: 0, detail: `no open session in ${region}` }),
            },
            {
                runId: "r1", operation: "failover", target: "failover", steps, from: "active-passive", reason: "drill",
                currentWeights: { primary: 100, secondary: 0 }, targetWeights: { primary: 0, secondary: 100 }, verifyRegions: ["secondary"],
                drain: { onTimeout: "scale-down", unplanned: opts.unplanned === true }, started: Date.now(), identity: "alice", host: "laptop-a",
                quiesces: planQuiesces(steps, deployed, { quiesce: true, unplanned: opts.unplanned === true }),
                ...(opts.resumes !== undefined ? { resumes: opts.resumes } : {}),
            },
            { onProgress: (e) => void progress.push(e), signal: abort.signal },
        );
        return { run, calls, journal, audit, slept, progress };
    }

    it("quiesces the losing region before DNS, waits the modelled reload, and journals it as a step", async () => {
        const { run, calls, journal, slept } = switchRun({ verifyOk: true });
        const result = await run.execute();
        expect(result.status).to.equal("ok");
        const ups = calls.filter((c) => c.endsWith(": up") || c.includes("setAllConfig"));
        expect(ups).to.deep.equal([
            "secondary: setAllConfig sftp-failover:capacityMode",
            "secondary: up",
            "primary: setAllConfig sftp-failover:quiesced",
            "primary: up",
            "dns: setAllConfig sftp-failover:posture",
            "dns: up",
            "primary: setAllConfig sftp-failover:capacityMode",
            "primary: up",
        ]);
        expect(slept, "the reload is waited for once, after the quiesce").to.deep.equal([65_000]);
        expect(journal.filter((r) => r.type === "step" && r.stepId === "quiesce:primary").map((r) => r.type === "step" && r.status)).to.deep.equal(["started", "done"]);
        expect(result.steps.map((s) => [s.id, s.status])).to.deep.include(["quiesce:primary", "done"]);
    });

    it("the gate runs before the quiesce: a switch it refuses makes nothing read-only", async () => {
        const { run, calls } = switchRun({ verifyOk: false });
        const err = await run.execute().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(SwitchStoppedError);
        expect(calls.filter((c) => c.startsWith("primary:") || c.startsWith("dns:")), "neither quiesced nor switched").to.deep.equal([]);
    });

    it("a switch stopped before DNS moved makes the quiesced region writable again, and says so", async () => {
        const { run, calls, audit, progress } = switchRun({ verifyOk: true, dnsFails: true });
        const err = await run.execute().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(SwitchStoppedError);
        expect(calls.filter((c) => c.startsWith("primary:"))).to.deep.equal([
            "primary: setAllConfig sftp-failover:quiesced",
            "primary: up",
            "primary: setAllConfig sftp-failover:quiesced",
            "primary: up",
        ]);
        const lifted = audit[0].steps?.find((s) => s.id === "unquiesce:primary");
        expect(lifted).to.deep.include({ status: "done", description: "lift the quiesce of primary: its users writable again (the switch stopped before DNS moved)" });
        expect(audit[0]).to.deep.include({ result: "failed" });
        expect(progress.some((e) => e.type === "step-end" && e.step.id === "unquiesce:primary")).to.equal(true);
    });

    it("a resumed switch that stops before DNS lifts the quiesce the run it resumes made", async () => {
        // The run before was killed after its quiesce: the primary is deployed read-only, and the quiesce step is skipped.
        const quiescedBefore = { ...stateOfPosture("active-passive"), quiesced: { primary: true } };
        const { run, calls, audit } = switchRun({ verifyOk: true, dnsFails: true, deployed: quiescedBefore, resumes: "r0" });
        const err = await run.execute().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(SwitchStoppedError);
        expect(audit[0].steps?.map((s) => `${s.id} ${s.status}`)).to.include.members(["quiesce:primary skipped", "unquiesce:primary done"]);
        expect(calls.filter((c) => c.startsWith("primary:")), "made writable again").to.deep.equal(["primary: setAllConfig sftp-failover:quiesced", "primary: up"]);
        expect(audit[0].remaining ?? []).to.deep.equal([]);

        // A fresh run (it resumes nothing) did not make that quiesce: it leaves the region as it found it.
        const fresh = switchRun({ verifyOk: true, dnsFails: true, deployed: quiescedBefore });
        await fresh.run.execute().catch((e: unknown) => e);
        expect(fresh.calls.filter((c) => c.startsWith("primary:")), "nothing lifted").to.deep.equal([]);
        expect(fresh.audit[0].steps?.map((s) => s.id)).to.not.include("unquiesce:primary");
    });

    it("the lift of a quiesce is journalled like every step: started with the value it replaces, then done", async () => {
        const { run, journal } = switchRun({ verifyOk: true, dnsFails: true });
        await run.execute().catch((e: unknown) => e);
        const lift = journal.filter((r) => r.type === "step" && r.stepId === "unquiesce:primary");
        expect(lift.map((r) => r.type === "step" && r.status)).to.deep.equal(["started", "done"]);
        expect(lift[0]).to.deep.include({ config: { stack: "primary", previous: [{ key: "sftp-failover:quiesced" }] } });
        expect(journal.at(-1), "journalled before the run's end").to.deep.include({ type: "end", result: "failed" });
        // Killed during the lift: the journal up to its start is what the next run and `status` read.
        const killed = journal.slice(0, journal.indexOf(lift[0]) + 1);
        expect(interruptedSteps(runsOf(killed)[0]).map((i) => [i.stepId, i.stack])).to.deep.include(["unquiesce:primary", "primary"]);
    });

    it("an unplanned switch says in its result, and its rendered result, that it skipped the quiesce", async () => {
        const { run, calls, audit } = switchRun({ verifyOk: true, unplanned: true });
        const result = await run.execute();
        expect(calls.filter((c) => c.includes("quiesced")), "nothing made read-only").to.deep.equal([]);
        expect(audit.map((e) => e.quiesce), "the audit entry says it too").to.deep.equal([[`quiesce primary: skipped (${unplannedQuiesceReason})`]]);
        expect(result.skippedQuiesces).to.deep.equal([{ region: "primary", reloadSeconds: 65, skipped: unplannedQuiesceReason }]);
        expect(renderSwitch(result).split("\n")).to.include(`quiesce primary: skipped (${unplannedQuiesceReason})`);
        expect(renderSwitch(result)).to.include("drain primary: skipped (drain skipped: unplanned switch");
    });

    it("a planned switch says nothing of a skipped quiesce", async () => {
        const { run, audit } = switchRun({ verifyOk: true });
        const result = await run.execute();
        expect(result.skippedQuiesces).to.equal(undefined);
        expect(audit.map((e) => e.quiesce)).to.deep.equal([[]]);
        expect(renderSwitch(result)).to.not.include("quiesce primary: skipped");
    });

    it("a switch aborted after the quiesce and before DNS makes the region writable again, journalled, and ends aborted", async () => {
        const { run, calls, journal, audit } = switchRun({ verifyOk: true, abortAtReload: new AbortedError("SIGINT") });
        const err = await run.execute().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(AbortedError);
        expect(calls.filter((c) => c.startsWith("primary:") || c.startsWith("dns:")), "lifted, and DNS never touched").to.deep.equal([
            "primary: setAllConfig sftp-failover:quiesced",
            "primary: up",
            "primary: setAllConfig sftp-failover:quiesced",
            "primary: up",
        ]);
        expect(journal.filter((r) => r.type === "step" && r.stepId === "unquiesce:primary").map((r) => r.type === "step" && r.status)).to.deep.equal(["started", "done"]);
        expect(audit[0]).to.deep.include({ result: "aborted" });
        expect(audit[0].steps?.find((s) => s.id === "unquiesce:primary")).to.deep.include({ status: "done" });
        expect((err as Error).message).to.include("primary's quiesce was lifted");
    });

    it("a switch that lost its lock after the quiesce does not lift it, and says the region is left read-only and what lifts it", async () => {
        const { run, calls, audit } = switchRun({ verifyOk: true, abortAtReload: new LockLostError("the lock was taken by bob") });
        const err = await run.execute().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(LockLostError);
        expect(calls.filter((c) => c.startsWith("primary:")), "quiesced once, never lifted").to.deep.equal(["primary: setAllConfig sftp-failover:quiesced", "primary: up"]);
        const message = (err as Error).message;
        expect(message).to.include("primary is left quiesced (read-only)");
        expect(message).to.include("`sftp-failover posture active-passive` lifts it");
        expect(audit[0].remaining?.join("\n")).to.include("primary is left quiesced (read-only)");
    });
});
