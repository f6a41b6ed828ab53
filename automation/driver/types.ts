// The driver's public option and result types: plain data, so results can be rendered as JSON.
import { EngineEvent } from "@pulumi/pulumi/automation";
import type { OnDemandQuotaReader, StandbyQuota } from "../standby-quota";
import type { TimeToServe } from "../time-to-serve";
import { EngineEnvironment, ProviderStandIn } from "../engine/environment";
import { CapacityMode, Posture, RegionName, Weights } from "../../foundation/posture";
import { UndeployedConfig } from "./config-restore";
import { DrainOutcome, DrainSwitchOptions, OpenSessionsSource, PlannedDrain, RtoSplit } from "./drain";
import type { PlannedQuiesce } from "./quiesce";
import { EndpointHealth, EndpointHealthSource } from "./endpoint-health";
import { LockHolder } from "./errors";
import { CoordinationStore } from "./coordination/store";
import { FenceClientOptions, FenceReading, RegionFenceClient } from "../fence/client";
import { PlannedStep, StackKey } from "./planner";
import { ReplicationMetricsReader, ReplicationThresholds } from "./replication";
import { SftpEndpoint, VerifyResult } from "./verify";
import { VerificationSummary } from "./verify-gate";
import { AddressLocator, PostDnsCheckResult } from "./post-dns-check";
import { CostEstimate } from "../pricing";
import { AnswerPrediction } from "../answer-safety";
import { AcceptUnknownHealth } from "./switch-answer";
import { RpoExposure } from "../aws/rpo-exposure";
import { FenceEffect } from "../../components/fence-timing";
import { NotifyOptions } from "../notify/notifier";
import { TaskContext, TaskEvent } from "./tasks";

export type { TaskContext, TaskEvent } from "./tasks";

/** Cancellation every async operation takes: an aborted signal stops it within a moment with AbortedError (already aborted: at once, nothing read or changed). */
export interface SignalOptions {
    readonly signal?: AbortSignal;
}

/** Options of `status()` and `check()`: cancellation, and what each read is doing (`task-start`/`task-end` events). */
export type ReadOptions = TaskContext;

