// Typed config of the DNS stack: the only place that reads this stack's config. A pure function of
// the config values, shared by the program and the driver's preflight (automation/driver/preflight.ts).
import { InvalidPostureError, parsePosture, Posture, postureSpec, PostureSpec, RegionName, regionNames, validateWeights, Weights } from "../../foundation/posture";
import { checkFenceRegion, defaultFenceMetricName, defaultFenceNamespace, defaultFenceRegion, fenceCoordinates } from "../../components/dns-fence-coordinates";
import { defaultTtl, recordTypes, validateTtl } from "../../components/dns-failover";
import { dnsNameKey, dnsNameProblem, validateAdditionalRecordNames, validateRecordName } from "../../components/dns-record-names";
import { defaultFailureThreshold, defaultRequestInterval, HealthCheckTiming, validateHealthCheckTiming } from "../../components/dns-region-health";
import { AlarmSubscription, validateSubscriptions } from "../../components/alarm-subscriptions";
import { defaultReplicationLatencySeconds, validateReplicationLatency } from "../../components/dns-alarms";
import { configKeys, configNamespace, regionEndpointKey, regionStackKey, sameStackName } from "../contract";
import { ConfigReader, numberField } from "./source";

const ns = configNamespace;

/** A region's endpoint, read from its regional stack's outputs. */
export interface StackEndpointSource {
    readonly kind: "stack";
    /** Fully qualified stack name, e.g. `organization/sftp-failover/primary`. */
    readonly stackName: string;
}

/** A region's endpoint given explicitly, for one managed outside this project. */
export interface ExplicitEndpointSource {
    readonly kind: "endpoint";
    readonly dnsName: string;
    /** Hosted zone id of dnsName; without it the region gets a CNAME instead of alias records. */
    readonly zoneId?: string;
    readonly port: number;
    /** AWS region of the endpoint, checked against the fence region when given. */
    readonly region?: string;
    /** The endpoint's address families: `ipv4` or `dualstack`. Defaults to ipv4. */
    readonly ipAddressType?: "ipv4" | "dualstack";
}

/** Where a region's endpoint comes from. */
export type EndpointSource = StackEndpointSource | ExplicitEndpointSource;

/** The hosted zone, by id or by name. */
export type ZoneConfig = { readonly zoneId: string } | { readonly zoneName: string; readonly privateZone: boolean };

/** The whole DNS stack config, validated. */
export interface DnsConfig {
    readonly posture: Posture;
    readonly spec: PostureSpec;
    readonly endpoints: Readonly<Record<RegionName, EndpointSource>>;
    readonly zone: ZoneConfig;
    readonly recordName: string;
    /** Further names given the same records as recordName; empty when none. */
    readonly additionalRecordNames: readonly string[];
    readonly dualStack: boolean;
    readonly ttl: number;
    readonly allowLongTtl: boolean;
    readonly healthCheck: HealthCheckTiming;
    readonly fence: { readonly region: string; readonly namespace: string; readonly metricName: string };
    readonly routingControls: boolean;
    readonly alarms: AlarmsConfig;
}

/** The stack's alarms (components/dns-alarms.ts). */
export interface AlarmsConfig {
    /** `alarms`: create the topics and alarms. Defaults to true. */
    readonly enabled: boolean;
    /** `alarmSubscriptions`: who every topic tells. Defaults to none. */
    readonly subscriptions: readonly AlarmSubscription[];
    /** `alarmReplicationLatencySeconds`: the latency that alarms. Defaults to 900. */
    readonly replicationLatencySeconds: number;
}

/** The posture a new DNS stack starts in: everything to the primary, the secondary on standby. */
export const defaultPosture: Posture = "active-passive";

/**
 * Loads and validates the DNS stack's config. Every error names its key
 * (`sftp-failover:<key>`), and nothing is created when one is thrown.
 */
