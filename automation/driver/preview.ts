// Previews a step without touching the operator's stack files: the project's top-level files are
// copied to a temporary folder, the step's config is set there, and the engine previews against
// the real state backend. A crash mid-plan can therefore never leave a half-applied config behind.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { EngineEnvironment } from "../engine/environment";
import { retryingTransportFault } from "../engine/transport-fault";
import { copyProjectForInlineRun, openStack } from "../engine/workspace";
import { setStepConfig, stepTargetsIn } from "./step-runner";
import { PlannedStep } from "./planner";
import { StackPreview } from "./types";

/** The engine's preview of one step on one stack. Errors are reported in the result, not thrown. */
export async function previewStep(
    env: EngineEnvironment,
    stackName: string,
    step: PlannedStep,
    opts: { readonly signal?: AbortSignal; readonly onEvent?: (event: EngineEvent) => void } = {},
): Promise<StackPreview> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sftp-failover-plan-"));
    const changes: { urn: string; op: string; keys?: string[] }[] = [];
    try {
        copyProjectForInlineRun(env.projectDir, dir);
        const stack = await openStack(stackName, { ...env, projectDir: dir });
        await setStepConfig(stack, step);
        // The same targets as the step's `up`, so the preview shows exactly what the step will change.
        const [config, state] = await Promise.all([stack.getAllConfig(), stack.exportStack()]);
        const target = stepTargetsIn(state, step.stack, config, step.users !== undefined);
        const result = await retryingTransportFault(() => {
            changes.length = 0;
            return stack.preview({
                ...(target !== undefined ? { target } : {}),
                signal: opts.signal,
                onEvent: (event) => {
                    const meta = event.resourcePreEvent?.metadata;
                    // `read` is a StackReference being read, not a change.
                    if (meta !== undefined && meta.op !== "same" && meta.op !== "read") {
                        changes.push({ urn: meta.urn, op: meta.op, ...(meta.diffs !== undefined ? { keys: meta.diffs } : {}) });
                    }
                    opts.onEvent?.(event);
                },
            });
        });
        return { step: step.id, stack: step.stack, changeSummary: { ...result.changeSummary }, changes };
    } catch (err) {
        return { step: step.id, stack: step.stack, changes, error: (err as Error).message.split("\n")[0] };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
