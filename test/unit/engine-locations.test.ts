import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    findProjectDir,
    packageRoot,
    packageVersion,
    resolveEngineDir,
    resolveProjectDir,
    userEngineCache,
} from "../../automation/engine/locations";
import { sandboxBinDir } from "../../sandbox/engine";

// Where the project, the engine and the sandbox provider are found: options and environment
// variables first, then defaults that hold both in a checkout and in an installed package.

const repoRoot = path.resolve(__dirname, "..", "..");

describe("engine locations", function () {
    let tmp: string;

    beforeEach(() => {
        tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "locations-")));
    });
    afterEach(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    describe("project folder", function () {
        it("is the option when given, relative to the current folder", function () {
            expect(resolveProjectDir("ops/sftp", { SFTP_FAILOVER_PROJECT_DIR: "/elsewhere" }, tmp)).to.equal(path.join(tmp, "ops", "sftp"));
        });

        it("is SFTP_FAILOVER_PROJECT_DIR when no option is given", function () {
            expect(resolveProjectDir(undefined, { SFTP_FAILOVER_PROJECT_DIR: "/srv/sftp" }, tmp)).to.equal("/srv/sftp");
        });

        it("is otherwise the nearest folder at or above the current one holding Pulumi.yaml", function () {
            const project = path.join(tmp, "project");
            const deep = path.join(project, "a", "b");
            fs.mkdirSync(deep, { recursive: true });
            fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: sftp-failover\n");
            expect(resolveProjectDir(undefined, {}, deep)).to.equal(project);
            expect(resolveProjectDir(undefined, {}, project)).to.equal(project);
            expect(findProjectDir(tmp)).to.equal(undefined);
        });

        it("without option, variable or Pulumi.yaml is a one-line error naming the folder and the ways to name one", function () {
            expect(() => resolveProjectDir(undefined, {}, tmp)).to.throw(
                `no Pulumi.yaml in ${tmp} or any folder above it (name the project folder with --stack-dir, projectDir or SFTP_FAILOVER_PROJECT_DIR)`,
            );
        });
    });

    describe("engine folder", function () {
        it("is the option, then PULUMI_CLI_CACHE", function () {
            expect(resolveEngineDir("/opt/engine", { PULUMI_CLI_CACHE: "/cache" }, tmp)).to.equal("/opt/engine");
            expect(resolveEngineDir(undefined, { PULUMI_CLI_CACHE: "/cache" }, tmp)).to.equal("/cache");
        });

        it("is a checkout's own .pulumi-cli when present, even as a link whose target is still to be built", function () {
            fs.symlinkSync(path.join(tmp, "not-yet"), path.join(tmp, ".pulumi-cli"));
            expect(resolveEngineDir(undefined, { XDG_CACHE_HOME: "/xdg" }, tmp)).to.equal(path.join(tmp, ".pulumi-cli"));
        });

        it("is otherwise the per-user cache under XDG_CACHE_HOME, or ~/.cache when that is unset or relative", function () {
            expect(resolveEngineDir(undefined, { XDG_CACHE_HOME: "/xdg" }, tmp)).to.equal("/xdg/sftp-failover/pulumi-cli");
            expect(userEngineCache({})).to.equal(path.join(os.homedir(), ".cache", "sftp-failover", "pulumi-cli"));
            expect(userEngineCache({ XDG_CACHE_HOME: "relative/cache" })).to.equal(path.join(os.homedir(), ".cache", "sftp-failover", "pulumi-cli"));
        });
    });

    describe("the package's own files", function () {
        it("are found through the package's package.json: here, the checkout", function () {
            expect(packageRoot()).to.equal(repoRoot);
            expect(packageVersion()).to.equal(JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version);
        });

        it("include the sandbox provider executable", function () {
            const executable = path.join(sandboxBinDir(), "pulumi-resource-aws");
            expect(fs.statSync(executable).mode & 0o111, "executable bits").to.not.equal(0);
        });
    });
});
