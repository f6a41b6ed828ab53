// What `hostkeys` prints: fingerprints only, never a private key.
import type { HostKeyTexts } from "../../components/host-keys";
import { hostKeyTypes } from "../../components/ssh-keys";
import type { CanaryKeySetup } from "../driver/canary-key";
import type { HostKeysComparison, HostKeysShown } from "../driver/host-keys";
import { configKeys } from "../../stacks/contract";

/** The result of each `hostkeys` action, as `--json` prints it. */
export type HostKeysResult =
    | ({ readonly action: "generated" | "imported"; readonly stacks: readonly string[] } & HostKeysShown)
    | ({ readonly action: "show" } & HostKeysComparison)
    | { readonly action: "canary"; readonly stacks: readonly string[]; readonly canary: CanaryKeySetup };

function fingerprintLines(fingerprints: Readonly<Record<string, string>> | null, indent: string): string[] {
    return hostKeyTypes.map((type) => `${indent}${type.padEnd(8)} ${fingerprints === null ? "(not set)" : fingerprints[type]}`);
}

/** `hostkeys`' text. */
export function renderHostKeys(r: HostKeysResult): string {
    switch (r.action) {
        case "generated":
        case "imported":
            return [`${r.action} host keys of stacks ${r.stacks.join(", ")}:`, ...fingerprintLines(r.fingerprints as HostKeyTexts, "  ")].join("\n");
        case "show":
            return [
                ...Object.entries(r.stacks).flatMap(([name, fps]) => [`${name}:`, ...fingerprintLines(fps, "  ")]),
                r.agree ? "all stacks present the same host keys" : "the stacks do NOT present the same host keys",
            ].join("\n");
        case "canary": {
            const what = { created: "a new canary key stored in", copied: "the canary key copied between", kept: "the canary key already set in" }[r.canary];
            return `${what} stacks ${r.stacks.join(", ")} (secret ${configKeys.canaryKey}, not shown)`;
        }
    }
}
