import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cliRootDir } from "../../automation/engine/environment";
import { starterFileNames } from "../../automation/starter-project";
import { freshInstall, installConsumer, mustRun, packTarball, repoRoot, ShellBlock, shellBlocksOf } from "./consumer-project";

// The package as a user gets it: `npm pack` of this checkout, installed from the tarball into an
// empty folder far from this repository. Everything after the install runs the installed, compiled
// JavaScript with plain node: the CLI through node_modules/.bin, the stack program by hand with the
// engine, the sandbox provider from the package, and the README's embedding example compiled with
// tsc. The engine is found where an installed package looks for it by default: the per-user cache
// (XDG_CACHE_HOME here).
//
// What users read is what runs: every ```sh block of the README and of docs/, verbatim, in the
// order of its document, in one shell per document, in a fresh folder holding nothing but the
// install. A block that cannot run here says why with `<!-- package-test: skip (reason) -->` on
// the line before it; the test lists those. The README's by-hand blocks run after docs/install.md's
// sandbox environment, as the README tells the reader (`<!-- package-test: in the sandbox environment -->`).

const documents = ["README.md", ...fs.readdirSync(path.join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`), "sandbox/README.md"];
const blocks: ShellBlock[] = documents.flatMap((doc) => shellBlocksOf(doc, fs.readFileSync(path.join(repoRoot, doc), "utf8")));
const sandboxEnvironment = blocks.filter((b) => b.role.kind === "sandbox-environment");

/** One document's blocks as one shell script: a line naming each block (so a failure says which), then the block. */
function scriptOf(doc: string): string {
    const parts: string[] = [];
    for (const block of blocks.filter((b) => b.doc === doc)) {
        if (block.role.kind === "skip") {
            continue;
        }
        const prelude = block.role.kind === "in-sandbox-environment" ? `${sandboxEnvironment[0].text}\n` : "";
        parts.push(`echo "=== ${block.doc}:${block.line}" >&2\n${prelude}${block.text}`);
    }
    return parts.join("\n");
}

interface Run {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

describe("the package installed from its tarball into an empty folder", function () {
    let scratch: string;
    let tarball: string;
    let pristine: string;
    let operatorEnv: NodeJS.ProcessEnv;
    let folders = 0;

    /** A fresh folder with nothing but the install. */
    const fresh = (): string => freshInstall(pristine, path.join(scratch, `project-${++folders}`));

    /** The installed CLI, run as a user runs it: node_modules/.bin/sftp-failover. */
    const cli = (project: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run => {
        const r = spawnSync(path.join(project, "node_modules", ".bin", "sftp-failover"), args, { cwd: opts.cwd ?? project, env: opts.env ?? operatorEnv, encoding: "utf8", input: "", timeout: 300_000 });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };

    /** A document's blocks in one shell in `project`; throws with the output when any command fails. */
    const runDocument = (doc: string, project: string): Run => {
        const script = scriptOf(doc);
        const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], { cwd: project, env: operatorEnv, encoding: "utf8", input: "", timeout: 1_200_000 });
        if (r.status !== 0) {
            throw new Error(`${doc}'s blocks exited ${r.status ?? r.signal} in ${project}:\n${r.stdout}\n${r.stderr}`);
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
        pristine = path.join(scratch, "pristine");
        installConsumer(pristine, tarball);

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

    it("the tarball carries the compiled SDK, CLI, stack program, sandbox provider and init's templates, the LICENSE, and no tests, sources or secrets", function () {
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
            ...starterFileNames.filter((f) => f !== ".gitignore"),
        ]);
        expect(files.filter((f) => /(^|\/)test\/|\.test\.[jt]s$/.test(f)), "test files").to.deep.equal([]);
        expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), "TypeScript sources").to.deep.equal([]);
        const installed = path.join(pristine, "node_modules", "sftp-failover");
        expect(fs.readFileSync(path.join(installed, "LICENSE"), "utf8")).to.contain("Apache License").and.to.contain("Version 2.0, January 2004");
        for (const file of ["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.dns.yaml"]) {
            expect(fs.readFileSync(path.join(installed, file), "utf8"), file).to.not.match(/secure:|encryptionsalt|PRIVATE KEY/);
        }
    });

    it("lists the shell blocks it does not run, each with the reason its marker gives", function () {
        const skipped = blocks.filter((b) => b.role.kind === "skip");
        for (const b of skipped) {
            console.log(`      not run: ${b.doc}:${b.line} — ${b.role.kind === "skip" ? b.role.reason : ""}`);
        }
        expect(skipped.every((b) => b.role.kind === "skip" && b.role.reason.trim().length > 10)).to.equal(true);
        expect(sandboxEnvironment.map((b) => b.doc), "one sandbox environment").to.deep.equal(["docs/install.md"]);
        // The documents whose blocks run: a renamed or re-marked block that stopped running fails here.
        const run = [...new Set(blocks.filter((b) => b.role.kind !== "skip").map((b) => b.doc))];
        expect(run).to.deep.equal(["README.md", "docs/install.md"]);
    });

    it("npx sftp-failover --version prints the package's version, and --help calls the program by that one name", function () {
        const project = fresh();
        const version = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version as string;
        const npx = spawnSync("npx", ["--no-install", "sftp-failover", "--version"], { cwd: project, env: operatorEnv, encoding: "utf8" });
        expect(npx.status, npx.stderr).to.equal(0);
        expect(npx.stdout.trim()).to.equal(version);
        const help = cli(project, ["--help"]);
        expect(help.status, help.stderr).to.equal(0);
        expect(help.stdout.split("\n")[0]).to.equal("sftp-failover <command> [options]");
    });

    it("without an engine in the per-user cache, the CLI names the folder it looked in and the script that fills it", function () {
        const project = fresh();
        expect(cli(project, ["init"]).status).to.equal(0);
        const empty = path.join(scratch, "empty-cache");
        const r = cli(project, ["status", "--sandbox"], { env: { ...operatorEnv, XDG_CACHE_HOME: empty } });
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain(`no Pulumi engine at ${path.join(empty, "sftp-failover", "pulumi-cli", "bin", "pulumi")}`);
        expect(r.stderr).to.contain(`run ${path.join(project, "node_modules", "sftp-failover", "scripts", "ensure-pulumi")}`);
    });

    it("outside any project and without --stack-dir, the CLI says how to name the project and exits 2", function () {
        const project = fresh();
        const r = cli(project, ["status", "--sandbox"], { cwd: scratch });
        expect(r.status).to.equal(2);
        expect(r.stderr.trim()).to.equal(`error: no Pulumi.yaml in ${scratch} or any folder above it (name the project folder with --stack-dir, projectDir or SFTP_FAILOVER_PROJECT_DIR)`);
    });

    it("the README's blocks, in order, in a fresh folder: init, the by-hand deployment in the sandbox, and the tear-down", function () {
        const project = fresh();
        const r = runDocument("README.md", project);
        const installed = path.join(project, "node_modules", "sftp-failover");
        // init wrote the starter project into the folder that installed the package: no install step in its list.
        expect(r.stdout).to.contain(`wrote ${starterFileNames.join(", ")} in ${project}`);
        expect(r.stdout).to.not.contain("npm install sftp-failover");
        // Every `up` was answered by the installed package's sandbox provider, never a real one.
        expect(r.stdout + r.stderr).to.contain(`using pulumi-resource-aws from $PATH at ${path.join(installed, "sandbox", "bin", "pulumi-resource-aws")}`);
        // The deployment block's last command: the record name clients connect to.
        expect(r.stdout.split("\n")).to.include("sftp.sandbox.example.com");
        // The temporary override is gone again, and the stack files kept their types.
        const primary = fs.readFileSync(path.join(project, "Pulumi.primary.yaml"), "utf8");
        expect(primary).to.not.contain("replicationEnabled");
        expect(primary).to.match(/sftp-failover:hostKeys:\n\s+ed25519:\n\s+secure: v1:/);
        // After the tear-down, status finds nothing deployed.
        const status = cli(project, ["status", "--sandbox", "--json"]);
        expect(status.status, status.stderr).to.equal(0);
        expect(JSON.parse(status.stdout).notDeployed).to.deep.equal(["primary", "secondary", "dns"]);
    });

    it("docs/install.md's blocks, in order, in a fresh folder; then the README's embedding example, compiled with tsc, against what they deployed", function () {
        const project = fresh();
        const r = runDocument("docs/install.md", project);
        const version = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version as string;
        expect(r.stdout.split("\n")).to.include(version);
        // The switch ended unverified (no SFTP server in the sandbox), and history has it.
        expect(r.stdout).to.match(/^UNVERIFIED: active-passive → active-active in \d+\.\ds \(run /m);
        const history = JSON.parse(cli(project, ["history", "--json"]).stdout) as { to: string; result: string }[];
        expect(history.map((e) => `${e.to} ${e.result}`)).to.deep.equal(["active-active unverified"]);

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
        const engineEnv = sandboxEnvironment[0].text;
        mustRun("bash", ["-euo", "pipefail", "-c", `${engineEnv}\nfor stack in primary secondary; do pulumi config rm -s "$stack" sftp-failover:canaryKey; done`], { cwd: project, env: operatorEnv });
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
});
