// Users as code: one declared list, validated before anything is deployed, stored identically in
// each region's SSM parameter, and fingerprinted so the driver can prove both regions agree.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as YAML from "yaml";
import { parseAuthorizedKey } from "./ssh-keys";

/** A validated SFTP user, in the canonical form both regions store. */
export interface SftpUser {
    /** Login name. */
    readonly name: string;
    /** `<type> <base64>` public keys (comments dropped), sorted, without duplicates. */
    readonly publicKeys: readonly string[];
    /** Key prefix of the user's home in the regional bucket; always ends with `/`. */
    readonly homePrefix: string;
    /** Whether the user may only list and download. */
    readonly readOnly: boolean;
}

/** Login names the gateway accepts: POSIX-like, so they are safe in paths, logs and S3 keys. */
export const userNamePattern = /^[a-z_][a-z0-9_.-]{0,31}$/;

const prefixSegment = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Version of the canonical user-list format stored in the regional parameter. */
export const usersFormatVersion = 1;

/** SSM Standard parameters hold at most 4 KB; Advanced ones 8 KB. */
const standardParameterLimit = 4096;
const advancedParameterLimit = 8192;

function describe(index: number, name: unknown): string {
    return typeof name === "string" && name !== "" ? `user "${name}" (users[${index}])` : `users[${index}]`;
}

function normaliseHomePrefix(value: unknown, who: string): string {
    if (typeof value !== "string" || value === "") {
        throw new Error(`${who}: homePrefix must be a non-empty string`);
    }
    const trimmed = value.endsWith("/") ? value.slice(0, -1) : value;
    const segments = trimmed.split("/");
    for (const segment of segments) {
        if (!prefixSegment.test(segment) || segment === "..") {
            throw new Error(
                `${who}: homePrefix "${value}" must be relative, made of segments [A-Za-z0-9._-] that do not start with '.' or '-'`,
            );
        }
    }
    return `${trimmed}/`;
}

/**
 * Validates the declared users and returns them in canonical form, sorted by name. Every message
 * names the user: a bad name, a malformed or weak public key, a duplicate name, or two homes where
 * one contains the other (which would let one user read the other's files).
 */
export function validateUsers(raw: unknown, source = "users"): SftpUser[] {
    if (!Array.isArray(raw)) {
        throw new Error(`${source}: expected a list of users under "users"`);
    }
    const seen = new Map<string, number>();
    const users = raw.map((entry: unknown, index): SftpUser => {
        if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
            throw new Error(`${source}: users[${index}] must be an object with name and publicKeys`);
        }
        const spec = entry as Record<string, unknown>;
        const who = `${source}: ${describe(index, spec.name)}`;
        const known = ["name", "publicKeys", "homePrefix", "readOnly"];
        const extra = Object.keys(spec).filter((k) => !known.includes(k));
        if (extra.length > 0) {
            throw new Error(`${who}: unknown field(s) ${extra.join(", ")} (valid: ${known.join(", ")})`);
        }
        if (typeof spec.name !== "string" || !userNamePattern.test(spec.name)) {
            throw new Error(`${who}: name must match ${userNamePattern.source} (got ${JSON.stringify(spec.name)})`);
        }
        const first = seen.get(spec.name);
        if (first !== undefined) {
            throw new Error(`${source}: user "${spec.name}" is declared twice (users[${first}] and users[${index}])`);
        }
        seen.set(spec.name, index);
        if (!Array.isArray(spec.publicKeys) || spec.publicKeys.length === 0) {
            throw new Error(`${who}: publicKeys must be a non-empty list of SSH public keys`);
        }
        const keys = new Set<string>();
        spec.publicKeys.forEach((line: unknown, k) => {
            if (typeof line !== "string") {
                throw new Error(`${who}: publicKeys[${k}] must be a string`);
            }
            try {
                keys.add(parseAuthorizedKey(line).canonical);
            } catch (err) {
                throw new Error(`${who}: publicKeys[${k}] is not a valid SSH public key: ${(err as Error).message}`);
            }
        });
        if (spec.readOnly !== undefined && typeof spec.readOnly !== "boolean") {
            throw new Error(`${who}: readOnly must be true or false`);
        }
        return {
            name: spec.name,
            publicKeys: [...keys].sort(),
            homePrefix: normaliseHomePrefix(spec.homePrefix ?? spec.name, who),
            readOnly: spec.readOnly ?? false,
        };
    });
    users.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const a of users) {
        for (const b of users) {
            if (a !== b && b.homePrefix.startsWith(a.homePrefix)) {
                throw new Error(
                    `${source}: user "${b.name}" has homePrefix "${b.homePrefix}" inside user "${a.name}"'s "${a.homePrefix}"`,
                );
            }
        }
    }
    return users;
}

