// Bucket keys that belong to sftp-failover itself, not to clients. A module of its own, without
// dependencies, because the failback reconcile (automation/aws/reconcile.ts) must skip them too and
// does not load the Pulumi SDK.

/**
 * The key prefix of the regional bucket that belongs to sftp-failover itself (the users object).
 * No user's home can be under it: a homePrefix segment may not start with '.' (see
 * normaliseHomePrefix in sftp-users.ts), and the canary's home is `canary/`. So the gateway's grants
 * on the homes never reach it, and bucket-wide access denies writes to it (gateway-policy.ts).
 */
export const reservedKeyPrefix = ".sftp-failover/";
