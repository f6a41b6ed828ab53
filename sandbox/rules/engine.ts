// The small engine behind the sandbox's per-type rules: a rule is a pure function of a resource's
// inputs (secrets revealed, values not yet known kept as the engine's sentinel) that returns the
// problems AWS or the real provider would refuse. Each service file lists its rules in a table;
// this file only walks paths, reads values and formats refusals.
import { unknownValue } from "../values";

/** A refusal of one property, as the provider protocol's check failure carries it. */
export interface RuleFailure {
    /** The input property (a path such as `rules[0].status` for nested ones). */
    readonly property: string;
    /** What is wrong, in AWS's terms: `<service>: <field> <problem> (<API operation>)`. */
    readonly reason: string;
}

/** A problem found by a rule, before the service prefix is added. */
export interface Problem {
    readonly property: string;
    readonly message: string;
}

/** One rule of one type. */
export interface Rule {
    /** The rule in a few words, for the README table and the test names. */
    readonly rule: string;
    /** Where it comes from: AWS API reference, terraform-provider-aws validation, or pulumi-aws. */
    readonly source: string;
    /** The problems of these inputs; values not yet known are never judged. */
    readonly check: (inputs: Inputs) => Problem[];
    /** What a builder made it from (absent for hand-written rules): lets tests derive an input that breaks it. */
    readonly shape?: RuleShape;
}

/** The shape of a rule made by one of the builders below. */
export type RuleShape =
    | { readonly kind: "required" | "forbidden"; readonly path: string }
    | { readonly kind: "exactlyOne" | "atMostOne"; readonly base: string; readonly fields: readonly string[] }
    | { readonly kind: "oneOf"; readonly path: string; readonly values: readonly string[] }
    | { readonly kind: "intRange"; readonly path: string; readonly min: number; readonly max: number }
    | { readonly kind: "intIn"; readonly path: string; readonly values: readonly number[] }
    | { readonly kind: "length" | "count"; readonly path: string; readonly min: number; readonly max: number }
    | { readonly kind: "matches"; readonly path: string };

/** The rules of one resource type. */
export interface TypeRules {
    /** The type token, e.g. `aws:lb/loadBalancer:LoadBalancer`. */
    readonly type: string;
    /** The AWS service prefix of its refusals (`elasticloadbalancing`, `s3`, ...). */
    readonly service: string;
    readonly rules: readonly Rule[];
}

/** A resource's inputs with secrets revealed. */
export type Inputs = Readonly<Record<string, unknown>>;

/** Whether a value is the engine's "not yet known" sentinel (previews). */
export function isUnknown(value: unknown): boolean {
    return value === unknownValue;
}

/** Whether a value is given: present, or unknown (an unknown value will be present at create). */
export function given(value: unknown): boolean {
    return value !== undefined && value !== null;
}

