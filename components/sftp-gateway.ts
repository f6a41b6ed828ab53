// The SFTP endpoint of one region: a Network Load Balancer in front of an Auto Scaling group of
// SFTPGo instances. Only the group's sizes depend on the capacity mode, so switching posture
// updates exactly one resource.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AsgCapacity, AsgWarmPool, gatewayLaunchHook, gatewayRootVolumeGb, launchBeforeTerminate } from "./capacity";
import { EndpointCheck, GatewayHealthCheck, endpointCheck, healthCheckProblem, targetGroupHealthCheck, tcpHealthCheck } from "./gateway-health-check";
import { HomeAccess, gatewayAssumeRolePolicy, gatewayInstancePolicy, homeAccessModes } from "./gateway-policy";
import { PinnedPackage, defaultGatewayPort, defaultUsersRefreshSeconds, renderGatewayUserData, usersRefreshSpan } from "./gateway-user-data";
import { parseIpv4Cidr } from "./network";
import { SftpUser } from "./sftp-users";

/** The CIDR that means "everyone"; refused unless the config allows it explicitly. */
export const anyIpv4 = "0.0.0.0/0";

/**
 * Checks the client CIDRs: at least one, each a valid IPv4 CIDR without host bits, no duplicates,
 * and `0.0.0.0/0` only when `allowAny` says so (an SFTP port open to the internet is a decision,
 * not a default). `label` names the config key.
 */
export function validateAllowedCidrs(cidrs: readonly string[], allowAny: boolean, label = "allowedCidrs"): string[] {
    if (cidrs.length === 0) {
        throw new Error(`${label} must list at least one client CIDR (e.g. ["203.0.113.0/24"])`);
    }
    const seen = new Set<string>();
    for (const cidr of cidrs) {
        if (typeof cidr !== "string" || parseIpv4Cidr(cidr) === null) {
            throw new Error(`${label} entry ${JSON.stringify(cidr)} is not an IPv4 CIDR like 203.0.113.0/24 (host bits must be 0)`);
        }
        if (parseIpv4Cidr(cidr)?.prefix === 0 && !allowAny) {
            throw new Error(`${label} contains ${cidr}, which opens SFTP to the whole internet; set allowAnyCidr: true to mean it`);
        }
        if (seen.has(cidr)) {
            throw new Error(`${label} lists ${cidr} twice`);
        }
        seen.add(cidr);
    }
    return [...cidrs];
}

