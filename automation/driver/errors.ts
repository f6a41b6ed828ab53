// The driver's errors: one base class, and a subclass for each thing a caller can act on.
// Automation API errors are never swallowed: they travel as `cause`.
import type { AnswerPrediction } from "../answer-safety";
import { RegionName } from "../../foundation/posture";

/** Base of every error the driver throws on purpose. `name` is set so logs and `instanceof` agree. */
export class FailoverError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "FailoverError";
    }
}

/** The caller asked for something invalid (unknown posture, weights out of range, missing reason, unknown stack). Nothing was changed. */
export class BadInputError extends FailoverError {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "BadInputError";
    }
}

/**
 * A switch refused for what it would do to Route 53's answer (automation/driver/switch-answer.ts):
 * it would give a region known to be unhealthy a larger share, or leave no healthy region answered
 * (force it with a reason), or it depends on health that cannot be read and was not accepted.
 * Nothing was changed.
 */
export class AnswerSafetyError extends BadInputError {
    /** The prediction, every case of it. */
    readonly prediction: AnswerPrediction;
    constructor(message: string, prediction: AnswerPrediction) {
        super(message);
        this.name = "AnswerSafetyError";
        this.prediction = prediction;
    }
}

/** Who holds the driver's lock: enough for an operator to go and ask them. */
export interface LockHolder {
    readonly identity: string;
    readonly host: string;
    readonly pid: number;
    readonly runId: string;
    readonly operation: string;
    readonly since: string;
    /**
     * When the holder's lease ends unless renewed (ISO time). A lock past it is provably stale on
     * any machine. Absent on locks written before leases, which never expire by time.
     */
    readonly expiresAt?: string;
    /** The lease length the holder renews, in ms. */
    readonly leaseMs?: number;
    /**
     * The lock's generation when this holder took it: the store's count of takes and breaks, which
     * only grows, so no two holders ever share one. Renewals keep it. Absent on locks written
     * before generations.
     */
    readonly generation?: number;
}

/** Another operation holds the lock (and did not release it within the wait, if one was given). */
export class LockedError extends FailoverError {
    readonly holder: LockHolder | undefined;
    constructor(holder: LockHolder | undefined, lockPath: string) {
        super(
            holder === undefined
                ? `locked: ${lockPath} exists but cannot be read as a lock; if no switch is running, clear it with \`sftp-failover unlock\``
                : `locked by ${holder.identity} on ${holder.host} (pid ${holder.pid}, ${holder.operation}, run ${holder.runId}, since ${holder.since}${holder.expiresAt !== undefined ? `, lease until ${holder.expiresAt}` : ""}); if that process is gone, clear it with \`sftp-failover unlock\``,
        );
        this.name = "LockedError";
        this.holder = holder;
    }
}

/**
 * The lock this run held was broken (`sftp-failover unlock`) or taken over (its lease ended and
 * someone took it), or the store could not be read to prove it still held: whatever the lock
 * guarded stops where it stands, fences nothing, and leaves the rest to whoever holds it now.
 */
export class LockLostError extends FailoverError {
    /** Who holds the lock now; undefined when no one does (it was broken) or it cannot be read. */
    readonly holder: LockHolder | undefined;
    constructor(message: string, holder?: LockHolder, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "LockLostError";
        this.holder = holder;
    }
}

/** A step against a region failed or timed out, and the caller asked for no degraded completion (e.g. `fence`). */
export class RegionUnreachableError extends FailoverError {
    readonly region: RegionName;
    constructor(region: RegionName, message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "RegionUnreachableError";
        this.region = region;
    }
}

/**
 * Replication from the serving region has not caught up, or cannot be shown to have (no datapoints,
 * CloudWatch unreachable — `cause` then holds the ReplicationMetricsUnavailableError — or stacks that
 * export no buckets): failing back now could lose or reorder writes. Nothing was changed.
 */
export class ReplicationBacklogError extends FailoverError {
    /** The figures CloudWatch reported (absent = no datapoint). */
    readonly backlog: { readonly operationsPending?: number; readonly bytesPending?: number; readonly latencySeconds?: number };
    constructor(message: string, backlog: ReplicationBacklogError["backlog"], options?: { cause?: unknown }) {
        super(message, options);
        this.name = "ReplicationBacklogError";
        this.backlog = backlog;
    }
}

/** The operation was aborted through its AbortSignal. The journal records where it stopped. */
export class AbortedError extends FailoverError {
    constructor(message = "aborted", options?: { cause?: unknown }) {
        super(message, options);
        this.name = "AbortedError";
    }
}

/** A step failed for a reason that is not its region's (a program or config error, a killed engine): the switch stopped where it stood and fenced nothing. */
export class SwitchStoppedError extends FailoverError {
    /** Descriptions of the steps done before the failure, in order. */
    readonly done: readonly string[];
    /** The step that failed. */
    readonly failedStep: string;
    constructor(message: string, failedStep: string, done: readonly string[], options?: { cause?: unknown }) {
        super(message, options);
        this.name = "SwitchStoppedError";
        this.failedStep = failedStep;
        this.done = done;
    }
}

/**
 * `plan` on stacks that hold no deployment (never deployed, or torn down): there is no posture to
 * switch from, and a plan would be the preview of creating everything. Nothing was changed; deploy
 * first (`bootstrap`, or `pulumi up` of each stack in the bootstrap order).
 */
export class NotDeployedError extends FailoverError {
    /** The stacks without a deployment, by role (primary, secondary, dns). */
    readonly notDeployed: readonly string[];
    constructor(message: string, notDeployed: readonly string[]) {
        super(message);
        this.name = "NotDeployedError";
        this.notDeployed = notDeployed;
    }
}
