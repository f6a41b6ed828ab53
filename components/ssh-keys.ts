// OpenSSH key formats, parsed for real: the SSH wire encoding of public keys (RFC 4253 §6.6,
// RFC 5656, RFC 8709), authorized_keys lines, and unencrypted "openssh-key-v1" private keys.
// Pure: no Pulumi import, so the program, the host-key CLI and the tests share one implementation.
import * as crypto from "node:crypto";

/** The host key algorithms every gateway presents. */
export type HostKeyType = "ed25519" | "ecdsa" | "rsa";

/** The three host key types, in the order `ssh-keygen -A` creates them. */
export const hostKeyTypes: readonly HostKeyType[] = ["ed25519", "ecdsa", "rsa"];

/** The smallest RSA modulus accepted for a host key (NIST SP 800-57: 3072 bits past 2030). */
export const minRsaHostKeyBits = 3072;

/** The smallest RSA modulus accepted for a user key. */
export const minRsaUserKeyBits = 2048;

const ecdsaCurves: Readonly<Record<string, { crv: string; size: number }>> = {
    nistp256: { crv: "P-256", size: 32 },
    nistp384: { crv: "P-384", size: 48 },
    nistp521: { crv: "P-521", size: 66 },
};

/**
 * The pinned @types/node predates TypeScript's generic Uint8Array, so a Buffer no longer type-checks
 * where a Uint8Array is expected; this view is the same bytes with the type the APIs want.
 */
function u8(buf: Buffer): Uint8Array {
    return buf as unknown as Uint8Array;
}

function concat(parts: readonly Buffer[]): Buffer {
    return Buffer.concat(parts.map(u8));
}

/** Reads the SSH wire encoding: uint32 lengths followed by bytes. Throws on any truncation. */
class WireReader {
    private offset = 0;
    constructor(private readonly buf: Buffer) {}

    uint32(): number {
        if (this.offset + 4 > this.buf.length) {
            throw new Error("truncated key data");
        }
        const v = this.buf.readUInt32BE(this.offset);
        this.offset += 4;
        return v;
    }

    bytes(): Buffer {
        const len = this.uint32();
        if (this.offset + len > this.buf.length) {
            throw new Error("truncated key data");
        }
        const v = this.buf.subarray(this.offset, this.offset + len);
        this.offset += len;
        return v;
    }

    string(): string {
        return this.bytes().toString("latin1");
    }

    /** An mpint as unsigned big-endian bytes without leading zeros. */
    mpint(): Buffer {
        const raw = this.bytes();
        if (raw.length > 0 && (raw[0] & 0x80) !== 0) {
            throw new Error("negative mpint in key data");
        }
        let i = 0;
        while (i < raw.length && raw[i] === 0) {
            i++;
        }
        return raw.subarray(i);
    }

    get done(): boolean {
        return this.offset === this.buf.length;
    }

    rest(): Buffer {
        return this.buf.subarray(this.offset);
    }
}

function wireString(value: Buffer | string): Buffer {
    const body = typeof value === "string" ? Buffer.from(value, "latin1") : value;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    return concat([len, body]);
}

function wireMpint(unsigned: Buffer): Buffer {
    let i = 0;
    while (i < unsigned.length && unsigned[i] === 0) {
        i++;
    }
    const trimmed = unsigned.subarray(i);
    // A set high bit would read as negative, so SSH prefixes a zero byte.
    const body = trimmed.length > 0 && (trimmed[0] & 0x80) !== 0 ? concat([Buffer.alloc(1), trimmed]) : trimmed;
    return wireString(body);
}

function b64url(buf: Buffer): string {
    return buf.toString("base64url");
}

function leftPad(buf: Buffer, size: number): Buffer {
    if (buf.length > size) {
        throw new Error("key component longer than its curve allows");
    }
    return concat([Buffer.alloc(size - buf.length), buf]);
}

/** The fingerprint of a public key blob exactly as `ssh-keygen -lf` prints it: `SHA256:` + unpadded base64. */
export function fingerprintOfBlob(blob: Buffer): string {
    return `SHA256:${crypto.createHash("sha256").update(u8(blob)).digest("base64").replace(/=+$/, "")}`;
}

/** A public key in its SSH wire encoding plus what was learned while checking it. */
export interface SshPublicKey {
    /** The algorithm name, e.g. `ssh-ed25519`. */
    readonly type: string;
    /** The decoded key blob. */
    readonly blob: Buffer;
    /** Modulus size for RSA keys, otherwise the curve's size in bits. */
    readonly bits: number;
}