/** Options of `FailoverController.create`. */
export interface FailoverControllerOptions extends TaskContext {
    /** Folder holding Pulumi.yaml and the stack files. Defaults to `$SFTP_FAILOVER_PROJECT_DIR`, else the nearest folder at or above the current one holding Pulumi.yaml. */
    readonly projectDir?: string;
    /** Folder holding the engine (`bin/pulumi`). Defaults to `$PULUMI_CLI_CACHE`, else a checkout's `.pulumi-cli`, else `~/.cache/sftp-failover/pulumi-cli`. */
    readonly engineDir?: string;
    /** Stack names by role. Defaults to `primary`, `secondary`, `dns`. */
    readonly stacks?: Partial<Readonly<Record<StackKey, string>>>;
    /** State backend URL. Defaults to `file://<projectDir>/.pulumi-state`. */
    readonly backendUrl?: string;
    /** Provider plugins that stand in for AWS's: the sandbox gives its own with everything else it answers (`sandboxControllerOptions` in sandbox/controller-options.ts). Defaults to none. */
    readonly standIn?: ProviderStandIn;
    /** A fully resolved engine environment; when given, projectDir/engineDir/backendUrl/standIn are ignored. Defaults to one built from them. */
    readonly engine?: EngineEnvironment;
    /** Who is acting, for the audit log and the lock. Defaults to the OS user. */
    readonly identity?: string;
    /** Folder of the journal, lock and audit log (local files). Defaults to `<projectDir>/.failover` unless `coordination` or an s3:// backend says otherwise. */
    readonly journalDir?: string;
    /**
     * Where the lock, journal and audit log live, shared by every operator: `s3://bucket/prefix?region=…&endpoint=…`,
     * a folder, or a store object. Defaults to `journalDir` when given, else `$SFTP_FAILOVER_COORDINATION`,
     * else `.failover/` beside the state when the backend is s3://, else `<projectDir>/.failover`.
     */
    readonly coordination?: string | CoordinationStore;
    /** How long the switch lock's lease lasts unless renewed, in ms (renewed every third of it). Defaults to 60 s. */
    readonly leaseMs?: number;
    /** The fence client, or options to build the default one. Defaults to automation/fence/cloudwatch-fence.ts with default AWS settings. */
    readonly fence?: RegionFenceClient | FenceClientOptions;
    /** Reader of S3 replication metrics (failback). Defaults to CloudWatch with `cloudWatch` settings. */
    readonly replicationMetrics?: ReplicationMetricsReader;
    /** CloudWatch client settings for the replication metrics (endpoint overridable for an emulator). Defaults to the SDK's. */
    readonly cloudWatch?: { readonly endpoint?: string; readonly region?: string; readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } };
    /** Backlog limits above which failback refuses. Defaults to `defaultReplicationThresholds`. */
    readonly replicationThresholds?: ReplicationThresholds;
    /** Where `status` reads each region's endpoint-check health. Defaults to none (status then reports no endpoint health). */
    readonly endpointHealth?: EndpointHealthSource;
    /** Where the drain before a scale-down reads a region's open sessions. Defaults to CloudWatch's ActiveFlowCount of the region's load balancer, with `cloudWatch` settings. */
    readonly openSessions?: OpenSessionsSource;
    /** Where `plan` and `status` read the On-Demand vCPU quota of the region that must serve. Defaults to none (the quota is then unknown). */
    readonly onDemandQuota?: OnDemandQuotaReader;
    /** Where to reach each region's SFTP service for `verify`, instead of its stack's endpoint output (a lab, a private link). Defaults to the outputs. */
    readonly endpoints?: Partial<Readonly<Record<RegionName, SftpEndpoint>>>;
    /**
     * Turns a region's exported endpoint name into IPv4 addresses, for `verify`, the gate before DNS
     * and the check after it; a rejection says why the name has none. Defaults to the system's
     * resolvers, what a customer's client uses. The sandbox's answers from its own world.
     */
    readonly resolveEndpointName?: (name: string) => Promise<string[]>;
    /** Tell each switch, fence, unfence and a `check` not ready to an SNS topic or webhook (automation/notify/). Defaults to telling nobody. */
    readonly notify?: NotifyOptions;
    /** Timeouts. */
    readonly timeouts?: {
        /** How long one step's `up` may take before its region counts as unreachable, in ms. Defaults to 20 minutes. */
        readonly stepMs?: number;
        /** After a timeout, how long to wait for the engine to stop, in ms. Defaults to 30 s. */
        readonly cancelGraceMs?: number;
        /** How long to keep retrying a stack that the engine reports as locked by another update, in ms. Defaults to 60 s. */
        readonly stackBusyMs?: number;
    };
}

/** Options of `verify`. */
export interface VerifyOptions {
    /** Probe here instead of the configured or exported endpoint. */
    readonly endpoint?: SftpEndpoint;
    /** Bound on the probe. Defaults to 20 s. */
    readonly timeoutMs?: number;
    readonly signal?: AbortSignal;
}

/** Progress callbacks and cancellation shared by long operations. */
export interface ProgressOptions {
    /** Driver-level events: a step started, finished, was skipped, a region was fenced; a read or preview started or ended (`task-start`/`task-end`). */
    readonly onProgress?: (event: ProgressEvent) => void;
    /** The engine's structured events, tagged with the stack they come from. */
    readonly onEvent?: (stack: StackKey, event: EngineEvent) => void;
    /** The engine's text output, tagged with the stack. */
    readonly onOutput?: (stack: StackKey, text: string) => void;
    readonly signal?: AbortSignal;
}

/** A driver-level progress event. */
export type ProgressEvent =
    | { readonly type: "step-start"; readonly step: PlannedStep }
    | { readonly type: "step-end"; readonly step: PlannedStep; readonly result: StepResult }
    | { readonly type: "fenced"; readonly region: RegionName; readonly ok: boolean; readonly error?: string }
    | { readonly type: "resume"; readonly runId: string; readonly firstUnfinishedStep?: string }
    | { readonly type: "waiting-for-lock"; readonly holder: LockHolder | undefined }
    | { readonly type: "verified"; readonly result: VerifyResult }
    | { readonly type: "checked-after-dns"; readonly result: PostDnsCheckResult }
    /** The drain before a scale-down began waiting for the region's open sessions (drain.ts). */
    | { readonly type: "draining"; readonly region: RegionName }
    /** The drain before a scale-down ended (drain.ts). */
    | { readonly type: "drained"; readonly outcome: DrainOutcome }
    /** What the switch will do to Route 53's answer, predicted under the lock before any step (switch-answer.ts). */
    | { readonly type: "answer"; readonly prediction: AnswerPrediction }
    | TaskEvent;

