// Can the region that must serve reach its active size under its On-Demand vCPU quota? EC2 counts
// running On-Demand instances of the standard families against one per-region quota in vCPUs,
// "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances" (Service Quotas code
// L-1216C47A; EC2 User Guide, "Amazon EC2 service quotas", On-Demand Instance quotas). A standby
// that cannot launch its active size stops a failover at its capacity step, in the worst hour to
// find out. AWS's own Region switch re-checks the standby's quotas for the same reason. Pure: the
// reading comes in from a reader (automation/aws/on-demand-quota.ts, or the sandbox's model).
import { RegionName } from "../foundation/posture";

/** The Service Quotas code of "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances" (service code ec2). */
export const onDemandStandardQuotaCode = "L-1216C47A";

/** The families that quota covers: an instance type's family letter. */
const standardFamilies = /^[acdhimrtz]/;

/**
 * vCPUs of the instance types the price table knows (EC2 User Guide, instance type specifications:
 * default vCPUs). A type not listed is judged `unknown`, never assumed.
 */
export const instanceVcpus: Readonly<Record<string, number>> = {
    "t3.micro": 2,
    "t3.small": 2,
    "t3.medium": 2,
    "t4g.small": 2,
    "m5.large": 2,
    "c6i.large": 2,
};

/** What a quota reader returns: the quota in vCPUs, or why it could not be read. */
export type QuotaReading = { readonly vcpus: number; readonly source: string } | { readonly problem: string };

/** Reads the On-Demand Standard vCPU quota of an AWS region. Never throws: a failure is a `problem`. */
export interface OnDemandQuotaReader {
    /** Where readings come from, for messages (`Service Quotas`, `sandbox quota model`). */
    readonly name: string;
    read(awsRegion: string): Promise<QuotaReading>;
}

/** The judgement of one region's quota against what it must run. */
export interface StandbyQuota {
    readonly region: RegionName;
    readonly awsRegion: string;
    /** `unknown` when the quota could not be read or the instance type's vCPUs are not known: never "enough" by default. */
    readonly verdict: "enough" | "short" | "unknown";
    readonly instanceType: string;
    /** Instances the region runs when active: what a failover scales it to. */
    readonly activeSize: number;
    /** vCPUs the active size needs (instance vCPUs × active size), when the type's vCPUs are known. */
    readonly neededVcpus?: number;
    /** The quota read, when it was. */
    readonly quotaVcpus?: number;
    /** Why the verdict is unknown, or where the quota came from. */
    readonly detail: string;
}

/** What `judgeStandbyQuota` needs. */
export interface StandbyQuotaInput {
    readonly region: RegionName;
    readonly awsRegion: string;
    readonly instanceType: string;
    readonly activeSize: number;
    readonly reading: QuotaReading;
}

/**
 * Enough when the active size's vCPUs fit the quota (equal fits: the quota is a maximum of running
 * vCPUs), short when they do not. The quota is shared with every other On-Demand standard instance
 * of the account in that region, which this judgement does not read: "enough" means the standby
 * alone fits.
 */
export function judgeStandbyQuota(input: StandbyQuotaInput): StandbyQuota {
    const base = { region: input.region, awsRegion: input.awsRegion, instanceType: input.instanceType, activeSize: input.activeSize };
    const perInstance = instanceVcpus[input.instanceType];
    const neededVcpus = perInstance !== undefined ? perInstance * input.activeSize : undefined;
    const needed = neededVcpus !== undefined ? { neededVcpus } : {};
    if ("problem" in input.reading) {
        return { ...base, ...needed, verdict: "unknown", detail: `the quota could not be read: ${input.reading.problem}` };
    }
    const quota = { quotaVcpus: input.reading.vcpus };
    if (!standardFamilies.test(input.instanceType)) {
        return { ...base, ...quota, verdict: "unknown", detail: `${input.instanceType} is not a standard family, so ${onDemandStandardQuotaCode} does not cover it` };
    }
    if (neededVcpus === undefined) {
        return { ...base, ...quota, verdict: "unknown", detail: `the vCPUs of ${input.instanceType} are not known (known: ${Object.keys(instanceVcpus).join(", ")})` };
    }
    return { ...base, neededVcpus, ...quota, verdict: neededVcpus <= input.reading.vcpus ? "enough" : "short", detail: `quota from ${input.reading.source}` };
}

/** The judgement in one line: `secondary (us-west-2): 4 vCPUs needed (2 × t3.small), quota 5: enough`. */
export function describeStandbyQuota(q: StandbyQuota): string {
    const need = q.neededVcpus !== undefined ? `${q.neededVcpus} vCPUs needed (${q.activeSize} × ${q.instanceType})` : `${q.activeSize} × ${q.instanceType} (vCPUs unknown)`;
    const quota = q.quotaVcpus !== undefined ? `, On-Demand Standard quota ${q.quotaVcpus}` : "";
    const verdict = q.verdict === "short" ? `SHORT by ${(q.neededVcpus ?? 0) - (q.quotaVcpus ?? 0)} vCPUs` : q.verdict;
    return `${q.region} (${q.awsRegion}): ${need}${quota}: ${verdict}${q.verdict === "unknown" ? ` (${q.detail})` : ""}`;
}
