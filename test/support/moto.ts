// moto's server lives in sandbox/servers/, where the drill's lab starts it too (Secrets Manager for the host keys).
export * from "../../sandbox/servers/moto";
