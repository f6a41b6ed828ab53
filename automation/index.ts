// The package's public entry: the failover driver, its options, results and errors, and the
// posture model it speaks. Embedders import from here, never from internal files.
import { configKeys } from "../stacks/contract";

export { FailoverController, defaultStackNames, defaultReplicationRuleId } from "./driver/controller";
export type * from "./driver/types";
export { AbortedError, AnswerSafetyError, BadInputError, FailoverError, LockedError, LockLostError, NotDeployedError, RegionUnreachableError, ReplicationBacklogError, SwitchStoppedError } from "./driver/errors";
// Every error class above and below, with its CLI exit code and meaning, in one table.
export { errorRowOf, errorTable, exitCodeOfError, exitCodes, exitCodeTable } from "./error-table";
export type { ErrorRow } from "./error-table";
export { UsageError } from "./cli/errors";
export { StarterProjectError } from "./starter-project";
export { ReplicationMetricsUnavailableError } from "./aws/replication-backlog";
export { FenceError } from "./fence";
export { SecretConfigError } from "./engine/secret-config";
export { classifyFailure, decideOnFailure, mayRun } from "./driver/fencing";
export type { FailureClass, FailureDecision } from "./driver/fencing";
export type { LockHolder } from "./driver/errors";
export { planSteps, planTransition, pendingSteps } from "./driver/planner";
export type { PlannedStep, StackKey, StepPhase, ConfigChange, DeployedState } from "./driver/planner";
export type { AuditEntry, AuditOperation, AuditQuery } from "./driver/audit";
export type { NotifyOptions, NotifyFailure } from "./notify/notifier";
export type { Notification, ChangeNotification, CheckNotification } from "./notify/message";
export type { RegionFenceClient, FenceClientOptions, FenceReading } from "./driver/fence-client";
export { defaultReplicationThresholds, cloudWatchReplicationMetrics } from "./driver/replication";
export type { ReplicationBacklogReport, ReplicationMetricsReader, ReplicationRule, ReplicationThresholds } from "./driver/replication";
export { bootstrap } from "./driver/bootstrap";
export type { BootstrapEvent, BootstrapOptions, BootstrapPhase, BootstrapResult, BootstrapStepResult } from "./driver/bootstrap";
export { readEndpointHealth, regionEndpointOf } from "./driver/endpoint-health";
export type { EndpointHealth, EndpointHealthOutputs, EndpointHealthSource, HealthReading, HealthVerdict, ObservedEndpointHealth, ObservedReading, RegionEndpoint, RelatedCheckReading } from "./driver/endpoint-health";
export { awsEndpointHealth, route53HomeRegion } from "./aws/endpoint-health";
export type { AwsEndpointHealthOptions } from "./aws/endpoint-health";
export { endpointCheckVerdict, healthyCheckerPercent, metricStatusVerdict } from "./aws/health-check-verdicts";
export type { CheckerObservation, CheckVerdict, StatusPoint } from "./aws/health-check-verdicts";
export { estimatePostureCost, estimateAllPostures, priceTableDate } from "./pricing";
export type { CostEstimate, CostItem, CostAssumptions } from "./pricing";
export { InvalidPostureError, parsePosture, postureSpec, postures, regionNames, servingRegion, validateWeights } from "../foundation/posture";
export type { CapacityMode, Posture, PostureSpec, RegionName, Weights } from "../foundation/posture";
export { allHealthStates, postureAnswer, recordHealthy, route53Answer } from "./dns-answers";
export type { AnswerRule, RegionHealthState, RegionRecordState, Route53Answer } from "./dns-answers";
export { compareLatest, ReconcileError, reconcileBuckets, reconcileKinds } from "./aws/reconcile";
export type { BucketRef, CopyOutcome, ReconcileItem, ReconcileKind, ReconcileOptions, ReconcileReport } from "./aws/reconcile";
export { formatBytes, renderRpoExposure, rpoExposure } from "./aws/rpo-exposure";
export type { RpoExposure } from "./aws/rpo-exposure";
export type { CheckResult } from "./driver/readiness/check";
export type { CheckArea, Finding, FindingLevel } from "./driver/readiness/findings";
export { parseEndpoint, verifyRegion } from "./driver/verify";
export type { SftpEndpoint, VerifyInput, VerifyResult } from "./driver/verify";
export { describePostDnsCheck, expectedAfterDns, judgeAnswers, runPostDnsCheck } from "./driver/post-dns-check";
export type { AddressLocation, AddressLocator, CanaryCredentials, PostDnsAnswers, PostDnsCheckInput, PostDnsCheckResult, PostDnsProbes, PostDnsSession } from "./driver/post-dns-check";
export { endpointNameLocator, fixedAddressLocator, knownHealth, sharedFingerprints } from "./driver/post-dns-inputs";
export type { CoordinationStore, StoredLock } from "./driver/coordination/store";
export { LocalCoordinationStore } from "./driver/coordination/local-store";
export { S3CoordinationStore } from "./driver/coordination/s3-store";
export type { S3StoreClientOptions } from "./driver/coordination/s3-store";
export { parseCoordinationUrl, defaultCoordination } from "./driver/coordination/url";
export type { CoordinationLocation, LocalLocation, S3Location } from "./driver/coordination/url";
export { coordinationEnvVar } from "./driver/coordination/from-options";
export { defaultLeaseMs } from "./driver/coordination/lease";
export { postureConflict, postureOverrideEnvVar } from "../stacks/posture-record";
export type { PostureRecord, StackPostureConfig } from "../stacks/posture-record";
export { applyEmergencyFence, planEmergencyFence } from "./emergency-fence";
export type { CoordinatesSource, EmergencyFenceOptions, EmergencyFencePlan, EmergencyFenceResult } from "./emergency-fence";
export { FenceNotConfirmedError, HarmfulFenceError, NothingToFenceError } from "./fence-operation";
export type { FenceAction, FenceAuditSink, FenceOutcome, FencePlan, FenceRequest, FenceWorld } from "./fence-operation";
// The contract between the stacks and the driver: config keys, and each stack's outputs.
export { configKey, configKeys, configNamespace, dnsOutputNames, readDnsOutputs, readRegionalOutputs, regionalOutputNames, regionEndpointKey, regionStackKey } from "../stacks/contract";
export type { ConfigKey, DnsOutputs, RegionalOutputs, RegionHealthCheckIdOutputs, RoutingControlOutputs } from "../stacks/contract";
// The names these keys had before the contract held them, kept for embedders.
/** @deprecated Use `configKeys.capacityMode`. */
export const capacityModeKey = configKeys.capacityMode;
/** @deprecated Use `configKeys.posture`. */
export const postureKey = configKeys.posture;
/** @deprecated Use `configKeys.activeActiveWeights`. */
export const activeActiveWeightsKey = configKeys.activeActiveWeights;
/** @deprecated Use `configKeys.replicationEnabled`. */
export const replicationEnabledKey = configKeys.replicationEnabled;
/** @deprecated Use `configKeys.canaryKey`. */
export const canaryKeyConfigKey = configKeys.canaryKey;
