// The checks a region is put through as a client would use it: `verify` (host key, login, a canary
// object) and the check after DNS moved (the answers and a session through the service name). Both
// take what was read of the stacks; only the canary's key is read here, and only when there is one.
import { RegionName, regionNames, Weights } from "../../foundation/posture";
import { configKeys, RegionalOutputs } from "../../stacks/contract";
import type { ControllerContext } from "./controller-options";
import { readEndpointHealthOf } from "./endpoint-health";
import { BadInputError } from "./errors";
import { PostDnsCheckResult, runPostDnsCheck } from "./post-dns-check";
import { endpointNameLocator, fixedAddressLocator, knownHealth, sharedFingerprints } from "./post-dns-inputs";
import { fenceCoordinatesOf, ReadStatuses } from "./stack-state";
import { AfterDnsCheckOptions, FenceState, VerifyOptions } from "./types";
import { VerifyResult, verifyTypedRegion } from "./verify";

/** What the checks need of the controller. */
export type CheckContext = Pick<ControllerContext, "stacks" | "names" | "fence" | "endpointHealth" | "endpoints" | "resolveEndpointName">;

/** What a switch run passes to the check after DNS. */
export type CheckAfterDnsCall = { readonly fencedInRun: readonly RegionName[]; readonly skip: boolean; readonly signal?: AbortSignal };

/** The region's canary: the user its outputs name and the key in its secret config; none without one. */
async function canaryOf(ctx: CheckContext, region: RegionName, outputs: Partial<RegionalOutputs>): Promise<{ user: string; privateKey: string } | undefined> {
    const user = outputs.canaryUser;
    const key = user !== undefined ? (await ctx.stacks[region].getAllConfig())[configKeys.canaryKey]?.value : undefined;
    return user !== undefined && key !== undefined ? { user, privateKey: key } : undefined;
}

/** `verify` from outputs already read; reads the canary's key only when the region has a canary. */
export async function verifyWith(ctx: CheckContext, region: RegionName, outputs: Partial<RegionalOutputs>, opts: VerifyOptions): Promise<VerifyResult> {
    const canaryKey = (await canaryOf(ctx, region, outputs))?.privateKey;
    const endpoint = opts.endpoint ?? ctx.endpoints?.[region];
    return verifyTypedRegion({
        region,
        outputs,
        ...(canaryKey !== undefined ? { canaryKey } : {}),
        ...(endpoint !== undefined ? { endpoint } : {}),
        ...(ctx.resolveEndpointName !== undefined ? { resolveEndpointName: ctx.resolveEndpointName } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    });
}

/**
 * The check after DNS moved (post-dns-check.ts), from what the switch read: the service name,
 * the shared host keys and each region's canary from the stacks; the fences and endpoint checks
 * as they read now (the run's own fences included), so the expected answer follows Route 53.
 */
export async function checkAfterDns(
    ctx: CheckContext,
    options: AfterDnsCheckOptions,
    stacks: ReadStatuses,
    weights: Weights,
    call: CheckAfterDnsCall,
): Promise<PostDnsCheckResult> {
    const name = options.name ?? stacks.dns.typed.recordFqdn ?? "";
    if (name === "" && !call.skip) {
        throw new BadInputError(`afterDns.name is not given and stack ${ctx.names.dns} exports no recordFqdn`);
    }
    const outputs = { primary: stacks.primary.typed, secondary: stacks.secondary.typed };
    const coordinates = fenceCoordinatesOf(stacks.dns);
    const fence: Record<RegionName, FenceState> = { primary: "unknown", secondary: "unknown" };
    if (coordinates !== undefined && ctx.fence.state !== undefined && !call.skip) {
        for (const region of regionNames) {
            fence[region] = await ctx.fence.state(region, coordinates).catch(() => "unknown" as const);
        }
    }
    const endpointHealth = ctx.endpointHealth !== undefined && !call.skip ? (await readEndpointHealthOf(ctx.endpointHealth, { ...outputs, dns: stacks.dns.typed })).regions : undefined;
    const port = (region: RegionName) => outputs[region].endpointPort ?? 22;
    return runPostDnsCheck({
        name,
        servers: options.servers,
        weights,
        health: knownHealth(fence, call.fencedInRun, endpointHealth),
        fingerprints: sharedFingerprints(outputs),
        locate: options.locate ?? (options.regionAddresses !== undefined ? fixedAddressLocator(options.regionAddresses, ctx.endpoints ?? {}, port) : endpointNameLocator(outputs, ctx.resolveEndpointName)),
        canary: (region) => canaryOf(ctx, region, outputs[region]),
        skip: call.skip,
        ...(options.queries !== undefined ? { queries: options.queries } : {}),
        ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
        ...(call.signal !== undefined ? { signal: call.signal } : {}),
    });
}
