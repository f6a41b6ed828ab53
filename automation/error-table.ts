// The one table of what can go wrong: every error class the SDK and the CLI throw, the CLI's exit
// code for it, what it means and what to do; and the exit codes of outcomes that are not errors.
// The CLI's exit codes and its --help epilogue, docs/driver.md and test/unit/error-table.test.ts all
// read it, so a new error class or a changed code is written here once.
//
// Plain data: it names classes and does not import them, so the CLI's error mapping loads no SDK
// client (the emergency fence starts without Pulumi). Each class sets `name` to its class name, and
// an error's row is found by walking its prototype chain to the nearest class the table lists.

/** Exit codes of the CLI. */
export const exitCodes = { ok: 0, failed: 1, badInput: 2, degraded: 3, checkFailed: 4, unverified: 5, notReady: 6, interrupted: 130 } as const;

/** One error class. */
export interface ErrorRow {
    /** The class's name, and its `name`. */
    readonly name: string;
    /** The class it extends (undefined for a class extending Error itself). */
    readonly parent?: string;
    /** The CLI's exit code when this error ends a command. */
    readonly exitCode: number;
    /** When it is thrown. */
    readonly when: string;
    /** What to do. */
    readonly action: string;
}

/** Every error class the SDK and the CLI throw, parents before their subclasses. */
export const errorTable: readonly ErrorRow[] = [
    {
        name: "FailoverError",
        exitCode: exitCodes.failed,
        when: "base of the driver's errors; thrown itself when the engine or a store fails (cannot list or read a stack, the fence call fails, the DNS step's API is down with no region to fence): the Automation API or SDK error is its `cause`",
        action: "read the message and `cause`; rerun once fixed",
    },
    {
        name: "BadInputError",
        parent: "FailoverError",
        exitCode: exitCodes.badInput,
        when: "unknown posture/region/stack, weights out of range, no reason for failover, a stack config the programs would refuse, a stack that is not the role it is given, an unwritable journal or audit log, a prompt declined",
        action: "fix the input; nothing was changed",
    },
    {
        name: "UsageError",
        parent: "BadInputError",
        exitCode: exitCodes.badInput,
        when: "CLI only: a flag or argument refused before anything runs (unknown flag, missing positional, a flag given twice, a boolean flag given a value other than true or false, no `--yes` on a non-terminal); yargs' own parse errors are reported under this name too",
        action: "fix the command line (`--help`); nothing was changed",
    },
    {
        name: "AnswerSafetyError",
        parent: "BadInputError",
        exitCode: exitCodes.badInput,
        when: "a switch whose predicted Route 53 answer harms clients, or depends on unknown health that was not accepted; `prediction` holds every case",
        action: "fix the region, or `force` with a `reason`, or `acceptUnknownHealth`; nothing was changed",
    },
    {
        name: "StarterProjectError",
        parent: "BadInputError",
        exitCode: exitCodes.badInput,
        when: "`init` refused its folder: a starter file already there (without `force`), a file where the folder should be, or a folder it cannot create or write",
        action: "choose another folder, or `--force` to overwrite the starter files; nothing was written",
    },
    {
        name: "HarmfulFenceError",
        parent: "BadInputError",
        exitCode: exitCodes.badInput,
        when: "a fence or unfence whose predicted answer harms clients",
        action: "`force` with a `reason`; nothing was changed",
    },
    {
        name: "NothingToFenceError",
        parent: "BadInputError",
        exitCode: exitCodes.badInput,
        when: "a fence while the dns stack is not deployed or no alarm watches the fence metric",
        action: "deploy the dns stack; nothing was changed",
    },
    {
        name: "FenceNotConfirmedError",
        parent: "BadInputError",
        exitCode: exitCodes.badInput,
        when: "a fence whose reading is unknown or that moves clients, without `yes`",
        action: "confirm (`yes`, the CLI's `--yes`); nothing was changed",
    },
    {
        name: "LockedError",
        parent: "FailoverError",
        exitCode: exitCodes.failed,
        when: "another operation holds the lock (after `waitMs`); `holder` says who",
        action: "wait (`waitMs`) or ask the holder",
    },
    {
        name: "LockLostError",
        parent: "FailoverError",
        exitCode: exitCodes.failed,
        when: "the switch's lock was broken or taken over mid-switch; it stopped before its next step and fenced nothing; `holder` says who holds it now",
        action: "see `status`; ask the new holder",
    },
    {
        name: "RegionUnreachableError",
        parent: "FailoverError",
        exitCode: exitCodes.failed,
        when: "the region that must take traffic cannot be scaled up (DNS untouched)",
        action: "fix the region or choose another posture",
    },
    {
        name: "ReplicationBacklogError",
        parent: "FailoverError",
        exitCode: exitCodes.failed,
        when: "failback while replication is behind or cannot be measured (no datapoint, CloudWatch unreachable — `cause` is a ReplicationMetricsUnavailableError — or stacks that export no buckets); `backlog` holds the figures read",
        action: "wait, or `force`; nothing was changed",
    },
    {
        name: "SwitchStoppedError",
        parent: "FailoverError",
        exitCode: exitCodes.failed,
        when: "a step failed for a reason that is not its region's; `done` lists the steps done before it; nothing fenced",
        action: "fix the cause, rerun",
    },
    {
        name: "NotDeployedError",
        parent: "FailoverError",
        exitCode: exitCodes.notReady,
        when: "`plan` on stacks that hold no deployment, never deployed or torn down (`notDeployed` names them)",
        action: "`bootstrap` (or `pulumi up` of each stack in the bootstrap order); nothing was changed",
    },
    {
        name: "AbortedError",
        parent: "FailoverError",
        exitCode: exitCodes.interrupted,
        when: "the `signal` fired (the CLI: SIGINT or SIGTERM); an already-aborted signal throws before anything is read or changed",
        action: "rerun (a switch or bootstrap resumes where the journal says)",
    },
    {
        name: "InvalidPostureError",
        exitCode: exitCodes.badInput,
        when: "`parsePosture` or `validateWeights` refused a value (the controller reports it as a BadInputError)",
        action: "use a posture of `postures` and weights 0–255",
    },
    {
        name: "ReplicationMetricsUnavailableError",
        exitCode: exitCodes.failed,
        when: "`cloudWatchReplicationMetrics().backlog` could not read CloudWatch (unreachable, denied, timed out, aborted)",
        action: "check the endpoint and credentials; failback reports it as the cause of a ReplicationBacklogError",
    },
    {
        name: "FenceError",
        exitCode: exitCodes.failed,
        when: "the default fence client could not read or write the fence metric in CloudWatch (the controller reports it as the cause of a FailoverError)",
        action: "check CloudWatch in the fence region; the emergency fence works without the engine",
    },
    {
        name: "SecretConfigError",
        exitCode: exitCodes.failed,
        when: "`bootstrap` could not store the canary's key in a stack's secret config (the engine refused)",
        action: "check the stack's secrets provider (passphrase)",
    },
    {
        name: "ReconcileError",
        exitCode: exitCodes.failed,
        when: "`reconcileBuckets` could not list or read a bucket",
        action: "check the buckets, endpoint and credentials",
    },
];

