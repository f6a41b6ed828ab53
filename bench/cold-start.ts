// Cold start: building the engine from nothing (scripts/ensure-pulumi into an empty cache), with the
// Go module cache warm (the machine's) and cold (an empty folder: every module fetched from the
// proxy), then the first drill on the engine just built. Minutes of work: opt-in (--cold-start).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { timed } from "./stats";

/** Figures of the cold-start run, in ms. */
export interface ColdStart {
    readonly buildWarmModulesMs: number;
    readonly buildColdModulesMs: number;
    readonly firstDrillMs: number;
}

const root = path.resolve(__dirname, "..");

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
        let err = "";
        const proc = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
        proc.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
        proc.on("error", reject);
        proc.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${what} exited ${code}: ${err.trim().split("\n").slice(-3).join(" / ")}`))));
    });
}

/** PATH without the folders that hold a `pulumi` binary. */
function pathWithoutPulumi(): string {
    return (process.env.PATH ?? "")
        .split(path.delimiter)
        .filter((dir) => dir !== "" && !fs.existsSync(path.join(dir, "pulumi")))
        .join(path.delimiter);
}

/**
 * Builds the engine twice into fresh caches and runs the drill once on the second build. Each build
 * gets an empty Go build cache too, so both compile everything and differ only in the module cache.
 * The installer's download attempt is skipped: it cannot reach its host here and only adds a timeout.
 */
export async function measureColdStart(log: (line: string) => void): Promise<ColdStart> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "sftp-failover-coldstart-"));
    try {
        const build = (name: string, extra: NodeJS.ProcessEnv) =>
            timed(() =>
                run(path.join(root, "scripts", "ensure-pulumi"), [], {
                    PULUMI_CLI_CACHE: path.join(scratch, `${name}-cli`),
                    // Its own per-user cache and no pulumi on PATH: either would hand back the
                    // machine's engine in two seconds instead of building one.
                    XDG_CACHE_HOME: path.join(scratch, `${name}-xdg`),
                    PATH: pathWithoutPulumi(),
                    GOCACHE: path.join(scratch, `${name}-gocache`),
                    ENSURE_PULUMI_SKIP_INSTALL: "1",
                    ...extra,
                }, `ensure-pulumi (${name})`),
            );
        const warm = await build("warm", {});
        log(`  engine build, warm module cache: ${(warm.ms / 1000).toFixed(0)} s`);
        const cold = await build("cold", { GOMODCACHE: path.join(scratch, "gomodcache"), GOFLAGS: "-buildvcs=false -modcacherw" });
        log(`  engine build, cold module cache: ${(cold.ms / 1000).toFixed(0)} s`);
        const drill = await timed(() =>
            run(process.execPath, ["-r", "ts-node/register/transpile-only", "-r", path.join(root, "scripts", "unmapped-sdk-stacks.js"), path.join(root, "scripts", "drill.ts")], { PULUMI_CLI_CACHE: path.join(scratch, "cold-cli") }, "drill"),
        );
        log(`  first drill on the new engine: ${(drill.ms / 1000).toFixed(0)} s`);
        return { buildWarmModulesMs: warm.ms, buildColdModulesMs: cold.ms, firstDrillMs: drill.ms };
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}