function ecPointToJwk(curveId: string, point: Buffer): crypto.JsonWebKey {
    const curve = ecdsaCurves[curveId];
    if (curve === undefined) {
        throw new Error(`unsupported ECDSA curve "${curveId}"`);
    }
    if (point.length !== 2 * curve.size + 1 || point[0] !== 0x04) {
        throw new Error(`ECDSA point has the wrong length or format for ${curveId}`);
    }
    return {
        kty: "EC",
        crv: curve.crv,
        x: b64url(point.subarray(1, 1 + curve.size)),
        y: b64url(point.subarray(1 + curve.size)),
    };
}

/**
 * Decodes and checks a public key blob: its leading algorithm name must equal `expectedType`, its
 * fields must have the right sizes, nothing may trail them, and (for ed25519, ECDSA and RSA) node's
 * crypto must accept the key — so a point off the curve or a mangled modulus is refused here.
 */
export function parsePublicKeyBlob(expectedType: string, blob: Buffer): SshPublicKey {
    const r = new WireReader(blob);
    const type = r.string();
    if (type !== expectedType) {
        throw new Error(`key data says "${type}" but the line says "${expectedType}"`);
    }
    let bits: number;
    switch (type) {
        case "ssh-ed25519": {
            const pub = r.bytes();
            if (pub.length !== 32) {
                throw new Error(`ed25519 public key must be 32 bytes (got ${pub.length})`);
            }
            crypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64url(pub) }, format: "jwk" });
            bits = 256;
            break;
        }
        case "ssh-rsa": {
            const e = r.mpint();
            const n = r.mpint();
            crypto.createPublicKey({ key: { kty: "RSA", e: b64url(e), n: b64url(n) }, format: "jwk" });
            bits = n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]));
            break;
        }
        case "ecdsa-sha2-nistp256":
        case "ecdsa-sha2-nistp384":
        case "ecdsa-sha2-nistp521": {
            const curveId = r.string();
            if (`ecdsa-sha2-${curveId}` !== type) {
                throw new Error(`ECDSA curve "${curveId}" does not match key type "${type}"`);
            }
            crypto.createPublicKey({ key: ecPointToJwk(curveId, r.bytes()), format: "jwk" });
            bits = ecdsaCurves[curveId].size === 66 ? 521 : ecdsaCurves[curveId].size * 8;
            break;
        }
        case "sk-ssh-ed25519@openssh.com": {
            const pub = r.bytes();
            if (pub.length !== 32) {
                throw new Error(`ed25519-sk public key must be 32 bytes (got ${pub.length})`);
            }
            r.string(); // application, e.g. "ssh:"
            bits = 256;
            break;
        }
        case "sk-ecdsa-sha2-nistp256@openssh.com": {
            const curveId = r.string();
            if (curveId !== "nistp256") {
                throw new Error(`ecdsa-sk curve must be nistp256 (got "${curveId}")`);
            }
            crypto.createPublicKey({ key: ecPointToJwk(curveId, r.bytes()), format: "jwk" });
            r.string(); // application
            bits = 256;
            break;
        }
        default:
            throw new Error(`unsupported key type "${type}" (use ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa or a security-key type)`);
    }
    if (!r.done) {
        throw new Error(`unexpected ${r.rest().length} trailing bytes in ${type} key data`);
    }
    return { type, blob, bits };
}

/** One parsed `authorized_keys`-style line. */
export interface AuthorizedKey extends SshPublicKey {
    /** The comment after the key, if any (not part of the key's identity). */
    readonly comment?: string;
    /** `<type> <base64>`, the form used for comparisons and the canonical user list. */
    readonly canonical: string;
    /** SHA256 fingerprint as ssh-keygen prints it. */
    readonly fingerprint: string;
}

/**
 * Parses a public key line `<type> <base64> [comment]` and checks the key inside it. Options in
 * front of the key (authorized_keys `from=`, `command=`) are refused: the gateway grants access per
 * user, not per key, so an option would silently be ignored.
 */
export function parseAuthorizedKey(line: string): AuthorizedKey {
    const m = /^\s*(\S+)\s+(\S+)(?:\s+(.*?))?\s*$/.exec(line);
    if (m === null) {
        throw new Error("expected '<type> <base64> [comment]'");
    }
    const [, type, b64, comment] = m;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
        throw new Error(`the key data of "${type}" is not valid base64`);
    }
    const blob = Buffer.from(b64, "base64");
    if (blob.toString("base64") !== b64) {
        throw new Error(`the key data of "${type}" is not canonical base64`);
    }
    const key = parsePublicKeyBlob(type, blob);
    if (key.type === "ssh-rsa" && key.bits < minRsaUserKeyBits) {
        throw new Error(`ssh-rsa key has ${key.bits} bits; at least ${minRsaUserKeyBits} are required`);
    }
    return {
        ...key,
        comment: comment === undefined || comment === "" ? undefined : comment,
        canonical: `${type} ${b64}`,
        fingerprint: fingerprintOfBlob(blob),
    };
}

