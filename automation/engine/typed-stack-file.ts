// Stack files keep their types. The engine keeps top-level config as text: any `pulumi config
// set`, `set-all`, `rm` or `stack init` rewrites the whole Pulumi.<stack>.yaml with every top-level
// number and boolean quoted (`ttl: 60` becomes `ttl: "60"`), and a value it writes is always text.
// The program reads either form, but the file is what operators review and diff, and a driver that
// turns `routingControls: false` into `"false"` in a file it only meant to change `posture` in is
// a surprise in every review. So every config write of the driver goes through `keepingTypes`:
// after it, a top-level value the engine quoted gets its type back when it was a number or boolean
// before and reads the same, and a value the write itself set gets the type its text spells
// (`true`/`false`, an integer), the rule `pulumi config set --path` applies to nested values.
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

/** The stack file of a stack in a project folder (`organization/sftp-failover/dns` → `Pulumi.dns.yaml`), as Pulumi names it. */
export function stackFileOf(projectDir: string, stackName: string): string {
    return path.join(projectDir, `Pulumi.${stackName.split("/").pop() ?? stackName}.yaml`);
}

/** The type a written text spells: a boolean for true/false, a number for an integer, else none. */
export function typedValueOf(text: string): number | boolean | undefined {
    if (text === "true" || text === "false") {
        return text === "true";
    }
    return /^-?(0|[1-9]\d{0,14})$/.test(text) ? Number(text) : undefined;
}

/** The top-level plaintext numbers and booleans of a stack file's config (none when it cannot be read). */
function typedScalars(file: string): Map<string, number | boolean> {
    const typed = new Map<string, number | boolean>();
    let config: unknown;
    try {
        config = (YAML.parse(fs.readFileSync(file, "utf8")) as { config?: unknown } | null)?.config;
    } catch {
        return typed;
    }
    if (config !== null && typeof config === "object") {
        for (const [key, value] of Object.entries(config)) {
            if (typeof value === "number" || typeof value === "boolean") {
                typed.set(key, value);
            }
        }
    }
    return typed;
}

/**
 * Gives quoted top-level values their types back (see the file comment): `before` holds the typed
 * values from before the write, `written` the top-level keys the write set. Changes the file only
 * when a value needs it, keeping its comments.
 */
export function restoreTypes(file: string, before: ReadonlyMap<string, number | boolean>, written: readonly string[]): void {
    let doc: YAML.Document;
    try {
        doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
    } catch {
        return;
    }
    const config = doc.get("config", true);
    if (!YAML.isMap(config)) {
        return;
    }
    let changed = false;
    for (const pair of config.items) {
        if (!YAML.isScalar(pair.key) || !YAML.isScalar(pair.value) || typeof pair.value.value !== "string") {
            continue;
        }
        const key = String(pair.key.value);
        const text = pair.value.value;
        const was = before.get(key);
        const typed = was !== undefined && String(was) === text ? was : written.includes(key) ? typedValueOf(text) : undefined;
        if (typed !== undefined) {
            pair.value.value = typed;
            pair.value.type = undefined;
            changed = true;
        }
    }
    if (changed) {
        fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
    }
}

/**
 * Runs a config write of the engine on a stack file and gives the file's top-level numbers and
 * booleans their types back afterwards (also when the write fails part-way: what it did write is
 * retyped). `written`: the top-level keys the write sets.
 */
export async function keepingTypes<T>(file: string, written: readonly string[], write: () => Promise<T>): Promise<T> {
    const before = typedScalars(file);
    try {
        return await write();
    } finally {
        restoreTypes(file, before, written);
    }
}
