// `fence` and `unfence`. By default the emergency path (automation/emergency-fence.ts): one
// PutMetricData to the fence region, coordinates from the fence cache or the dns stack file, no
// engine and no state backend. `--from-stack` takes the driver's path instead: it opens the three
// stacks through the engine and reads both fences back from CloudWatch first (slower, and it needs
// the backend, but it checks the live fence states rather than the cached ones).
//
// Only yargs and this package's light modules are imported at the top: the emergency path must not
// load Pulumi, so the driver is imported inside the handler that uses it.
import { Argv, CommandModule } from "yargs";
import { ArgsWithBackends, backendsOf } from "./backends";
import { backendContextOf, confirm, controllerFrom, Io, journalDirOf, processIo, projectDirOf, regionArg, run } from "./context";
import { UsageError } from "./errors";
import { GlobalArgs } from "./options";
import { renderFence } from "./render";
import { fenceEffect } from "../fence-effect";
import { RegionName, regionNames } from "../posture";
import type { FenceResult } from "../driver/types";
import type { EmergencyFenceOptions, EmergencyFencePlan } from "../emergency-fence";

/** Flags of `fence` and `unfence`. */
export interface FenceArgs extends GlobalArgs {
    readonly region?: string;
    readonly reason?: string;
    readonly yes?: boolean;
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
                .option("yes", { alias: "y", type: "boolean", default: false, describe: "Do not ask before a fence that moves clients (required then when stdin is not a terminal)" })
                .option("from-stack", {
                    type: "boolean",
                    default: false,
                    describe: "Read the fence coordinates and both fence states through the engine and CloudWatch first (needs the state backend; slower). Default: the fence cache or the dns stack file, one AWS call",
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

/** The emergency path: local files, then one PutMetricData. */
async function emergencyFence(verb: "fence" | "unfence", region: string, argv: FenceArgs, io: Io): Promise<FenceResult> {
    const { planEmergencyFence, applyEmergencyFence } = await import("../emergency-fence");
    const options = await emergencyOptions(argv);
    const plan = await planEmergencyFence(region, verb, options);
    for (const warning of plan.warnings) {
        io.err(`warning: ${warning}`);
    }
    io.err(`fence coordinates from ${plan.coordinatesFrom.source === "cache" ? `the fence cache (${plan.coordinatesFrom.age})` : plan.coordinatesFrom.file}`);
    if (!(await confirmEffect(plan, argv, io))) {
        throw new UsageError("declined: nothing was changed");
    }
    return applyEmergencyFence(plan, options);
}

/**
 * A fence that moves clients is a decision: say what it does, from what (cached weights and how
 * old, or the stack file), and ask. When nothing tells the weights, the effect is unknown, and a
 * fence is asked for as if it moved clients.
 */
async function confirmEffect(plan: EmergencyFencePlan, argv: FenceArgs, io: Io): Promise<boolean> {
    if (plan.effect !== undefined && plan.basis !== undefined) {
        io.err(`${plan.effect.summary} (from ${plan.basis.from})`);
        return plan.action === "unfence" || !plan.effect.movesTraffic || confirm(io, argv.yes ?? false, `${plan.action} ${plan.region}?`);
    }
    io.err(`${plan.action === "fence" ? "fencing" : "unfencing"} ${plan.region}: the effect on who serves is unknown (no cached or configured weights)`);
    return plan.action === "unfence" || confirm(io, argv.yes ?? false, `${plan.action} ${plan.region}?`);
}

/**
 * Options of the emergency path from the global flags. The entry's backend says how the fence is
 * published: a client of its own (the sandbox's file fence), or CloudWatch settings for the default.
 */
async function emergencyOptions(argv: FenceArgs & ArgsWithBackends): Promise<EmergencyFenceOptions> {
    const journalDir = journalDirOf(argv);
    let projectDir: string | undefined;
    try {
        projectDir = projectDirOf(argv);
    } catch {
        // No project folder: the cache alone must do (planEmergencyFence says so if it cannot).
    }
    const base = {
        journalDir,
        ...(projectDir !== undefined ? { projectDir } : {}),
        dnsStack: argv["dns-stack"],
        ...(argv.identity !== undefined ? { identity: argv.identity } : {}),
        ...(argv.reason !== undefined ? { reason: argv.reason } : {}),
    };
    const fence = await (await backendsOf(argv)).fence(backendContextOf(argv));
    const { isFenceClient } = await import("../driver/fence-client");
    return isFenceClient(fence) ? { ...base, publish: (r, c, action) => fence[action](r, c) } : { ...base, cloudWatch: fence };
}

/** The driver's path: the stacks through the engine, both fences read back, then the call. */
async function fenceFromStack(verb: "fence" | "unfence", region: RegionName, argv: FenceArgs): Promise<FenceResult> {
    const controller = await controllerFrom(argv);
    const status = await controller.status();
    if (status.weights !== undefined) {
        const effect = fenceEffect({ weights: status.weights, fence: status.fence }, region, verb);
        processIo.err(effect.summary);
        if (verb === "fence" && effect.movesTraffic && !(await confirm(processIo, argv.yes ?? false, `${verb} ${region}?`))) {
            throw new UsageError("declined: nothing was changed");
        }
    }
    return controller[verb](region, { ...(argv.reason !== undefined ? { reason: argv.reason } : {}) });
}
