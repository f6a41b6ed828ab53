// EC2 Auto Scaling groups, as CreateAutoScalingGroup accepts them, with terraform-provider-aws's
// internal/service/autoscaling/group.go argument validation.
import { Inputs, Problem, TypeRules, custom, exactlyOne, forbidden, given, intRange, length, list, matches, num, obj, oneOf, problem, required, str } from "./engine";

const api = "AWS EC2 Auto Scaling API reference (CreateAutoScalingGroup)";
const tf = "terraform-provider-aws internal/service/autoscaling/group.go";
const op = "CreateAutoScalingGroup";
const warmPoolApi = "AWS EC2 Auto Scaling API reference (PutWarmPool)";
const hookApi = "AWS EC2 Auto Scaling API reference (CreateAutoScalingGroup LifecycleHookSpecification; PutLifecycleHook)";

const group: TypeRules = {
    type: "aws:autoscaling/group:Group",
    service: "autoscaling",
    rules: [
        length("name", 1, 255, "Auto Scaling group names", op, `${api} (AutoScalingGroupName: 1–255)`),
        length("namePrefix", 1, 229, "Auto Scaling group name prefixes (with Terraform's 26-character unique suffix)", op, `${tf} (name_prefix: 255 less id.UniqueIDSuffixLength)`),
        required("minSize", op, `${api} (MinSize)`),
        required("maxSize", op, `${api} (MaxSize)`),
        intRange("minSize", 0, 2147483647, op, `${api} (MinSize)`),
        intRange("maxSize", 0, 2147483647, op, `${api} (MaxSize)`),
        intRange("desiredCapacity", 0, 2147483647, op, `${api} (DesiredCapacity)`),
        // The desired capacity must lie within the group's bounds, and the bounds be ordered.
        custom("minSize ≤ desiredCapacity ≤ maxSize", `${api} (DesiredCapacity: at least MinSize, at most MaxSize)`, (i) => {
            const min = num(i.minSize);
            const max = num(i.maxSize);
            const desired = num(i.desiredCapacity);
            if (min !== undefined && max !== undefined && min > max) {
                return [problem("minSize", `minSize ${min} is above maxSize ${max} (${op})`)];
            }
            if (desired !== undefined && ((min !== undefined && desired < min) || (max !== undefined && desired > max))) {
                return [problem("desiredCapacity", `desiredCapacity ${desired} must lie between minSize ${min ?? "?"} and maxSize ${max ?? "?"} (${op})`)];
            }
            return [];
        }),
        exactlyOne("", ["launchConfiguration", "launchTemplate", "mixedInstancesPolicy"], op, `${api} (LaunchConfigurationName, LaunchTemplate, MixedInstancesPolicy or InstanceId); ${tf} (ExactlyOneOf)`),
        exactlyOne("launchTemplate", ["id", "name"], op, `${api} (LaunchTemplateSpecification LaunchTemplateId or LaunchTemplateName); ${tf} (id ExactlyOneOf name)`),
        custom("launchTemplate.version is $Latest, $Default or a version number", `${api} (LaunchTemplateSpecification Version)`, (i) => {
            const version = str(obj(i.launchTemplate)?.version);
            return version !== undefined && !/^(\$Latest|\$Default|[1-9]\d*)$/.test(version)
                ? [problem("launchTemplate.version", `launchTemplate.version "${version}" is not $Latest, $Default or a version number (${op})`)]
                : [];
        }),
        custom("subnets or Availability Zones", `${api} (VPCZoneIdentifier or AvailabilityZones)`, (i) =>
            !given(i.vpcZoneIdentifiers) && !given(i.availabilityZones) && !given(i.availabilityZoneIds)
                ? [problem("vpcZoneIdentifiers", `vpcZoneIdentifiers or availabilityZones is required (${op})`)]
                : []),
        oneOf("healthCheckType", ["EC2", "ELB", "VPC_LATTICE", "EBS"], op, `${api} (HealthCheckType)`),
        intRange("healthCheckGracePeriod", 0, 2147483647, op, `${api} (HealthCheckGracePeriod)`),
        intRange("defaultCooldown", 0, 2147483647, op, `${api} (DefaultCooldown)`),
        oneOf("instanceRefresh.strategy", ["Rolling"], "StartInstanceRefresh", `AWS EC2 Auto Scaling API reference (StartInstanceRefresh Strategy); ${tf} (instance_refresh.strategy)`),
        intRange("instanceRefresh.preferences.minHealthyPercentage", 0, 100, "StartInstanceRefresh", "AWS EC2 Auto Scaling API reference (RefreshPreferences MinHealthyPercentage: 0–100)"),
        intRange("instanceRefresh.preferences.maxHealthyPercentage", 100, 200, "StartInstanceRefresh", "AWS EC2 Auto Scaling API reference (RefreshPreferences MaxHealthyPercentage: 100–200)"),
        custom(
            "instanceRefresh: maxHealthyPercentage − minHealthyPercentage at most 100",
            "AWS EC2 Auto Scaling API reference (RefreshPreferences and InstanceMaintenancePolicy MaxHealthyPercentage: the difference cannot be greater than 100)",
            healthyRange,
        ),
        custom(
            "instanceRefresh keeps at least one instance in service (sandbox: AWS accepts it and drops to 0)",
            "Amazon EC2 Auto Scaling User Guide (How an instance refresh works; Instance maintenance policies: terminate and launch); API reference (RefreshPreferences MinHealthyPercentage, rounded up)",
            refreshKeepsOneInService,
        ),
        // The warm pool, as PutWarmPool accepts it (the provider calls it after creating the group).
        intRange("warmPool.minSize", 0, 2147483647, "PutWarmPool", `${warmPoolApi} (MinSize: minimum value of 0)`),
        intRange("warmPool.maxGroupPreparedCapacity", -1, 2147483647, "PutWarmPool", `${warmPoolApi} (MaxGroupPreparedCapacity: minimum value of -1, which removes a value set before)`),
        oneOf("warmPool.poolState", ["Stopped", "Running", "Hibernated"], "PutWarmPool", `${warmPoolApi} (PoolState: Stopped | Running | Hibernated)`),
        forbidden(
            "warmPool",
            "on a group with a mixed instances policy",
            (i) => given(i.mixedInstancesPolicy),
            "PutWarmPool",
            `${warmPoolApi}: "This operation cannot be called on an Auto Scaling group that has a mixed instances policy or a launch template or launch configuration that requests Spot Instances."`,
        ),
        // Lifecycle hooks created with the group (the gateways' launch hook, components/capacity.ts).
        required("initialLifecycleHooks[].name", op, `${hookApi} (LifecycleHookName: Required)`),
        required("initialLifecycleHooks[].lifecycleTransition", op, `${hookApi} (LifecycleTransition: Required)`),
        length("initialLifecycleHooks[].name", 1, 255, "lifecycle hook names", op, `${hookApi} (LifecycleHookName: Minimum length of 1. Maximum length of 255)`),
        matches("initialLifecycleHooks[].name", /^[A-Za-z0-9\-_/]+$/, "letters, digits, -, _ and /", op, `${hookApi} (LifecycleHookName Pattern: [A-Za-z0-9\-_\/]+)`),
        oneOf(
            "initialLifecycleHooks[].lifecycleTransition",
            ["autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"],
            op,
            `${hookApi} (LifecycleTransition, valid values: autoscaling:EC2_INSTANCE_LAUNCHING | autoscaling:EC2_INSTANCE_TERMINATING)`,
        ),
        intRange("initialLifecycleHooks[].heartbeatTimeout", 30, 7200, op, `${hookApi} (HeartbeatTimeout: "The range is from 30 to 7200 seconds. The default value is 3600 seconds.")`),
        oneOf("initialLifecycleHooks[].defaultResult", ["CONTINUE", "ABANDON"], op, `${hookApi} (DefaultResult, valid values: CONTINUE | ABANDON)`),
        required("tags[].key", op, `${api} (Tag Key); ${tf} (tag.key Required)`),
        required("tags[].value", op, `${api} (Tag Value); ${tf} (tag.value Required)`),
        required("tags[].propagateAtLaunch", op, `${api} (Tag PropagateAtLaunch); ${tf} (tag.propagate_at_launch Required)`),
        length("tags[].key", 1, 128, "tag keys", op, `${api} (Tag Key: 1–128)`),
        length("tags[].value", 0, 256, "tag values", op, `${api} (Tag Value: at most 256)`),
        custom("at most 50 tags", `${api} (Tags: at most 50 per group)`, (i) => {
            const tags = list(i.tags);
            return tags !== undefined && tags.length > 50 ? [problem("tags", `tags has ${tags.length} entries; a group holds at most 50 (${op})`)] : [];
        }),
    ],
};

