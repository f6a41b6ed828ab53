// IAM: roles, inline role policies, managed-policy attachments and instance profiles, as CreateRole
// / PutRolePolicy / AttachRolePolicy / CreateInstanceProfile accept them, and the policy grammar
// ("IAM JSON policy element reference") every policy document must follow.
import { Inputs, Problem, Rule, TypeRules, atMostOne, custom, intRange, length, matches, problem, required, str } from "./engine";
import { isKmsAliasArn } from "./kms";

const api = "AWS IAM API reference";
const grammar = "AWS IAM User Guide (IAM JSON policy elements: Version, Statement, Effect, Principal, Action, Resource)";

/** IAM names: letters, digits and +=,.@_- (CreateRole RoleName, PutRolePolicy PolicyName, ...). */
function iamName(path: string, max: number, kind: string, op: string): Rule[] {
    return [
        length(path, 1, max, kind, op, `${api} (${op}: 1–${max})`),
        matches(path, /^[\w+=,.@-]+$/, "letters, digits and +=,.@_-", op, `${api} (${op} name pattern [\\w+=,.@-]+)`),
    ];
}

/** Terraform completes a name prefix with a 26-character unique id; the whole must fit `max`. */
function prefixFits(max: number, op: string): Rule {
    return length("namePrefix", 1, max - 26, "name prefixes (with Terraform's 26-character unique suffix)", op, `terraform-provider-aws (name_prefix: ${max} less id.UniqueIDSuffixLength)`);
}

const iamPath = (op: string): Rule =>
    matches("path", /^\/$|^\/[\u0021-\u007e]{0,510}\/$/, "/ or a path that starts and ends with /", op, `${api} (${op} Path: 1–512, pattern (/)|(/[\\u0021-\\u007F]+/))`);

/** Which kind of policy a document is: who may assume a role, or what an identity may do. */
type PolicyKind = "trust" | "identity" | "resource";

/**
 * The problems of a policy document: it parses as JSON, has Version 2012-10-17 (or the legacy
 * 2008-10-17), at least one statement, and each statement an Effect, an Action (or NotAction),
 * and what its kind requires: a trust or resource policy names a Principal, an identity policy
 * never does and names a Resource; a trust policy names no Resource. Values are never quoted (a
 * policy may hold what should not be in a log).
 */
export function policyProblems(property: string, document: unknown, kind: PolicyKind, op: string): Problem[] {
    const text = str(document);
    if (text === undefined) {
        return [];
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return [problem(property, `${property} is not valid JSON; MalformedPolicyDocument (${op})`)];
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        return [problem(property, `${property} must be a JSON object; MalformedPolicyDocument (${op})`)];
    }
    const doc = parsed as Record<string, unknown>;
    const problems: Problem[] = [];
    if (doc.Version !== "2012-10-17" && doc.Version !== "2008-10-17") {
        problems.push(problem(property, `${property}: Version must be "2012-10-17" (or the legacy "2008-10-17") (${op})`));
    }
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement !== undefined ? [doc.Statement] : [];
    if (statements.length === 0) {
        problems.push(problem(property, `${property}: Statement must hold at least one statement; MalformedPolicyDocument (${op})`));
    }
    statements.forEach((raw: unknown, n) => {
        const s = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
        const at = `${property}: Statement[${n}]`;
        if (s.Effect !== "Allow" && s.Effect !== "Deny") {
            problems.push(problem(property, `${at}: Effect must be Allow or Deny (${op})`));
        }
        if (!nonEmpty(s.Action) && !nonEmpty(s.NotAction)) {
            problems.push(problem(property, `${at} has no Action (or NotAction); MalformedPolicyDocument (${op})`));
        }
        const hasPrincipal = s.Principal !== undefined || s.NotPrincipal !== undefined;
        const hasResource = nonEmpty(s.Resource) || nonEmpty(s.NotResource);
        if (kind === "identity" && hasPrincipal) {
            problems.push(problem(property, `${at} has Principal, a prohibited field in an identity-based policy; MalformedPolicyDocument (${op})`));
        }
        if (kind === "identity" && !hasResource) {
            problems.push(problem(property, `${at} has no Resource; policy statements must contain resources; MalformedPolicyDocument (${op})`));
        }
        if (kind !== "identity" && !hasPrincipal) {
            problems.push(problem(property, `${at} has no Principal; a ${kind} policy names who it applies to; MalformedPolicyDocument (${op})`));
        }
        if (kind === "trust" && hasResource) {
            problems.push(problem(property, `${at} has Resource, a prohibited field in a role trust policy; MalformedPolicyDocument (${op})`));
        }
    });
    return problems;
}

function nonEmpty(value: unknown): boolean {
    return typeof value === "string" ? value !== "" : Array.isArray(value) && value.length > 0;
}

/** The alias actions, the only KMS actions whose resource is an alias (KMS API permissions reference). */
const kmsAliasActions = ["kms:createalias", "kms:deletealias", "kms:updatealias"];

/**
 * KMS alias ARNs named as the `Resource` of an action on a key. IAM accepts the policy, but it
 * evaluates a key operation against the key's own ARN, so an alias ARN there matches nothing: the
 * Allow grants nothing (SSE-KMS uploads and replication get AccessDenied) and a Deny denies
 * nothing. (AWS KMS Developer Guide, "Using aliases to control access to KMS keys": use the key
 * ARN, or the `kms:ResourceAliases` condition.) Values are quoted: an ARN is not a secret.
 */
