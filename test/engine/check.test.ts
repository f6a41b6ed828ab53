import { expect } from "chai";
import * as path from "node:path";
import { editOutsidePulumi, deleteOutsidePulumi } from "../../sandbox/console";
import { Lab } from "../../sandbox/lab";
import { World } from "../../sandbox/world";
import { deployedLab } from "../support/deployed-lab";
import { runMain } from "../support/run-main";

// `check` on a deployed lab: ready as bootstrapped; then a record's weight edited and a fence
// alarm deleted outside Pulumi (the sandbox's console) are each named, the check says not ready
// with exit 6, and a by-hand `up` would put them back.

describe("check: readiness and drift (sandbox lab)", function () {
    let lab: Lab;
    let common: string[];

    before(async function () {
        lab = (await deployedLab()).lab;
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl, "--journal-dir", path.join(lab.dir, ".failover")];
    });

    after(function () {
        lab?.remove();
    });

    it("a lab as bootstrapped: no drift, no parity difference; the sandbox's replication metrics cannot be read, so readiness is unknown (exit 1)", async function () {
        const r = await runMain(["check", "--json", ...common]);
        const result = JSON.parse(r.stdout) as { readiness: string; findings: { area: string; level: string; what: string }[] };
        expect(result.findings.filter((f) => f.level !== "warning").map((f) => `${f.area} ${f.level}`), r.stdout).to.deep.equal(["replication unknown"]);
        expect(result.readiness).to.equal("unknown");
        expect(r.status).to.equal(1);
    });

    it("names a weight edited and an alarm deleted in the console, exits 6, and the next preview would put them back", async function () {
        const world = new World(lab.worldDir);
        editOutsidePulumi(world, { type: "aws:route53/record:Record", name: "sftp-primary-a" }, { weightedRoutingPolicies: [{ weight: 7 }] });
        deleteOutsidePulumi(world, { type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: "sftp-secondary-fence-alarm" });
        const r = await runMain(["check", ...common]);
        expect(r.status, r.stderr).to.equal(6);
        expect(r.stdout).to.match(/^NOT READY for a failover/);
        expect(r.stdout).to.include('[drift] stack dns: aws:route53/record:Record sftp-primary-a was changed outside Pulumi: weightedRoutingPolicies [{"weight":7}] (deployed [{"weight":100}])');
        expect(r.stdout).to.include("[drift] stack dns: aws:cloudwatch/metricAlarm:MetricAlarm sftp-secondary-fence-alarm was deleted outside Pulumi");
        expect(r.stdout).to.include("fix: `pulumi up -s dns` (or the next switch) puts the program's values back");
        const stacks = await lab.stacks();
        const preview = await stacks.dns.preview({ refresh: true });
        expect(preview.changeSummary.update ?? 0).to.be.greaterThan(0);
        expect(preview.changeSummary.create ?? 0).to.equal(1);
    });
});
