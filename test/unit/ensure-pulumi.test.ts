import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// Which folder scripts/ensure-pulumi fills: the same rule the driver reads it by
// (automation/engine/locations.ts). Each folder is seeded with an engine of the wanted version, so
// the script takes its fast path, prints the folder, and never builds or downloads anything.

const repoRoot = path.resolve(__dirname, "..", "..");
const sdkVersion = (JSON.parse(fs.readFileSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;

/** An engine folder that holds a `pulumi` reporting the pinned version, and a language host. */
function seedEngine(dir: string): void {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(dir, "version"), `${sdkVersion}\n${sdkVersion}\n`);
    fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho v${sdkVersion}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "pulumi-language-nodejs"), "#!/bin/sh\n", { mode: 0o755 });
}

describe("scripts/ensure-pulumi: the engine folder it fills", function () {
    this.timeout(30_000);
    let tmp: string;
    let pkg: string;
    let xdg: string;

    const ensure = (args: string[], env: NodeJS.ProcessEnv = {}) => {
        const { PULUMI_CLI_CACHE: _ignored, ...base } = process.env;
        const r = spawnSync(path.join(pkg, "scripts", "ensure-pulumi"), args, { env: { ...base, XDG_CACHE_HOME: xdg, ...env }, encoding: "utf8", timeout: 20_000, killSignal: "SIGKILL" });
        return { status: r.status, bin: r.stdout.trim().split("\n").pop(), stderr: r.stderr };
    };

    beforeEach(() => {
        tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ensure-pulumi-")));
        // A copy of the package as npm installs it: the script, and @pulumi/pulumi beside it.
        pkg = path.join(tmp, "node_modules", "sftp-failover");
        fs.mkdirSync(path.join(pkg, "scripts"), { recursive: true });
        fs.copyFileSync(path.join(repoRoot, "scripts", "ensure-pulumi"), path.join(pkg, "scripts", "ensure-pulumi"));
        fs.chmodSync(path.join(pkg, "scripts", "ensure-pulumi"), 0o755);
        fs.mkdirSync(path.join(tmp, "node_modules", "@pulumi"), { recursive: true });
        fs.symlinkSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi"), path.join(tmp, "node_modules", "@pulumi", "pulumi"));
        xdg = path.join(tmp, "xdg");
    });
    afterEach(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("installed (no checkout), it is the per-user cache under XDG_CACHE_HOME", function () {
        seedEngine(path.join(xdg, "sftp-failover", "pulumi-cli"));
        const r = ensure([]);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.bin).to.equal(path.join(xdg, "sftp-failover", "pulumi-cli", "bin"));
    });

    it("in a checkout, it is the checkout's .pulumi-cli, unless --user-cache asks for the per-user cache", function () {
        fs.mkdirSync(path.join(pkg, ".git"));
        seedEngine(path.join(pkg, ".pulumi-cli"));
        seedEngine(path.join(xdg, "sftp-failover", "pulumi-cli"));
        expect(ensure([]).bin).to.equal(path.join(pkg, ".pulumi-cli", "bin"));
        expect(ensure(["--user-cache"]).bin).to.equal(path.join(xdg, "sftp-failover", "pulumi-cli", "bin"));
    });

    it("PULUMI_CLI_CACHE names it, whatever else holds", function () {
        fs.mkdirSync(path.join(pkg, ".git"));
        seedEngine(path.join(tmp, "mine"));
        expect(ensure(["--user-cache"], { PULUMI_CLI_CACHE: path.join(tmp, "mine") }).bin).to.equal(path.join(tmp, "mine", "bin"));
    });

    it("installed, the per-user cache never points into the project when the language host must be the package's own", function () {
        const cache = path.join(xdg, "sftp-failover", "pulumi-cli");
        seedEngine(cache);
        fs.rmSync(path.join(cache, "bin", "pulumi-language-nodejs"));
        fs.mkdirSync(path.join(pkg, "engine"));
        fs.writeFileSync(path.join(pkg, "engine", "pulumi-language-nodejs"), "#!/bin/sh\n", { mode: 0o755 });
        // A module proxy on a closed port: the official host cannot be built.
        const r = ensure([], { GOPROXY: "http://127.0.0.1:9" });
        expect(r.status, r.stderr).to.equal(0);
        expect(fs.existsSync(path.join(cache, "bin", "pulumi-language-nodejs"))).to.equal(false);
        expect(r.stderr).to.contain(`put ${pkg}/engine on PATH`);
    });

    it("an unknown argument is refused with exit 2, naming it", function () {
        const r = ensure(["--global"]);
        expect(r.status).to.equal(2);
        expect(r.stderr).to.contain("ensure-pulumi: unknown argument: --global");
    });
});
