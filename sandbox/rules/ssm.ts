// Systems Manager Parameter Store parameters, as PutParameter accepts them ("Creating Systems
// Manager parameters": names, hierarchies, tiers and sizes), with terraform-provider-aws's
// internal/service/ssm/parameter.go validation.
import { Inputs, Problem, TypeRules, atMostOne, custom, exactlyOne, length, oneOf, problem, required, str } from "./engine";
import { kmsKey } from "./kms";

const api = "AWS Systems Manager API reference (PutParameter)";
const guide = "AWS Systems Manager User Guide (Parameter Store: naming constraints, tiers)";
const tf = "terraform-provider-aws internal/service/ssm/parameter.go";
const op = "PutParameter";

/**
 * Parameter names: letters, digits and _.-/; a name with a slash is a path and must start with
 * one; at most 15 levels; no segment starting with "aws" or "ssm" (reserved); and with the ARN
 * that precedes it at most 1011 characters.
 */
function nameProblems(i: Inputs): Problem[] {
    const name = str(i.name);
    if (name === undefined) {
        return [];
    }
    const problems: Problem[] = [];
    const say = (rule: string): void => {
        problems.push(problem("name", `name "${name}" ${rule} (${op})`));
    };
    if (!/^[a-zA-Z0-9_.\-/]+$/.test(name)) {
        say("may hold only letters, digits and _.-/");
    }
    if (name.includes("/") && !name.startsWith("/")) {
        say("is a hierarchy, so it must be fully qualified, starting with /");
    }
    const segments = name.split("/").filter((s) => s !== "");
    if (segments.length > 15) {
        say(`has ${segments.length} levels; a hierarchy has at most 15`);
    }
    if (segments.length > 0 && /^(aws|ssm)/i.test(segments[0])) {
        say(`must not begin with "aws" or "ssm" (reserved)`);
    }
    const region = str(i.region) ?? "us-east-1";
    const arnPrefix = `arn:aws:ssm:${region}:123456789012:parameter${name.startsWith("/") ? "" : "/"}`;
    if (arnPrefix.length + name.length > 1011) {
        say(`is ${name.length} characters; with the ARN before it a parameter name is at most 1011`);
    }
    return problems;
}

/** A Standard parameter holds 4 KB, an Advanced one 8 KB (Intelligent-Tiering picks as needed). */
function sizeProblems(i: Inputs): Problem[] {
    const field = ["value", "insecureValue"].find((k) => str(i[k]) !== undefined);
    if (field === undefined) {
        return [];
    }
    const bytes = Buffer.byteLength(str(i[field]) as string, "utf8");
    const tier = str(i.tier) ?? "Standard";
    const limit = tier === "Standard" ? 4096 : 8192;
    return bytes > limit
        ? [problem(field, `${field} is ${bytes} bytes; ${/^[AEIOU]/.test(tier) ? "an" : "a"} ${tier} parameter holds at most ${limit} (${op}: Standard 4 KB, Advanced 8 KB)`)]
        : [];
}

const parameter: TypeRules = {
    type: "aws:ssm/parameter:Parameter",
    service: "ssm",
    rules: [
        // The name is required by the API, but pulumi-aws autonames an unnamed parameter.
        length("name", 1, 2048, "parameter names", op, `${api} (Name: 1–2048)`),
        custom("name: characters, path, levels, reserved prefixes, 1011 with the ARN", `${guide}; ${api} (Name)`, nameProblems),
        required("type", op, `${api} (Type); ${tf} (type Required)`),
        oneOf("type", ["String", "StringList", "SecureString"], op, `${api} (Type)`),
        oneOf("tier", ["Standard", "Advanced", "Intelligent-Tiering"], op, `${api} (Tier)`),
        oneOf("dataType", ["text", "aws:ec2:image", "aws:ssm:integration"], op, `${api} (DataType)`),
        exactlyOne("", ["value", "insecureValue", "valueWo"], op, `${tf} (value, insecure_value, value_wo: ExactlyOneOf)`),
        atMostOne("", ["value", "insecureValue"], op, `${tf} (insecure_value ConflictsWith value)`),
        custom("insecureValue is not for SecureString", `${tf} (insecure_value cannot be used with SecureString)`, (i) =>
            str(i.type) === "SecureString" && i.insecureValue !== undefined && i.insecureValue !== null
                ? [problem("insecureValue", `insecureValue cannot hold a SecureString parameter's value; use value (${op})`)]
                : []),
        custom("value within the tier's size (Standard 4 KB, Advanced 8 KB)", `${guide} (Standard: 4 KB; Advanced: 8 KB); ${api} (Value)`, sizeProblems),
        length("description", 0, 1024, "parameter descriptions", op, `${api} (Description: at most 1024)`),
        length("allowedPattern", 0, 1024, "allowed patterns", op, `${api} (AllowedPattern: at most 1024)`),
        kmsKey("keyId", false, op, `${api} (KeyId)`),
    ],
};

export const ssmRules: readonly TypeRules[] = [parameter];
