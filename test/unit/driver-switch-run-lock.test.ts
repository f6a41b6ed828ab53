import { expect } from "chai";
import { LockLostError } from "../../automation/driver/errors";
import { UpBehaviour, unreachable } from "../support/fake-stacks";
import { failoverRun, failoverSteps } from "../support/switch-run-harness";

// A switch whose lock is lost stops where it stands: the next step does not start, a failure after
// the loss fences nothing, and the journal and audit say "lock lost". Stand-in stacks record every
// engine call; the real engine runs the same case in test/engine/driver-lock-lost.test.ts.

/** A proof of the lock that passes `passes` times, then finds it lost. */
function proofPassing(passes: number) {
    let made = 0;
    return async () => {
        if (made++ >= passes) {
            throw new LockLostError("lock lost: run r1 (generation 4) no longer holds /x/failover.lock: bob on laptop-b holds it now (pid 7, posture failback, run r2, generation 6)");
        }
    };
}

const switchRun = (behaviour: Partial<Record<"primary" | "secondary" | "dns", UpBehaviour>>, proveHeld: () => Promise<void>) => failoverRun({ behaviour, proveHeld });

describe("a switch that lost its lock", () => {
    const [scale, dnsStep] = failoverSteps;

    it("does not start its next step: the DNS step writes no config and runs no up; journalled and audited as lock lost; LockLostError", async () => {
        // Three proofs for the first step (before it, its config write, its up); the fourth, before the DNS step, fails.
        const { run, calls, journal, audit, fenced } = switchRun({}, proofPassing(3));
        const err = await run.execute().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(LockLostError);
        expect(calls).to.deep.equal(["secondary: setAllConfig sftp-failover:capacityMode", "secondary: up"]);
        expect(fenced).to.deep.equal([]);
        const stepRecords = journal.filter((r) => r.type === "step").map((r) => r.type === "step" && `${r.stepId} ${r.status}${r.error !== undefined ? ` (${r.error})` : ""}`);
        expect(stepRecords).to.deep.equal([`${scale.id} started`, `${scale.id} done`, `${dnsStep.id} failed (lock lost)`]);
        expect(journal.at(-1)).to.deep.include({ type: "end", result: "aborted" });
        expect(audit).to.have.length(1);
        expect(audit[0]).to.deep.include({ result: "aborted" });
        expect(audit[0].error).to.match(/^lock lost: run r1 \(generation 4\) no longer holds \/x\/failover\.lock: bob on laptop-b holds it now .*; the switch stopped at .* and fenced nothing$/);
    });

    it("fences nothing after a failure once the lock is lost, where the same failure with the lock held fences the region losing traffic", async () => {
        const held = switchRun({ dns: unreachable }, proofPassing(Number.POSITIVE_INFINITY));
        const result = await held.run.execute();
        expect(result.status, "the control: with the lock held, the DNS step's unreachable failure fences primary").to.equal("degraded");
        expect(held.fenced).to.deep.equal(["primary"]);

        // Proofs: three for the first step, three for the DNS step up to its up; the one after its failure finds the lock lost.
        const lost = switchRun({ dns: unreachable }, proofPassing(6));
        const err = await lost.run.execute().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(LockLostError);
        expect(lost.fenced).to.deep.equal([]);
        expect(lost.calls.filter((c) => c.startsWith("dns:")), "nothing put back on the dns stack").to.deep.equal(["dns: setAllConfig sftp-failover:posture", "dns: up"]);
        expect(lost.calls.some((c) => c.startsWith("primary:")), "the step after it does not start").to.equal(false);
        expect(lost.audit[0].error).to.match(/^lock lost: /);
    });
});
