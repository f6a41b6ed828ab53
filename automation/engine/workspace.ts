import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as YAML from "yaml";
import { programIn } from "../../stacks";
import { EngineEnvironment, projectName } from "./environment";
import { makeFolder } from "../../foundation/folders";
import { keepingTypes, stackFileOf } from "./typed-stack-file";
import { ensureEngineCommand, engineDirVariable } from "./locations";
import { coordinationPostureRecords } from "../driver/coordination/posture-record-source";

// One command per engine folder and process: `PulumiCommand.get` runs `pulumi version` each time,
// and a switch opens a workspace per stack. The binary at a path does not change while we run.
const commands = new Map<string, Promise<PulumiCommand>>();

/**
 * The engine's `pulumi` command. Throws a one-line error naming the folder and how to fill it when
 * there is no engine there, instead of the Automation API's bare `spawn … ENOENT`.
 */
export async function pulumiCommandOf(env: EngineEnvironment): Promise<PulumiCommand> {
    const binary = path.join(env.cliRoot, "bin", "pulumi");
    if (!fs.existsSync(binary)) {
        throw new Error(`no Pulumi engine at ${binary} (run ${ensureEngineCommand()}, or set ${engineDirVariable} to a folder holding bin/pulumi)`);
    }
    let command = commands.get(binary);
    if (command === undefined) {
        command = PulumiCommand.get({ root: env.cliRoot, skipVersionCheck: true });
        commands.set(binary, command);
        // A failed probe is not remembered: the next call tries again.
        command.catch(() => commands.delete(binary));
    }
    return command;
}

/**
 * Opens (creating it if needed) one stack of the project with the Automation API.
 *
 * The program runs inline — the same `program()` as stacks/main.ts — so the driver, the drill and
 * the tests run exactly the project's code, while stack config stays in the project's
 * Pulumi.<stack>.yaml files where operators read and review it. The program is told the project
 * folder: an inline program gets no root directory from the engine, and the folder this code was
 * loaded from is the package's, not the project's. It reads the live posture record from the
 * coordination store, as a by-hand run does.
 */
export async function openStack(stackName: string, env: EngineEnvironment): Promise<Stack> {
    const pulumiCommand = await pulumiCommandOf(env);
    const file = stackFileOf(env.projectDir, stackName);
    // `stack init` rewrites the stack file too (its salt), quoting every number and boolean.
    const stack = await keepingTypes(file, [], () =>
        LocalWorkspace.createOrSelectStack(
            { stackName, projectName, program: programIn(env.projectDir, coordinationPostureRecords) },
            { workDir: env.projectDir, pulumiHome: env.pulumiHome, envVars: env.envVars, pulumiCommand },
        ),
    );
    return withTypedConfigWrites(stack, file);
}

/**
 * The stack, its config writes keeping the stack file's types (automation/engine/typed-stack-file.ts).
 * Every stack the driver, the CLI and the lab use comes from `openStack`, so this is the one place
 * the rule is applied to them.
 */
function withTypedConfigWrites(stack: Stack, file: string): Stack {
    const { setConfig, setAllConfig, removeConfig, removeAllConfig } = stack;
    const topLevel = (keys: readonly string[], path?: boolean) => (path === true ? [] : keys);
    stack.setConfig = (key, value, path) => keepingTypes(file, topLevel([key], path), () => setConfig.call(stack, key, value, path));
    stack.setAllConfig = (config, path) => keepingTypes(file, topLevel(Object.keys(config), path), () => setAllConfig.call(stack, config, path));
    stack.removeConfig = (key, path) => keepingTypes(file, [], () => removeConfig.call(stack, key, path));
    stack.removeAllConfig = (keys, path) => keepingTypes(file, [], () => removeAllConfig.call(stack, keys, path));
    return stack;
}

/** Top-level files a stack's program may read relative to the project: Pulumi.yaml, the stack files, users files. */
function projectFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name) && e.name !== "package.json" && e.name !== "package-lock.json")
        .map((e) => e.name);
}

/**
 * Copies the project's top-level files into another folder for an inline run there (a lab, a plan's
 * scratch copy). Pulumi.yaml loses its `main`: the engine insists that `main` exists in the work
 * dir even when the program runs inline, and the copy has no program files of its own.
 */
export function copyProjectForInlineRun(fromDir: string, toDir: string): void {
    makeFolder(toDir);
    for (const file of projectFiles(fromDir)) {
        const source = path.join(fromDir, file);
        if (file === "Pulumi.yaml") {
            const doc = YAML.parseDocument(fs.readFileSync(source, "utf8"));
            doc.delete("main");
            fs.writeFileSync(path.join(toDir, file), doc.toString());
        } else {
            fs.copyFileSync(source, path.join(toDir, file));
        }
    }
}
