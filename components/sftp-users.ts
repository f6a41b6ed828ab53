// Users as code: one declared list, validated before anything is deployed, stored identically as
// one object in each region's bucket, and fingerprinted so the driver can prove both regions agree.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as YAML from "yaml";
import { makeFolder } from "../foundation/folders";
import { reservedKeyPrefix } from "./reserved-keys";
import { CanaryIdentity, canaryHomePrefix } from "./canary";
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

/** Version of the canonical user-list format stored in the regional users object. */
export const usersFormatVersion = 1;


function describe(index: number, name: unknown): string {
    return typeof name === "string" && name !== "" ? `user "${name}" (users[${index}])` : `users[${index}]`;
}

// No segment may start with '.': besides hidden names, that keeps every home out of
// reservedKeyPrefix, where the users object lives.
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
    users.sort(byName);
    checkHomesApart(users, source);
    return users;
}

function byName(a: SftpUser, b: SftpUser): number {
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Throws naming a user whose home is another's or inside it. In lexicographic order anything
 * between a prefix and a key it starts is also started by it, so comparing each home with the next
 * one finds every nesting there is: n log n where comparing every pair cost a few hundred
 * milliseconds at 2,000 users, and a program validates its users more than once.
 */
function checkHomesApart(users: readonly SftpUser[], source: string): void {
    // A stable sort keeps equal homes in name order, so the first by name is named as the outer one.
    const byHome = [...users].sort((a, b) => (a.homePrefix < b.homePrefix ? -1 : a.homePrefix > b.homePrefix ? 1 : 0));
    for (let i = 1; i < byHome.length; i++) {
        const [outer, inner] = [byHome[i - 1], byHome[i]];
        if (inner.homePrefix.startsWith(outer.homePrefix)) {
            throw new Error(`${source}: user "${inner.name}" has homePrefix "${inner.homePrefix}" inside user "${outer.name}"'s "${outer.homePrefix}"`);
        }
    }
}

/**
 * The users a region serves: the declared ones plus the canary, validated together so no declared
 * user can take the canary's name or a home that contains, or is inside, the canary's.
 *
 * @throws Error naming the clashing user.
 */
export function servedUsers(declared: readonly SftpUser[], canary: CanaryIdentity | undefined, source = "users"): SftpUser[] {
    if (canary === undefined) {
        return [...declared];
    }
    if (declared.some((u) => u.name === canary.user)) {
        throw new Error(`${source}: user "${canary.user}" is reserved for the canary the driver verifies with; rename it`);
    }
    // The declared users are valid already; only the canary's entry is new, and the homes apart.
    const [canaryUser] = validateUsers([{ name: canary.user, publicKeys: [canary.publicKey], homePrefix: canaryHomePrefix, readOnly: false }], source);
    const served = [...declared, canaryUser].sort(byName);
    checkHomesApart(served, source);
    return served;
}

/**
 * Parses a users YAML document (`users: [...]`) and validates it; `source` (the file) prefixes
 * messages. `checkUsers`, when given, sees the parsed list first (the stack's config loader refuses
 * control and format characters in it, with the loaders' one text check).
 */
export function parseUsersYaml(text: string, source: string, checkUsers?: (users: unknown) => void): SftpUser[] {
    let doc: unknown;
    try {
        doc = YAML.parse(text);
    } catch (err) {
        throw new Error(`${source}: not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    if (doc === null || typeof doc !== "object" || !("users" in doc)) {
        throw new Error(`${source}: expected a top-level "users:" list`);
    }
    checkUsers?.((doc as { users: unknown }).users);
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

/** The tags the users object carries, whatever else the stack's tags hold. */
export const usersObjectTagKeys = ["project", "regionName"] as const;

/**
 * The users object's tags: only {@link usersObjectTagKeys} of the stack's tags. An S3 object holds at
 * most 10 tags, while the stack's tags (`sftp-failover:tags` beside these two) are sized for
 * resources that hold 50; a list the other resources accept must not stop the users object.
 */
export function usersObjectTags(tags: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(usersObjectTagKeys.filter((key) => tags[key] !== undefined).map((key) => [key, tags[key]]));
}

/**
 * Writes a users object's body into `dir` under its own sha256 (`users-<hex>.json`) unless it is
 * there already, and returns the file and the hex. Named by content, a file never changes once
 * written: an engine that hashed it uploads the same bytes, whatever other runs write meanwhile.
 * Written whole (a temporary file, then a rename), so no reader sees half a list.
 */
export function writeUsersBody(dir: string, body: string): { readonly file: string; readonly sha256: string } {
    const sha256 = crypto.createHash("sha256").update(body).digest("hex");
    const file = path.join(dir, `users-${sha256}.json`);
    if (!fs.existsSync(file)) {
        makeFolder(dir);
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, body);
        fs.renameSync(temp, file);
    }
    return { file, sha256 };
}

/** Arguments of {@link SftpUsers}. */
export interface SftpUsersArgs {
    /** Region of the object (aws v7 per-resource region). Required. */
    readonly region: string;
    /** The regional bucket that holds the object. Required. */
    readonly bucketName: pulumi.Input<string>;
    /** The object's key, under {@link reservedKeyPrefix}, e.g. `.sftp-failover/users/primary.json`. Required. */
    readonly objectKey: string;
    /** The validated users (see {@link validateUsers}). Required. */
    readonly users: readonly SftpUser[];
    /**
     * The local folder the object's body is written to and uploaded from, named by its sha256 (see
     * {@link SftpUsers} for why not inline content). Required.
     */
    readonly bodyDir: string;
    /** The driver's canary, stored with the users but left out of the fingerprint. Defaults to none. */
    readonly canary?: CanaryIdentity;
    /** Tags of the object. Defaults to none. */
    readonly tags?: Readonly<Record<string, string>>;
    /**
     * Quiesce writes: the object marks every declared user read-only (see {@link quiescedUsers}).
     * Defaults to false.
     */
    readonly quiesced?: boolean;
}

/**
 * The list a quiesced region's object holds: every declared user read-only, the canary as it is
 * (the driver still verifies the region with a write). Only the object changes: the fingerprint
 * stays the declared list's (both regions still serve the same users), and so does the bucket
 * policy, which denies a read-only home's writes to the gateway role itself — applied at once, it
 * would fail the uploads already under way, which a planned switch lets finish (the drain). The
 * gateways apply the object at the next login, so a session open before keeps writing.
 */
export function quiescedUsers(served: readonly SftpUser[], canary: CanaryIdentity | undefined): SftpUser[] {
    return served.map((u) => (u.name === canary?.user ? u : { ...u, readOnly: true }));
}

/**
 * The user list of one region, as one S3 object that the gateways poll. One object is read whole,
 * in one version, so a read that races an update gets the old list or the new one, never a mix;
 * and its size is bounded by S3 (5 GB per PutObject), not by a count of small parameters. Public
 * keys are not secret, so the object holds them in plain JSON and stays reviewable.
 *
 * The body goes up from a file (`source`, a file asset), not as inline `content`: the engine keeps
 * an asset in the stack's state as its path and sha256, where `content` kept the whole list twice
 * (inputs and outputs). Every engine process of the stack — each posture switch's `up`, its
 * checkpoints, the driver's reads — loaded, wrote and sent that list, so a switch's cost grew with
 * the users it does not touch (313 KiB at 2,000 users; docs/benchmarks.md). `sourceHash` carries
 * the body's sha256 too, so a changed list is an update to AWS's provider whatever the path.
 */
export class SftpUsers extends pulumi.ComponentResource {
    /** The object's key in the regional bucket. */
    public readonly objectKey: string;
    /** `sha256:<hex>` of the canonical list of the declared users (the canary is not one). */
    public readonly fingerprint: string;
    /** Every user the gateways serve: the declared ones and the canary. */
    public readonly served: readonly SftpUser[];
    /** Whether the object holds the quiesced list ({@link quiescedUsers}). */
    public readonly quiesced: boolean;
    /** The users object: what a gateway reads at boot, so what the gateways wait for. */
    public readonly object: aws.s3.BucketObjectv2;

    constructor(name: string, args: SftpUsersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sftp-failover:regional:SftpUsers", name, {}, opts);
        if (!args.objectKey.startsWith(reservedKeyPrefix)) {
            throw new pulumi.ResourceError(`objectKey "${args.objectKey}" must be under "${reservedKeyPrefix}", where no user's home can be`, this);
        }
        this.served = servedUsers(args.users, args.canary);
        const stored = args.quiesced === true ? quiescedUsers(this.served, args.canary) : this.served;
        const body = writeUsersBody(args.bodyDir, canonicalUsersJson(stored));
        this.object = new aws.s3.BucketObjectv2(
            `${name}-object`,
            {
                region: args.region,
                bucket: args.bucketName,
                key: args.objectKey,
                source: new pulumi.asset.FileAsset(body.file),
                sourceHash: body.sha256,
                contentType: "application/json",
                tags: args.tags,
            },
            { parent: this },
        );
        this.objectKey = args.objectKey;
        this.quiesced = args.quiesced ?? false;
        this.fingerprint = usersFingerprint(args.users);
        this.registerOutputs({ objectKey: this.objectKey, fingerprint: this.fingerprint });
    }
}
