// Where a posture switch's time goes, at two user counts taken in turns on one lab
// (`npx ts-node --transpile-only -r ./scripts/unmapped-sdk-stacks.js bench/switch-phases.ts [--rounds N] [--users a,b]`).
// Not part of `npm run bench`: it is the breakdown behind docs/benchmarks.md's scale figures.
// Per driver switch it sums, by phase:
//   - each engine process the Automation API starts, by verb (`stack export`, `config set-all`, `up`…);
//   - inside each `up`: engine start to its prelude event (start, state load, plugins), prelude to
//     the summary event (the program, the steps and their checkpoints), summary to the process's
//     exit (the last checkpoint, the history entry);
//   - the in-process language server's run (the inline program and the registrations it awaits);
// and afterwards the sizes of the regional stacks' state files, with the load average beside each
// round. The sandbox provider's operations in the window (check, diff, update per type) are counted
// from its record file.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { configKey } from "../stacks/contract";
import { gatewayBucketAccessKey } from "../stacks/config/gateway-access";
import { readRecords } from "../sandbox/recorder";
import { reapedChildrenCpuMs } from "./cpu-time";
import { deployedLab, BenchLab } from "./lab";
import { usersYaml } from "./users";

type Phases = Map<string, number>;
let current: Phases | undefined;

function add(phase: string, ms: number): void {
    current?.set(phase, (current.get(phase) ?? 0) + ms);
}

/** CPU time of the children this process has reaped, in ms (cpu-time.ts); this bench needs /proc. */
function childrenCpuMs(): number {
    const ms = reapedChildrenCpuMs();
    if (ms === undefined) {
        throw new Error("switch-phases needs /proc/self/stat to count the engine processes' CPU");
    }
    return ms;
}

function ownCpuMs(): number {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
}

let lastReaped = 0;

interface Runner {
    run(args: string[], ...rest: unknown[]): Promise<unknown>;
}

/** Times every engine process by its verb; `up`s are split further by their events. */
function instrumentEngine(): void {
    const prototype = PulumiCommand.prototype as unknown as Runner;
    const run = prototype.run;
    prototype.run = async function (this: Runner, args: string[], ...rest: unknown[]) {
        const words = args.filter((a) => !a.startsWith("-") && !a.startsWith("urn:"));
        const stack = args[args.indexOf("--stack") + 1] ?? "";
        const verb = `${words.slice(0, words[0] === "up" ? 1 : 2).join(" ")}`;
        const start = performance.now();
        try {
            return await run.call(this, args, ...rest);
        } finally {
            add(`engine wall: ${verb}${verb === "up" ? ` ${stack}` : ""}`, performance.now() - start);
            // A child's CPU is counted when it is reaped, just before its command settles: attribute
            // what was reaped since the last command ended to this one (parallel reads share a verb).
            const reaped = childrenCpuMs();
            add(`engine CPU: ${verb}`, reaped - lastReaped);
            lastReaped = reaped;
        }
    };
    // The inline program runs in this process, under the Automation API's language server.
    const server = require("@pulumi/pulumi/automation/server") as { LanguageServer: { prototype: { run: (call: unknown, cb: (...a: unknown[]) => void) => void } } };
    const serve = server.LanguageServer.prototype.run;
    server.LanguageServer.prototype.run = function (this: unknown, call: unknown, callback: (...a: unknown[]) => void) {
        const start = performance.now();
        const cpu = ownCpuMs();
        return serve.call(this, call, (...a: unknown[]) => {
            add("up: language server run, wall (program + its registrations)", performance.now() - start);
            add("up: this process's CPU during the run (program, gRPC)", ownCpuMs() - cpu);
            callback(...a);
        });
    };
}

function stateBytes(bench: BenchLab, stack: string): number {
    const file = path.join(bench.lab.dir, ".state", ".pulumi", "stacks", "sftp-failover", `${stack}.json`);
    return fs.existsSync(file) ? fs.statSync(file).size : 0;
}

