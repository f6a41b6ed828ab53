// A stack's config as plain data, read the same way by the stack programs and by the driver's
// preflight. The programs build it from the engine's runtime config; the driver builds it from
// `stack.getAllConfig()` before it changes anything. Both then run the very same loaders, so a
// value the program would refuse is refused before the first step of a switch, not in its middle.
import * as pulumi from "@pulumi/pulumi";
import { configNamespace } from "../contract";
import { checkNameTextDeep } from "./text";

export { configNamespace };

/** One value as the Automation API's `getAllConfig()` returns it. */
export interface ConfigEntry {
    readonly value: string;
    readonly secret?: boolean;
}

/**
 * A field of a structured value as a number, when it is one or is text that is wholly one ("3");
 * anything else is returned as it is, for the caller to refuse with the key named. Pulumi's own
 * config stores a value as text unless told otherwise: `pulumi config set` always does for a
 * top-level key, `--path` does for anything but an integer or true/false (`2.5`), and so does
 * `--type string` — and `config.requireNumber` accepts such text. The whole text must be a number
 * here (Pulumi's parseFloat would read "3 instances" as 3).
 */
export function numberField(value: unknown): unknown {
    return typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
}

/** Options of `ConfigReader.get`. */
export interface GetOptions {
    /** The value must be one of these. */
    readonly allowedValues?: readonly string[];
}

/** Options of `ConfigReader.getNumber`. */
export interface NumberOptions {
    readonly min?: number;
    readonly max?: number;
}

/**
 * Typed reads over a map of full keys (`sftp-failover:ttl`) to string values — the shape both the
 * engine's runtime config and `getAllConfig()` have (objects arrive as JSON text). Every error is
 * one line naming the key and, unless the key is secret, the value.
 *
 * Every value read is refused when it holds a control or format character (./text.ts), whatever its
 * type, and a structured value in every string and key inside it: config values become names, and
 * a key added tomorrow is checked without anyone remembering to. Key material alone is read
 * unchecked (`getSecret`, `requireKeyMaterial`): PEM text is lines.
 */
export class ConfigReader {
    /** The full keys read so far, in order (what a loader reads: the tests enumerate them). */
    private readonly read = new Set<string>();
    /** The full keys read as key material (not checked as names). */
    private readonly keyMaterial = new Set<string>();

    private constructor(
        private readonly values: ReadonlyMap<string, string>,
        private readonly secretKeys: ReadonlySet<string>,
        readonly namespace: string,
        /** Whether `secretKeys` is known to be complete (an older runtime may not say). */
        private readonly secretsKnown = true,
    ) {}

    /** From `stack.getAllConfig()`; secret values are included (decrypted), and never printed. */
    static fromEntries(entries: Readonly<Record<string, ConfigEntry>>, namespace = configNamespace): ConfigReader {
        const values = new Map<string, string>();
        const secrets = new Set<string>();
        for (const [key, entry] of Object.entries(entries)) {
            values.set(key, entry.value);
            if (entry.secret === true) {
                secrets.add(key);
            }
        }
        return new ConfigReader(values, secrets, namespace);
    }

    /** From the running program's config (the engine passes secrets decrypted to the program). */
    static fromRuntime(namespace = configNamespace): ConfigReader {
        const all = pulumi.runtime.allConfig();
        // The runtime knows which keys are secret but does not declare the function in its types.
        const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
        const secrets = new Set(Object.keys(all).filter((k) => isSecret?.(k) === true));
        return new ConfigReader(new Map(Object.entries(all)), secrets, namespace, isSecret !== undefined);
    }

    /** The full key of a short one. */
    fullKey(key: string): string {
        return key.includes(":") ? key : `${this.namespace}:${key}`;
    }

    private shown(key: string, value: string): string {
        return this.secretKeys.has(this.fullKey(key)) ? "[secret]" : JSON.stringify(value);
    }

    /** Every full key read so far, key material included, in the order first read. */
    keysRead(): readonly string[] {
        return [...this.read];
    }

    /** The full keys read as key material (`getSecret`, `requireKeyMaterial`), which are not checked as names. */
    keyMaterialKeys(): readonly string[] {
        return [...this.keyMaterial];
    }

    /** A value as stored, unchecked. */
    private raw(key: string): string | undefined {
        this.read.add(this.fullKey(key));
        return this.values.get(this.fullKey(key));
    }

    /** A value as stored, refused when it holds a control or format character anywhere (parsed, when structured). */
    private checked(key: string): string | undefined {
        const value = this.raw(key);
        if (value === undefined) {
            return undefined;
        }
        // A structured value arrives as JSON text, whose layout may hold line breaks: what it says
        // is checked, not how it is written.
        let parsed: unknown = value;
        try {
            parsed = JSON.parse(value);
        } catch {
            // Plain text: checked as it is.
        }
        checkNameTextDeep(this.fullKey(key), parsed);
        return value;
    }

