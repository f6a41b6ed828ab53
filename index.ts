// The package's entry point: the failover driver (SDK), its types and errors, and the posture model.
export * from "./automation";
