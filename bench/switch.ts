// The planned switch three ways, on the same lab and the same posture changes:
//   driver — FailoverController.setPosture (lock, journal, plan, fencing decisions, audit, the ups);
//   bare   — the same pending steps as bare targeted `up`s through the Automation API, timing only
//            the `up` calls: the floor the driver's overhead is measured against;
//   ups    — the same `up`s without the Automation API's read-back of outputs and last update
//            (as the driver runs them): the engine's own work, the floor under the floor;
//   naive  — config set on all three stacks, then a whole `up --refresh` of each, the way a plain
//            Pulumi user would switch.
// Each method runs both directions (active-passive → failover and back) once per repetition, so
// every method gets the same mix of changes.
import { Stack, UpOptions } from "@pulumi/pulumi/automation";
import { Posture, pendingSteps, planTransition, postureSpec, configKeys } from "../automation";
import { stepTargets } from "../automation/driver/step-runner";
import { upWithoutReadback } from "../automation/engine/without-readback";
import { LabStacks } from "../sandbox/lab";
import { BenchLab } from "./lab";
import { postureOverrideEnvVar } from "../stacks/posture-record";
import { countingEngineCalls } from "./engine-calls";
import { Summary, summarize, timed } from "./stats";

type Direction = readonly [Posture, Posture];
const there: Direction = ["active-passive", "failover"];
const back: Direction = ["failover", "active-passive"];

/**
 * Runs `fn` with the posture record's check off, as a by-hand `up` knowingly would
 * (SFTP_FAILOVER_POSTURE_OVERRIDE=1): the bare and naive switches do not record the posture they
 * set, so without it the programs would refuse them as reverts of the driver's last switch. The
 * programs run in this process, so the variable is set here, and put back after.
 */
async function withoutPostureCheck<T>(fn: () => Promise<T>): Promise<T> {
    const before = process.env[postureOverrideEnvVar];
    process.env[postureOverrideEnvVar] = "1";
    try {
        return await fn();
    } finally {
        if (before === undefined) {
            delete process.env[postureOverrideEnvVar];
        } else {
            process.env[postureOverrideEnvVar] = before;
        }
    }
}

type Up = (stack: Stack, opts: UpOptions) => Promise<unknown>;

/** Milliseconds of the sum of the bare targeted `up`s of a switch (`Stack.up`, or `up` when given). */
export function bareSwitch(stacks: LabStacks, direction: Direction, up: Up = (stack, opts) => stack.up(opts)): Promise<number> {
    return withoutPostureCheck(() => bareUps(stacks, direction, up));
}

async function bareUps(stacks: LabStacks, [from, to]: Direction, up: Up): Promise<number> {
    let total = 0;
    for (const step of pendingSteps(planTransition(from, to))) {
        const stack = stacks[step.stack];
        for (const change of step.config) {
            await stack.setConfig(change.key, { value: change.value }, change.path ?? false);
        }
        const target = await stepTargets(stack, step);
        total += (await timed(() => up(stack, { ...(target !== undefined ? { target } : {}) }))).ms;
    }
    return total;
}

/** Milliseconds of the `up --refresh` of all three stacks after setting every posture key. */
export function naiveSwitch(stacks: LabStacks, direction: Direction): Promise<number> {
    return withoutPostureCheck(() => naiveUps(stacks, direction));
}

async function naiveUps(stacks: LabStacks, [, to]: Direction): Promise<number> {
    const spec = postureSpec(to);
    await stacks.primary.setConfig(configKeys.capacityMode, { value: spec.capacity.primary });
    await stacks.secondary.setConfig(configKeys.capacityMode, { value: spec.capacity.secondary });
    await stacks.dns.setConfig(configKeys.posture, { value: to });
    let total = 0;
    for (const stack of [stacks.primary, stacks.secondary, stacks.dns] as Stack[]) {
        total += (await timed(() => stack.up({ refresh: true }))).ms;
    }
    return total;
}

