// Elastic Load Balancing v2: the load balancer, its target groups and listeners, as
// CreateLoadBalancer / CreateTargetGroup / CreateListener and terraform-provider-aws's
// internal/service/elbv2 (validate.go, load_balancer.go, target_group.go) accept them.
import {
    Inputs, Problem, Rule, TypeRules, atLeastOne, atMostOne, count, custom, exactlyOne, forbidden, get, intRange, length, matches, oneOf, problem, required, str,
} from "./engine";

const apiRef = "AWS ELBv2 API reference";
const tfValidate = "terraform-provider-aws internal/service/elbv2/validate.go";

/**
 * ELB names (load balancers and target groups): at most 32 characters, letters, digits and
 * hyphens, not starting or ending with a hyphen; a load balancer's not starting with "internal-".
 */
function elbName(op: string, kind: string, loadBalancer: boolean): Rule[] {
    const source = `${apiRef} (${op} Name); ${tfValidate} (${loadBalancer ? "validName" : "validTargetGroupName"})`;
    return [
        length("name", 1, 32, kind, op, source),
        matches("name", /^[0-9A-Za-z-]+$/, "only letters, digits and hyphens", op, source),
        matches("name", /^(?!-)(?!.*-$)/, "not beginning or ending with a hyphen", op, source),
        ...(loadBalancer ? [matches("name", /^(?!internal-)/, `not beginning with "internal-"`, op, source)] : []),
        // Terraform completes a prefix with a 26-character unique id: 6 characters fit a name of 32.
        length("namePrefix", 1, 6, `${kind.replace(/names$/, "name prefixes")}`, op, `${tfValidate} (validNamePrefix, validTargetGroupNamePrefix)`),
        atMostOne("", ["name", "namePrefix"], op, "terraform-provider-aws (name ConflictsWith name_prefix)"),
    ];
}

const loadBalancer: TypeRules = {
    type: "aws:lb/loadBalancer:LoadBalancer",
    service: "elasticloadbalancing",
    rules: [
        ...elbName("CreateLoadBalancer", "ELB names", true),
        oneOf("loadBalancerType", ["application", "network", "gateway"], "CreateLoadBalancer", `${apiRef} (CreateLoadBalancer Type)`),
        oneOf("ipAddressType", ["ipv4", "dualstack", "dualstack-without-public-ipv4"], "CreateLoadBalancer", `${apiRef} (CreateLoadBalancer IpAddressType)`),
        custom("dualstack-without-public-ipv4 only for an application load balancer", `${apiRef} (CreateLoadBalancer IpAddressType)`, (i) =>
            str(i.ipAddressType) === "dualstack-without-public-ipv4" && (str(i.loadBalancerType) ?? "application") !== "application"
                ? [problem("ipAddressType", `ipAddressType "dualstack-without-public-ipv4" is only for application load balancers (CreateLoadBalancer)`)]
                : []),
        exactlyOne("", ["subnets", "subnetMappings"], "CreateLoadBalancer", `${apiRef} (CreateLoadBalancer Subnets, SubnetMappings)`),
        atLeastOne("subnets", "CreateLoadBalancer", `${apiRef} (CreateLoadBalancer Subnets)`),
        custom("an application load balancer needs subnets in at least two Availability Zones", `${apiRef} (CreateLoadBalancer Subnets)`, (i) => {
            const subnets = get(i, "subnets");
            return (str(i.loadBalancerType) ?? "application") === "application" && Array.isArray(subnets) && subnets.length === 1
                ? [problem("subnets", "subnets: an application load balancer needs subnets in at least two Availability Zones (CreateLoadBalancer)")]
                : [];
        }),
        count("securityGroups", 0, 5, "CreateLoadBalancer", `${apiRef} (CreateLoadBalancer SecurityGroups: at most 5)`),
        forbidden("securityGroups", "on a gateway load balancer", (i) => str(i.loadBalancerType) === "gateway", "CreateLoadBalancer", `${apiRef} (CreateLoadBalancer SecurityGroups)`),
    ],
};

/** Protocols of each load balancer type's target groups and listeners. */
const networkProtocols = ["TCP", "TLS", "UDP", "TCP_UDP", "QUIC", "TCP_QUIC"];
const applicationProtocols = ["HTTP", "HTTPS"];

const targetProtocols = [...applicationProtocols, ...networkProtocols, "GENEVE"];

const isLambda = (i: Inputs): boolean => str(i.targetType) === "lambda";
const isNetworkProtocol = (i: Inputs): boolean => networkProtocols.includes(str(i.protocol) ?? "");

