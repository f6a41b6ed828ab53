import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { awsServicesCalled, hostsOutsideAws } from "./boot-hosts";
import { makeFolder } from "../foundation/folders";
import { canonicalType } from "./replacements";
import { PropertyMap, reveal } from "./values";

/**
 * The sandbox's shared world: what exists in the sandbox cloud, across stacks. Every stack's `up`
 * runs its own engine and its own provider process, so no provider remembers what another one
 * created; the world is how the primary's replication rule learns that the secondary's bucket
 * does not exist yet, and how the lab tells whether Route 53's checkers can reach an endpoint.
 *
 * It is a folder (SANDBOX_WORLD_DIR) holding one small JSON file per resource, written whole under
 * a temporary name and then renamed. A rename is atomic, so parallel provider processes never see
 * half a file and never overwrite each other's resources (each owns the files of its own URNs);
 * reading is listing the folder. Only the facts the preconditions and the reachability model need
 * are kept — never a secret, never a whole property bag.
 */

/** One resource of the world. */
export interface WorldResource {
    readonly urn: string;
    /** Canonical type token (`aws:alb/…` is stored as `aws:lb/…`). */
    readonly type: string;
    readonly region: string;
    readonly id: string;
    /** The type's facts (see `factKeys`); empty for types nothing reads. */
    readonly facts: Readonly<Record<string, unknown>>;
    /** A change made outside Pulumi (sandbox/console.ts), which the next refresh reads. */
    readonly outside?: OutsideChange;
}

/** What an edit in the console did to a resource: the facts it changed, or that it deleted it. */
export interface OutsideChange {
    readonly at: string;
    /** The facts changed; the resource's `facts` hold their new values. */
    readonly edited?: readonly string[];
    /** The resource was deleted outside Pulumi: its file stays as a tombstone until Pulumi acts on it. */
    readonly deleted?: boolean;
}

/** Per type, the properties worth sharing. Everything here is configuration, never secret material. */
const factKeys: Readonly<Record<string, readonly string[]>> = {
    "aws:s3/bucket:Bucket": ["bucket", "arn"],
    "aws:s3/bucketV2:BucketV2": ["bucket", "arn"],
    "aws:s3/bucketVersioning:BucketVersioning": ["bucket", "versioningConfiguration"],
    // The users object's key and body hash: the lab's gateways reload it (sandbox/lab-users.ts).
    "aws:s3/bucketObjectv2:BucketObjectv2": ["bucket", "key", "sourceHash"],
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": ["bucket", "rules"],
    "aws:ec2/securityGroup:SecurityGroup": ["arn", "name", "vpcId", "ingress", "egress"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [
        "securityGroupId", "ipProtocol", "fromPort", "toPort", "cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId",
    ],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [
        "securityGroupId", "ipProtocol", "fromPort", "toPort", "cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId",
    ],
    "aws:lb/loadBalancer:LoadBalancer": ["arn", "name", "dnsName", "zoneId", "loadBalancerType", "internal", "ipAddressType", "securityGroups"],
    "aws:lb/listener:Listener": ["arn", "loadBalancerArn", "port", "protocol", "defaultActions"],
    "aws:lb/targetGroup:TargetGroup": ["arn", "name", "port", "protocol", "targetType", "healthCheck"],
    "aws:ec2/launchTemplate:LaunchTemplate": ["name", "networkInterfaces", "vpcSecurityGroupIds", "latestVersion"],
    // What the boot-path model (sandbox/boot-path.ts) needs: which subnets route where, and the VPC endpoints.
    "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone"],
    "aws:ec2/routeTable:RouteTable": ["vpcId", "routes"],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ["subnetId", "routeTableId"],
    "aws:ec2/vpcEndpoint:VpcEndpoint": ["vpcId", "serviceName", "vpcEndpointType", "privateDnsEnabled", "subnetIds", "routeTableIds", "securityGroupIds"],
    "aws:ec2/vpc:Vpc": ["cidrBlock", "enableDnsSupport", "enableDnsHostnames"],
    "aws:autoscaling/group:Group": ["name", "minSize", "maxSize", "desiredCapacity", "targetGroupArns", "launchTemplate", "vpcZoneIdentifiers"],
    "aws:route53/healthCheck:HealthCheck": [
        "type", "fqdn", "ipAddress", "port", "childHealthchecks", "childHealthThreshold", "cloudwatchAlarmName", "cloudwatchAlarmRegion",
        "invertHealthcheck", "disabled", "routingControlArn",
    ],
    "aws:route53/record:Record": ["zoneId", "name", "type", "aliases", "setIdentifier", "weightedRoutingPolicies"],
    // What the sandbox's CloudWatch model (sandbox/fence-alarm.ts) needs to know an alarm watches a metric and evaluate it.
    "aws:cloudwatch/metricAlarm:MetricAlarm": [
        "name", "arn", "namespace", "metricName", "dimensions", "statistic", "period", "evaluationPeriods", "datapointsToAlarm", "threshold",
        "comparisonOperator", "treatMissingData",
    ],
};

