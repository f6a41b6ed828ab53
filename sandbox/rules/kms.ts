// KMS key identifiers as the services that take them accept them (AWS KMS Developer Guide, "Key
// identifiers (KeyId)"): a key ARN, an alias ARN, a key id or an alias name. Some settings want
// an ARN only (S3 replication's ReplicaKmsKeyID); the rules say which.
import { Rule, at, custom, problem, str } from "./engine";

const keyArn = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const aliasArn = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:alias\/[a-zA-Z0-9/_-]{1,250}$/;
const keyId = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const aliasName = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

const source = "AWS KMS Developer Guide (Key identifiers: key ARN, alias ARN, key ID, alias name)";

/** Whether `value` is a KMS key ARN or alias ARN. */
export function isKmsArn(value: string): boolean {
    return keyArn.test(value) || aliasArn.test(value);
}

/** Whether `value` is a KMS alias ARN. */
export function isKmsAliasArn(value: string): boolean {
    return aliasArn.test(value);
}

/** Whether `value` identifies a KMS key in any of the four accepted forms. */
export function isKmsKeyIdentifier(value: string): boolean {
    return isKmsArn(value) || keyId.test(value) || aliasName.test(value);
}

/** The value at a top-level or nested path (`a.b`, `a[].b`) identifies a KMS key; `arnOnly` for settings that want an ARN. */
export function kmsKey(path: string, arnOnly: boolean, op: string, why: string): Rule {
    return custom(`${path} is a KMS key ${arnOnly ? "ARN" : "identifier"}`, `${source}; ${why}`, (inputs) =>
        at(inputs, path).flatMap((f) => {
            const v = str(f.value);
            if (v === undefined || (arnOnly ? isKmsArn(v) : isKmsKeyIdentifier(v))) {
                return [];
            }
            const wanted = arnOnly ? "a KMS key ARN or alias ARN (arn:aws:kms:<region>:<account>:key/<id>)" : "a KMS key ARN, alias ARN, key id or alias/<name>";
            return [problem(f.path, `${f.path} "${v}" is not ${wanted} (${op})`)];
        }));
}