/** Where and how the check after DNS moves asks (automation/driver/post-dns-check.ts). */
export interface AfterDnsCheckOptions {
    /** The authoritative DNS servers to ask, `ip` or `ip:port` (a zone's name server, a lab's). */
    readonly servers: readonly string[];
    /** The service name. Defaults to the dns stack's `recordFqdn` output. */
    readonly name?: string;
    /** Queries per round. Defaults to 20. */
    readonly queries?: number;
    /** How long to keep asking while the answers do not show the new split. Defaults to 60 s (Route 53's propagation). */
    readonly settleMs?: number;
    /**
     * Which answered addresses are each region's (a lab's records, a private zone). Sessions then go
     * to the controller's `endpoints` of that region, else to the address at its endpoint port.
     * Defaults to the addresses each region's `endpointDnsName` resolves to.
     */
    readonly regionAddresses?: Readonly<Partial<Record<RegionName, readonly string[]>>>;
    /** Replaces the address-to-region mapping altogether. */
    readonly locate?: AddressLocator;
}

/** Options of `setPosture`. */
export interface SetPostureOptions extends ProgressOptions, DrainSwitchOptions {
    /** Why: required when the target is `failover`. Recorded in the audit log. */
    readonly reason?: string;
    /** Active-active split to deploy. Defaults to the dns stack's configured split. */
    readonly activeActiveWeights?: Weights;
    /** Refresh each stack before its `up`. Defaults to false (a switch should not wait on a full read of the cloud). */
    readonly refresh?: boolean;
    /** Overrides the controller's step timeout for this call, in ms. */
    readonly stepTimeoutMs?: number;
    /** How long to wait for another operator's lock, in ms. Defaults to 0. */
    readonly waitMs?: number;
    /** Move DNS without verifying the regions that gain answers first, nor checking after. The switch then ends `unverified`. Defaults to false. */
    readonly skipVerify?: boolean;
    /**
     * Switch even though the predicted answer harms clients (a region known to be unhealthy gains
     * share, or no healthy region stays answered). Needs `reason`; the audit entry records the
     * harm overridden. Defaults to false: such a switch throws AnswerSafetyError, nothing changed.
     */
    readonly force?: boolean;
    /**
     * What to do when the prediction depends on health or fences that cannot be read (no
     * `endpointHealth` source, an API down): `true` accepts, a function is asked with every case
     * (`describeCases`) and accepts by resolving true. Defaults to refusing (AnswerSafetyError,
     * nothing changed).
     */
    readonly acceptUnknownHealth?: AcceptUnknownHealth;
    /** Check the answers and a session through the service name once DNS has moved. Defaults to no check. */
    readonly afterDns?: AfterDnsCheckOptions;
}

/** What happened to one step. */
export interface StepResult {
    readonly id: string;
    readonly stack: StackKey;
    readonly description: string;
    /** done: ran and succeeded; skipped: already in the desired state; fenced: its region was unreachable, it was fenced and the step left for later; failed: the switch stopped here. */
    readonly status: "done" | "skipped" | "fenced" | "failed";
    readonly durationMs: number;
    /** Resource changes the engine reported (`{ update: 1, same: 12 }`). */
    readonly changes?: Readonly<Record<string, number>>;
    readonly error?: string;
}

/** Outcome of a switch. */
export interface SetPostureResult {
    readonly runId: string;
    /**
     * ok: every step done or already in place, every region that gained answers verified;
     * unverified: the same, but the gate could not verify a region (no canary) or was skipped;
     * degraded: serving, with fenced regions and steps left; unchanged: nothing to do.
     */
    readonly status: "ok" | "unverified" | "degraded" | "unchanged";
    readonly from?: Posture;
    readonly to: Posture;
    readonly steps: readonly StepResult[];
    /** Steps left for when the fenced region returns. */
    readonly remaining: readonly string[];
    readonly fenced: readonly RegionName[];
    readonly durationMs: number;
    /** The unfinished run this one completed, if any. */
    readonly resumed?: string;
    /** What the switch was predicted to do to Route 53's answer (absent when nothing was deployed to predict from). */
    readonly answer?: AnswerPrediction;
    /** The harm the switch was forced through (`force`), when it was. */
    readonly forced?: string;
    /** What the gate before DNS found, when the run reached the DNS step. */
    readonly verification?: VerificationSummary;
    /**
     * What the check after DNS moved found, when `afterDns` was given and the DNS step ran. A
     * failure here does not change `status`: DNS has moved and stays moved.
     */
    readonly afterDns?: PostDnsCheckResult;
    /** What the drain before each scale-down found, in order. */
    readonly drains?: readonly DrainOutcome[];
    /** The quiesces the switch was asked for and skipped, and why (an unplanned switch's); absent when none. */
    readonly skippedQuiesces?: readonly PlannedQuiesce[];
}