const targetGroup: TypeRules = {
    type: "aws:lb/targetGroup:TargetGroup",
    service: "elasticloadbalancing",
    rules: [
        ...elbName("CreateTargetGroup", "target group names", false),
        oneOf("targetType", ["instance", "ip", "lambda", "alb"], "CreateTargetGroup", `${apiRef} (CreateTargetGroup TargetType)`),
        oneOf("protocol", targetProtocols, "CreateTargetGroup", `${apiRef} (CreateTargetGroup Protocol)`),
        required("port", "CreateTargetGroup: required unless the target type is lambda", `${apiRef} (CreateTargetGroup Port)`, (i) => !isLambda(i)),
        required("protocol", "CreateTargetGroup: required unless the target type is lambda", `${apiRef} (CreateTargetGroup Protocol)`, (i) => !isLambda(i)),
        required("vpcId", "CreateTargetGroup: required unless the target type is lambda", `${apiRef} (CreateTargetGroup VpcId)`, (i) => !isLambda(i)),
        intRange("port", 1, 65535, "CreateTargetGroup", `${apiRef} (CreateTargetGroup Port)`),
        intRange("deregistrationDelay", 0, 3600, "ModifyTargetGroupAttributes", `${apiRef} (TargetGroupAttribute deregistration_delay.timeout_seconds)`),
        oneOf("preserveClientIp", ["true", "false"], "ModifyTargetGroupAttributes", `${apiRef} (TargetGroupAttribute preserve_client_ip.enabled)`),
        forbidden("protocolVersion", "unless the protocol is HTTP or HTTPS", (i) => isNetworkProtocol(i), "CreateTargetGroup", `${apiRef} (CreateTargetGroup ProtocolVersion)`),
        oneOf("healthCheck.protocol", ["HTTP", "HTTPS", "TCP"], "CreateTargetGroup", `${apiRef} (CreateTargetGroup HealthCheckProtocol)`),
        matches("healthCheck.port", /^(traffic-port|[0-9]{1,5})$/, `"traffic-port" or a port number`, "CreateTargetGroup", `${apiRef} (CreateTargetGroup HealthCheckPort)`),
        custom("health check port 1–65535", `${apiRef} (CreateTargetGroup HealthCheckPort)`, (i) => {
            const port = str(get(i, "healthCheck.port"));
            return port !== undefined && /^[0-9]+$/.test(port) && (Number(port) < 1 || Number(port) > 65535)
                ? [problem("healthCheck.port", `healthCheck.port ${port} is out of range 1–65535 (CreateTargetGroup)`)]
                : [];
        }),
        intRange("healthCheck.interval", 5, 300, "CreateTargetGroup", `${apiRef} (CreateTargetGroup HealthCheckIntervalSeconds)`),
        intRange("healthCheck.timeout", 2, 120, "CreateTargetGroup", `${apiRef} (CreateTargetGroup HealthCheckTimeoutSeconds)`),
        intRange("healthCheck.healthyThreshold", 2, 10, "CreateTargetGroup", `${apiRef} (CreateTargetGroup HealthyThresholdCount)`),
        intRange("healthCheck.unhealthyThreshold", 2, 10, "CreateTargetGroup", `${apiRef} (CreateTargetGroup UnhealthyThresholdCount)`),
        custom("health check timeout below the interval", `${apiRef} (CreateTargetGroup HealthCheckTimeoutSeconds)`, (i) => {
            const interval = get(i, "healthCheck.interval");
            const timeout = get(i, "healthCheck.timeout");
            return typeof interval === "number" && typeof timeout === "number" && timeout >= interval
                ? [problem("healthCheck.timeout", `healthCheck.timeout ${timeout} must be smaller than healthCheck.interval ${interval} (CreateTargetGroup)`)]
                : [];
        }),
        forbidden("healthCheck.path", "with a TCP health check", (i) => str(get(i, "healthCheck.protocol")) === "TCP", "CreateTargetGroup", `${apiRef} (CreateTargetGroup HealthCheckPath: HTTP/HTTPS health checks only)`),
        forbidden("healthCheck.matcher", "with a TCP health check", (i) => str(get(i, "healthCheck.protocol")) === "TCP", "CreateTargetGroup", `${apiRef} (CreateTargetGroup Matcher: HTTP/HTTPS health checks only)`),
        matches("healthCheck.path", /^\//, "a path starting with /", "CreateTargetGroup", `${apiRef} (CreateTargetGroup HealthCheckPath)`),
        length("healthCheck.path", 1, 1024, "health check paths", "CreateTargetGroup", `${apiRef} (CreateTargetGroup HealthCheckPath)`),
        custom("health check matcher codes within the load balancer type's range", `${apiRef} (Matcher HttpCode: 200–499 for Application Load Balancers, 200–599 for Network Load Balancers; a code, a list or a range)`, matcherProblems),
    ],
};

/**
 * An HTTP(S) health check's success codes: one code, a comma-separated list or a range (`200-299`),
 * each 200–599 for a target group of a network load balancer (TCP family) and 200–499 for one of an
 * application load balancer.
 */
function matcherProblems(i: Inputs): Problem[] {
    const matcher = str(get(i, "healthCheck.matcher"));
    if (matcher === undefined) {
        return [];
    }
    const max = isNetworkProtocol(i) ? 599 : 499;
    const parts = matcher.split(",").map((p) => p.trim());
    const valid = parts.every((p) => {
        const m = /^(\d{3})(?:-(\d{3}))?$/.exec(p);
        const low = m === null ? NaN : Number(m[1]);
        const high = m?.[2] === undefined ? low : Number(m[2]);
        return m !== null && low >= 200 && high <= max && low <= high;
    });
    return valid ? [] : [problem("healthCheck.matcher", `healthCheck.matcher "${matcher}" must be HTTP codes 200–${max} (a code, a list or a range) for ${isNetworkProtocol(i) ? "a network" : "an application"} load balancer's target group (CreateTargetGroup)`)];
}

/** The actions a listener may take; a network load balancer's listeners only forward. */
const actionTypes = ["forward", "redirect", "fixed-response", "authenticate-cognito", "authenticate-oidc"];

const listener: TypeRules = {
    type: "aws:lb/listener:Listener",
    service: "elasticloadbalancing",
    rules: [
        required("loadBalancerArn", "CreateListener", `${apiRef} (CreateListener LoadBalancerArn)`),
        intRange("port", 1, 65535, "CreateListener", `${apiRef} (CreateListener Port)`),
        oneOf("protocol", [...applicationProtocols, ...networkProtocols, "GENEVE"], "CreateListener", `${apiRef} (CreateListener Protocol)`),
        required("defaultActions", "CreateListener", `${apiRef} (CreateListener DefaultActions)`),
        atLeastOne("defaultActions", "CreateListener", `${apiRef} (CreateListener DefaultActions)`),
        oneOf("defaultActions[].type", actionTypes, "CreateListener", `${apiRef} (Action Type)`),
        custom("a forward action names a target group", `${apiRef} (Action TargetGroupArn, ForwardConfig)`, forwardTargets),
        custom("the protocol and actions fit the load balancer type in its ARN", `${apiRef} (CreateListener Protocol: TCP, TLS, UDP, TCP_UDP for Network Load Balancers; HTTP, HTTPS for Application Load Balancers; GENEVE for Gateway Load Balancers)`, listenerFitsLoadBalancer),
        custom("TLS and HTTPS listeners need a certificate", `${apiRef} (CreateListener Certificates)`, (i) =>
            ["TLS", "HTTPS"].includes(str(i.protocol) ?? "") && i.certificateArn === undefined
                ? [problem("certificateArn", `certificateArn is required for a ${str(i.protocol)} listener (CreateListener)`)]
                : []),
    ],
};

/** The kind of load balancer an ARN names: `…:loadbalancer/net/…` (network), `/app/`, `/gwy/`. */
function loadBalancerKind(arn: string | undefined): "net" | "app" | "gwy" | undefined {
    const m = arn === undefined ? null : /:loadbalancer\/(net|app|gwy)\//.exec(arn);
    return m === null ? undefined : (m[1] as "net" | "app" | "gwy");
}

/**
 * A listener's protocol belongs to its load balancer's type, which the load balancer's ARN
 * spells out; a network load balancer's listeners only forward.
 */
function listenerFitsLoadBalancer(i: Inputs): Problem[] {
    const kind = loadBalancerKind(str(i.loadBalancerArn));
    const protocol = str(i.protocol);
    const allowed = kind === "net" ? networkProtocols : kind === "app" ? applicationProtocols : kind === "gwy" ? ["GENEVE"] : undefined;
    const problems: Problem[] = [];
    if (allowed !== undefined && protocol !== undefined && !allowed.includes(protocol)) {
        const label = kind === "net" ? "a Network" : kind === "app" ? "an Application" : "a Gateway";
        problems.push(problem("protocol", `protocol "${protocol}" is not one of ${allowed.join(", ")}, the protocols of ${label} Load Balancer's listeners (CreateListener)`));
    }
    if (kind === "net") {
        (Array.isArray(i.defaultActions) ? i.defaultActions : []).forEach((a: unknown, n) => {
            const type = str((a as Record<string, unknown> | null)?.type);
            if (type !== undefined && type !== "forward") {
                problems.push(problem(`defaultActions[${n}].type`, `defaultActions[${n}].type "${type}": a Network Load Balancer's listener can only forward (CreateListener)`));
            }
        });
    }
    return problems;
}

/** Each forward action has a target group ARN or a forward block (exactly one). */
function forwardTargets(i: Inputs): Problem[] {
    const actions = Array.isArray(i.defaultActions) ? i.defaultActions : [];
    return actions.flatMap((a: unknown, n) => {
        const action = (a ?? {}) as Record<string, unknown>;
        if (str(action.type) !== "forward") {
            return [];
        }
        const set = ["targetGroupArn", "forward"].filter((k) => action[k] !== undefined && action[k] !== null);
        return set.length === 1 ? [] : [problem(`defaultActions[${n}]`, `defaultActions[${n}]: a forward action needs exactly one of targetGroupArn, forward (CreateListener)`)];
    });
}

export const elasticLoadBalancingRules: readonly TypeRules[] = [loadBalancer, targetGroup, listener];
