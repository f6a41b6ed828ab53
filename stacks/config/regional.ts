// The typed config of a regional stack (primary or secondary): the only place this stack's config
// is read. Everything is validated here, before any resource is declared, and every message names
// the config key (or the user) at fault. The parsing is a pure function of the config values and
// the project folder, so the driver runs the same checks before a switch (automation/driver/preflight.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CapacityMode, RegionName, regionNames } from "../../foundation/posture";
import { awsRegionPattern } from "../../components/aws-region";
import { CanaryIdentity, canaryIdentityOf } from "../../components/canary";
import { CapacitySettings, WarmPoolSettings, capacityModes, defaultCapacity, validateCapacity, validateWarmPool } from "../../components/capacity";
import { HomeAccess } from "../../components/gateway-policy";
import { GatewayHealthCheck, defaultHealthCheckPort, healthCheckProblem, tcpHealthCheck } from "../../components/gateway-health-check";
import { PinnedPackage, defaultGatewayPort, defaultUsersRefreshSeconds, validatePinnedPackage } from "../../components/gateway-user-data";
import { HostKeyMaterial, loadHostKeys } from "../../components/host-keys";
import { kmsKeyArnProblem } from "../../components/kms-key";
import { parseIpv4Cidr } from "../../components/network";
import { defaultDeregistrationDelaySeconds, validateAllowedCidrs } from "../../components/sftp-gateway";
import { SftpUser, parseUsersYaml, servedUsers } from "../../components/sftp-users";
import { configKey, configKeys, configNamespace } from "../contract";
import { checkGatewayPolicyFits, readGatewayBucketAccess } from "./gateway-access";
import { ConfigReader, numberField } from "./source";
import { checkNameTextDeep } from "./text";

/** The network as configured: a new VPC, or existing ids. */
export type NetworkConfig =
    | { readonly kind: "new"; readonly vpcCidr: string; readonly availabilityZoneCount: number; readonly flowLogRetentionDays: number; readonly nat: boolean }
    | { readonly kind: "existing"; readonly vpcId: string; readonly subnetIds: readonly string[]; readonly instanceSubnetIds: readonly string[] };

/** CloudWatch Logs' allowed retention periods, in days (PutRetentionPolicy). */
export const logRetentionDays: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The validated config of a regional stack. */
export interface RegionalConfig {
    /** AWS region of this stack. */
    readonly region: string;
    /** primary or secondary. */
    readonly regionName: RegionName;
    /** The other region (replication destination, secret replica). */
    readonly peerRegion: string;
    /** The peer's logical name (the other of primary/secondary). */
    readonly peerRegionName: RegionName;
    /** Capacity mode, set by the driver from the posture. */
    readonly capacityMode: CapacityMode;
    /** Prefix of bucket, secret and parameter names. */
    readonly namePrefix: string;
    /** Configured group sizes. */
    readonly capacity: CapacitySettings;
    /** The group's warm pool of stopped instances, or undefined for none (`warmPool`). */
    readonly warmPool?: WarmPoolSettings;
    /** EC2 instance type of the gateways. */
    readonly instanceType: string;
    /** AMI of the gateways, or undefined to look up the latest Amazon Linux 2023. */
    readonly amiId?: string;
    /** The network. */
    readonly network: NetworkConfig;
    /** Public TCP port of the load balancer. */
    readonly listenerPort: number;
    /** SFTP client CIDRs allowed to the listener (Route 53's health checkers are admitted apart, by prefix list). */
    readonly allowedCidrs: readonly string[];
    /** Whether instances accept a Session Manager shell. */
    readonly sessionManager: boolean;
    /** How the gateway role reaches the users' homes (`gatewayBucketAccess`, checked to fit IAM's policy quota). */
    readonly gatewayBucketAccess: HomeAccess;
    /** Days noncurrent object versions are kept. */
    readonly noncurrentVersionDays: number;
    /** KMS key of this region's bucket (SSE-KMS), or undefined for SSE-S3. */
    readonly kmsKeyArn?: string;
    /** KMS key of the peer's bucket, which encrypts replicas there. */
    readonly peerKmsKeyArn?: string;
    /** Whether this stack writes to the peer region: the bucket's replication rule and the secret's replica. */
    readonly replicationEnabled: boolean;
    /** The validated users, as declared (the drift fingerprint covers exactly these). */
    readonly users: readonly SftpUser[];
    /** The canary the driver verifies a region with, when `canaryKey` is set; only its public half is kept. */
    readonly canary?: CanaryIdentity;
    /** Where the users were read from (for messages and docs). */
    readonly usersFile: string;
    /** The validated host keys (private parts are only ever passed on as secrets). */
    readonly hostKeys: HostKeyMaterial;
    /** SFTPGo package version to pin, or undefined for the latest. */
    readonly sftpgoVersion?: string;
    /** SFTPGo as a pinned package in the regional bucket, or undefined for the repository mirror. */
    readonly sftpgoPackage?: PinnedPackage;
    /** Whether the load balancer refuses deletion (turn off, `up`, then destroy). */
    readonly deletionProtection: boolean;
    /** How the load balancer and Route 53 judge a gateway (`healthCheck`): TCP unless `{ protocol: http }`. */
    readonly healthCheck: GatewayHealthCheck;
    /**
     * Seconds open sessions get when a scale-down deregisters their instance (`drainTimeoutSeconds`,
     * 0–3600 as Elastic Load Balancing allows): the target group's deregistration delay. Set it to the
     * driver's `--drain-timeout` so the load balancer does not cut what the drain waited for.
     */
    readonly drainTimeoutSeconds: number;
    /**
     * Whether the region's users are quiesced (`quiesced`, written by the driver's `--quiesce`): the
     * users object marks every declared user read-only, so new sessions cannot write (the canary,
     * the bucket policy and the users fingerprint stay as declared). Defaults to false.
     */
    readonly quiesced: boolean;
    /** Seconds between two reloads of the users object by each gateway (`usersRefreshSeconds`, 1–3600). Defaults to 60. */
    readonly usersRefreshSeconds: number;
    /** Tags of every resource. */
    readonly tags: Readonly<Record<string, string>>;
}

