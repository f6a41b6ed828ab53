import { sandboxStandIn } from "../../sandbox/engine";
import { expect } from "chai";
import { AfterDnsArgs, afterDnsOf } from "../../automation/cli/after-dns-flags";
import { sftpEndpointsOf } from "../../automation/cli/context";
import { GlobalArgs } from "../../automation/cli/options";
import { reconcileBuckets } from "../../automation/aws/reconcile";
import { bootstrap } from "../../automation/driver/bootstrap";
import { FailoverController } from "../../automation/driver/controller";
import { BadInputError } from "../../automation/driver/errors";
import { checkAfterDnsOptions } from "../../automation/driver/post-dns-inputs";
import { loadDnsConfig } from "../../stacks/config/dns";
import { ConfigReader } from "../../stacks/config/source";
import { parseCli } from "../support/parse-cli";
import { runMain } from "../support/run-main";

// Issue 25 (7): every pair of flags, options and config keys that must name two different things,
// refused when they name one — by what they name, not by how they are spelt: one bucket name is one
// bucket in any region, `primary` and `organization/sftp-failover/primary` are one stack, one
// server or one address cannot be both regions'. The CLI says which flags (exit 2); the SDK which options.

function dnsEntries(values: Record<string, unknown>): ConfigReader {
    const entries: Record<string, { value: string }> = {};
    for (const [k, v] of Object.entries({ role: "dns", recordName: "sftp.example.com", zoneId: "Z0EXAMPLE", ...values })) {
        if (v !== undefined) {
            entries[`sftp-failover:${k}`] = { value: typeof v === "string" ? v : JSON.stringify(v) };
        }
    }
    return ConfigReader.fromEntries(entries);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(() => undefined, (err: unknown) => err);
    expect(error, "a refusal").to.be.instanceOf(Error);
    return error as Error;
}

