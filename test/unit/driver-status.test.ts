import { expect } from "chai";
import { runsOf } from "../../automation/driver/journal";
import { statusOf, StatusReading } from "../../automation/driver/status";
import { StackKey } from "../../automation/driver/planner";
import { ReadStatus, withTypedOutputs } from "../../automation/driver/stack-state";
import { StackStatus } from "../../automation/driver/types";

// What `status` reports from what it read (automation/driver/status.ts), without an engine: the
// serving region, Route 53's answer, a lock that is corrupt or whose holder is gone, stacks that
// hold no deployment, and a switch left unfinished. The engine tests (driver-posture,
// status-after-destroy, driver-unlock) read the same report from deployed stacks.

const names = { primary: "prod-primary", secondary: "prod-secondary", dns: "prod-dns" };

function stack<K extends StackKey>(key: K, outputs: Record<string, unknown>, extra: Partial<StackStatus> = {}): ReadStatus<K> {
    return withTypedOutputs(key, { key, name: names[key], config: {}, outputs, ...extra });
}

const deployed = {
    primary: stack("primary", { capacityMode: "active" }),
    secondary: stack("secondary", { capacityMode: "pilot-light" }),
    dns: stack("dns", { posture: "active-passive", weights: { primary: 255, secondary: 0 } }, { config: { "sftp-failover:posture": "active-passive" } }),
};

function reading(overrides: Partial<StatusReading> = {}): StatusReading {
    return {
        stacks: deployed,
        names,
        fence: { primary: "unfenced", secondary: "unfenced" },
        lock: { state: "free" },
        lockStale: false,
        lockLocation: "/srv/failover/failover.lock",
        now: Date.parse("2026-12-07T12:00:00.000Z"),
        ...overrides,
    };
}

const holder = { identity: "alice", host: "ops-1", pid: 4242, runId: "r9", operation: "posture failover", since: "2026-12-07T11:00:00.000Z" };

describe("status report: from what was read", () => {
    it("the deployed posture, weights, capacity and serving region come from the outputs; the config's posture from the config", () => {
        const status = statusOf(reading());
        expect(status.posture).to.equal("active-passive");
        expect(status.configuredPosture).to.equal("active-passive");
        expect(status.weights).to.deep.equal({ primary: 255, secondary: 0 });
        expect(status.serving).to.equal("primary");
        expect(status.capacity).to.deep.equal({ primary: "active", secondary: "pilot-light" });
        expect(status.answer).to.deep.equal({ answered: ["primary"], rule: "non-zero-weight" });
    });

    it("the report's stacks are the raw statuses as read: each keeps its outputs, and the driver's typed outputs stay inside", () => {
        const status = statusOf(reading());
        expect(status.stacks.dns).to.deep.equal({ key: "dns", name: "prod-dns", config: { "sftp-failover:posture": "active-passive" }, outputs: { posture: "active-passive", weights: { primary: 255, secondary: 0 } } });
        expect(status.stacks.primary).to.not.have.property("typed");
        expect(status.stacks.secondary).to.not.have.property("typed");
    });

    it("the serving region is the one with the larger weight", () => {
        const dns = stack("dns", { posture: "failover", weights: { primary: 0, secondary: 255 } });
        expect(statusOf(reading({ stacks: { ...deployed, dns } })).serving).to.equal("secondary");
    });

    it("a fenced serving region moves Route 53's answer, while `serving` still names the weighted region", () => {
        const status = statusOf(reading({ fence: { primary: "fenced", secondary: "unfenced" } }));
        expect(status.serving).to.equal("primary");
        expect(status.answer?.answered).to.deep.equal(["secondary"]);
    });

    it("a corrupt lock names where it lives and how to clear it", () => {
        const status = statusOf(reading({ lock: { state: "corrupt", problem: "is not JSON", token: "t" } }));
        expect(status.lock).to.equal(undefined);
        expect(status.lockProblem).to.equal("/srv/failover/failover.lock is not JSON; if no switch is running, clear it with `sftp-failover unlock`");
    });

    it("a held lock whose lease ended is stale, in the lease's words; one without a lease names the gone pid", () => {
        const leased = { ...holder, expiresAt: "2026-12-07T11:30:00.000Z" };
        const expired = statusOf(reading({ lock: { state: "held", holder: leased, token: "t" }, lockStale: true }));
        expect(expired.lock).to.deep.equal(leased);
        expect(expired.lockProblem).to.equal("the holder's lease (alice on ops-1) ended at 2026-12-07T11:30:00.000Z; the next switch clears the lock");
        const gone = statusOf(reading({ lock: { state: "held", holder, token: "t" }, lockStale: true }));
        expect(gone.lockProblem).to.equal("the holder (pid 4242 on ops-1) is gone; the next switch clears the lock");
    });

    it("a live holder is reported without a problem", () => {
        const status = statusOf(reading({ lock: { state: "held", holder, token: "t" } }));
        expect(status.lock).to.deep.equal(holder);
        expect(status).to.not.have.property("lockProblem");
    });

    it("readable stacks without outputs are not deployed; an unreadable one is not called undeployed", () => {
        const status = statusOf(
            reading({ stacks: { primary: stack("primary", {}), secondary: stack("secondary", {}, { error: "engine failed" }), dns: stack("dns", {}) } }),
        );
        expect(status.notDeployed).to.deep.equal(["primary", "dns"]);
        expect(status).to.not.have.property("posture");
        expect(status).to.not.have.property("serving");
        expect(status).to.not.have.property("answer");
    });

    it("an unfinished switch is named with its first unfinished step", () => {
        const [run] = runsOf([
            {
                type: "begin",
                runId: "r7",
                operation: "failover",
                target: "failover",
                steps: [
                    { id: "scale-up-secondary", description: "scale up", skip: false },
                    { id: "dns", description: "dns", skip: false },
                ],
                identity: "bob",
                host: "ops-2",
                pid: 7,
                at: "2026-12-07T10:00:00.000Z",
            },
            { type: "step", runId: "r7", stepId: "scale-up-secondary", status: "done", at: "2026-12-07T10:01:00.000Z" },
        ]);
        const status = statusOf(reading({ unfinished: run }));
        expect(status.unfinished).to.deep.equal({ runId: "r7", target: "failover", identity: "bob", at: "2026-12-07T10:00:00.000Z", firstUnfinishedStep: "dns" });
    });

    it("a region quiesced while DNS sends it traffic (a switch that lost its lock after the quiesce) is named with the command that lifts it", () => {
        const primary = stack("primary", { capacityMode: "active", quiesced: true });
        expect(statusOf(reading({ stacks: { ...deployed, primary } })).quiesced).to.deep.equal([
            { region: "primary", takesTraffic: true, lift: "`sftp-failover posture active-passive` lifts it" },
        ]);
    });

    it("a region quiesced by a switch that took its traffic is named, lifted by the switch that gives it traffic again", () => {
        const primary = stack("primary", { capacityMode: "pilot-light", quiesced: true });
        const dns = stack("dns", { posture: "failover", weights: { primary: 0, secondary: 255 } });
        expect(statusOf(reading({ stacks: { ...deployed, primary, dns } })).quiesced).to.deep.equal([
            { region: "primary", takesTraffic: false, lift: "the switch that gives primary traffic lifts it" },
        ]);
        expect(statusOf(reading()).quiesced, "none quiesced: nothing said").to.equal(undefined);
    });
});