/** A known string, or undefined. */
export function str(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/** A known number (the engine sends numbers as numbers), or undefined. */
export function num(value: unknown): number | undefined {
    return typeof value === "number" ? value : undefined;
}

/** A known list, or undefined. */
export function list(value: unknown): unknown[] | undefined {
    return Array.isArray(value) ? value : undefined;
}

/** A known object (not a list), or undefined. */
export function obj(value: unknown): Record<string, unknown> | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A value found at a path, with the path spelled out (`rules[1].status`). */
export interface Found {
    readonly path: string;
    readonly value: unknown;
}

/**
 * Every value at a path such as `rules[].destination.bucket` (`[]` walks each element of a list).
 * A list or object that is not yet known ends the walk there: nothing below it can be judged.
 */
export function at(inputs: Inputs, path: string): Found[] {
    let found: Found[] = [{ path: "", value: inputs }];
    for (const segment of path.split(".")) {
        const isList = segment.endsWith("[]");
        const key = isList ? segment.slice(0, -2) : segment;
        const next: Found[] = [];
        for (const f of found) {
            const parent = obj(f.value);
            if (parent === undefined) {
                continue;
            }
            const child = parent[key];
            const childPath = f.path === "" ? key : `${f.path}.${key}`;
            if (!isList) {
                next.push({ path: childPath, value: child });
                continue;
            }
            (list(child) ?? []).forEach((element, i) => next.push({ path: `${childPath}[${i}]`, value: element }));
        }
        found = next;
    }
    return found;
}

/** The value at a simple path (no `[]`), or undefined. */
export function get(inputs: Inputs, path: string): unknown {
    return at(inputs, path)[0]?.value;
}

/** A problem at a path. */
export function problem(property: string, message: string): Problem {
    return { property, message };
}

// ---------------------------------------------------------------------------------------------
// Rule builders for the common shapes: required, exclusive, enums, ranges, lengths, patterns.
// Each takes the AWS API operation (or document) that states the rule, for the message.

/** `path` must be given (unknown counts as given). */
export function required(path: string, op: string, source: string, when?: (inputs: Inputs) => boolean): Rule {
    return {
        shape: { kind: "required", path },
        // A conditional requirement says when in its operation text: "CreateTargetGroup: required unless ...".
        rule: `${path} is required${when && op.includes(": ") ? ` (${op.slice(op.indexOf(": ") + 2)})` : when ? " (conditionally)" : ""}`,
        source,
        check: (inputs) => {
            if (when !== undefined && !when(inputs)) {
                return [];
            }
            return parentsOf(inputs, path)
                .filter((f) => !given(f.value))
                .map((f) => problem(f.path, `${f.path} is required (${op})`));
        },
    };
}

/** The values at `path`, found through their parents, so a missing leaf is reported too. */
function parentsOf(inputs: Inputs, path: string): Found[] {
    const dot = path.lastIndexOf(".");
    if (dot < 0) {
        return [{ path, value: inputs[path] }];
    }
    const parentPath = path.slice(0, dot);
    const leaf = path.slice(dot + 1);
    return at(inputs, parentPath)
        .filter((p) => obj(p.value) !== undefined)
        .map((p) => ({ path: `${p.path}.${leaf}`, value: (p.value as Record<string, unknown>)[leaf] }));
}

/** Exactly one of `fields` (siblings under `base`, or top level when base is "") is given. */
export function exactlyOne(base: string, fields: readonly string[], op: string, source: string): Rule {
    return {
        shape: { kind: "exactlyOne", base, fields },
        rule: `exactly one of ${fields.join(", ")}${base ? ` in ${base}` : ""}`,
        source,
        check: (inputs) => containers(inputs, base).flatMap((c) => {
            const set = fields.filter((k) => given(c.value[k]));
            if (set.length === 1) {
                return [];
            }
            const where = c.path === "" ? "" : `${c.path}: `;
            return [problem(c.path === "" ? fields[0] : c.path, set.length === 0
                ? `${where}one of ${fields.join(", ")} is required (${op})`
                : `${where}${set.join(" and ")} cannot both be given; exactly one of ${fields.join(", ")} (${op})`)];
        }),
    };
}

/** At most one of `fields` is given. */
export function atMostOne(base: string, fields: readonly string[], op: string, source: string): Rule {
    return {
        shape: { kind: "atMostOne", base, fields },
        rule: `at most one of ${fields.join(", ")}${base ? ` in ${base}` : ""}`,
        source,
        check: (inputs) => containers(inputs, base).flatMap((c) => {
            const set = fields.filter((k) => given(c.value[k]));
            return set.length > 1
                ? [problem(c.path === "" ? set[1] : c.path, `${c.path === "" ? "" : `${c.path}: `}${set.join(" and ")} are mutually exclusive (${op})`)]
                : [];
        }),
    };
}

/** The objects at `base` ("" is the inputs themselves). */
function containers(inputs: Inputs, base: string): { path: string; value: Record<string, unknown> }[] {
    const found = base === "" ? [{ path: "", value: inputs as unknown }] : at(inputs, base);
    return found.flatMap((f) => {
        const o = obj(f.value);
        return o === undefined ? [] : [{ path: f.path, value: o }];
    });
}

/** A known string at `path` is one of `values`. */
export function oneOf(path: string, values: readonly string[], op: string, source: string): Rule {
    return {
        shape: { kind: "oneOf", path, values },
        rule: `${path} is one of ${values.join(" | ")}`,
        source,
        check: (inputs) => at(inputs, path).flatMap((f) => {
            const v = str(f.value);
            return v !== undefined && !values.includes(v)
                ? [problem(f.path, `${f.path} "${v}" is not one of ${values.join(", ")} (${op})`)]
                : [];
        }),
    };
}

/** A known number at `path` is an integer in [min, max]. */
export function intRange(path: string, min: number, max: number, op: string, source: string): Rule {
    return {
        shape: { kind: "intRange", path, min, max },
        rule: `${path} is an integer ${min}–${max}`,
        source,
        check: (inputs) => at(inputs, path).flatMap((f) => {
            const v = num(f.value);
            return v !== undefined && (!Number.isInteger(v) || v < min || v > max)
                ? [problem(f.path, `${f.path} ${v} is out of range; it must be an integer ${min}–${max} (${op})`)]
                : [];
        }),
    };
}

/** A known number at `path` is one of `values`. */
export function intIn(path: string, values: readonly number[], op: string, source: string): Rule {
    return {
        shape: { kind: "intIn", path, values },
        rule: `${path} is ${values.join(" or ")}`,
        source,
        check: (inputs) => at(inputs, path).flatMap((f) => {
            const v = num(f.value);
            return v !== undefined && !values.includes(v) ? [problem(f.path, `${f.path} ${v} is not ${values.join(" or ")} (${op})`)] : [];
        }),
    };
}

/** A known string at `path` has `min`–`max` characters (the message names the kind, e.g. "ELB names"). */
export function length(path: string, min: number, max: number, kind: string, op: string, source: string): Rule {
    return {
        shape: { kind: "length", path, min, max },
        rule: `${path} has ${min}–${max} characters`,
        source,
        check: (inputs) => at(inputs, path).flatMap((f) => {
            const v = str(f.value);
            if (v === undefined || (v.length >= min && v.length <= max)) {
                return [];
            }
            const limit = v.length > max ? `${kind} are at most ${max}` : `${kind} are at least ${min}`;
            return [problem(f.path, `${f.path} "${v}" is ${v.length} characters; ${limit} (${op})`)];
        }),
    };
}

/** A known string at `path` matches `re` (described for the message). */
export function matches(path: string, re: RegExp, description: string, op: string, source: string): Rule {
    return {
        shape: { kind: "matches", path },
        rule: `${path}: ${description}`,
        source,
        check: (inputs) => at(inputs, path).flatMap((f) => {
            const v = str(f.value);
            return v !== undefined && !re.test(v) ? [problem(f.path, `${f.path} "${v}" is invalid: ${description} (${op})`)] : [];
        }),
    };
}

/** A known list at `path` has `min`–`max` elements. */
export function count(path: string, min: number, max: number, op: string, source: string): Rule {
    return {
        shape: { kind: "count", path, min, max },
        rule: `${path} has ${min}–${max} elements`,
        source,
        check: (inputs) => at(inputs, path).flatMap((f) => {
            const v = list(f.value);
            return v !== undefined && (v.length < min || v.length > max)
                ? [problem(f.path, `${f.path} has ${v.length} elements; ${min}–${max} are allowed (${op})`)]
                : [];
        }),
    };
}

/** A known list at `path` holds at least one element (AWS states no upper bound, or one the sandbox does not model). */
export function atLeastOne(path: string, op: string, source: string): Rule {
    return {
        shape: { kind: "count", path, min: 1, max: Infinity },
        rule: `${path} has at least one element`,
        source,
        check: (inputs) => at(inputs, path).flatMap((f) => {
            const v = list(f.value);
            return v !== undefined && v.length === 0 ? [problem(f.path, `${f.path} is empty; at least one is required (${op})`)] : [];
        }),
    };
}

/** `path` must not be given when `when(inputs)` holds (`why` says when, for the message). */
export function forbidden(path: string, why: string, when: (inputs: Inputs) => boolean, op: string, source: string): Rule {
    return {
        shape: { kind: "forbidden", path },
        rule: `no ${path} ${why}`,
        source,
        // `false` is how a program leaves a switch off; only a value that asks for something counts.
        check: (inputs) => (when(inputs) ? parentsOf(inputs, path).filter((f) => given(f.value) && f.value !== false).map((f) => problem(f.path, `${f.path} is not allowed ${why} (${op})`)) : []),
    };
}

/** A rule written out by hand. */
export function custom(rule: string, source: string, check: (inputs: Inputs) => Problem[]): Rule {
    return { rule, source, check };
}

/** Runs the rules of one type and prefixes each problem with the service, as AWS's errors do. */
export function runRules(rules: TypeRules, inputs: Inputs): RuleFailure[] {
    return rules.rules.flatMap((r) => r.check(inputs).map((p) => ({ property: p.property, reason: `${rules.service}: ${p.message}` })));
}
