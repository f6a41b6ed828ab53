import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { starterFiles, withoutSecrets } from "../../automation/starter-project";

// The starter project is made from this package's own project files: a stack file that has been
// used (host keys, the canary, a salt written into it) still gives a starter without any of them.

describe("starter project templates", () => {
    const used = [
        "encryptionsalt: v1:abc:def",
        "config:",
        "  # Kept: an ordinary setting with its comment.",
        "  sftp-failover:role: regional",
        "  sftp-failover:canaryKey:",
        "    secure: v1:AAAA",
        "  sftp-failover:hostKeys:",
        "    ed25519:",
        "      secure: v1:BBBB",
        "  sftp-failover:capacity:",
        "    min: 2",
        "",
    ].join("\n");

    it("a used stack file loses its secrets and salt, and keeps every other setting and comment", () => {
        const text = withoutSecrets(used);
        expect(YAML.parse(text)).to.deep.equal({ config: { "sftp-failover:role": "regional", "sftp-failover:capacity": { min: 2 } } });
        expect(text).to.contain("# Kept: an ordinary setting with its comment.");
        expect(text).to.not.match(/secure|encryptionsalt/);
    });

    it("starterFiles reads the templates from the folder it is given", () => {
        const from = fs.mkdtempSync(path.join(os.tmpdir(), "starter-from-"));
        try {
            fs.writeFileSync(path.join(from, "Pulumi.yaml"), "name: sftp-failover\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: stacks/main.ts\n");
            for (const name of ["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.dns.yaml"]) {
                fs.writeFileSync(path.join(from, name), used);
            }
            fs.writeFileSync(path.join(from, "users.yaml"), "users: []\n");
            const files = Object.fromEntries(starterFiles(from).map((f) => [f.name, f.text]));
            expect(YAML.parse(files["Pulumi.yaml"])).to.deep.equal({ name: "sftp-failover", runtime: { name: "nodejs" }, main: "node_modules/sftp-failover/dist/stacks/main.js" });
            expect(files["Pulumi.dns.yaml"]).to.equal(withoutSecrets(used));
            expect(files["users.yaml"]).to.equal("users: []\n");
        } finally {
            fs.rmSync(from, { recursive: true, force: true });
        }
    });
});
