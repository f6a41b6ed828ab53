// The regional stack (primary or secondary): load typed config → build the components → export
// the outputs the driver reads (docs/architecture.md).
import * as aws from "@pulumi/aws";
import { capacityFor, warmPoolFor } from "../components/capacity";
import * as pulumi from "@pulumi/pulumi";
import { chooseZones } from "../components/availability-zones";
import { BucketReplication } from "../components/bucket-replication";
import { HostKeys } from "../components/host-keys";
import { stackKeyPolicyGrants } from "../components/kms-key";
import { NetworkSpec, RegionalNetwork } from "../components/network";
import { RegionalBucket, bucketArnOf, regionalBucketName } from "../components/regional-bucket";
import { SftpGateway, healthCheckerPrefixListName } from "../components/sftp-gateway";
import { SftpUsers, usersObjectTags } from "../components/sftp-users";
import { usersReloadSeconds } from "../components/gateway-user-data";
import { RegionalConfig, loadRegionalConfig } from "./config/regional";
import { ProgramOutputs, RegionalOutputs } from "./contract";
import type { ProgramOptions } from "./index";
import { refuseRevert } from "./posture-guard";
import { hostKeySecretNamePrefix, usersBodyDir, usersObjectKey } from "./regional-names";

/** What the stack learns from AWS before declaring anything (all through allowed invokes). */
interface AccountFacts {
    readonly accountId: string;
    readonly partition: string;
    readonly availabilityZones: readonly string[];
    readonly amiId: string;
    /** The Route 53 health checkers' managed prefix list in this region. */
    readonly healthCheckers: { readonly id: string; readonly maxEntries: number };
}

/**
 * EC2's default quota of inbound rules per security group. A rule that references a prefix list
 * counts as that list's maximum entries (Amazon VPC quotas, "Inbound or outbound rules per
 * security group"), so the client CIDRs and the health checkers' list share it.
 */
export const inboundRulesPerSecurityGroup = 60;

async function lookUpAccount(cfg: RegionalConfig): Promise<AccountFacts> {
    const [identity, partition] = await Promise.all([aws.getCallerIdentity({}), aws.getPartition({})]);
    let availabilityZones: string[] = [];
    if (cfg.network.kind === "new") {
        // Local and Wavelength zones need an opt-in and lack NLB support; only regular zones qualify,
        // and of those only the ones offering the gateways' instance type.
        const zones = await aws.getAvailabilityZones({
            region: cfg.region,
            state: "available",
            filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
        });
        const offerings = await aws.ec2.getInstanceTypeOfferings({
            region: cfg.region,
            locationType: "availability-zone",
            filters: [{ name: "instance-type", values: [cfg.instanceType] }],
        });
        availabilityZones = chooseZones({
            region: cfg.region,
            zones: zones.names,
            instanceType: cfg.instanceType,
            offeredIn: offerings.locations,
            count: cfg.network.availabilityZoneCount,
        });
    }
    const amiId =
        cfg.amiId ??
        (
            await aws.ec2.getAmi({
                region: cfg.region,
                owners: ["amazon"],
                mostRecent: true,
                filters: [
                    { name: "name", values: ["al2023-ami-2023.*-x86_64"] },
                    { name: "architecture", values: ["x86_64"] },
                ],
            })
        ).id;
    const checkers = await aws.ec2.getManagedPrefixList({ region: cfg.region, name: healthCheckerPrefixListName(cfg.region) });
    const rules = cfg.allowedCidrs.length + checkers.maxEntries;
    if (rules > inboundRulesPerSecurityGroup) {
        throw new Error(
            `sftp-failover:allowedCidrs lists ${cfg.allowedCidrs.length} CIDRs; with the ${checkers.maxEntries} entries of ${checkers.name} the load balancer's security group would need ${rules} inbound rules, above EC2's default quota of ${inboundRulesPerSecurityGroup}`,
        );
    }
    return {
        accountId: identity.accountId,
        partition: partition.partition,
        availabilityZones,
        amiId,
        healthCheckers: { id: checkers.id, maxEntries: checkers.maxEntries },
    };
}

