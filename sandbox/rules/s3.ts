// S3: the bucket and its separate settings (aws v7 models each as a resource), as CreateBucket,
// PutBucketVersioning, PutBucketEncryption, PutBucketLifecycleConfiguration,
// PutPublicAccessBlock, PutBucketOwnershipControls, PutBucketPolicy and
// PutBucketReplication accept them, and objects as PutObject does, with terraform-provider-aws's
// internal/service/s3 validation.
import { Inputs, Problem, TypeRules, atLeastOne, atMostOne, count, custom, given, intRange, length, list, matches, num, obj, oneOf, problem, required, str } from "./engine";
import { policyRule } from "./iam";
import { kmsKey } from "./kms";

const api = "AWS S3 API reference";
const naming = "AWS S3 User Guide (General purpose bucket naming rules)";

/**
 * S3's bucket naming rules: 3–63 characters of lower-case letters, digits, dots and hyphens,
 * starting and ending with a letter or digit, no two adjacent dots, not an IP address, and none of
 * the reserved prefixes and suffixes.
 */
function bucketNameProblems(path: string, name: string): Problem[] {
    const problems: Problem[] = [];
    const say = (rule: string): void => {
        problems.push(problem(path, `${path} "${name}" ${rule} (CreateBucket)`));
    };
    if (name.length < 3 || name.length > 63) {
        say(`is ${name.length} characters; bucket names are 3–63`);
    }
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
        say("must hold only lower-case letters, digits, dots and hyphens, and start and end with a letter or digit");
    }
    if (name.includes("..")) {
        say("must not hold two adjacent dots");
    }
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
        say("must not be formatted as an IP address");
    }
    for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) {
        if (name.startsWith(prefix)) {
            say(`must not start with the reserved prefix "${prefix}"`);
        }
    }
    for (const suffix of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) {
        if (name.endsWith(suffix)) {
            say(`must not end with the reserved suffix "${suffix}"`);
        }
    }
    return problems;
}

const bucket: TypeRules = {
    type: "aws:s3/bucket:Bucket",
    service: "s3",
    rules: [
        custom("bucket follows S3's bucket naming rules", `${naming}; ${api} (CreateBucket Bucket)`, (i) => {
            const name = str(i.bucket);
            return name === undefined ? [] : bucketNameProblems("bucket", name);
        }),
        atMostOne("", ["bucket", "bucketPrefix"], "CreateBucket", "terraform-provider-aws internal/service/s3/bucket.go (bucket ConflictsWith bucket_prefix)"),
        length("bucketPrefix", 1, 37, "bucket name prefixes (with Terraform's 26-character unique suffix)", "CreateBucket", `${naming}; terraform-provider-aws (bucket_prefix: 63 less id.UniqueIDSuffixLength)`),
        matches("bucketPrefix", /^[a-z0-9][a-z0-9.-]*$/, "lower-case letters, digits, dots and hyphens", "CreateBucket", naming),
    ],
};

/** Every bucket setting names its bucket. */
const bucketRequired = (op: string) => required("bucket", op, `${api} (${op} Bucket)`);

const versioning: TypeRules = {
    type: "aws:s3/bucketVersioning:BucketVersioning",
    service: "s3",
    rules: [
        bucketRequired("PutBucketVersioning"),
        required("versioningConfiguration", "PutBucketVersioning", `${api} (PutBucketVersioning VersioningConfiguration)`),
        required("versioningConfiguration.status", "PutBucketVersioning", `${api} (VersioningConfiguration Status)`),
        // "Disabled" is Terraform's word for "never enabled"; S3 itself knows Enabled and Suspended.
        oneOf("versioningConfiguration.status", ["Enabled", "Suspended", "Disabled"], "PutBucketVersioning", `${api} (VersioningConfiguration Status); terraform-provider-aws internal/service/s3/bucket_versioning.go`),
        oneOf("versioningConfiguration.mfaDelete", ["Enabled", "Disabled"], "PutBucketVersioning", `${api} (VersioningConfiguration MFADelete)`),
    ],
};

const sseAlgorithms = ["AES256", "aws:kms", "aws:kms:dsse"];

