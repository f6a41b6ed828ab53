import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";

// The Automation API's setConfig/setAllConfig put each value on the engine's command line, which
// every local user can read while it runs. Secrets (host keys, the canary key) go through
// automation/engine/secret-config.ts, which hands the value over on stdin. This keeps it that way.
const root = path.resolve(__dirname, "..", "..");
const scanned = ["automation", "components", "stacks", "scripts", "sandbox", "bench"];

function tsFilesUnder(rel: string): string[] {
    return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
        const child = path.join(rel, e.name);
        return e.isDirectory() ? tsFilesUnder(child) : e.name.endsWith(".ts") ? [child] : [];
    });
}

/** Offending lines of `text`: a config setter handed a value marked secret. */
export function secretsOnArgv(text: string): string[] {
    // Each call, from the setter to the end of its statement (good enough for this codebase's style).
    const calls = text.match(/\.set(All)?Config\([^;]*;/g) ?? [];
    return calls.filter((call) => /secret\s*:\s*true/.test(call)).map((call) => call.split("\n")[0].trim());
}

describe("secret config never on a command line", () => {
    it("finds a setter given a secret (the check can fail)", () => {
        expect(secretsOnArgv(`await stack.setConfig("k", { value: key, secret: true });`)).to.have.length(1);
        expect(secretsOnArgv(`await s.setAllConfig({\n  a: { value: v, secret: true },\n}, true);`)).to.have.length(1);
        expect(secretsOnArgv(`await stack.setConfig("k", { value: "active" });`)).to.deep.equal([]);
    });

    it("no product, script, sandbox or bench code gives the Automation API's setters a secret", () => {
        const offenders = scanned.flatMap(tsFilesUnder).flatMap((file) => secretsOnArgv(fs.readFileSync(path.join(root, file), "utf8")).map((l) => `${file}: ${l}`));
        expect(offenders).to.deep.equal([]);
    });
});
