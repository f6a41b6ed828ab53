import { expect } from "chai";
import { renderStatus } from "../../automation/cli/render";
import { StatusResult } from "../../automation/driver/types";

// What `status` says about the posture when config and deployment differ, and about config a
// killed switch left undeployed.

const stacks = {
    primary: { key: "primary", name: "prod-primary", config: {}, outputs: {} },
    secondary: { key: "secondary", name: "prod-secondary", config: {}, outputs: {} },
    dns: { key: "dns", name: "prod-dns", config: {}, outputs: {} },
} as const;
const base = { stacks, capacity: {}, fence: { primary: "unknown", secondary: "unknown" } } as unknown as StatusResult;

describe("status rendering: posture and undeployed config", () => {
    it("a configured posture that differs from the deployed one is a switch under way or interrupted", () => {
        const text = renderStatus({ ...base, posture: "active-passive", configuredPosture: "failover" });
        expect(text.split("\n")[0]).to.equal("posture:   active-passive (config says failover: a switch is under way or was interrupted)");
    });

    it("destroyed stacks read as not deployed, with no switch under way", () => {
        const destroyed = { kind: "destroy", result: "succeeded", startTime: "2026-11-30T12:00:00.000Z" };
        const text = renderStatus({
            ...base,
            stacks: { primary: { ...stacks.primary, lastUpdate: destroyed }, secondary: { ...stacks.secondary, lastUpdate: destroyed }, dns: { ...stacks.dns, lastUpdate: destroyed } },
            configuredPosture: "active-passive",
            notDeployed: ["primary", "secondary", "dns"],
        } as unknown as StatusResult);
        expect(text.split("\n")[0]).to.equal("posture:   (not deployed)");
        expect(text).to.contain("not deployed: prod-primary, prod-secondary, prod-dns (no resources; last update: destroy); `sftp-failover bootstrap` deploys them");
        expect(text).to.not.contain("under way");
    });

    it("a stack that cannot be read is unknown, not undeployed", () => {
        expect(renderStatus(base).split("\n")[0]).to.equal("posture:   (unknown)");
    });

    it("each undeployed key names the file, both values, the run, and the command that puts it back by hand", () => {
        const text = renderStatus({
            ...base,
            undeployedConfig: [
                { stack: "secondary", key: "sftp-failover:capacityMode", configured: "active", deployed: "pilot-light", runId: "r1", file: "Pulumi.prod-secondary.yaml" },
                { stack: "dns", key: "sftp-failover:activeActiveWeights", configured: '{"primary":70,"secondary":30}', runId: "r1", file: "Pulumi.prod-dns.yaml" },
            ],
        });
        expect(text).to.contain(
            "undeployed config: Pulumi.prod-secondary.yaml sftp-failover:capacityMode = active, deployed pilot-light — left by run r1; a `pulumi up` by hand would apply it. The next switch puts it back; by hand: pulumi config set -s prod-secondary sftp-failover:capacityMode pilot-light",
        );
        expect(text).to.contain("by hand: pulumi config rm -s prod-dns sftp-failover:activeActiveWeights");
    });

    it("a quiesced region is one line: read-only, whether it takes traffic, and what lifts it", () => {
        const text = renderStatus({ ...base, quiesced: [{ region: "primary", takesTraffic: true, lift: "`sftp-failover posture active-passive` lifts it" }] });
        expect(text.split("\n")).to.include("quiesced:  primary read-only while DNS sends it traffic (its clients cannot write); `sftp-failover posture active-passive` lifts it");
        const idle = renderStatus({ ...base, quiesced: [{ region: "primary", takesTraffic: false, lift: "the switch that gives primary traffic lifts it" }] });
        expect(idle.split("\n")).to.include("quiesced:  primary read-only (it takes no traffic); the switch that gives primary traffic lifts it");
        expect(renderStatus(base)).to.not.include("quiesced:");
    });
});
