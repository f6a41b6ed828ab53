// The sandbox's Service Quotas: each region's On-Demand Standard vCPU quota (L-1216C47A), kept in
// the world's folder so the CLI, the SDK and tests read the same value. A region nobody set has the
// sandbox's default; a test sets a region short, or unreadable (the reader then answers with a
// problem, as Service Quotas does when it is denied or does not answer).
import * as fs from "node:fs";
import * as path from "node:path";
import { makeFolder } from "../foundation/folders";
import type { OnDemandQuotaReader, QuotaReading } from "../automation/standby-quota";

/**
 * The quota of a region nobody set: the sandbox's choice, not AWS's (an account's applied value
 * varies), large enough for the example stacks' active sizes.
 */
export const sandboxDefaultOnDemandVcpus = 64;

/** A region's quota in the model: vCPUs, or unreadable. */
export type SandboxQuota = number | "unreadable";

/** The file of the model, in a folder of the world that holds no resource (World.list reads `*.json` files only). */
function quotaFile(worldDir: string): string {
    return path.join(worldDir, "service-quotas", "on-demand-standard-vcpus.json");
}

function readAll(worldDir: string): Record<string, SandboxQuota> {
    try {
        return JSON.parse(fs.readFileSync(quotaFile(worldDir), "utf8")) as Record<string, SandboxQuota>;
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
            return {};
        }
        throw err;
    }
}

/** Sets a region's quota in the sandbox's world (tests, and anyone trying a shortage out). */
export function setSandboxOnDemandQuota(worldDir: string, awsRegion: string, quota: SandboxQuota): void {
    const file = quotaFile(worldDir);
    makeFolder(path.dirname(file));
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify({ ...readAll(worldDir), [awsRegion]: quota }));
    fs.renameSync(temp, file);
}

/** The sandbox's quota reader over the world in `worldDir`. */
export function sandboxOnDemandQuota(worldDir: string): OnDemandQuotaReader {
    const name = "sandbox quota model";
    return {
        name,
        async read(awsRegion: string): Promise<QuotaReading> {
            const quota = readAll(worldDir)[awsRegion] ?? sandboxDefaultOnDemandVcpus;
            return quota === "unreadable" ? { problem: `${name}: ${awsRegion}'s quota is set unreadable` } : { vcpus: quota, source: name };
        },
    };
}
