// A deployed sandbox lab with a failover controller on it, as the drill sets one up.
import * as path from "node:path";
import { FailoverController } from "../automation";
import { sandboxFenceClient, sandboxReplicationMetrics } from "../sandbox/fence";
import { createLab, Lab, LabStacks } from "../sandbox/lab";
import { timed } from "./stats";

/** A lab deployed in active-passive, its stacks, and a controller driving them. */
export interface BenchLab {
    readonly lab: Lab;
    readonly stacks: LabStacks;
    readonly controller: FailoverController;
    /** How long the bootstrap (three stacks, replication, DNS) took, in ms. */
    readonly deployMs: number;
}

/** Creates and deploys a lab in a new temporary folder. The caller removes it (`lab.remove()`). */
export async function deployedLab(): Promise<BenchLab> {
    const lab = createLab();
    const stacks = await lab.stacks();
    const { ms: deployMs } = await timed(() => lab.deploy());
    const controller = await FailoverController.create({
        engine: lab.env,
        projectDir: lab.dir,
        journalDir: path.join(lab.dir, ".failover"),
        identity: "bench",
        fence: sandboxFenceClient(path.join(lab.dir, ".failover", "sandbox-fence.json"), { worldDir: lab.worldDir }),
        replicationMetrics: sandboxReplicationMetrics,
        endpointHealth: lab.endpointHealth,
    });
    return { lab, stacks, controller, deployMs };
}