const encryption: TypeRules = {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    service: "s3",
    rules: [
        bucketRequired("PutBucketEncryption"),
        required("rules", "PutBucketEncryption", `${api} (ServerSideEncryptionConfiguration Rules)`),
        atLeastOne("rules", "PutBucketEncryption", `${api} (ServerSideEncryptionConfiguration Rules)`),
        required("rules[].applyServerSideEncryptionByDefault.sseAlgorithm", "PutBucketEncryption", `${api} (ServerSideEncryptionByDefault SSEAlgorithm)`),
        oneOf("rules[].applyServerSideEncryptionByDefault.sseAlgorithm", sseAlgorithms, "PutBucketEncryption", `${api} (ServerSideEncryptionByDefault SSEAlgorithm)`),
        custom("a KMS key only with aws:kms or aws:kms:dsse", `${api} (ServerSideEncryptionByDefault KMSMasterKeyID: only with aws:kms or aws:kms:dsse)`, (i) =>
            (list(i.rules) ?? []).flatMap((r, n) => {
                const byDefault = obj(obj(r)?.applyServerSideEncryptionByDefault);
                return str(byDefault?.sseAlgorithm) === "AES256" && given(byDefault?.kmsMasterKeyId)
                    ? [problem(`rules[${n}].applyServerSideEncryptionByDefault.kmsMasterKeyId`, `rules[${n}].applyServerSideEncryptionByDefault.kmsMasterKeyId is only allowed with sseAlgorithm aws:kms or aws:kms:dsse (PutBucketEncryption)`)]
                    : [];
            })),
        kmsKey("rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId", false, "PutBucketEncryption", `${api} (KMSMasterKeyID)`),
    ],
};

const storageClasses = ["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"];
const lifecycleOp = "PutBucketLifecycleConfiguration";

/** Each lifecycle rule does something: expire, transition, or clean up uploads. */
const lifecycleActions = ["expiration", "transitions", "noncurrentVersionExpiration", "noncurrentVersionTransitions", "abortIncompleteMultipartUpload"];

const lifecycle: TypeRules = {
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    service: "s3",
    rules: [
        bucketRequired(lifecycleOp),
        required("rules", lifecycleOp, `${api} (LifecycleConfiguration Rules)`),
        count("rules", 1, 1000, lifecycleOp, `${api} (LifecycleConfiguration: 1–1000 rules)`),
        required("rules[].id", lifecycleOp, `${api} (LifecycleRule ID); terraform-provider-aws (rule.id Required)`),
        length("rules[].id", 1, 255, "lifecycle rule ids", lifecycleOp, `${api} (LifecycleRule ID: at most 255)`),
        required("rules[].status", lifecycleOp, `${api} (LifecycleRule Status)`),
        oneOf("rules[].status", ["Enabled", "Disabled"], lifecycleOp, `${api} (LifecycleRule Status)`),
        atMostOne("rules[]", ["filter", "prefix"], lifecycleOp, `${api} (LifecycleRule Filter vs Prefix)`),
        custom("each lifecycle rule has an action", `${api} (LifecycleRule: at least one action)`, (i) =>
            (list(i.rules) ?? []).flatMap((r, n) => {
                const rule = obj(r) ?? {};
                return lifecycleActions.some((a) => given(rule[a]) && !(Array.isArray(rule[a]) && (rule[a] as unknown[]).length === 0))
                    ? []
                    : [problem(`rules[${n}]`, `rules[${n}] has no action (one of ${lifecycleActions.join(", ")}) (${lifecycleOp})`)];
            })),
        intRange("rules[].noncurrentVersionExpiration.noncurrentDays", 1, 2147483647, lifecycleOp, `${api} (NoncurrentVersionExpiration NoncurrentDays: positive)`),
        intRange("rules[].noncurrentVersionExpiration.newerNoncurrentVersions", 1, 100, lifecycleOp, `${api} (NewerNoncurrentVersions: 1–100)`),
        intRange("rules[].abortIncompleteMultipartUpload.daysAfterInitiation", 1, 2147483647, lifecycleOp, `${api} (AbortIncompleteMultipartUpload DaysAfterInitiation: positive)`),
        intRange("rules[].expiration.days", 1, 2147483647, lifecycleOp, `${api} (LifecycleExpiration Days: positive)`),
        custom("expiration.expiredObjectDeleteMarker not beside days or date", `${api} (LifecycleExpiration ExpiredObjectDeleteMarker: cannot be specified with Days or Date)`, (i) =>
            (list(i.rules) ?? []).flatMap((r, n) => {
                const expiration = obj(obj(r)?.expiration);
                return expiration?.expiredObjectDeleteMarker === true && (given(expiration.days) || given(expiration.date))
                    ? [problem(`rules[${n}].expiration`, `rules[${n}].expiration: expiredObjectDeleteMarker cannot be specified with days or date; MalformedXML (${lifecycleOp})`)]
                    : [];
            })),
        oneOf("rules[].transitions[].storageClass", storageClasses, lifecycleOp, `${api} (Transition StorageClass)`),
        oneOf("rules[].noncurrentVersionTransitions[].storageClass", storageClasses, lifecycleOp, `${api} (NoncurrentVersionTransition StorageClass)`),
    ],
};