/** The key-policy statements for this stack's roles, by key ARN (components/kms-key.ts). */
function keyGrants(cfg: RegionalConfig, accountId: string, gateway: SftpGateway, replication: BucketReplication | undefined) {
    return pulumi.all([gateway.roleArn, replication?.roleArn]).apply(([gatewayRoleArn, replicationRoleArn]) =>
        stackKeyPolicyGrants({
            region: cfg.region,
            peerRegion: cfg.peerRegion,
            accountId,
            kmsKeyArn: cfg.kmsKeyArn as string,
            peerKmsKeyArn: cfg.peerKmsKeyArn,
            gatewayRoleArn,
            replicationRoleArn,
        }),
    );
}

/**
 * Builds one regional stack and returns its outputs. Everything that depends on the capacity mode
 * is the Auto Scaling group's sizes, so a posture change updates that one resource.
 */
export async function regionalStack(opts: ProgramOptions = {}): Promise<ProgramOutputs<RegionalOutputs>> {
    const cfg = await loadRegionalConfig(opts);
    await refuseRevert({ kind: "regional", region: cfg.regionName, capacityMode: cfg.capacityMode }, opts.postureRecords, opts.projectDir);
    const facts = await lookUpAccount(cfg);
    const base = `sftp-${cfg.regionName}`;

    const bucketName = regionalBucketName(cfg.namePrefix, cfg.regionName, facts.accountId);
    const peerBucketArn = bucketArnOf(facts.partition, regionalBucketName(cfg.namePrefix, cfg.peerRegionName, facts.accountId));
    const bucket = new RegionalBucket(`${base}-bucket`, {
        region: cfg.region,
        bucketName,
        partition: facts.partition,
        noncurrentVersionDays: cfg.noncurrentVersionDays,
        kmsKeyArn: cfg.kmsKeyArn,
        tags: cfg.tags,
    });
    const replication = cfg.replicationEnabled
        ? new BucketReplication(`${base}-replication`, {
              region: cfg.region,
              accountId: facts.accountId,
              sourceBucketName: bucket.bucketName,
              sourceBucketArn: bucket.bucketArn,
              destinationBucketArn: peerBucketArn,
              sourceVersioning: bucket.versioning,
              sourceKmsKeyArn: cfg.kmsKeyArn,
              destinationKmsKeyArn: cfg.peerKmsKeyArn,
              tags: cfg.tags,
          })
        : undefined;

    const hostKeys = new HostKeys(`${base}-host-keys`, {
        region: cfg.region,
        // Like the bucket rule, the replica writes to the peer region; both go when it is unreachable.
        replicaRegion: cfg.replicationEnabled ? cfg.peerRegion : undefined,
        secretNamePrefix: hostKeySecretNamePrefix(cfg.namePrefix, cfg.regionName),
        keys: cfg.hostKeys,
        tags: cfg.tags,
    });
    // The object waits for the bucket and its settings: PutObject needs the bucket, and the object
    // should be written under the bucket's encryption, not before it is configured.
    const users = new SftpUsers(
        `${base}-users`,
        {
            region: cfg.region,
            bucketName: bucket.bucketName,
            objectKey: usersObjectKey(cfg.regionName),
            users: cfg.users,
            bodyDir: usersBodyDir(),
            canary: cfg.canary,
            quiesced: cfg.quiesced,
            tags: usersObjectTags(cfg.tags),
        },
        { dependsOn: [bucket] },
    );

    const networkSpec: NetworkSpec =
        cfg.network.kind === "new"
            ? { kind: "new", vpcCidr: cfg.network.vpcCidr, availabilityZones: facts.availabilityZones, flowLogRetentionDays: cfg.network.flowLogRetentionDays, nat: cfg.network.nat }
            : { kind: "existing", vpcId: cfg.network.vpcId, subnetIds: cfg.network.subnetIds, instanceSubnetIds: cfg.network.instanceSubnetIds };
    const network = new RegionalNetwork(`${base}-network`, {
        region: cfg.region,
        partition: facts.partition,
        accountId: facts.accountId,
        network: networkSpec,
        s3BucketArns: [bucket.bucketArn],
        sessionManager: cfg.sessionManager,
        launchHook: cfg.warmPool !== undefined,
        tags: cfg.tags,
    });

    const capacity = capacityFor(cfg.capacityMode, cfg.capacity);
    // "-gw", not "-gateway": the load balancer's autoname must fit ELB's 32 characters for both
    // regions ("sftp-secondary-gateway-nlb-1a2b3c4" would be 34). The alias keeps a primary
    // deployed under the old name (its children's names follow their parent's alias).
    const gateway = new SftpGateway(
        `${base}-gw`,
        {
            region: cfg.region,
            partition: facts.partition,
            vpcId: network.vpcId,
            subnetIds: network.subnetIds,
            instanceSubnetIds: network.instanceSubnetIds,
            allowedCidrs: cfg.allowedCidrs,
            healthCheckerPrefixListIds: [facts.healthCheckers.id],
            sessionManager: cfg.sessionManager,
            homeAccess: cfg.gatewayBucketAccess,
            listenerPort: cfg.listenerPort,
            healthCheck: cfg.healthCheck,
            deletionProtection: cfg.deletionProtection,
            deregistrationDelaySeconds: cfg.drainTimeoutSeconds,
            usersRefreshSeconds: cfg.usersRefreshSeconds,
            instanceType: cfg.instanceType,
            amiId: facts.amiId,
            capacity,
            warmPool: warmPoolFor(cfg.capacityMode, cfg.warmPool),
            // Configured, not per mode: a drained region keeps its hook and its group's name.
            launchHook: cfg.warmPool !== undefined,
            accountId: facts.accountId,
            bucketName: bucket.bucketName,
            bucketArn: bucket.bucketArn,
            kmsKeyArn: cfg.kmsKeyArn,
            hostKeySecretArn: hostKeys.secretArn,
            usersObjectKey: users.objectKey,
            users: users.served,
            // What boot reads, and the routes and endpoints it reads them through.
            bootReads: [hostKeys.secretValue, users.object, ...network.bootPath],
            sftpgoVersion: cfg.sftpgoVersion,
            sftpgoPackage: cfg.sftpgoPackage,
            tags: cfg.tags,
        },
        { aliases: [{ name: `${base}-gateway` }] },
    );

    return {
        region: cfg.region,
        regionName: cfg.regionName,
        capacityMode: cfg.capacityMode,
        desiredCapacity: capacity.desired,
        capacitySettings: { instanceType: cfg.instanceType, capacity: cfg.capacity, ...(cfg.warmPool !== undefined ? { warmPool: cfg.warmPool } : {}) },
        endpointDnsName: gateway.endpointDnsName,
        endpointZoneId: gateway.endpointZoneId,
        endpointPort: cfg.listenerPort,
        endpointHealthCheck: gateway.endpointCheck,
        bucketName: bucket.bucketName,
        bucketArn: bucket.bucketArn,
        // The replication metrics are per rule: the driver reads the backlog by this id.
        ...(replication !== undefined ? { replicationRuleId: replication.ruleId } : {}),
        asgName: gateway.asgName,
        // The drain before a scale-down reads this load balancer's ActiveFlowCount by it.
        loadBalancerMetricDimension: gateway.loadBalancerMetricDimension,
        hostKeyFingerprints: hostKeys.fingerprints,
        usersFingerprint: users.fingerprint,
        usersObjectKey: users.objectKey,
        // A planned switch's quiesce: whether the users object holds every declared user read-only,
        // and how long the gateways take to serve a changed object (the driver waits that long).
        quiesced: users.quiesced,
        usersReloadSeconds: usersReloadSeconds(cfg.usersRefreshSeconds),
        // The statements the keys' owners must add to the key policies (absent: SSE-S3).
        ...(cfg.kmsKeyArn !== undefined ? { kmsKeyPolicyGrants: keyGrants(cfg, facts.accountId, gateway, replication) } : {}),
        // The driver logs in as this user to verify the region (absent: no canary configured).
        ...(cfg.canary !== undefined ? { canaryUser: cfg.canary.user } : {}),
    };
}