/** Arguments of {@link SftpGateway}. */
export interface SftpGatewayArgs {
    /**
     * Seconds the load balancer keeps an instance's open connections when it leaves the target group
     * (0–3600, as Elastic Load Balancing allows): the last grace open SFTP sessions get at a
     * scale-down, after the driver's drain. Defaults to 30.
     */
    readonly deregistrationDelaySeconds?: number;
    /** Seconds between two reloads of the users object by each gateway (its systemd timer). Defaults to 60. */
    readonly usersRefreshSeconds?: number;
    /** Region of every resource (aws v7 per-resource region). Required. */
    readonly region: string;
    /** Partition of ARNs (aws, aws-cn, aws-us-gov). Required. */
    readonly partition: string;
    /** The VPC of the gateways. Required. */
    readonly vpcId: pulumi.Input<string>;
    /** Public subnets of the load balancer, at least two zones. Required. */
    readonly subnetIds: pulumi.Input<string>[];
    /** Private subnets of the instances, at least two zones (no public addresses are assigned). Required. */
    readonly instanceSubnetIds: pulumi.Input<string>[];
    /** SFTP client CIDRs allowed to the listener (validated with {@link validateAllowedCidrs}). Required. */
    readonly allowedCidrs: readonly string[];
    /**
     * Managed prefix lists of the Route 53 health checkers that probe the listener (see
     * {@link healthCheckerPrefixListName}). Without them the endpoint checks are never healthy.
     * Required; may be empty only for an endpoint no Route 53 health check probes.
     */
    readonly healthCheckerPrefixListIds: readonly pulumi.Input<string>[];
    /**
     * Grant the instances what Session Manager needs for an operator shell. Off by default: the
     * instances hold the host private keys, and a gateway is replaced, not repaired. Defaults to false.
     */
    readonly sessionManager?: boolean;
    /**
     * How the instance role reaches the users' homes: "per-home" names each home (about 97 users
     * fit IAM's inline-policy quota), "bucket" grants the bucket and denies writes on read-only
     * homes (see {@link HomeAccess} for what that gives up). Defaults to "per-home".
     */
    readonly homeAccess?: HomeAccess;
    /**
     * Whether the load balancer refuses deletion (ELB's deletion protection): the endpoint clients
     * and DNS point at is not lost to a mistaken destroy or replacement. Defaults to true.
     */
    readonly deletionProtection?: boolean;
    /** Public TCP port of the load balancer. Defaults to 22. */
    readonly listenerPort?: number;
    /** How the load balancer and Route 53 judge a gateway (see {@link GatewayHealthCheck}). Defaults to TCP. */
    readonly healthCheck?: GatewayHealthCheck;
    /** Port SFTPGo listens on inside the instance. Defaults to 2022. */
    readonly gatewayPort?: number;
    /** EC2 instance type. Defaults to t3.small. */
    readonly instanceType?: string;
    /** AMI of the gateways (Amazon Linux 2023). Required. */
    readonly amiId: string;
    /** Sizes of the Auto Scaling group, from the capacity mode (see capacityFor). Required. */
    readonly capacity: AsgCapacity;
    /** The group's warm pool of stopped instances, from the capacity mode (see warmPoolFor). Defaults to none. */
    readonly warmPool?: AsgWarmPool;
    /**
     * A launch lifecycle hook the gateways complete when their boot is done (capacity.ts
     * `gatewayLaunchHook`): on whenever a warm pool is configured, in every capacity mode, so a
     * switch never adds or removes it. It names the group (`launchHookGroupName`), because the
     * instances and their policy must know it before the group exists. Defaults to off.
     */
    readonly launchHook?: boolean;
    /** The account the stack deploys to (the group's ARN in the policy); required with `launchHook`. */
    readonly accountId?: string;
    /** The regional bucket's name. Required. */
    readonly bucketName: string;
    /** The regional bucket's ARN. Required. */
    readonly bucketArn: string;
    /** KMS key of the bucket. Defaults to none (SSE-S3). */
    readonly kmsKeyArn?: string;
    /** ARN of the host-key secret in this region. Required. */
    readonly hostKeySecretArn: pulumi.Input<string>;
    /** Key of this region's users object in the bucket (see SftpUsers). Required. */
    readonly usersObjectKey: string;
    /** The validated users, for the instance policy. Required. */
    readonly users: readonly SftpUser[];
    /**
     * What an instance reads at boot (the host-key secret's value, the users object): the group is
     * created only after them, since an instance that boots first fails its start-up and is
     * replaced only after the health check grace period. Required (may be empty).
     */
    readonly bootReads: readonly pulumi.Resource[];
    /** SFTPGo package version to pin. Defaults to the repository's latest. */
    readonly sftpgoVersion?: string;
    /** SFTPGo as a pinned package in the regional bucket (boot then needs nothing outside the region). Defaults to none. */
    readonly sftpgoPackage?: PinnedPackage;
    /** Tags of every resource. Defaults to none. */
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Checks the arguments a caller could get wrong, naming each: ports, the group's sizes, at least two
 * subnets (an NLB and a zone-resilient group need two zones), a known home access and well-formed
 * client CIDRs (whether `0.0.0.0/0` is acceptable is the config's decision, made before this).
 */
export function validateGatewayArgs(args: SftpGatewayArgs): void {
    const listenerPort = args.listenerPort ?? 22;
    if (!Number.isInteger(listenerPort) || listenerPort < 1 || listenerPort > 65535) {
        throw new Error(`listenerPort must be an integer 1–65535 (got ${String(listenerPort)})`);
    }
    const gatewayPort = args.gatewayPort ?? defaultGatewayPort;
    if (!Number.isInteger(gatewayPort) || gatewayPort < 1024 || gatewayPort > 65535) {
        throw new Error(`gatewayPort must be an integer 1024–65535 (got ${String(gatewayPort)})`);
    }
    const healthProblem = healthCheckProblem(args.healthCheck ?? tcpHealthCheck, { listenerPort, gatewayPort });
    if (healthProblem !== undefined) {
        throw new Error(healthProblem);
    }
    const { min, desired, max } = args.capacity;
    if (![min, desired, max].every((n) => Number.isInteger(n) && n >= 0) || min > desired || desired > max) {
        throw new Error(`capacity must be whole numbers with 0 ≤ min ≤ desired ≤ max (got ${min}/${desired}/${max})`);
    }
    if (args.subnetIds.length < 2) {
        throw new Error(`subnetIds must name at least two subnets in different zones (got ${args.subnetIds.length})`);
    }
    if (args.instanceSubnetIds.length < 2) {
        throw new Error(`instanceSubnetIds must name at least two subnets in different zones (got ${args.instanceSubnetIds.length})`);
    }
    if (args.homeAccess !== undefined && !homeAccessModes.includes(args.homeAccess)) {
        throw new Error(`homeAccess must be one of ${homeAccessModes.join(", ")} (got ${JSON.stringify(args.homeAccess)})`);
    }
    const delay = args.deregistrationDelaySeconds ?? defaultDeregistrationDelaySeconds;
    if (!Number.isInteger(delay) || delay < 0 || delay > 3600) {
        throw new Error(`deregistrationDelaySeconds must be an integer 0–3600 (got ${String(delay)})`);
    }
    validateAllowedCidrs(args.allowedCidrs, true);
}

/** The target group's deregistration delay when none is given. */
export const defaultDeregistrationDelaySeconds = 30;

/**
 * The name of the AWS-managed prefix list of Route 53's health checkers in a region (IPv4). Each
 * regional list holds the addresses of every health-checker location, so the endpoint's own
 * region's list admits all of them (Route 53 Developer Guide, "IP address ranges of Amazon Route 53
 * servers", managed prefix lists, 2023-09).
 */
export function healthCheckerPrefixListName(region: string): string {
    return `com.amazonaws.${region}.route53-healthchecks`;
}

/** Elastic Load Balancing's limit on load balancer and target group names (CreateLoadBalancer, CreateTargetGroup). */
export const elbNameMaxLength = 32;

/** What the aws provider appends to a logical name when it autonames a resource: "-" and 7 random hex digits. */
export const autonameSuffixLength = 8;

/**
 * Refuses a component name whose load balancer or target group autoname could not fit ELB's
 * 32-character limit. The aws provider names them `<logical>-<7 hex>` and refuses — never trims —
 * a name over the limit, so such a name would fail at `pulumi preview` in a real account.
 */
export function validateGatewayName(name: string): void {
    for (const child of Object.values(gatewayElbChildren(name))) {
        const length = child.length + autonameSuffixLength;
        if (length > elbNameMaxLength) {
            throw new Error(
                `SftpGateway name "${name}" is too long: its load balancer child "${child}" would be autonamed to ${length} characters, and ELB allows ${elbNameMaxLength}`,
            );
        }
    }
}

/** The logical names of the gateway's load balancer and target group. */
export function gatewayElbChildren(name: string): { readonly lb: string; readonly tg: string; readonly healthTg: string } {
    return { lb: `${name}-nlb`, tg: `${name}-tg`, healthTg: `${name}-hc` };
}

/** The regional SFTP endpoint. */
export class SftpGateway extends pulumi.ComponentResource {
    /** DNS name of the load balancer. */
    public readonly endpointDnsName: pulumi.Output<string>;
    /** Route 53 hosted zone id of the load balancer (for alias records). */
    public readonly endpointZoneId: pulumi.Output<string>;
    /** Name of the Auto Scaling group. */
    public readonly asgName: pulumi.Output<string>;
    /** ARN of the instances' role (the principal a customer key's policy names). */
    public readonly roleArn: pulumi.Output<string>;
    /** What Route 53's endpoint check of this region asks (TCP to the listener, or HTTP to the health listener). */
    public readonly endpointCheck: EndpointCheck;
    /** The load balancer's CloudWatch dimension (`net/<name>/<id>`), where the drain reads its open flows. */
    public readonly loadBalancerMetricDimension: pulumi.Output<string>;

    constructor(name: string, args: SftpGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        validateGatewayName(name);
        validateGatewayArgs(args);
        super("sftp-failover:regional:SftpGateway", name, {}, opts);
        const listenerPort = args.listenerPort ?? 22;
        const gatewayPort = args.gatewayPort ?? defaultGatewayPort;
        const sgs = createSecurityGroups(name, args, listenerPort, gatewayPort, this);
        const lb = createLoadBalancer(name, args, listenerPort, gatewayPort, sgs.loadBalancer, this);
        const role = createInstanceRole(name, args, this);
        // The group waits for its instances to be healthy behind the load balancer, which needs the
        // listener, the rules between the two groups, HTTPS out, the instances' permissions and
        // what they read at boot first.
        const asg = createGroup(name, args, gatewayPort, sgs.instance, role.profile, lb.targetGroupArns, this, [
            ...sgs.pathToInstances,
            ...lb.listeners,
            role.policy,
            ...args.bootReads,
        ]);
        this.endpointDnsName = lb.dnsName;
        this.endpointZoneId = lb.zoneId;
        this.asgName = asg.name;
        this.roleArn = role.arn;
        this.endpointCheck = endpointCheck(args.healthCheck ?? tcpHealthCheck, listenerPort);
        this.loadBalancerMetricDimension = lb.arnSuffix;
        this.registerOutputs({ endpointDnsName: this.endpointDnsName, endpointZoneId: this.endpointZoneId, asgName: this.asgName, loadBalancerMetricDimension: this.loadBalancerMetricDimension });
    }
}

/**
 * Two security groups. The load balancer's admits the listener port from two sources, and only
 * those: the SFTP clients (`allowedCidrs`) and Route 53's health checkers (their managed prefix
 * lists). The checkers are not clients — they open a TCP connection and close it — but without
 * them every endpoint check is unhealthy, every calculated check built on it too, and Route 53
 * then answers all records ("fail open"): automatic failover and the fence would do nothing.
 * The instances' group admits the SFTPGo port from the load balancer's group only, which covers
 * forwarded traffic and the load balancer's own target health checks.
 */
function createSecurityGroups(
    name: string,
    args: SftpGatewayArgs,
    listenerPort: number,
    gatewayPort: number,
    parent: pulumi.Resource,
): { loadBalancer: pulumi.Output<string>; instance: pulumi.Output<string>; pathToInstances: pulumi.Resource[] } {
    const region = args.region;
    const lbSg = new aws.ec2.SecurityGroup(
        `${name}-nlb`,
        { region, vpcId: args.vpcId, description: "SFTP load balancer: clients and Route 53 health checkers in", tags: { ...args.tags, Name: `${name}-nlb` } },
        { parent },
    );
    const instanceSg = new aws.ec2.SecurityGroup(
        `${name}-instances`,
        { region, vpcId: args.vpcId, description: "SFTP gateways: load balancer in, HTTPS out", tags: { ...args.tags, Name: `${name}-instances` } },
        { parent },
    );
    args.allowedCidrs.forEach((cidr, i) => {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-client-${i}`,
            { region, securityGroupId: lbSg.id, ipProtocol: "tcp", fromPort: listenerPort, toPort: listenerPort, cidrIpv4: cidr, description: "SFTP clients" },
            { parent },
        );
    });
    args.healthCheckerPrefixListIds.forEach((prefixListId, i) => {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-health-checkers-${i}`,
            { region, securityGroupId: lbSg.id, ipProtocol: "tcp", fromPort: listenerPort, toPort: listenerPort, prefixListId, description: "Route 53 health checkers" },
            { parent },
        );
    });
    const lbOut = new aws.vpc.SecurityGroupEgressRule(
        `${name}-nlb-to-instances`,
        { region, securityGroupId: lbSg.id, ipProtocol: "tcp", fromPort: gatewayPort, toPort: gatewayPort, referencedSecurityGroupId: instanceSg.id, description: "forwarded SFTP and health checks" },
        { parent },
    );
    const instancesIn = new aws.vpc.SecurityGroupIngressRule(
        `${name}-from-nlb`,
        { region, securityGroupId: instanceSg.id, ipProtocol: "tcp", fromPort: gatewayPort, toPort: gatewayPort, referencedSecurityGroupId: lbSg.id, description: "SFTP and health checks from the load balancer" },
        { parent },
    );
    const healthPath = createHealthPortRules(name, args, lbSg.id, instanceSg.id, parent);
    const httpsOut = new aws.vpc.SecurityGroupEgressRule(
        `${name}-https-out`,
        { region, securityGroupId: instanceSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: anyIpv4, description: "AWS APIs (S3, SSM, Secrets Manager) and packages" },
        { parent },
    );
    return { loadBalancer: lbSg.id, instance: instanceSg.id, pathToInstances: [lbOut, instancesIn, httpsOut, ...healthPath] };
}

/**
 * With an HTTP health check, its port's path: Route 53's checkers to the load balancer (their
 * prefix lists only — no client needs the port), the load balancer to the instances, and the
 * instances admitting it from the load balancer's group.
 */
function createHealthPortRules(
    name: string,
    args: SftpGatewayArgs,
    lbSg: pulumi.Output<string>,
    instanceSg: pulumi.Output<string>,
    parent: pulumi.Resource,
): pulumi.Resource[] {
    const check = args.healthCheck ?? tcpHealthCheck;
    if (check.protocol === "tcp") {
        return [];
    }
    const region = args.region;
    const port = { ipProtocol: "tcp", fromPort: check.port, toPort: check.port };
    args.healthCheckerPrefixListIds.forEach((prefixListId, i) => {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-health-port-checkers-${i}`,
            { region, securityGroupId: lbSg, ...port, prefixListId, description: "Route 53 health checkers: SFTPGo health endpoint" },
            { parent },
        );
    });
    return [
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-nlb-to-health-port`,
            { region, securityGroupId: lbSg, ...port, referencedSecurityGroupId: instanceSg, description: "health checks of the SFTPGo health endpoint" },
            { parent },
        ),
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-health-port-from-nlb`,
            { region, securityGroupId: instanceSg, ...port, referencedSecurityGroupId: lbSg, description: "SFTPGo health endpoint from the load balancer" },
            { parent },
        ),
    ];
}

function createLoadBalancer(
    name: string,
    args: SftpGatewayArgs,
    listenerPort: number,
    gatewayPort: number,
    securityGroupId: pulumi.Output<string>,
    parent: pulumi.Resource,
): { dnsName: pulumi.Output<string>; zoneId: pulumi.Output<string>; arnSuffix: pulumi.Output<string>; targetGroupArns: pulumi.Output<string>[]; listeners: aws.lb.Listener[] } {
    const region = args.region;
    const names = gatewayElbChildren(name);
    const check = args.healthCheck ?? tcpHealthCheck;
    const lb = new aws.lb.LoadBalancer(
        names.lb,
        {
            region,
            loadBalancerType: "network",
            internal: false,
            // IPv4 only: the instances' subnets are IPv4, and the DNS stack publishes no AAAA records to it.
            ipAddressType: "ipv4",
            subnets: args.subnetIds,
            securityGroups: [securityGroupId],
            // A zone that loses its instances keeps serving through the others.
            enableCrossZoneLoadBalancing: true,
            enableDeletionProtection: args.deletionProtection ?? true,
            tags: args.tags,
        },
        { parent },
    );
    const tg = new aws.lb.TargetGroup(
        names.tg,
        {
            region,
            vpcId: args.vpcId,
            port: gatewayPort,
            protocol: "TCP",
            targetType: "instance",
            preserveClientIp: "true",
            deregistrationDelay: args.deregistrationDelaySeconds ?? defaultDeregistrationDelaySeconds,
            healthCheck: targetGroupHealthCheck(check),
            tags: args.tags,
        },
        { parent },
    );
    const listener = new aws.lb.Listener(
        `${name}-sftp`,
        { region, loadBalancerArn: lb.arn, port: listenerPort, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: tg.arn }], tags: args.tags },
        { parent },
    );
    if (check.protocol === "tcp") {
        return { dnsName: lb.dnsName, zoneId: lb.zoneId, arnSuffix: lb.arnSuffix, targetGroupArns: [tg.arn], listeners: [listener] };
    }
    // Route 53 checks the region through the load balancer: a listener on the health port, to the
    // instances' health endpoint, judged by the same HTTP check.
    const healthTg = new aws.lb.TargetGroup(
        names.healthTg,
        { region, vpcId: args.vpcId, port: check.port, protocol: "TCP", targetType: "instance", deregistrationDelay: 0, healthCheck: targetGroupHealthCheck(check), tags: args.tags },
        { parent },
    );
    const healthListener = new aws.lb.Listener(
        `${name}-health`,
        { region, loadBalancerArn: lb.arn, port: check.port, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: healthTg.arn }], tags: args.tags },
        { parent },
    );
    return { dnsName: lb.dnsName, zoneId: lb.zoneId, arnSuffix: lb.arnSuffix, targetGroupArns: [tg.arn, healthTg.arn], listeners: [listener, healthListener] };
}

/**
 * The group's name when it has a launch hook: fixed, because the user data and the role's policy
 * name it and both exist before the group. The stack's name keeps two stacks of one account and
 * region apart, as Pulumi's random suffix does for a group without a hook.
 */
export function launchHookGroupName(name: string, stack: string): string {
    return `${name}-asg-${stack}`;
}

/**
 * The one group whose lifecycle actions the gateways may complete. CompleteLifecycleAction takes
 * the autoScalingGroup resource type (Service Authorization Reference, Amazon EC2 Auto Scaling:
 * `arn:${"$"}{Partition}:autoscaling:${"$"}{Region}:${"$"}{Account}:autoScalingGroup:${"$"}{GroupId}:autoScalingGroupName/${"$"}{GroupFriendlyName}`);
 * the group id is a UUID known only after creation, so it is the one wildcard.
 */
export function launchHookGroupArn(partition: string, region: string, accountId: string, groupName: string): string {
    return `arn:${partition}:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/${groupName}`;
}

/** The group's name and ARN pattern when it has a launch hook, else undefined. */
function launchHookGroup(name: string, args: SftpGatewayArgs): { name: string; arn: string } | undefined {
    if (!(args.launchHook ?? false)) {
        return undefined;
    }
    if (args.accountId === undefined) {
        throw new Error("SftpGateway: launchHook needs accountId (the group's ARN in the gateways' policy)");
    }
    const groupName = launchHookGroupName(name, pulumi.getStack());
    return { name: groupName, arn: launchHookGroupArn(args.partition, args.region, args.accountId, groupName) };
}

function createInstanceRole(name: string, args: SftpGatewayArgs, parent: pulumi.Resource): { profile: aws.iam.InstanceProfile; policy: aws.iam.RolePolicy; arn: pulumi.Output<string> } {
    const role = new aws.iam.Role(
        `${name}-role`,
        { assumeRolePolicy: JSON.stringify(gatewayAssumeRolePolicy), description: `SFTP gateways in ${args.region}`, tags: args.tags },
        { parent },
    );
    const policy = new aws.iam.RolePolicy(
        `${name}-policy`,
        {
            role: role.id,
            policy: pulumi
                .output(args.hostKeySecretArn)
                .apply((hostKeySecretArn) =>
                    JSON.stringify(
                        gatewayInstancePolicy({
                            bucketArn: args.bucketArn,
                            hostKeySecretArn,
                            usersObjectKey: args.usersObjectKey,
                            users: args.users,
                            kmsKeyArn: args.kmsKeyArn,
                            bootPackageKey: args.sftpgoPackage?.key,
                            sessionManager: args.sessionManager ?? false,
                            homeAccess: args.homeAccess ?? "per-home",
                            launchHookGroupArn: launchHookGroup(name, args)?.arn,
                        }),
                    ),
                ),
        },
        { parent },
    );
    return { profile: new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags: args.tags }, { parent }), policy, arn: role.arn };
}

function createGroup(
    name: string,
    args: SftpGatewayArgs,
    gatewayPort: number,
    securityGroupId: pulumi.Output<string>,
    profile: aws.iam.InstanceProfile,
    targetGroupArns: pulumi.Output<string>[],
    parent: pulumi.Resource,
    dependsOn: pulumi.Resource[],
): aws.autoscaling.Group {
    const region = args.region;
    const hookGroup = launchHookGroup(name, args);
    const userData = pulumi.output(args.hostKeySecretArn).apply((hostKeySecretArn) =>
        Buffer.from(
            renderGatewayUserData({
                region,
                bucketName: args.bucketName,
                hostKeySecretArn,
                usersObjectKey: args.usersObjectKey,
                port: gatewayPort,
                usersRefreshInterval: usersRefreshSpan(args.usersRefreshSeconds ?? defaultUsersRefreshSeconds),
                sftpgoVersion: args.sftpgoVersion,
                sftpgoPackage: args.sftpgoPackage,
                healthPort: args.healthCheck?.protocol === "http" ? args.healthCheck.port : undefined,
                ...(hookGroup !== undefined ? { launchHook: { groupName: hookGroup.name, hookName: gatewayLaunchHook.name } } : {}),
            }),
        ).toString("base64"),
    );
    const template = new aws.ec2.LaunchTemplate(
        `${name}-lt`,
        {
            region,
            imageId: args.amiId,
            instanceType: args.instanceType ?? "t3.small",
            iamInstanceProfile: { arn: profile.arn },
            networkInterfaces: [{ associatePublicIpAddress: "false", securityGroups: [securityGroupId], deleteOnTermination: "true" }],
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: gatewayRootVolumeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            userData,
            updateDefaultVersion: true,
            tagSpecifications: [{ resourceType: "instance", tags: { ...args.tags, Name: `${name}-gateway` } }],
            tags: args.tags,
        },
        { parent },
    );
    return new aws.autoscaling.Group(
        `${name}-asg`,
        {
            region,
            vpcZoneIdentifiers: args.instanceSubnetIds,
            minSize: args.capacity.min,
            desiredCapacity: args.capacity.desired,
            maxSize: args.capacity.max,
            launchTemplate: { id: template.id, version: template.latestVersion.apply((v) => String(v)) },
            targetGroupArns,
            healthCheckType: "ELB",
            healthCheckGracePeriod: 300,
            // A scale-up returns only once its instances are healthy behind the load balancer, so
            // DNS never moves to capacity that is still booting (0: a drained group waits for nothing).
            waitForElbCapacity: args.capacity.desired,
            // A new launch template version (new user data or AMI) rolls through the group, launching
            // before terminating, so a pilot light of one never drops to no gateway. Each instance it
            // replaces is deregistered and drained first (the target group's deregistration delay,
            // drainTimeoutSeconds), as in a scale-in: the refresh needs no drain setting of its own.
            instanceRefresh: { strategy: "Rolling", preferences: { ...launchBeforeTerminate } },
            // Stopped instances that have been through their first boot: a scale-up starts them
            // instead of launching and installing new ones (automation/time-to-serve.ts models both).
            ...(args.warmPool !== undefined ? { warmPool: { ...args.warmPool } } : {}),
            // Launches wait until the gateway says its boot is done, so AWS never stops one
            // mid-install into the warm pool (capacity.ts gatewayLaunchHook says why and for how long).
            ...(hookGroup !== undefined ? { name: hookGroup.name, initialLifecycleHooks: [{ ...gatewayLaunchHook }] } : {}),
            tags: Object.entries({ ...args.tags, Name: `${name}-gateway` }).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
        },
        { parent, dependsOn },
    );
}
