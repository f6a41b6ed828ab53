import { expect } from "chai";
import * as path from "node:path";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { runMain } from "../support/run-main";
import { withoutProgress } from "../support/progress-lines";

// After the stacks are destroyed their files still name a posture; status must say the stacks are
// not deployed, not that a switch is under way, and plan must say so in one line instead of
// previewing the creation of everything.

describe("status after destroy (sandbox lab)", function () {
    let lab: Lab;
    let common: string[];

    before(async function () {
        lab = (await deployedLab()).lab;
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl, "--journal-dir", path.join(lab.dir, ".failover")];
        const stacks = await lab.stacks();
        // The reverse of the bootstrap order: dns reads both regions, each region replicates to the other.
        // A region's load balancer refuses deletion until its protection is turned off and deployed, as on AWS.
        await stacks.dns.destroy();
        for (const stack of [stacks.secondary, stacks.primary]) {
            await stack.setConfig("sftp-failover:deletionProtection", { value: "false" });
            await stack.up();
            await stack.destroy();
        }
    });

    after(function () {
        lab?.remove();
    });

    it("status says every stack is not deployed, and nothing about a switch under way", async function () {
        const r = await runMain(["status", ...common]);
        expect(r.status, r.stderr).to.equal(0);
        const lines = r.stdout.split("\n");
        expect(lines[0]).to.equal("posture:   (not deployed)");
        expect(lines).to.include("not deployed: primary, secondary, dns (no resources; last update: destroy); `sftp-failover bootstrap` deploys them");
        expect(r.stdout).to.not.contain("under way");
        expect(r.stdout).to.not.contain("unfinished");
    });

    it("status --json lists the stacks not deployed, with no deployed posture and no unfinished switch", async function () {
        const r = await runMain(["status", "--json", ...common]);
        expect(r.status, r.stderr).to.equal(0);
        const status = JSON.parse(r.stdout);
        expect(status.notDeployed).to.deep.equal(["primary", "secondary", "dns"]);
        expect(status).to.not.have.property("posture");
        expect(status).to.not.have.property("unfinished");
        expect(status.capacity).to.deep.equal({});
    });

    it("plan says in one line that nothing is deployed and what to run, exit 6 (not ready), and previews nothing", async function () {
        const r = await runMain(["plan", "failover", ...common]);
        expect(r.status).to.equal(6);
        expect(r.stdout).to.equal("");
        expect(withoutProgress(r.stderr).trim().split("\n")).to.deep.equal([
            "error: nothing is deployed (no resources); run `sftp-failover bootstrap` (or `pulumi up` of each stack in the bootstrap order, docs/by-hand.md) first",
        ]);
        const json = await runMain(["plan", "active-active", "--json", ...common]);
        expect(json.status).to.equal(6);
        expect(JSON.parse(json.stdout)).to.deep.equal({
            error: { name: "NotDeployedError", message: "nothing is deployed (no resources); run `sftp-failover bootstrap` (or `pulumi up` of each stack in the bootstrap order, docs/by-hand.md) first" },
        });
    });
});
