// The operator CLI: `sftp-failover <verb>`. One module per verb in commands/; this file only wires
// them together, refuses unknown flags (.strict()) and maps usage errors to exit code 2. The
// executable is ./bin.ts, which chooses the backends (AWS, or the sandbox with --sandbox).
import yargs, { Argv, CommandModule } from "yargs";
import { packageName, packageVersion } from "../engine/locations";
import { awsOnly, backendChoiceKey, CliBackendChoice } from "./backends";
import { exitCodeHelp, exitCodeOf, exitCodes, oneLine, UsageError } from "./errors";
import { GlobalArgs, withGlobalOptions } from "./options";
import { bootstrapCommand } from "./commands/bootstrap";
import { checkCommand } from "./commands/check";
import { failbackCommand } from "./commands/failback";
import { failoverCommand } from "./commands/failover";
import { fenceCommand } from "./commands/fence";
import { historyCommand } from "./commands/history";
import { hostKeysCommand } from "./commands/hostkeys";
import { initCommand } from "./commands/init";
import { planCommand } from "./commands/plan";
import { postureCommand } from "./commands/posture";
import { reconcileCommand } from "./commands/reconcile";
import { statusCommand } from "./commands/status";
import { unfenceCommand } from "./commands/unfence";
import { unlockCommand } from "./commands/unlock";
import { verifyCommand } from "./commands/verify";

/** The positional each verb requires, for a message that names it. */
const positionals: Readonly<Record<string, string>> = {
    plan: "<posture>",
    posture: "<posture>",
    fence: "<region> (primary or secondary)",
    unfence: "<region> (primary or secondary)",
    verify: "<region> (primary or secondary)",
    hostkeys: "<action> (generate, import, show or canary)",
};

/** Every verb's command module, in the order `--help` lists them. */
export const verbCommands: readonly CommandModule<GlobalArgs, never>[] = [
    initCommand,
    statusCommand,
    checkCommand,
    planCommand,
    postureCommand,
    failoverCommand,
    failbackCommand,
    fenceCommand,
    unfenceCommand,
    historyCommand,
    bootstrapCommand,
    hostKeysCommand,
    unlockCommand,
    verifyCommand,
    reconcileCommand,
] as unknown as readonly CommandModule<GlobalArgs, never>[];

/** The verb a command module declares: the first word of its `command`. */
export function verbNameOf(command: CommandModule<GlobalArgs, never>): string {
    return String(command.command ?? "").split(" ")[0];
}

/** The verb of a command line: its first word that names one. */
function verbOf(argv: readonly string[]): string | undefined {
    const verbs = verbCommands.map(verbNameOf);
    return argv.find((a) => verbs.includes(a));
}

/** yargs' own message, reworded where it names the wrong thing. */
function usageMessage(msg: string, argv: readonly string[]): string {
    const verb = verbOf(argv);
    if (/^Not enough non-option arguments/.test(msg) && verb !== undefined && positionals[verb] !== undefined) {
        return `${verb}: ${positionals[verb]} is required`;
    }
    // yargs puts the detail of some messages on further lines ("Invalid values:\n  Argument: …"),
    // and the CLI prints one line.
    return msg.replace(/:\s*\n\s*/g, ": ").replace(/\s*\n\s*/g, "; ");
}

/** The options that take a list, one value per occurrence (each validates its own entries). */
const listOptions: ReadonlySet<string> = new Set(["sftp-endpoint", "dns-server", "region-address"]);

/**
 * Refuses a flag given twice: yargs would turn it into a list, which no other option here accepts,
 * and the last-one-wins alternative would silently drop what the operator typed.
 */
function refuseRepeatedFlags(parsed: Record<string, unknown>): true {
    for (const [key, value] of Object.entries(parsed)) {
        if (key !== "_" && Array.isArray(value) && !/[A-Z]/.test(key) && !listOptions.has(key)) {
            throw new UsageError(`--${key} was given more than once (${value.map((v) => JSON.stringify(v)).join(", ")}); give it once`);
        }
    }
    return true;
}

/**
 * A boolean flag takes no value, or `=true`/`=false`. yargs reads any other value as false, so
 * `--quiesce=yes` would silently switch without the quiesce: refused instead, naming the flag.
 */
function refuseValuedBooleans(parsed: Record<string, unknown>, argv: readonly string[]): true {
    for (const token of argv) {
        if (token === "--") {
            break;
        }
        const valued = /^--(no-)?([^=]+)=(.*)$/s.exec(token);
        if (valued !== null && typeof parsed[valued[2]] === "boolean" && valued[3] !== "true" && valued[3] !== "false") {
            throw new UsageError(`--${valued[1] ?? ""}${valued[2]} takes no value, or =true or =false (got ${JSON.stringify(valued[3])})`);
        }
    }
    return true;
}

