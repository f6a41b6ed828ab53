import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { EngineEnvironment } from "../automation/engine/environment";
import { sandboxEngineEnvironment, sandboxWorldDir } from "./engine";
import { resolveProjectDir } from "../automation/engine/locations";
import { bootstrap, BootstrapOptions, BootstrapResult } from "../automation/driver/bootstrap";
import { EndpointHealthSource } from "../automation/driver/endpoint-health";
import { sandboxEndpointHealth } from "./endpoint-health";
import { copyProjectForInlineRun, openStack } from "../automation/engine/workspace";
import { ensureHostKeys } from "../automation/driver/host-keys";
import { ensureCanaryKey } from "./lab-servers";

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
    /** Folder of the sandbox's shared world (what every stack's provider created; world.ts). */
    readonly worldDir: string;
    /** Each region's endpoint-check health from the reachability model, with the lab's faults. */
    readonly endpointHealth: EndpointHealthSource;
    /** Opens the three stacks, giving both regional stacks the same new host keys if they have none; later calls return the same stacks. */
    stacks(): Promise<LabStacks>;
    /**
     * Opens the stacks (as `stacks()`) and deploys them in the only order AWS accepts — the
     * bootstrap order: both regions without replication, then with it, then DNS.
     */
    deploy(opts?: Pick<BootstrapOptions, "onProgress" | "onEvent" | "onOutput" | "signal">): Promise<BootstrapResult>;
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
    /** Give the regions a canary (secret config), so they can be verified (sandbox/lab-servers.ts). Defaults to false. */
    readonly canary?: boolean;
}

/**
 * The SFTPGo package a lab's gateways would boot from: a pinned file in the regional bucket, as
 * docs/regional.md recommends, so a lab's standby scales up during an injected regional event (the
 * reachability model cuts the internet then). The sandbox boots nothing, so the checksum only has
 * to be well formed.
 */
export const labBootPackage = { key: ".sftp-failover/artifacts/sftpgo-2.6.6-1.x86_64.rpm", sha256: "0".repeat(64) } as const;

/** Sets `sftpgoPackage` on the regional stacks that have none (a lab's own choice is kept). */
async function ensureBootPackage(stacks: readonly Stack[]): Promise<void> {
    for (const stack of stacks) {
        const all = await stack.getAllConfig();
        if (all["sftp-failover:sftpgoPackage"] === undefined) {
            await stack.setConfig("sftp-failover:sftpgoPackage", { value: JSON.stringify(labBootPackage) });
        }
    }
}

/** Creates a lab: copies the project's Pulumi files into a fresh folder with its own state. */
export function createLab(opts: LabOptions = {}): Lab {
    const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "sftp-failover-lab-"));
    fs.rmSync(dir, { recursive: true, force: true });
    copyProjectForInlineRun(resolveProjectDir(opts.projectDir), dir);
    const recordFile = path.join(dir, "sandbox-operations.jsonl");
    const faultFile = path.join(dir, "sandbox-faults.json");
    const backendUrl = `file://${path.join(dir, ".state")}`;
    // Where engineEnvironment puts it for this backend, so the CLI pointed at the lab finds it too.
    const worldDir = sandboxWorldDir(backendUrl) ?? path.join(dir, "sandbox-world");
    const env = sandboxEngineEnvironment({
        projectDir: dir,
        backendUrl,
        pulumiHome: path.join(dir, ".pulumi-home"),
        extraEnv: { SANDBOX_RECORD_FILE: recordFile, SANDBOX_FAULT_FILE: faultFile, ...opts.extraEnv },
    });
    const openStacks = async (): Promise<LabStacks> => {
        const primary = await openStack("primary", env);
        const secondary = await openStack("secondary", env);
        // A lab gets host keys of its own, so no private key is ever committed for it.
        await ensureHostKeys([primary, secondary]);
        await ensureBootPackage([primary, secondary]);
        if (opts.canary === true) {
            await ensureCanaryKey({ primary, secondary });
        }
        return { primary, secondary, dns: await openStack("dns", env) };
    };
    // Opened once per lab: an open runs the engine's CLI several times (select, config reads and
    // writes), and what it ensures stays ensured. A Stack reads its config and state afresh on
    // every call, so a test that edits a stack file still sees the edit. A failed open is retried.
    let opened: Promise<LabStacks> | undefined;
    const stacks = (): Promise<LabStacks> => {
        opened ??= openStacks().catch((err: unknown) => {
            opened = undefined;
            throw err;
        });
        return opened;
    };
    return {
        dir,
        env,
        recordFile,
        faultFile,
        worldDir,
        endpointHealth: sandboxEndpointHealth({ worldDir, env: { SANDBOX_FAULT_FILE: faultFile, ...opts.extraEnv } }),
        stacks,
        async deploy(deployOpts = {}) {
            await stacks();
            // A lab's regions have no server to log in to unless the test starts one: a canary only on request.
            return bootstrap({ engine: env, canary: opts.canary === true, ...deployOpts });
        },
        remove() {
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
