import { expect } from "chai";
import { classifyFailure, decideOnFailure, mayRun } from "../../automation/driver/step-failure-policy";
import { StepTimeoutError } from "../../automation/driver/step-runner";
import { planSteps } from "../../automation/driver/planner";

// The failure policy of a switch, without an engine: which failures are the region's, which region
// to fence, and when a region may be drained.

const activePassive = { primary: 100, secondary: 0 };
const stepOf = (id: string) => {
    const step = planSteps({ capacity: { primary: "active", secondary: "pilot-light" }, dns: { posture: "active-passive", weights: activePassive } }, "failover").find((s) => s.id === id);
    if (step === undefined) {
        throw new Error(`no step ${id}`);
    }
    return step;
};

describe("fencing policy (pure)", () => {
    describe("classifyFailure", () => {
        const unreachable = [
            "sandbox: region us-east-1 is unreachable (fault injected)",
            "sandbox: region us-west-2 is unreachable: no answer within 300 s (fault injected: hang)",
            "operation error Auto Scaling: UpdateAutoScalingGroup, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://autoscaling.us-east-1.amazonaws.com/\": dial tcp: lookup autoscaling.us-east-1.amazonaws.com: no such host",
            "RequestError: send request failed caused by: Post https://route53.amazonaws.com: i/o timeout",
            "context deadline exceeded",
        ];
        for (const text of unreachable) {
            it(`"${text.slice(0, 50)}…" is the region's`, () => expect(classifyFailure(new Error(text))).to.equal("unreachable"));
        }
        // One text per pattern the classifier knows, each matching that pattern alone: dropping or
        // narrowing any one pattern fails exactly its case.
        const onePatternEach: Record<string, string> = {
            "a sandbox fault": "sandbox: region eu-central-1 is unreachable (fault injected)",
            "send request failed": "operation error S3: PutBucketVersioning, send request failed",
            "dial tcp": "dial tcp 52.94.0.1:443: connect: operation timed out",
            "i/o timeout": "read tcp 10.0.0.5:51234->52.94.0.1:443: i/o timeout",
            "connection refused": "Post \"https://ec2.us-east-1.amazonaws.com/\": connection refused",
            "connection reset by peer": "read: connection reset by peer",
            "no such host": "lookup elasticloadbalancing.us-east-1.amazonaws.com on 10.0.0.2:53: no such host",
            "context deadline exceeded": "waiting for Auto Scaling Group capacity: context deadline exceeded",
            RequestTimeout: "RequestTimeout: Your socket connection to the server was not read from or written to within the timeout period",
            RequestError: "RequestError: the request could not be completed",
            EndpointConnectionError: "EndpointConnectionError: Could not connect to the endpoint URL",
            "network is unreachable": "connect: network is unreachable",
        };
        for (const [pattern, text] of Object.entries(onePatternEach)) {
            it(`${pattern} alone is the region's ("${text.slice(0, 40)}…")`, () => expect(classifyFailure(new Error(text))).to.equal("unreachable"));
        }
        it("the same words in other cases or as parts of words are the program's", () => {
            for (const text of ["requesttimeout in a config value", "my-region us-east-1 is unreachableish", "EndpointConnectionErrors table"]) {
                expect(classifyFailure(new Error(text)), text).to.equal("program");
            }
        });
        it("a step timeout is the region's", () => {
            expect(classifyFailure(new StepTimeoutError(stepOf("dns:dns"), 1000))).to.equal("unreachable");
        });
        const program = [
            "sftp-failover:ttl 3600 is above 60 s on health-checked records",
            "sftp-failover:noncurrentVersionDays must be a number (got \"thirty\")",
            "sandbox: type aws:route53/record:Record is failing (fault injected)",
            "code: -1\n stderr: signal: killed",
            "the stack is currently locked by 1 lock(s)",
            "Running program failed with an unhandled exception: TypeError",
        ];
        for (const text of program) {
            it(`"${text.slice(0, 50)}…" is the program's, never an outage`, () => expect(classifyFailure(new Error(text))).to.equal("program"));
        }
    });

    describe("decideOnFailure", () => {
        const ctx = { target: "failover" as const, currentWeights: activePassive };
        it("a program error in any step stops the switch and fences nothing", () => {
            for (const id of ["before-dns:secondary", "dns:dns", "after-dns:primary"]) {
                expect(decideOnFailure(stepOf(id), "program", ctx)).to.deep.equal({ action: "stop" });
            }
        });
        it("the region that must serve cannot be scaled up: stop before DNS, fence nothing", () => {
            expect(decideOnFailure(stepOf("before-dns:secondary"), "unreachable", ctx)).to.deep.equal({ action: "stop", regionMustServe: "secondary" });
        });
        it("an unreachable DNS API fences the region the switch takes traffic from", () => {
            expect(decideOnFailure(stepOf("dns:dns"), "unreachable", ctx)).to.deep.equal({ action: "fence-and-continue", fence: ["primary"] });
        });
        it("an unreachable region being drained is fenced and its step left for later", () => {
            expect(decideOnFailure(stepOf("after-dns:primary"), "unreachable", ctx)).to.deep.equal({ action: "fence-and-continue", fence: ["primary"] });
        });
        it("an unreachable DNS API with no region losing traffic stops", () => {
            expect(decideOnFailure(stepOf("dns:dns"), "unreachable", { target: "failover", currentWeights: { primary: 0, secondary: 100 } })).to.deep.equal({ action: "stop" });
        });
        it("an unreachable DNS API with the deployed weights unknown stops: no region is known to lose traffic", () => {
            expect(decideOnFailure(stepOf("dns:dns"), "unreachable", { target: "failover" })).to.deep.equal({ action: "stop" });
        });
        it("going active-active, the region that will not serve first is fenced when unreachable; the one that will stops the switch", () => {
            const split = { target: "active-active" as const, activeActiveWeights: { primary: 30, secondary: 70 }, currentWeights: activePassive };
            expect(decideOnFailure({ phase: "before-dns", region: "primary" }, "unreachable", split)).to.deep.equal({ action: "fence-and-continue", fence: ["primary"] });
            expect(decideOnFailure({ phase: "before-dns", region: "secondary" }, "unreachable", split)).to.deep.equal({ action: "stop", regionMustServe: "secondary" });
        });
    });

    describe("mayRun", () => {
        it("a region is drained only after DNS switched, or once it is fenced", () => {
            const drain = stepOf("after-dns:primary");
            expect(mayRun(drain, { dnsSwitched: true, fenced: [] })).to.equal(true);
            expect(mayRun(drain, { dnsSwitched: false, fenced: ["primary"] })).to.equal(true);
            expect(mayRun(drain, { dnsSwitched: false, fenced: [] })).to.equal(false);
        });
        it("steps before DNS and the DNS step itself always may run", () => {
            expect(mayRun(stepOf("before-dns:secondary"), { dnsSwitched: false, fenced: [] })).to.equal(true);
            expect(mayRun(stepOf("dns:dns"), { dnsSwitched: false, fenced: [] })).to.equal(true);
        });
    });
});