/** The facts of a resource of `type` from its state (inputs and outputs), secrets revealed only for the kept keys. */
export function factsOf(type: string, state: PropertyMap): Record<string, unknown> {
    const keys = factKeys[canonicalType(type)] ?? [];
    const facts = Object.fromEntries(keys.filter((k) => state[k] !== undefined && state[k] !== null).map((k) => [k, reveal(state[k])]));
    if (canonicalType(type) === "aws:ec2/launchTemplate:LaunchTemplate") {
        // Not the user data itself: only which hosts outside AWS and which AWS services it reaches (boot-hosts.ts).
        facts.bootHostsOutsideAws = hostsOutsideAws(reveal(state.userData));
        facts.bootAwsServices = awsServicesCalled(reveal(state.userData));
    }
    return facts;
}

const digest = (text: string, length: number): string => createHash("sha256").update(text).digest("hex").slice(0, length);

/**
 * The world in a folder. A provider process puts what it creates or updates and removes what it
 * deletes; anyone (the lab, the CLI's sandbox health source, tests) reads it.
 */
export class World {
    constructor(readonly dir: string) {}

    /**
     * The world of a provider's environment: SANDBOX_WORLD_DIR, else the folder beside a file
     * backend's state that the driver uses too (`<backend>/.sandbox-world`), so stacks deployed by
     * hand with PULUMI_BACKEND_URL and switched by the driver share one world; else none.
     */
    static fromEnv(env: NodeJS.ProcessEnv): World | undefined {
        const dir = env.SANDBOX_WORLD_DIR;
        if (dir !== undefined && dir !== "") {
            return new World(dir);
        }
        const backend = env.PULUMI_BACKEND_URL ?? "";
        return backend.startsWith("file://") ? new World(path.join(backend.slice("file://".length), ".sandbox-world")) : undefined;
    }

    /**
     * One file per resource instance: the URN alone is not enough, since a replacement creates the
     * new instance (same URN, new id) before it deletes the old one.
     */
    private fileOf(urn: string, id: string): string {
        return path.join(this.dir, `${digest(urn, 20)}-${digest(id, 12)}.json`);
    }

    /** Adds or replaces a resource. */
    put(resource: WorldResource): void {
        makeFolder(this.dir);
        const file = this.fileOf(resource.urn, resource.id);
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, JSON.stringify({ ...resource, type: canonicalType(resource.type) }));
        fs.renameSync(temp, file);
    }

    /** One resource instance, or undefined when the world does not hold it. */
    get(urn: string, id: string): WorldResource | undefined {
        try {
            return JSON.parse(fs.readFileSync(this.fileOf(urn, id), "utf8")) as WorldResource;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") {
                return undefined;
            }
            throw err;
        }
    }

    /** Removes a resource (a missing one is already gone). */
    remove(urn: string, id: string): void {
        fs.rmSync(this.fileOf(urn, id), { force: true });
    }

    /** Every resource, in no particular order, without those deleted outside Pulumi. A missing folder is an empty world. */
    list(): WorldResource[] {
        let names: string[];
        try {
            names = fs.readdirSync(this.dir);
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") {
                return [];
            }
            throw err;
        }
        const resources: WorldResource[] = [];
        for (const name of names.filter((n) => n.endsWith(".json"))) {
            try {
                const resource = JSON.parse(fs.readFileSync(path.join(this.dir, name), "utf8")) as WorldResource;
                // Deleted outside Pulumi: gone for every reader; only the provider's `read` sees the tombstone.
                if (resource.outside?.deleted !== true) {
                    resources.push(resource);
                }
            } catch (err) {
                // Deleted between the listing and the read: it is gone, which is what a reader should see.
                if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
                    throw err;
                }
            }
        }
        return resources;
    }
}

/** The resources of one type (canonical token), optionally in one region. */
export function ofType(resources: readonly WorldResource[], type: string, region?: string): WorldResource[] {
    return resources.filter((r) => r.type === type && (region === undefined || r.region === region));
}

/** A string fact, or undefined. */
export function factString(r: WorldResource, key: string): string | undefined {
    const v = r.facts[key];
    return typeof v === "string" ? v : undefined;
}

/** A numeric fact (numbers may arrive as strings from some inputs), or undefined. */
export function factNumber(r: WorldResource, key: string): number | undefined {
    const v = r.facts[key];
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    return Number.isFinite(n) ? n : undefined;
}

/** A list-of-strings fact (empty when absent). */
export function factStrings(r: WorldResource, key: string): string[] {
    const v = r.facts[key];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
