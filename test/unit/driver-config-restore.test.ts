import { expect } from "chai";
import { applyConfigWrites, deployedValue, previousValues, putBackUndeployed, undeployedConfig } from "../../automation/driver/config-restore";
import { interruptedSteps, JournalRun } from "../../automation/driver/journal";
import { planTransition, StackKey } from "../../automation/driver/planner";
import { withTypedOutputs } from "../../automation/driver/stack-state";

// The restore logic of "no undeployed config left behind", pure, and against a recording writer.

const cap = "sftp-failover:capacityMode";
const posture = "sftp-failover:posture";
const weights = "sftp-failover:activeActiveWeights";

function recordingWriter() {
    const calls: string[] = [];
    return {
        calls,
        writer: {
            async setConfig(key: string, value: { value: string }, path?: boolean) {
                calls.push(`set ${key}=${value.value}${path === true ? " (path)" : ""}`);
            },
            async removeConfig(key: string, path?: boolean) {
                calls.push(`rm ${key}${path === true ? " (path)" : ""}`);
            },
        },
    };
}

describe("config restore: previous values", () => {
    it("records the value a step replaces, and a key that was not set as absent", () => {
        const [scaleSecondary] = planTransition("active-passive", "failover");
        expect(previousValues({ [cap]: { value: "pilot-light" } }, scaleSecondary.config)).to.deep.equal([{ key: cap, value: "pilot-light" }]);
        expect(previousValues({}, scaleSecondary.config)).to.deep.equal([{ key: cap }]);
    });

    it("records a path key's field from the object, and an object that did not exist as its absent root", () => {
        const changes = [
            { key: posture, value: "active-active" },
            { key: `${weights}.primary`, value: "70", path: true },
            { key: `${weights}.secondary`, value: "30", path: true },
        ];
        expect(previousValues({ [posture]: { value: "active-passive" }, [weights]: { value: '{"primary":50,"secondary":50}' } }, changes)).to.deep.equal([
            { key: posture, value: "active-passive" },
            { key: `${weights}.primary`, path: true, value: "50" },
            { key: `${weights}.secondary`, path: true, value: "50" },
        ]);
        // Removing the root once, not each field (which would leave an empty map behind).
        expect(previousValues({ [posture]: { value: "failover" } }, changes)).to.deep.equal([{ key: posture, value: "failover" }, { key: weights }]);
    });
});

describe("config restore: writes", () => {
    it("puts values back last first, removing keys that were absent", async () => {
        const { writer, calls } = recordingWriter();
        await applyConfigWrites(writer, [{ key: posture, value: "active-passive" }, { key: `${weights}.primary`, path: true, value: "50" }, { key: "sftp-failover:extra" }]);
        expect(calls).to.deep.equal(["rm sftp-failover:extra", `set ${weights}.primary=50 (path)`, `set ${posture}=active-passive`]);
    });

    it("proves the lock before each write, across stacks too: lost half-way, nothing more is written", async () => {
        const { writer, calls } = recordingWriter();
        let proofs = 0;
        const proveHeld = async () => {
            calls.push("prove");
            if (++proofs > 2) {
                throw new Error("lock lost");
            }
        };
        const undeployed = [
            { stack: "secondary" as const, key: cap, configured: "active", deployed: "pilot-light", runId: "r1" },
            { stack: "dns" as const, key: posture, configured: "failover", deployed: "active-passive", runId: "r1" },
            { stack: "dns" as const, key: `${weights}.primary`, path: true, configured: "0", runId: "r1" },
        ];
        const err = await putBackUndeployed(undeployed, { primary: writer, secondary: writer, dns: writer }, proveHeld).catch((e: unknown) => e);
        expect((err as Error).message).to.equal("lock lost");
        expect(calls).to.deep.equal(["prove", `set ${cap}=pilot-light`, "prove", `set ${posture}=active-passive`, "prove"]);
    });
});

