// The id of one run (a switch, a fence, an unlock) in the journal and the audit log: the time to
// the second and a random suffix. One home, so every path writes ids of one shape. Loads nothing
// of Pulumi: the emergency fence uses it.
import * as crypto from "node:crypto";

/** A run id, e.g. `20261207T184012-a1b2c3`. */
export function newRunId(now: Date = new Date()): string {
    return `${now.toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${crypto.randomBytes(3).toString("hex")}`;
}
