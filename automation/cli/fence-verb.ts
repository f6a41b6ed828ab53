// `fence` and `unfence`. By default the emergency path (automation/fence/emergency.ts): CloudWatch
// in the fence region only, coordinates from the fence cache or the dns stack file, no engine and
// no state backend. `--from-stack` takes the driver's path instead: it opens the three stacks
// through the engine (slower, and it needs the backend, but it knows the deployed coordinates,
// weights and endpoints for certain). Both paths run the one fence operation
// (automation/fence/operation.ts): both fences read from CloudWatch, never fence both, the answer
// predicted from endpoint health, harmful refused unless --force, unknown asked (or --yes).
//
// Only yargs and this package's light modules are imported at the top: the emergency path must not
// load Pulumi, so the driver is imported inside the handler that uses it.
import { Argv, CommandModule } from "yargs";
import { ArgsWithBackends, backendsOf } from "./backends";
import { backendContextOf, confirm, controllerFrom, Io, journalDirOf, notifyOptionsOf, processIo, projectDirOf, regionArg, run } from "./context";
import { UsageError } from "./errors";
import { GlobalArgs } from "./options";
import { renderFence } from "./render";
import { RegionName, regionNames } from "../../foundation/posture";
import type { FenceResult } from "../driver/types";
import type { EmergencyFenceOptions } from "../fence/emergency";
import type { FencePlan } from "../fence/operation";

/** Flags of `fence` and `unfence`. */
export interface FenceArgs extends GlobalArgs {
    readonly region?: string;
    readonly reason?: string;
    readonly yes?: boolean;
    readonly force?: boolean;
    readonly "from-stack"?: boolean;
}

/** The `fence` and `unfence` verbs differ only in the action and their help. */
export function fenceVerb(verb: "fence" | "unfence", describe: string): CommandModule<GlobalArgs, FenceArgs> {
    return {
        command: `${verb} <region>`,
        describe,
        builder: (y) =>
            y
                .positional("region", { type: "string", demandOption: true, describe: `Region: ${regionNames.join(", ")}` })
                .option("reason", { type: "string", describe: "Why, for the audit log" })
                .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask when a reading is unknown or the fence moves clients (required then when stdin is not a terminal)" })
                .option("force", { type: "boolean", default: false, describe: "Publish even when the predicted answer harms clients (needs --reason; audited as forced)" })
                .option("from-stack", {
                    type: "boolean",
                    default: false,
                    describe: "Read the fence coordinates, weights and endpoints from the deployed stacks through the engine (needs the state backend; slower). Default: the fence cache or the dns stack file, and CloudWatch in the fence region only",
                })
                .example(`$0 ${verb} primary --reason "primary unreachable" --yes`, `${verb === "fence" ? "take the primary out of" : "put the primary back into"} DNS answers`) as unknown as Argv<FenceArgs>,
        handler: async (argv) => {
            process.exitCode = await run(
                argv,
                processIo,
                async () => {
                    const region = regionArg(argv.region);
                    return argv["from-stack"] ? fenceFromStack(verb, region, argv) : emergencyFence(verb, region, argv, processIo);
                },
                renderFence,
            );
        },
    };
}

/** The emergency path: local files, then CloudWatch in the fence region. */
async function emergencyFence(verb: "fence" | "unfence", region: string, argv: FenceArgs, io: Io): Promise<FenceResult> {
    const { planEmergencyFence, applyEmergencyFence } = await import("../fence/emergency");
    const options = await emergencyOptions(argv);
    const plan = await planEmergencyFence(region, verb, options);
    for (const warning of plan.warnings) {
        io.err(`warning: ${warning}`);
    }
    io.err(`fence coordinates from ${plan.operation.coordinatesFrom}`);
    await confirmPlan(plan.operation, argv, io);
    return applyEmergencyFence(plan, options);
}

/**
 * Says what the fence does to Route 53's answer, from what; each case when a reading is unknown;
 * and asks when the operation says it must be confirmed (a reading unknown, clients moved, forced).
 * @throws UsageError when declined, or when --yes is missing on a non-terminal.
 */
async function confirmPlan(plan: FencePlan, argv: FenceArgs, io: Io): Promise<void> {
    io.err(plan.summary);
    for (const line of plan.cases) {
        io.err(`  ${line}`);
    }
    if (plan.movesClients === true) {
        const { fenceEffectTime } = await import("../fence/effect");
        io.err(`clients move in ${fenceEffectTime}`);
    }
    if (plan.forced !== undefined) {
        io.err(`forced: ${plan.forced}`);
    }
    if (plan.confirm.length > 0 && !(await confirm(io, argv.yes ?? false, `${plan.action} ${plan.region} (${plan.confirm.join("; ")})?`))) {
        throw new UsageError("declined: nothing was changed");
    }
}

/**
 * Options of the emergency path from the global flags. The entry's backend says where the fence's
 * store is (a client of its own: the sandbox's model of CloudWatch; or CloudWatch settings) and
 * where endpoint health is read.
 */
async function emergencyOptions(argv: FenceArgs & ArgsWithBackends): Promise<EmergencyFenceOptions> {
    const journalDir = journalDirOf(argv);
    let projectDir: string | undefined;
    try {
        projectDir = projectDirOf(argv);
    } catch {
        // No project folder: the cache alone must do (planEmergencyFence says so if it cannot).
    }
    const backends = await backendsOf(argv);
    const context = backendContextOf(argv);
    const fence = await backends.fence(context);
    // Health is best effort on this path: with the state backend gone there may be no source.
    const health = await backends.endpointHealth(context).catch(() => undefined);
    const { isFenceClient } = await import("../fence/client");
    return {
        journalDir,
        ...(projectDir !== undefined ? { projectDir } : {}),
        dnsStack: argv["dns-stack"],
        ...(argv.identity !== undefined ? { identity: argv.identity } : {}),
        ...(argv.reason !== undefined ? { reason: argv.reason } : {}),
        ...(argv.force === true ? { force: true } : {}),
        ...(health !== undefined ? { health } : {}),
        ...(isFenceClient(fence) ? { store: fence } : { cloudWatch: fence }),
        ...notifyOptionsOf(argv),
    };
}

/** The driver's path: the stacks through the engine, then the same operation. */
async function fenceFromStack(verb: "fence" | "unfence", region: RegionName, argv: FenceArgs): Promise<FenceResult> {
    const controller = await controllerFrom(argv);
    const plan = await controller.planFence(region, verb, { ...(argv.reason !== undefined ? { reason: argv.reason } : {}), ...(argv.force === true ? { force: true } : {}) });
    for (const warning of plan.warnings) {
        processIo.err(`warning: ${warning}`);
    }
    await confirmPlan(plan, argv, processIo);
    return controller.applyFence(plan);
}
