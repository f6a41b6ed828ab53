// `npm run bench`: measures the failover driver on the sandbox engine, side by side in one run, and
// prints a table (each ratio judged met, missed or unclear by its spread over the rounds) and writes the figures to
// .bench/<date>.json. Flags:
//   --reps N          rounds of each measurement (default 5, the least a verdict is given from; 1–20)
//   --users a,b,c     user counts of the scale runs (default 10,200,2000,10000; "none" skips them)
//   --cold-start      also build the engine from empty caches and run a first drill (minutes)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeFolder } from "../foundation/folders";
import { measureColdStart } from "./cold-start";
import { measureFence } from "./fence";
import { deployedLab } from "./lab";
import { measureRecords } from "./records";
import { BenchResult } from "./result";
import { measureScale } from "./scale";
import { measureSwitches } from "./switch";
import { markdown } from "./table";
import { minRepetitionsForVerdict, watchLoad } from "./verdict";

interface Flags {
    readonly reps: number;
    readonly users: readonly number[];
    readonly coldStart: boolean;
}

class UsageError extends Error {}

/** Parses the flags; every refusal names the flag and the value. */
export function parseFlags(argv: readonly string[]): Flags {
    let reps = minRepetitionsForVerdict;
    let users: number[] = [10, 200, 2000, 10000];
    let coldStart = false;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new UsageError(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case "--reps": {
                const v = value();
                reps = Number(v);
                if (!Number.isInteger(reps) || reps < 1 || reps > 20) throw new UsageError(`--reps must be an integer 1–20 (got ${v})`);
                break;
            }
            case "--users": {
                const v = value();
                users = v === "none" ? [] : v.split(",").map(Number);
                if (users.some((n) => !Number.isInteger(n) || n < 1 || n > 20000)) throw new UsageError(`--users must be "none" or counts 1–20000 separated by commas (got ${v})`);
                break;
            }
            case "--cold-start":
                coldStart = true;
                break;
            default:
                throw new UsageError(`unknown flag ${flag} (valid: --reps N, --users a,b,c, --cold-start)`);
        }
    }
    return { reps, users, coldStart };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
    const flags = parseFlags(process.argv.slice(2));
    const startedAt = new Date().toISOString();
    const loadAverage = os.loadavg()[0];
    const load = watchLoad();
    log(`bench: ${flags.reps} round(s); load average ${loadAverage.toFixed(1)} on ${os.cpus().length} CPU(s) at the start (other work's share of the CPU through the run decides whether figures are marked busy)`);
    log("deploying a sandbox lab (three stacks)");
    const bench = await deployedLab();
    try {
        log(`deployed in ${(bench.deployMs / 1000).toFixed(1)} s; planned switch, three ways`);
        const switchFigures = await measureSwitches(bench, flags.reps, log);
        log("fence through the CLI against moto");
        const fence = await measureFence(bench, flags.reps);
        log("records per region: 1, then 4");
        const records = await measureRecords(bench, flags.reps, log);
        log(flags.users.length > 0 ? `scale: ${flags.users.join(", ")} users` : "scale: skipped");
        const scale = await measureScale(bench, flags.users, flags.reps, log);
        const coldStart = flags.coldStart ? (log("cold start"), await measureColdStart(log)) : undefined;
        const result: BenchResult = {
            startedAt,
            repetitions: flags.reps,
            loadAverage,
            cpus: os.cpus().length,
            load: load.stop(),
            deployMs: bench.deployMs,
            switch: switchFigures,
            scale,
            records,
            fence,
            ...(coldStart !== undefined ? { coldStart } : {}),
        };
        const outDir = path.resolve(__dirname, "..", ".bench");
        makeFolder(outDir);
        const outFile = path.join(outDir, `${startedAt.replace(/[:.]/g, "-")}.json`);
        fs.writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
        process.stdout.write(`${markdown(result)}\n\nFigures: ${path.relative(process.cwd(), outFile)}\n`);
    } finally {
        bench.lab.remove();
    }
}

if (require.main === module) {
    main().catch((err: unknown) => {
        process.stderr.write(`bench: ${(err as Error).message}\n`);
        process.exitCode = err instanceof UsageError ? 2 : 1;
    });
}
