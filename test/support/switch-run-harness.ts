// An active-passive → failover switch run on stand-in stacks (fake-stacks.ts), for unit tests of
// what a run does around its steps: every engine call, journal record, audit event and fence is
// recorded. The real engine runs the same cases in the engine tests.
import { FenceCoordinates } from "../../components/dns-fence-coordinates";
import { RegionName } from "../../foundation/posture";
import { AuditEvent } from "../../automation/driver/coordination/run-log";
import { RegionFenceClient } from "../../automation/fence/client";
import { JournalRecord } from "../../automation/driver/journal";
import { planTransition, StackKey } from "../../automation/driver/planner";
import { SwitchRun, SwitchRunPort } from "../../automation/driver/switch-run";
import { SetPostureOptions } from "../../automation/driver/types";
import { fakeStacks, UpBehaviour } from "./fake-stacks";

/** The failover's planned steps: the secondary's scale-up, the DNS step, the primary's scale-down. */
export const failoverSteps = planTransition("active-passive", "failover");

/** Fence coordinates for stand-in fence clients (never sent anywhere). */
export const standInFenceCoordinates = { region: "us-east-1", namespace: "SftpFailover", metricName: "Enabled", dimensions: { primary: {}, secondary: {} } } as unknown as FenceCoordinates;

export interface FailoverRunOptions {
    /** What each stack's `up` does (succeeds unless told). */
    readonly behaviour?: Partial<Record<StackKey, UpBehaviour>>;
    /** The lock's proof before every step and engine call. Defaults to one that always passes. */
    readonly proveHeld?: () => Promise<void>;
    /** What the fence's store says when read (no `read` or `state` unless given: unknown). */
    readonly fenceRead?: RegionFenceClient["read"];
    /** The gate's verifier. Defaults to none. */
    readonly verify?: SwitchRunPort["verify"];
    /** The operator's options (skipVerify …). Defaults to none. */
    readonly options?: SetPostureOptions;
}

/**
 * The parts of a run's port every unit test needs — stand-in stacks, a recording journal and audit
 * log, a fence that records nothing, short timeouts — with what they record. A test spreads
 * `port` and adds what it is about (verify, drain, sleep, readBefore …).
 */
export function standInPort(behaviour: Partial<Record<StackKey, UpBehaviour>> = {}) {
    const { stacks, calls } = fakeStacks(behaviour);
    const journal: JournalRecord[] = [];
    const audit: AuditEvent[] = [];
    const port = {
        journal: { append: async (r: JournalRecord) => void journal.push(r) },
        stacks,
        names: { primary: "primary", secondary: "secondary", dns: "dns" },
        fence: { fence: async () => undefined, unfence: async () => undefined } as RegionFenceClient,
        timeouts: { stepMs: 60_000, cancelGraceMs: 1_000, stackBusyMs: 1 },
        record: async (e: AuditEvent) => void audit.push(e),
    } satisfies Partial<SwitchRunPort>;
    return { port, calls, journal, audit };
}

/** A failover run from 100/0 to 0/100; `fenced` lists each region the run published a fence for. */
export function failoverRun(opts: FailoverRunOptions = {}) {
    const { port, calls, journal, audit } = standInPort(opts.behaviour ?? {});
    const fenced: RegionName[] = [];
    const before = { config: { "sftp-failover:capacityMode": { value: "pilot-light" }, "sftp-failover:posture": { value: "active-passive" } }, targets: "all" as const };
    const fence: RegionFenceClient = {
        fence: async (region) => void fenced.push(region),
        unfence: async () => undefined,
        ...(opts.fenceRead !== undefined ? { read: opts.fenceRead } : {}),
    };
    const run = new SwitchRun(
        {
            ...port,
            fence,
            fenceCoordinates: standInFenceCoordinates,
            readBefore: { primary: before, secondary: before, dns: before },
            proveHeld: opts.proveHeld ?? (async () => undefined),
            ...(opts.verify !== undefined ? { verify: opts.verify } : {}),
        },
        { runId: "r1", operation: "failover", target: "failover", steps: failoverSteps, from: "active-passive", reason: "drill", currentWeights: { primary: 100, secondary: 0 }, targetWeights: { primary: 0, secondary: 100 }, verifyRegions: ["secondary"], started: Date.now(), identity: "alice", host: "laptop-a" },
        opts.options ?? {},
    );
    return { run, calls, journal, audit, fenced };
}
