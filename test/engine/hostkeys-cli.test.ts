import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { ensureHostKeys, hostKeyConfigEntries } from "../../automation/driver/host-keys";
import { configKeys } from "../../stacks/contract";
import { spawnCli } from "../support/spawn-cli";
import { setSecretConfig } from "../../automation/engine/secret-config";
import { loadHostKeys } from "../../components/host-keys";
import { cliRootDir } from "../../automation/engine/environment";
import { sandboxEngineEnvironment } from "../../sandbox/engine";
import { openStack } from "../../automation/engine/workspace";
import { fixtureHostKeys, fixtures } from "../unit/regional-harness";

// `sftp-failover hostkeys …` run as an operator runs it. Bad input is refused before any stack is
// opened; the round trip through real stack config needs the pulumi CLI (scripts/ensure-pulumi)
// and is skipped where it has not been built.

const projectRoot = path.resolve(__dirname, "..", "..");

function hostkeys(args: string[]): { status: number | null; stdout: string; stderr: string } {
    return spawnCli(["hostkeys", ...args], { env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: "" }, timeoutMs: 120_000 });
}

describe("sftp-failover hostkeys", function () {
    this.timeout(120_000);
    let dir = "";

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hostkeys-cli-"));
        for (const file of ["Pulumi.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml"]) {
            fs.copyFileSync(path.join(projectRoot, file), path.join(dir, file));
        }
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("writes one path entry per key type", () => {
        const texts = fixtureHostKeys();
        const entries = hostKeyConfigEntries(texts);
        expect(Object.keys(entries)).to.deep.equal(["sftp-failover:hostKeys.ed25519", "sftp-failover:hostKeys.ecdsa", "sftp-failover:hostKeys.rsa"]);
        expect(Object.values(entries)).to.deep.equal([texts.ed25519, texts.ecdsa, texts.rsa]);
    });

    it("import of a weak RSA key exits 2 naming --rsa, and touches no stack file", () => {
        const before = fs.readFileSync(path.join(dir, "Pulumi.primary.yaml"), "utf8");
        const k = (name: string) => path.join(fixtures, "host-keys", name);
        const res = hostkeys([
            "import",
            "--sandbox",
            "--stack-dir",
            dir,
            "--ed25519",
            k("ssh_host_ed25519_key"),
            "--ecdsa",
            k("ssh_host_ecdsa_key"),
            "--rsa",
            k("weak_rsa_2048_key"),
        ]);
        expect(res.status).to.equal(2);
        expect(res.stderr.trim()).to.equal("error: --rsa has 2048 bits; at least 3072 are required");
        expect(fs.existsSync(path.join(dir, ".pulumi-state")), "no backend folder made").to.equal(false);
        expect(res.stdout).to.equal("");
        expect(fs.readFileSync(path.join(dir, "Pulumi.primary.yaml"), "utf8")).to.equal(before);
    });

    it("an unknown flag or action, a missing key file, or a key file given to another action exits 2 with a one-line error", () => {
        const refusals: [string[], string][] = [
            [["generate", "--bits", "1024"], "error: Unknown argument: bits (see --help)\n"],
            [["rotate"], 'error: Invalid values: Argument: action, Given: "rotate", Choices: "generate", "import", "show", "canary" (see --help)\n'],
            [["import", "--ed25519", "/nope", "--ecdsa", "/nope", "--rsa", "/nope"], "error: --ed25519 /nope: cannot be read (ENOENT)\n"],
            [["import", "--rsa", "/nope"], "error: hostkeys import needs --ed25519, --ecdsa (a private key file each)\n"],
            [["show", "--rsa", "/nope"], "error: --rsa applies only to hostkeys import (got hostkeys show)\n"],
            [["canary", "--force"], "error: --force applies only to hostkeys generate and import (got hostkeys canary)\n"],
        ];
        for (const [args, stderr] of refusals) {
            const r = hostkeys([...args, "--sandbox", "--stack-dir", dir]);
            expect(r.status, args.join(" ")).to.equal(2);
            expect(r.stderr, args.join(" ")).to.equal(stderr);
        }
        expect(fs.readdirSync(dir).sort(), "nothing created").to.deep.equal(["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.yaml"]);
    });

    it("generate, refuse to overwrite, import with --force, show: both stacks hold the same keys, only fingerprints printed", function () {
        if (!fs.existsSync(path.join(cliRootDir(), "bin", "pulumi"))) {
            this.skip();
        }
        const backend = ["--sandbox", "--stack-dir", dir, "--backend", `file://${path.join(dir, "state")}`];
        const generated = hostkeys(["generate", ...backend, "--json"]);
        expect(generated.status, generated.stderr).to.equal(0);
        const out = JSON.parse(generated.stdout) as { fingerprints: Record<string, string> };
        expect(Object.keys(out.fingerprints)).to.deep.equal(["ed25519", "ecdsa", "rsa"]);
        expect(generated.stdout).to.not.include("PRIVATE");
        for (const stack of ["primary", "secondary"]) {
            const text = fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8");
            expect(text).to.include("sftp-failover:hostKeys:");
            expect(text).to.include("secure: v1:");
            expect(text).to.not.include("PRIVATE KEY");
        }

        const again = hostkeys(["generate", ...backend]);
        expect(again.status).to.equal(2);
        expect(again.stderr).to.match(/^error: stack primary already has sftp-failover:hostKeys; .* pass --force to do it anyway\n$/);

        const k = (type: string) => path.join(fixtures, "host-keys", `ssh_host_${type}_key`);
        const imported = hostkeys(["import", ...backend, "--force", "--ed25519", k("ed25519"), "--ecdsa", k("ecdsa"), "--rsa", k("rsa")]);
        expect(imported.status, imported.stderr).to.equal(0);

        const shown = hostkeys(["show", ...backend, "--json"]);
        expect(shown.status, shown.stderr).to.equal(0);
        const expected = loadHostKeys(fixtureHostKeys()).fingerprints;
        expect(JSON.parse(shown.stdout)).to.deep.equal({ action: "show", stacks: { primary: expected, secondary: expected }, agree: true });
    });

    it("canary stores one key in both regional stacks, never prints it, and a rerun keeps it", function () {
        if (!fs.existsSync(path.join(cliRootDir(), "bin", "pulumi"))) {
            this.skip();
        }
        const backend = ["--sandbox", "--stack-dir", dir, "--backend", `file://${path.join(dir, "state")}`];
        const first = hostkeys(["canary", ...backend]);
        expect(first.status, first.stderr).to.equal(0);
        expect(first.stdout.trim()).to.equal(`a new canary key stored in stacks primary, secondary (secret ${configKeys.canaryKey}, not shown)`);
        expect(first.stdout + first.stderr).to.not.include("PRIVATE");
        const ciphertexts = ["primary", "secondary"].map((stack) => {
            const text = fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8");
            expect(text, stack).to.match(/sftp-failover:canaryKey:\n\s+secure: v1:/);
            expect(text, stack).to.not.include("PRIVATE KEY");
            return text;
        });
        const again = hostkeys(["canary", ...backend, "--json"]);
        expect(again.status, again.stderr).to.equal(0);
        expect(JSON.parse(again.stdout)).to.deep.equal({ action: "canary", stacks: ["primary", "secondary"], canary: "kept" });
        expect(["primary", "secondary"].map((stack) => fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8"))).to.deep.equal(ciphertexts);
    });

    it("ensureHostKeys gives stacks without keys one shared set, then leaves them alone", async function () {
        if (!fs.existsSync(path.join(cliRootDir(), "bin", "pulumi"))) {
            this.skip();
        }
        const env = sandboxEngineEnvironment({ projectDir: dir, backendUrl: `file://${path.join(dir, "state")}` });
        const stacks = [await openStack("primary", env), await openStack("secondary", env)];
        const first = await ensureHostKeys(stacks);
        expect(Object.values(first).every((fp) => fp.startsWith("SHA256:"))).to.equal(true);
        expect(await ensureHostKeys(stacks)).to.deep.equal(first);
        await setSecretConfig(stacks[1], hostKeyConfigEntries(fixtureHostKeys()), true);
        let message = "";
        try {
            await ensureHostKeys(stacks);
        } catch (err) {
            message = (err as Error).message;
        }
        expect(message).to.equal("stacks primary, secondary hold different host keys; run sftp-failover hostkeys show");
    });

    it("secret config goes to the engine on stdin, never on a command line: exact values, ciphertext in the file", async function () {
        const env = sandboxEngineEnvironment({ projectDir: dir, backendUrl: `file://${path.join(dir, "state")}` });
        const stack = await openStack("primary", env);
        const marker = `never-on-argv-${process.pid}`;
        /** Samples every process's command line while `work` runs; true when one held `marker`. */
        const seenOnArgv = async (work: () => Promise<void>): Promise<boolean> => {
            let seen = false;
            let running = true;
            const watch = (async () => {
                while (running) {
                    for (const pid of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
                        try {
                            seen ||= fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
                        } catch {
                            // Gone while we looked.
                        }
                    }
                    await new Promise((r) => setTimeout(r, 2));
                }
            })();
            try {
                await work();
            } finally {
                running = false;
                await watch;
            }
            return seen;
        };
        // The watcher can see it: the Automation API's own setConfig puts the value on argv.
        expect(await seenOnArgv(() => stack.setConfig("sftp-failover:probe", { value: marker, secret: true })), "the watcher sees argv").to.equal(true);
        const values = { "sftp-failover:a": `${marker} one line`, "sftp-failover:b": `${marker}\nsecond line\n`, "sftp-failover:c": `${marker}\n\n` };
        expect(await seenOnArgv(() => setSecretConfig(stack, values))).to.equal(false);
        const config = await stack.getAllConfig();
        for (const [key, value] of Object.entries(values)) {
            expect(config[key], key).to.deep.equal({ value, secret: true });
        }
        expect(fs.readFileSync(path.join(dir, "Pulumi.primary.yaml"), "utf8")).to.not.contain(marker);
    });
});