/** Milliseconds of a driver switch; fails when the switch did not complete. */
export async function driverSwitch(bench: BenchLab, [, to]: Direction): Promise<number> {
    const { value, ms } = await timed(() => bench.controller.setPosture(to, { reason: "bench" }));
    // The bench lab has no canary: a switch that completes ends `unverified`.
    if (value.status !== "ok" && value.status !== "unverified") {
        throw new Error(`driver switch to ${to} ended ${value.status}`);
    }
    return ms;
}

/** Medians and spreads of the three methods and of the no-op re-run. */
export interface SwitchFigures {
    readonly driver: Summary;
    readonly bare: Summary;
    /** The bare `up`s without the Automation API's read-back: the engine's work alone. */
    readonly ups?: Summary;
    readonly naive: Summary;
    readonly noop: Summary;
    /** Engine processes started per switch (all of them, not only the timed `up`s), per method. */
    readonly engineCalls?: { readonly driver: Summary; readonly bare: Summary; readonly noop: Summary };
}

/** Runs `repetitions` rounds; the lab must be in active-passive and is left in active-passive. */
export async function measureSwitches(bench: BenchLab, repetitions: number, log: (line: string) => void): Promise<SwitchFigures> {
    const driver: number[] = [];
    const bare: number[] = [];
    const ups: number[] = [];
    const naive: number[] = [];
    const noop: number[] = [];
    const calls = { driver: [] as number[], bare: [] as number[], noop: [] as number[] };
    const counted = async <T>(into: number[], fn: () => Promise<T>): Promise<T> => {
        const { value, engineCalls } = await countingEngineCalls(fn);
        into.push(engineCalls);
        return value;
    };
    for (let rep = 1; rep <= repetitions; rep++) {
        driver.push(await counted(calls.driver, () => driverSwitch(bench, there)));
        const { value: again, ms } = await counted(calls.noop, () => timed(() => bench.controller.setPosture("failover", { reason: "bench: no-op" })));
        if (again.status !== "unchanged") {
            throw new Error(`re-running the current posture ended ${again.status}, not unchanged`);
        }
        noop.push(ms);
        bare.push(await counted(calls.bare, () => bareSwitch(bench.stacks, back)));
        bare.push(await counted(calls.bare, () => bareSwitch(bench.stacks, there)));
        ups.push(await bareSwitch(bench.stacks, back, upWithoutReadback));
        ups.push(await bareSwitch(bench.stacks, there, upWithoutReadback));
        naive.push(await naiveSwitch(bench.stacks, back));
        naive.push(await naiveSwitch(bench.stacks, there));
        driver.push(await counted(calls.driver, () => driverSwitch(bench, back)));
        log(`  round ${rep}/${repetitions}: driver ${fmt(driver.slice(-2))}, bare ${fmt(bare.slice(-2))}, ups alone ${fmt(ups.slice(-2))}, naive ${fmt(naive.slice(-2))}, no-op ${fmt(noop.slice(-1))}`);
    }
    return {
        driver: summarize(driver),
        bare: summarize(bare),
        ups: summarize(ups),
        naive: summarize(naive),
        noop: summarize(noop),
        engineCalls: { driver: summarize(calls.driver), bare: summarize(calls.bare), noop: summarize(calls.noop) },
    };
}

/** Switch times of the driver only (both directions per repetition), for the scale runs. */
export async function measureDriverSwitches(bench: BenchLab, repetitions: number): Promise<Summary> {
    const samples: number[] = [];
    for (let rep = 1; rep <= repetitions; rep++) {
        samples.push(await driverSwitch(bench, there));
        samples.push(await driverSwitch(bench, back));
    }
    return summarize(samples);
}

function fmt(ms: readonly number[]): string {
    return ms.map((m) => `${(m / 1000).toFixed(1)} s`).join(" / ");
}
