import { expect } from "chai";
import { elbCapacityFailure } from "../../sandbox/capacity-wait";
import { preconditionFailure } from "../../sandbox/preconditions";
import { WorldResource } from "../../sandbox/world";

// A group that waits for ELB capacity is refused, as the provider's wait would time out, when the
// load balancer can never count its instances healthy; accepted when it can.

const region = "us-west-2";
const lbSg = "sg-lb";
const instanceSg = "sg-inst";
const lbArn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/net/gw/0";
const tgArn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/gw/0";
const r = (type: string, id: string, facts: Record<string, unknown>): WorldResource => ({ urn: `urn:${type}:${id}`, type, region, id, facts });

function world(opts: { instancesAdmitLb?: boolean; listener?: boolean; bootHosts?: string[] } = {}): WorldResource[] {
    return [
        r("aws:ec2/securityGroup:SecurityGroup", lbSg, {}),
        r("aws:ec2/securityGroup:SecurityGroup", instanceSg, {}),
        r("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "out", { securityGroupId: lbSg, ipProtocol: "tcp", fromPort: 2022, toPort: 2022, referencedSecurityGroupId: instanceSg }),
        ...((opts.instancesAdmitLb ?? true)
            ? [r("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "in", { securityGroupId: instanceSg, ipProtocol: "tcp", fromPort: 2022, toPort: 2022, referencedSecurityGroupId: lbSg })]
            : []),
        r("aws:lb/loadBalancer:LoadBalancer", lbArn, { securityGroups: [lbSg], name: "gw" }),
        r("aws:lb/targetGroup:TargetGroup", tgArn, { port: 2022, name: "gw-tg" }),
        ...((opts.listener ?? true) ? [r("aws:lb/listener:Listener", "l", { loadBalancerArn: lbArn, port: 22, defaultActions: [{ type: "forward", targetGroupArn: tgArn }] })] : []),
        r("aws:ec2/launchTemplate:LaunchTemplate", "lt-1", { networkInterfaces: [{ securityGroups: [instanceSg] }], bootHostsOutsideAws: opts.bootHosts ?? [] }),
    ];
}

const asg = (wait: number, desired = 2, kind: "create" | "update" = "update") => ({
    kind,
    type: "aws:autoscaling/group:Group",
    urn: "urn:pulumi:secondary::p::aws:autoscaling/group:Group::gw-asg",
    region,
    inputs: { name: "gw-asg-1234567", desiredCapacity: desired, waitForElbCapacity: wait, targetGroupArns: [tgArn], launchTemplate: { id: "lt-1", version: "1" } },
});

describe("sandbox: Auto Scaling groups that wait for ELB capacity", () => {
    it("accepts a scale-up whose instances the load balancer can reach", () => {
        expect(preconditionFailure(asg(2), world())).to.equal(undefined);
    });

    it("refuses, with the provider's timeout and the reason, when the instances do not admit the load balancer", () => {
        expect(preconditionFailure(asg(2), world({ instancesAdmitLb: false }))).to.equal(
            "waiting for Auto Scaling Group (gw-asg-1234567) capacity satisfied: timeout while waiting for state to become 'ok' (last state: 'want exactly 2 healthy instance(s) in Auto Scaling Group, have 0', timeout: 10m0s) — the instances of gw-asg-1234567 do not admit port 2022 from the load balancer's security group",
        );
    });

    it("a scale-up during a regional event times out when the instances boot from a host outside AWS, and succeeds when they boot from the region", () => {
        const faults = { regions: { "us-east-1": "fail" as const }, types: {} };
        expect(preconditionFailure({ ...asg(2), faults }, world({ bootHosts: ["ftp.osuosl.org"] }))).to.match(
            /timeout: 10m0s\) — the instances of gw-asg-1234567 boot from ftp\.osuosl\.org, outside AWS, and the internet is gone during the regional event \(fault injected in us-east-1\)/,
        );
        expect(preconditionFailure({ ...asg(2), faults }, world())).to.equal(undefined);
        expect(preconditionFailure(asg(2), world({ bootHosts: ["ftp.osuosl.org"] }))).to.equal(undefined);
    });

    it("says 'at least' on create, as the provider does", () => {
        expect(elbCapacityFailure(asg(1, 1, "create"), world({ instancesAdmitLb: false }))).to.match(/'want at least 1 healthy instance\(s\)/);
    });

    it("refuses a group whose target group no load balancer forwards to yet (the listener must come first)", () => {
        expect(elbCapacityFailure(asg(2), world({ listener: false }))).to.match(/no load balancer forwards to target group/);
    });

    it("waits for nothing when drained or when no wait is asked", () => {
        expect(elbCapacityFailure(asg(0, 0), world({ instancesAdmitLb: false }))).to.equal(undefined);
        expect(elbCapacityFailure({ ...asg(2), inputs: { ...asg(2).inputs, waitForElbCapacity: undefined } }, world({ instancesAdmitLb: false }))).to.equal(undefined);
    });
});
