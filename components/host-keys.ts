// The gateway's SSH host keys: one set for both regions, so a client that fails over from the
// primary to the secondary sees the same fingerprints and no host-key warning.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import {
    HostKeyType,
    fingerprintOfBlob,
    hostKeyTypeOf,
    hostKeyTypes,
    minRsaHostKeyBits,
    parsePrivateKey,
    publicBlobOf,
    publicKeyLineOf,
    rsaBitsOf,
    toOpensshPrivateKey,
} from "./ssh-keys";

/** One private key per host key type, as text (OpenSSH or PEM). */
export type HostKeyTexts = Readonly<Record<HostKeyType, string>>;

/** Validated host keys, and what may be shown of them. */
export interface HostKeyMaterial {
    /**
     * The private keys exactly as configured (OpenSSH or PEM, which SFTPGo reads alike). Secret:
     * only ever wrapped in pulumi.secret and sent to Secrets Manager.
     */
    readonly privateKeys: HostKeyTexts;
    /** `<type> <base64>` public key lines, e.g. for clients' known_hosts. */
    readonly publicKeys: HostKeyTexts;
    /** SHA256 fingerprints exactly as `ssh-keygen -lf` prints them. */
    readonly fingerprints: HostKeyTexts;
}

/**
 * Parses and checks a full set of host keys; `label` names the config key in messages
 * (`hostKeys.rsa: ...`). Each slot must hold a key of its own type, RSA at least 3072 bits.
 * Messages never include key material.
 */
export function loadHostKeys(raw: unknown, label = "hostKeys"): HostKeyMaterial {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new Error(`${label} must be an object with keys ${hostKeyTypes.join(", ")} (run sftp-failover hostkeys generate)`);
    }
    const record = raw as Record<string, unknown>;
    const unknownKeys = Object.keys(record).filter((k) => !(hostKeyTypes as readonly string[]).includes(k));
    if (unknownKeys.length > 0) {
        throw new Error(`${label} has unknown key(s) ${unknownKeys.join(", ")} (valid: ${hostKeyTypes.join(", ")})`);
    }
    const privateKeys = {} as Record<HostKeyType, string>;
    const publicKeys = {} as Record<HostKeyType, string>;
    const fingerprints = {} as Record<HostKeyType, string>;
    for (const type of hostKeyTypes) {
        const text = record[type];
        if (typeof text !== "string" || text.trim() === "") {
            throw new Error(`${label}.${type} is missing (run sftp-failover hostkeys generate or import)`);
        }
        let key: crypto.KeyObject;
        try {
            key = parsePrivateKey(text);
        } catch (err) {
            throw new Error(`${label}.${type} is not a usable private key: ${(err as Error).message}`);
        }
        const actual = hostKeyTypeOf(key);
        if (actual !== type) {
            throw new Error(`${label}.${type} holds an ${actual} key`);
        }
        if (type === "rsa" && rsaBitsOf(key) < minRsaHostKeyBits) {
            throw new Error(`${label}.rsa has ${rsaBitsOf(key)} bits; at least ${minRsaHostKeyBits} are required`);
        }
        privateKeys[type] = `${text.trim()}\n`;
        publicKeys[type] = publicKeyLineOf(key);
        fingerprints[type] = fingerprintOfBlob(publicBlobOf(key));
    }
    return { privateKeys, publicKeys, fingerprints };
}

/** Generates a fresh set of host keys (ed25519, ECDSA P-256, RSA 3072) in OpenSSH format. */
export function generateHostKeys(comment = "sftp-failover"): HostKeyTexts {
    const openssh = (key: crypto.KeyObject): string => toOpensshPrivateKey(key, comment);
    return {
        ed25519: openssh(crypto.generateKeyPairSync("ed25519").privateKey),
        ecdsa: openssh(crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey),
        rsa: openssh(crypto.generateKeyPairSync("rsa", { modulusLength: minRsaHostKeyBits }).privateKey),
    };
}

/**
 * The longest ARN a secret named from `secretNamePrefix` can have, before it exists: the aws
 * provider completes the prefix with Terraform's 26-character unique id (helper/id.PrefixedUniqueId:
 * a timestamp to the 1/10,000 s and an 8-hex-digit counter), and Secrets Manager ends the ARN with
 * "-" and six random characters (Secrets Manager User Guide, "Secret ARN"). Only its length is
 * meant to be true: it sizes the policies that will name the real one.
 */
export function longestSecretArn(partition: string, region: string, accountId: string, secretNamePrefix: string): string {
    return `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${secretNamePrefix}${"0".repeat(26)}-XXXXXX`;
}

/** Arguments of {@link HostKeys}. */
export interface HostKeysArgs {
    /** Region of the secret (aws v7 per-resource region). Required. */
    readonly region: string;
    /** Region holding a replica of the secret, so the key material outlives the loss of one region. Defaults to none. */
    readonly replicaRegion?: string;
    /** Prefix of the secret's name; AWS appends a random suffix. Required. */
    readonly secretNamePrefix: string;
    /** The validated key set (see {@link loadHostKeys}). Required. */
    readonly keys: HostKeyMaterial;
    /** Tags of the secret. Defaults to none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The shared host keys of one region: a Secrets Manager secret holding the three private keys
 * (a JSON object `{ ed25519, ecdsa, rsa }` of private keys), replicated to the peer region. Gateways
 * read it at boot. The fingerprints are plain values derived from the config, so both regional
 * stacks export the same ones without reading each other.
 */
export class HostKeys extends pulumi.ComponentResource {
    /** ARN of the secret in this stack's region. */
    public readonly secretArn: pulumi.Output<string>;
    /** SHA256 fingerprints of the three public keys. */
    public readonly fingerprints: HostKeyTexts;
    /** The secret's value: what a gateway reads at boot, so what the gateways wait for. */
    public readonly secretValue: aws.secretsmanager.SecretVersion;

    constructor(name: string, args: HostKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:regional:HostKeys", name, {}, opts);
        const secret = new aws.secretsmanager.Secret(
            `${name}-secret`,
            {
                region: args.region,
                namePrefix: args.secretNamePrefix,
                description: "SSH host keys of the SFTP gateways (shared by both regions)",
                replicas: args.replicaRegion === undefined ? [] : [{ region: args.replicaRegion }],
                tags: args.tags,
            },
            { parent: this },
        );
        this.secretValue = new aws.secretsmanager.SecretVersion(
            `${name}-version`,
            {
                region: args.region,
                secretId: secret.id,
                secretString: pulumi.secret(JSON.stringify(args.keys.privateKeys)),
            },
            { parent: this },
        );
        this.secretArn = secret.arn;
        this.fingerprints = args.keys.fingerprints;
        this.registerOutputs({ secretArn: this.secretArn, fingerprints: this.fingerprints });
    }
}
