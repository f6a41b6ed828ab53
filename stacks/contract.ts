// The contract between the stack programs and the driver: the config keys the driver reads or
// writes, and each stack's outputs, by name and type. The programs return values typed by it (a
// renamed or retyped output fails to compile there), the driver reads outputs only through the
// readers below (a renamed output fails to compile here), and test/unit/stack-contract.test.ts
// runs both programs under mocks to check they export exactly the names listed.
//
// Pure at run time: only types come from the Pulumi SDK, and only pure modules are loaded (the
// posture model, the capacity modes), so the emergency fence and the driver's pure helpers load it
// without loading the engine's SDK or the AWS provider.
import type { Input } from "@pulumi/pulumi";
import { CapacitySettings, capacityModes, RegionCapacitySettings, WarmPoolSettings } from "../components/capacity";
import type { FenceCoordinates } from "../components/dns-fence-coordinates";
import type { FenceEffect } from "../components/fence-timing";
import { CapacityMode, Posture, postures, RegionName, Weights } from "../foundation/posture";
import type { EndpointCheck } from "../components/gateway-health-check";
import type { PolicyStatement } from "../components/regional-bucket";

// ---------------------------------------------------------------------------------------------
// Config keys
// ---------------------------------------------------------------------------------------------

/** The config namespace of this project: every key is `sftp-failover:<name>`. */
export const configNamespace = "sftp-failover";

/** A full config key of this project. */
export type ConfigKey<Name extends string = string> = `${typeof configNamespace}:${Name}`;

/** The full key of a name (`posture` → `sftp-failover:posture`). */
export function configKey<Name extends string>(name: Name): ConfigKey<Name> {
    return `${configNamespace}:${name}`;
}

/**
 * The config keys the driver reads or writes, as full keys. The stacks' config loaders read the
 * same constants, so the two sides cannot disagree on a spelling.
 */
export const configKeys = {
    /** `regional` or `dns`: which program a stack runs (preflight checks it matches the role given). */
    role: configKey("role"),
    /** A regional stack's logical region, `primary` or `secondary` (preflight checks the stacks are not swapped). */
    regionName: configKey("regionName"),
    /** A regional stack's capacity mode; the driver writes it at each capacity step. */
    capacityMode: configKey("capacityMode"),
    /** Whether a regional stack writes to its peer region; bootstrap's first phase sets it false. */
    replicationEnabled: configKey("replicationEnabled"),
    /** A regional stack's shared host keys (secret, an object by key type); `hostkeys generate` writes it by path. */
    hostKeys: configKey("hostKeys"),
    /** A regional stack's canary private key (secret); `verify` logs in with it. */
    canaryKey: configKey("canaryKey"),
    /** A regional stack's users file, relative to the project folder; preflight names it in errors. */
    usersFile: configKey("usersFile"),
    /** Whether a regional stack's users are quiesced (read-only); a planned switch's `--quiesce` writes it. */
    quiesced: configKey("quiesced"),
    /** The dns stack's posture; the driver writes it at the DNS step. */
    posture: configKey("posture"),
    /** The dns stack's active-active split, an object `{ primary, secondary }`; the driver writes its fields by path. */
    activeActiveWeights: configKey("activeActiveWeights"),
    /** The dns stack's record name; the emergency fence derives the fence's service dimension from it. */
    recordName: configKey("recordName"),
    /** The dns stack's fence region; read by the emergency fence from the stack file. */
    fenceRegion: configKey("fenceRegion"),
    /** The dns stack's fence metric namespace; read by the emergency fence from the stack file. */
    fenceNamespace: configKey("fenceNamespace"),
    /** The dns stack's fence metric name; read by the emergency fence from the stack file. */
    fenceMetricName: configKey("fenceMetricName"),
} as const;

/** The dns stack key naming a region's regional stack (`sftp-failover:primaryStack`). */
export function regionStackKey<R extends RegionName>(region: R): ConfigKey<`${R}Stack`> {
    return configKey(`${region}Stack`);
}

/** The dns stack key giving a region's endpoint explicitly (`sftp-failover:primaryEndpoint`). */
export function regionEndpointKey<R extends RegionName>(region: R): ConfigKey<`${R}Endpoint`> {
    return configKey(`${region}Endpoint`);
}

/** The last segment of a stack name (`organization/sftp-failover/primary` → `primary`). */
export function shortStackName(name: string): string {
    return name.split("/").pop() ?? name;
}

