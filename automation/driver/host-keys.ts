// Shared SSH host keys for both regional stacks, kept as secret stack config. The same three
// private keys go to every regional stack as `sftp-failover:hostKeys.{ed25519,ecdsa,rsa}`
// (encrypted by the stack's secrets provider), so a client that moves between regions sees one set
// of fingerprints. Secret config rather than a dynamic resource: a dynamic provider needs an extra
// engine plugin, and this way the keys are plain reviewable config that an import can replace with
// an existing gateway's keys. `sftp-failover hostkeys …` is the operator's way in; this module
// never prints — its results carry only fingerprints and public keys.
import { Stack } from "@pulumi/pulumi/automation";
import { HostKeyMaterial, HostKeyTexts, generateHostKeys, loadHostKeys } from "../../components/host-keys";
import { configKeys } from "../../stacks/contract";
import { HostKeyType, hostKeyTypes } from "../../components/ssh-keys";
import { setSecretConfig } from "../engine/secret-config";
import { BadInputError, FailoverError } from "./errors";

/** What may be shown of a set of host keys: never the private halves. */
export interface HostKeysShown {
    readonly fingerprints: HostKeyTexts;
    readonly publicKeys: HostKeyTexts;
}

/** Each stack's fingerprints (null: it holds none), and whether all hold the same set. */
export interface HostKeysComparison {
    readonly stacks: Readonly<Record<string, Readonly<Record<HostKeyType, string>> | null>>;
    readonly agree: boolean;
}

/** The host keys as secret config entries, by property path (`ns:hostKeys.<type>`); see `setSecretConfig`. */
export function hostKeyConfigEntries(texts: HostKeyTexts): Record<string, string> {
    const entries: Record<string, string> = {};
    for (const type of hostKeyTypes) {
        entries[`${configKeys.hostKeys}.${type}`] = texts[type];
    }
    return entries;
}

/** The host keys a stack holds now, or undefined when it has none. */
async function currentKeys(stack: Stack): Promise<unknown> {
    const entry = (await stack.getAllConfig())[configKeys.hostKeys];
    return entry === undefined ? undefined : (JSON.parse(entry.value) as unknown);
}

function shown(material: HostKeyMaterial): HostKeysShown {
    return { fingerprints: material.fingerprints, publicKeys: material.publicKeys };
}

/**
 * Stores one set of host keys in every stack. Refuses, changing nothing, when a stack holds keys
 * already unless `force`: replacing host keys makes every client warn.
 *
 * @throws BadInputError when the keys are unusable, or a stack holds keys and `force` is not set.
 */
export async function storeHostKeys(stacks: readonly Stack[], texts: HostKeyTexts, opts: { force: boolean; label?: string }): Promise<HostKeysShown> {
    let material: HostKeyMaterial;
    try {
        material = loadHostKeys(texts, opts.label ?? "hostKeys");
    } catch (err) {
        throw new BadInputError((err as Error).message, { cause: err });
    }
    if (!opts.force) {
        for (const stack of stacks) {
            if ((await currentKeys(stack)) !== undefined) {
                throw new BadInputError(`stack ${stack.name} already has ${configKeys.hostKeys}; replacing host keys makes every client warn — pass --force to do it anyway`);
            }
        }
    }
    for (const stack of stacks) {
        await setSecretConfig(stack, hostKeyConfigEntries(texts), true);
    }
    return shown(material);
}

/** Generates a fresh set (ed25519, ECDSA P-256, RSA 3072) and stores it as {@link storeHostKeys} does. */
export async function generateAndStoreHostKeys(stacks: readonly Stack[], opts: { force: boolean }): Promise<HostKeysShown> {
    return storeHostKeys(stacks, generateHostKeys(), opts);
}

/** Each stack's fingerprints, and whether they agree (a stack without keys never agrees). */
export async function compareHostKeys(stacks: readonly Stack[]): Promise<HostKeysComparison> {
    const result: Record<string, Record<HostKeyType, string> | null> = {};
    for (const stack of stacks) {
        const raw = await currentKeys(stack);
        result[stack.name] = raw === undefined ? null : loadHostKeys(raw, `${stack.name}: ${configKeys.hostKeys}`).fingerprints;
    }
    const distinct = new Set(Object.values(result).map((fp) => JSON.stringify(fp)));
    return { stacks: result, agree: distinct.size === 1 && !distinct.has("null") };
}

/**
 * Makes sure every stack holds the same host keys: when none has any, generates one set and stores
 * it in all of them; when all hold the same keys, changes nothing; otherwise throws. For labs and
 * drills that deploy copies of the stack files, so no private key has to be committed for them.
 * Resolves to the fingerprints in force.
 *
 * @throws FailoverError when the stacks hold different keys.
 */
export async function ensureHostKeys(stacks: readonly Stack[]): Promise<HostKeyTexts> {
    const current = await Promise.all(stacks.map((s) => currentKeys(s)));
    if (current.every((c) => c === undefined)) {
        return (await generateAndStoreHostKeys(stacks, { force: true })).fingerprints;
    }
    const fingerprints = current.map((c, i) => (c === undefined ? "(none)" : JSON.stringify(loadHostKeys(c, `${stacks[i].name}: ${configKeys.hostKeys}`).fingerprints)));
    if (new Set(fingerprints).size !== 1) {
        throw new FailoverError(`stacks ${stacks.map((s) => s.name).join(", ")} hold different host keys; run sftp-failover hostkeys show`);
    }
    return loadHostKeys(current[0]).fingerprints;
}
