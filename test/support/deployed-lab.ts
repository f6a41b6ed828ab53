// A deployed lab for each engine test file, without a bootstrap per file. The first call in a test
// process bootstraps one lab (the snapshot); every call returns a fresh lab folder holding a copy of
// everything that bootstrap left behind: the stack files (host keys and encryption salt), the file
// backend with the sandbox world inside it (.state/.sandbox-world), the operation log and the
// journal. None of these hold the lab's own path, so the copy is the same deployment in a new place,
// and a test can change it freely without touching the snapshot or another file's lab.
import * as fs from "node:fs";
import * as path from "node:path";
import { BootstrapResult } from "../../automation/driver/bootstrap";
import { FailoverController } from "../../automation/driver/controller";
import type { FailoverControllerOptions } from "../../automation/driver/types";
import { sandboxFenceClient } from "../../sandbox/fence";
import { createLab, Lab } from "../../sandbox/lab";

/** A lab already bootstrapped, and the result of that bootstrap. */
export interface DeployedLab {
    readonly lab: Lab;
    readonly deployed: BootstrapResult;
}

let snapshot: Promise<{ readonly dir: string; readonly deployed: BootstrapResult }> | undefined;

function bootstrappedOnce(): Promise<{ readonly dir: string; readonly deployed: BootstrapResult }> {
    snapshot ??= (async () => {
        const lab = createLab();
        process.once("exit", () => lab.remove());
        return { dir: lab.dir, deployed: await lab.deploy() };
    })();
    return snapshot;
}

/**
 * A fresh lab with the three stacks deployed in active-passive. The caller removes it (`lab.remove()`).
 * PULUMI_HOME is not copied: it holds only workspace bookkeeping, which the engine recreates.
 */
export async function deployedLab(): Promise<DeployedLab> {
    const { dir, deployed } = await bootstrappedOnce();
    const lab = createLab();
    fs.cpSync(dir, lab.dir, { recursive: true, filter: (source) => path.basename(source) !== ".pulumi-home" });
    return { lab, deployed };
}

/**
 * A controller on a lab as the engine tests drive it: journal in `.failover`, the sandbox fence in
 * `fence.json`, endpoint health from the lab's reachability model (so a switch's answer is predicted
 * from known health, as the CLI's `--sandbox` does).
 */
export function labController(lab: Lab, extra: Partial<FailoverControllerOptions> = {}): Promise<FailoverController> {
    return FailoverController.create({
        engine: lab.env,
        journalDir: path.join(lab.dir, ".failover"),
        fence: sandboxFenceClient(path.join(lab.dir, "fence.json"), { worldDir: lab.worldDir }),
        endpointHealth: lab.endpointHealth,
        identity: "test",
        ...extra,
    });
}