async function onePhasedSwitch(bench: BenchLab, to: "failover" | "active-passive"): Promise<Phases> {
    const phases: Phases = new Map();
    current = phases;
    const prelude = new Map<string, number>();
    const recordsBefore = readRecords(bench.lab.recordFile).length;
    const start = performance.now();
    const cpu = ownCpuMs();
    lastReaped = childrenCpuMs();
    const reapedAtStart = lastReaped;
    const result = await bench.controller.setPosture(to, {
        reason: "phases",
        onEvent: (stack, event) => {
            const now = performance.now();
            if (event.preludeEvent !== undefined) prelude.set(stack, now);
            if (event.summaryEvent !== undefined && prelude.has(stack)) add("up: prelude → summary, wall (program, steps, checkpoints)", now - prelude.get(stack)!);
        },
    });
    phases.set("whole switch", performance.now() - start);
    phases.set("whole switch: this process's CPU (driver, programs)", ownCpuMs() - cpu);
    phases.set("whole switch: engine processes' CPU", childrenCpuMs() - reapedAtStart);
    current = undefined;
    if (result.status !== "ok" && result.status !== "unverified") {
        throw new Error(`switch to ${to} ended ${result.status}`);
    }
    const ops = new Map<string, number>();
    for (const r of readRecords(bench.lab.recordFile).slice(recordsBefore)) {
        const key = `${r.op} ${r.type.split(":").pop()}`;
        ops.set(key, (ops.get(key) ?? 0) + 1);
    }
    phases.set(`provider ops: ${[...ops].map(([k, n]) => `${k}×${n}`).join(", ")}`, 0);
    return phases;
}

function merge(into: Map<string, number[]>, phases: Phases): void {
    for (const [k, v] of phases) {
        into.set(k, [...(into.get(k) ?? []), v]);
    }
}

function median(xs: readonly number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    const rounds = Number(argv[argv.indexOf("--rounds") + 1] ?? 3) || 3;
    const counts = argv.includes("--users") ? argv[argv.indexOf("--users") + 1].split(",").map(Number) : [10, 2000];
    const log = (line: string) => process.stderr.write(`${line}\n`);
    log(`phases: ${rounds} round(s) of ${counts.join(" / ")} users; load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    const bench = await deployedLab();
    instrumentEngine();
    try {
        for (const stack of [bench.stacks.primary, bench.stacks.secondary]) {
            await stack.setConfig(configKey(gatewayBucketAccessKey), { value: "bucket" });
        }
        const usersFile = path.join(bench.lab.dir, "users.yaml");
        const texts = new Map(counts.map((c) => [c, usersYaml(c)]));
        const byCount = new Map<number, Map<string, number[]>>(counts.map((c) => [c, new Map()]));
        const loads: string[] = [];
        for (let round = 1; round <= rounds; round++) {
            for (const count of counts) {
                fs.writeFileSync(usersFile, texts.get(count)!);
                await bench.stacks.primary.up();
                await bench.stacks.secondary.up();
                const load = os.loadavg()[0];
                for (const to of ["failover", "active-passive"] as const) {
                    merge(byCount.get(count)!, await onePhasedSwitch(bench, to));
                }
                loads.push(`${count}:${load.toFixed(2)}`);
                const last2 = (phase: string) => byCount.get(count)!.get(phase)!.slice(-2).reduce((a, b) => a + b, 0);
                const cpu = last2("whole switch: this process's CPU (driver, programs)") + last2("whole switch: engine processes' CPU");
                log(`  round ${round} ${count} users: switch ${byCount.get(count)!.get("whole switch")!.slice(-2).map((m) => (m / 1000).toFixed(2)).join(" / ")} s, CPU both ways ${(cpu / 1000).toFixed(2)} s, load ${load.toFixed(2)}, state primary ${(stateBytes(bench, "primary") / 1024).toFixed(0)} KiB`);
            }
        }
        for (const count of counts) {
            log(`\n${count} users (median of ${rounds * 2} switches; state primary ${(stateBytes(bench, "primary") / 1024).toFixed(0)} KiB after the last round):`);
            for (const [phase, samples] of byCount.get(count)!) {
                log(samples.every((s) => s === 0) ? `  ${phase}` : `  ${median(samples).toFixed(0).padStart(6)} ms  ${phase}`);
            }
        }
        log(`\nload average at each size's switches: ${loads.join(", ")}`);
        // Paired per round, as bench/verdict.ts pairs them: each count against the first, both directions summed.
        const [base, ...others] = counts;
        const perRound = (count: number, phase: string) => {
            const xs = byCount.get(count)!.get(phase)!;
            return Array.from({ length: rounds }, (_, r) => xs[2 * r] + xs[2 * r + 1]);
        };
        const cpu = (count: number) => perRound(count, "whole switch: this process's CPU (driver, programs)").map((x, r) => x + perRound(count, "whole switch: engine processes' CPU")[r]);
        for (const count of others) {
            const wall = perRound(count, "whole switch").map((x, r) => (x / perRound(base, "whole switch")[r]).toFixed(2));
            const cpus = cpu(count).map((x, r) => (x / cpu(base)[r]).toFixed(2));
            log(`${count} / ${base} users per round: wall ${wall.join(", ")}; CPU (this process + engine processes) ${cpus.join(", ")}`);
        }
    } finally {
        bench.lab.remove();
    }
}

main().catch((err: unknown) => {
    process.stderr.write(`phases: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
});
