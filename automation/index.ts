// The package's public entry: the failover driver, its options, results and errors, and the
// posture model it speaks. Embedders import from here, never from internal files.
export { FailoverController, defaultStackNames, defaultReplicationRuleId } from "./driver/controller";
export * from "./driver/types";
export { AbortedError, BadInputError, FailoverError, LockedError, LockHolder, RegionUnreachableError, ReplicationBacklogError } from "./driver/errors";
export { PlannedStep, StackKey, StepPhase, ConfigChange, DeployedState, planSteps, planTransition, pendingSteps, capacityModeKey, postureKey, activeActiveWeightsKey } from "./driver/planner";
export { AuditEntry, AuditOperation, AuditQuery } from "./driver/audit";
export { RegionFenceClient, FenceClientOptions, FenceReading } from "./driver/fence-client";
export { ReplicationBacklog, ReplicationMetricsReader, ReplicationRule, ReplicationThresholds, defaultReplicationThresholds, cloudWatchReplicationMetrics } from "./driver/replication";
export { CostEstimate, CostItem, CostAssumptions, estimatePostureCost, estimateAllPostures, priceTableDate } from "./pricing";
export {
    CapacityMode,
    InvalidPostureError,
    Posture,
    PostureSpec,
    RegionName,
    Weights,
    parsePosture,
    postureSpec,
    postures,
    regionNames,
    servingRegion,
    validateWeights,
} from "./posture";
