// The fence coordinates and weights of the dns stack, derived from its stack file
// (Pulumi.<dns>.yaml) without the engine: the fallback of the emergency fence on a machine that has
// never read the deployed stack (a second operator's laptop, a fresh CI runner).
//
// The coordinates come from the very function the DNS component uses (fenceCoordinates, with the
// record name as the service, as components/dns-failover.ts does), fed the same config keys that
// stacks/config/dns.ts reads (both take them from stacks/contract.ts, which loads nothing at run
// time); test/unit/fence-cache.test.ts checks the two agree. stacks/config/dns.ts is not
// imported here because it loads the Pulumi SDK, which the emergency path must not; the YAML parser
// is loaded only when a stack file is actually read (the emergency fence with a cache never does).
import * as fs from "node:fs";
import * as path from "node:path";
import { FenceCoordinates, fenceCoordinates } from "../../components/dns-fence-coordinates";
import { ConfigKey, configKeys } from "../../stacks/contract";
import { parsePosture, postureSpec, validateWeights, Weights } from "../../foundation/posture";

/** What the stack file says. */
export interface DnsStackFileFacts {
    /** The stack file read. */
    readonly file: string;
    readonly coordinates: FenceCoordinates;
    /** The weights of the configured posture (the desired state; a switch in flight may differ). */
    readonly weights?: Weights;
    readonly posture?: string;
}

/** The stack file of a stack (`organization/sftp-failover/dns` → `Pulumi.dns.yaml`), as Pulumi names it. */
export function dnsStackFile(projectDir: string, dnsStack: string): string {
    return path.join(projectDir, `Pulumi.${dnsStack.split("/").pop() ?? dnsStack}.yaml`);
}

/**
 * Reads the dns stack's file and derives the fence coordinates (and, when the posture is valid, the
 * weights).
 *
 * @throws Error (one line naming the file and key) when the file is missing or unreadable, is not a
 *   dns stack, has no `recordName`, or holds a fence key that is not a plain string.
 */
export async function readDnsStackFile(projectDir: string, dnsStack: string): Promise<DnsStackFileFacts> {
    const file = dnsStackFile(projectDir, dnsStack);
    const { parse } = await import("yaml");
    let doc: unknown;
    try {
        doc = parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(code === "ENOENT" ? `${file} does not exist` : `${file} cannot be read: ${(err as Error).message.split("\n")[0]}`);
    }
    const config = ((doc as { config?: unknown } | null)?.config ?? {}) as Record<string, unknown>;
    const text = (key: ConfigKey): string | undefined => {
        const value = config[key];
        if (value === undefined || value === null) {
            return undefined;
        }
        if (typeof value !== "string") {
            // A `secure:` value, or a map: not something a fence coordinate can be derived from.
            throw new Error(`${file}: ${key} must be a plain string to derive the fence (got ${typeof value === "object" ? "a map" : typeof value})`);
        }
        return value;
    };
    const role = text(configKeys.role);
    if (role !== "dns") {
        throw new Error(`${file}: ${configKeys.role} is ${JSON.stringify(role ?? null)}, not dns`);
    }
    const recordName = text(configKeys.recordName);
    if (recordName === undefined || recordName.trim() === "") {
        throw new Error(`${file}: ${configKeys.recordName} is required (it names the fence's service dimension)`);
    }
    const coordinates = fenceCoordinates({
        service: recordName,
        ...optional("region", text(configKeys.fenceRegion)),
        ...optional("namespace", text(configKeys.fenceNamespace)),
        ...optional("metricName", text(configKeys.fenceMetricName)),
    });
    return { file, coordinates, ...weightsOf(config) };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
    return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** The configured posture's weights; nothing when the posture or weights do not validate. */
function weightsOf(config: Record<string, unknown>): { weights?: Weights; posture?: string } {
    try {
        const posture = parsePosture(String(config[configKeys.posture] ?? "active-passive"));
        const raw = config[configKeys.activeActiveWeights] as Partial<Weights> | undefined;
        const aa = raw === undefined ? undefined : validateWeights({ primary: Number(raw.primary), secondary: Number(raw.secondary) });
        return { posture, weights: postureSpec(posture, aa).weights };
    } catch {
        // The weights only inform the warning before a fence; a bad value here must not stop it.
        return {};
    }
}
