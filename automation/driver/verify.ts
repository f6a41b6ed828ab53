// Verifying a region the way a customer uses it, before clients are sent there: its SFTP endpoint
// must present one of the shared host keys, the canary must log in, and a canary object must go up,
// come back byte for byte, show in a listing and be deleted (automation/probes/sftp.ts).
import { throwIfAborted } from "./tasks";
import { configKeys, RawOutputs, readRegionalOutputs, RegionalOutputs } from "../../stacks/contract";
import { RegionName } from "../../foundation/posture";
import { SftpProbeStage, SftpProbeTimings, probeSftp } from "../probes/sftp";
import { SftpEndpoint } from "./sftp-endpoint";

export { parseEndpoint } from "./sftp-endpoint";
export type { SftpEndpoint } from "./sftp-endpoint";

/** What verifying one region found. */
export interface VerifyResult {
    readonly region: RegionName;
    /** True only when every check passed. */
    readonly ok: boolean;
    /** `host:port` probed, when the probe ran. */
    readonly endpoint?: string;
    /** Where the probe stopped, when it failed. */
    readonly stage?: SftpProbeStage;
    /** One line: why it failed, or why it could not run. */
    readonly message?: string;
    /** Set when there was nothing to verify with: the region has no canary configured. */
    readonly unverifiable?: true;
    readonly hostKeyFingerprint?: string;
    readonly timings?: SftpProbeTimings;
}

/** What {@link verifyRegion} needs to know about a region. */
export interface VerifyInput {
    readonly region: RegionName;
    /** The regional stack's outputs as deployed (raw, as `status` reads them). */
    readonly outputs: RawOutputs;
    /** The canary's private key (decrypted stack config), when configured. */
    readonly canaryKey?: string;
    /** Overrides the endpoint of the outputs. */
    readonly endpoint?: SftpEndpoint;
    /** Resolves the exported endpoint name first; a rejection makes the region unverifiable with its message. Defaults to none: the SFTP client resolves the name. */
    readonly resolveEndpointName?: (name: string) => Promise<string[]>;
    readonly timeoutMs?: number;
    readonly signal?: AbortSignal;
}

/** The SHA256 host key fingerprints a region exports. */
export function fingerprintsOf(outputs: Partial<RegionalOutputs>): string[] {
    return Object.values(outputs.hostKeyFingerprints ?? {}).filter((v) => v.startsWith("SHA256:"));
}

function endpointOf(outputs: Partial<RegionalOutputs>): SftpEndpoint | undefined {
    const host = outputs.endpointDnsName;
    return host !== undefined && host !== "" ? { host, port: outputs.endpointPort ?? 22 } : undefined;
}

/** {@link VerifyInput} with the regional outputs already parsed through the contract, as the driver holds them. */
export type TypedVerifyInput = Omit<VerifyInput, "outputs"> & { readonly outputs: Partial<RegionalOutputs> };

/** Probes one region as its canary. Never throws for what the region does; every failure is a result. AbortedError when `signal` has already fired. */
export async function verifyRegion(input: VerifyInput): Promise<VerifyResult> {
    return verifyTypedRegion({ ...input, outputs: readRegionalOutputs(input.outputs) });
}

/** {@link verifyRegion} from typed outputs: the driver's path, which parsed them when it read the stack. */
export async function verifyTypedRegion(input: TypedVerifyInput): Promise<VerifyResult> {
    throwIfAborted(input.signal);
    const { region, outputs } = input;
    const user = outputs.canaryUser;
    if (user === undefined || input.canaryKey === undefined) {
        return {
            region,
            ok: false,
            unverifiable: true,
            message: `${region} has no canary to verify with: set the secret ${configKeys.canaryKey} on its stack and deploy it (docs/driver.md)`,
        };
    }
    const fingerprints = fingerprintsOf(outputs);
    if (fingerprints.length === 0) {
        return { region, ok: false, unverifiable: true, message: `${region} exports no hostKeyFingerprints: deploy the regional stack first` };
    }
    const exported = input.endpoint ?? endpointOf(outputs);
    if (exported === undefined) {
        return { region, ok: false, unverifiable: true, message: `${region} exports no endpointDnsName: deploy the regional stack first` };
    }
    let endpoint = exported;
    if (input.endpoint === undefined && input.resolveEndpointName !== undefined) {
        const addresses = await input.resolveEndpointName(exported.host).catch((err: Error) => err);
        if (addresses instanceof Error || addresses.length === 0) {
            return { region, ok: false, unverifiable: true, message: `${region}: ${addresses instanceof Error ? addresses.message : `${exported.host} has no address`}` };
        }
        endpoint = { ...exported, host: addresses[0] };
    }
    const where = `${endpoint.host}:${endpoint.port}`;
    const result = await probeSftp({
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.login ?? user,
        privateKey: input.canaryKey,
        expectedHostKeyFingerprints: fingerprints,
        timeoutMs: input.timeoutMs ?? 20_000,
        ...(input.signal !== undefined ? { signal: input.signal } : {}),
    });
    return result.ok
        ? { region, ok: true, endpoint: where, hostKeyFingerprint: result.hostKeyFingerprint, timings: result.timings }
        : {
              region,
              ok: false,
              endpoint: where,
              stage: result.stage,
              message: `${region} (${where}) failed at ${result.stage}: ${result.message}`,
              ...(result.hostKeyFingerprint !== undefined ? { hostKeyFingerprint: result.hostKeyFingerprint } : {}),
              timings: result.timings,
          };
}
