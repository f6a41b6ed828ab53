import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { Argv, CommandModule } from "yargs";
import type { HostKeyTexts } from "../../../components/host-keys";
import { hostKeyTypes, HostKeyType } from "../../../components/ssh-keys";
import type { RegionName } from "../../../foundation/posture";
import { backendsOf } from "../backends";
import { processIo, projectDirOf, run } from "../context";
import { exitCodes, UsageError } from "../errors";
import { GlobalArgs } from "../options";
import { HostKeysResult, renderHostKeys } from "../render-hostkeys";

/** What `hostkeys` does. */
export const hostKeyActions = ["generate", "import", "show", "canary"] as const;

/** Flags of `hostkeys`. */
export interface HostKeysArgs extends GlobalArgs {
    readonly action: string;
    readonly force: boolean;
    readonly ed25519?: string;
    readonly ecdsa?: string;
    readonly rsa?: string;
}

/**
 * `hostkeys <generate|import|show|canary>`: the regional stacks' shared SSH host keys and the
 * canary's key, kept as secret stack config (automation/driver/host-keys.ts, canary-key.ts). The
 * stacks are created when missing. Only fingerprints are ever printed; bad input is refused before
 * any stack is opened.
 */
export const hostKeysCommand: CommandModule<GlobalArgs, HostKeysArgs> = {
    command: "hostkeys <action>",
    describe: "Shared SSH host keys of both regions and the canary's key, as secret stack config: generate, import, show, canary",
    builder: (y) =>
        y
            .positional("action", {
                type: "string",
                choices: hostKeyActions,
                describe:
                    "generate: new ed25519, ECDSA P-256 and RSA 3072 keys in both regional stacks · import: an existing gateway's keys (--ed25519, --ecdsa, --rsa) · show: each stack's fingerprints, exit 1 unless they agree · canary: one canary key in both stacks unless they hold one",
            })
            .option("force", { type: "boolean", default: false, describe: "generate/import: replace keys a stack already has (every client will warn)" })
            .option("ed25519", { type: "string", nargs: 1, describe: "import: ed25519 private key file (OpenSSH or PEM, no passphrase)" })
            .option("ecdsa", { type: "string", nargs: 1, describe: "import: ECDSA private key file" })
            .option("rsa", { type: "string", nargs: 1, describe: "import: RSA private key file (at least 3072 bits)" }) as unknown as Argv<HostKeysArgs>,
    handler: async (argv) => {
        process.exitCode = await run(argv, processIo, () => hostKeys(argv), renderHostKeys, (r) => (r.action === "show" && !r.agree ? exitCodes.failed : exitCodes.ok));
    },
};

async function hostKeys(argv: HostKeysArgs): Promise<HostKeysResult> {
    const imported = await importedKeys(argv);
    const stacks = await regionalStacks(argv);
    const names = [stacks.primary.name, stacks.secondary.name];
    // Imported here, not at the top: see context.ts.
    const keys = await import("../../driver/host-keys");
    switch (argv.action) {
        case "generate":
            return { action: "generated", stacks: names, ...(await keys.generateAndStoreHostKeys([stacks.primary, stacks.secondary], { force: argv.force })) };
        case "import":
            return { action: "imported", stacks: names, ...(await keys.storeHostKeys([stacks.primary, stacks.secondary], imported!, { force: argv.force })) };
        case "show":
            return { action: "show", ...(await keys.compareHostKeys([stacks.primary, stacks.secondary])) };
        default: {
            const { ensureCanaryKey } = await import("../../driver/canary-key");
            return { action: "canary", stacks: names, canary: await ensureCanaryKey(stacks) };
        }
    }
}

/** The key files of `import`, read and checked; a UsageError for a flag given to another action or a file that is missing or unusable. */
async function importedKeys(argv: HostKeysArgs): Promise<HostKeyTexts | undefined> {
    const given = hostKeyTypes.filter((t) => argv[t] !== undefined);
    if (argv.action !== "import") {
        if (given.length > 0) {
            throw new UsageError(`--${given[0]} applies only to hostkeys import (got hostkeys ${argv.action})`);
        }
        if (argv.force && (argv.action === "show" || argv.action === "canary")) {
            throw new UsageError(`--force applies only to hostkeys generate and import (got hostkeys ${argv.action})`);
        }
        return undefined;
    }
    const missing = hostKeyTypes.filter((t) => argv[t] === undefined);
    if (missing.length > 0) {
        throw new UsageError(`hostkeys import needs ${missing.map((t) => `--${t}`).join(", ")} (a private key file each)`);
    }
    const texts = { ed25519: readKeyFile("ed25519", argv.ed25519!), ecdsa: readKeyFile("ecdsa", argv.ecdsa!), rsa: readKeyFile("rsa", argv.rsa!) };
    try {
        // Checked before any stack is opened; the message names the flag (`--rsa has 2048 bits …`).
        // Imported here: the component module loads Pulumi, which no verb's start may (see context.ts).
        const { loadHostKeys } = await import("../../../components/host-keys");
        loadHostKeys(texts, "--");
    } catch (err) {
        throw new UsageError((err as Error).message.replace(/^--\./, "--"));
    }
    return texts;
}

function readKeyFile(type: HostKeyType, file: string): string {
    try {
        return fs.readFileSync(path.resolve(file), "utf8");
    } catch (err) {
        throw new UsageError(`--${type} ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
}

/** The two regional stacks the flags name, created when missing, with the backends the flags select. */
async function regionalStacks(argv: HostKeysArgs): Promise<Record<RegionName, Stack>> {
    const backends = await backendsOf(argv);
    const projectDir = projectDirOf(argv);
    const { engineEnvironment } = await import("../../engine/environment");
    const { openStack } = await import("../../engine/workspace");
    const env = engineEnvironment({ standIn: await backends.standIn(), backendUrl: argv.backend, projectDir });
    return { primary: await openStack(argv["primary-stack"], env), secondary: await openStack(argv["secondary-stack"], env) };
}