/** The SSH public key blob of a private or public KeyObject (ed25519, ECDSA or RSA). */
export function publicBlobOf(key: crypto.KeyObject): Buffer {
    const jwk = crypto.createPublicKey(key).export({ format: "jwk" });
    switch (jwk.kty) {
        case "OKP":
            if (jwk.crv !== "Ed25519") {
                throw new Error(`unsupported OKP curve "${String(jwk.crv)}"`);
            }
            return concat([wireString("ssh-ed25519"), wireString(Buffer.from(jwk.x as string, "base64url"))]);
        case "EC": {
            const curveId = Object.keys(ecdsaCurves).find((id) => ecdsaCurves[id].crv === jwk.crv);
            if (curveId === undefined) {
                throw new Error(`unsupported EC curve "${String(jwk.crv)}"`);
            }
            const size = ecdsaCurves[curveId].size;
            const point = concat([
                Buffer.from([0x04]),
                leftPad(Buffer.from(jwk.x as string, "base64url"), size),
                leftPad(Buffer.from(jwk.y as string, "base64url"), size),
            ]);
            return concat([wireString(`ecdsa-sha2-${curveId}`), wireString(curveId), wireString(point)]);
        }
        case "RSA":
            return concat([
                wireString("ssh-rsa"),
                wireMpint(Buffer.from(jwk.e as string, "base64url")),
                wireMpint(Buffer.from(jwk.n as string, "base64url")),
            ]);
        default:
            throw new Error(`unsupported key kind "${String(jwk.kty)}"`);
    }
}

/** The host key type of a KeyObject, or an error for anything else (DSA, X25519, ...). */
export function hostKeyTypeOf(key: crypto.KeyObject): HostKeyType {
    switch (key.asymmetricKeyType) {
        case "ed25519":
            return "ed25519";
        case "ec":
            return "ecdsa";
        case "rsa":
            return "rsa";
        default:
            throw new Error(`unsupported host key algorithm "${String(key.asymmetricKeyType)}" (use ed25519, ecdsa or rsa)`);
    }
}

/** The `authorized_keys`/`.pub` line of a key: `<type> <base64>`. */
export function publicKeyLineOf(key: crypto.KeyObject): string {
    const blob = publicBlobOf(key);
    return `${new WireReader(blob).string()} ${blob.toString("base64")}`;
}

/** Size of an RSA key's modulus in bits (0 for other key types). */
export function rsaBitsOf(key: crypto.KeyObject): number {
    return key.asymmetricKeyType === "rsa" ? (key.asymmetricKeyDetails?.modulusLength ?? 0) : 0;
}

/**
 * Parses the body of an unencrypted `openssh-key-v1` private key (what `ssh-keygen` writes by
 * default) into a node KeyObject, through JWK so no external parser is needed. Encrypted keys are
 * refused with the command that decrypts them.
 */
