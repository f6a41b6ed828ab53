import { expect } from "chai";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { runCheck, CheckReads } from "../../automation/driver/readiness/check";
import { driftFinding, driftFromEvents } from "../../automation/driver/readiness/drift";
import { statusFindings } from "../../automation/driver/readiness/status-findings";
import type { StatusResult } from "../../automation/driver/types";
import type { RegionDeployment } from "../../automation/driver/readiness/parity";

// A refresh preview's events, shaped as the engine sends them (seen on a sandbox lab with a
// record's weight edited and a fence alarm deleted outside Pulumi).
const urn = (type: string, name: string) => `urn:pulumi:dns::sftp-failover::sftp-failover:dns:DnsFailover$${type}::${name}`;
const events = [
    { resOutputsEvent: { metadata: { op: "same", urn: urn("aws:route53/healthCheck:HealthCheck", "sftp-primary-health-endpoint"), type: "aws:route53/healthCheck:HealthCheck", provider: "" } } },
    { resOutputsEvent: { metadata: { op: "refresh", urn: urn("aws:route53/record:Record", "sftp-secondary-a"), type: "aws:route53/record:Record", provider: "" } } },
    { resOutputsEvent: { metadata: { op: "delete", urn: urn("aws:cloudwatch/metricAlarm:MetricAlarm", "sftp-primary-fence-alarm"), type: "aws:cloudwatch/metricAlarm:MetricAlarm", provider: "" } } },
    {
        resOutputsEvent: {
            metadata: {
                op: "update",
                urn: urn("aws:route53/record:Record", "sftp-primary-a"),
                type: "aws:route53/record:Record",
                provider: "",
                diffs: ["weightedRoutingPolicies"],
                old: { inputs: { weightedRoutingPolicies: [{ weight: 100 }] } },
                new: { inputs: { weightedRoutingPolicies: [{ weight: 7 }] } },
            },
        },
    },
    { resourcePreEvent: { metadata: { op: "update", urn: urn("aws:route53/record:Record", "sftp-primary-a"), type: "aws:route53/record:Record", provider: "" } } },
] as unknown as EngineEvent[];

const healthy = { health: "healthy" as const, reasons: [] };

function status(overrides: Partial<StatusResult> = {}): StatusResult {
    return {
        stacks: {} as StatusResult["stacks"],
        posture: "active-passive",
        configuredPosture: "active-passive",
        weights: { primary: 100, secondary: 0 },
        capacity: { primary: "active", secondary: "pilot-light" },
        fence: { primary: "unfenced", secondary: "unfenced" },
        endpointHealth: { regions: { primary: healthy, secondary: healthy }, failsOpen: false },
        ...overrides,
    };
}

const deployment = (name: "primary" | "secondary"): RegionDeployment => ({
    typed: { usersFingerprint: "u", hostKeyFingerprints: { ed25519: "f" }, canaryUser: "canary", endpointPort: 22, capacityMode: name === "primary" ? "active" : "pilot-light" },
    launchTemplate: { instanceType: "t3.small", sftpgoPackage: "sftpgo" },
});

