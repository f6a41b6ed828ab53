// Generates a users.yaml of n users, each with a freshly generated (so valid) ed25519 public key, and
// measures the object the regional program stores them in (components/sftp-users.ts).
import * as crypto from "node:crypto";
import * as YAML from "yaml";
import { canonicalUsersJson, parseUsersYaml } from "../components/sftp-users";

/** The OpenSSH `ssh-ed25519 <base64>` line of a new key (RFC 8709 wire format: string type, string key). */
function ed25519PublicKey(): string {
    const { publicKey } = crypto.generateKeyPairSync("ed25519");
    // The SPKI DER of an ed25519 key ends with the 32 raw key bytes (RFC 8410).
    const raw = new Uint8Array(publicKey.export({ format: "der", type: "spki" })).slice(-32);
    const type = new TextEncoder().encode("ssh-ed25519");
    const wire = new Uint8Array(4 + type.length + 4 + raw.length);
    const view = new DataView(wire.buffer);
    view.setUint32(0, type.length);
    wire.set(type, 4);
    view.setUint32(4 + type.length, raw.length);
    wire.set(raw, 8 + type.length);
    return `ssh-ed25519 ${Buffer.from(wire).toString("base64")}`;
}

/** A users.yaml document with `count` users named user0000…, one ed25519 key each. */
export function usersYaml(count: number): string {
    const users = Array.from({ length: count }, (_, i) => ({
        name: `user${String(i).padStart(4, "0")}`,
        publicKeys: [`${ed25519PublicKey()} user${i}@bench`],
    }));
    return YAML.stringify({ users });
}

/** How the users of a users.yaml are stored: one object per region, of the canonical JSON's size. */
export interface UserStorage {
    readonly users: number;
    /** Bytes of the canonical JSON, which is the users object's whole content. */
    readonly canonicalBytes: number;
}

/** Validates the document as the program does and measures its storage. */
export function userStorage(yamlText: string): UserStorage {
    const users = parseUsersYaml(yamlText, "bench users.yaml");
    return { users: users.length, canonicalBytes: Buffer.byteLength(canonicalUsersJson(users), "utf8") };
}

/** The storage as the bench tables print it, e.g. `1 object/region (313 KiB)`. */
export function storageLabel(storage: UserStorage): string {
    return `1 object/region (${(storage.canonicalBytes / 1024).toFixed(0)} KiB)`;
}
