// The canary's key, set up so verification works out of the box: the gate before DNS logs in to a
// region as the canary (verify.ts), and a region without one can only be switched `unverified`.
// One key for both regions — the driver logs in to whichever gains answers with the same identity
// — kept as secret stack config (`sftp-failover:canaryKey`), never printed. The regional program
// adds the canary to the users it serves (stacks/config/regional.ts), confined to `canary/`.
import * as crypto from "node:crypto";
import { Stack } from "@pulumi/pulumi/automation";
import { toOpensshPrivateKey } from "../../components/ssh-keys";
import { configKeys } from "../../stacks/contract";
import { setSecretConfig } from "../engine/secret-config";
import { RegionName, regionNames } from "../../foundation/posture";

/** What {@link ensureCanaryKey} did: `created` a new key, `copied` one region's to the other, or `kept` both. */
export type CanaryKeySetup = "created" | "copied" | "kept";

/** A new canary private key (ed25519, OpenSSH format, no passphrase). */
export function newCanaryKey(): string {
    return toOpensshPrivateKey(crypto.generateKeyPairSync("ed25519").privateKey, "sftp-canary");
}

/**
 * Gives both regional stacks one canary key unless both have one already: a region that has one
 * lends it to the other; with none, a new key is generated. The value goes to the engine on
 * standard input (setSecretConfig), never on a command line.
 */
export async function ensureCanaryKey(stacks: Readonly<Record<RegionName, Stack>>): Promise<CanaryKeySetup> {
    const current = await Promise.all(regionNames.map(async (r) => (await stacks[r].getAllConfig())[configKeys.canaryKey]?.value));
    if (current.every((k) => k !== undefined)) {
        return "kept";
    }
    const existing = current.find((k) => k !== undefined);
    const key = existing ?? newCanaryKey();
    for (const [i, region] of regionNames.entries()) {
        if (current[i] === undefined) {
            await setSecretConfig(stacks[region], { [configKeys.canaryKey]: key });
        }
    }
    return existing !== undefined ? "copied" : "created";
}