describe("readiness check", () => {
    it("names each resource changed or deleted outside Pulumi, with what was deployed and what is there now", () => {
        const drifted = driftFromEvents("dns", events);
        expect(drifted).to.deep.equal([
            { stack: "dns", type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: "sftp-primary-fence-alarm", change: "deleted", properties: [] },
            { stack: "dns", type: "aws:route53/record:Record", name: "sftp-primary-a", change: "changed", properties: [{ key: "weightedRoutingPolicies", deployed: '[{"weight":100}]', now: '[{"weight":7}]' }] },
        ]);
        expect(driftFinding(drifted[1]).what).to.equal('stack dns: aws:route53/record:Record sftp-primary-a was changed outside Pulumi: weightedRoutingPolicies [{"weight":7}] (deployed [{"weight":100}])');
        expect(driftFinding(drifted[0]).fix).to.match(/^`pulumi up -s dns` \(or the next switch\) puts the program's values back/);
    });

    it("a healthy, deployed, unfenced service has no status finding", () => {
        expect(statusFindings(status())).to.deep.equal([]);
    });

    it("an unhealthy standby is not ready (a failover would have nowhere to go); unknown health is unknown, never healthy", () => {
        const down = statusFindings(status({ endpointHealth: { regions: { primary: healthy, secondary: { health: "unhealthy", reasons: ["0 of 16 checkers"] } }, failsOpen: false } }));
        expect(down.map((f) => `${f.level}: ${f.what}`)).to.deep.equal(["not-ready: secondary's endpoint is unhealthy (0 of 16 checkers): a failover would have nowhere to go"]);
        const unknown = statusFindings(status({ endpointHealth: { regions: { primary: { health: "unknown", reasons: ["throttled"] }, secondary: healthy }, failsOpen: false } }));
        expect(unknown.map((f) => f.level)).to.deep.equal(["unknown"]);
        expect(statusFindings(status({ endpointHealth: undefined })).map((f) => f.level)).to.deep.equal(["unknown"]);
    });

    it("the standby's On-Demand quota: short is not ready, unreadable is unknown, enough says nothing", () => {
        const quota = { region: "secondary", awsRegion: "us-west-2", instanceType: "t3.small", activeSize: 2, neededVcpus: 4 } as const;
        const short = statusFindings(status({ standbyQuota: { ...quota, verdict: "short", quotaVcpus: 3, detail: "quota from sandbox" } }));
        expect(short.map((f) => `${f.area} ${f.level}: ${f.what}`)).to.deep.equal([
            "standby not-ready: On-Demand vCPU quota of secondary (us-west-2): 4 vCPUs needed (2 × t3.small), On-Demand Standard quota 3: SHORT by 1 vCPUs",
        ]);
        const unknown = statusFindings(status({ standbyQuota: { ...quota, verdict: "unknown", detail: "the quota could not be read: throttled" } }));
        expect(unknown.map((f) => `${f.area} ${f.level}`)).to.deep.equal(["standby unknown"]);
        expect(statusFindings(status({ standbyQuota: { ...quota, verdict: "enough", quotaVcpus: 4, detail: "quota from sandbox" } }))).to.deep.equal([]);
    });

    it("a posture configured but not deployed, an unfinished switch and a fence are each named with a fix", () => {
        const findings = statusFindings(status({ configuredPosture: "failover", fence: { primary: "fenced", secondary: "unfenced" } }));
        expect(findings.map((f) => `${f.level}: ${f.what}`)).to.deep.equal([
            "not-ready: the dns stack's config says failover but active-passive is deployed: a by-hand `pulumi up` would switch",
            "warning: primary is fenced: Route 53 does not answer it",
        ]);
        const unfinished = statusFindings(status({ unfinished: { runId: "r1", target: "failover", identity: "alice", at: "2026-12-07T10:00:00Z" }, configuredPosture: "failover" }));
        expect(unfinished.map((f) => f.fix)).to.deep.equal(["finish it: `sftp-failover posture failover`"]);
    });

    it("runs every part, reports a part it cannot read as unknown, and is ready only when nothing is wrong or unknown", async () => {
        const reads: CheckReads = {
            status: async () => status(),
            deployments: async () => ({ primary: deployment("primary"), secondary: deployment("secondary") }),
            drift: async () => [],
            stackNames: { primary: "primary", secondary: "secondary", dns: "dns" },
        };
        expect((await runCheck(reads)).readiness).to.equal("ready");
        const broken = await runCheck({ ...reads, drift: async (k) => (k === "dns" ? Promise.reject(new Error("engine exited 1\nmore")) : []) });
        expect(broken.readiness).to.equal("unknown");
        expect(broken.findings.map((f) => f.what)).to.deep.equal(["stack dns: drift could not be read: engine exited 1"]);
        const drifted = await runCheck({ ...reads, drift: async (k) => (k === "dns" ? driftFromEvents("dns", events) : []) });
        expect(drifted.readiness).to.equal("not-ready");
        expect(drifted.findings).to.have.length(2);
    });
});