const namePrefixPattern = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;

function configError(key: string, message: string): Error {
    return new Error(`${configKey(key)} ${message}`);
}

function checkRegion(key: string, value: string): string {
    if (!awsRegionPattern.test(value)) {
        throw configError(key, `must be an AWS region like us-east-1 (got "${value}")`);
    }
    return value;
}

/**
 * AWS's limits on every tag (Tagging AWS resources: keys 1–128 characters, values at most 256, the
 * `aws:` prefix reserved), checked before anything is created: each service refuses a tag only
 * when it creates the resource that carries it.
 */
function checkTags(tags: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(tags)) {
        if (key.trim() === "" || key.length > 128) {
            throw configError("tags", `key ${JSON.stringify(key)} must be 1–128 characters`);
        }
        if (key.toLowerCase().startsWith("aws:")) {
            throw configError(`tags.${key}`, `uses the prefix "aws:", which AWS reserves for its own tags`);
        }
        if (value.length > 256) {
            throw configError(`tags.${key}`, `is ${value.length} characters; a tag value holds at most 256`);
        }
    }
}

/** A bucket key: a key ARN (never an alias ARN) of the bucket's own region (components/kms-key.ts says why). */
function checkKmsArn(key: string, value: string | undefined, bucketRegion: string, regionKey: string): string | undefined {
    const problem = value === undefined ? undefined : kmsKeyArnProblem(configKey(key), value, bucketRegion, configKey(regionKey));
    if (problem !== undefined) {
        throw new Error(problem);
    }
    return value;
}

/**
 * The folder relative paths are resolved against when the caller names none: the project root
 * (where Pulumi.yaml lives). The engine's root directory is used when it really holds Pulumi.yaml
 * (`pulumi up` by hand; inline programs receive a placeholder there); then the nearest folder at or
 * above the current one holding Pulumi.yaml. Never the folder of this file, which is inside the
 * package once installed. The driver's inline programs always name their project folder
 * (`--stack-dir`), so this fallback never picks the repository's users file for another project.
 */
export function defaultProjectDir(): string {
    const fromEngine = pulumi.runtime.getRootDirectory();
    if (path.isAbsolute(fromEngine) && fs.existsSync(path.join(fromEngine, "Pulumi.yaml"))) {
        return fromEngine;
    }
    let dir = process.cwd();
    while (!fs.existsSync(path.join(dir, "Pulumi.yaml")) && path.dirname(dir) !== dir) {
        dir = path.dirname(dir);
    }
    return fs.existsSync(path.join(dir, "Pulumi.yaml")) ? dir : process.cwd();
}

