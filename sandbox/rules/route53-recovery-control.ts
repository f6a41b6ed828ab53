// Route 53 Application Recovery Controller (recovery control configuration): cluster, control
// panel, routing control and safety rule, as CreateCluster / CreateControlPanel /
// CreateRoutingControl / CreateSafetyRule accept them, with terraform-provider-aws's
// internal/service/route53recoverycontrolconfig argument schemas.
import { Inputs, Rule, TypeRules, atLeastOne, custom, exactlyOne, given, intRange, length, list, matches, num, obj, oneOf, problem, required } from "./engine";

const api = "AWS Route 53 ARC recovery control configuration API reference";
const tf = "terraform-provider-aws internal/service/route53recoverycontrolconfig";

/**
 * ARC names: 1–64 non-white-space characters, none of & > < ' " ; (every ARC Create* operation's Name). The name is
 * required by the API, but pulumi-aws autonames it (255 at most), so only its length and characters
 * can be wrong.
 */
function arcName(op: string): Rule[] {
    return [
        length("name", 1, 64, "recovery control names", op, `${api} (${op} Name: 1–64)`),
        matches("name", /^[^\s&<>'";]+$/, `without white space or any of & > < ' " ;`, op, `${api} (${op} Name: any non-white-space character except & > < ' " ;); AWS CloudFormation (AWS::Route53RecoveryControl::Cluster Name)`),
    ];
}

const arcArn = (kind: string) => new RegExp(`^arn:aws[a-z-]*:route53-recovery-control::\\d{12}:${kind}$`);

const cluster: TypeRules = {
    type: "aws:route53recoverycontrol/cluster:Cluster",
    service: "route53-recovery-control-config",
    rules: [
        ...arcName("CreateCluster"),
        oneOf("networkType", ["IPV4", "DUALSTACK"], "CreateCluster", `${api} (CreateCluster NetworkType)`),
    ],
};

const controlPanel: TypeRules = {
    type: "aws:route53recoverycontrol/controlPanel:ControlPanel",
    service: "route53-recovery-control-config",
    rules: [
        ...arcName("CreateControlPanel"),
        required("clusterArn", "CreateControlPanel", `${api} (CreateControlPanel ClusterArn)`),
        matches("clusterArn", arcArn("cluster/[0-9a-z-]+"), "a cluster ARN", "CreateControlPanel", `${api} (ClusterArn)`),
    ],
};

const routingControl: TypeRules = {
    type: "aws:route53recoverycontrol/routingControl:RoutingControl",
    service: "route53-recovery-control-config",
    rules: [
        ...arcName("CreateRoutingControl"),
        required("clusterArn", "CreateRoutingControl", `${api} (CreateRoutingControl ClusterArn)`),
        matches("clusterArn", arcArn("cluster/[0-9a-z-]+"), "a cluster ARN", "CreateRoutingControl", `${api} (ClusterArn)`),
        matches("controlPanelArn", arcArn("controlpanel/[0-9a-z]+"), "a control panel ARN", "CreateRoutingControl", `${api} (ControlPanelArn)`),
    ],
};

/** The safety rule's controls: an assertion rule checks asserted controls, a gating rule gates target controls. */
const gating = (i: Inputs): boolean => given(i.gatingControls);

const safetyRule: TypeRules = {
    type: "aws:route53recoverycontrol/safetyRule:SafetyRule",
    service: "route53-recovery-control-config",
    rules: [
        ...arcName("CreateSafetyRule"),
        required("controlPanelArn", "CreateSafetyRule", `${api} (CreateSafetyRule ControlPanelArn)`),
        exactlyOne("", ["assertedControls", "gatingControls"], "CreateSafetyRule", `${api} (CreateSafetyRule AssertionRule or GatingRule); ${tf} (asserted_controls ExactlyOneOf gating_controls)`),
        required("targetControls", "CreateSafetyRule: a gating rule names the controls it gates", `${api} (GatingRule TargetControls)`, gating),
        atLeastOne("assertedControls", "CreateSafetyRule", `${api} (AssertionRule AssertedControls)`),
        required("ruleConfig", "CreateSafetyRule", `${api} (RuleConfig)`),
        required("ruleConfig.type", "CreateSafetyRule", `${api} (RuleConfig.Type)`),
        required("ruleConfig.threshold", "CreateSafetyRule", `${api} (RuleConfig.Threshold)`),
        required("ruleConfig.inverted", "CreateSafetyRule", `${api} (RuleConfig.Inverted)`),
        oneOf("ruleConfig.type", ["ATLEAST", "AND", "OR"], "CreateSafetyRule", `${api} (RuleConfig.Type); ${tf}`),
        custom("ATLEAST threshold between 1 and the number of controls", `${api} (RuleConfig.Threshold)`, (i) => {
            const config = obj(i.ruleConfig);
            const threshold = num(config?.threshold);
            const controls = list(i.assertedControls) ?? list(i.gatingControls);
            if (config === undefined || config.type !== "ATLEAST" || threshold === undefined || controls === undefined) {
                return [];
            }
            return threshold < 1 || threshold > controls.length
                ? [problem("ruleConfig.threshold", `ruleConfig.threshold ${threshold} must be 1–${controls.length}, the number of controls (CreateSafetyRule)`)]
                : [];
        }),
        required("waitPeriodMs", "CreateSafetyRule", `${api} (WaitPeriodMs); ${tf} (wait_period_ms Required)`),
        intRange("waitPeriodMs", 0, 2147483647, "CreateSafetyRule", `${api} (WaitPeriodMs)`),
    ],
};

export const recoveryControlRules: readonly TypeRules[] = [cluster, controlPanel, routingControl, safetyRule];
