import { expect } from "chai";
import { deployedOutputs, deployedOutputsFor, deployedStateOf, readStack, summarizeEngineError, withTypedOutputsAll } from "../../automation/driver/stack-state";
import { regionDeploymentOf } from "../../automation/driver/readiness/deployments";
import type { Stack } from "@pulumi/pulumi/automation";
import { StackStatus } from "../../automation/driver/types";
import { estimateAllPostures, estimatePostureCost, interfaceEndpointServices, priceTableDate } from "../../automation/pricing";
import { bootInterfaceEndpointServices } from "../../components/network";
import { backlogFigures } from "../../automation/driver/replication";

function stack(key: "primary" | "secondary" | "dns", outputs: Record<string, unknown>): StackStatus {
    return { key, name: key, config: {}, outputs };
}

describe("driver state and estimates", () => {
    it("reads a stack's outputs from its exported state, every secret (top level or nested) masked", () => {
        const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
        const state = {
            version: 3,
            deployment: {
                resources: [
                    { urn: "urn:pulumi:dns::p::pulumi:pulumi:Stack::p-dns", type: "pulumi:pulumi:Stack", outputs: { posture: "failover", token: secret, fence: { alarm: "a", key: secret }, list: [1, secret] } },
                    { urn: "urn:pulumi:dns::p::aws:route53/record:Record::r", type: "aws:route53/record:Record", outputs: { name: "not a stack output" } },
                ],
            },
        };
        expect(deployedOutputs(state)).to.deep.equal({ posture: "failover", token: "[secret]", fence: { alarm: "a", key: "[secret]" }, list: [1, "[secret]"] });
        expect(deployedOutputs({ version: 3, deployment: {} }), "never deployed").to.deep.equal({});
        expect(deployedOutputs({ version: 3, deployment: { resources: [] } }), "destroyed").to.deep.equal({});
    });

    it("a deployment's outputs are parsed once however many readers hold it (check's status and parity)", async () => {
        const state = { version: 3, deployment: { resources: [{ urn: "urn:pulumi:primary::p::pulumi:pulumi:Stack::p-primary", type: "pulumi:pulumi:Stack", outputs: { capacityMode: "active", region: "us-east-1" } }] } };
        const stack = { name: "primary", getAllConfig: async () => ({}), exportStack: async () => state, history: async () => [] } as unknown as Stack;

        const read = await readStack("primary", stack, { knownState: Promise.resolve(state), lastUpdate: false });
        const parity = regionDeploymentOf("primary", state);

        expect(read.status.typed).to.include({ capacityMode: "active" });
        expect(parity.typed, "parity got the very parse status made").to.equal(read.status.typed);
        expect(deployedOutputsFor("secondary", state).typed, "another role parses for itself").to.not.equal(read.status.typed);
        // Another deployment (another read) is parsed afresh.
        expect(deployedOutputsFor("primary", structuredClone(state)).typed).to.not.equal(read.status.typed);
    });

    it("the deployed state comes from outputs, not config", () => {
        const state = deployedStateOf(
            withTypedOutputsAll({
                primary: { ...stack("primary", { capacityMode: "active" }), config: { "sftp-failover:capacityMode": "drained" } },
                secondary: stack("secondary", { capacityMode: "pilot-light" }),
                dns: stack("dns", { posture: "active-passive", weights: { primary: 100, secondary: 0 } }),
            }),
        );
        expect(state).to.deep.equal({
            capacity: { primary: "active", secondary: "pilot-light" },
            dns: { posture: "active-passive", weights: { primary: 100, secondary: 0 } },
        });
    });

    it("a stack never deployed, or with unexpected outputs, leaves its part unknown", () => {
        const state = deployedStateOf(
            withTypedOutputsAll({
                primary: stack("primary", {}),
                secondary: stack("secondary", { capacityMode: "turbo" }),
                dns: stack("dns", { posture: "sideways", weights: "100/0" }),
            }),
        );
        expect(state).to.deep.equal({ capacity: {}, dns: {} });
    });

    it("an engine error is summarised by its own error line", () => {
        const err = new Error(
            "code: 255\n stdout: Updating (primary):\n\n stderr: error: sandbox: region us-west-2 is unreachable (update aws:autoscaling/group:Group)\nerror: update failed\n",
        );
        expect(summarizeEngineError(err)).to.equal("error: sandbox: region us-west-2 is unreachable (update aws:autoscaling/group:Group)");
        expect(summarizeEngineError(new Error("plain"))).to.equal("plain");
    });

    it("the cost estimate is labelled, dated, and prices standby by the regions without traffic", () => {
        const ap = estimatePostureCost("active-passive");
        expect(ap.estimate).to.equal(true);
        expect(ap.priceTableDate).to.equal(priceTableDate);
        // Secondary in pilot light: 1 × t3.small (0.0208 × 730) + NLB (0.0225 × 730)
        // + checks (0.50 + 1.00 fast interval, fence 0.50, calculated 0.50) + alarm 0.10
        // + a NAT gateway per zone (2 × 0.045 × 730) + the Secrets Manager endpoint in 2 zones (2 × 0.01 × 730)
        // + 4 public IPv4 addresses, 2 NATs' and 2 NLB zones' (4 × 0.005 × 730).
        expect(ap.standbyMonthlyUsd).to.equal(129.11);
        expect(ap.items.filter((i) => i.region === "secondary").map((i) => i.item)).to.include.members([
            "2 NAT gateway(s), one per zone (private instances' egress)",
            "1 interface endpoint(s) in 2 zones (secretsmanager)",
            "4 public IPv4 addresses (NATs, NLB zones)",
        ]);
        // Without NAT (network.nat: false): no gateway, and only the NLB zones' addresses.
        const noNat = estimatePostureCost("active-passive", { nat: false });
        expect(noNat.standbyMonthlyUsd).to.equal(56.11);
        expect(noNat.items.some((i) => i.item.includes("NAT gateway"))).to.equal(false);
        // The estimate's endpoint list is the network's own.
        expect(interfaceEndpointServices).to.deep.equal([...bootInterfaceEndpointServices]);
        const [aa, , fo] = estimateAllPostures();
        expect(aa.standbyMonthlyUsd).to.equal(0);
        // Failover drains the primary: its standby cost has no instances.
        expect(fo.items.find((i) => i.region === "primary" && i.item.includes("×"))?.monthlyUsd).to.equal(0);
        expect(() => estimatePostureCost("failover", { instanceType: "z9.huge" })).to.throw(/no price for instance type "z9.huge"/);
    });

    it("backlog figures keep only the metrics that had a datapoint", () => {
        const at = new Date();
        const figures = backlogFigures({
            rule: { destinationRegion: "us-west-2", sourceBucket: "a", destinationBucket: "b", ruleId: "r" },
            window: { start: at, end: at },
            operationsPending: { known: true, value: 3, timestamp: at },
            bytesPending: { known: false, reason: "no datapoint" },
            latencySeconds: { known: true, value: 12, timestamp: at },
            thresholds: {},
            status: "unknown",
            excess: [],
            unknownMetrics: ["BytesPendingReplication"],
        });
        expect(figures).to.deep.equal({ operationsPending: 3, latencySeconds: 12 });
    });
});
