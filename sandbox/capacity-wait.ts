import { Operation } from "./preconditions";
import { loadBalancerGroupsOf, whyNotInService } from "./reachability";
import { reveal } from "./values";
import { factNumber, factsOf, ofType, WorldResource } from "./world";

/**
 * An Auto Scaling group created or updated with `waitForElbCapacity` N > 0 makes the provider wait
 * until N of its instances are healthy in its target groups (terraform-provider-aws
 * resource_aws_autoscaling_group.go, the capacity-satisfied wait: "want at least N healthy
 * instance(s)" on create, "want exactly N" on update; `wait_for_capacity_timeout`, default 10m).
 * An instance the load balancer cannot reach never becomes healthy, so the wait times out: the
 * sandbox says so at once, with the provider's words and the reachability model's reason. A group
 * whose targets are reachable is healthy as soon as it exists: the sandbox has no boot time.
 */
export function elbCapacityFailure(op: Operation, world: readonly WorldResource[]): string | undefined {
    const want = Number(reveal(op.inputs.waitForElbCapacity) ?? 0);
    if (!(want > 0)) {
        return undefined;
    }
    const self: WorldResource = { urn: op.urn, type: op.type, region: op.region, id: op.urn, facts: factsOf(op.type, op.inputs) };
    const name = String(self.facts.name ?? op.urn.split("::").pop());
    const updating = op.kind === "update";
    const arns = (Array.isArray(self.facts.targetGroupArns) ? self.facts.targetGroupArns : []).filter((a): a is string => typeof a === "string");
    const reasons: string[] = [];
    for (const arn of arns) {
        const tg = ofType(world, "aws:lb/targetGroup:TargetGroup").find((t) => t.id === arn);
        const port = tg !== undefined ? factNumber(tg, "port") : undefined;
        const lbGroups = loadBalancerGroupsOf(world, arn);
        if (port === undefined || lbGroups.length === 0) {
            reasons.push(`no load balancer forwards to target group ${arn}`);
            continue;
        }
        const why = lbGroups.map((groups) => whyNotInService(world, groups, self, port, op.faults)).find((w) => w !== undefined);
        if (why !== undefined) {
            reasons.push(why);
        }
    }
    if (arns.length > 0 && reasons.length === 0) {
        return undefined;
    }
    const state = `want ${updating ? "exactly" : "at least"} ${want} healthy instance(s) in Auto Scaling Group, have 0`;
    return `waiting for Auto Scaling Group (${name}) capacity satisfied: timeout while waiting for state to become 'ok' (last state: '${state}', timeout: 10m0s) — ${reasons.join("; ") || "it registers in no target group"}`;
}
