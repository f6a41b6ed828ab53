// Preflight: everything a switch checks before it changes anything. Each stack's config is
// validated in-process by the very loaders its program runs (stacks/config), each stack is checked
// to BE the role it is given, and the driver's own files are checked to be writable. Any failure is
// a one-line BadInputError naming the file, the key and the value — and nothing has been changed.
import * as path from "node:path";
import { checkFenceRegion } from "../../components/dns-fence-coordinates";
import { DnsConfig, loadDnsConfig } from "../../stacks/config/dns";
import { parseRegionalConfig, RegionalConfig } from "../../stacks/config/regional";
import { ConfigEntry, ConfigReader } from "../../stacks/config/source";
import { invisibleCharacterProblem } from "../../stacks/config/text";
import { configKeys, configNamespace, regionEndpointKey, regionStackKey, sameStackName, shortStackName } from "../../stacks/contract";
import { fileProblem, folderProblem } from "../../foundation/folders";
import { RegionName, regionNames } from "../../foundation/posture";
import { BadInputError } from "./errors";
import { StackKey } from "./planner";

/** The config of the three stacks, as `stack.getAllConfig()` returns it (secrets included). */
export type StackConfigs = Readonly<Record<StackKey, Readonly<Record<string, ConfigEntry>>>>;

/** What preflight learned: the validated config of each stack. */
export interface PreflightFacts {
    readonly regional: Readonly<Record<RegionName, RegionalConfig>>;
    readonly dns: DnsConfig;
}

/**
 * The stack names of the three roles: each non-empty, no two naming one stack (`sameStackName`).
 * The controller and bootstrap both check them here.
 *
 * @throws BadInputError naming the roles.
 */
export function checkStackNames(names: Readonly<Record<StackKey, string>>): void {
    const keys = Object.keys(names) as StackKey[];
    for (const key of keys) {
        if (names[key].trim() === "") {
            throw new BadInputError(`stacks.${key} must not be empty`);
        }
        const invisible = invisibleCharacterProblem(names[key]);
        if (invisible !== undefined) {
            throw new BadInputError(`stacks.${key} ${invisible}`);
        }
    }
    for (const [i, a] of keys.entries()) {
        const b = keys.slice(i + 1).find((k) => sameStackName(names[a], names[k]));
        if (b !== undefined) {
            throw new BadInputError(`stacks must be three different stacks: ${a} and ${b} name the same stack (got ${keys.map((k) => `${k}=${names[k]}`).join(", ")})`);
        }
    }
}

/** The stack file of a stack, for messages. */
export function stackFile(name: string): string {
    return `Pulumi.${shortStackName(name)}.yaml`;
}

function where(names: Readonly<Record<StackKey, string>>, key: StackKey): string {
    return `${stackFile(names[key])} (stack ${names[key]})`;
}

function firstLine(err: unknown): string {
    return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}

function checkRole(names: Readonly<Record<StackKey, string>>, key: StackKey, config: ConfigReader): void {
    const want = key === "dns" ? "dns" : "regional";
    const role = config.get(configKeys.role);
    if (role !== want) {
        throw new BadInputError(`${where(names, key)}: ${configKeys.role} is ${JSON.stringify(role ?? null)}, but the ${key} stack must have role ${want}`);
    }
}

function regionalOf(names: Readonly<Record<StackKey, string>>, region: RegionName, entries: Readonly<Record<string, ConfigEntry>>, projectDir: string): RegionalConfig {
    const config = ConfigReader.fromEntries(entries);
    checkRole(names, region, config);
    try {
        return parseRegionalConfig(config, { projectDir });
    } catch (err) {
        const line = firstLine(err);
        // Users errors name the user, not the key: say which file they come from.
        const usersFile = path.resolve(projectDir, entries[configKeys.usersFile]?.value ?? "users.yaml");
        const subject = line.startsWith(`${configNamespace}:`) || line.includes(usersFile) ? line : `${usersFile}: ${line}`;
        throw new BadInputError(`${where(names, region)}: ${subject}`, { cause: err });
    }
}


/**
 * Checks that the stacks are the roles they are given: each regional stack says it is that region,
 * the two regions are each other's peers, and the dns stack's records point at exactly these stacks.
 * Given `--primary-stack secondary --secondary-stack primary`, this is what refuses.
 */
