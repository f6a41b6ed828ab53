// The fence as an operator runs it: `sftp-failover fence primary --yes` in a fresh process, against
// moto's CloudWatch on loopback. A counting proxy between the CLI and moto
// (test/support/counting-proxy.ts) records every AWS request and when moto acknowledged it, so the
// figure is process start → PutMetricData acknowledged, and the call count is seen from outside.
//
// Three ways side by side:
//   - emergency, compiled: `node dist/automation/cli/bin.js` (what an installed package runs);
//   - emergency, ts-node: `npm run sftp-failover` in a checkout (TypeScript compiled on the fly);
//   - engine (`--from-stack`): the driver's path, which opens the stacks through the engine and
//     reads both fences back first (only with a deployed lab).
//
// Run alone: `ts-node --transpile-only bench/fence.ts [--reps N] [--no-engine]` (deploys a lab for the
// engine path unless --no-engine).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeFolder } from "../foundation/folders";
import { startCountingProxy, AwsCall } from "../test/support/counting-proxy";
import { putFenceAlarms } from "../test/support/fence-alarms";
import { motoCredentials, startMoto } from "../test/support/moto";
import { readDnsStackFile } from "../automation/driver/dns-stack-file";
import { fenceCachePath, readFenceCache } from "../automation/fence/cache";
import { reapedChildrenCpuMs } from "./cpu-time";
import { BenchLab } from "./lab";

export type { AwsCall } from "../test/support/counting-proxy";

/** How the CLI was run. */
export type FencePath = "emergency-compiled" | "emergency-ts-node" | "engine-ts-node";

/** Figures of one fence run. */
export interface FenceRun {
    readonly path: FencePath;
    readonly verb: "fence" | "unfence";
    /** Process start → PutMetricData acknowledged, in ms (undefined when none was made). */
    readonly ackMs: number | undefined;
    /** Process start → exit, in ms. */
    readonly exitMs: number;
    readonly exitCode: number | null;
    /**
     * CPU time the CLI process used (user + system), in ms: what the run costs apart from waiting
     * for a loaded machine's scheduler. From this process's reaped-children times in /proc/self/stat
     * (10-ms ticks), so Linux only; undefined elsewhere.
     */
    readonly cpuMs?: number;
    readonly calls: readonly AwsCall[];
}

const root = path.resolve(__dirname, "..");
/** The compiled CLI, as `npm run build` leaves it. */
export const compiledCli = path.join(root, "dist", "automation", "cli", "bin.js");

/** Where the CLI runs: a project folder and a journal folder (with or without a fence cache). */
interface FenceSetting {
    readonly projectDir: string;
    readonly journalDir: string;
    /** Extra flags and environment for the engine path (backend, sandbox engine). */
    readonly engineArgs: readonly string[];
    readonly engineEnv: Readonly<Record<string, string>>;
}

/**
 * Runs `fence primary` then `unfence primary`, `repetitions` times each, for every path available:
 * the compiled CLI when `dist/` is built, ts-node always, the engine path when a lab is given.
 */
export async function measureFence(bench: BenchLab | undefined, repetitions: number): Promise<FenceRun[]> {
    const setting = bench !== undefined ? labSetting(bench) : bareSetting();
    const paths: FencePath[] = [...(fs.existsSync(compiledCli) ? (["emergency-compiled"] as const) : []), "emergency-ts-node", ...(bench !== undefined ? (["engine-ts-node"] as const) : [])];
    const moto = await startMoto();
    const runs: FenceRun[] = [];
    try {
        // The dns stack's alarms, where the CLI will find the fence (a fence no alarm watches is refused).
        const cached = readFenceCache(fenceCachePath(setting.journalDir), "dns").entry?.coordinates;
        await putFenceAlarms(moto.endpoint, cached ?? (await readDnsStackFile(setting.projectDir, "dns")).coordinates);
        for (let rep = 0; rep < repetitions; rep++) {
            for (const p of paths) {
                for (const verb of ["fence", "unfence"] as const) {
                    runs.push(await cliRun(setting, moto.endpoint, p, verb));
                }
            }
        }
    } finally {
        await moto.stop();
        if (bench === undefined) {
            fs.rmSync(setting.projectDir, { recursive: true, force: true });
        }
    }
    return runs;
}

/** The lab's project and journal (whose fence cache the driver filled while the lab was used). */
function labSetting(bench: BenchLab): FenceSetting {
    return {
        projectDir: bench.lab.dir,
        journalDir: path.join(bench.lab.dir, ".failover"),
        engineArgs: ["--sandbox", "--backend", bench.lab.env.backendUrl],
        engineEnv: bench.lab.env.envVars,
    };
}

