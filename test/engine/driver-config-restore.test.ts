import { expect } from "chai";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { JournalRecord } from "../../automation/driver/journal";
import { readJsonLines } from "../../automation/driver/jsonl";
import { writeFaultFile } from "../../sandbox/faults";
import { Lab } from "../../sandbox/lab";
import { deployedLab } from "../support/deployed-lab";
import { engineChildrenOf } from "../support/engine-children";

// No undeployed config is left in the committed stack files: a failed step puts back what it set,
// and after a kill -9 mid-step `status` reports what was left, `unlock` puts it back, and a
// `pulumi up` by hand then deploys nothing the killed switch wanted.

const root = path.resolve(__dirname, "..", "..");
const stackFiles = ["Pulumi.primary.yaml", "Pulumi.secondary.yaml", "Pulumi.dns.yaml"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("no undeployed config left in the stack files (sandbox lab)", function () {
    let lab: Lab;
    let common: string[];
    let env: NodeJS.ProcessEnv;
    let journal: string;

    const files = (): Record<string, string> => Object.fromEntries(stackFiles.map((f) => [f, fs.readFileSync(path.join(lab.dir, f), "utf8")]));
    const cliArgs = (args: readonly string[]) => ["-r", "ts-node/register/transpile-only", path.join(root, "automation/cli/bin.ts"), ...args, ...common];
    const cli = (args: readonly string[]) => spawnSync(process.execPath, cliArgs(args), { cwd: root, encoding: "utf8", input: "", env, timeout: 300_000 });
    const records = () => readJsonLines<JournalRecord>(journal);

    before(async function () {
        lab = (await deployedLab()).lab;
        env = { ...process.env, ...lab.env.envVars, TS_NODE_TRANSPILE_ONLY: "true" };
        common = ["--sandbox", "--stack-dir", lab.dir, "--backend", lab.env.backendUrl, "--identity", "riley"];
        journal = path.join(lab.dir, ".failover", "journal.jsonl");
    });

    after(function () {
        lab?.remove();
    });

    it("a step whose up fails (injected fault) leaves every stack file byte-identical to before", function () {
        const before = files();
        writeFaultFile(lab.faultFile, { types: { "aws:autoscaling/group:Group": "fail" } });
        try {
            const r = cli(["failover", "--yes", "--reason", "restore test"]);
            expect(r.status, r.stderr).to.not.equal(0);
        } finally {
            writeFaultFile(lab.faultFile, {});
        }
        expect(files()).to.deep.equal(before);
        // The step's "started" record carried the value it replaced, before it wrote the new one.
        const started = records().find((r) => r.type === "step" && r.status === "started");
        expect(started).to.deep.include({ stepId: "before-dns:secondary", config: { stack: "secondary", previous: [{ key: "sftp-failover:capacityMode", value: "pilot-light" }] } });
    });

    it("after kill -9 mid-step, status reports the undeployed value, unlock puts it back, and a by-hand up deploys none of it", async function () {
        const before = files();
        const secondaryFile = path.join(lab.dir, "Pulumi.secondary.yaml");
        const knownRecords = records().length;
        // The step's `up` hangs in the Auto Scaling group, as a call to an unreachable endpoint does.
        writeFaultFile(lab.faultFile, { types: { "aws:autoscaling/group:Group": "hang" } });
        // Its own process group, so the kill takes the CLI and its engine together, as a lost shell does.
        const child: ChildProcess = spawn(process.execPath, cliArgs(["failover", "--yes", "--reason", "kill test"]), { cwd: root, env, stdio: "ignore", detached: true });
        try {
            const deadline = Date.now() + 240_000;
            const wrote = () =>
                fs.readFileSync(secondaryFile, "utf8") !== before["Pulumi.secondary.yaml"] &&
                records().slice(knownRecords).some((r) => r.type === "step" && r.status === "started" && r.stepId === "before-dns:secondary");
            while (!wrote() && Date.now() < deadline && child.exitCode === null) {
                await sleep(100);
            }
            expect(wrote(), "the step wrote its config and journalled it").to.equal(true);
            // Past setConfig, inside the hanging `up`: its engine process is running.
            while (engineChildrenOf(child.pid).length === 0 && Date.now() < deadline && child.exitCode === null) {
                await sleep(100);
            }
            expect(engineChildrenOf(child.pid), "the step's `pulumi up` is running").to.have.length.above(0);
            const exited = new Promise((resolve) => child.once("exit", resolve));
            process.kill(-child.pid!, "SIGKILL");
            // Reaped, so its pid is gone (a zombie still answers kill 0).
            await exited;
        } finally {
            writeFaultFile(lab.faultFile, {});
        }
        expect(fs.readFileSync(secondaryFile, "utf8")).to.contain("sftp-failover:capacityMode: active");

        const json = cli(["status", "--json"]);
        expect(json.status, json.stderr).to.equal(0);
        const status = JSON.parse(json.stdout);
        expect(status.undeployedConfig).to.have.length(1);
        expect(status.undeployedConfig[0]).to.deep.include({ stack: "secondary", key: "sftp-failover:capacityMode", configured: "active", deployed: "pilot-light", file: "Pulumi.secondary.yaml" });
        const text = cli(["status"]);
        expect(text.stdout).to.match(/undeployed config: Pulumi\.secondary\.yaml sftp-failover:capacityMode = active, deployed pilot-light — left by run \S+; a `pulumi up` by hand would apply it\./);
        expect(text.stdout).to.contain("by hand: pulumi config set -s secondary sftp-failover:capacityMode pilot-light");
        // status only reads.
        expect(fs.readFileSync(secondaryFile, "utf8")).to.contain("sftp-failover:capacityMode: active");

        const unlock = cli(["unlock", "--yes", "--reason", "killed switch"]);
        expect(unlock.status, unlock.stderr).to.equal(0);
        expect(unlock.stdout).to.contain("undeployed sftp-failover:capacityMode = active in Pulumi.secondary.yaml, put back to pilot-light");
        expect(files()).to.deep.equal(before);
        expect(JSON.parse(cli(["status", "--json"]).stdout).undeployedConfig).to.equal(undefined);

        // A by-hand `up` of the stack the killed step was scaling: nothing to change in its group.
        const { secondary } = await lab.stacks();
        const preview = await secondary.preview({ diff: true });
        expect(preview.changeSummary.update ?? 0, JSON.stringify(preview.changeSummary)).to.equal(0);
        const up = await secondary.up();
        expect((await secondary.outputs()).capacityMode.value).to.equal("pilot-light");
        expect(up.summary.resourceChanges?.update ?? 0).to.equal(0);
    });
});