/** What one stack looks like now. */
export interface StackStatus {
    readonly key: StackKey;
    readonly name: string;
    /** The driver's config keys as set in the stack file (the desired state). */
    readonly config: Readonly<Record<string, string>>;
    /** The stack's outputs as deployed (secret values masked). */
    readonly outputs: Readonly<Record<string, unknown>>;
    readonly lastUpdate?: {
        readonly kind: string;
        readonly result: string;
        readonly startTime: string;
        readonly endTime?: string;
        readonly resourceChanges?: Readonly<Record<string, number>>;
    };
    /** Set when the stack could not be read. */
    readonly error?: string;
}

/** Fence state of a region as the fence's store reports it: the one fence reading of automation/answer-safety.ts. */
export type FenceState = FenceReading;

/** Outcome of `status()`. */
export interface StatusResult {
    readonly stacks: Readonly<Record<StackKey, StackStatus>>;
    /** The posture the dns stack has deployed. */
    readonly posture?: Posture;
    /** The posture set in the dns stack's config (differs from `posture` while a switch is under way, or when the dns stack is not deployed). */
    readonly configuredPosture?: string;
    readonly weights?: Weights;
    readonly capacity: Readonly<Partial<Record<RegionName, CapacityMode>>>;
    /** The region that takes traffic first under the deployed posture. */
    readonly serving?: RegionName;
    /**
     * Who Route 53 answers under the deployed weights, the fences and the endpoint health where
     * known (an unknown fence or health counts as healthy): it differs from `serving` once a region
     * is fenced or down.
     */
    readonly answer?: { readonly answered: readonly RegionName[]; readonly rule: "non-zero-weight" | "zero-weight" | "fail-open" };
    readonly lock?: LockHolder;
    /** Set when the lock file is corrupt, or its holder is gone: what is wrong, and how to clear it. */
    readonly lockProblem?: string;
    readonly fence: Readonly<Record<RegionName, FenceState>>;
    /** What each region's endpoint check reports, and whether Route 53 would fail open (with an `endpointHealth` source). */
    readonly endpointHealth?: { readonly regions: Readonly<Record<RegionName, EndpointHealth>>; readonly failsOpen: boolean };
    /** The serving region's writes not yet replicated to the other (unknown, with why, when the metrics cannot be read). */
    readonly rpoExposure?: RpoExposure;
    /** The standby's On-Demand vCPU quota against its active size (absent with no standby, as in active-active). */
    readonly standbyQuota?: StandbyQuota;
    /** How long each kind of fence takes to move clients under the deployed timings (the deployed one is the alarm fence). */
    readonly fenceEffectSeconds?: FenceEffect;
    /** Stacks that hold no deployment (never deployed, or destroyed): readable, with no outputs. */
    readonly notDeployed?: readonly StackKey[];
    /**
     * Config a killed switch wrote into the stack files and did not deploy: a `pulumi up` by hand
     * would apply it. The next switch puts it back (`deployed`; absent: the key is removed).
     */
    readonly undeployedConfig?: readonly (UndeployedConfig & { readonly file: string })[];
    /**
     * Regions whose users are quiesced (read-only), whether DNS sends them traffic (then their
     * clients cannot write: a switch stopped after its quiesce and could not lift it), and what lifts it.
     */
    readonly quiesced?: readonly { readonly region: RegionName; readonly takesTraffic: boolean; readonly lift: string }[];
    /** A switch that did not finish (the next run of the same posture resumes it). */
    readonly unfinished?: { readonly runId: string; readonly target: string; readonly firstUnfinishedStep?: string; readonly identity: string; readonly at: string };
}

