// Clearing what a switch left locked: the driver's lock, the file backend's stack locks of the
// three stacks, and config a killed switch left undeployed in the stack files — by an operator
// (`unlock`, which the driver cannot prove stale by itself) or by a switch (an engine found dead).
import * as os from "node:os";
import { newRunId } from "../../run-id";
import { backendLocks, clearDeadEngineLocks, removeBackendLock } from "../backend-locks";
import { ConfigWriter, putBackUndeployed, undeployedConfig, UndeployedConfig } from "../config-restore";
import { BadInputError } from "../errors";
import { interruptedSteps } from "../journal";
import { StackKey } from "../planner";
import { stackFile } from "../preflight";
import { processAlive } from "../process-alive";
import { throwIfAborted, untilAborted } from "../tasks";
import { UnlockOptions, UnlockResult } from "../types";
import type { ReadStatuses } from "../stack-state";
import { breakLock, leaseExpired } from "./lease";
import { RunLog } from "./run-log";

/** What clearing locks works on. */
export interface LockClearing {
    readonly log: RunLog;
    readonly backendUrl: string;
    readonly names: Readonly<Record<StackKey, string>>;
    /** Where undeployed config is put back. */
    readonly stacks: Readonly<Record<StackKey, ConfigWriter>>;
    /** Reads the three stacks' deployed outputs (only when a killed switch left config behind). */
    readonly readStacks: () => Promise<ReadStatuses>;
}

/** Clears the backend locks of dead engines, audited (automation/driver/backend-locks.ts). */
export async function clearDeadLocks(clearing: Pick<LockClearing, "log" | "backendUrl" | "names">): Promise<void> {
    await clearDeadEngineLocks(clearing.backendUrl, Object.values(clearing.names), (e) => clearing.log.record(e));
}

/** One undeployed value, to be put back (`done` false) or put back. */
function describeUndeployed(u: UndeployedConfig, names: Readonly<Record<StackKey, string>>, done: boolean): string {
    return `undeployed ${u.key} = ${u.configured ?? "(unset)"} in ${stackFile(names[u.stack])}, ${done ? "put back" : "to put back"} to ${u.deployed ?? "(unset)"} (left by run ${u.runId})`;
}

/**
 * The controller's `unlock`: a holder still running on this host is refused unless `force`; asks
 * `confirm` with exactly what it will clear; audited when something was cleared.
 *
 * @throws BadInputError when a holder still runs here (without `force`), `confirm` declined, or
 *   the audit log cannot be written. Nothing was changed.
 * @throws AbortedError when `signal` fires before anything is cleared.
 */
export async function unlock(clearing: LockClearing, opts: UnlockOptions): Promise<UnlockResult> {
    const { log, names } = clearing;
    const reason = opts.reason;
    throwIfAborted(opts.signal);
    const force = opts.force ?? false;
    const here = os.hostname();
    const store = log.store;
    const lockState = await untilAborted(opts.signal, store.readLock());
    if (!force && lockState.state === "held") {
        const h = lockState.holder;
        if (h.host === here && processAlive(h.pid)) {
            throw new BadInputError(`the lock holder ${h.identity} (pid ${h.pid}, ${h.operation}) is still running on this host; stop it, or force`);
        }
        // A lease still being renewed means its holder is alive somewhere: breaking it is a decision to take knowingly.
        if (h.host !== here && h.expiresAt !== undefined && !leaseExpired(h, Date.now())) {
            throw new BadInputError(`the lock holder ${h.identity} on ${h.host} (${h.operation}) holds a lease until ${h.expiresAt}; wait for it to end, or force`);
        }
    }
    const engines = backendLocks(clearing.backendUrl, Object.values(names));
    const alive = engines.find((l) => l.hostname === here && processAlive(l.pid));
    if (!force && alive !== undefined) {
        throw new BadInputError(`the engine updating stack ${alive.stack} (pid ${alive.pid}) is still running on this host; wait for it, or force`);
    }
    // What a killed switch wrote into the stack files and never deployed is left behind too:
    // after `unlock`, a `pulumi up` by hand must not apply it.
    const unfinished = await untilAborted(opts.signal, log.unfinishedRun(false));
    const undeployed = unfinished !== undefined ? undeployedConfig(interruptedSteps(unfinished), await untilAborted(opts.signal, clearing.readStacks())) : [];
    const toClear: string[] = [];
    if (lockState.state === "held") {
        const h = lockState.holder;
        toClear.push(`driver lock of ${h.identity} on ${h.host} (pid ${h.pid}, ${h.operation}, run ${h.runId})`);
    } else if (lockState.state === "corrupt") {
        toClear.push(`driver lock ${store.lockLocation} (${lockState.problem})`);
    }
    for (const lock of engines) {
        toClear.push(`backend lock of stack ${lock.stack} (engine pid ${lock.pid} on ${lock.hostname})`);
    }
    const locks = toClear.length;
    toClear.push(...undeployed.map((u) => describeUndeployed(u, names, false)));
    if (toClear.length === 0) {
        return { cleared: [] };
    }
    await untilAborted(opts.signal, store.checkWritable());
    // Asked only once there is something to clear, and shown exactly what.
    if (opts.confirm !== undefined && !(await untilAborted(opts.signal, opts.confirm(toClear)))) {
        throw new BadInputError("declined: nothing was changed");
    }
    // The last moment to stop: what follows clears, and is not left half done.
    throwIfAborted(opts.signal);
    if (lockState.state !== "free") {
        await breakLock(store);
    }
    for (const lock of engines) {
        removeBackendLock(lock);
    }
    const cleared = toClear.slice(0, locks);
    cleared.push(...(await putBackUndeployed(undeployed, clearing.stacks)).map((u) => describeUndeployed(u, names, true)));
    await log.record({ operation: "unlock", runId: newRunId(), to: `cleared ${cleared.join("; ")}`, result: "ok", started: Date.now(), ...(reason !== undefined ? { reason } : {}) });
    return { cleared };
}
