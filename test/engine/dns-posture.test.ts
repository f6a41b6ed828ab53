import { EngineEvent, Stack, UpResult } from "@pulumi/pulumi/automation";
import { expect } from "chai";
import { Posture } from "../../foundation/posture";
import { Lab, LabStacks } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { OperationRecord, readRecords } from "../../sandbox/recorder";

// A posture switch under the real engine and the sandbox provider: the engine must update the
// weights of the DNS records in place and touch nothing else — no replacement, no health check,
// no alarm, nothing in either regional stack. What the dns program declares for a posture (the
// aliases, the health checks, the fence, the refusal of an all-zero split) is asserted under mocks
// in test/unit/dns-stack.test.ts.

interface Step {
    readonly op: string;
    readonly name: string;
    readonly type: string;
    readonly diffs: readonly string[];
}

/**
 * Runs `up` and collects every step the engine reports other than `same` — and other than the reads
 * of the regional stacks' outputs (StackReference), which the engine repeats on every run and which
 * change nothing.
 */
async function upCollecting(stack: Stack): Promise<{ result: UpResult; steps: Step[] }> {
    const steps: Step[] = [];
    const onEvent = (e: EngineEvent) => {
        const meta = e.resOutputsEvent?.metadata;
        const stackRead = meta?.op === "read" && meta.type === "pulumi:pulumi:StackReference";
        if (meta !== undefined && meta.op !== "same" && !stackRead) {
            steps.push({ op: meta.op, name: meta.urn.split("::").pop() ?? meta.urn, type: meta.type, diffs: meta.diffs ?? [] });
        }
    };
    const result = await stack.up({ onOutput: () => undefined, onEvent });
    return { result, steps };
}

/** Sandbox operations that changed something (the provider records every call it receives). */
function changesSince(lab: Lab, index: number): OperationRecord[] {
    return readRecords(lab.recordFile)
        .slice(index)
        .filter((r) => r.op === "create" || r.op === "update" || r.op === "delete");
}

describe("DNS posture switch under the real engine (sandbox)", function () {
    let lab: Lab;
    let stacks: LabStacks;

    before(async function () {
        const copy = await deployedLab();
        lab = copy.lab;
        stacks = await lab.stacks();
        expect(copy.deployed.status).to.equal("bootstrapped");
    });

    after(function () {
        lab?.remove();
    });

    const switches: [Posture, { primary: number; secondary: number }][] = [
        ["failover", { primary: 0, secondary: 100 }],
        ["active-active", { primary: 50, secondary: 50 }],
        ["active-passive", { primary: 100, secondary: 0 }],
    ];
    for (const [posture, weights] of switches) {
        it(`switching to ${posture} updates only the two records' weights, in place`, async function () {
            const before = readRecords(lab.recordFile).length;
            await stacks.dns.setConfig("sftp-failover:posture", { value: posture });

            const { result, steps } = await upCollecting(stacks.dns);

            expect(result.summary.result).to.equal("succeeded");
            const changes = result.summary.resourceChanges ?? {};
            expect(changes.update, JSON.stringify(changes)).to.equal(2);
            expect(Object.keys(changes).filter((op) => op !== "same" && op !== "update")).to.deep.equal([]);
            expect(steps.map((s) => `${s.op} ${s.name} ${s.diffs.join(",")}`)).to.have.members([
                "update sftp-primary-a weightedRoutingPolicies",
                "update sftp-secondary-a weightedRoutingPolicies",
            ]);
            // What reached the (sandbox) cloud: two record updates, nothing created or deleted anywhere.
            const ops = changesSince(lab, before);
            expect(ops.map((o) => `${o.op} ${o.type} ${(o.changedKeys ?? []).join(",")}`)).to.have.members([
                "update aws:route53/record:Record weightedRoutingPolicies",
                "update aws:route53/record:Record weightedRoutingPolicies",
            ]);
            expect(result.outputs.posture.value).to.equal(posture);
            expect(result.outputs.weights.value).to.deep.equal(weights);
        });
    }

    it("re-running the same posture changes nothing", async function () {
        const { result, steps } = await upCollecting(stacks.dns);
        expect(steps).to.deep.equal([]);
        expect(Object.keys(result.summary.resourceChanges ?? {})).to.deep.equal(["same"]);
    });
});
