import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { restoreTypes, typedValueOf } from "../../automation/engine/typed-stack-file";

describe("typed stack file", () => {
    it("a written text is typed as `pulumi config set --path` types nested values: true/false and integers", () => {
        expect([typedValueOf("true"), typedValueOf("false"), typedValueOf("70"), typedValueOf("-1"), typedValueOf("0")]).to.deep.equal([true, false, 70, -1, 0]);
        for (const text of ["active", "07", "1.5", "", "True", "1e3", "9999999999999999"]) {
            expect(typedValueOf(text), text).to.equal(undefined);
        }
    });

    it("restores what was typed before and reads the same, types what was written, and leaves other text alone", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "typed-"));
        const file = path.join(dir, "Pulumi.dns.yaml");
        try {
            const engineWrote = ['config:', '  # the TTL', '  ns:ttl: "60"', '  ns:flag: "true"', '  ns:zoneId: "123"', '  ns:changed: "61"', '  ns:new: "false"', '  ns:mode: active', ''].join("\n");
            fs.writeFileSync(file, engineWrote);
            restoreTypes(file, new Map<string, number | boolean>([["ns:ttl", 60], ["ns:flag", true], ["ns:changed", 60]]), ["ns:new"]);
            expect(fs.readFileSync(file, "utf8")).to.equal(['config:', '  # the TTL', '  ns:ttl: 60', '  ns:flag: true', '  ns:zoneId: "123"', '  ns:changed: "61"', '  ns:new: false', '  ns:mode: active', ''].join("\n"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