    /** A string value, or undefined when unset. */
    get(key: string, opts: GetOptions = {}): string | undefined {
        const value = this.checked(key);
        if (value !== undefined && opts.allowedValues !== undefined && !opts.allowedValues.includes(value)) {
            throw new Error(`${this.fullKey(key)} must be one of ${opts.allowedValues.join(", ")} (got ${this.shown(key, value)})`);
        }
        return value;
    }

    /**
     * A string value that must be stored encrypted, or undefined when unset. A plaintext value is
     * refused without being quoted: it would sit readable in the stack file and the state.
     */
    getSecret(key: string): string | undefined {
        this.keyMaterial.add(this.fullKey(key));
        const value = this.raw(key);
        if (value !== undefined && this.secretsKnown && !this.secretKeys.has(this.fullKey(key))) {
            throw new Error(`${this.fullKey(key)} must be a secret: set it with \`pulumi config set --secret ${this.fullKey(key)}\``);
        }
        return value;
    }

    /** A string value that must be set. */
    require(key: string, opts: GetOptions = {}): string {
        const value = this.get(key, opts);
        if (value === undefined) {
            throw new Error(`${this.fullKey(key)} is required`);
        }
        return value;
    }

    /**
     * A number, or undefined when unset. Stricter than pulumi.Config, whose parseFloat reads
     * "30 days" as 30: here the whole value must be a number.
     */
    getNumber(key: string, opts: NumberOptions = {}): number | undefined {
        const raw = this.get(key);
        if (raw === undefined) {
            return undefined;
        }
        const value = raw.trim() === "" ? NaN : Number(raw);
        if (!Number.isFinite(value)) {
            throw new Error(`${this.fullKey(key)} must be a number (got ${this.shown(key, raw)})`);
        }
        if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
            const range = opts.min !== undefined && opts.max !== undefined ? `${opts.min}–${opts.max}` : opts.min !== undefined ? `≥ ${opts.min}` : `≤ ${opts.max}`;
            throw new Error(`${this.fullKey(key)} must be ${range} (got ${this.shown(key, raw)})`);
        }
        return value;
    }

    /** A boolean (`true` or `false`), or undefined when unset. */
    getBoolean(key: string): boolean | undefined {
        const raw = this.get(key);
        if (raw === undefined) {
            return undefined;
        }
        if (raw !== "true" && raw !== "false") {
            throw new Error(`${this.fullKey(key)} must be true or false (got ${this.shown(key, raw)})`);
        }
        return raw === "true";
    }

    /** A structured value (a YAML map or list in the stack file), or undefined when unset. */
    getObject<T>(key: string): T | undefined {
        const raw = this.get(key);
        if (raw === undefined) {
            return undefined;
        }
        try {
            return JSON.parse(raw) as T;
        } catch {
            throw new Error(`${this.fullKey(key)} must be a YAML map or list (got ${this.shown(key, raw)})`);
        }
    }

    /**
     * A list (a YAML sequence in the stack file), or undefined when unset. Anything else is refused,
     * a plain word (`pulumi config set key files`) included: it is text, not a list of one.
     */
    getList(key: string, example = "[a, b]"): unknown[] | undefined {
        const raw = this.get(key);
        if (raw === undefined) {
            return undefined;
        }
        let value: unknown;
        try {
            value = JSON.parse(raw);
        } catch {
            value = raw;
        }
        if (!Array.isArray(value)) {
            // `pulumi config set` stores text even when it looks like a list ("[a, b]"); only the
            // stack file, or `--path` with an index, makes a list.
            throw new Error(
                `${this.fullKey(key)} must be a YAML list, e.g. ${example} (got ${this.shown(key, raw)}): write it in the stack file, or set each item with \`pulumi config set --path '${this.fullKey(key)}[0]' …\``,
            );
        }
        return value;
    }

    /**
     * A structured value of key material (PEM text), which must be set: the one structured value
     * not checked for control characters, since its line breaks are ones.
     */
    requireKeyMaterial<T>(key: string): T {
        this.keyMaterial.add(this.fullKey(key));
        const raw = this.raw(key);
        if (raw === undefined) {
            throw new Error(`${this.fullKey(key)} is required`);
        }
        try {
            return JSON.parse(raw) as T;
        } catch {
            throw new Error(`${this.fullKey(key)} must be a YAML map or list (got ${this.shown(key, raw)})`);
        }
    }

    /** A structured value that must be set. */
    requireObject<T>(key: string): T {
        const value = this.getObject<T>(key);
        if (value === undefined) {
            throw new Error(`${this.fullKey(key)} is required`);
        }
        return value;
    }
}