/**
 * The last users file this process validated, with its text. A posture switch reads the same file
 * four times in one process (the driver's preflight of both regions, then each regional `up`'s
 * inline program), and parsing and validating 2,000 users costs about 0.2 s of CPU each time: the
 * one step of a switch that grew with the list. The file is still read every time, and its text
 * compared, so an edited file is validated afresh; a file that fails validation is never kept.
 */
let lastUsersFile: { readonly file: string; readonly text: string; readonly users: readonly SftpUser[] } | undefined;

function readUsers(file: string): SftpUser[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw configError("usersFile", `cannot be read: ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    if (lastUsersFile !== undefined && lastUsersFile.file === file && lastUsersFile.text === text) {
        return [...lastUsersFile.users];
    }
    const users = parseUsersYaml(text, file, (parsed) => checkNameTextDeep(`${file}: users`, parsed));
    lastUsersFile = { file, text, users };
    return [...users];
}

/** `healthCheck`: `{ protocol: tcp }` (the default) or `{ protocol: http, port }` (SFTPGo's /healthz; port defaults to 10000). */
function loadHealthCheck(config: ConfigReader, ports: { listenerPort: number; gatewayPort: number }): GatewayHealthCheck {
    const raw = config.getObject<Record<string, unknown>>("healthCheck");
    if (raw === undefined) {
        return tcpHealthCheck;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw configError("healthCheck", `must be a map like { protocol: http, port: ${defaultHealthCheckPort} } (got ${JSON.stringify(raw)})`);
    }
    const extra = Object.keys(raw).filter((k) => k !== "protocol" && k !== "port");
    if (extra.length > 0) {
        throw configError("healthCheck", `has unknown key(s) ${extra.join(", ")} (valid: protocol, port)`);
    }
    if (raw.protocol !== "tcp" && raw.protocol !== "http") {
        throw configError("healthCheck.protocol", `must be tcp or http (got ${JSON.stringify(raw.protocol)})`);
    }
    if (raw.protocol === "tcp") {
        if (raw.port !== undefined) {
            throw configError("healthCheck.port", "applies only to protocol http (a TCP check connects to the SFTP port)");
        }
        return tcpHealthCheck;
    }
    const check: GatewayHealthCheck = { protocol: "http", port: numberField(raw.port ?? defaultHealthCheckPort) as number };
    const problem = healthCheckProblem(check, ports);
    if (problem !== undefined) {
        throw new Error(`${configNamespace}:${problem}`);
    }
    return check;
}

function loadNetwork(config: ConfigReader): NetworkConfig {
    const raw = config.getObject<Record<string, unknown>>("network") ?? {};
    const known = ["vpcCidr", "availabilityZoneCount", "flowLogRetentionDays", "nat", "vpcId", "subnetIds", "instanceSubnetIds"];
    const extra = Object.keys(raw).filter((k) => !known.includes(k));
    if (extra.length > 0) {
        throw configError("network", `has unknown key(s) ${extra.join(", ")} (valid: ${known.join(", ")})`);
    }
    if (raw.vpcId !== undefined || raw.subnetIds !== undefined || raw.instanceSubnetIds !== undefined) {
        if (typeof raw.vpcId !== "string" || !/^vpc-[0-9a-f]+$/.test(raw.vpcId)) {
            throw configError("network.vpcId", `must be a VPC id like vpc-0abc... when subnetIds are given (got ${JSON.stringify(raw.vpcId)})`);
        }
        if (raw.flowLogRetentionDays !== undefined) {
            throw configError("network.flowLogRetentionDays", "applies only to a network the stack creates (an existing VPC keeps its own flow logs)");
        }
        if (raw.nat !== undefined) {
            throw configError("network.nat", "applies only to a network the stack creates (an existing VPC keeps its own egress)");
        }
        const subnetIds = subnetList(raw.subnetIds, "network.subnetIds", "public subnet ids (subnet-...) for the load balancer");
        const instanceSubnetIds = subnetList(raw.instanceSubnetIds, "network.instanceSubnetIds", "private subnet ids (subnet-...) for the instances");
        const shared = subnetIds.filter((id) => instanceSubnetIds.includes(id));
        if (shared.length > 0) {
            throw configError("network.instanceSubnetIds", `must not repeat the load balancer's public subnets (${shared.join(", ")}): instances get no public address`);
        }
        return { kind: "existing", vpcId: raw.vpcId, subnetIds, instanceSubnetIds };
    }
    const vpcCidr = raw.vpcCidr ?? "10.40.0.0/16";
    const cidr = typeof vpcCidr === "string" ? parseIpv4Cidr(vpcCidr) : null;
    if (cidr === null || cidr.prefix < 16 || cidr.prefix > 24) {
        throw configError("network.vpcCidr", `must be an IPv4 CIDR from /16 to /24 (got ${JSON.stringify(vpcCidr)})`);
    }
    const azCount = numberField(raw.availabilityZoneCount ?? 2);
    if (typeof azCount !== "number" || !Number.isInteger(azCount) || azCount < 2 || azCount > 6) {
        throw configError("network.availabilityZoneCount", `must be an integer 2–6 (got ${JSON.stringify(azCount)})`);
    }
    const retention = numberField(raw.flowLogRetentionDays ?? 90);
    if (typeof retention !== "number" || !logRetentionDays.includes(retention)) {
        throw configError("network.flowLogRetentionDays", `must be one of CloudWatch Logs' retention periods ${logRetentionDays.join(", ")} (got ${JSON.stringify(retention)})`);
    }
    const nat = raw.nat ?? true;
    if (typeof nat !== "boolean") {
        throw configError("network.nat", `must be true or false (got ${JSON.stringify(nat)})`);
    }
    return { kind: "new", vpcCidr: vpcCidr as string, availabilityZoneCount: azCount, flowLogRetentionDays: retention, nat };
}