/** One example per verb, shown in its `--help` (fence and unfence carry their own). */
const examples: Readonly<Record<string, readonly [string, string]>> = {
    status: ["$0 status", "posture, weights, who Route 53 answers, fences, lock, an unfinished switch"],
    plan: ["$0 plan failover", "the steps, each stack's preview, the modelled RTO and costs; changes nothing"],
    posture: ['$0 posture active-active --weights 70/30 --reason "load test" --yes', "scale both regions up, then split DNS 70/30"],
    failover: ['$0 failover --reason "us-east-1 outage" --yes', "serve from the secondary; an unreachable primary is fenced"],
    failback: ['$0 failback --reason "primary recovered" --yes', "back to active-passive once replication has caught up"],
    history: ["$0 history --since 2026-11-01 --limit 20", "the last 20 audit entries since November 1st"],
    init: ["$0 init sftp-ops", "a starter project in ./sftp-ops: Pulumi.yaml, the stack files, users.yaml, .gitignore"],
    hostkeys: ["$0 hostkeys generate", "one set of host keys, stored as secret config in both regional stacks"],
    bootstrap: ["$0 bootstrap --yes", "create and deploy the three stacks from nothing, in the order S3 accepts"],
    verify: ["$0 verify secondary", "log in to the secondary as the canary: host key, put, get, list, delete"],
    unlock: ['$0 unlock --reason "CI runner died mid-switch" --yes', "clear a lock whose holder is gone (audited)"],
    reconcile: [
        "$0 reconcile --serving-bucket b-secondary --serving-region us-west-2 --other-bucket b-primary --other-region us-east-1",
        "what the serving bucket holds that replication has not delivered",
    ],
};

/**
 * A verb with the shared options added after its own, so its `--help` lists what the verb takes
 * first (yargs prints option groups in the order they are first declared).
 */
function withGlobalsLast<T>(command: CommandModule<GlobalArgs, T>): CommandModule<object, T> {
    const own = command.builder as ((y: Argv<GlobalArgs>) => Argv<unknown>) | undefined;
    const positionalNames = [...String(command.command ?? "").matchAll(/[<[]([\w-]+)/g)].map((m) => m[1]);
    return {
        ...command,
        builder: (y: Argv<object>) => {
            const built = (own !== undefined ? own(y as Argv<GlobalArgs>) : y) as Argv<GlobalArgs>;
            // Named before the shared group exists, the verb's own options are listed first.
            const options = (built as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } }).getOptions();
            const aliases = new Set(Object.values(options.alias).flat());
            const ownKeys = Object.keys(options.key).filter((k) => !["help", "version", ...positionalNames].includes(k) && !aliases.has(k));
            const verb = verbNameOf(command as unknown as CommandModule<GlobalArgs, never>);
            const example = examples[verb];
            const grouped = ownKeys.length > 0 ? built.group(ownKeys, "Options:") : built;
            return withGlobalOptions(example !== undefined ? grouped.example(example[0], example[1]) : grouped) as unknown as Argv<T>;
        },
    } as CommandModule<object, T>;
}

/** Builds the parser (exported for tests that inspect it without spawning). */
export function cli(argv: readonly string[]) {
    const parser = yargs(argv as string[])
        // One name for the package, the bin and the help.
        .scriptName(packageName)
        .usage("$0 <command> [options]\n\nSwitch the SFTP service's failover posture safely, in order, resumably.");
    for (const command of verbCommands) {
        parser.command(withGlobalsLast(command));
    }
    return parser
        .demandCommand(1, "a command is required")
        .strict()
        .check((parsed) => refuseRepeatedFlags(parsed) && refuseValuedBooleans(parsed, argv), true)
        .epilogue(exitCodeHelp)
        .fail((msg, err) => {
            // Throwing stops yargs before any handler runs: a bad flag must change nothing.
            throw err ?? new UsageError(usageMessage(msg, argv));
        })
        .help()
        .version(packageVersion())
        .wrap(Math.min(110, process.stdout.columns ?? 110));
}

/**
 * Parses and runs against the backends the entry offers (AWS alone by default, so `--sandbox` is
 * refused unless the entry offers the sandbox); the exit code is left in process.exitCode.
 */
export async function runCli(argv: readonly string[], backends: CliBackendChoice = awsOnly): Promise<void> {
    try {
        // The choice reaches every handler through yargs' parse context (see backendChoiceKey).
        await cli(argv).parseAsync(argv as string[], { [backendChoiceKey]: backends });
    } catch (err) {
        // yargs' own validation (unknown flag, missing argument) arrives here, thrown by .fail().
        const usage = err instanceof UsageError || (err instanceof Error && err.name === "YError");
        const line = oneLine(err);
        // With --json, every error is JSON on stdout — a usage error included.
        if (argv.includes("--json")) {
            process.stdout.write(`${JSON.stringify({ error: { name: usage ? "UsageError" : ((err as Error).name ?? "Error"), message: line } }, null, 2)}\n`);
        }
        process.stderr.write(`error: ${line}${usage ? " (see --help)" : ""}\n`);
        process.exitCode = usage ? exitCodes.badInput : exitCodeOf(err);
    }
}

if (require.main === module) {
    // Run directly, this module would parse nothing and exit 0, which reads as success.
    process.stderr.write("error: automation/cli/main holds the CLI's library; run the sftp-failover executable (automation/cli/bin)\n");
    process.exitCode = 2;
}
