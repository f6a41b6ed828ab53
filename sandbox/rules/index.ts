// The sandbox's check: autoname exactly as pulumi-aws does (refusing, never cutting, a name that
// cannot fit), then run the rules of the resource's type. One file per AWS service holds the rules.
import { applyAutoname } from "../naming";
import { canonicalType } from "../replacements";
import { PropertyMap, isSecret, reveal } from "../values";
import { autoScalingRules } from "./autoscaling";
import { cloudWatchRules } from "./cloudwatch";
import { ec2Rules } from "./ec2";
import { elasticLoadBalancingRules } from "./elasticloadbalancing";
import { Inputs, RuleFailure, TypeRules, runRules } from "./engine";
import { iamRules } from "./iam";
import { route53Rules } from "./route53";
import { recoveryControlRules } from "./route53-recovery-control";
import { s3Rules } from "./s3";
import { secretsManagerRules } from "./secretsmanager";
import { snsRules } from "./sns";
import { ssmRules } from "./ssm";

export type { RuleFailure } from "./engine";

/** Every type's rules, by type token. */
const allRules: readonly TypeRules[] = [
    ...ec2Rules, ...elasticLoadBalancingRules, ...autoScalingRules, ...s3Rules, ...iamRules,
    ...secretsManagerRules, ...ssmRules, ...cloudWatchRules, ...snsRules, ...route53Rules, ...recoveryControlRules,
];

const byType = new Map(allRules.map((r) => [r.type, r]));

/** Types known under another token (aws v6 names kept as aliases in v7). */
const aliases: Readonly<Record<string, string>> = { "aws:s3/bucketV2:BucketV2": "aws:s3/bucket:Bucket" };

/** The rules of a type, if the sandbox knows it. */
export function rulesOf(type: string): TypeRules | undefined {
    const canonical = canonicalType(type);
    return byType.get(aliases[canonical] ?? canonical);
}

/** Every type with rules, for the README table and the tests. */
export function typesWithRules(): readonly TypeRules[] {
    return allRules;
}

/** What check answers: the inputs (autonamed) and the refusals, if any. */
export interface CheckOutcome {
    readonly inputs: PropertyMap;
    readonly failures: RuleFailure[];
}

/**
 * The sandbox's check of one resource: autonaming first (a name that cannot fit is refused as the
 * bridge refuses it), then the type's rules on the autonamed inputs. Values not yet known are not
 * judged. A refusal never quotes a secret: any secret string of the inputs is masked.
 */
export function checkResource(type: string, logicalName: string, olds: PropertyMap, news: PropertyMap, suffix: () => string): CheckOutcome {
    const named = applyAutoname(type, logicalName, olds, news, suffix);
    const service = rulesOf(type)?.service ?? serviceOf(type);
    if (named.failure !== undefined) {
        return { inputs: named.inputs, failures: [{ property: named.failure.property, reason: `${service}: ${named.failure.reason} (pulumi-aws autonaming)` }] };
    }
    const rules = rulesOf(type);
    if (rules === undefined) {
        return { inputs: named.inputs, failures: [] };
    }
    const revealed = reveal(named.inputs) as Inputs;
    const secrets = secretStrings(named.inputs);
    const failures = runRules(rules, revealed).map((f) => ({ property: f.property, reason: mask(f.reason, secrets) }));
    return { inputs: named.inputs, failures };
}

/** The module of a type token, as the service prefix of a refusal for a type without rules. */
function serviceOf(type: string): string {
    return (type.split(":")[1] ?? "").split("/")[0];
}

/** Every string held inside a secret, deeply (short ones too would mask too much; four characters and up). */
function secretStrings(value: unknown, inside = false): string[] {
    if (isSecret(value)) {
        return secretStrings(value.value, true);
    }
    if (typeof value === "string") {
        return inside && value.length >= 4 ? [value] : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v) => secretStrings(v, inside));
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).flatMap((v) => secretStrings(v, inside));
    }
    return [];
}

function mask(reason: string, secrets: readonly string[]): string {
    return secrets.reduce((text, s) => text.split(s).join("[secret]"), reason);
}