function subnetList(value: unknown, key: string, what: string): string[] {
    if (!Array.isArray(value) || value.length < 2 || value.some((id) => typeof id !== "string" || !/^subnet-[0-9a-f]+$/.test(id))) {
        throw configError(key, `must list at least two ${what} in different zones (got ${JSON.stringify(value)})`);
    }
    return value as string[];
}

function loadCapacity(config: ConfigReader): CapacitySettings {
    const raw = config.getObject<Partial<Record<keyof CapacitySettings, unknown>>>("capacity") ?? {};
    const known = Object.keys(defaultCapacity);
    const extra = Object.keys(raw).filter((k) => !known.includes(k));
    if (extra.length > 0) {
        throw configError("capacity", `has unknown key(s) ${extra.join(", ")} (valid: ${known.join(", ")})`);
    }
    try {
        return validateCapacity({
            min: numberField(raw.min ?? defaultCapacity.min) as number,
            desired: numberField(raw.desired ?? defaultCapacity.desired) as number,
            max: numberField(raw.max ?? defaultCapacity.max) as number,
            pilotLight: numberField(raw.pilotLight ?? defaultCapacity.pilotLight) as number,
        });
    } catch (err) {
        throw new Error(`${configNamespace}:${(err as Error).message}`);
    }
}

/** `drainTimeoutSeconds`: the target group's deregistration delay, whole seconds 0–3600 as Elastic Load Balancing allows. */
function loadDrainTimeout(config: ConfigReader): number {
    const seconds = config.getNumber("drainTimeoutSeconds", { min: 0, max: 3600 }) ?? defaultDeregistrationDelaySeconds;
    if (!Number.isInteger(seconds)) {
        throw configError("drainTimeoutSeconds", `must be whole seconds 0–3600 (got ${seconds})`);
    }
    return seconds;
}

/** `usersRefreshSeconds`: the period of the gateways' users timer, whole seconds 1–3600. */
function loadUsersRefresh(config: ConfigReader): number {
    const seconds = config.getNumber("usersRefreshSeconds", { min: 1, max: 3600 }) ?? defaultUsersRefreshSeconds;
    if (!Number.isInteger(seconds)) {
        throw configError("usersRefreshSeconds", `must be whole seconds 1–3600 (got ${seconds})`);
    }
    return seconds;
}