/**
 * Error classes that never leave the SDK or the CLI: each is caught and turned into a row above.
 * Listed so the test that finds every class in automation/ knows they are accounted for.
 */
export const internalErrors: Readonly<Record<string, string>> = {
    StepTimeoutError: "classified by the failure policy: the step's region counts as unreachable (degraded, or RegionUnreachableError)",
    SinceError: "`history --since` turns it into a UsageError",
};

/** Every exit code: a short label for --help, and what it means. Codes 1, 2 and 130 are errors' (see errorTable). */
export const exitCodeTable: readonly { readonly code: number; readonly short: string; readonly meaning: string }[] = [
    { code: exitCodes.ok, short: "ok", meaning: "ok (including \"already in that posture\", and an unfence of a region that is not fenced)" },
    { code: exitCodes.failed, short: "failed", meaning: "failed: an engine or store error, a switch stopped, the lock held, the region that must serve unreachable, replication behind; the line names it" },
    { code: exitCodes.badInput, short: "bad input or declined (nothing changed)", meaning: "bad input or declined: one line naming the flag, key or value, or the harm a switch or fence would do; nothing changed" },
    { code: exitCodes.degraded, short: "degraded (serving, with steps left)", meaning: "degraded: serving, with fenced regions and steps left to run" },
    { code: exitCodes.checkFailed, short: "switched, but the check after DNS moved failed", meaning: "switched, but the check after DNS moved failed (`--dns-server`): DNS has moved and stays moved" },
    { code: exitCodes.unverified, short: "switched unverified (no canary, or --skip-verify)", meaning: "switched unverified: a region that gained answers could not be verified (no canary) or the gate was skipped (`--skip-verify`)" },
    { code: exitCodes.notReady, short: "not ready: `check`'s findings, or `plan` with stacks not deployed", meaning: "not ready: `check` found the service not ready for a failover (each finding names what to run), or `plan` found stacks without a deployment (never deployed or torn down; one line naming them and `bootstrap`)" },
    { code: exitCodes.interrupted, short: "interrupted (the journal records where)", meaning: "interrupted (SIGINT/SIGTERM, or the SDK's `signal`): the engine was cancelled and the journal records where; rerun to resume" },
];

/** The row of an error: its own class's, else the nearest ancestor's the table lists; undefined for an error of no listed class. */
export function errorRowOf(err: unknown): ErrorRow | undefined {
    // Bounded by the prototype chain, which ends at Object.prototype.
    for (let proto: unknown = err !== null && typeof err === "object" ? Object.getPrototypeOf(err) : null; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
        const name = (proto as { constructor?: { name?: string } }).constructor?.name;
        const row = errorTable.find((r) => r.name === name);
        if (row !== undefined) {
            return row;
        }
    }
    return undefined;
}

/** The CLI's exit code for an error: its row's, or 1 (failed) for an error of no listed class. */
export function exitCodeOfError(err: unknown): number {
    return errorRowOf(err)?.exitCode ?? exitCodes.failed;
}

/** The exit codes as the end of --help shows them: each code, then the error classes of each. */
export function exitCodeHelpText(): string {
    const codes = exitCodeTable.map((r) => `${r.code} ${r.short}`).join(" · ");
    const errors = exitCodeTable
        .map((r) => ({ code: r.code, names: errorTable.filter((e) => e.exitCode === r.code).map((e) => e.name) }))
        .filter((r) => r.names.length > 0)
        .map((r) => `${r.code}: ${r.names.join(", ")}`)
        .join("; ");
    return `Exit codes: ${codes}. Errors by exit code — ${errors} (docs/driver.md#exit-codes).`;
}

/** The two tables as Markdown, as docs/driver.md carries them (test/unit/error-table.test.ts compares). */
export function errorTableMarkdown(): string {
    const cell = (text: string) => text.replace(/\|/g, "\\|");
    return [
        "| error | extends | exit code | when | what to do |",
        "| --- | --- | --- | --- | --- |",
        ...errorTable.map((r) => `| \`${r.name}\` | \`${r.parent ?? "Error"}\` | ${r.exitCode} | ${cell(r.when)} | ${cell(r.action)} |`),
        "",
        "| exit code | meaning |",
        "| --- | --- |",
        ...exitCodeTable.map((o) => `| ${o.code} | ${cell(o.meaning)} |`),
    ].join("\n");
}
