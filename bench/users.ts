// Generates a users.yaml of n users, each with a freshly generated (so valid) ed25519 public key, and
// counts the SSM parameters the regional program stores them in (components/sftp-users.ts).
import * as crypto from "node:crypto";
import * as YAML from "yaml";
import { canonicalUsersJson, parseUsersYaml, userListChunks } from "../components/sftp-users";

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

/** How the users of a users.yaml are stored: canonical bytes and SSM parameters per region. */
export interface UserStorage {
    readonly users: number;
    readonly canonicalBytes: number;
    readonly parametersPerRegion: number;
}

/** Validates the document as the program does and counts its storage. */
export function userStorage(yamlText: string): UserStorage {
    const users = parseUsersYaml(yamlText, "bench users.yaml");
    const json = canonicalUsersJson(users);
    return { users: users.length, canonicalBytes: json.length, parametersPerRegion: userListChunks(json).length };
}