/** The optional warm pool (`warmPool`): absent means none. */
function loadWarmPool(config: ConfigReader): WarmPoolSettings | undefined {
    const raw = config.getObject<Record<string, unknown>>("warmPool");
    if (raw === undefined) {
        return undefined;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw configError("warmPool", `must be an object like { minSize: 1 } (got ${JSON.stringify(raw)})`);
    }
    const known = ["minSize", "maxGroupPreparedCapacity", "reuseOnScaleIn"];
    const extra = Object.keys(raw).filter((k) => !known.includes(k));
    if (extra.length > 0) {
        throw configError("warmPool", `has unknown key(s) ${extra.join(", ")} (valid: ${known.join(", ")})`);
    }
    try {
        return validateWarmPool({
            minSize: numberField(raw.minSize ?? 0) as number,
            ...(raw.maxGroupPreparedCapacity !== undefined ? { maxGroupPreparedCapacity: numberField(raw.maxGroupPreparedCapacity) as number } : {}),
            ...(raw.reuseOnScaleIn !== undefined ? { reuseOnScaleIn: raw.reuseOnScaleIn as boolean } : {}),
        });
    } catch (err) {
        throw new Error(`${configNamespace}:${(err as Error).message}`);
    }
}

/** Options of `parseRegionalConfig`. */
export interface RegionalConfigOptions {
    /** Folder a relative usersFile is resolved against. Defaults to `defaultProjectDir()`. */
    readonly projectDir?: string;
}

/**
 * Loads and validates the running program's regional config. The host keys' plaintext stays in
 * this process and leaves it only wrapped in pulumi.secret (components/host-keys.ts).
 */
export async function loadRegionalConfig(opts: RegionalConfigOptions = {}): Promise<RegionalConfig> {
    return parseRegionalConfig(ConfigReader.fromRuntime(), opts);
}

/**
 * Validates a regional stack's config: a pure function of the values and the users file, shared by
 * the program and the driver's preflight.
 *
 * @throws Error one line naming the key (or the user) and the value.
 */
