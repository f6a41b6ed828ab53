// The coordination store's environment variable, in a module of its own: the CLI reads it before
// choosing a backend, on paths (the emergency fence) that must not load the stores' AWS clients.

/** The environment variable naming the coordination store when no option does. */
export const coordinationEnvVar = "SFTP_FAILOVER_COORDINATION";
