import { changeReplaces } from "./replacements";
import { PropertyMap, containsUnknown, deepEqual, isUnset, reveal } from "./values";

/** How one top-level property changes; mirrors pulumirpc.PropertyDiff.Kind. */
export type PropertyDiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

/** What a change of inputs does to a resource. */
export interface InputDiff {
    /** Whether anything changed. */
    readonly changes: boolean;
    /** The changed top-level properties, sorted. */
    readonly diffs: string[];
    /** The changed properties AWS cannot change in place, sorted; non-empty means a replacement. */
    readonly replaces: string[];
    /** Per changed property, how it changes. */
    readonly detailedDiff: Record<string, PropertyDiffKind>;
}

/** Keys the engine or the bridge keep in inputs that are not AWS properties. */
const ignoredKeys = new Set(["__defaults", "__meta"]);

/**
 * Compares a resource's previous inputs with its new ones, property by property. A property whose
 * new value is not yet known (preview) counts as changed, as it does for the real provider. Secret
 * wrappers are ignored: a secret that keeps its value is unchanged.
 */
export function diffInputs(type: string, oldInputs: PropertyMap, newInputs: PropertyMap): InputDiff {
    const keys = [...new Set([...Object.keys(oldInputs), ...Object.keys(newInputs)])].filter((k) => !ignoredKeys.has(k)).sort();
    const detailedDiff: Record<string, PropertyDiffKind> = {};
    for (const key of keys) {
        const before = reveal(oldInputs[key]);
        const after = reveal(newInputs[key]);
        if (!containsUnknown(after) && deepEqual(before, after)) {
            continue;
        }
        const kind = isUnset(before) ? "add" : isUnset(after) ? "delete" : "update";
        detailedDiff[key] = changeReplaces(type, key, oldInputs, newInputs) ? `${kind}-replace` : kind;
    }
    const diffs = Object.keys(detailedDiff);
    const replaces = diffs.filter((k) => detailedDiff[k].endsWith("-replace"));
    return { changes: diffs.length > 0, diffs, replaces, detailedDiff };
}
