import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import * as YAML from "yaml";
import { parseCli } from "../support/parse-cli";

// The CI example runs what the CLI accepts: every `npx sftp-failover` line of the workflow is parsed
// by the CLI's own parser (strict: an unknown or misspelt flag fails), with sample inputs.

const workflowFile = path.resolve(__dirname, "..", "..", "examples", "ci", "github-actions.yml");

/** Splits a shell line into words: double-quoted strings stay whole (enough for this workflow). */
function words(line: string): string[] {
    return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

describe("the CI example workflow (examples/ci)", () => {
    const workflow = YAML.parse(fs.readFileSync(workflowFile, "utf8")) as {
        env: Record<string, string>;
        jobs: Record<string, { steps: { run?: string; if?: string }[] }>;
    };
    const runs = Object.values(workflow.jobs).flatMap((j) => j.steps).filter((s) => s.run?.includes("npx sftp-failover"));
    const samples: Record<string, Record<string, string>> = {
        posture: { TARGET: "failover", REASON: "us-east-1 degraded", ACTOR: "alice" },
        fence: { ACTION: "fence", TARGET: "primary", REASON: "us-east-1 down", ACTOR: "alice" },
    };

    it("has a switch step and a fence step", () => {
        expect(runs.map((s) => s.if)).to.deep.equal(["inputs.action == 'posture'", "inputs.action == 'fence' || inputs.action == 'unfence'"]);
    });

    it("keeps its state outside both serving regions, on the S3 backend", () => {
        expect(workflow.env.BACKEND).to.match(/^s3:\/\/[a-z0-9.-]+\/.*\?region=us-east-2$/);
    });

    runs.forEach((step, i) => {
        it(`step ${i + 1}'s command line is accepted by the CLI's strict parser`, async () => {
            const sample = samples[i === 0 ? "posture" : "fence"];
            const line = step.run!.trim().replace(/\$([A-Z_]+)/g, (_, name: string) => sample[name] ?? workflow.env[name] ?? `<${name}>`);
            const args = words(line).slice(2);
            expect(line, "every variable has a value").to.not.include("<");
            const argv = await parseCli(args);
            expect(argv.yes).to.equal(true);
            expect(argv.identity).to.equal("ci:alice");
        });
    });
});

describe("the scheduled readiness example (examples/ci/readiness-schedule.yml)", () => {
    const file = path.resolve(__dirname, "..", "..", "examples", "ci", "readiness-schedule.yml");
    const workflow = YAML.parse(fs.readFileSync(file, "utf8")) as {
        on: { schedule: { cron: string }[] };
        env: Record<string, string>;
        jobs: Record<string, { steps: { id?: string; run?: string; if?: string }[] }>;
    };
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);

    it("runs on a schedule and alerts only when the check failed", () => {
        expect(workflow.on.schedule[0].cron).to.equal("*/30 * * * *");
        expect(steps.find((s) => s.run?.includes("curl"))?.if).to.equal("failure()");
    });

    it("its check command line is accepted by the CLI's strict parser", async () => {
        const run = steps.find((s) => s.id === "check")!.run!.split(">")[0].trim().replace(/\$([A-Z_]+)/g, (_, name: string) => workflow.env[name] ?? `<${name}>`);
        const argv = await parseCli(words(run).slice(2));
        expect(argv._).to.deep.equal(["check"]);
        expect(argv.json).to.equal(true);
    });
});
