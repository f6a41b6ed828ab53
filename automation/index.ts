// The package's public entry: the failover driver, its options, results and errors, and the
// posture model it speaks. Embedders import from here, never from internal files.
export { FailoverController, defaultStackNames, defaultReplicationRuleId } from "./driver/controller";
export type * from "./driver/types";
export { AbortedError, BadInputError, FailoverError, LockedError, RegionUnreachableError, ReplicationBacklogError, SwitchStoppedError } from "./driver/errors";
export { classifyFailure, decideOnFailure, mayRun } from "./driver/fencing";
export type { FailureClass, FailureDecision } from "./driver/fencing";
export type { LockHolder } from "./driver/errors";
export { planSteps, planTransition, pendingSteps, capacityModeKey, postureKey, activeActiveWeightsKey } from "./driver/planner";
export type { PlannedStep, StackKey, StepPhase, ConfigChange, DeployedState } from "./driver/planner";
export type { AuditEntry, AuditOperation, AuditQuery } from "./driver/audit";
export type { RegionFenceClient, FenceClientOptions, FenceReading } from "./driver/fence-client";
export { defaultReplicationThresholds, cloudWatchReplicationMetrics } from "./driver/replication";
export type { ReplicationBacklogReport, ReplicationMetricsReader, ReplicationRule, ReplicationThresholds } from "./driver/replication";
export { bootstrap, replicationEnabledKey } from "./driver/bootstrap";
export type { BootstrapEvent, BootstrapOptions, BootstrapPhase, BootstrapResult, BootstrapStepResult } from "./driver/bootstrap";
export { readEndpointHealth, regionEndpointOf } from "./driver/endpoint-health";
export type { EndpointHealth, EndpointHealthSource, RegionEndpoint } from "./driver/endpoint-health";
export { estimatePostureCost, estimateAllPostures, priceTableDate } from "./pricing";
export type { CostEstimate, CostItem, CostAssumptions } from "./pricing";
export { InvalidPostureError, parsePosture, postureSpec, postures, regionNames, servingRegion, validateWeights } from "./posture";
export type { CapacityMode, Posture, PostureSpec, RegionName, Weights } from "./posture";
export { allHealthStates, postureAnswer, recordHealthy, route53Answer } from "./dns-answers";
export type { AnswerRule, RegionHealthState, RegionRecordState, Route53Answer } from "./dns-answers";
export { compareLatest, ReconcileError, reconcileBuckets, reconcileKinds } from "./aws/reconcile";
export type { BucketRef, CopyOutcome, ReconcileItem, ReconcileKind, ReconcileOptions, ReconcileReport } from "./aws/reconcile";
export { formatBytes, renderRpoExposure, rpoExposure } from "./aws/rpo-exposure";
export type { RpoExposure } from "./aws/rpo-exposure";