/**
 * Whether two stack names name one stack. Fully qualified names (`org/project/stack`) are compared
 * whole; a short name is the stack of that name in the current project, so it is compared with the
 * other's last segment (`primary` and `organization/sftp-failover/primary` are one stack).
 */
export function sameStackName(a: string, b: string): boolean {
    return a.includes("/") && b.includes("/") ? a === b : shortStackName(a) === shortStackName(b);
}

/** The keys `status` shows of each stack's config: what the driver manages and how a stack is identified. */
export const statusConfigKeys: readonly ConfigKey[] = [configKeys.role, configKeys.capacityMode, configKeys.posture, configKeys.activeActiveWeights, configKeys.regionName];

// ---------------------------------------------------------------------------------------------
// Stack outputs
// ---------------------------------------------------------------------------------------------

/** The outputs of a regional stack (`primary`, `secondary`) as deployed. */
export interface RegionalOutputs {
    /** AWS region of the stack (`us-east-1`). */
    readonly region: string;
    readonly regionName: RegionName;
    /** The capacity mode deployed: what the planner starts from. */
    readonly capacityMode: CapacityMode;
    /** The Auto Scaling group's desired size in that mode (the cost estimate's instance count). */
    readonly desiredCapacity: number;
    /** The configured instance type, sizes and warm pool (`plan`'s time to serve, the standby's quota check). */
    readonly capacitySettings: RegionCapacitySettings;
    /** The load balancer's DNS name: where the dns stack's records point and `verify` connects. */
    readonly endpointDnsName: string;
    /** The load balancer's hosted zone, for alias records. */
    readonly endpointZoneId: string;
    /** The listener's TCP port. */
    readonly endpointPort: number;
    /** What Route 53's endpoint check asks of the load balancer (a stack deployed before it was exported has none: TCP on `endpointPort`). */
    readonly endpointHealthCheck: EndpointCheck;
    readonly bucketName: string;
    readonly bucketArn: string;
    /** Id of the replication rule to the peer's bucket (absent with replication off, or when deployed before it was exported). */
    readonly replicationRuleId?: string;
    readonly asgName: string;
    /** The load balancer's CloudWatch dimension, `net/<name>/<id>`: the drain reads its ActiveFlowCount. */
    readonly loadBalancerMetricDimension: string;
    /** SHA256 fingerprints of the shared host keys, by key type; `verify` accepts only these. */
    readonly hostKeyFingerprints: Readonly<Record<string, string>>;
    /** Fingerprint of the declared users (both regions must agree). */
    readonly usersFingerprint: string;
    /** Key of the users object in `bucketName`, which the gateways read. */
    readonly usersObjectKey: string;
    /** Whether the users object holds every declared user read-only (a planned switch's quiesce). */
    readonly quiesced: boolean;
    /** The longest time from a change of the users object to every gateway serving it, in seconds. */
    readonly usersReloadSeconds: number;
    /** The canary user `verify` logs in as (absent: no canary configured). */
    readonly canaryUser?: string;
    /** With SSE-KMS: the key-policy statements this stack's roles need, by key ARN (components/kms-key.ts). */
    readonly kmsKeyPolicyGrants?: Readonly<Record<string, readonly PolicyStatement[]>>;
}

/** One region's health check ids, as the dns stack exports them. */
export interface RegionHealthCheckIdOutputs {
    readonly endpoint: string;
    readonly fence: string;
    readonly combined: string;
    readonly routingControl?: string;
}

/** The ARC routing controls' ARNs, when enabled: the cluster, the panel and one control per region. */
export type RoutingControlOutputs = { readonly clusterArn: string; readonly controlPanelArn: string } & Readonly<Record<RegionName, string>>;

/** The outputs of the dns stack as deployed. */
export interface DnsOutputs {
    /** The service name clients resolve. */
    readonly recordFqdn: string;
    /** Every name the records are published under: recordFqdn first, then the additional names in their configured order. */
    readonly recordFqdns: readonly string[];
    /** The posture deployed: what the planner starts from. */
    readonly posture: Posture;
    /** The records' weights deployed. */
    readonly weights: Weights;
    readonly healthCheckIds: Readonly<Record<RegionName, RegionHealthCheckIdOutputs>>;
    /** Where the fence metric lives; the fence and its cache use it. */
    readonly fence: FenceCoordinates;
    /** The modelled time for clients to leave a failed region, in seconds. */
    readonly modelledRtoSeconds: number;
    /** How long each kind of fence takes to move clients, in seconds. */
    readonly fenceEffectSeconds: FenceEffect;
    /** The ARC routing controls (absent unless `routingControls` is on). */
    readonly routingControls?: RoutingControlOutputs;
    /** The alarm topics' ARNs by AWS region (absent with `alarms: false`); the fence region's is the one to give `--notify`. */
    readonly alarmTopicArns?: Readonly<Record<string, string>>;
}