export function parseRegionalConfig(config: ConfigReader, opts: RegionalConfigOptions = {}): RegionalConfig {
    const region = checkRegion("region", config.require("region"));
    const regionName = config.require(configKeys.regionName, { allowedValues: [...regionNames] }) as RegionName;
    const peerRegion = checkRegion("peerRegion", config.require("peerRegion"));
    if (peerRegion === region) {
        throw configError("peerRegion", `must differ from region (both are "${region}")`);
    }
    const peerRegionName: RegionName = regionName === "primary" ? "secondary" : "primary";
    // A stack deployed before the driver ever ran takes the active-passive capacities.
    const capacityMode = (config.get(configKeys.capacityMode, { allowedValues: [...capacityModes] }) ??
        (regionName === "primary" ? "active" : "pilot-light")) as CapacityMode;

    const namePrefix = config.get("namePrefix") ?? "sftp-failover";
    if (!namePrefixPattern.test(namePrefix)) {
        throw configError("namePrefix", `must be 3–30 lowercase letters, digits or hyphens, starting with a letter (got "${namePrefix}")`);
    }
    const listenerPort = config.getNumber("listenerPort", { min: 1, max: 65535 }) ?? 22;
    if (!Number.isInteger(listenerPort)) {
        throw configError("listenerPort", `must be an integer (got ${listenerPort})`);
    }
    const allowAnyCidr = config.getBoolean("allowAnyCidr") ?? false;
    const rawCidrs = config.requireObject<unknown>("allowedCidrs");
    if (!Array.isArray(rawCidrs)) {
        throw configError("allowedCidrs", "must be a list of IPv4 CIDRs");
    }
    const allowedCidrs = validateAllowedCidrs(rawCidrs as string[], allowAnyCidr, configKey("allowedCidrs"));
    const noncurrentVersionDays = config.getNumber("noncurrentVersionDays", { min: 1, max: 3650 }) ?? 30;
    if (!Number.isInteger(noncurrentVersionDays)) {
        throw configError("noncurrentVersionDays", `must be a whole number of days (got ${noncurrentVersionDays})`);
    }
    const kmsKeyArn = checkKmsArn("kmsKeyArn", config.get("kmsKeyArn"), region, "region");
    const peerKmsKeyArn = checkKmsArn("peerKmsKeyArn", config.get("peerKmsKeyArn"), peerRegion, "peerRegion");
    if ((kmsKeyArn === undefined) !== (peerKmsKeyArn === undefined)) {
        throw configError(
            kmsKeyArn === undefined ? "kmsKeyArn" : "peerKmsKeyArn",
            "must be set together with the other: replicas are re-encrypted with the peer's key",
        );
    }
    const instanceType = config.get("instanceType") ?? "t3.small";
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType)) {
        throw configError("instanceType", `must be an EC2 instance type like t3.small (got "${instanceType}")`);
    }
    const amiId = config.get("amiId");
    if (amiId !== undefined && !/^ami-[0-9a-f]+$/.test(amiId)) {
        throw configError("amiId", `must be an AMI id like ami-0abc... (got "${amiId}")`);
    }
    const sftpgoVersion = config.get("sftpgoVersion");
    if (sftpgoVersion !== undefined && !/^\d+\.\d+\.\d+(-\d+)?$/.test(sftpgoVersion)) {
        throw configError("sftpgoVersion", `must be a version like 2.6.6 (got "${sftpgoVersion}")`);
    }
    const rawPackage = config.getObject<unknown>("sftpgoPackage");
    const sftpgoPackage = rawPackage === undefined ? undefined : validatePinnedPackage(rawPackage, configKey("sftpgoPackage"));
    if (sftpgoPackage !== undefined && sftpgoVersion !== undefined) {
        throw configError("sftpgoVersion", "pins the repository's package; with sftpgoPackage the pinned file is the version — leave sftpgoVersion out");
    }
    const tags = config.getObject<Record<string, string>>("tags") ?? {};
    if (typeof tags !== "object" || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== "string")) {
        throw configError("tags", "must be a map of strings");
    }
    checkTags(tags);

    const usersFileSetting = config.get(configKeys.usersFile) ?? "users.yaml";
    const usersFile = path.resolve(opts.projectDir ?? defaultProjectDir(), usersFileSetting);
    const users = readUsers(usersFile);
    const canaryKey = config.getSecret(configKeys.canaryKey);
    const canary = canaryKey === undefined ? undefined : canaryIdentityOf(canaryKey, configKeys.canaryKey);
    // Refuses a declared user that would take the canary's name or home, before anything deploys.
    const served = servedUsers(users, canary, usersFile);
    const sessionManager = config.getBoolean("sessionManager") ?? false;
    const gatewayBucketAccess = readGatewayBucketAccess(config);
    // IAM would refuse an oversized gateway policy only after the bucket, secret and parameters
    // exist; checked here, the program and the driver's preflight refuse it before anything deploys.
    checkGatewayPolicyFits({
        region,
        regionName,
        namePrefix,
        users: served,
        withCanary: canary !== undefined,
        kmsKeyArn,
        bootPackageKey: sftpgoPackage?.key,
        sessionManager,
        homeAccess: gatewayBucketAccess,
    });

    const hostKeys = loadHostKeys(config.requireKeyMaterial<unknown>(configKeys.hostKeys), configKeys.hostKeys);
    const network = loadNetwork(config);
    if (network.kind === "new" && !network.nat && sftpgoPackage === undefined) {
        throw configError("network.nat", "is false, but without sftpgoPackage the gateways install SFTPGo from a mirror on the internet; set sftpgoPackage (docs/regional.md) or keep the NAT gateways");
    }

    const warmPool = loadWarmPool(config);
    return {
        region,
        regionName,
        peerRegion,
        peerRegionName,
        capacityMode,
        namePrefix,
        capacity: loadCapacity(config),
        ...(warmPool !== undefined ? { warmPool } : {}),
        instanceType,
        amiId,
        network,
        listenerPort,
        allowedCidrs,
        sessionManager,
        gatewayBucketAccess,
        noncurrentVersionDays,
        kmsKeyArn,
        peerKmsKeyArn,
        replicationEnabled: config.getBoolean(configKeys.replicationEnabled) ?? true,
        users,
        ...(canary === undefined ? {} : { canary }),
        usersFile,
        hostKeys,
        sftpgoVersion,
        ...(sftpgoPackage === undefined ? {} : { sftpgoPackage }),
        deletionProtection: config.getBoolean("deletionProtection") ?? true,
        healthCheck: loadHealthCheck(config, { listenerPort, gatewayPort: defaultGatewayPort }),
        drainTimeoutSeconds: loadDrainTimeout(config),
        quiesced: config.getBoolean(configKeys.quiesced) ?? false,
        usersRefreshSeconds: loadUsersRefresh(config),
        tags: { project: "sftp-failover", regionName, ...tags },
    };
}
