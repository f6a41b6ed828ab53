// The same driver switch at several user counts. The users file of the lab is replaced and both
// regional stacks are brought up to date (not timed) before the switches are measured, so only the
// switch's cost at that size is compared. Alongside: the regional program's evaluation time and
// peak memory under mocks, and the size of the object the users take. Gateways get the bucket grant
// (gatewayBucketAccess: bucket) at every size.
import * as fs from "node:fs";
import * as path from "node:path";
import { summarizeEngineError } from "../automation/driver/stack-state";
import { configKey } from "../stacks/contract";
import { gatewayBucketAccessKey } from "../stacks/config/gateway-access";
import { BenchLab } from "./lab";
import { evaluateProgram, ProgramEvaluation } from "./program-eval";
import { Summary, summarize, timed } from "./stats";
import { measureDriverSwitches } from "./switch";
import { storageLabel, usersYaml, userStorage, UserStorage } from "./users";

/** Figures of one user count. */
export interface ScalePoint {
    readonly storage: UserStorage;
    /** The untimed-for-comparison `up` of both regional stacks that published the new users, in ms. */
    readonly usersUpdateMs: number;
    readonly driverSwitch: Summary;
    readonly program: ProgramEvaluation;
}

/** A user count the regional stacks could not be deployed with, and the engine's reason. */
export interface ScaleRefusal {
    readonly users: number;
    readonly error: string;
}

/** The figures of each user count measured, and the first count that could not be deployed, if any. */
export interface ScaleFigures {
    readonly points: readonly ScalePoint[];
    readonly refused?: ScaleRefusal;
}

/**
 * The check failure's own words ("<resource>: <problem>"): the engine's line quotes the whole
 * property value first, which for a policy of thousands of users is thousands of characters.
 */
export function refusalOf(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    const problem = /has a problem: (.*)$/m.exec(text)?.[1];
    const resource = /resource '([^']+)'/.exec(text)?.[1];
    return problem !== undefined ? `${resource ?? "a resource"}: ${problem.trim()}` : summarizeEngineError(err);
}

/**
 * Measures the user counts on the same lab, taking turns in every round: each round publishes each
 * count's users (an untimed `up` of both regional stacks) and times a switch both ways, so the
 * ratio of two counts is taken within a round. A count the stacks cannot be deployed with (AWS
 * would refuse it) is dropped with the larger ones: they would fail too. The lab is left with the
 * last count's users.
 */
export async function measureScale(bench: BenchLab, counts: readonly number[], repetitions: number, log: (line: string) => void): Promise<ScaleFigures> {
    // Every count with the grant that holds 2,000 users, so the sizes differ only in their users;
    // the per-home policy stops at about 97 (docs/regional.md). The first count's `up` applies it.
    for (const stack of [bench.stacks.primary, bench.stacks.secondary]) {
        await stack.setConfig(configKey(gatewayBucketAccessKey), { value: "bucket" });
    }
    const usersFile = path.join(bench.lab.dir, "users.yaml");
    let sizes = [...counts];
    let refused: ScaleRefusal | undefined;
    const samples = new Map<number, number[]>(sizes.map((c) => [c, []]));
    const updates = new Map<number, number>();
    for (let rep = 1; rep <= repetitions && sizes.length > 0; rep++) {
        for (const count of sizes) {
            fs.writeFileSync(usersFile, usersYaml(count));
            try {
                const { ms } = await timed(async () => {
                    await bench.stacks.primary.up();
                    await bench.stacks.secondary.up();
                });
                updates.set(count, ms);
            } catch (err) {
                refused = { users: count, error: refusalOf(err) };
                log(`  ${count} users: cannot be deployed: ${refused.error}`);
                sizes = sizes.filter((c) => c < count);
                break;
            }
            samples.get(count)!.push(...(await measureDriverSwitches(bench, 1)).samples);
        }
        log(`  round ${rep}/${repetitions}: ${sizes.map((c) => `${c} users ${(samples.get(c)!.slice(-2).reduce((a, b) => a + b, 0) / 2000).toFixed(1)} s`).join(", ")}`);
    }
    const points: ScalePoint[] = [];
    for (const count of sizes) {
        const text = usersYaml(count);
        fs.writeFileSync(usersFile, text);
        const program = await evaluateProgram(usersFile);
        const driverSwitch = summarize(samples.get(count)!);
        log(`  ${count} users: ${storageLabel(userStorage(text))}, switch median ${(driverSwitch.median / 1000).toFixed(1)} s, program ${program.evalMs.toFixed(0)} ms, ${program.peakRssMiB.toFixed(0)} MiB`);
        points.push({ storage: userStorage(text), usersUpdateMs: updates.get(count) ?? 0, driverSwitch, program });
    }
    return refused !== undefined ? { points, refused } : { points };
}