export function loadDnsConfig(config: ConfigReader = ConfigReader.fromRuntime()): DnsConfig {
    const posture = readPosture(config);
    const activeActiveWeights = readWeights(config);
    const spec = postureSpec(posture, activeActiveWeights);
    const ttl = config.getNumber("ttl") ?? defaultTtl;
    const allowLongTtl = config.getBoolean("allowLongTtl") ?? false;
    validateTtl(ttl, allowLongTtl, { ttl: `${ns}:ttl`, allowLongTtl: `${ns}:allowLongTtl` });
    const healthCheck = validateHealthCheckTiming(
        {
            requestInterval: config.getNumber("healthCheckInterval") ?? defaultRequestInterval,
            failureThreshold: config.getNumber("healthCheckFailureThreshold") ?? defaultFailureThreshold,
        },
        { requestInterval: `${ns}:healthCheckInterval`, failureThreshold: `${ns}:healthCheckFailureThreshold` },
    );
    const recordName = config.require(configKeys.recordName);
    if (recordName.trim() === "") {
        throw new Error(`${configKeys.recordName} must not be empty`);
    }
    validateRecordName(recordName, configKeys.recordName);
    const zone = readZone(config);
    const additionalRecordNames = readAdditionalRecordNames(config, recordName, zone);
    const endpoints = { primary: readEndpoint(config, "primary"), secondary: readEndpoint(config, "secondary") };
    refuseOneEndpointTwice(endpoints);
    const dualStack = readDualStack(config, endpoints);
    // What the component checks of its arguments, checked here too, so the driver's preflight
    // (which runs this loader, not the component) refuses it before a switch changes anything.
    try {
        recordTypes({ primary: endpointKindOf(endpoints.primary), secondary: endpointKindOf(endpoints.secondary) }, dualStack);
    } catch (err) {
        throw new Error(`${regionEndpointKey("primary")} and ${regionEndpointKey("secondary")}: ${(err as Error).message}`);
    }
    return {
        posture,
        spec,
        endpoints,
        zone,
        recordName,
        additionalRecordNames,
        dualStack,
        ttl,
        allowLongTtl,
        healthCheck,
        fence: readFence(config, recordName, endpoints),
        routingControls: config.getBoolean("routingControls") ?? false,
        alarms: readAlarms(config),
    };
}

/**
 * The alarms' settings. Subscriptions are checked even with alarms off: a key that says something
 * nobody acts on must still say something valid, so turning alarms on later cannot fail mid-way.
 */
function readAlarms(config: ConfigReader): AlarmsConfig {
    const enabled = config.getBoolean("alarms") ?? true;
    const subscriptionsKey = `${ns}:alarmSubscriptions`;
    const subscriptions = validateSubscriptions(config.getList(subscriptionsKey, "[{ protocol: email, endpoint: oncall@example.com }]") ?? [], subscriptionsKey);
    const latencyKey = `${ns}:alarmReplicationLatencySeconds`;
    const replicationLatencySeconds = validateReplicationLatency(config.getNumber("alarmReplicationLatencySeconds") ?? defaultReplicationLatencySeconds, latencyKey);
    return { enabled, subscriptions, replicationLatencySeconds };
}

/** What decides a region's record kind: a regional stack always exports its load balancer's zone (alias records). */
function endpointKindOf(source: EndpointSource): { readonly zoneId?: string } {
    return source.kind === "stack" ? { zoneId: "exported by the regional stack" } : { zoneId: source.zoneId };
}

/**
 * The fence's settings, checked as the component checks them (CloudWatch's limits, and a fence
 * region outside an explicit endpoint's region; a regional stack's region is checked by preflight,
 * which reads that stack).
 */
function readFence(config: ConfigReader, recordName: string, endpoints: Readonly<Record<RegionName, EndpointSource>>): DnsConfig["fence"] {
    const fence = {
        region: config.get(configKeys.fenceRegion) ?? defaultFenceRegion,
        namespace: config.get(configKeys.fenceNamespace) ?? defaultFenceNamespace,
        metricName: config.get(configKeys.fenceMetricName) ?? defaultFenceMetricName,
    };
    fenceCoordinates(
        { ...fence, service: recordName },
        { region: configKeys.fenceRegion, namespace: configKeys.fenceNamespace, metricName: configKeys.fenceMetricName, service: configKeys.recordName },
    );
    const explicitRegions = Object.fromEntries(regionNames.flatMap((r) => { const s = endpoints[r]; return s.kind === "endpoint" && s.region !== undefined ? [[r, s.region]] : []; }));
    checkFenceRegion(fence.region, explicitRegions, configKeys.fenceRegion);
    return fence;
}