/** The engine's preview of one stack for one step. */
export interface StackPreview {
    readonly step: string;
    readonly stack: StackKey;
    /** Resource operations the engine would perform (`{ update: 2, same: 10 }`). */
    readonly changeSummary?: Readonly<Record<string, number>>;
    /** Resources that would change, with the operation (`update`, `replace`, ...). */
    readonly changes: readonly { readonly urn: string; readonly op: string; readonly keys?: readonly string[] }[];
    readonly error?: string;
}

/** Options of `plan`. */
export interface PlanPostureOptions extends ProgressOptions, DrainSwitchOptions {
    readonly activeActiveWeights?: Weights;
    /** Run the engine's preview of each pending step. Defaults to true. */
    readonly preview?: boolean;
}

/** Outcome of `plan()`. */
export interface PlanResult {
    readonly from?: Posture;
    readonly to: Posture;
    readonly steps: readonly PlannedStep[];
    readonly previews: readonly StackPreview[];
    /** Modelled RTO of an unplanned failover, from the dns stack (interval × threshold + TTL). */
    readonly modelledRtoSeconds?: number;
    /** How long each kind of fence takes to move clients under the deployed timings (the deployed one is the alarm fence). */
    readonly fenceEffectSeconds?: FenceEffect;
    /** Standby cost estimate of each posture (an estimate from a dated price table). */
    readonly costs: readonly CostEstimate[];
    /** The modelled time to serve of the region that must serve, per capacity path, with each path's cost (absent: no such region, or its stack exports no capacity settings). */
    readonly timeToServe?: TimeToServe;
    /** That region's On-Demand vCPU quota against its active size. */
    readonly standbyQuota?: StandbyQuota;
    /** What the switch would do to Route 53's answer, from the health and fences as read now (absent when DNS is not deployed). */
    readonly answer?: AnswerPrediction;
    /** The drain before each scale-down the switch would run (or skip, and why). */
    readonly drains?: readonly PlannedDrain[];
    /** The quiesce the switch would run before DNS (or skip, and why); absent without `quiesce`. */
    readonly quiesces?: readonly PlannedQuiesce[];
    /** The RTO in two parts: new connections move (DNS), existing sessions end (drain). */
    readonly rtoSplit?: RtoSplit;
}

/** Options of `failback`. */
export interface FailbackOptions extends SetPostureOptions {
    /**
     * Skip the replication backlog check (writes not yet replicated may be lost), and switch even
     * when the predicted answer harms clients (see `SetPostureOptions.force`). Defaults to false.
     */
    readonly force?: boolean;
}

/** Outcome of `failback()`. */
export interface FailbackResult extends SetPostureResult {
    /** What the replication metrics showed before the switch (absent with `force` or when the primary already served). */
    readonly backlog?: { readonly status: string; readonly operationsPending?: number; readonly bytesPending?: number; readonly latencySeconds?: number };
}

/** Options of `fence`/`unfence`. */
export interface FenceOptions extends SignalOptions {
    /** Why, for the audit log. Required with `force`. */
    readonly reason?: string;
    /** Go ahead when a reading is unknown or the fence moves clients (the CLI's --yes). Defaults to false: refused. */
    readonly yes?: boolean;
    /** Go ahead even when the predicted answer harms clients (needs `reason`; audited as forced). Defaults to false. */
    readonly force?: boolean;
}

/** Outcome of `fence`/`unfence`. */
export interface FenceResult {
    readonly region: RegionName;
    readonly state: "fenced" | "unfenced";
    /** Always true: a read never decides to skip a write (the last word must win). */
    readonly changed: boolean;
    readonly coordinates: unknown;
    /** The audit entry's run id. */
    readonly runId?: string;
    /** The harm forced past, when forced. */
    readonly forced?: string;
}

/** Options of `unlock`. */
export interface UnlockOptions extends SignalOptions {
    /** Why, for the audit log. */
    readonly reason?: string;
    /** Clear a lock even when its holder still runs on this host. Defaults to false. */
    readonly force?: boolean;
    /**
     * Asked with what would be cleared (one line each) before anything is; resolving false declines
     * (BadInputError, nothing changed). Not asked when there is nothing to clear. Defaults to clearing without asking.
     */
    readonly confirm?: (toClear: readonly string[]) => Promise<boolean>;
}

/** Outcome of `unlock()`. */
export interface UnlockResult {
    /** What was cleared, one line each (the driver's lock, the backend's stack locks). */
    readonly cleared: readonly string[];
}

/** Options of `history`. */
export interface HistoryOptions extends SignalOptions {
    readonly since?: Date;
    readonly limit?: number;
}
