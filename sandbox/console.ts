// The sandbox's console: changes a deployed resource outside Pulumi, as a click in the AWS console
// would — a record's weight edited by hand, an alarm deleted. The provider's `read` (a refresh)
// then reports what the world holds, so drift detection is tested against a real change rather
// than a mocked diff. Only facts the world keeps can be edited (sandbox/world.ts).
import { canonicalType } from "./replacements";
import { World, WorldResource } from "./world";

/** Which resource to change: its type, and a part of its URN's name (the last URN segment). */
export interface ConsoleTarget {
    readonly type: string;
    readonly name: string;
}

function findOne(world: World, target: ConsoleTarget): WorldResource {
    const type = canonicalType(target.type);
    const matches = world.list().filter((r) => r.type === type && r.outside?.deleted !== true && (r.urn.split("::").pop() ?? "").includes(target.name));
    if (matches.length !== 1) {
        throw new Error(`sandbox console: ${matches.length} ${type} resources match "${target.name}" (need exactly one)`);
    }
    return matches[0];
}

/** Sets facts of one resource outside Pulumi; returns it as changed. */
export function editOutsidePulumi(world: World, target: ConsoleTarget, changes: Readonly<Record<string, unknown>>): WorldResource {
    const resource = findOne(world, target);
    const unknown = Object.keys(changes).filter((k) => !(k in resource.facts));
    if (unknown.length > 0) {
        throw new Error(`sandbox console: ${resource.type} keeps no fact ${unknown.join(", ")} to edit`);
    }
    const edited = [...new Set([...(resource.outside?.edited ?? []), ...Object.keys(changes)])];
    const changed: WorldResource = { ...resource, facts: { ...resource.facts, ...changes }, outside: { at: new Date().toISOString(), edited } };
    world.put(changed);
    return changed;
}

/** Deletes one resource outside Pulumi; returns it as it was. */
export function deleteOutsidePulumi(world: World, target: ConsoleTarget): WorldResource {
    const resource = findOne(world, target);
    world.put({ ...resource, outside: { at: new Date().toISOString(), deleted: true } });
    return resource;
}
