import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { EngineEnvironment, engineEnvironment } from "../automation/engine/environment";
import { resolveProjectDir } from "../automation/engine/locations";
import { copyProjectForInlineRun, openStack } from "../automation/engine/workspace";
import { ensureHostKeys } from "../scripts/hostkeys";

/** The three stacks of a two-region deployment, by role. */
export interface LabStacks {
    readonly primary: Stack;
    readonly secondary: Stack;
    readonly dns: Stack;
}

/**
 * A throwaway copy of the project wired to the sandbox provider: its own folder, state backend and
 * PULUMI_HOME, so a drill or a test never touches the repository's stack files or anyone's state.
 */
export interface Lab {
    readonly dir: string;
    readonly env: EngineEnvironment;
    /** Path of the sandbox's operation log (one JSON line per provider operation). */
    readonly recordFile: string;
    /** Path of the sandbox's fault-injection control file (absent = no faults). */
    readonly faultFile: string;
    /** Opens the three stacks, giving both regional stacks the same new host keys if they have none. */
    stacks(): Promise<LabStacks>;
    /** Removes the lab folder (state included). */
    remove(): void;
}

export interface LabOptions {
    /** Project whose Pulumi files the lab copies. Defaults to `resolveProjectDir()`: the nearest folder at or above the current one holding Pulumi.yaml. */
    readonly projectDir?: string;
    /** Folder of the lab. Defaults to a new temporary folder. */
    readonly dir?: string;
    /** Extra environment for the engine and the sandbox. Defaults to none. */
    readonly extraEnv?: Readonly<Record<string, string>>;
}

/** Creates a lab: copies the project's Pulumi files into a fresh folder with its own state. */
export function createLab(opts: LabOptions = {}): Lab {
    const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "sftp-failover-lab-"));
    fs.rmSync(dir, { recursive: true, force: true });
    copyProjectForInlineRun(resolveProjectDir(opts.projectDir), dir);
    const recordFile = path.join(dir, "sandbox-operations.jsonl");
    const faultFile = path.join(dir, "sandbox-faults.json");
    const env = engineEnvironment({
        projectDir: dir,
        sandbox: true,
        backendUrl: `file://${path.join(dir, ".state")}`,
        pulumiHome: path.join(dir, ".pulumi-home"),
        extraEnv: { SANDBOX_RECORD_FILE: recordFile, SANDBOX_FAULT_FILE: faultFile, ...opts.extraEnv },
    });
    return {
        dir,
        env,
        recordFile,
        faultFile,
        async stacks() {
            const primary = await openStack("primary", env);
            const secondary = await openStack("secondary", env);
            // A lab gets host keys of its own, so no private key is ever committed for it.
            await ensureHostKeys([primary, secondary]);
            return { primary, secondary, dns: await openStack("dns", env) };
        },
        remove() {
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
