import { execFileSync, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { generateHostKeys, loadHostKeys } from "../../components/host-keys";
import { hostKeyTypes, parseAuthorizedKey, parsePrivateKey, publicKeyLineOf, toOpensshPrivateKey } from "../../components/ssh-keys";
import { fixtureHostKeys, fixtures } from "./regional-harness";

// Host keys and SSH key parsing, checked against the real ssh-keygen: the fingerprints the stacks
// export must be exactly what `ssh-keygen -lf` prints, or clients could not verify them.

function requireSshKeygen(ctx: Mocha.Context): void {
    if (spawnSync("ssh-keygen", ["-?"], { stdio: "ignore" }).error !== undefined) {
        if (process.env.CI !== undefined && process.env.CI !== "") {
            throw new Error("ssh-keygen is not installed (apt-get install -y openssh-client); CI must run this test");
        }
        ctx.skip();
    }
}

/** `SHA256:...` as ssh-keygen prints it for a key file. */
function sshKeygenFingerprint(file: string): string {
    return execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", file], { encoding: "utf8" }).split(" ")[1];
}

function withTempFile<T>(content: string, fn: (file: string) => T): T {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostkeys-"));
    try {
        const file = path.join(dir, "key");
        fs.writeFileSync(file, content, { mode: 0o600 });
        return fn(file);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("regional host keys", () => {
    it("fingerprints of the fixture keys equal ssh-keygen -lf, for each of ed25519, ecdsa and rsa", function () {
        requireSshKeygen(this);
        const material = loadHostKeys(fixtureHostKeys());
        for (const type of hostKeyTypes) {
            const file = path.join(fixtures, "host-keys", `ssh_host_${type}_key`);
            expect(material.fingerprints[type], type).to.equal(sshKeygenFingerprint(file));
            expect(material.fingerprints[type], type).to.equal(sshKeygenFingerprint(`${file}.pub`));
        }
    });

    it("public key lines derived from the private keys equal the .pub files ssh-keygen wrote", () => {
        const material = loadHostKeys(fixtureHostKeys());
        for (const type of hostKeyTypes) {
            const pub = fs.readFileSync(path.join(fixtures, "host-keys", `ssh_host_${type}_key.pub`), "utf8").split(" ");
            expect(material.publicKeys[type]).to.equal(`${pub[0]} ${pub[1]}`);
        }
    });

    it("generated keys are OpenSSH files ssh-keygen reads, with the fingerprints we compute, RSA of 3072 bits", function () {
        requireSshKeygen(this);
        const generated = generateHostKeys();
        const material = loadHostKeys(generated);
        for (const type of hostKeyTypes) {
            expect(generated[type]).to.match(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
            const line = withTempFile(generated[type], (file) => execFileSync("ssh-keygen", ["-l", "-f", file], { encoding: "utf8" }));
            expect(line.split(" ")[1], type).to.equal(material.fingerprints[type]);
            if (type === "rsa") {
                expect(line.split(" ")[0]).to.equal("3072");
            }
        }
    });

    it("serialising a key is deterministic, so re-reading the config never changes the secret", () => {
        const key = parsePrivateKey(fixtureHostKeys().ecdsa);
        expect(toOpensshPrivateKey(key, "c")).to.equal(toOpensshPrivateKey(key, "c"));
        expect(publicKeyLineOf(parsePrivateKey(toOpensshPrivateKey(key)))).to.equal(publicKeyLineOf(key));
    });

    it("PEM private keys (PKCS#8 from openssl or node) are accepted as well", () => {
        const pem = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
        const material = loadHostKeys({ ...fixtureHostKeys(), ecdsa: pem });
        expect(material.fingerprints.ecdsa).to.match(/^SHA256:/);
        expect(material.privateKeys.ecdsa).to.equal(`${pem.trim()}\n`);
    });

    describe("invalid host keys fail naming the key", () => {
        const keys = fixtureHostKeys();
        const cases: [string, Record<string, unknown> | unknown, RegExp][] = [
            ["a missing key", { ed25519: keys.ed25519, ecdsa: keys.ecdsa }, /^hostKeys\.rsa is missing/],
            ["a key of the wrong type in a slot", { ...keys, rsa: keys.ed25519 }, /^hostKeys\.rsa holds an ed25519 key/],
            [
                "an RSA key under 3072 bits",
                { ...keys, rsa: fs.readFileSync(path.join(fixtures, "host-keys", "weak_rsa_2048_key"), "utf8") },
                /^hostKeys\.rsa has 2048 bits; at least 3072 are required/,
            ],
            [
                "a passphrase-protected key",
                { ...keys, ed25519: fs.readFileSync(path.join(fixtures, "host-keys", "encrypted_ed25519_key"), "utf8") },
                /^hostKeys\.ed25519 is not a usable private key: the key is encrypted/,
            ],
            ["text that is no key", { ...keys, ecdsa: "hello" }, /^hostKeys\.ecdsa is not a usable private key/],
            ["an unknown slot", { ...keys, dsa: keys.rsa }, /^hostKeys has unknown key\(s\) dsa/],
            ["not an object", "just a string", /^hostKeys must be an object/],
        ];
        for (const [what, raw, message] of cases) {
            it(what, () => {
                expect(() => loadHostKeys(raw)).to.throw(message);
            });
        }

        it("messages never contain key material", () => {
            let message = "";
            try {
                loadHostKeys({ ...keys, rsa: keys.ed25519 });
            } catch (err) {
                message = (err as Error).message;
            }
            expect(message).to.match(/holds an ed25519 key/);
            expect(message).to.not.include("PRIVATE");
            expect(message).to.not.include(keys.ed25519.split("\n")[1]);
        });
    });

    describe("public key lines", () => {
        const alice = fs.readFileSync(path.join(fixtures, "user-keys", "alice.pub"), "utf8").trim();
        const bob = fs.readFileSync(path.join(fixtures, "user-keys", "bob.pub"), "utf8").trim();

        it("parses ed25519, rsa and ecdsa lines and matches ssh-keygen's fingerprints", function () {
            requireSshKeygen(this);
            for (const name of ["alice", "bob", "carol"]) {
                const file = path.join(fixtures, "user-keys", `${name}.pub`);
                const key = parseAuthorizedKey(fs.readFileSync(file, "utf8"));
                expect(key.fingerprint, name).to.equal(sshKeygenFingerprint(file));
                expect(key.comment).to.equal(`${name}@example`);
            }
        });

        const [type, b64] = alice.split(" ");
        const blob = Buffer.from(b64, "base64");
        const bad: [string, string, RegExp][] = [
            ["not base64", `${type} AAAA$$$$`, /not valid base64/],
            ["a type that does not match the key data", `ssh-rsa ${b64}`, /key data says "ssh-ed25519" but the line says "ssh-rsa"/],
            ["truncated key data", `${type} ${blob.subarray(0, blob.length - 4).toString("base64")}`, /truncated key data|must be 32 bytes/],
            ["trailing bytes", `${type} ${Buffer.concat([blob, Buffer.from([0, 0, 0, 0])] as unknown as Uint8Array[]).toString("base64")}`, /trailing bytes/],
            ["an RSA key under 2048 bits", fs.readFileSync(path.join(fixtures, "user-keys", "weak1024.pub"), "utf8"), /1024 bits; at least 2048/],
            ["authorized_keys options in front", `from="10.0.0.1" ${alice}`, /unsupported key type|not valid base64/],
            ["DSA", `ssh-dss ${b64}`, /key data says/],
            ["one word", "ssh-ed25519", /expected '<type> <base64> \[comment\]'/],
        ];
        for (const [what, line, message] of bad) {
            it(`refuses ${what}`, () => {
                expect(() => parseAuthorizedKey(line)).to.throw(message);
            });
        }

        it("the canonical form drops the comment", () => {
            expect(parseAuthorizedKey(bob).canonical).to.equal(bob.split(" ").slice(0, 2).join(" "));
        });
    });
});