/** No lab: a project folder with this checkout's stack files and no cache (the stack-file fallback). */
function bareSetting(): FenceSetting {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fence-"));
    for (const file of ["Pulumi.yaml", "Pulumi.dns.yaml"]) {
        fs.copyFileSync(path.join(root, file), path.join(dir, file));
    }
    return { projectDir: dir, journalDir: path.join(dir, ".failover"), engineArgs: [], engineEnv: {} };
}

async function cliRun(setting: FenceSetting, motoEndpoint: string, p: FencePath, verb: "fence" | "unfence"): Promise<FenceRun> {
    let started = 0;
    const proxy = await startCountingProxy(motoEndpoint, () => performance.now() - started);
    const entry = p === "emergency-compiled" ? [compiledCli] : ["-r", "ts-node/register/transpile-only", path.join(root, "automation", "cli", "bin.ts")];
    const args = [
        ...entry,
        verb, "primary", "--yes", "--stack-dir", setting.projectDir, "--journal-dir", setting.journalDir,
        "--cloudwatch-endpoint", proxy.endpoint, "--identity", "bench", "--reason", "bench", "--json",
        ...(p === "engine-ts-node" ? ["--from-stack", ...setting.engineArgs] : []),
    ];
    const env = {
        ...process.env,
        ...(p === "engine-ts-node" ? setting.engineEnv : {}),
        AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
        AWS_REGION: "us-east-1",
    };
    try {
        return await new Promise<FenceRun>((resolve, reject) => {
            let err = "";
            const cpuBefore = reapedChildrenCpuMs();
            started = performance.now();
            const proc = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
            proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
            proc.on("error", reject);
            proc.on("close", (code) => {
                const exitMs = performance.now() - started;
                if (code !== 0) {
                    reject(new Error(`${p} ${verb} exited ${code}: ${err.trim().split("\n").slice(-2).join(" / ")}`));
                    return;
                }
                const ack = proxy.calls.find((c) => c.operation === "PutMetricData" && c.status === 200);
                const cpuAfter = reapedChildrenCpuMs();
                const cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
                resolve({ path: p, verb, ackMs: ack?.answeredMs, exitMs, exitCode: code, ...(cpuMs !== undefined ? { cpuMs } : {}), calls: [...proxy.calls] });
            });
        });
    } finally {
        await proxy.close();
    }
}

/** The flags of a run on its own. */
export function parseFenceFlags(argv: readonly string[]): { reps: number; engine: boolean } {
    let reps = 3;
    let engine = true;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (flag === "--reps") {
            const v = argv[++i];
            reps = Number(v);
            if (!Number.isInteger(reps) || reps < 1 || reps > 20) throw new Error(`--reps must be an integer 1–20 (got ${v})`);
        } else if (flag === "--no-engine") {
            engine = false;
        } else {
            throw new Error(`unknown flag ${flag} (valid: --reps N, --no-engine)`);
        }
    }
    return { reps, engine };
}

async function main(): Promise<void> {
    const flags = parseFenceFlags(process.argv.slice(2));
    const { deployedLab } = await import("./lab");
    const { fenceRows } = await import("./table");
    const bench = flags.engine ? await deployedLab() : undefined;
    try {
        if (bench !== undefined) {
            // What an operator's earlier `status` leaves behind: the fence cache next to the journal.
            await bench.controller.status();
        }
        const runs = await measureFence(bench, flags.reps);
        process.stdout.write(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPU(s)\n\n| measure | value | target | |\n|---|---|---|---|\n`);
        for (const row of fenceRows(runs)) {
            process.stdout.write(`| ${row.measure} | ${row.value} | ${row.target} | ${row.met === undefined ? "" : row.met ? "met" : "**missed**"} |\n`);
        }
        const outDir = path.join(root, ".bench");
        makeFolder(outDir);
        const file = path.join(outDir, `fence-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
        fs.writeFileSync(file, `${JSON.stringify({ loadAverage: os.loadavg()[0], runs }, null, 2)}\n`);
        process.stdout.write(`\nFigures: ${path.relative(process.cwd(), file)}\n`);
    } finally {
        bench?.lab.remove();
    }
}

if (require.main === module) {
    main().catch((err: unknown) => {
        process.stderr.write(`bench fence: ${(err as Error).message}\n`);
        process.exitCode = 1;
    });
}