/** How an instance refresh replaces instances, as percentages of the group's desired capacity. */
export interface RefreshPreferences {
    /** Kept in service and healthy throughout (AWS: 0–100; 90 when not given and no maintenance policy). */
    readonly minHealthyPercentage?: number;
    /** In service or pending at most (AWS: 100–200; 100 when not given). */
    readonly maxHealthyPercentage?: number;
}

/**
 * The fewest instances in service during an instance refresh of a group of `desired`, as Amazon
 * EC2 Auto Scaling replaces them (User Guide, "How an instance refresh works" and "Instance
 * maintenance policies"): the minimum is `minHealthyPercentage` of desired rounded up (API
 * reference, RefreshPreferences); when the maximum leaves no room for a whole instance above
 * desired (100 %, the default), Auto Scaling must terminate before it launches and replaces at
 * least one instance at a time — so a group of one drops to 0 whatever the minimum. The room is
 * rounded down here: a fraction of an instance is not counted as room to launch in.
 */
export function lowestInServiceDuringRefresh(desired: number, prefs: RefreshPreferences): number {
    if (desired <= 0) {
        return 0;
    }
    const keep = Math.ceil((desired * (prefs.minHealthyPercentage ?? 90)) / 100);
    const ceiling = Math.floor((desired * (prefs.maxHealthyPercentage ?? 100)) / 100);
    return ceiling > desired ? Math.min(keep, desired) : Math.min(keep, desired - 1);
}

