// Secrets Manager secrets and their versions, as CreateSecret / PutSecretValue /
// ReplicateSecretToRegions accept them, with terraform-provider-aws's
// internal/service/secretsmanager (secret.go, secret_version.go, validate.go) validation.
import { TypeRules, atMostOne, custom, exactlyOne, given, intRange, length, list, matches, obj, problem, required, str } from "./engine";
import { kmsKey } from "./kms";

const api = "AWS Secrets Manager API reference";
const tf = "terraform-provider-aws internal/service/secretsmanager";

/** Characters of a secret name: letters, digits and /_+=.@- (CreateSecret Name). */
const namePattern = /^[A-Za-z0-9/_+=.@-]+$/;

const secret: TypeRules = {
    type: "aws:secretsmanager/secret:Secret",
    service: "secretsmanager",
    rules: [
        length("name", 1, 512, "secret names", "CreateSecret", `${api} (CreateSecret Name: 1–512); ${tf}/validate.go (validSecretName)`),
        matches("name", namePattern, "letters, digits and /_+=.@-", "CreateSecret", `${api} (CreateSecret Name); ${tf}/validate.go (validSecretName)`),
        // Terraform completes a prefix with a 26-character unique id.
        length("namePrefix", 1, 512 - 26, "secret name prefixes (with Terraform's 26-character unique suffix)", "CreateSecret", `${tf}/validate.go (validSecretNamePrefix)`),
        matches("namePrefix", namePattern, "letters, digits and /_+=.@-", "CreateSecret", `${tf}/validate.go (validSecretNamePrefix)`),
        atMostOne("", ["name", "namePrefix"], "CreateSecret", `${tf}/secret.go (name ConflictsWith name_prefix)`),
        length("description", 0, 2048, "secret descriptions", "CreateSecret", `${api} (CreateSecret Description: at most 2048)`),
        kmsKey("kmsKeyId", false, "CreateSecret", `${api} (CreateSecret KmsKeyId)`),
        custom("recoveryWindowInDays is 0 or 7–30", `${api} (DeleteSecret RecoveryWindowInDays: 7–30; 0 forces deletion); ${tf}/secret.go`, (i) => {
            const days = i.recoveryWindowInDays;
            return typeof days === "number" && days !== 0 && (days < 7 || days > 30)
                ? [problem("recoveryWindowInDays", `recoveryWindowInDays ${days} is not 0 or 7–30 (DeleteSecret)`)]
                : [];
        }),
        required("replicas[].region", "ReplicateSecretToRegions", `${api} (ReplicaRegionType Region)`),
        matches("replicas[].region", /^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-west-2", "ReplicateSecretToRegions", `${api} (ReplicaRegionType Region)`),
        kmsKey("replicas[].kmsKeyId", false, "ReplicateSecretToRegions", `${api} (ReplicaRegionType KmsKeyId)`),
        // A secret replicates to other regions: never to its own, and to each at most once.
        custom("replica regions distinct and other than the secret's own", `${api} (ReplicateSecretToRegions: a replica region must differ from the primary's, each once)`, (i) => {
            const regions = (list(i.replicas) ?? []).map((r) => str(obj(r)?.region));
            const own = str(i.region);
            return regions.flatMap((region, n) => {
                if (region === undefined) {
                    return [];
                }
                if (own !== undefined && region === own) {
                    return [problem(`replicas[${n}].region`, `replicas[${n}].region ${region} is the secret's own region; a replica must live elsewhere (ReplicateSecretToRegions)`)];
                }
                return regions.indexOf(region) !== n ? [problem(`replicas[${n}].region`, `replicas[${n}].region ${region} is listed twice (ReplicateSecretToRegions)`)] : [];
            });
        }),
    ],
};

/** The secret value, in whichever form; exactly one is stored per version. */
const valueFields = ["secretString", "secretBinary", "secretStringWo"];

const secretVersion: TypeRules = {
    type: "aws:secretsmanager/secretVersion:SecretVersion",
    service: "secretsmanager",
    rules: [
        required("secretId", "PutSecretValue", `${api} (PutSecretValue SecretId)`),
        exactlyOne("", valueFields, "PutSecretValue", `${api} (PutSecretValue SecretString or SecretBinary); ${tf}/secret_version.go (ExactlyOneOf)`),
        // The size is reported, never the value: it is a secret.
        custom("the value is at most 65,536 bytes", `${api} (PutSecretValue SecretString, SecretBinary: at most 65,536 bytes)`, (i) => {
            const field = valueFields.find((k) => str(i[k]) !== undefined);
            const value = field === undefined ? undefined : (str(i[field]) as string);
            const bytes = value === undefined ? 0 : field === "secretBinary" ? Buffer.from(value, "base64").length : Buffer.byteLength(value, "utf8");
            return field !== undefined && bytes > 65536 ? [problem(field, `${field} is ${bytes} bytes; a secret value holds at most 65,536 (PutSecretValue)`)] : [];
        }),
        intRange("secretStringWoVersion", 1, 2147483647, "PutSecretValue", `${tf}/secret_version.go (secret_string_wo_version: at least 1)`),
        custom("versionStages of 1–256 characters, at most 20", `${api} (PutSecretValue VersionStages: 1–20 labels of 1–256 characters)`, (i) => {
            const stages = list(i.versionStages);
            if (stages === undefined) {
                return [];
            }
            if (stages.length > 20) {
                return [problem("versionStages", `versionStages has ${stages.length} labels; at most 20 (PutSecretValue)`)];
            }
            return stages.some((s) => typeof s === "string" && (s.length < 1 || s.length > 256))
                ? [problem("versionStages", "versionStages labels are 1–256 characters (PutSecretValue)")]
                : [];
        }),
        custom("secretStringWo needs secretStringWoVersion", `${tf}/secret_version.go (secret_string_wo RequiredWith secret_string_wo_version)`, (i) =>
            given(i.secretStringWo) && !given(i.secretStringWoVersion) ? [problem("secretStringWoVersion", "secretStringWoVersion is required with secretStringWo (PutSecretValue)")] : []),
    ],
};

export const secretsManagerRules: readonly TypeRules[] = [secret, secretVersion];