function readPosture(config: ConfigReader): Posture {
    const value = config.get(configKeys.posture) ?? defaultPosture;
    try {
        return parsePosture(value);
    } catch (err) {
        if (err instanceof InvalidPostureError) {
            throw new InvalidPostureError(`${configKeys.posture}: ${err.message}`);
        }
        throw err;
    }
}

function readWeights(config: ConfigReader): Weights | undefined {
    const key = configKeys.activeActiveWeights;
    const raw = config.getObject<unknown>(key);
    if (raw === undefined) {
        return undefined;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new InvalidPostureError(`${key} must be an object { primary, secondary } (got ${JSON.stringify(raw)})`);
    }
    const extra = Object.keys(raw).filter((k) => !(regionNames as readonly string[]).includes(k));
    if (extra.length > 0) {
        throw new InvalidPostureError(`${key} has unknown keys ${extra.join(", ")} (valid: ${regionNames.join(", ")})`);
    }
    const record = raw as Record<string, unknown>;
    return validateWeights({ primary: numberField(record.primary) as number, secondary: numberField(record.secondary) as number }, key);
}

function readEndpoint(config: ConfigReader, regionName: RegionName): EndpointSource {
    const stackKey = regionStackKey(regionName);
    const key = regionEndpointKey(regionName);
    const stackName = config.get(stackKey);
    const endpoint = config.getObject<Record<string, unknown>>(key);
    if (stackName !== undefined && endpoint !== undefined) {
        throw new Error(`${stackKey} and ${key} are both set; give one`);
    }
    if (stackName !== undefined) {
        if (stackName.trim() === "") {
            throw new Error(`${stackKey} must not be empty`);
        }
        // Pulumi's own rule for a stack reference: [[organization/]project/]stack, each part
        // letters, digits, "-", "_" or "."; anything else names no stack the program could read.
        if (!/^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/.test(stackName) || stackName.length > 300) {
            throw new Error(`${stackKey} must be a stack name like organization/sftp-failover/${regionName}: parts of letters, digits, "-", "_" or "." (got ${JSON.stringify(stackName)})`);
        }
        return { kind: "stack", stackName };
    }
    if (endpoint === undefined) {
        throw new Error(`${stackKey} is required (a regional stack, e.g. organization/sftp-failover/${regionName}), or ${key} { dnsName, zoneId, port }`);
    }
    if (typeof endpoint !== "object" || endpoint === null || Array.isArray(endpoint)) {
        throw new Error(`${key} must be an object { dnsName, zoneId, port, region } (got ${JSON.stringify(endpoint)})`);
    }
    const { dnsName, zoneId, region, ipAddressType } = endpoint;
    const port = numberField(endpoint.port);
    if (ipAddressType !== undefined && ipAddressType !== "ipv4" && ipAddressType !== "dualstack") {
        throw new Error(`${key}.ipAddressType must be "ipv4" or "dualstack" (got ${JSON.stringify(ipAddressType)})`);
    }
    if (typeof dnsName !== "string" || dnsName === "") {
        throw new Error(`${key}.dnsName must be a non-empty string (got ${JSON.stringify(dnsName)})`);
    }
    const dnsNameWrong = dnsNameProblem(dnsName);
    if (dnsNameWrong !== undefined) {
        throw new Error(`${key}.dnsName ${JSON.stringify(dnsName)} is not a host name: it ${dnsNameWrong}`);
    }
    if (zoneId !== undefined && (typeof zoneId !== "string" || zoneId === "")) {
        throw new Error(`${key}.zoneId must be a non-empty string when given (got ${JSON.stringify(zoneId)})`);
    }
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`${key}.port must be an integer 1–65535 (got ${JSON.stringify(port)})`);
    }
    if (region !== undefined && (typeof region !== "string" || region === "")) {
        throw new Error(`${key}.region must be a non-empty string when given (got ${JSON.stringify(region)})`);
    }
    return {
        kind: "endpoint",
        dnsName,
        port,
        ...(zoneId === undefined ? {} : { zoneId: zoneId as string }),
        ...(region === undefined ? {} : { region: region as string }),
        ...(ipAddressType === undefined ? {} : { ipAddressType: ipAddressType as "ipv4" | "dualstack" }),
    };
}

