import { ConfigReader } from "./config/source";
import { configKeys, DnsOutputs, ProgramOutputs, RegionalOutputs } from "./contract";
import { PostureRecordSource } from "./posture-guard";

/** The roles a stack of this project can play. */
export type StackRole = "regional" | "dns";

/** What the caller of the program knows that the engine does not tell an inline program. */
export interface ProgramOptions {
    /** Folder relative config paths (usersFile) are read from. Defaults to the engine's project root, else the nearest folder at or above the current one holding Pulumi.yaml. */
    readonly projectDir?: string;
    /** Where the live posture record is read (stacks/posture-guard.ts); without one, nothing is compared. */
    readonly postureRecords?: PostureRecordSource;
}

/**
 * The program of every stack: reads the stack's role from typed config and builds that stack.
 * Used as the entry point of the Pulumi project (stacks/main.ts) and as the inline program of the
 * Automation API driver, so both run exactly the same code.
 */
export async function program(opts: ProgramOptions = {}): Promise<ProgramOutputs<RegionalOutputs> | ProgramOutputs<DnsOutputs>> {
    const role = ConfigReader.fromRuntime().require(configKeys.role, { allowedValues: ["regional", "dns"] }) as StackRole;
    switch (role) {
        case "regional":
            return (await import("./regional")).regionalStack(opts);
        case "dns":
            return (await import("./dns")).dnsStack(opts);
        default:
            throw new Error(`unknown stack role "${role as string}" (valid: regional, dns)`);
    }
}

/**
 * The program bound to a project folder, for inline runs: the engine gives an inline program no
 * usable root directory, and the users file must come from the project the driver was pointed at.
 */
export function programIn(projectDir: string, postureRecords?: PostureRecordSource): () => ReturnType<typeof program> {
    return () => program({ projectDir, postureRecords });
}
