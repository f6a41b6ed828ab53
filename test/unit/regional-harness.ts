// Runs the regional program under Pulumi's mocks and records what it registers. The mock answers
// only the invokes the program is allowed to make (docs/architecture.md) and throws on any other.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { promiseOf } from "../support/promise-of";

/** A resource as the program registered it. */
export interface Registered {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

/** One run of the program: registrations, invokes, resolved stack outputs, and explicit dependencies. */
export interface Run {
    readonly resources: Registered[];
    readonly invokes: string[];
    readonly outputs: Record<string, unknown>;
    /** Resource name → names of the resources in its `dependsOn`. */
    readonly dependsOn: ReadonlyMap<string, string[]>;
}

/** The fixtures folder. */
export const fixtures = path.resolve(__dirname, "..", "fixtures");

/** The fixture host keys (OpenSSH format, made with ssh-keygen). */
export function fixtureHostKeys(): Record<"ed25519" | "ecdsa" | "rsa", string> {
    const read = (t: string) => fs.readFileSync(path.join(fixtures, "host-keys", `ssh_host_${t}_key`), "utf8");
    return { ed25519: read("ed25519"), ecdsa: read("ecdsa"), rsa: read("rsa") };
}

/** Config of a working primary stack (keys without the `sftp-failover:` namespace). */
export function primaryConfig(): Record<string, unknown> {
    return {
        role: "regional",
        region: "us-east-1",
        regionName: "primary",
        peerRegion: "us-west-2",
        capacityMode: "active",
        allowedCidrs: ["203.0.113.0/24", "198.51.100.10/32"],
        capacity: { min: 2, desired: 3, max: 6, pilotLight: 1 },
        usersFile: path.join(fixtures, "users.yaml"),
        hostKeys: fixtureHostKeys(),
    };
}

/** Config of the matching secondary stack. */
export function secondaryConfig(): Record<string, unknown> {
    return { ...primaryConfig(), region: "us-west-2", regionName: "secondary", peerRegion: "us-east-1", capacityMode: "pilot-light" };
}

/** The account id the mock answers. */
export const mockAccountId = "123456789012";

let resources: Registered[] = [];
let invokes: string[] = [];

const allowedInvokes: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: mockAccountId,
        arn: `arn:aws:iam::${mockAccountId}:user/test`,
        userId: "AIDATEST",
        id: mockAccountId,
    }),
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs) => {
        const region = String(inputs.region);
        return { names: [`${region}a`, `${region}b`, `${region}c`], zoneIds: ["z1", "z2", "z3"], id: region };
    },
    // Every zone offers every type unless a test names the zones (mockInstanceTypeZones).
    "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": (inputs) => {
        const region = String(inputs.region);
        const type = ((inputs.filters as { name: string; values: string[] }[] | undefined) ?? []).find((f) => f.name === "instance-type")?.values[0] ?? "";
        const zones = mockInstanceTypeZones[`${region}/${type}`] ?? [`${region}a`, `${region}b`, `${region}c`];
        return { id: region, locations: zones, instanceTypes: zones.map(() => type), locationTypes: zones.map(() => "availability-zone") };
    },
    "aws:ec2/getAmi:getAmi": (inputs) => ({ id: `ami-0${String(inputs.region).length}23456789abcdef`, name: "al2023-ami-2023.6-x86_64" }),
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": (inputs) => {
        if (inputs.name !== `com.amazonaws.${String(inputs.region)}.route53-healthchecks`) {
            throw new Error(`unexpected prefix list ${String(inputs.name)}`);
        }
        return { id: mockHealthCheckersPrefixListId(String(inputs.region)), name: inputs.name, addressFamily: "IPv4", maxEntries: mockHealthCheckerEntries, entries: [] };
    },
};

/** Zones offering an instance type, by `<region>/<type>`, for the tests of zone choice; unnamed pairs are offered everywhere. */
export const mockInstanceTypeZones: Record<string, readonly string[]> = {};

/** The id the mock gives Route 53's health-checker prefix list in a region: `pl-` and hex, as EC2's are. */
export function mockHealthCheckersPrefixListId(region: string): string {
    return `pl-${Buffer.from(region).toString("hex")}`;
}

/** The maximum entries the mock gives Route 53's health-checker prefix list (AWS's list is of this order). */
export const mockHealthCheckerEntries = 30;

