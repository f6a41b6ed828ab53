import { availabilityZoneId, availabilityZones, amiId, dnsSuffixOf, partitionOf, sandboxAccountId } from "./regions";
import { hostedZoneIdFor, nameServersFor } from "./hosted-zones";
import { InstanceTypeOfferings, zonesOffering } from "./instance-offerings";
import { managedPrefixLists } from "./prefix-lists";
import { PropertyMap, reveal, stringProp } from "./values";

/** What an invoke's answer may depend on besides its arguments and region: the sandbox's modelled account. */
export interface InvokeContext {
    /** The zones offering each instance type (instance-offerings.ts). Defaults to every type in every zone. */
    readonly instanceTypeOfferings?: InstanceTypeOfferings;
}

/** An invoke the sandbox answers: how it computes its result, and whether it would call AWS. */
interface InvokeHandler {
    /** Whether the real provider calls an AWS API for it (so a region fault affects it). */
    readonly reachesAws: boolean;
    readonly answer: (args: PropertyMap, region: string, context: InvokeContext) => PropertyMap;
}

const regionNames: Readonly<Record<string, string>> = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-west-2": "Europe (London)",
    "eu-central-1": "Europe (Frankfurt)",
};

/** The filter values of a `filters: [{ name, values }]` argument named `name`. */
function filterValues(args: PropertyMap, name: string): string[] {
    const filters = reveal(args.filters);
    if (!Array.isArray(filters)) {
        return [];
    }
    return filters
        .filter((f) => (f as PropertyMap).name === name)
        .flatMap((f) => ((f as PropertyMap).values as unknown[] | undefined) ?? [])
        .map(String);
}

const getRegion: InvokeHandler = {
    reachesAws: false,
    answer: (_args, region) => ({
        id: region, name: region, region, description: regionNames[region] ?? region,
        endpoint: `ec2.${region}.${dnsSuffixOf(partitionOf(region))}`,
    }),
};

const getCallerIdentity: InvokeHandler = {
    reachesAws: true,
    answer: (_args, region) => ({
        id: sandboxAccountId, accountId: sandboxAccountId,
        arn: `arn:${partitionOf(region)}:iam::${sandboxAccountId}:user/sandbox`, userId: "AIDASANDBOXSANDBOX0001",
    }),
};

