import { randomBytes, randomUUID } from "node:crypto";
import { nameFromPrefix } from "./naming";
import { genericRule, moduleOf, outputRules } from "./output-rules";
import { dnsSuffixOf, partitionOf, sandboxAccountId } from "./regions";
import { canonicalType } from "./replacements";
import { PropertyMap, isUnset, reveal, stringProp } from "./values";

export { moduleOf };

/** What the sandbox knows when it makes up a resource's computed outputs. */
export interface ResourceContext {
    /** The type token. */
    readonly type: string;
    /** The logical name (from the URN). */
    readonly name: string;
    /** The AWS region the resource lives in. */
    readonly region: string;
    /** The resource's inputs (secrets may still be wrapped; rules read them through `reveal`). */
    readonly inputs: PropertyMap;
    /** Random lower-case hex of the given length; injectable so tests can pin it. */
    readonly hex?: (length: number) => string;
    /** A random UUID; injectable so tests can pin it. */
    readonly uuid?: () => string;
}

/** A created resource: its id and the outputs AWS computes (inputs are added by the caller). */
export interface ComputedResource {
    readonly id: string;
    readonly computed: PropertyMap;
}

/** Helpers every output rule uses, bound to one resource. */
export interface Facts {
    readonly ctx: ResourceContext;
    readonly region: string;
    readonly partition: string;
    readonly account: string;
    readonly dnsSuffix: string;
    hex(length: number): string;
    uuid(): string;
    str(key: string): string | undefined;
    /** `arn:<partition>:<service>:<region>:<account>:<resource>`; global services leave region (and, for S3, account) empty. */
    arn(service: string, resource: string, scope?: "regional" | "global" | "bare"): string;
    /** The resource's name: its naming input, a name completed from its prefix, or the logical name. */
    nameOf(property?: string, prefixProperty?: string, maxLength?: number): string;
}

/** Modules whose resources are global (IAM, Route 53, Route 53 ARC): they have no `region` output. */
const globalServices = new Set(["iam", "route53", "route53recoverycontrol"]);

/** Whether resources of a type are global (no region). */
export function isGlobalType(type: string): boolean {
    return globalServices.has(moduleOf(canonicalType(type)));
}

function factsOf(ctx: ResourceContext): Facts {
    const partition = partitionOf(ctx.region);
    const hex = ctx.hex ?? ((length: number) => randomBytes(Math.ceil(length / 2)).toString("hex").slice(0, length));
    const uuid = ctx.uuid ?? randomUUID;
    const str = (key: string) => stringProp(ctx.inputs, key);
    const facts: Facts = {
        ctx, region: ctx.region, partition, account: sandboxAccountId, dnsSuffix: dnsSuffixOf(partition), hex, uuid, str,
        arn(service, resource, scope = "regional") {
            const region = scope === "regional" ? ctx.region : "";
            const account = scope === "bare" ? "" : sandboxAccountId;
            return `arn:${partition}:${service}:${region}:${account}:${resource}`;
        },
        nameOf(property = "name", prefixProperty = "namePrefix", maxLength = 255) {
            const given = str(property);
            if (given !== undefined) {
                return given;
            }
            const prefix = str(prefixProperty);
            return prefix !== undefined ? nameFromPrefix(prefix, maxLength) : ctx.name.slice(0, maxLength);
        },
    };
    return facts;
}

/**
 * Makes up what AWS would return for a new resource: its id and computed outputs, in its region
 * and the sandbox account. Also `region` for regional types and `tagsAll` for tagged ones, as the
 * real provider does. Known types get AWS-shaped values; any other type gets a generic id and ARN.
 */
export function computeOutputs(ctx: ResourceContext): ComputedResource {
    const rule = outputRules[canonicalType(ctx.type)] ?? genericRule;
    const { id, computed } = rule(factsOf(ctx));
    const tags = ctx.inputs.tags;
    return {
        id,
        computed: {
            ...computed,
            ...(isGlobalType(ctx.type) ? {} : { region: ctx.region }),
            ...(isUnset(tags) ? {} : { tagsAll: tags }),
        },
    };
}

/** Computed outputs that mirror an input that may change in place, so they follow the new inputs. */
const derivedOutputs = new Set([
    "tagsAll", "region", "replicas", "availabilityZone", "availabilityZoneId", "description", "instanceTenancy",
    "enableDnsSupport", "ipAddressType", "targetType", "path", "targetKeyArn",
]);

/**
 * Outputs after an in-place update: the identity AWS gave the resource stays (an ARN or a DNS name
 * does not change when a tag does), outputs that mirror inputs follow them, and the counters AWS
 * bumps on every change go up.
 */
export function updatedComputed(type: string, oldOutputs: PropertyMap, fresh: PropertyMap): PropertyMap {
    const kept = Object.fromEntries(
        Object.keys(fresh).map((k) => [k, derivedOutputs.has(k) || isUnset(oldOutputs[k]) ? fresh[k] : oldOutputs[k]]),
    );
    const t = canonicalType(type);
    if (t === "aws:ec2/launchTemplate:LaunchTemplate") {
        const latest = Number(reveal(oldOutputs.latestVersion) ?? 0) + 1;
        return { ...kept, latestVersion: latest };
    }
    if (t === "aws:ssm/parameter:Parameter") {
        return { ...kept, version: Number(reveal(oldOutputs.version) ?? 0) + 1 };
    }
    if (t === "aws:s3/bucketObjectv2:BucketObjectv2") {
        // An update is a new PUT: a new version, and the ETag and headers of the new body.
        return { ...kept, etag: fresh.etag, versionId: fresh.versionId, contentType: fresh.contentType, storageClass: fresh.storageClass };
    }
    return kept;
}
