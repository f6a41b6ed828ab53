import { spawnCli } from "../support/spawn-cli";
import { expect } from "chai";
import { Lab } from "../../sandbox/lab";
import { labRecordAddresses } from "../../sandbox/lab-health";
import { DnsServer, startDnsServer } from "../../sandbox/servers/dns-server";
import { deployedLab } from "../support/deployed-lab";

// The check after DNS moves through the CLI, against real stacks in the sandbox and a real DNS
// server (Knot) that keeps answering the old region: the switch stands (DNS has moved), the CLI
// says which part failed and exits 4, and the audit entry carries the check's line. With
// --skip-verify nothing is asked, and the audit says it was skipped.


describe("check after DNS moves, from the CLI against the sandbox", function () {
    let lab: Lab;
    let dns: DnsServer;
    let fqdn: string;
    let common: string[];
    let env: NodeJS.ProcessEnv;

    const cli = (args: readonly string[]) => {
        return spawnCli([...args, ...common], { env });
    };
    const checkFlags = () => [
        "--dns-server", dns.address, "--dns-settle", "2",
        "--region-address", `primary=${labRecordAddresses.primary}`, "--region-address", `secondary=${labRecordAddresses.secondary}`,
    ];
    const lastAudit = () => {
        const r = cli(["history", "--json", "--limit", "1"]);
        expect(r.status, r.stderr).to.equal(0);
        return JSON.parse(r.stdout)[0] as { operation: string; result: string; afterDns?: string };
    };

    before(async function () {
        const copy = await deployedLab();
        lab = copy.lab;
        env = { ...process.env, ...lab.env.envVars };
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl, "--identity", "dana"];
        fqdn = String((await (await lab.stacks()).dns.outputs()).recordFqdn.value);
        const dot = fqdn.indexOf(".");
        // The lab's DNS, frozen on the primary: it never follows the switch.
        dns = await startDnsServer({ zone: fqdn.slice(dot + 1), records: { [fqdn.slice(0, dot)]: [labRecordAddresses.primary] } });
    });

    after(async function () {
        await dns?.stop();
        lab?.remove();
    });

    it("a failover whose answers still show the primary exits 4 naming the answers, keeps DNS moved, and audits the check", function () {
        const r = cli(["failover", "--yes", "--reason", "check after DNS", ...checkFlags()]);
        expect(r.status, r.stderr).to.equal(4);
        // The lab has no canary: the switch is unverified, but the failed check says more (exit 4).
        expect(r.stdout.split("\n")[0]).to.match(/^UNVERIFIED: active-passive → failover in \d+\.\ds/);
        const errors = r.stderr.split("\n").filter((l) => l.startsWith("error: "));
        expect(errors).to.have.length(1);
        expect(errors[0]).to.match(
            new RegExp(`^error: check after DNS moved FAILED \\(answers\\): answers: ${fqdn.replace(/\./g, "\\.")} answered primary, expected secondary \\(non-zero-weight, weights 0/100\\); .*DNS has moved and stays moved$`),
        );
        const status = JSON.parse(cli(["status", "--json"]).stdout);
        expect(status.posture).to.equal("failover");
        const audit = lastAudit();
        expect(audit).to.include({ operation: "failover", result: "unverified" });
        expect(audit.afterDns).to.match(/^check after DNS moved FAILED \(answers\)/);
    });

    it("--skip-verify skips the check after DNS too, exits 5 (unverified) and audits that it was skipped", function () {
        const r = cli(["failback", "--yes", "--force", "--reason", "skip the checks", "--skip-verify", ...checkFlags()]);
        expect(r.status, r.stderr).to.equal(5);
        expect(r.stdout.split("\n")).to.include("check after DNS moved skipped by the operator (--skip-verify)");
        expect(lastAudit()).to.include({ operation: "failback", result: "unverified", afterDns: "check after DNS moved skipped by the operator (--skip-verify)" });
    });
});
