import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { generateHostKeys } from "../../components/host-keys";
import { replicationRuleId } from "../../components/replication-rule";
import {
    configKeys,
    configNamespace,
    dnsOutputNames,
    OutputPresence,
    readDnsOutputs,
    readRegionalOutputs,
    regionalOutputNames,
    regionalOutputsForDns,
} from "../../stacks/contract";
import { runDns } from "./dns-harness";
import { primaryConfig, runRegional, secondaryConfig } from "./regional-harness";

// The stacks and the driver meet in stacks/contract.ts. The compiler holds each side to the types;
// these run the real programs under mocks and hold them to the names: a program that exports an
// output the contract does not list, or stops exporting one it lists, fails here, and so does an
// exported value the driver's reader would not recognise (and so silently ignore).

/** The names a contract list marks with `presence` (all of them without one), sorted. */
function names(list: Readonly<Record<string, OutputPresence>>, presence?: OutputPresence): string[] {
    return Object.entries(list)
        .filter(([, p]) => presence === undefined || p === presence)
        .map(([name]) => name)
        .sort();
}

/** The short name of a full key, as the mock harnesses take config. */
const short = (key: string) => key.slice(configNamespace.length + 1);

const canaryKey = generateHostKeys("contract-canary").ed25519;

describe("stack contract: the programs export exactly the outputs stacks/contract.ts names", () => {
    describe("regional stack", () => {
        it("with a canary, replication and SSE-KMS on, exports every listed output, each of the contract's type", async () => {
            const kms = {
                kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                peerKmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
            };
            const run = await runRegional({ ...primaryConfig(), canaryKey, ...kms });
            expect(Object.keys(run.outputs).sort()).to.deep.equal(names(regionalOutputNames));
            expect(Object.keys(readRegionalOutputs(run.outputs)).sort(), "outputs the driver's reader drops").to.deep.equal(names(regionalOutputNames));
        });

        it("without a canary and with replication off, exports exactly the outputs listed as always present", async () => {
            const run = await runRegional({ ...secondaryConfig(), [short(configKeys.replicationEnabled)]: "false" });
            expect(Object.keys(run.outputs).sort()).to.deep.equal(names(regionalOutputNames, "always"));
            expect(Object.keys(readRegionalOutputs(run.outputs)).sort()).to.deep.equal(names(regionalOutputNames, "always"));
        });

        it("exports the id of the replication rule it creates, which the driver reads the backlog by", async () => {
            const run = await runRegional(primaryConfig());
            const rule = run.resources.find((r) => r.type === "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
            const ruleIds = (rule?.inputs.rules as { id: string }[] | undefined)?.map((r) => r.id);
            expect(ruleIds).to.deep.equal([replicationRuleId]);
            expect(readRegionalOutputs(run.outputs).replicationRuleId).to.equal(replicationRuleId);
        });

        it("exports the capacity mode the driver writes under configKeys.capacityMode", async () => {
            const run = await runRegional({ ...primaryConfig(), [short(configKeys.capacityMode)]: "drained" });
            expect(readRegionalOutputs(run.outputs).capacityMode).to.equal("drained");
        });

        it("lists among its outputs every one the dns stack reads through its StackReferences", () => {
            for (const name of regionalOutputsForDns) {
                expect(regionalOutputNames[name], name).to.equal("always");
            }
        });
    });

    describe("dns stack", () => {
        it("with routing controls on, exports every listed output, each of the contract's type", async () => {
            const run = await runDns({ routingControls: true });
            expect(Object.keys(run.outputs).sort()).to.deep.equal(names(dnsOutputNames));
            expect(Object.keys(readDnsOutputs(run.outputs)).sort(), "outputs the driver's reader drops").to.deep.equal(names(dnsOutputNames));
        });

        it("with alarms off, exports exactly the outputs listed as always present", async () => {
            const run = await runDns({ alarms: false });
            expect(Object.keys(run.outputs).sort()).to.deep.equal(names(dnsOutputNames, "always"));
            expect(Object.keys(readDnsOutputs(run.outputs)).sort()).to.deep.equal(names(dnsOutputNames, "always"));
        });

        it("by default, exports the alarm topics besides the outputs always present", async () => {
            const run = await runDns();
            expect(Object.keys(readDnsOutputs(run.outputs)).sort()).to.deep.equal([...names(dnsOutputNames, "always"), "alarmTopicArns"].sort());
        });

        it("exports the posture and weights the driver writes under configKeys.posture and configKeys.activeActiveWeights", async () => {
            const run = await runDns({ [short(configKeys.posture)]: "active-active", [short(configKeys.activeActiveWeights)]: { primary: 30, secondary: 70 } });
            expect(readDnsOutputs(run.outputs)).to.deep.include({ posture: "active-active", weights: { primary: 30, secondary: 70 } });
        });
    });

    describe("config keys", () => {
        it("each is its name in the project's namespace", () => {
            for (const [name, key] of Object.entries(configKeys)) {
                expect(key).to.equal(`sftp-failover:${name}`);
            }
        });
    });

    it("loads neither the Pulumi SDK nor an AWS SDK, so the emergency fence can use it", function () {
        this.timeout(60_000);
        // A fresh process: this one has loaded the SDK for the mocks already.
        const script = `require(${JSON.stringify(path.resolve(__dirname, "../../stacks/contract"))});
            const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/](@pulumi|@aws-sdk)[\\/]/.test(f));
            process.stdout.write(JSON.stringify(loaded));`;
        const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { encoding: "utf8", cwd: path.resolve(__dirname, "../..") });
        expect(child.status, child.stderr).to.equal(0);
        expect(JSON.parse(child.stdout)).to.deep.equal([]);
    });
});
