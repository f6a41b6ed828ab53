import { expect } from "chai";
import * as http from "node:http";
import { Stack } from "@pulumi/pulumi/automation";
import { FailoverController } from "../../automation/driver/controller";
import { editOutsidePulumi } from "../../sandbox/console";
import { Lab } from "../../sandbox/lab";
import { World } from "../../sandbox/world";
import { deployedLab, labController } from "../support/deployed-lab";

// The controller's notifications on a deployed lab, to a webhook on loopback: a real switch, fence
// and unfence each post their audit entry, and a check that finds the service not ready posts its
// findings (test/integration/notify.test.ts covers SNS through moto). The check also shows it reads
// each stack's state once.

describe("notifications from the controller (sandbox lab, a webhook on 127.0.0.1)", function () {
    let lab: Lab;
    let server: http.Server;
    let controller: FailoverController;
    const posts: Record<string, unknown>[] = [];

    before(async function () {
        lab = (await deployedLab()).lab;
        server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (d: Buffer) => (body += d.toString()));
            req.on("end", () => {
                posts.push(JSON.parse(body) as Record<string, unknown>);
                res.writeHead(204).end();
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
        controller = await labController(lab, { identity: "alice", notify: { target: url } });
    });

    after(async function () {
        await new Promise((resolve) => server?.close(resolve));
        lab?.remove();
    });

    it("a failover, a fence and an unfence each post one message: their audit entry, field for field", async function () {
        const switched = await controller.setPosture("failover", { reason: "drill" });
        expect(switched.status).to.equal("unverified");
        await controller.fence("primary", { reason: "drill", yes: true });
        await controller.unfence("primary", { reason: "drill over", yes: true });
        const history = await controller.history();
        expect(history.map((e) => `${e.operation} ${e.result}`)).to.deep.equal(["failover unverified", "fence ok", "unfence ok"]);
        expect(posts).to.deep.equal(history.map((e) => ({ source: "sftp-failover", kind: "change", ...e })));
    });

    it("a check that finds the service not ready posts its not-ready findings; nothing is audited for it", async function () {
        posts.length = 0;
        editOutsidePulumi(new World(lab.worldDir), { type: "aws:route53/record:Record", name: "sftp-primary-a" }, { weightedRoutingPolicies: [{ weight: 7 }] });
        // Counted on the way: check reads each stack's state once, for status and parity alike.
        const exports: string[] = [];
        const exportStack = Stack.prototype.exportStack;
        Stack.prototype.exportStack = function (this: Stack) {
            exports.push(this.name);
            return exportStack.call(this);
        };
        let result: Awaited<ReturnType<FailoverController["check"]>>;
        try {
            result = await controller.check();
        } finally {
            Stack.prototype.exportStack = exportStack;
        }
        expect(exports.sort()).to.deep.equal(["dns", "primary", "secondary"]);
        expect(result.readiness).to.equal("not-ready");
        expect(posts.map((p) => `${String(p.kind)} ${String(p.result)} ${String(p.identity)}`)).to.deep.equal(["check not-ready alice"]);
        expect((posts[0].notReady as string[]).some((line) => line.startsWith("drift: stack dns: aws:route53/record:Record sftp-primary-a was changed outside Pulumi"))).to.equal(true);
        expect((await controller.history()).map((e) => e.operation)).to.deep.equal(["failover", "fence", "unfence"]);
    });
});
