// The drill's planned failover with a customer's sessions on the region losing traffic (issue 24):
// a real `sftp` session opened before the switch uploads a large file while DNS moves and leaves
// once the drain has begun — the drain must wait for it, and its time is measured from the real
// session's end — while a client that arrives after the quiesce (a stale DNS answer) is refused
// writes cleanly. The switch runs with `--quiesce`; the lab's users timer (sandbox/lab-users.ts)
// applies the read-only list to the primary's sshd as a gateway's timer applies it to SFTPGo.
import * as fs from "node:fs";
import * as path from "node:path";
import { SetPostureResult } from "../automation";
import { describeDrain, OpenSessionsReading } from "../automation/driver/drain";
import type { ProgressEvent } from "../automation/driver/types";
import type { LabServers } from "../sandbox/lab-servers";
import { sandboxOpenSessions } from "../sandbox/open-sessions";
import { ClientFiles, holdSession, LabClient, uploadOnce, UploadOutcome, writeLargeFile } from "../sandbox/lab-upload";
import type { LabUsersSync } from "../sandbox/lab-users";
import type { SessionFigures } from "./drill-report";

/** What the scenario needs from the drill. */
export interface SessionsScenario {
    readonly servers: LabServers;
    readonly usersSync: LabUsersSync;
    readonly client: LabClient;
    /** The large file's size and the client's bandwidth limit (`sftp -l`, Kbit/s): together, how long the upload lasts. */
    readonly bytes: number;
    readonly limitKbits: number;
    /** The reload the driver waits for after the quiesce (the regional stacks' usersReloadSeconds). */
    readonly reloadModelSeconds: number;
    /** Runs the planned failover (with quiesce) reporting progress to `onProgress`. */
    readonly switchWith: (onProgress: (e: ProgressEvent) => void) => Promise<SetPostureResult>;
}

/** The failover's result and the figures of the sessions through it. */
export interface SessionsOutcome {
    readonly result: SetPostureResult;
    readonly figures: SessionFigures;
}

/**
 * Runs the planned failover with the two clients. The held session is ended when the drain begins
 * (or when the switch ends, if no drain ran), so the drain always finds it open, whatever the
 * machine's speed: `sftp` finishes the upload first, then leaves.
 */
export async function plannedFailoverWithSessions(s: SessionsScenario): Promise<SessionsOutcome> {
    const files = new ClientFiles(s.client);
    try {
        const large = path.join(files.dir, "large.bin");
        const small = path.join(files.dir, "late.bin");
        writeLargeFile(large, s.bytes);
        fs.writeFileSync(small, "written after the quiesce\n");
        const primary = s.servers.endpoints.primary;
        const held = await holdSession(files, primary, { limitKbits: s.limitKbits, timeoutMs: 600_000 });
        const t: { started: number; quiesceStart?: number; quiesceEnd?: number; dnsEnd?: number; drainStart?: number; drainEnd?: number } = { started: Date.now() };
        // Set from the progress callback: the held session's end and the late client's upload.
        const clients: { ending?: Promise<UploadOutcome>; late?: Promise<UploadOutcome>; openAtDrain?: Promise<OpenSessionsReading> } = {};
        // The same count the drain polls: the primary sshd's established connections.
        const openSessions = sandboxOpenSessions({ endpoints: s.servers.endpoints });
        const result = await s
            .switchWith((e) => {
                if (e.type === "step-start" && e.step.users?.readOnly === true) t.quiesceStart = Date.now();
                if (e.type === "step-end" && e.step.users?.readOnly === true) t.quiesceEnd = Date.now();
                if (e.type === "step-end" && e.step.stack === "dns") t.dnsEnd = Date.now();
                if (e.type === "step-start" && e.step.stack === "dns") {
                    // DNS is moving: the held session uploads; a client with a stale answer arrives.
                    held.put(large, "large.bin");
                    clients.late = uploadOnce(files, primary, small, "late.bin");
                }
                if (e.type === "draining") {
                    t.drainStart = Date.now();
                    // Counted before the held session is told to end: the drain had a session to wait for.
                    clients.openAtDrain = openSessions.read("primary");
                    clients.ending = clients.openAtDrain.then(() => held.end());
                }
                if (e.type === "drained") t.drainEnd = Date.now();
            })
            .finally(() => {
                clients.ending ??= held.end();
            });
        const upload = await (clients.ending ?? held.end());
        const refused = (await clients.late) ?? { ok: true, stderr: "never tried: no DNS step ran", endedAt: Date.now() };
        const stored = path.join(s.servers.sshd.primary.sftpDir, "large.bin");
        const lateStored = fs.existsSync(path.join(s.servers.sshd.primary.sftpDir, "late.bin"));
        const applied = s.usersSync.changes.find((c) => c.region === "primary" && c.readOnly && t.quiesceStart !== undefined && c.at >= t.quiesceStart);
        const drain = result.drains?.find((d) => d.region === "primary");
        const since = (from: number | undefined, to: number | undefined) => (from !== undefined && to !== undefined ? to - from : undefined);
        const figures: SessionFigures = {
            ...opt("newConnectionsMoveMs", since(t.started, t.dnsEnd)),
            ...opt("existingSessionsEndMs", since(t.dnsEnd, t.drainEnd)),
            upload: {
                bytes: s.bytes,
                limitKbits: s.limitKbits,
                completed: upload.ok && fs.existsSync(stored) && fs.statSync(stored).size === s.bytes,
                ...opt("sessionEndedAfterDnsMs", since(t.dnsEnd, upload.endedAt)),
                ...opt("drainSawItEndAfterMs", since(upload.endedAt, t.drainEnd)),
                ...opt("openWhenDrainBegan", await openCount(clients.openAtDrain)),
                ...(upload.ok ? {} : { error: upload.stderr }),
            },
            lateUpload: {
                refused: !refused.ok && /permission denied/i.test(refused.stderr) && !lateStored,
                message: refused.stderr.split("\n").filter((l) => l.trim() !== "").at(-1) ?? "",
            },
            quiesce: {
                ...opt("stepMs", since(t.quiesceStart, t.quiesceEnd)),
                ...opt("appliedAfterStepStartMs", since(t.quiesceStart, applied?.at)),
                modelSeconds: s.reloadModelSeconds,
            },
            drain: drain !== undefined ? describeDrain(drain) : "no drain ran",
        };
        return { result, figures };
    } finally {
        files.remove();
    }
}

function opt<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
    return (value !== undefined ? { [key]: value } : {}) as { [P in K]?: number };
}

/** The count a reading gave, undefined when none was made or it was unknown. */
async function openCount(reading: Promise<OpenSessionsReading> | undefined): Promise<number | undefined> {
    const r = await reading;
    return r?.known === true ? r.sessions : undefined;
}
