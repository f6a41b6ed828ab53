// Drift: what changed in the cloud outside Pulumi — a weight edited in the console, a deleted alarm.
// One `pulumi refresh --preview-only` per stack (the Automation API's previewRefresh): it reads
// every resource from the cloud and reports what differs from the state, changing nothing. Each
// resource that differs is one finding, naming its properties, with the way back: the next `up`
// (or switch) puts the program's values back, which is what a by-hand `up` would silently do.
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { Finding } from "./findings";

/** One resource the refresh found changed or gone. */
export interface DriftedResource {
    readonly stack: string;
    readonly type: string;
    /** The resource's name (the URN's last part). */
    readonly name: string;
    readonly change: "changed" | "deleted";
    /** The properties that differ, with what was deployed and what the cloud holds now. */
    readonly properties: readonly { readonly key: string; readonly deployed: string; readonly now: string }[];
}

/** The refresh's operations that are not drift: nothing changed, or a read of a reference. */
const unchangedOps = new Set(["same", "refresh", "read"]);

/** The resources a refresh preview's events report as changed outside Pulumi. */
export function driftFromEvents(stack: string, events: readonly EngineEvent[]): DriftedResource[] {
    const drifted: DriftedResource[] = [];
    for (const event of events) {
        const m = event.resOutputsEvent?.metadata;
        if (m === undefined || unchangedOps.has(m.op) || m.urn.includes("::pulumi:pulumi:Stack::")) {
            continue;
        }
        const name = m.urn.split("::").pop() ?? m.urn;
        if (m.op === "delete") {
            drifted.push({ stack, type: m.type, name, change: "deleted", properties: [] });
            continue;
        }
        const keys = m.diffs ?? Object.keys(m.detailedDiff ?? {});
        const properties = keys.map((key) => ({ key, deployed: shown(m.old?.inputs?.[key] ?? m.old?.outputs?.[key]), now: shown(m.new?.inputs?.[key] ?? m.new?.outputs?.[key]) }));
        drifted.push({ stack, type: m.type, name, change: "changed", properties });
    }
    return drifted;
}

/** Reads a stack's drift with one refresh preview (changes nothing). */
export async function readDrift(stackName: string, stack: Stack, signal?: AbortSignal): Promise<DriftedResource[]> {
    const events: EngineEvent[] = [];
    await stack.previewRefresh({ onEvent: (e) => void events.push(e), ...(signal !== undefined ? { signal } : {}) });
    return driftFromEvents(stackName, events);
}

/** A drifted resource as a finding; a deleted resource or any changed one makes the service not ready as deployed. */
export function driftFinding(d: DriftedResource): Finding {
    const what =
        d.change === "deleted"
            ? `stack ${d.stack}: ${d.type} ${d.name} was deleted outside Pulumi`
            : `stack ${d.stack}: ${d.type} ${d.name} was changed outside Pulumi: ${d.properties.map((p) => `${p.key} ${p.now} (deployed ${p.deployed})`).join("; ")}`;
    return {
        area: "drift",
        level: "not-ready",
        what,
        fix: `\`pulumi up -s ${d.stack}\` (or the next switch) puts the program's values back; keep the change only by putting it in the program or config, or it will be reverted`,
    };
}

/** A value in one short line: JSON, cut at 80 characters; secrets arrive masked by the engine. */
function shown(value: unknown): string {
    if (value === undefined) {
        return "(none)";
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
