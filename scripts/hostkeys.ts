#!/usr/bin/env node
// Shared SSH host keys for both regional stacks, written once as secret stack config:
//
//   npx ts-node --transpile-only scripts/hostkeys.ts generate [--stacks primary secondary] [--sandbox]
//   npx ts-node --transpile-only scripts/hostkeys.ts import --ed25519 F --ecdsa F --rsa F [--stacks ...]
//   npx ts-node --transpile-only scripts/hostkeys.ts show [--stacks ...]
//   npx ts-node --transpile-only scripts/hostkeys.ts canary [--stacks primary secondary]
//
// The same three private keys go to every listed stack as `sftp-failover:hostKeys.{ed25519,ecdsa,rsa}`
// (encrypted by the stack's secrets provider); only fingerprints are ever printed. A CLI rather than
// a dynamic resource: a dynamic provider needs an extra engine plugin, and this way the keys are
// plain reviewable config that an import can replace with an existing gateway's keys.
import * as fs from "node:fs";
import * as path from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { Stack } from "@pulumi/pulumi/automation";
import { HostKeyMaterial, HostKeyTexts, generateHostKeys, loadHostKeys } from "../components/host-keys";
import { HostKeyType, hostKeyTypes } from "../components/ssh-keys";
import { engineEnvironment } from "../automation/engine/environment";
import { sandboxStandIn } from "../sandbox/engine";
import { openStack } from "../automation/engine/workspace";
import { setSecretConfig } from "../automation/engine/secret-config";
import { ensureCanaryKey } from "../automation/driver/canary-key";
import { configKeys } from "../stacks/contract";

/** The config key the regional stacks read (stacks/config/regional.ts). */
export const hostKeysConfigKey = "sftp-failover:hostKeys";

/** A usage or input error: exit code 2, nothing written. */
class BadInput extends Error {
    constructor(message: string) {
        super(message);
        this.name = "BadInput";
    }
}

interface CommonOptions {
    readonly stacks: string[];
    readonly sandbox: boolean;
    readonly backend?: string;
    readonly stackDir?: string;
    readonly json: boolean;
}

/** The host keys as secret config entries, by property path (`ns:hostKeys.<type>`); see `setSecretConfig`. */
export function hostKeyConfigEntries(texts: HostKeyTexts): Record<string, string> {
    const entries: Record<string, string> = {};
    for (const type of hostKeyTypes) {
        entries[`${hostKeysConfigKey}.${type}`] = texts[type];
    }
    return entries;
}

async function openAll(opts: CommonOptions): Promise<Stack[]> {
    const env = engineEnvironment({ ...(opts.sandbox ? { standIn: sandboxStandIn } : {}), backendUrl: opts.backend, projectDir: opts.stackDir });
    const stacks: Stack[] = [];
    for (const name of opts.stacks) {
        stacks.push(await openStack(name, env));
    }
    return stacks;
}

/** The host keys a stack holds now, or undefined when it has none. */
async function currentKeys(stack: Stack): Promise<unknown> {
    const all = await stack.getAllConfig();
    const entry = all[hostKeysConfigKey];
    return entry === undefined ? undefined : (JSON.parse(entry.value) as unknown);
}

/**
 * Makes sure every stack holds the same host keys: when none has any, generates one set and stores
 * it in all of them; when all hold the same keys, changes nothing; otherwise throws. For labs and
 * drills that deploy copies of the stack files, so no private key has to be committed for them.
 * Resolves to the fingerprints in force.
 */
export async function ensureHostKeys(stacks: readonly Stack[]): Promise<HostKeyTexts> {
    const current = await Promise.all(stacks.map((s) => currentKeys(s)));
    if (current.every((c) => c === undefined)) {
        const texts = generateHostKeys();
        const material = loadHostKeys(texts);
        for (const stack of stacks) {
            await setSecretConfig(stack, hostKeyConfigEntries(texts), true);
        }
        return material.fingerprints;
    }
    const fingerprints = current.map((c, i) =>
        c === undefined ? "(none)" : JSON.stringify(loadHostKeys(c, `${stacks[i].name}: ${hostKeysConfigKey}`).fingerprints),
    );
    if (new Set(fingerprints).size !== 1) {
        throw new Error(`stacks ${stacks.map((s) => s.name).join(", ")} hold different host keys; run scripts/hostkeys.ts show`);
    }
    return loadHostKeys(current[0]).fingerprints;
}

function report(opts: CommonOptions, action: string, material: HostKeyMaterial): void {
    if (opts.json) {
        process.stdout.write(`${JSON.stringify({ action, stacks: opts.stacks, fingerprints: material.fingerprints, publicKeys: material.publicKeys })}\n`);
        return;
    }
    process.stderr.write(`${action} host keys of stack(s) ${opts.stacks.join(", ")}\n`);
    for (const type of hostKeyTypes) {
        process.stdout.write(`${type.padEnd(8)} ${material.fingerprints[type]}\n`);
    }
}

async function write(opts: CommonOptions & { force: boolean }, texts: HostKeyTexts, action: string): Promise<void> {
    const material = loadHostKeys(texts);
    const stacks = await openAll(opts);
    if (!opts.force) {
        for (const stack of stacks) {
            if ((await currentKeys(stack)) !== undefined) {
                throw new BadInput(
                    `stack ${stack.name} already has ${hostKeysConfigKey}; replacing host keys makes every client warn — pass --force to do it anyway`,
                );
            }
        }
    }
    for (const stack of stacks) {
        await setSecretConfig(stack, hostKeyConfigEntries(texts), true);
    }
    report(opts, action, material);
}