/** Whether a stack always exports an output, or only in some configurations. */
export type OutputPresence = "always" | "optional";

/** Every output of `T`, marked by whether the interface makes it optional. */
type PresenceOf<T> = { readonly [K in keyof T]-?: object extends Pick<T, K> ? "optional" : "always" };

/**
 * Every regional output name. The type makes this list complete and exact: an output added to,
 * removed from or made optional in `RegionalOutputs` must be changed here too.
 */
export const regionalOutputNames: PresenceOf<RegionalOutputs> = {
    region: "always",
    regionName: "always",
    capacityMode: "always",
    desiredCapacity: "always",
    capacitySettings: "always",
    endpointDnsName: "always",
    endpointZoneId: "always",
    endpointPort: "always",
    endpointHealthCheck: "always",
    bucketName: "always",
    bucketArn: "always",
    replicationRuleId: "optional",
    asgName: "always",
    loadBalancerMetricDimension: "always",
    hostKeyFingerprints: "always",
    usersFingerprint: "always",
    usersObjectKey: "always",
    quiesced: "always",
    usersReloadSeconds: "always",
    canaryUser: "optional",
    kmsKeyPolicyGrants: "optional",
};

/** Every dns output name, complete and exact like `regionalOutputNames`. */
export const dnsOutputNames: PresenceOf<DnsOutputs> = {
    recordFqdn: "always",
    recordFqdns: "always",
    posture: "always",
    weights: "always",
    healthCheckIds: "always",
    fence: "always",
    modelledRtoSeconds: "always",
    fenceEffectSeconds: "always",
    routingControls: "optional",
    alarmTopicArns: "optional",
};

/** The regional outputs the dns stack reads through its StackReferences. */
export const regionalOutputsForDns = ["endpointDnsName", "endpointZoneId", "endpointPort", "region"] as const satisfies readonly (keyof RegionalOutputs)[];

/** A value a program may return for an output of type `T`: the value, or one still being computed, at any depth. */
export type ProgramValue<T> = Input<T> | (T extends object ? { readonly [K in keyof T]: ProgramValue<T[K]> } : never);

/** What a stack program returns for outputs `T`: the same names, each value possibly still computing. */
export type ProgramOutputs<T> = { readonly [K in keyof T]: ProgramValue<T[K]> };

// ---------------------------------------------------------------------------------------------
// Reading outputs as deployed
// ---------------------------------------------------------------------------------------------
//
// What the Automation API returns is untyped JSON: a stack never deployed has none, one deployed by
// an older version may lack a newer output, a secret reads as a mask. Each reader keeps the outputs
// that have the contract's type and leaves out the rest, so a caller tests for presence only.

/** Raw outputs, as `stack.outputs()` values (secret values masked). */
export type RawOutputs = Readonly<Record<string, unknown>>;

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number";
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The weights in a raw value, when both are numbers. */
function weightsOf(v: unknown): Weights | undefined {
    return isObject(v) && isNumber(v.primary) && isNumber(v.secondary) ? { primary: v.primary, secondary: v.secondary } : undefined;
}

function fenceOf(v: unknown): FenceCoordinates | undefined {
    return isObject(v) && isString(v.namespace) && isString(v.metricName) && v.dimensions !== undefined ? (v as unknown as FenceCoordinates) : undefined;
}

/** One region's health check ids, when each required id is a string. */
function regionHealthCheckIdsOf(v: unknown): RegionHealthCheckIdOutputs | undefined {
    if (!isObject(v) || !isString(v.endpoint) || !isString(v.fence) || !isString(v.combined)) {
        return undefined;
    }
    return { endpoint: v.endpoint, fence: v.fence, combined: v.combined, ...(isString(v.routingControl) ? { routingControl: v.routingControl } : {}) };
}

/** Both regions' health check ids, when both are well formed. */
function healthCheckIdsOf(v: unknown): DnsOutputs["healthCheckIds"] | undefined {
    const primary = isObject(v) ? regionHealthCheckIdsOf(v.primary) : undefined;
    const secondary = isObject(v) ? regionHealthCheckIdsOf(v.secondary) : undefined;
    return primary !== undefined && secondary !== undefined ? { primary, secondary } : undefined;
}

