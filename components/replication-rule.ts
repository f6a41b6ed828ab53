// The id of the one replication rule a regional bucket has. Pure data, apart from the component
// that creates the rule (bucket-replication.ts, which loads the AWS provider), so the driver can
// name the rule of a regional stack deployed before the stack exported it.

/**
 * Id of the rule that copies a regional bucket to its peer. S3 reports replication metrics per
 * rule (the `RuleId` dimension of AWS/S3's ReplicationLatency, OperationsPendingReplication,
 * BytesPendingReplication), so whoever reads the backlog must know it.
 */
export const replicationRuleId = "to-peer-region";