describe("pairs that must name two things are refused when they name one", () => {
    describe("reconcile: the serving and the other bucket", () => {
        it("the CLI refuses one bucket name on both sides whatever the regions: exit 2, one line naming both flags, no S3 call", async () => {
            for (const regions of [["us-east-1", "us-east-1"], ["us-west-2", "us-east-1"]]) {
                // An endpoint nothing listens on: a call to it would fail with exit 1, not 2.
                const r = await runMain(["reconcile", "--serving-bucket", "b", "--serving-region", regions[0], "--other-bucket", "b", "--other-region", regions[1], "--copy", "--s3-endpoint", "http://127.0.0.1:9"]);
                expect(r.status, r.stderr).to.equal(2);
                expect(r.stderr.trim().split("\n")).to.deep.equal(["error: --serving-bucket and --other-bucket name the same bucket (b): bucket names are global, whatever --serving-region and --other-region say"]);
                expect(r.stdout).to.equal("");
            }
        });

        it("the SDK refuses it too, naming both options", async () => {
            const error = await rejection(reconcileBuckets({ serving: { bucket: "b", region: "us-west-2" }, other: { bucket: "b", region: "us-east-1" }, copy: true, endpoint: "http://127.0.0.1:9" }));
            expect(error.message).to.equal("serving and other are the same bucket (b): bucket names are global, whatever the regions");
        });
    });

    describe("the three stacks", () => {
        const sameStack = { primary: "primary", secondary: "organization/sftp-failover/primary" };

        it("the controller refuses a short and a fully qualified name of one stack, naming the roles", async () => {
            const error = await rejection(FailoverController.create({ stacks: sameStack }));
            expect(error).to.be.instanceOf(BadInputError);
            expect(error.message).to.equal("stacks must be three different stacks: primary and secondary name the same stack (got primary=primary, secondary=organization/sftp-failover/primary, dns=dns)");
        });

        it("bootstrap refuses them the same way (one check for both)", async () => {
            const error = await rejection(bootstrap({ standIn: sandboxStandIn, stacks: sameStack }));
            expect(error).to.be.instanceOf(BadInputError);
            expect(error.message).to.match(/^stacks must be three different stacks: primary and secondary name the same stack/);
        });

        it("the CLI refuses them with exit 2", async () => {
            const r = await runMain(["status", "--secondary-stack", "organization/sftp-failover/primary"]);
            expect(r.status, r.stderr).to.equal(2);
            expect(r.stderr.trim().split("\n")).to.deep.equal(["error: stacks must be three different stacks: primary and secondary name the same stack (got primary=primary, secondary=organization/sftp-failover/primary, dns=dns)"]);
        });

        it("two fully qualified names in different organizations are two stacks", async () => {
            const error = await rejection(FailoverController.create({ stacks: { primary: "a/sftp-failover/primary", secondary: "b/sftp-failover/primary" }, projectDir: "/nonexistent-project" }));
            expect(error.message).to.not.match(/different stacks/);
        });
    });

    describe("the dns stack's two regions", () => {
        it("refuses one regional stack for both regions, however it is spelt", () => {
            for (const [primaryStack, secondaryStack] of [["organization/sftp-failover/primary", "organization/sftp-failover/primary"], ["primary", "organization/sftp-failover/primary"]]) {
                expect(() => loadDnsConfig(dnsEntries({ primaryStack, secondaryStack }))).to.throw(
                    `sftp-failover:primaryStack and sftp-failover:secondaryStack name the same stack (${primaryStack}, ${secondaryStack}): the regions must be two stacks`,
                );
            }
        });

        it("refuses one load balancer for both regions (DNS names compared as DNS compares them; the port is no part of an answer)", () => {
            const values = { primaryEndpoint: { dnsName: "lb.example.net", zoneId: "Z1", port: 22 }, secondaryEndpoint: { dnsName: "LB.example.net.", zoneId: "Z1", port: 2222 } };
            expect(() => loadDnsConfig(dnsEntries(values))).to.throw(
                "sftp-failover:primaryEndpoint.dnsName and sftp-failover:secondaryEndpoint.dnsName name the same endpoint (lb.example.net): the regions must be two endpoints",
            );
        });
    });

    describe("the regions' SFTP servers (verify)", () => {
        it("the CLI refuses one server for both regions, naming the flag", async () => {
            const argv = await parseCli(["status", "--sftp-endpoint", "primary=Gw.example.net:22", "--sftp-endpoint", "secondary=root@gw.example.net:22"]);
            expect(() => sftpEndpointsOf(argv as unknown as GlobalArgs)).to.throw(
                "--sftp-endpoint gives primary and secondary the same server (Gw.example.net:22): verify could not tell the regions apart",
            );
        });

        it("the SDK refuses it, naming the options", async () => {
            const error = await rejection(FailoverController.create({ endpoints: { primary: { host: "127.0.0.1", port: 2222 }, secondary: { host: "127.0.0.1", port: 2222 } } }));
            expect(error).to.be.instanceOf(BadInputError);
            expect(error.message).to.equal("endpoints.primary and endpoints.secondary are the same server (127.0.0.1:2222): verify could not tell the regions apart");
        });
    });

    describe("the regions' addresses in the check after DNS", () => {
        it("the CLI refuses an address given to both regions, naming the flag", async () => {
            const argv = await parseCli<AfterDnsArgs>(["failback", "--dns-server", "127.0.0.1", "--region-address", "primary=192.0.2.10", "--region-address", "secondary=192.0.2.20,192.0.2.10"]);
            expect(() => afterDnsOf(argv)).to.throw("--region-address gives 192.0.2.10 to both primary and secondary: an answer could not be told apart");
        });

        it("the SDK refuses it, naming the option", () => {
            expect(() => checkAfterDnsOptions({ servers: ["127.0.0.1"], regionAddresses: { primary: ["192.0.2.10"], secondary: ["192.0.2.10"] } })).to.throw(
                "afterDns.regionAddresses gives 192.0.2.10 to both primary and secondary: an answer could not be told apart",
            );
        });
    });
});