function computed(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const service = type.split(":")[1].split("/")[0];
    // IAM is global: its ARNs hold no region, and name the kind (`role/…`), as the sandbox's rules require.
    const iamKinds: Record<string, string> = { "aws:iam/role:Role": "role", "aws:iam/instanceProfile:InstanceProfile": "instance-profile", "aws:iam/policy:Policy": "policy" };
    const arn = iamKinds[type] !== undefined ? `arn:aws:iam::${mockAccountId}:${iamKinds[type]}/${name}` : `arn:aws:${service}:${String(inputs.region ?? "us-east-1")}:${mockAccountId}:${name}`;
    const extra: Record<string, unknown> = { arn };
    switch (type) {
        case "aws:lb/loadBalancer:LoadBalancer":
            extra.dnsName = `${name}-0123456789.elb.${String(inputs.region)}.amazonaws.com`;
            extra.zoneId = inputs.region === "us-east-1" ? "Z26RNL4JYFTOTI" : "Z18D5FSROUN65G";
            extra.arnSuffix = `net/${name}/0123456789abcdef`;
            break;
        case "aws:ec2/eip:Eip":
            extra.allocationId = `eipalloc-${Buffer.from(name).toString("hex").slice(0, 17)}`;
            break;
        case "aws:ec2/launchTemplate:LaunchTemplate":
            extra.latestVersion = 1;
            break;
        case "aws:s3/bucketObjectv2:BucketObjectv2":
            extra.arn = `arn:aws:s3:::${String(inputs.bucket)}/${String(inputs.key)}`;
            break;
        case "aws:secretsmanager/secret:Secret":
            extra.arn = `arn:aws:secretsmanager:${String(inputs.region)}:${mockAccountId}:secret:${String(inputs.namePrefix)}AbCdEf`;
            break;
        case "aws:autoscaling/group:Group":
        case "aws:iam/role:Role":
            extra.name = `${name}-1a2b3c`;
            break;
    }
    return { ...inputs, ...extra };
}

const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: computed(args.type, args.name, args.inputs) };
    },
    call(args) {
        invokes.push(args.token);
        const answer = allowedInvokes[args.token];
        if (answer === undefined) {
            throw new Error(`unexpected invoke ${args.token}: not in the allowed list of docs/architecture.md`);
        }
        return answer(args.inputs);
    },
};


/**
 * Runs the regional program once with `config` (namespace added here; `undefined` drops a key).
 * Mocks and config are reset first, so runs are independent of each other and of other files.
 */
export async function runRegional(config: Record<string, unknown>): Promise<Run> {
    await pulumi.runtime.setMocks(mocks, "sftp-failover", String(config.regionName ?? "primary"), false);
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        if (value !== undefined) {
            values[`sftp-failover:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    pulumi.runtime.setAllConfig(values, ["sftp-failover:hostKeys", "sftp-failover:canaryKey"]);
    resources = [];
    invokes = [];
    const declaredDeps: { name: string; deps: pulumi.Resource[] }[] = [];
    const { regionalStack } = await import("../../stacks/regional");
    try {
        // Inside a stack resource, so a stack transformation can see each resource's options
        // (the mock monitor is never told about dependsOn).
        let exported: Record<string, unknown> = {};
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                const deps = args.opts.dependsOn;
                if (Array.isArray(deps) && deps.length > 0) {
                    declaredDeps.push({ name: args.name, deps: deps as pulumi.Resource[] });
                }
                return undefined;
            });
            exported = await regionalStack();
            return {};
        });
        const outputs = await promiseOf(pulumi.output(exported));
        const dependsOn = new Map<string, string[]>();
        for (const { name, deps } of declaredDeps) {
            const urns = await Promise.all(deps.map((d) => promiseOf(d.urn)));
            dependsOn.set(name, urns.map((urn) => urn.split("::").pop() as string));
        }
        const registered = await Promise.all(resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map(withFilePaths));
        return { resources: registered, invokes, outputs: outputs as Record<string, unknown>, dependsOn };
    } finally {
        // Wait until every registration reached the mock, including resources no output depends on.
        await pulumi.runtime.disconnect();
    }
}

/** A file asset input as recorded: the path it names (an asset's own path is a promise, which compares by identity). */
export interface RecordedFileAsset {
    readonly fileAsset: string;
}

async function withFilePaths(r: Registered): Promise<Registered> {
    const entries = await Promise.all(
        Object.entries(r.inputs).map(async ([k, v]) => [k, v instanceof pulumi.asset.FileAsset ? ({ fileAsset: await v.path } satisfies RecordedFileAsset) : v] as const),
    );
    return { ...r, inputs: Object.fromEntries(entries) };
}

/** Runs the program expecting it to fail; returns the error and what was registered before it. */
export async function runRegionalFailure(config: Record<string, unknown>): Promise<{ error: Error; resources: Registered[] }> {
    try {
        await runRegional(config);
    } catch (err) {
        return { error: err as Error, resources: [...resources] };
    }
    throw new Error("the program succeeded but was expected to fail");
}

/** The resources of one type. */
export function ofType(run: Run, type: string): Registered[] {
    return run.resources.filter((r) => r.type === type);
}

/** The single resource of a type (fails the test when there is not exactly one). */
export function single(run: Run, type: string): Registered {
    const found = ofType(run, type);
    if (found.length !== 1) {
        throw new Error(`expected exactly one ${type}, found ${found.length}`);
    }
    return found[0];
}

/**
 * The body a users object uploads: the file its `source` asset names (components/sftp-users.ts),
 * which must be the file named by the sha256 its `sourceHash` carries, holding exactly those bytes.
 */
export function usersObjectBody(object: Registered): string {
    const source = object.inputs.source as Partial<RecordedFileAsset> | undefined;
    if (typeof source?.fileAsset !== "string") {
        throw new Error(`the users object's source is not a file asset (got ${JSON.stringify(source)})`);
    }
    const body = fs.readFileSync(source.fileAsset, "utf8");
    const sha256 = crypto.createHash("sha256").update(body).digest("hex");
    if (sha256 !== object.inputs.sourceHash) {
        throw new Error(`the users object's file hashes to ${sha256}, but its sourceHash is ${String(object.inputs.sourceHash)}`);
    }
    return body;
}
