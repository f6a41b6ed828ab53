import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

// Product code (automation/, stacks/, components/) never imports sandbox/ or scripts/ (issue 11):
// the sandbox plugs in through the CLI's backends (automation/cli/backends.ts), and the one
// composition root, the executable entry, offers it.
// The lint rule (eslint.config.mjs) says the same at edit time; this test also follows what the
// library entries load, file to file, so a sandbox import cannot come in through a re-export.

const root = path.resolve(__dirname, "..", "..");
const productDirs = ["automation", "stacks", "components"];
const forbiddenDirs = ["sandbox", "scripts"];
/** The composition root: the only product file allowed to name sandbox/. */
const compositionRoot = "automation/cli/bin.ts";
/** What embedders load: the SDK and the CLI without its executable. */
const libraryEntries = ["index.ts", "automation/index.ts", "automation/cli/main.ts"];

/** Every module specifier a source names: imports, type imports, re-exports, `import()` and `require()`. */
function specifiersOf(source: string): string[] {
    return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

function rel(file: string): string {
    return path.relative(root, file).split(path.sep).join("/");
}

/** The repository file a relative specifier names, or undefined for a package. */
function resolveLocal(from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) {
        return undefined;
    }
    const base = path.resolve(path.dirname(from), specifier);
    for (const candidate of [`${base}.ts`, path.join(base, "index.ts"), base]) {
        if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
            return candidate;
        }
    }
    return base;
}

function isForbidden(file: string): boolean {
    return forbiddenDirs.some((d) => rel(file) === d || rel(file).startsWith(`${d}/`));
}

function localImportsOf(file: string): string[] {
    return specifiersOf(fs.readFileSync(file, "utf8"))
        .map((s) => resolveLocal(file, s))
        .filter((f): f is string => f !== undefined);
}

function sourcesUnder(dir: string): string[] {
    return (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(root, dir, f));
}

describe("layering: product code never imports sandbox/ or scripts/", () => {
    it("the import scanner sees static, type, re-export, dynamic and require imports", () => {
        const source = [
            'import { a } from "../sandbox/a";',
            'import type { B } from "../../sandbox/b";',
            'export * from "./sandbox/c";',
            'async function f() { return import("../../sandbox/d"); }',
            'const e = require("../scripts/e");',
        ].join("\n");
        expect(specifiersOf(source)).to.have.members(["../sandbox/a", "../../sandbox/b", "./sandbox/c", "../../sandbox/d", "../scripts/e"]);
    });

    it("no file under automation/, stacks/ or components/ but the executable entry imports sandbox/ or scripts/", () => {
        const violations = productDirs
            .flatMap(sourcesUnder)
            .filter((file) => rel(file) !== compositionRoot)
            .flatMap((file) => localImportsOf(file).filter(isForbidden).map((target) => `${rel(file)} imports ${rel(target)}`));
        expect(violations).to.deep.equal([]);
    });

    it("the executable entry is where the sandbox plugs in", () => {
        expect(localImportsOf(path.join(root, compositionRoot)).map(rel)).to.include("sandbox/cli-backends.ts");
    });

    it("what the SDK and the CLI's runCli load never reaches sandbox/, scripts/ or the executable entry", () => {
        const seen = new Set<string>();
        const reached: string[] = [];
        const queue = libraryEntries.map((f) => path.join(root, f));
        while (queue.length > 0) {
            const file = queue.pop() as string;
            if (seen.has(file)) {
                continue;
            }
            seen.add(file);
            if (isForbidden(file) || rel(file) === compositionRoot) {
                reached.push(rel(file));
                continue;
            }
            if (fs.existsSync(file)) {
                queue.push(...localImportsOf(file));
            }
        }
        expect(reached).to.deep.equal([]);
        // The walk did follow the driver: a scan that stopped at the entries would prove nothing.
        expect(seen.has(path.join(root, "automation/driver/controller.ts"))).to.equal(true);
        expect(seen.has(path.join(root, "automation/cli/backends.ts"))).to.equal(true);
    });
});

describe("layering: the ground floor and the components", () => {
    const importsInto = (dirs: readonly string[], targets: readonly string[]) =>
        dirs
            .flatMap(sourcesUnder)
            .flatMap((file) => localImportsOf(file).map((target) => ({ file: rel(file), target: rel(target) })))
            .filter(({ target }) => targets.some((d) => target === d || target.startsWith(`${d}/`)))
            .map(({ file, target }) => `${file} imports ${target}`);

    it("foundation/ imports nothing of the project outside itself", () => {
        const files = sourcesUnder("foundation");
        expect(files.length, "foundation/ holds the posture model").to.be.above(0);
        expect(importsInto(["foundation"], ["automation", "stacks", "components", "sandbox", "scripts", "engine", "index.ts"])).to.deep.equal([]);
    });

    it("components/ take their vocabulary from foundation/, never from automation/ or stacks/", () => {
        expect(importsInto(["components"], ["automation", "stacks"])).to.deep.equal([]);
        // The check sees imports at all: components do import the ground floor.
        expect(importsInto(["components"], ["foundation"]).length).to.be.above(0);
    });
});

describe("layering: the stacks never import the driver", () => {
    /** The by-hand run's composition root, which hands the program the driver's posture-record store. */
    const byHandRoot = "stacks/main.ts";

    it("no file of stacks/ but the by-hand entry imports automation/", () => {
        const violations = sourcesUnder("stacks")
            .filter((file) => rel(file) !== byHandRoot)
            .flatMap((file) => localImportsOf(file).map((target) => `${rel(file)} imports ${rel(target)}`))
            .filter((line) => / imports automation\//.test(line));
        expect(violations).to.deep.equal([]);
        expect(localImportsOf(path.join(root, byHandRoot)).map(rel)).to.include("automation/driver/coordination/posture-record-source.ts");
    });
});