describe("config restore: what is deployed", () => {
    it("reads capacityMode and posture from the outputs, and the weights only while active-active is deployed", () => {
        expect(deployedValue(cap, { capacityMode: "pilot-light" })).to.equal("pilot-light");
        expect(deployedValue(posture, { posture: "failover" })).to.equal("failover");
        expect(deployedValue(`${weights}.primary`, { posture: "active-active", weights: { primary: 70, secondary: 30 } })).to.equal("70");
        expect(deployedValue(`${weights}.primary`, { posture: "active-passive", weights: { primary: 100, secondary: 0 } })).to.equal(undefined);
        expect(deployedValue(cap, {})).to.equal(undefined);
        expect(deployedValue("sftp-failover:ttl", { posture: "failover" })).to.equal(undefined);
    });
});

describe("config restore: after a killed run", () => {
    const run = (statuses: Record<string, "started" | "done" | "failed">): JournalRun => ({
        begin: {
            type: "begin",
            runId: "r1",
            operation: "failover",
            target: "failover",
            steps: [
                { id: "before-dns:secondary", description: "scale secondary", skip: false },
                { id: "dns:dns", description: "switch DNS", skip: false },
            ],
            identity: "pat",
            host: "h",
            pid: 1,
            at: "2026-11-30T00:00:00Z",
        },
        steps: new Map(Object.entries(statuses)),
        previousConfig: new Map([
            ["before-dns:secondary", { stack: "secondary" as const, previous: [{ key: cap, value: "pilot-light" }] }],
            ["dns:dns", { stack: "dns" as const, previous: [{ key: posture, value: "active-passive" }] }],
        ]),
    });
    // Each stack as the driver holds it once read: its config, and its outputs parsed for its role.
    const read = <K extends StackKey>(key: K, config: Record<string, string>, outputs: Record<string, unknown>) => withTypedOutputs(key, { key, name: key, config, outputs });
    const stacks = (secondaryConfigured: string, secondaryDeployed: string, dnsConfigured = "active-passive", dnsDeployed = "active-passive") => ({
        primary: read("primary", { [cap]: "active" }, { capacityMode: "active" }),
        secondary: read("secondary", { [cap]: secondaryConfigured }, { capacityMode: secondaryDeployed }),
        dns: read("dns", { [posture]: dnsConfigured }, { posture: dnsDeployed }),
    });

    it("a step killed before its up finished left its value undeployed: it goes back to the deployed one", async () => {
        const interrupted = interruptedSteps(run({ "before-dns:secondary": "started" }));
        const found = undeployedConfig(interrupted, stacks("active", "pilot-light"));
        expect(found).to.deep.equal([{ stack: "secondary", key: cap, configured: "active", deployed: "pilot-light", runId: "r1" }]);
        const { writer, calls } = recordingWriter();
        await putBackUndeployed(found, { primary: writer, secondary: writer, dns: writer });
        expect(calls).to.deep.equal([`set ${cap}=pilot-light`]);
    });

    it("a step whose engine finished the up after the kill is deployed as configured: nothing to put back", () => {
        const interrupted = interruptedSteps(run({ "before-dns:secondary": "started" }));
        expect(undeployedConfig(interrupted, stacks("active", "active"))).to.deep.equal([]);
    });

    it("done steps are left alone; only the unfinished one is put back", () => {
        const interrupted = interruptedSteps(run({ "before-dns:secondary": "done", "dns:dns": "started" }));
        expect(interrupted.map((s) => s.stepId)).to.deep.equal(["dns:dns"]);
        expect(undeployedConfig(interrupted, stacks("active", "active", "failover", "active-passive"))).to.deep.equal([
            { stack: "dns", key: posture, configured: "failover", deployed: "active-passive", runId: "r1" },
        ]);
    });

    it("where the outputs do not tell (a stack without outputs), the journal's previous value is what goes back", () => {
        const interrupted = interruptedSteps(run({ "before-dns:secondary": "started" }));
        const current = { ...stacks("active", "pilot-light"), secondary: read("secondary", { [cap]: "active" }, {}) };
        expect(undeployedConfig(interrupted, current)).to.deep.equal([{ stack: "secondary", key: cap, configured: "active", deployed: "pilot-light", runId: "r1" }]);
    });
});