function parseOpensshPrivateKey(pem: string): crypto.KeyObject {
    const body = pem.replace(/-----(BEGIN|END) OPENSSH PRIVATE KEY-----/g, "").replace(/\s+/g, "");
    const buf = Buffer.from(body, "base64");
    const magic = Buffer.from("openssh-key-v1\0", "latin1");
    if (!buf.subarray(0, magic.length).equals(u8(magic))) {
        throw new Error("not an openssh-key-v1 private key");
    }
    const r = new WireReader(buf.subarray(magic.length));
    const cipher = r.string();
    r.string(); // kdf name
    r.bytes(); // kdf options
    if (cipher !== "none") {
        throw new Error(`the key is encrypted (${cipher}); remove the passphrase first: ssh-keygen -p -N '' -f <file>`);
    }
    const count = r.uint32();
    if (count !== 1) {
        throw new Error(`the file holds ${count} keys; exactly one is supported`);
    }
    r.bytes(); // public key (repeated inside the private section)
    const p = new WireReader(r.bytes());
    if (p.uint32() !== p.uint32()) {
        throw new Error("the private key's check bytes differ (corrupt or encrypted key)");
    }
    const type = p.string();
    let jwk: crypto.JsonWebKey;
    switch (type) {
        case "ssh-ed25519": {
            const pub = p.bytes();
            const priv = p.bytes();
            if (pub.length !== 32 || priv.length !== 64) {
                throw new Error("malformed ssh-ed25519 private key");
            }
            jwk = { kty: "OKP", crv: "Ed25519", x: b64url(pub), d: b64url(priv.subarray(0, 32)) };
            break;
        }
        case "ecdsa-sha2-nistp256":
        case "ecdsa-sha2-nistp384":
        case "ecdsa-sha2-nistp521": {
            const curveId = p.string();
            const pubJwk = ecPointToJwk(curveId, p.bytes());
            jwk = { ...pubJwk, d: b64url(leftPad(p.mpint(), ecdsaCurves[curveId].size)) };
            break;
        }
        case "ssh-rsa": {
            const n = p.mpint();
            const e = p.mpint();
            const d = p.mpint();
            const iqmp = p.mpint();
            const prime1 = p.mpint();
            const prime2 = p.mpint();
            const big = (b: Buffer): bigint => BigInt(`0x${b.toString("hex") || "0"}`);
            const toBuf = (v: bigint): Buffer => {
                const hex = v.toString(16);
                return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, "hex");
            };
            const dBig = big(d);
            jwk = {
                kty: "RSA",
                n: b64url(n),
                e: b64url(e),
                d: b64url(d),
                p: b64url(prime1),
                q: b64url(prime2),
                dp: b64url(toBuf(dBig % (big(prime1) - 1n))),
                dq: b64url(toBuf(dBig % (big(prime2) - 1n))),
                qi: b64url(iqmp),
            };
            break;
        }
        default:
            throw new Error(`unsupported private key type "${type}" (use ed25519, ecdsa or rsa)`);
    }
    return crypto.createPrivateKey({ key: jwk, format: "jwk" });
}

/**
 * Parses a private key in any format ssh-keygen or openssl writes without a passphrase:
 * OpenSSH (`-----BEGIN OPENSSH PRIVATE KEY-----`), PKCS#8, PKCS#1 or SEC1 PEM.
 */
export function parsePrivateKey(text: string): crypto.KeyObject {
    const trimmed = text.trim();
    if (trimmed.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----")) {
        return parseOpensshPrivateKey(trimmed);
    }
    if (!/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(trimmed)) {
        throw new Error("not a private key (expected an OpenSSH or PEM private key)");
    }
    if (trimmed.includes("ENCRYPTED")) {
        throw new Error("the key is encrypted; remove the passphrase first: ssh-keygen -p -N '' -f <file>");
    }
    return crypto.createPrivateKey({ key: trimmed, format: "pem" });
}

/**
 * Serialises a private key in the unencrypted `openssh-key-v1` format ssh-keygen writes, so a
 * generated key can be inspected and used by every SSH tool. The check bytes come from the public
 * key rather than randomness, so the same key always serialises to the same text (and a stack that
 * re-reads it sees no change).
 */
export function toOpensshPrivateKey(key: crypto.KeyObject, comment = ""): string {
    const jwk = key.export({ format: "jwk" });
    const pub = publicBlobOf(key);
    const fromB64 = (v: string | undefined): Buffer => Buffer.from(v ?? "", "base64url");
    let fields: Buffer[];
    switch (jwk.kty) {
        case "OKP": {
            const x = fromB64(jwk.x);
            fields = [wireString("ssh-ed25519"), wireString(x), wireString(concat([fromB64(jwk.d), x]))];
            break;
        }
        case "EC": {
            const r = new WireReader(pub);
            const type = r.string();
            const curveId = r.string();
            const point = r.bytes();
            fields = [wireString(type), wireString(curveId), wireString(point), wireMpint(fromB64(jwk.d))];
            break;
        }
        case "RSA":
            fields = [
                wireString("ssh-rsa"),
                wireMpint(fromB64(jwk.n)),
                wireMpint(fromB64(jwk.e)),
                wireMpint(fromB64(jwk.d)),
                wireMpint(fromB64(jwk.qi)),
                wireMpint(fromB64(jwk.p)),
                wireMpint(fromB64(jwk.q)),
            ];
            break;
        default:
            throw new Error(`unsupported key kind "${String(jwk.kty)}"`);
    }
    const check = crypto.createHash("sha256").update(u8(pub)).digest().subarray(0, 4);
    let section = concat([check, check, ...fields, wireString(comment)]);
    // The private section is padded with 1, 2, 3, ... to the cipher's block size (8 for "none").
    const padLength = (8 - (section.length % 8)) % 8;
    section = concat([section, Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1))]);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(1);
    const body = concat([
        Buffer.from("openssh-key-v1\0", "latin1"),
        wireString("none"),
        wireString("none"),
        wireString(""),
        count,
        wireString(pub),
        wireString(section),
    ]).toString("base64");
    const lines = body.match(/.{1,70}/g) ?? [];
    return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join("\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