/**
 * The two regions must be two endpoints: with one stack or one load balancer behind both, every
 * posture serves from the same place and a failover moves nothing. A load balancer is compared by
 * its DNS name alone, as the records point at it (a port is not part of a DNS answer).
 */
function refuseOneEndpointTwice(endpoints: Readonly<Record<RegionName, EndpointSource>>): void {
    const { primary, secondary } = endpoints;
    if (primary.kind === "stack" && secondary.kind === "stack" && sameStackName(primary.stackName, secondary.stackName)) {
        throw new Error(`${regionStackKey("primary")} and ${regionStackKey("secondary")} name the same stack (${primary.stackName}, ${secondary.stackName}): the regions must be two stacks`);
    }
    if (primary.kind === "endpoint" && secondary.kind === "endpoint" && dnsNameKey(primary.dnsName) === dnsNameKey(secondary.dnsName)) {
        throw new Error(`${regionEndpointKey("primary")}.dnsName and ${regionEndpointKey("secondary")}.dnsName name the same endpoint (${primary.dnsName}): the regions must be two endpoints`);
    }
}

/**
 * AAAA alias records are published only to endpoints that have IPv6 addresses. The regional stacks'
 * load balancers are IPv4-only (`ipAddressType: ipv4`, private IPv4 subnets), so an AAAA alias to
 * them would resolve to nothing while looking healthy; only explicit endpoints that declare
 * `ipAddressType: dualstack` qualify.
 */
function readDualStack(config: ConfigReader, endpoints: Readonly<Record<RegionName, EndpointSource>>): boolean {
    const dualStack = config.getBoolean("dualStack") ?? false;
    if (!dualStack) {
        return false;
    }
    for (const regionName of regionNames) {
        const source = endpoints[regionName];
        if (source.kind === "stack") {
            throw new Error(
                `${ns}:dualStack is true, but the ${regionName} endpoint comes from stack ${source.stackName}, whose load balancer is IPv4-only: AAAA records would publish no address (set dualStack: false)`,
            );
        }
        if (source.ipAddressType !== "dualstack") {
            throw new Error(`${ns}:dualStack is true, but ${regionEndpointKey(regionName)}.ipAddressType is not "dualstack": AAAA records would publish no address`);
        }
    }
    return true;
}

/**
 * The names published besides recordName, checked as components/dns-record-names.ts says. Each
 * entry must be text first: YAML reads `- 2024` as a number and an empty `-` as null, neither of
 * which may quietly become the name "2024" or "null".
 */
function readAdditionalRecordNames(config: ConfigReader, recordName: string, zone: ZoneConfig): readonly string[] {
    const key = `${ns}:additionalRecordNames`;
    const names = config.getList(key, "[files, upload.example.com]") ?? [];
    names.forEach((name, index) => {
        if (typeof name !== "string" || name.trim() === "") {
            throw new Error(`${key}[${index}] must be a non-empty string (got ${JSON.stringify(name)})`);
        }
    });
    return validateAdditionalRecordNames(names as string[], recordName, {
        zoneName: "zoneName" in zone ? zone.zoneName : undefined,
        labels: { additionalRecordNames: key, recordName: configKeys.recordName },
    });
}

function readZone(config: ConfigReader): ZoneConfig {
    const zoneId = config.get("zoneId");
    const zoneName = config.get("zoneName");
    if (zoneId !== undefined && zoneName !== undefined) {
        throw new Error(`${ns}:zoneId and ${ns}:zoneName are both set; give one`);
    }
    if (zoneId !== undefined) {
        return { zoneId };
    }
    if (zoneName === undefined) {
        throw new Error(`${ns}:zoneId or ${ns}:zoneName is required (the existing hosted zone of the service record)`);
    }
    const zoneNameWrong = dnsNameProblem(zoneName);
    if (zoneNameWrong !== undefined) {
        throw new Error(`${ns}:zoneName ${JSON.stringify(zoneName)} is not a DNS name: it ${zoneNameWrong}`);
    }
    return { zoneName, privateZone: config.getBoolean("privateZone") ?? false };
}
