// Previews a step without touching the operator's stack files: the project's top-level files are
// copied to a temporary folder, the step's config is set there, and the engine previews against
// the real state backend. A crash mid-plan can therefore never leave a half-applied config behind.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EngineEvent } from "@pulumi/pulumi/automation";
import * as YAML from "yaml";
import { EngineEnvironment } from "../engine/environment";
import { openStack } from "../engine/workspace";
import { stepTargets } from "./step-runner";
import { PlannedStep } from "./planner";
import { StackPreview } from "./types";

/** Top-level files a stack's program may read relative to the project (stack files, users files). */
function projectFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name) && e.name !== "package.json" && e.name !== "package-lock.json")
        .map((e) => e.name);
}

/**
 * The engine checks that Pulumi.yaml's `main` exists even for an inline program, so the scratch
 * copy links the top-level folder (or file) holding it back to the project.
 */
function linkProgramEntry(projectDir: string, dir: string): void {
    const settings = YAML.parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { main?: unknown } | null;
    const main = typeof settings?.main === "string" ? settings.main : undefined;
    if (main === undefined || path.isAbsolute(main)) {
        return;
    }
    const top = main.split(/[\\/]/).filter((p) => p !== "" && p !== ".")[0];
    if (top !== undefined && top !== ".." && fs.existsSync(path.join(projectDir, top)) && !fs.existsSync(path.join(dir, top))) {
        fs.symlinkSync(path.join(projectDir, top), path.join(dir, top));
    }
}

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
        for (const file of projectFiles(env.projectDir)) {
            fs.copyFileSync(path.join(env.projectDir, file), path.join(dir, file));
        }
        linkProgramEntry(env.projectDir, dir);
        const stack = await openStack(stackName, { ...env, projectDir: dir });
        for (const change of step.config) {
            await stack.setConfig(change.key, { value: change.value }, change.path ?? false);
        }
        // The same targets as the step's `up`, so the preview shows exactly what the step will change.
        const target = await stepTargets(stack, step);
        const result = await stack.preview({
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
        return { step: step.id, stack: step.stack, changeSummary: { ...result.changeSummary }, changes };
    } catch (err) {
        return { step: step.id, stack: step.stack, changes, error: (err as Error).message.split("\n")[0] };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
