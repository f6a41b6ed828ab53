// The region that must serve, and what `plan` and `status` say about its capacity: its modelled
// time to serve per capacity path (automation/time-to-serve.ts) and its On-Demand vCPU quota
// against its active size (automation/standby-quota.ts). Both read the region's exported capacity
// settings, so they describe what is deployed, not what a stack file says.
import { CapacityMode, PostureSpec, RegionName, regionNames, Weights } from "../../foundation/posture";
import { judgeStandbyQuota, OnDemandQuotaReader, StandbyQuota } from "../standby-quota";
import { timeToServe, TimeToServe } from "../time-to-serve";
import type { RegionalReads } from "./stack-state";

/**
 * The region a plan to `target` must bring to serve: the one it scales up to active; when it
 * scales none, the target's standby (weight 0), which a failover from it would scale. None when
 * both regions are active (active-active in place).
 */
export function regionThatMustServe(target: PostureSpec, deployed: Partial<Record<RegionName, CapacityMode>>): RegionName | undefined {
    return regionNames.find((r) => target.capacity[r] === "active" && deployed[r] !== "active") ?? standbyOf(target.weights);
}

/** The region taking no traffic by weight, if one is. */
export function standbyOf(weights: Weights | undefined): RegionName | undefined {
    return weights === undefined ? undefined : regionNames.find((r) => weights[r] === 0);
}

/** What `plan` and `status` show of the region that must serve. */
export interface StandbyCapacity {
    readonly timeToServe?: TimeToServe;
    readonly standbyQuota?: StandbyQuota;
}

/**
 * The time to serve and the quota judgement of `region`. A region that exports no capacity
 * settings (deployed before they were exported) has no time to serve and an `unknown` quota; no
 * reader is an `unknown` quota too.
 */
export async function readStandbyCapacity(stacks: RegionalReads, region: RegionName | undefined, reader: OnDemandQuotaReader | undefined): Promise<StandbyCapacity> {
    if (region === undefined) {
        return {};
    }
    const outputs = stacks[region].typed;
    const settings = outputs.capacitySettings;
    if (outputs.region === undefined) {
        return {};
    }
    if (settings === undefined) {
        const problem = `the ${region} stack exports no capacitySettings (deployed by an older version: \`pulumi up\` it)`;
        return { standbyQuota: { region, awsRegion: outputs.region, verdict: "unknown", instanceType: "?", activeSize: 0, detail: problem } };
    }
    const serve = timeToServe(region, settings);
    const reading = reader !== undefined ? await reader.read(outputs.region) : { problem: "no quota source (AWS credentials that may call servicequotas:GetServiceQuota, or --sandbox)" };
    return {
        timeToServe: serve,
        standbyQuota: judgeStandbyQuota({ region, awsRegion: outputs.region, instanceType: settings.instanceType, activeSize: serve.activeSize, reading }),
    };
}