export function checkIdentity(names: Readonly<Record<StackKey, string>>, facts: PreflightFacts): void {
    for (const region of regionNames) {
        const cfg = facts.regional[region];
        if (cfg.regionName !== region) {
            throw new BadInputError(
                `stack ${names[region]} was given as the ${region} stack, but ${stackFile(names[region])} has ${configKeys.regionName} ${cfg.regionName} (are the stacks swapped?)`,
            );
        }
    }
    const { primary, secondary } = facts.regional;
    try {
        checkFenceRegion(facts.dns.fence.region, { primary: primary.region, secondary: secondary.region }, configKeys.fenceRegion);
    } catch (err) {
        throw new BadInputError(`${where(names, "dns")}: ${(err as Error).message}`, { cause: err });
    }
    if (primary.peerRegion !== secondary.region || secondary.peerRegion !== primary.region) {
        throw new BadInputError(
            `the regional stacks are not each other's peers: ${stackFile(names.primary)} has region ${primary.region} / peerRegion ${primary.peerRegion}, ${stackFile(names.secondary)} has region ${secondary.region} / peerRegion ${secondary.peerRegion}`,
        );
    }
    for (const region of regionNames) {
        const source = facts.dns.endpoints[region];
        const key = regionStackKey(region);
        if (source.kind === "stack" && !sameStackName(source.stackName, names[region])) {
            throw new BadInputError(`${where(names, "dns")}: ${key} is ${source.stackName}, but the ${region} stack given is ${names[region]} (are the stacks swapped?)`);
        }
        if (source.kind === "endpoint" && source.region !== undefined && source.region !== facts.regional[region].region) {
            throw new BadInputError(
                `${where(names, "dns")}: ${regionEndpointKey(region)}.region is ${source.region}, but ${stackFile(names[region])} has region ${facts.regional[region].region}`,
            );
        }
    }
}

/**
 * Validates the three stacks' config with the programs' own loaders, then their identities.
 *
 * @throws BadInputError naming the stack file, the key and the value.
 */
export function checkStackConfigs(names: Readonly<Record<StackKey, string>>, configs: StackConfigs, projectDir: string): PreflightFacts {
    const regional = {
        primary: regionalOf(names, "primary", configs.primary, projectDir),
        secondary: regionalOf(names, "secondary", configs.secondary, projectDir),
    };
    const dnsReader = ConfigReader.fromEntries(configs.dns);
    checkRole(names, "dns", dnsReader);
    let dns: DnsConfig;
    try {
        dns = loadDnsConfig(dnsReader);
    } catch (err) {
        throw new BadInputError(`${where(names, "dns")}: ${firstLine(err)}`, { cause: err });
    }
    const facts = { regional, dns };
    checkIdentity(names, facts);
    return facts;
}

/** The driver's own files. */
export interface DriverFiles {
    readonly journal: string;
    readonly audit: string;
    readonly lock: string;
}

/**
 * Checks, without creating anything, that the journal, the audit log and the lock can be written:
 * a switch whose audit entry cannot be written must not start.
 *
 * @throws BadInputError naming the file and the error code.
 */
export function checkDriverFiles(files: DriverFiles): void {
    const checks: [string, string, string | undefined][] = [
        ["journal", files.journal, fileProblem(files.journal)],
        ["audit log", files.audit, fileProblem(files.audit)],
        ["lock folder", path.dirname(files.lock), folderProblem(path.dirname(files.lock))],
    ];
    for (const [label, file, problem] of checks) {
        if (problem !== undefined) {
            throw new BadInputError(`${label} ${file} cannot be written (${problem}); nothing was changed`);
        }
    }
}

/**
 * Checks, without creating it, that a journal folder the caller named can be made and written: the
 * folder also holds the fence cache every operation refreshes, so a folder that cannot exist
 * (`/proc/x`, a path through a file) is refused before anything reads a stack, not found later.
 * Undefined (the default folder beside the project) is not checked here: a switch checks its files
 * in preflight, and a read-only checkout may still show status.
 *
 * @throws BadInputError naming the folder and the error code.
 */
export function checkJournalDir(dir: string | undefined): void {
    if (dir === undefined) {
        return;
    }
    const problem = folderProblem(dir);
    if (problem !== undefined) {
        throw new BadInputError(`journal folder ${path.resolve(dir)} cannot be written (${problem}); nothing was changed`);
    }
}