/** Parses a users YAML document (`users: [...]`) and validates it; `source` (the file) prefixes messages. */
export function parseUsersYaml(text: string, source: string): SftpUser[] {
    let doc: unknown;
    try {
        doc = YAML.parse(text);
    } catch (err) {
        throw new Error(`${source}: not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    if (doc === null || typeof doc !== "object" || !("users" in doc)) {
        throw new Error(`${source}: expected a top-level "users:" list`);
    }
    return validateUsers((doc as { users: unknown }).users, source);
}

/**
 * The canonical JSON of a user list: fixed key order, users sorted by name, keys sorted. Both
 * regions store exactly this string, and its hash is the users fingerprint.
 */
export function canonicalUsersJson(users: readonly SftpUser[]): string {
    return JSON.stringify({
        version: usersFormatVersion,
        users: users.map((u) => ({ name: u.name, homePrefix: u.homePrefix, readOnly: u.readOnly, publicKeys: u.publicKeys })),
    });
}

/** `sha256:<hex>` of the canonical JSON: equal in both regions exactly when they serve the same users. */
export function usersFingerprint(users: readonly SftpUser[]): string {
    return `sha256:${crypto.createHash("sha256").update(canonicalUsersJson(users)).digest("hex")}`;
}

/** The smallest SSM parameter tier that holds `value`, or an error naming the size. */
export function parameterTierFor(value: string): "Standard" | "Advanced" {
    const size = Buffer.byteLength(value, "utf8");
    if (size <= standardParameterLimit) {
        return "Standard";
    }
    if (size <= advancedParameterLimit) {
        return "Advanced";
    }
    throw new Error(`the user list is ${size} bytes in canonical form; an SSM parameter holds at most ${advancedParameterLimit}`);
}

/** Arguments of {@link SftpUsers}. */
export interface SftpUsersArgs {
    /** Region of the parameter (aws v7 per-resource region). Required. */
    readonly region: string;
    /** Full name of the SSM parameter, e.g. `/sftp-failover/primary/users`. Required. */
    readonly parameterName: string;
    /** The validated users (see {@link validateUsers}). Required. */
    readonly users: readonly SftpUser[];
    /** Tags of the parameter. Defaults to none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The user list of one region, as an SSM parameter the gateways poll. Public keys are not secret,
 * so a plain String parameter keeps the list reviewable in the console.
 */
export class SftpUsers extends pulumi.ComponentResource {
    /** Name of the parameter. */
    public readonly parameterName: pulumi.Output<string>;
    /** ARN of the parameter. */
    public readonly parameterArn: pulumi.Output<string>;
    /** `sha256:<hex>` of the canonical user list. */
    public readonly fingerprint: string;

    constructor(name: string, args: SftpUsersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:regional:SftpUsers", name, {}, opts);
        const value = canonicalUsersJson(args.users);
        const parameter = new aws.ssm.Parameter(
            `${name}-parameter`,
            {
                region: args.region,
                name: args.parameterName,
                type: "String",
                tier: parameterTierFor(value),
                insecureValue: value,
                description: "SFTP users (canonical JSON, managed by Pulumi; edit users.yaml instead)",
                tags: args.tags,
            },
            { parent: this },
        );
        this.parameterName = parameter.name;
        this.parameterArn = parameter.arn;
        this.fingerprint = usersFingerprint(args.users);
        this.registerOutputs({ parameterArn: this.parameterArn, fingerprint: this.fingerprint });
    }
}
