// Evaluation time and peak memory of the regional program at a given user count. The program runs
// under Pulumi's mocks (the unit-test harness: no engine, no provider), in a child process of its
// own so that the peak RSS is the program's and not the benchmark's.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { primaryConfig, runRegional } from "../test/unit/regional-harness";

/** One child's figures. */
export interface ProgramEvaluation {
    /** First evaluation, including loading (and transpiling) the program's modules. */
    readonly firstMs: number;
    /** A second evaluation in the same process: the program's own cost. */
    readonly evalMs: number;
    /** Peak resident set of the child process (Node, ts-node and the program), in MiB. */
    readonly peakRssMiB: number;
    /** Resources the program registered. */
    readonly resources: number;
}

async function child(usersFile: string): Promise<void> {
    // As the lab's scale runs: the per-home policy holds about 97 users (docs/regional.md).
    const config = { ...primaryConfig(), usersFile, gatewayBucketAccess: "bucket" };
    let start = performance.now();
    const run = await runRegional(config);
    const firstMs = performance.now() - start;
    start = performance.now();
    await runRegional(config);
    const evalMs = performance.now() - start;
    const result: ProgramEvaluation = {
        firstMs,
        evalMs,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        resources: run.resources.length,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Runs the regional program with `usersFile` in a child process and returns its figures. */
export function evaluateProgram(usersFile: string): Promise<ProgramEvaluation> {
    return new Promise((resolve, reject) => {
        const proc = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-r", path.resolve(__dirname, "..", "scripts", "unmapped-sdk-stacks.js"), __filename, usersFile], {
            cwd: path.resolve(__dirname, ".."),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
        proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
        proc.on("error", reject);
        proc.on("close", (code) => {
            const line = out.trim().split("\n").pop() ?? "";
            if (code !== 0 || line === "") {
                reject(new Error(`program evaluation of ${usersFile} failed (exit ${code}): ${err.trim().split("\n").slice(-3).join(" / ")}`));
                return;
            }
            resolve(JSON.parse(line) as ProgramEvaluation);
        });
    });
}

if (require.main === module) {
    child(process.argv[2]).catch((err: unknown) => {
        process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
        process.exitCode = 1;
    });
}
