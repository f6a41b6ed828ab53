import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliRootDir } from "../../automation/engine/environment";
import { createConsumerProject, mustRun, packTarball, repoRoot, shellBlocks } from "./consumer-project";

// The package as a user gets it: `npm pack` of this checkout, installed from the tarball into a
// project of its own (its own Pulumi.yaml, stack files and users.yaml) far from this repository.
// Everything after the install runs the installed, compiled JavaScript with plain node: the CLI
// through node_modules/.bin, the stack program by hand with the engine, the sandbox provider from
// the package, and the README's embedding example compiled with tsc. The engine is found where an
// installed package looks for it by default: the per-user cache (XDG_CACHE_HOME here).

// What users read is what runs: the README's by-hand blocks and docs/install.md's sandbox environment.
const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
const [deploy, teardown] = shellBlocks(readme, "### By hand, per environment");
const readmeByHand = { deploy, teardown };
const sandboxEnvironment = shellBlocks(fs.readFileSync(path.join(repoRoot, "docs", "install.md"), "utf8"), "## Running").find((b) => b.includes("PULUMI_BACKEND_URL")) ?? "";

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

describe("the package installed from its tarball into a project of its own", function () {
    let scratch: string;
    let tarball: string;
    let project: string;
    let installed: string;
    let operatorEnv: NodeJS.ProcessEnv;

    /** The installed CLI, run as a user runs it: node_modules/.bin/sftp-failover. */
    const cli = (args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run => {
        const r = spawnSync(path.join(project, "node_modules", ".bin", "sftp-failover"), args, {
            cwd: opts.cwd ?? project,
            env: opts.env ?? operatorEnv,
            encoding: "utf8",
            input: "",
            timeout: 300_000,
        });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    /** docs/install.md's sandbox environment, then `commands`, in one shell in the project folder. */
    const byHand = (commands: string): Run => {
        const script = `${sandboxEnvironment}\n${commands}`;
        const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], { cwd: project, env: operatorEnv, encoding: "utf8", input: "", timeout: 900_000 });
        if (r.status !== 0) {
            throw new Error(`by-hand commands exited ${r.status ?? r.signal}:\n${script}\n${r.stdout}\n${r.stderr}`);
        }
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    before(function () {
        const engine = path.join(cliRootDir(), "bin", "pulumi");
        if (!fs.existsSync(engine)) {
            throw new Error(`no engine at ${engine}: run scripts/ensure-pulumi first (npm run test:package does)`);
        }
        scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "sftp-failover-package-")));
        tarball = packTarball(scratch);
        project = path.join(scratch, "project");
        createConsumerProject(project, tarball);
        installed = path.join(project, "node_modules", "sftp-failover");

        // The per-user engine cache, as scripts/ensure-pulumi fills it for an installed package:
        // the engine alone. It never points into a project; by hand, PATH names the installed
        // package's own language host (docs/install.md).
        const cacheBin = path.join(scratch, "cache", "sftp-failover", "pulumi-cli", "bin");
        fs.mkdirSync(cacheBin, { recursive: true });
        fs.symlinkSync(engine, path.join(cacheBin, "pulumi"));

        // Nothing of this checkout's engine settings leaks into the user's environment.
        const { PULUMI_CLI_CACHE: _cache, PULUMI_CONFIG_PASSPHRASE: _pass, SFTP_FAILOVER_PROJECT_DIR: _dir, PULUMI_BACKEND_URL: _backend, PULUMI_HOME: _home, ...rest } = process.env;
        operatorEnv = { ...rest, XDG_CACHE_HOME: path.join(scratch, "cache"), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    });

    after(function () {
        if (scratch !== undefined) {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });

    it("the tarball carries the compiled SDK, CLI, stack program and sandbox provider, the LICENSE, and no tests or sources", function () {
        const files = mustRun("tar", ["-tzf", tarball], { cwd: scratch }).stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));
        expect(files).to.include.members([
            "package.json",
            "LICENSE",
            "dist/index.js",
            "dist/index.d.ts",
            "dist/automation/cli/bin.js",
            "dist/stacks/main.js",
            "dist/sandbox/main.js",
            "sandbox/bin/pulumi-resource-aws",
            "engine/pulumi-language-nodejs",
            "scripts/ensure-pulumi",
        ]);
        expect(files.filter((f) => /(^|\/)test\/|\.test\.[jt]s$/.test(f)), "test files").to.deep.equal([]);
        expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), "TypeScript sources").to.deep.equal([]);
        expect(fs.readFileSync(path.join(installed, "LICENSE"), "utf8")).to.contain("Apache License").and.to.contain("Version 2.0, January 2004");
    });

    it("npx sftp-failover --version prints the package's version, and --help calls the program by that one name", function () {
        const version = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version as string;
        const npx = spawnSync("npx", ["--no-install", "sftp-failover", "--version"], { cwd: project, env: operatorEnv, encoding: "utf8" });
        expect(npx.status, npx.stderr).to.equal(0);
        expect(npx.stdout.trim()).to.equal(version);
        const help = cli(["--help"]);
        expect(help.status, help.stderr).to.equal(0);
        expect(help.stdout.split("\n")[0]).to.equal("sftp-failover <command> [options]");
    });

    it("without an engine in the per-user cache, the CLI names the folder it looked in and the script that fills it", function () {
        const empty = path.join(scratch, "empty-cache");
        const r = cli(["status", "--sandbox"], { env: { ...operatorEnv, XDG_CACHE_HOME: empty } });
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain(`no Pulumi engine at ${path.join(empty, "sftp-failover", "pulumi-cli", "bin", "pulumi")}`);
        expect(r.stderr).to.contain(`run ${path.join(installed, "scripts", "ensure-pulumi")}`);
    });

    it("outside any project and without --stack-dir, the CLI says how to name the project and exits 2", function () {
        const r = cli(["status", "--sandbox"], { cwd: scratch });
        expect(r.status).to.equal(2);
        expect(r.stderr.trim()).to.equal(`error: no Pulumi.yaml in ${scratch} or any folder above it (name the project folder with --stack-dir, projectDir or SFTP_FAILOVER_PROJECT_DIR)`);
    });

    it("the README's by-hand commands, run as they stand in docs/install.md's sandbox environment, deploy the stacks, and status reads them", function () {
        const r = byHand(readmeByHand.deploy);
        // Every `up` was answered by the installed package's sandbox provider, never a real one.
        expect(r.stdout + r.stderr).to.contain(`using pulumi-resource-aws from $PATH at ${path.join(installed, "sandbox", "bin", "pulumi-resource-aws")}`);
        // The block's last command: the record name clients connect to.
        expect(r.stdout.trim().split("\n").at(-1)).to.equal("sftp.sandbox.example.com");
        // The temporary override is gone again: the stack files hold the configured replication.
        expect(fs.readFileSync(path.join(project, "Pulumi.primary.yaml"), "utf8")).to.not.contain("replicationEnabled");
        const status = cli(["status", "--sandbox", "--json"]);
        expect(status.status, status.stderr).to.equal(0);
        const parsed = JSON.parse(status.stdout);
        expect(parsed).to.deep.include({ posture: "active-passive", weights: { primary: 100, secondary: 0 }, serving: "primary" });
        expect(parsed.capacity).to.deep.equal({ primary: "active", secondary: "pilot-light" });
    });

    it("a switch in the sandbox, from another folder with --stack-dir, deploys and audits it: unverified when told to skip the gate", function () {
        // The by-hand block gave the regions a canary, but the sandbox has no SFTP server to log in
        // to: the gate is skipped, and the switch ends unverified (exit 5), never plain ok.
        const r = cli(["posture", "active-active", "--yes", "--skip-verify", "--reason", "package test", "--sandbox", "--stack-dir", project, "--identity", "pat"], { cwd: scratch });
        expect(r.status, r.stderr).to.equal(5);
        expect(r.stdout.split("\n")[0]).to.match(/^UNVERIFIED: active-passive → active-active in \d+\.\ds \(run /);
        const history = JSON.parse(cli(["history", "--json", "--stack-dir", project], { cwd: scratch }).stdout);
        expect(history.map((e: { identity: string; to: string; result: string }) => `${e.identity} ${e.to} ${e.result}`)).to.deep.equal(["pat active-active unverified"]);
    });

    it("the README's embedding example, compiled with tsc, runs with plain node against the installed package", function () {
        const doc = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
        const example = /### Embedding\n\n```ts\n([\s\S]*?)```/.exec(doc)?.[1];
        expect(example, "README.md has an embedding example").to.be.a("string");
        expect(example).to.contain('from "sftp-failover"');
        const tools = path.join(project, "tools");
        fs.mkdirSync(tools);
        fs.writeFileSync(path.join(tools, "example.ts"), example!);
        // The consumer has no TypeScript of its own here: this checkout's compiler and Node types.
        mustRun(
            process.execPath,
            [
                path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"),
                "--strict", "--esModuleInterop", "--skipLibCheck", "--target", "ES2022", "--module", "commonjs", "--moduleResolution", "node",
                "--typeRoots", path.join(repoRoot, "node_modules", "@types"), "--types", "node",
                "--outDir", path.join(tools, "out"), path.join(tools, "example.ts"),
            ],
            { cwd: tools },
        );
        // The sandbox has no SFTP server for the canary to log in to: without its key the gate
        // cannot try, and the example's switch ends unverified.
        byHand("for stack in primary secondary; do pulumi config rm -s \"$stack\" sftp-failover:canaryKey; done");
        const run = spawnSync(process.execPath, [path.join(tools, "out", "example.js")], {
            cwd: scratch,
            encoding: "utf8",
            env: { ...operatorEnv, PROJECT_DIR: project, BACKEND_URL: `file://${path.join(project, ".pulumi-state")}` },
            timeout: 300_000,
        });
        expect(run.status, run.stderr).to.equal(0);
        const lines = run.stdout.trim().split("\n");
        expect(lines[0]).to.match(/^steps: .*switch DNS active-active → failover/);
        expect(lines[lines.length - 1]).to.equal("unverified: active-active → failover; remaining: 0");
    });

    it("the README's tear-down command destroys the stacks in reverse order, and status then says they are not deployed", function () {
        byHand(readmeByHand.teardown);
        const r = cli(["status", "--sandbox", "--json"]);
        expect(r.status, r.stderr).to.equal(0);
        const status = JSON.parse(r.stdout);
        expect(status.notDeployed).to.deep.equal(["primary", "secondary", "dns"]);
        expect(status).to.not.have.property("posture");
    });
});
