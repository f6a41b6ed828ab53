import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { setSecretConfig } from "../../automation/engine/secret-config";
import { openStack } from "../../automation/engine/workspace";
import { configKeys } from "../../stacks/contract";
import { sandboxEngineEnvironment } from "../../sandbox/engine";

// Stack files keep their types through the driver's config writes, with the real engine: `stack
// init`, `config set`, `set-all`, `rm` and a secret each rewrite the file with every top-level
// number and boolean quoted, and the file read back afterwards still holds numbers and booleans.

const root = path.resolve(__dirname, "..", "..");

describe("stack files keep their types through the driver's config writes", function () {
    this.timeout(300_000);
    let dir: string;

    before(function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "typed-stack-file-"));
        for (const file of ["Pulumi.yaml", "Pulumi.primary.yaml", "Pulumi.dns.yaml"]) {
            fs.copyFileSync(path.join(root, file), path.join(dir, file));
        }
    });
    after(function () {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const config = (stack: string): Record<string, unknown> => (YAML.parse(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;

    it("the dns stack file: init, a posture switch's writes, its weights and their removal leave every number and boolean typed", async function () {
        const env = sandboxEngineEnvironment({ projectDir: dir, backendUrl: `file://${path.join(dir, "state")}` });
        const dns = await openStack("dns", env);
        await dns.setConfig(configKeys.posture, { value: "active-active" });
        await dns.setAllConfig({ [`${configKeys.activeActiveWeights}.primary`]: { value: "70" }, [`${configKeys.activeActiveWeights}.secondary`]: { value: "30" } }, true);
        await dns.setAllConfig({ ["sftp-failover:ttl"]: { value: "30" } });
        await dns.removeConfig(configKeys.posture);
        const c = config("dns");
        expect(c["sftp-failover:ttl"]).to.equal(30);
        expect(c["sftp-failover:healthCheckInterval"]).to.equal(10);
        expect(c["sftp-failover:healthCheckFailureThreshold"]).to.equal(3);
        expect(c["sftp-failover:routingControls"]).to.equal(false);
        expect(c[configKeys.activeActiveWeights]).to.deep.equal({ primary: 70, secondary: 30 });
        expect(c).to.not.have.property(configKeys.posture);
        // What the engine reads is unchanged by the retyping.
        const all = await dns.getAllConfig();
        expect(all["sftp-failover:ttl"].value).to.equal("30");
        expect(all["sftp-failover:routingControls"].value).to.equal("false");
        // The comments of the file survive.
        expect(fs.readFileSync(path.join(dir, "Pulumi.dns.yaml"), "utf8")).to.contain("# Outside both serving regions");
    });

    it("a regional stack file: bootstrap's temporary replicationEnabled false is a boolean, and a secret leaves the numbers typed", async function () {
        const env = sandboxEngineEnvironment({ projectDir: dir, backendUrl: `file://${path.join(dir, "state")}` });
        const primary = await openStack("primary", env);
        await primary.setConfig(configKeys.replicationEnabled, { value: "false" });
        expect(config("primary")[configKeys.replicationEnabled]).to.equal(false);
        await setSecretConfig(primary, { [configKeys.canaryKey]: "not a real key" });
        const c = config("primary");
        expect(c["sftp-failover:noncurrentVersionDays"]).to.equal(30);
        expect(c[configKeys.replicationEnabled]).to.equal(false);
        expect(c["sftp-failover:capacity"]).to.deep.equal({ min: 2, desired: 2, max: 4, pilotLight: 1 });
        expect(c[configKeys.canaryKey]).to.have.property("secure");
        // A text value that was text stays text.
        expect(c[configKeys.capacityMode]).to.equal("active");
    });
});
