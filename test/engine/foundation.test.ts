import { expect } from "chai";
import { Stack } from "@pulumi/pulumi/automation";
import { BootstrapResult } from "../../automation/driver/bootstrap";
import { sandboxEngineEnvironment } from "../../sandbox/engine";
import { summarizeEngineError } from "../../automation/driver/stack-state";
import { createLab, Lab, LabStacks } from "../../sandbox/lab";
import { readRecords } from "../../sandbox/recorder";
import { deployedLab } from "../support/deployed-lab";

// The real Pulumi engine, the real program, the sandbox provider: the ground every other engine
// test stands on. The outputs the driver reads, as the program exports them, are asserted under
// mocks (test/unit/sandbox-matrix.test.ts, test/unit/regional-stack.test.ts).
describe("the three stacks under the real engine (sandbox)", function () {
    let lab: Lab;
    let stacks: LabStacks;
    let deployed: BootstrapResult;

    before(async function () {
        // The bootstrap from nothing this test process made once (test/support/deployed-lab.ts), and a copy of its lab.
        ({ lab, deployed } = await deployedLab());
        stacks = await lab.stacks();
    });

    after(function () {
        lab?.remove();
    });

    it("deploys primary, secondary and dns in the bootstrap order, each phase but the replication one creating resources", function () {
        expect(deployed.status).to.equal("bootstrapped");
        for (const step of deployed.steps.filter((s) => s.phase !== "regions-with-replication")) {
            expect(step.changes.create ?? 0, `${step.phase} ${step.stack}`).to.be.greaterThan(1);
        }
    });

    it("a changed config value makes the engine report exactly one update", async function () {
        await stacks.secondary.setConfig("sftp-failover:capacityMode", { value: "drained" });
        const result = await stacks.secondary.up({ onOutput: () => undefined });
        const changes = result.summary.resourceChanges ?? {};
        expect(changes.update).to.equal(1);
        expect(Object.keys(changes).filter((op) => op !== "same" && op !== "update")).to.deep.equal([]);
        expect(result.outputs.capacityMode.value).to.equal("drained");
        expect(result.outputs.desiredCapacity.value).to.equal(0);
    });
});

// One lab that is never deployed serves both: each failed `up` below deploys nothing, which its test asserts.
describe("a lab never deployed (sandbox)", function () {
    let lab: Lab;
    let stacks: LabStacks;

    before(async function () {
        lab = createLab();
        stacks = await lab.stacks();
    });

    after(() => lab?.remove());

    describe("bad stack config under the real engine (sandbox)", function () {
        /** Runs `up`, expecting it to fail; returns the engine's one-line summary. */
        async function failedUp(stack: Stack): Promise<string> {
            const error = await stack.up({ onOutput: () => undefined }).then(
                () => undefined,
                (err: unknown) => err,
            );
            expect(error, "up should have failed").to.not.equal(undefined);
            return summarizeEngineError(error);
        }

        /** AWS resources the stack holds in its state (the stack resource itself is the engine's). */
        async function deployedAwsResources(stack: Stack): Promise<number> {
            const state = await stack.exportStack();
            return ((state.deployment?.resources ?? []) as { type: string }[]).filter((r) => r.type.startsWith("aws:")).length;
        }

        it("an unknown stack role fails naming the key, and nothing is deployed", async function () {
            await stacks.primary.setConfig("sftp-failover:role", { value: "cdn" });
            const message = await failedUp(stacks.primary);
            expect(message).to.contain("sftp-failover:role").and.to.contain("cdn");
            expect(message).to.not.contain("\n");
            expect(await deployedAwsResources(stacks.primary)).to.equal(0);
            expect(readRecords(lab.recordFile).filter((r) => r.op === "create")).to.deep.equal([]);
        });

        it("a missing required key fails naming it, and nothing is deployed", async function () {
            await stacks.secondary.removeConfig("sftp-failover:region");
            const message = await failedUp(stacks.secondary);
            expect(message).to.contain("sftp-failover:region");
            expect(message).to.not.contain("\n");
            expect(await deployedAwsResources(stacks.secondary)).to.equal(0);
            expect(readRecords(lab.recordFile).filter((r) => r.op === "create")).to.deep.equal([]);
        });
    });

    // After the cases above, which assert that nothing was created: whatever this failed `up` may leave does not reach them.
    describe("the dns stack before the regional stacks exist", function () {
        it("fails naming the missing regional output, instead of waiting forever", async function () {
            let message = "";
            await stacks.dns.up({ onOutput: () => undefined }).catch((err: Error) => {
                message = err.message;
            });
            expect(message).to.contain('stack organization/sftp-failover/primary has no output "endpointDnsName"');
        });
    });
});

describe("an unwritable backend folder", function () {
    it("is refused before the engine starts, naming the folder", function () {
        expect(() => sandboxEngineEnvironment({ backendUrl: "file:///dev/null/state" })).to.throw(
            "backend folder /dev/null/state cannot be written (ENOTDIR)",
        );
    });
});