/** The refresh preferences the group gives, if any. */
function refreshPreferences(i: Inputs): { min?: number; max?: number } | undefined {
    const refresh = obj(i.instanceRefresh);
    if (refresh === undefined) {
        return undefined;
    }
    const prefs = obj(refresh.preferences) ?? {};
    return { min: num(prefs.minHealthyPercentage), max: num(prefs.maxHealthyPercentage) };
}

function healthyRange(i: Inputs): Problem[] {
    const prefs = refreshPreferences(i);
    // AWS's defaults when one is left out: minimum 90, maximum 100.
    const min = prefs?.min ?? 90;
    const max = prefs?.max ?? 100;
    return prefs !== undefined && max - min > 100
        ? [problem("instanceRefresh.preferences", `instanceRefresh.preferences: maxHealthyPercentage ${max} and minHealthyPercentage ${min} are ${max - min} apart; at most 100 (StartInstanceRefresh)`)]
        : [];
}

/**
 * AWS accepts a refresh that leaves nothing in service (it terminates before it launches when the
 * maximum gives no room); the sandbox refuses it, because for this project it means a standby of
 * one serves nothing during every refresh — a decision no program of ours should make by default.
 */
function refreshKeepsOneInService(i: Inputs): Problem[] {
    const prefs = refreshPreferences(i);
    const desired = num(i.desiredCapacity) ?? num(i.minSize);
    if (prefs === undefined || desired === undefined || desired < 1) {
        return [];
    }
    const lowest = lowestInServiceDuringRefresh(desired, { minHealthyPercentage: prefs.min, maxHealthyPercentage: prefs.max });
    return lowest > 0
        ? []
        : [problem(
            "instanceRefresh.preferences",
            `instanceRefresh would leave 0 of ${desired} instance(s) in service: with minHealthyPercentage ${prefs.min ?? 90} and maxHealthyPercentage ${prefs.max ?? 100} Auto Scaling terminates before it launches; give maxHealthyPercentage room above 100 (e.g. 200 with minHealthyPercentage 100) (StartInstanceRefresh)`,
        )];
}

export const autoScalingRules: readonly TypeRules[] = [group];
