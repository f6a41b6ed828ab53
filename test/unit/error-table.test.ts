import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import * as sdk from "../../automation/index";
import { exitCodeHelp, exitCodeOf, UsageError } from "../../automation/cli/errors";
import { AbortedError, AnswerSafetyError, FailoverError, SwitchStoppedError } from "../../automation/driver/errors";
import { errorRowOf, errorTable, errorTableMarkdown, exitCodes, exitCodeTable, internalErrors } from "../../automation/error-table";
import { runMain } from "../support/run-main";

// The one error table (automation/error-table.ts): every error class in automation/ is in it (or
// accounted for as never leaving the SDK), every row is an exported class of that name and parent,
// every `@throws` names a row, the CLI's exit codes and --help come from it, and docs/driver.md
// carries it as generated.

const root = path.resolve(__dirname, "../..");

/** Every .ts file under automation/. */
function automationFiles(dir = path.join(root, "automation")): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? automationFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

const tableNames = new Set(errorTable.map((r) => r.name));

describe("the error table", () => {
    it("lists every error class defined under automation/, or says why one never leaves the SDK", () => {
        const defined = automationFiles().flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/^export class (\w+Error) extends (\w+)/gm)].map((m) => ({ name: m[1], parent: m[2], file: path.relative(root, f) })));
        expect(defined.length).to.be.greaterThan(15);
        for (const d of defined) {
            expect(tableNames.has(d.name) || internalErrors[d.name] !== undefined, `${d.name} (${d.file}) is in neither errorTable nor internalErrors`).to.equal(true);
            const row = errorTable.find((r) => r.name === d.name);
            if (row !== undefined) {
                expect(row.parent ?? "Error", `${d.name}'s parent`).to.equal(d.parent);
            }
        }
    });

    it("every row is a class the package exports, with that name and parent, and is found by its instances", () => {
        for (const row of errorTable) {
            const exported = (sdk as Record<string, unknown>)[row.name] as (abstract new (...args: never[]) => Error) | undefined;
            expect(exported, `${row.name} is not exported from automation/index.ts`).to.be.a("function");
            expect(Object.getPrototypeOf(exported).name).to.equal(row.parent ?? "Error");
            // An instance of the class, and of a subclass the table does not list, find this row.
            const instance = Object.create(exported!.prototype) as Error;
            expect(errorRowOf(instance)?.name).to.equal(row.name);
            class Unlisted extends (exported as unknown as new (...args: unknown[]) => Error) {}
            expect(errorRowOf(Object.create(Unlisted.prototype))?.name).to.equal(row.name);
        }
        expect(errorRowOf(new Error("plain"))).to.equal(undefined);
        expect(errorRowOf("not an error")).to.equal(undefined);
    });

    it("every @throws in automation/ names a class of the table (or a plain Error)", () => {
        const named = automationFiles().flatMap((f) =>
            [...fs.readFileSync(f, "utf8").matchAll(/@throws\s+(\w+)/g)].map((m) => ({ name: m[1], file: path.relative(root, f) })),
        );
        expect(named.length).to.be.greaterThan(20);
        for (const { name, file } of named.filter((n) => /Error$/.test(n.name) && n.name !== "Error")) {
            expect(tableNames.has(name) || internalErrors[name] !== undefined, `${file}: @throws ${name} is not in the error table`).to.equal(true);
        }
    });

    it("the CLI's exit code of each error is its row's, and --help lists every code and class", () => {
        expect(exitCodeOf(new UsageError("--x"))).to.equal(exitCodes.badInput);
        expect(exitCodeOf(new AnswerSafetyError("harm", {} as never))).to.equal(exitCodes.badInput);
        expect(exitCodeOf(new SwitchStoppedError("stopped", "step", []))).to.equal(exitCodes.failed);
        expect(exitCodeOf(new AbortedError())).to.equal(exitCodes.interrupted);
        expect(exitCodeOf(new FailoverError("x"))).to.equal(exitCodes.failed);
        expect(exitCodeOf(new Error("unlisted"))).to.equal(exitCodes.failed);
        for (const row of exitCodeTable) {
            expect(exitCodeHelp).to.contain(`${row.code} ${row.short}`);
        }
        for (const row of errorTable) {
            expect(exitCodeHelp).to.contain(row.name);
        }
    });

    it("docs/driver.md carries the table exactly as generated", () => {
        const doc = fs.readFileSync(path.join(root, "docs/driver.md"), "utf8");
        const block = /<!-- error-table:start[^>]*-->\n([\s\S]*?)\n<!-- error-table:end -->/.exec(doc);
        expect(block, "docs/driver.md has no error-table markers").to.not.equal(null);
        // To regenerate: npx ts-node -e 'console.log(require("./automation/error-table").errorTableMarkdown())'
        expect(block![1]).to.equal(errorTableMarkdown());
    });

    it("--json errors name a class of the table: a refused flag is UsageError, exit 2", async () => {
        const r = await runMain(["status", "--no-such-flag", "--json"]);
        expect(r.status).to.equal(exitCodes.badInput);
        const { error } = JSON.parse(r.stdout) as { error: { name: string; message: string } };
        expect(error.name).to.equal("UsageError");
        expect(errorRowOf(new UsageError(error.message))?.exitCode).to.equal(r.status);
    });
});