export function kmsAliasResourceProblems(property: string, document: unknown, op: string): Problem[] {
    const text = str(document);
    let parsed: unknown;
    try {
        parsed = text === undefined ? undefined : JSON.parse(text);
    } catch {
        return [];
    }
    const raw = (parsed as { Statement?: unknown } | undefined)?.Statement;
    const statements = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : [];
    return statements.flatMap((s: unknown, n) => {
        const statement = (typeof s === "object" && s !== null ? s : {}) as Record<string, unknown>;
        const actions = asStrings(statement.Action).map((a) => a.toLowerCase());
        const onKeys = actions.some((a) => (a === "*" || a.startsWith("kms:")) && !kmsAliasActions.includes(a));
        const aliases = asStrings(statement.Resource).filter(isKmsAliasArn);
        return onKeys && aliases.length > 0
            ? [problem(property, `${property}: Statement[${n}] names the KMS alias ARN ${aliases[0]} as the Resource of a key action; IAM matches key ARNs only, so it grants nothing — name the key's ARN (sandbox: IAM accepts it) (${op})`)]
            : [];
    });
}

function asStrings(value: unknown): string[] {
    return typeof value === "string" ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A policy document rule of one kind, with its size limit (characters, white space excluded as AWS counts). */
export function policyRule(path: string, kind: PolicyKind, maxChars: number, op: string, sizeSource: string): Rule[] {
    return [
        custom(`${path} is a valid ${kind} policy document`, grammar, (i: Inputs) => policyProblems(path, i[path], kind, op)),
        ...(kind === "identity"
            ? [custom(
                `${path}: no KMS alias ARN as the Resource of a key action (sandbox: IAM accepts it and matches nothing)`,
                "AWS KMS Developer Guide (Using aliases to control access to KMS keys; an alias ARN in Resource does not match the key)",
                (i: Inputs) => kmsAliasResourceProblems(path, i[path], op),
            )]
            : []),
        custom(`${path} at most ${maxChars} characters (white space not counted)`, sizeSource, (i: Inputs) => {
            const text = str(i[path]);
            const size = text === undefined ? 0 : text.replace(/\s/g, "").length;
            return size > maxChars ? [problem(path, `${path} is ${size} characters; at most ${maxChars} are allowed; LimitExceeded (${op})`)] : [];
        }),
    ];
}

const quotas = "AWS IAM User Guide (IAM and AWS STS quotas)";

const role: TypeRules = {
    type: "aws:iam/role:Role",
    service: "iam",
    rules: [
        ...iamName("name", 64, "role names", "CreateRole"),
        prefixFits(64, "CreateRole"),
        atMostOne("", ["name", "namePrefix"], "CreateRole", "terraform-provider-aws internal/service/iam/role.go (name ConflictsWith name_prefix)"),
        iamPath("CreateRole"),
        required("assumeRolePolicy", "CreateRole", `${api} (CreateRole AssumeRolePolicyDocument)`),
        ...policyRule("assumeRolePolicy", "trust", 2048, "CreateRole", `${quotas} (role trust policy length: 2,048 by default)`),
        length("description", 0, 1000, "role descriptions", "CreateRole", `${api} (CreateRole Description: at most 1000)`),
        intRange("maxSessionDuration", 3600, 43200, "CreateRole", `${api} (CreateRole MaxSessionDuration: 3600–43200)`),
    ],
};

const rolePolicy: TypeRules = {
    type: "aws:iam/rolePolicy:RolePolicy",
    service: "iam",
    rules: [
        ...iamName("name", 128, "policy names", "PutRolePolicy"),
        prefixFits(128, "PutRolePolicy"),
        required("role", "PutRolePolicy", `${api} (PutRolePolicy RoleName)`),
        required("policy", "PutRolePolicy", `${api} (PutRolePolicy PolicyDocument)`),
        ...policyRule("policy", "identity", 10240, "PutRolePolicy", `${quotas} (role inline policies: 10,240 characters in total)`),
    ],
};

const managedPolicy: TypeRules = {
    type: "aws:iam/policy:Policy",
    service: "iam",
    rules: [
        ...iamName("name", 128, "policy names", "CreatePolicy"),
        prefixFits(128, "CreatePolicy"),
        atMostOne("", ["name", "namePrefix"], "CreatePolicy", "terraform-provider-aws internal/service/iam/policy.go (name ConflictsWith name_prefix)"),
        iamPath("CreatePolicy"),
        length("description", 0, 1000, "policy descriptions", "CreatePolicy", `${api} (CreatePolicy Description: at most 1000)`),
        required("policy", "CreatePolicy", `${api} (CreatePolicy PolicyDocument)`),
        ...policyRule("policy", "identity", 6144, "CreatePolicy", `${quotas} (managed policy size: 6,144 characters)`),
    ],
};

const rolePolicyAttachment: TypeRules = {
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    service: "iam",
    rules: [
        required("role", "AttachRolePolicy", `${api} (AttachRolePolicy RoleName)`),
        required("policyArn", "AttachRolePolicy", `${api} (AttachRolePolicy PolicyArn)`),
        matches("policyArn", /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/([\u0021-\u007e]*\/)?[\w+=,.@-]{1,128}$/, "a managed policy ARN (arn:<partition>:iam::aws|<account>:policy/<path><name>)", "AttachRolePolicy", `${api} (AttachRolePolicy PolicyArn)`),
    ],
};

const instanceProfile: TypeRules = {
    type: "aws:iam/instanceProfile:InstanceProfile",
    service: "iam",
    rules: [
        ...iamName("name", 128, "instance profile names", "CreateInstanceProfile"),
        prefixFits(128, "CreateInstanceProfile"),
        iamPath("CreateInstanceProfile"),
    ],
};

export const iamRules: readonly TypeRules[] = [role, rolePolicy, managedPolicy, rolePolicyAttachment, instanceProfile];