/** `canary`: one canary key in both regional stacks unless they hold one (automation/driver/canary-key.ts); the key is never printed. */
async function canary(opts: CommonOptions): Promise<void> {
    if (opts.stacks.length !== 2) {
        throw new BadInput(`canary needs the two regional stacks, primary then secondary (got --stacks ${opts.stacks.join(" ")})`);
    }
    const [primary, secondary] = await openAll(opts);
    const done = await ensureCanaryKey({ primary, secondary });
    if (opts.json) {
        process.stdout.write(`${JSON.stringify({ action: "canary", stacks: opts.stacks, canary: done })}\n`);
        return;
    }
    const what = { created: "a new canary key stored in", copied: "the canary key copied between", kept: "the canary key already set in" }[done];
    process.stdout.write(`${what} stack(s) ${opts.stacks.join(", ")} (secret ${configKeys.canaryKey})\n`);
}

function readKeyFile(type: HostKeyType, file: string): string {
    try {
        return fs.readFileSync(path.resolve(file), "utf8");
    } catch (err) {
        throw new BadInput(`--${type} ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
}

async function show(opts: CommonOptions): Promise<void> {
    const stacks = await openAll(opts);
    const result: Record<string, Record<HostKeyType, string> | null> = {};
    for (const stack of stacks) {
        const raw = await currentKeys(stack);
        result[stack.name] = raw === undefined ? null : loadHostKeys(raw, `${stack.name}: ${hostKeysConfigKey}`).fingerprints;
    }
    const distinct = new Set(Object.values(result).map((fp) => JSON.stringify(fp)));
    const agree = distinct.size === 1 && !distinct.has("null");
    if (opts.json) {
        process.stdout.write(`${JSON.stringify({ stacks: result, agree })}\n`);
    } else {
        for (const [name, fps] of Object.entries(result)) {
            process.stdout.write(`${name}:\n`);
            for (const type of hostKeyTypes) {
                process.stdout.write(`  ${type.padEnd(8)} ${fps === null ? "(not set)" : fps[type]}\n`);
            }
        }
        process.stderr.write(agree ? "all stacks present the same host keys\n" : "the stacks do NOT present the same host keys\n");
    }
    if (!agree) {
        process.exitCode = 1;
    }
}

function parser(argv: string[]) {
    return yargs(argv)
        .scriptName("hostkeys")
        .usage("$0 <command> [options]\n\nShared SSH host keys of the regional stacks, kept as secret stack config.")
        .option("stacks", { type: "array", string: true, default: ["primary", "secondary"], describe: "Stacks that get the same keys" })
        .option("sandbox", { type: "boolean", default: false, describe: "Use the sandbox backend and passphrase" })
        .option("backend", { type: "string", describe: "State backend URL (default: file://<project>/.pulumi-state)" })
        .option("stack-dir", { type: "string", describe: "Folder holding Pulumi.yaml and the stack files (default: the repository)" })
        .option("json", { type: "boolean", default: false, describe: "Print only JSON on stdout" })
        .command(
            "generate",
            "Generate ed25519, ECDSA P-256 and RSA 3072 keys and store them in every stack",
            (y) => y.option("force", { type: "boolean", default: false, describe: "Replace keys a stack already has" }),
            async (a) => write({ ...(a as unknown as CommonOptions), force: a.force }, generateHostKeys(), "generated"),
        )
        .command(
            "import",
            "Import an existing gateway's OpenSSH/PEM private keys (no passphrase) into every stack",
            (y) =>
                y
                    .option("ed25519", { type: "string", demandOption: true, describe: "ed25519 private key file" })
                    .option("ecdsa", { type: "string", demandOption: true, describe: "ECDSA private key file" })
                    .option("rsa", { type: "string", demandOption: true, describe: "RSA private key file (>= 3072 bits)" })
                    .option("force", { type: "boolean", default: false, describe: "Replace keys a stack already has" }),
            async (a) => {
                const texts = { ed25519: readKeyFile("ed25519", a.ed25519), ecdsa: readKeyFile("ecdsa", a.ecdsa), rsa: readKeyFile("rsa", a.rsa) };
                try {
                    loadHostKeys(texts, "--");
                } catch (err) {
                    throw new BadInput((err as Error).message.replace(/^--\./, "--"));
                }
                await write({ ...(a as unknown as CommonOptions), force: a.force }, texts, "imported");
            },
        )
        .command("show", "Print each stack's host key fingerprints and whether they agree", {}, async (a) => show(a as unknown as CommonOptions))
        .command(
            "canary",
            "Give both regional stacks one canary key (secret sftp-failover:canaryKey), unless they hold one: the driver logs in with it to verify a region before DNS moves",
            {},
            async (a) => canary(a as unknown as CommonOptions),
        )
        .demandCommand(1, "a command is required (generate, import, show, canary)")
        .strict()
        .fail((msg, err) => {
            throw err ?? new BadInput(msg);
        })
        .help()
        .version(false);
}

/** Runs the CLI; sets process.exitCode (2 for bad input, 1 for any other failure). */
export async function main(argv: string[]): Promise<void> {
    try {
        await parser(argv).parseAsync();
    } catch (err) {
        const bad = err instanceof BadInput || (err instanceof Error && err.name === "YError");
        process.stderr.write(`error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}\n`);
        process.exitCode = bad ? 2 : 1;
    }
}

if (require.main === module) {
    void main(hideBin(process.argv));
}
