import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

// StrykerJS mutates nothing for a pattern that matches no file, and says nothing either: when the
// posture model moved to foundation/, the config kept its old path and the model went unmutated.
// Every entry of `mutate` must name files that exist (and a line range, lines that exist).

const root = path.resolve(__dirname, "..", "..");

/** The config's `mutate` list, read by Node itself (the config is an ES module). */
function mutatePatterns(): string[] {
    const read = spawnSync(process.execPath, ["--input-type=module", "-e", "const { default: c } = await import('./stryker.config.mjs'); console.log(JSON.stringify(c.mutate));"], {
        cwd: root,
        encoding: "utf8",
    });
    expect(read.status, read.stderr).to.equal(0);
    return JSON.parse(read.stdout) as string[];
}

/** The files a pattern names: a path, or a folder's `*.ts`; the line count of each. */
function filesOf(pattern: string): string[] {
    const file = pattern.replace(/:\d+-\d+$/, "");
    if (!file.includes("*")) {
        return fs.existsSync(path.join(root, file)) ? [file] : [];
    }
    const [dir, glob] = [path.dirname(file), path.basename(file)];
    expect(glob, `only "<folder>/*.ts" wildcards are checked here: ${pattern}`).to.equal("*.ts");
    const full = path.join(root, dir);
    return fs.existsSync(full) ? fs.readdirSync(full).filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f)) : [];
}

describe("mutation testing config (stryker.config.mjs)", function () {
    this.timeout(20_000);
    const patterns = mutatePatterns();

    it("names the decision modules (the list is read, not empty)", function () {
        expect(patterns).to.include("foundation/posture.ts");
        expect(patterns.length).to.be.greaterThan(10);
    });

    for (const pattern of patterns) {
        it(`"${pattern}" names files that exist`, function () {
            const files = filesOf(pattern);
            expect(files.length, `${pattern} matches no file: StrykerJS would mutate nothing there`).to.be.greaterThan(0);
            const range = /:(\d+)-(\d+)$/.exec(pattern);
            if (range !== null) {
                const lines = fs.readFileSync(path.join(root, files[0]), "utf8").split("\n").length;
                expect(Number(range[2]), `${pattern} ends past the file's ${lines} lines`).to.be.at.most(lines);
            }
        });
    }

    it("a moved module's old path is caught", function () {
        expect(filesOf("automation/posture.ts")).to.deep.equal([]);
        expect(filesOf("stacks/config/*.ts")).to.include("stacks/config/dns.ts");
    });
});