function fenceEffectOf(v: unknown): FenceEffect | undefined {
    // Stacks deployed before the estimate had parts exported `{ alarm, s3Object }`: no parts, no estimate.
    return isObject(v) && isNumber(v.alarm) && isNumber(v.unfence) && isObject(v.parts) ? (v as unknown as FenceEffect) : undefined;
}

function capacitySettingsOf(v: unknown): RegionCapacitySettings | undefined {
    const c = isObject(v) && isObject(v.capacity) ? v.capacity : undefined;
    if (!isObject(v) || !isString(v.instanceType) || c === undefined || ![c.min, c.desired, c.max, c.pilotLight].every(isNumber)) {
        return undefined;
    }
    const pool = isObject(v.warmPool) && isNumber(v.warmPool.minSize) ? (v.warmPool as unknown as WarmPoolSettings) : undefined;
    return { instanceType: v.instanceType, capacity: c as unknown as CapacitySettings, ...(pool !== undefined ? { warmPool: pool } : {}) };
}

/** Keeps the entries whose value passes `check`, dropping undefined ones. */
function pick<T>(entries: { readonly [K in keyof T]?: unknown }, checks: { readonly [K in keyof T]-?: (v: unknown) => T[K] | undefined }): Partial<T> {
    const out: Partial<T> = {};
    for (const name of Object.keys(checks) as (keyof T)[]) {
        const value = checks[name](entries[name]);
        if (value !== undefined) {
            out[name] = value;
        }
    }
    return out;
}

const as =
    <T>(guard: (v: unknown) => v is T) =>
    (v: unknown): T | undefined =>
        guard(v) ? v : undefined;

/** A regional stack's outputs as deployed: each one present only when it has the contract's type. */
export function readRegionalOutputs(raw: RawOutputs): Partial<RegionalOutputs> {
    return pick<RegionalOutputs>(raw, {
        region: as(isString),
        regionName: (v) => (v === "primary" || v === "secondary" ? v : undefined),
        capacityMode: (v) => (isString(v) && (capacityModes as readonly string[]).includes(v) ? (v as CapacityMode) : undefined),
        desiredCapacity: as(isNumber),
        capacitySettings: capacitySettingsOf,
        endpointDnsName: as(isString),
        endpointZoneId: as(isString),
        endpointPort: as(isNumber),
        endpointHealthCheck: (v) =>
            isObject(v) && (v.type === "TCP" || v.type === "HTTP") && isNumber(v.port) && (v.resourcePath === undefined || isString(v.resourcePath)) ? (v as unknown as EndpointCheck) : undefined,
        bucketName: as(isString),
        bucketArn: as(isString),
        replicationRuleId: as(isString),
        asgName: as(isString),
        loadBalancerMetricDimension: as(isString),
        hostKeyFingerprints: (v) => (isObject(v) ? (Object.fromEntries(Object.entries(v).filter(([, f]) => isString(f))) as Record<string, string>) : undefined),
        usersFingerprint: as(isString),
        usersObjectKey: as(isString),
        quiesced: (v) => (typeof v === "boolean" ? v : undefined),
        usersReloadSeconds: as(isNumber),
        canaryUser: as(isString),
        kmsKeyPolicyGrants: (v) => (isObject(v) && Object.values(v).every(Array.isArray) ? (v as Record<string, PolicyStatement[]>) : undefined),
    });
}

/** The dns stack's outputs as deployed: each one present only when it has the contract's type. */
export function readDnsOutputs(raw: RawOutputs): Partial<DnsOutputs> {
    return pick<DnsOutputs>(raw, {
        recordFqdn: as(isString),
        recordFqdns: (v) => (Array.isArray(v) && v.every(isString) ? v : undefined),
        posture: (v) => (isString(v) && (postures as readonly string[]).includes(v) ? (v as Posture) : undefined),
        weights: weightsOf,
        healthCheckIds: healthCheckIdsOf,
        fence: fenceOf,
        modelledRtoSeconds: as(isNumber),
        fenceEffectSeconds: fenceEffectOf,
        routingControls: (v) => (isObject(v) ? (v as unknown as RoutingControlOutputs) : undefined),
        alarmTopicArns: (v) => (isObject(v) && Object.values(v).every(isString) ? (v as Record<string, string>) : undefined),
    });
}
