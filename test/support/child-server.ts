// The loopback servers live in sandbox/servers/, where the drill's two-region lab starts them too.
export * from "../../sandbox/servers/child-server";