const publicAccessBlock: TypeRules = {
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    service: "s3",
    rules: [bucketRequired("PutPublicAccessBlock")],
};

const ownership: TypeRules = {
    type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    service: "s3",
    rules: [
        bucketRequired("PutBucketOwnershipControls"),
        required("rule.objectOwnership", "PutBucketOwnershipControls", `${api} (OwnershipControlsRule ObjectOwnership)`),
        oneOf("rule.objectOwnership", ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"], "PutBucketOwnershipControls", `${api} (ObjectOwnership)`),
    ],
};

const bucketPolicy: TypeRules = {
    type: "aws:s3/bucketPolicy:BucketPolicy",
    service: "s3",
    rules: [
        bucketRequired("PutBucketPolicy"),
        required("policy", "PutBucketPolicy", `${api} (PutBucketPolicy Policy)`),
        ...policyRule("policy", "resource", 20480, "PutBucketPolicy", "AWS S3 User Guide (bucket policies are limited to 20 KB)"),
    ],
};

const replicationOp = "PutBucketReplication";
const enabledDisabled = ["Enabled", "Disabled"];

/**
 * The rules S3 states for a replication configuration beyond single fields: priorities unique;
 * the V2 schema (a Filter) needs DeleteMarkerReplication and V1 (a Prefix) cannot have it;
 * Replication Time Control needs metrics, both with 15 minutes; SSE-KMS objects need a replica key.
 */
function replicationRuleProblems(i: Inputs): Problem[] {
    const rules = list(i.rules) ?? [];
    const problems: Problem[] = [];
    const priorities = new Map<number, number>();
    rules.forEach((raw, n) => {
        const r = obj(raw) ?? {};
        const at = `rules[${n}]`;
        const priority = num(r.priority);
        if (priority !== undefined) {
            const first = priorities.get(priority);
            if (first !== undefined) {
                problems.push(problem(`${at}.priority`, `${at}.priority ${priority} is also rules[${first}]'s; each rule needs its own priority (${replicationOp})`));
            }
            priorities.set(priority, n);
        }
        if (given(r.filter) && !given(r.deleteMarkerReplication)) {
            problems.push(problem(`${at}.deleteMarkerReplication`, `${at}: a rule with a filter (the V2 schema) must set deleteMarkerReplication (${replicationOp})`));
        }
        if (given(r.prefix) && given(r.deleteMarkerReplication)) {
            problems.push(problem(`${at}.deleteMarkerReplication`, `${at}: deleteMarkerReplication needs a filter, not the V1 prefix (${replicationOp})`));
        }
        const destination = obj(r.destination) ?? {};
        const rtc = obj(destination.replicationTime);
        const metrics = obj(destination.metrics);
        const metricsOff = metrics === undefined ? !given(destination.metrics) : str(metrics.status) !== undefined && str(metrics.status) !== "Enabled";
        if (str(rtc?.status) === "Enabled" && metricsOff) {
            problems.push(problem(`${at}.destination.metrics`, `${at}: replication time control needs destination.metrics enabled (${replicationOp})`));
        }
        const kmsObjects = obj(obj(r.sourceSelectionCriteria)?.sseKmsEncryptedObjects);
        if (str(kmsObjects?.status) === "Enabled" && !given(obj(destination.encryptionConfiguration)?.replicaKmsKeyId)) {
            problems.push(problem(`${at}.destination.encryptionConfiguration`, `${at}: replicating SSE-KMS objects needs destination.encryptionConfiguration.replicaKmsKeyId (${replicationOp})`));
        }
    });
    return problems;
}

const replication: TypeRules = {
    type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    service: "s3",
    rules: [
        bucketRequired(replicationOp),
        required("role", replicationOp, `${api} (ReplicationConfiguration Role)`),
        matches("role", /^arn:aws[a-z-]*:iam::\d{12}:role\/[\u0021-\u007e]+$/, "an IAM role ARN", replicationOp, `${api} (ReplicationConfiguration Role: the role's ARN)`),
        required("rules", replicationOp, `${api} (ReplicationConfiguration Rules)`),
        count("rules", 1, 1000, replicationOp, `${api} (ReplicationConfiguration: 1–1000 rules)`),
        required("rules[].status", replicationOp, `${api} (ReplicationRule Status)`),
        oneOf("rules[].status", enabledDisabled, replicationOp, `${api} (ReplicationRule Status)`),
        length("rules[].id", 0, 255, "replication rule ids", replicationOp, `${api} (ReplicationRule ID: at most 255)`),
        atMostOne("rules[]", ["filter", "prefix"], replicationOp, `${api} (ReplicationRule Filter vs Prefix); terraform-provider-aws (filter ConflictsWith prefix)`),
        required("rules[].destination", replicationOp, `${api} (ReplicationRule Destination)`),
        required("rules[].destination.bucket", replicationOp, `${api} (Destination Bucket)`),
        matches("rules[].destination.bucket", /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "a bucket ARN (arn:aws:s3:::<bucket>)", replicationOp, `${api} (Destination Bucket: the bucket's ARN)`),
        oneOf("rules[].deleteMarkerReplication.status", enabledDisabled, replicationOp, `${api} (DeleteMarkerReplication Status)`),
        oneOf("rules[].existingObjectReplication.status", enabledDisabled, replicationOp, `${api} (ExistingObjectReplication Status)`),
        oneOf("rules[].sourceSelectionCriteria.replicaModifications.status", enabledDisabled, replicationOp, `${api} (ReplicaModifications Status)`),
        oneOf("rules[].sourceSelectionCriteria.sseKmsEncryptedObjects.status", enabledDisabled, replicationOp, `${api} (SseKmsEncryptedObjects Status)`),
        oneOf("rules[].destination.replicationTime.status", enabledDisabled, replicationOp, `${api} (ReplicationTime Status)`),
        oneOf("rules[].destination.metrics.status", enabledDisabled, replicationOp, `${api} (Metrics Status)`),
        required("rules[].destination.replicationTime.time", replicationOp, `${api} (ReplicationTime Time)`),
        required("rules[].destination.replicationTime.status", replicationOp, `${api} (ReplicationTime Status)`),
        required("rules[].destination.metrics.status", replicationOp, `${api} (Metrics Status)`),
        // S3 Replication Time Control has one threshold: 15 minutes, for RTC and its metrics alike.
        intRange("rules[].destination.replicationTime.time.minutes", 15, 15, replicationOp, `${api} (ReplicationTimeValue Minutes: 15 is the only valid value)`),
        intRange("rules[].destination.metrics.eventThreshold.minutes", 15, 15, replicationOp, `${api} (Metrics EventThreshold Minutes: 15 is the only valid value)`),
        oneOf("rules[].destination.storageClass", ["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR"], replicationOp, `${api} (Destination StorageClass)`),
        intRange("rules[].priority", 0, 2147483647, replicationOp, `${api} (ReplicationRule Priority)`),
        custom("priorities unique; filter with deleteMarkerReplication; RTC with metrics; SSE-KMS with a replica key", `${api} (ReplicationRule Priority, Filter, DeleteMarkerReplication; Destination ReplicationTime, Metrics; EncryptionConfiguration ReplicaKmsKeyID)`, replicationRuleProblems),
        kmsKey("rules[].destination.encryptionConfiguration.replicaKmsKeyId", true, replicationOp, `${api} (EncryptionConfiguration ReplicaKmsKeyID: a key ARN or alias ARN)`),
    ],
};

const objectOp = "PutObject";
const objectTf = "terraform-provider-aws internal/service/s3/object.go";
const objectNaming = "AWS S3 User Guide (Naming Amazon S3 objects: a key is at most 1,024 bytes of UTF-8)";

/** Object keys: 1–1024 bytes of UTF-8. Bytes, not characters: a key of 1024 "é" is 2048 bytes. */
function objectKeyProblems(i: Inputs): Problem[] {
    const key = str(i.key);
    if (key === undefined) {
        return [];
    }
    const bytes = Buffer.byteLength(key, "utf8");
    if (bytes === 0) {
        return [problem("key", `key is empty; an object key is 1–1024 bytes of UTF-8 (${objectOp})`)];
    }
    return bytes > 1024 ? [problem("key", `key is ${bytes} bytes of UTF-8; an object key is at most 1024 (${objectOp})`)] : [];
}

/**
 * Object tags: at most 10 per object, keys of 1–128 and values of at most 256 characters (S3 User
 * Guide, "Categorizing your storage using tags"); a bucket takes 50, so stack-wide tags that suit
 * every other resource can still be too many for an object.
 */
function objectTagProblems(i: Inputs): Problem[] {
    const tags = i.tags;
    if (tags === undefined || tags === null || typeof tags !== "object") {
        return [];
    }
    const entries = Object.entries(tags as Record<string, unknown>);
    const problems: Problem[] = [];
    if (entries.length > 10) {
        problems.push(problem("tags", `tags has ${entries.length} entries; an object holds at most 10 (${objectOp})`));
    }
    for (const [key, value] of entries) {
        if (key.length === 0 || key.length > 128) {
            problems.push(problem("tags", `tag key "${key.slice(0, 40)}" is ${key.length} characters; an object tag key is 1–128 (${objectOp})`));
        }
        if (typeof value === "string" && value.length > 256) {
            problems.push(problem("tags", `tag "${key}" has a value of ${value.length} characters; at most 256 (${objectOp})`));
        }
    }
    return problems;
}

const objectAcls = ["private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"];
const objectStorageClasses = [
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE",
];

/**
 * An object as PutObject takes it. There is no size rule: one PUT uploads up to 5 GB (S3 API
 * reference, PutObject), far beyond any body a program can hold as a string (V8's strings end near
 * 1 GB), so the provider would fail before S3 could refuse.
 */
const object: TypeRules = {
    type: "aws:s3/bucketObjectv2:BucketObjectv2",
    service: "s3",
    rules: [
        bucketRequired(objectOp),
        required("key", objectOp, `${api} (PutObject Key); ${objectTf} (key Required)`),
        custom("key has 1–1024 bytes of UTF-8", `${objectNaming}; ${api} (PutObject Key: minimum length 1)`, objectKeyProblems),
        atMostOne("", ["content", "contentBase64", "source"], objectOp, `${objectTf} (content, content_base64 and source: ConflictsWith each other)`),
        oneOf("acl", objectAcls, objectOp, `${api} (PutObject x-amz-acl: ObjectCannedACL)`),
        oneOf("storageClass", objectStorageClasses, objectOp, `${api} (PutObject x-amz-storage-class: StorageClass)`),
        oneOf("serverSideEncryption", sseAlgorithms, objectOp, `${api} (PutObject x-amz-server-side-encryption)`),
        kmsKey("kmsKeyId", true, objectOp, `${objectTf} (kms_key_id: an ARN)`),
        custom("tags: at most 10, keys 1–128, values at most 256 characters", "AWS S3 User Guide (Categorizing your storage using tags: object tags)", objectTagProblems),
    ],
};

export const s3Rules: readonly TypeRules[] = [bucket, versioning, encryption, lifecycle, publicAccessBlock, ownership, bucketPolicy, replication, object];
