import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { starterFileNames } from "../../automation/starter-project";
import { spawnCli } from "../support/spawn-cli";

// `sftp-failover init` run as a user runs it: the starter project it writes is this repository's
// own project files (what the tests and the drill deploy), and every refusal is one line naming the
// path, exit 2, with nothing written.

const root = path.resolve(__dirname, "..", "..");

describe("sftp-failover init", function () {
    this.timeout(120_000);
    let scratch: string;

    beforeEach(function () {
        scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "init-cli-")));
    });
    afterEach(function () {
        fs.rmSync(scratch, { recursive: true, force: true });
    });

    /** Every file under a folder, relative, sorted. */
    const tree = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();

    it("writes Pulumi.yaml for the installed program, the repository's stack files and users.yaml, a .gitignore, and the next steps", function () {
        const dir = path.join(scratch, "ops", "sftp");
        const r = spawnCli(["init", dir]);
        expect(r.status, r.stderr).to.equal(0);
        expect(tree(dir)).to.deep.equal([...starterFileNames].sort());
        for (const file of ["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.dns.yaml", "users.yaml"]) {
            // The templates are the files the repository's own stacks use, comments and all.
            expect(fs.readFileSync(path.join(dir, file), "utf8"), file).to.equal(fs.readFileSync(path.join(root, file), "utf8"));
        }
        const project = YAML.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
        const own = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
        expect(project).to.deep.equal({ ...own, main: "node_modules/sftp-failover/dist/stacks/main.js", runtime: { name: "nodejs" } });
        expect(fs.readFileSync(path.join(dir, ".gitignore"), "utf8").split("\n")).to.include.members([".pulumi-state/", ".pulumi-home/", ".failover/", "node_modules/"]);
        const lines = r.stdout.trim().split("\n");
        expect(lines[0]).to.equal(`wrote ${starterFileNames.join(", ")} in ${dir}`);
        expect(lines.slice(1)).to.deep.equal([
            "next:",
            `  1. cd ${dir}`,
            "  2. npm install sftp-failover   # Pulumi.yaml runs the program it installs",
            "  3. edit users.yaml and the stack files (every key: docs/regional.md, docs/dns.md); as written they are a sandbox example",
            "  4. npx sftp-failover hostkeys generate   # one set of host keys for both regions (add --sandbox in the sandbox)",
            "  5. npx sftp-failover bootstrap --yes     # create and deploy the three stacks; gives both regions the canary",
            "  6. npx sftp-failover status",
        ]);
        expect(r.stdout + r.stderr).to.not.match(/ts-node|scripts\//);
    });

    it("a folder holding any one of the files is refused, naming it, exit 2, nothing written; --force overwrites", function () {
        for (const name of starterFileNames) {
            const dir = path.join(scratch, `holds-${name}`);
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, name), "mine\n");
            const r = spawnCli(["init", dir]);
            expect(r.status, name).to.equal(2);
            expect(r.stderr, name).to.equal(`error: ${path.join(dir, name)} already exists (pass --force to overwrite the starter files)\n`);
            expect(r.stdout, name).to.equal("");
            expect(tree(dir), name).to.deep.equal([name]);
            expect(fs.readFileSync(path.join(dir, name), "utf8")).to.equal("mine\n");
        }
        const dir = path.join(scratch, "holds-users.yaml");
        const forced = spawnCli(["init", dir, "--force"]);
        expect(forced.status, forced.stderr).to.equal(0);
        expect(fs.readFileSync(path.join(dir, "users.yaml"), "utf8")).to.equal(fs.readFileSync(path.join(root, "users.yaml"), "utf8"));
    });

    it("a file in place of the folder, a folder that cannot be written, and one that cannot be created are one line each, exit 2", function () {
        const file = path.join(scratch, "a-file");
        fs.writeFileSync(file, "x");
        // /proc refuses files and folders even to root, where permission bits do not.
        const cases: [string, string][] = [
            [file, `error: ${file} is not a folder\n`],
            ["/proc/1", "error: /proc/1/Pulumi.yaml cannot be written (ENOENT)\n"],
            ["/proc/1/sftp", "error: /proc/1/sftp cannot be created (ENOENT)\n"],
        ];
        for (const [dir, stderr] of cases) {
            const r = spawnCli(["init", dir]);
            expect(r.status, dir).to.equal(2);
            expect(r.stderr, dir).to.equal(stderr);
            expect(r.stdout, dir).to.equal("");
        }
        expect(fs.readFileSync(file, "utf8")).to.equal("x");
        expect(fs.existsSync("/proc/1/Pulumi.yaml")).to.equal(false);
    });

    it("--json prints the result: the folder, the files written, whether the package is installed there", function () {
        const r = spawnCli(["init", scratch, "--json"]);
        expect(r.status, r.stderr).to.equal(0);
        expect(JSON.parse(r.stdout)).to.deep.equal({ dir: scratch, written: [...starterFileNames], packageInstalled: false });
    });
});
