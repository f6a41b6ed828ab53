// The offline drill: deploys the two regional stacks and the DNS stack into the sandbox (a stand-in
// for AWS: nothing here reaches AWS) and prints what an operator would check.
import * as path from "node:path";
import { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { projectRoot } from "../automation/engine/environment";
import { createLab } from "../sandbox/lab";

function plain(outputs: OutputMap): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

async function deploy(label: string, stack: Stack): Promise<Record<string, unknown>> {
    const started = Date.now();
    const result = await stack.up({ onOutput: () => undefined });
    const changes = Object.entries(result.summary.resourceChanges ?? {}).map(([op, n]) => `${op} ${n}`).join(", ");
    process.stderr.write(`drill: up ${label}: ${result.summary.result} in ${((Date.now() - started) / 1000).toFixed(1)} s (${changes})\n`);
    return plain(result.outputs);
}

async function main(): Promise<void> {
    process.stderr.write("drill: SANDBOX — every AWS resource below is recorded by a stand-in provider; nothing reaches AWS\n");
    const lab = createLab({ dir: path.join(projectRoot, ".sandbox", "drill") });
    const stacks = await lab.stacks();
    const outputs = {
        primary: await deploy("primary", stacks.primary),
        secondary: await deploy("secondary", stacks.secondary),
        dns: await deploy("dns", stacks.dns),
    };
    process.stdout.write(JSON.stringify(outputs, null, 2) + "\n");
}

main().catch((err: unknown) => {
    process.stderr.write(`drill: failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
});