const getPartition: InvokeHandler = {
    reachesAws: false,
    answer: (_args, region) => {
        const partition = partitionOf(region);
        return { id: partition, partition, dnsSuffix: dnsSuffixOf(partition), reverseDnsPrefix: partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws" };
    },
};

const getAvailabilityZones: InvokeHandler = {
    reachesAws: true,
    answer: (args, region) => {
        const excludeNames = (reveal(args.excludeNames) as string[] | undefined) ?? [];
        const excludeZoneIds = (reveal(args.excludeZoneIds) as string[] | undefined) ?? [];
        const names = availabilityZones(region).filter((n) => !excludeNames.includes(n) && !excludeZoneIds.includes(availabilityZoneId(n)));
        return { id: region, region, names, zoneIds: names.map(availabilityZoneId), groupNames: names.map(() => region), state: stringProp(args, "state") };
    },
};

const getAmi: InvokeHandler = {
    reachesAws: true,
    answer: (args, region) => {
        const namePattern = filterValues(args, "name")[0] ?? stringProp(args, "nameRegex") ?? "al2023-ami-*-x86_64";
        const architecture = filterValues(args, "architecture")[0] ?? (namePattern.includes("arm64") ? "arm64" : "x86_64");
        const id = amiId(region, namePattern);
        const owners = (reveal(args.owners) as string[] | undefined) ?? ["amazon"];
        return {
            id, imageId: id, architecture, name: namePattern.replace(/\*/g, "sandbox"), ownerId: owners[0] === "amazon" ? "137112412989" : owners[0],
            imageOwnerAlias: owners[0] === "amazon" ? "amazon" : undefined, rootDeviceName: "/dev/xvda", rootDeviceType: "ebs",
            virtualizationType: "hvm", state: "available", public: true, mostRecent: reveal(args.mostRecent) === true, region,
            arn: `arn:${partitionOf(region)}:ec2:${region}::image/${id}`,
        };
    },
};

const getZone: InvokeHandler = {
    reachesAws: true,
    answer: (args) => {
        const name = stringProp(args, "name")?.replace(/\.$/, "").toLowerCase();
        const zoneId = stringProp(args, "zoneId");
        if (name === undefined) {
            // The sandbox has no zone store; it recognises only the ids it derives from zone names.
            throw new Error(`sandbox: aws:route53/getZone:getZone by zoneId ("${zoneId ?? ""}") alone is not supported; look the zone up by name`);
        }
        const id = zoneId ?? hostedZoneIdFor(name);
        return {
            id, zoneId: id, name, nameServers: nameServersFor(id), primaryNameServer: nameServersFor(id)[0],
            arn: `arn:aws:route53:::hostedzone/${id}`, privateZone: reveal(args.privateZone) === true, comment: "sandbox zone",
            callerReference: `sandbox-${id}`, resourceRecordSetCount: 2, tags: reveal(args.tags) ?? {},
        };
    },
};

/**
 * `ec2.getManagedPrefixList`: AWS-managed lists only (the sandbox holds no customer-managed ones),
 * found by `id`, `name` or the EC2 filters `prefix-list-id` / `prefix-list-name`. Like the real
 * data source, no match (or more than one) is an error, never an empty answer.
 */
const getManagedPrefixList: InvokeHandler = {
    reachesAws: true,
    answer: (args, region) => {
        const ids = [stringProp(args, "id"), ...filterValues(args, "prefix-list-id")].filter((v): v is string => v !== undefined);
        const names = [stringProp(args, "name"), ...filterValues(args, "prefix-list-name")].filter((v): v is string => v !== undefined);
        const lists = managedPrefixLists(region);
        const matches = lists.filter((l) => (ids.length === 0 || ids.includes(l.id)) && (names.length === 0 || names.includes(l.name)));
        if (matches.length !== 1) {
            const asked = [...ids.map((i) => `id ${i}`), ...names.map((n) => `name ${n}`)].join(", ") || "no id or name";
            throw new Error(
                `sandbox: aws:ec2/getManagedPrefixList:getManagedPrefixList: ${matches.length === 0 ? "no" : "more than one"} managed prefix list in ${region} matches ${asked} (the sandbox has: ${lists.map((l) => l.name).join(", ")})`,
            );
        }
        const list = matches[0];
        return {
            id: list.id, name: list.name, addressFamily: list.addressFamily, maxEntries: list.maxEntries, ownerId: "AWS", version: 1, region,
            arn: `arn:${partitionOf(region)}:ec2:${region}:aws:prefix-list/${list.id}`, entries: list.entries.map((e) => ({ ...e })), tags: {},
        };
    },
};

/**
 * `ec2.getInstanceTypeOfferings` by zone (`locationType: "availability-zone"`, the only location
 * type the sandbox models), filtered by `instance-type` and `location` as EC2's
 * DescribeInstanceTypeOfferings filters are: one row per (type, zone) offered.
 */
const getInstanceTypeOfferings: InvokeHandler = {
    reachesAws: true,
    answer: (args, region, context) => {
        const locationType = stringProp(args, "locationType") ?? "region";
        if (locationType !== "availability-zone") {
            throw new Error(`sandbox: aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings with locationType "${locationType}" is not supported; ask by "availability-zone"`);
        }
        const types = filterValues(args, "instance-type");
        if (types.length === 0) {
            throw new Error("sandbox: aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings needs an instance-type filter (the sandbox keeps no catalogue of types)");
        }
        const locations = filterValues(args, "location");
        const rows = types.flatMap((type) =>
            zonesOffering(context.instanceTypeOfferings ?? {}, region, type)
                .filter((zone) => locations.length === 0 || locations.includes(zone))
                .map((zone) => ({ type, zone })),
        );
        return {
            id: region, region, locationType, instanceTypes: rows.map((r) => r.type), locations: rows.map((r) => r.zone), locationTypes: rows.map(() => locationType),
            filters: reveal(args.filters),
        };
    },
};

const handlers: Readonly<Record<string, InvokeHandler>> = {
    "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": getInstanceTypeOfferings,
    "aws:index/getRegion:getRegion": getRegion,
    "aws:index/getCallerIdentity:getCallerIdentity": getCallerIdentity,
    "aws:index/getPartition:getPartition": getPartition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": getAvailabilityZones,
    "aws:ec2/getAmi:getAmi": getAmi,
    "aws:route53/getZone:getZone": getZone,
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": getManagedPrefixList,
};

/** The invokes the sandbox answers (docs/architecture.md lists the same). */
export const supportedInvokes: readonly string[] = Object.keys(handlers);

/** Whether answering `token` would call AWS for real (so region faults apply). */
export function invokeReachesAws(token: string): boolean {
    return handlers[token]?.reachesAws ?? true;
}

/** The region an invoke runs in: its `region` argument, else the provider's. */
export function invokeRegion(args: PropertyMap, providerRegion: string): string {
    return stringProp(args, "region") ?? providerRegion;
}

/**
 * Answers an invoke. An invoke the sandbox does not know fails, naming the token — an empty
 * success would let a program run on made-up nothing.
 */
export function answerInvoke(token: string, args: PropertyMap, providerRegion: string, context: InvokeContext = {}): PropertyMap {
    const handler = handlers[token];
    if (handler === undefined) {
        throw new Error(`sandbox: invoke ${token} is not supported (the sandbox answers: ${supportedInvokes.join(", ")})`);
    }
    const result = handler.answer(args, invokeRegion(args, providerRegion), context);
    return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined));
}
