import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

// Issue 25 (3): folders are made by makeFolder (foundation/folders.ts) alone, because Node's
// recursive mkdir spins forever at 100 % CPU under /proc. The lint rule holds it: every form of a
// recursive mkdir in product code is refused, and what is not a recursive local mkdir is not.

const root = path.resolve(__dirname, "..", "..");
const productFile = path.join(root, "automation", "driver", "folder-lint-sample.ts");

/** The folder rule's messages for `code` linted as a product file (the project's own eslint and config, code on stdin). */
async function folderMessages(code: string): Promise<string[]> {
    const eslint = path.join(root, "node_modules", "eslint", "bin", "eslint.js");
    const r = spawnSync(process.execPath, [eslint, "--format", "json", "--stdin", "--stdin-filename", productFile], { cwd: root, input: code, encoding: "utf8" });
    const [result] = JSON.parse(r.stdout) as { messages: { message: string }[] }[];
    return result.messages.filter((m) => /makeFolder/.test(m.message)).map((m) => m.message);
}

describe("the lint rule that makes folders through makeFolder alone", function () {
    this.timeout(60_000);
    const refused: Record<string, string> = {
        "fs.mkdirSync": `import * as fs from "node:fs";\nfs.mkdirSync("/tmp/x", { recursive: true });\n`,
        "fs.promises.mkdir": `import * as fs from "node:fs";\nvoid fs.promises.mkdir("/tmp/x", { recursive: true });\n`,
        "a named import of mkdir": `import { mkdir } from "node:fs/promises";\nvoid mkdir("/tmp/x", { recursive: true });\n`,
        "fs/promises imported whole": `import * as fsp from "node:fs/promises";\nvoid fsp.mkdir("/tmp/x", { recursive: true });\n`,
        "the callback form": `import * as fs from "node:fs";\nfs.mkdir("/tmp/x", { recursive: true }, () => undefined);\n`,
    };
    for (const [what, code] of Object.entries(refused)) {
        it(`refuses ${what}`, async () => {
            expect(await folderMessages(code)).to.have.length.greaterThan(0);
        });
    }

    it("lets makeFolder and a remote (SFTP) mkdir without recursion through", async () => {
        expect(await folderMessages(`import { makeFolder } from "../../foundation/folders";\nmakeFolder("/tmp/x");\n`)).to.deep.equal([]);
        expect(await folderMessages(`declare const sftp: { mkdir(p: string, cb: () => void): void };\nsftp.mkdir("incoming", () => undefined);\n`)).to.deep.equal([]);
    });
});
