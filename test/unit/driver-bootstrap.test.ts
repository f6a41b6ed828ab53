import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { renderBootstrap, renderStatus } from "../../automation/cli/render";
import { bootstrap, stacksNeedingFirstPhase } from "../../automation/driver/bootstrap";
import { BadInputError } from "../../automation/driver/errors";
import { StatusResult } from "../../automation/driver/types";
import { sandboxStandIn } from "../../sandbox/engine";

describe("bootstrap (without an engine)", () => {
    it("deploys without replication only the regional stacks never deployed (a deployed one may already replicate)", () => {
        expect(stacksNeedingFirstPhase({ primary: false, secondary: false })).to.deep.equal(["primary", "secondary"]);
        expect(stacksNeedingFirstPhase({ primary: true, secondary: false })).to.deep.equal(["secondary"]);
        expect(stacksNeedingFirstPhase({ primary: true, secondary: true })).to.deep.equal([]);
    });

    it("refuses a project folder without the stack files, naming the file, before any engine runs", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: sftp-failover\nruntime: nodejs\n");
            const error = await bootstrap({ projectDir: dir, standIn: sandboxStandIn }).then(() => undefined, (e: unknown) => e);
            expect(error).to.be.instanceOf(BadInputError);
            expect((error as Error).message).to.equal(`stacks.primary: ${dir} has no Pulumi.primary.yaml (its config is what the stack is created with)`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses the same stack name twice", async () => {
        const error = await bootstrap({ standIn: sandboxStandIn, stacks: { secondary: "primary" } }).then(() => undefined, (e: unknown) => e);
        expect(error).to.be.instanceOf(BadInputError);
        expect((error as Error).message).to.match(/^stacks must be three different stacks: primary and secondary name the same stack/);
    });

    it("renders a second run as nothing changed, and a first run with each step's changes", () => {
        expect(renderBootstrap({ status: "unchanged", durationMs: 7000, steps: [
            { phase: "regions-without-replication", stack: "primary", stackName: "primary", status: "skipped", changes: {}, durationMs: 0 },
            { phase: "dns", stack: "dns", stackName: "dns", status: "unchanged", changes: {}, durationMs: 2000 },
        ] })).to.equal("already bootstrapped: nothing changed\n  regions-without-replication: primary skipped (already deployed)\n  dns: dns unchanged in 2.0s");
        expect(renderBootstrap({ status: "bootstrapped", durationMs: 9000, steps: [
            { phase: "regions-with-replication", stack: "primary", stackName: "primary", status: "done", changes: { create: 3 }, durationMs: 2500 },
        ] })).to.contain("regions-with-replication: primary done (create 3) in 2.5s");
    });
});

describe("status rendering of endpoint checks", () => {
    const base = {
        stacks: {
            primary: { key: "primary", name: "primary", config: {}, outputs: {} },
            secondary: { key: "secondary", name: "secondary", config: {}, outputs: {} },
            dns: { key: "dns", name: "dns", config: {}, outputs: {} },
        },
        capacity: {},
        fence: { primary: "unknown", secondary: "unknown" },
    } as unknown as StatusResult;

    it("shows each region's endpoint check and warns that Route 53 fails open when both are unhealthy", () => {
        const text = renderStatus({
            ...base,
            endpointHealth: {
                regions: { primary: { health: "unhealthy", reasons: ["no checker reaches it"] }, secondary: { health: "unhealthy", reasons: [] } },
                failsOpen: true,
            },
        });
        expect(text).to.contain("endpoint checks: primary unhealthy (no checker reaches it); secondary unhealthy");
        expect(text).to.contain("Route 53 answers every record as if healthy (fail open)");
    });

    it("shows no endpoint line without a health source, and no warning when a region is healthy", () => {
        expect(renderStatus(base)).to.not.contain("endpoint checks");
        const text = renderStatus({ ...base, endpointHealth: { regions: { primary: { health: "healthy", reasons: [] }, secondary: { health: "unhealthy", reasons: [] } }, failsOpen: false } });
        expect(text).to.contain("endpoint checks: primary healthy; secondary unhealthy");
        expect(text).to.not.contain("fail open");
    });

    it("names where each reading came from and when, the region's other checks included, with control characters escaped", () => {
        const endpoint = { health: "unhealthy" as const, reasons: ["1 of 8 health checkers report healthy (12.5 %; healthy above 18 %)", "Failure: \u001b[31mtimed out"], source: "route53:GetHealthCheckStatus hc-1", observedAt: "2026-12-07T16:00:00.000Z" };
        const combined = { check: "combined" as const, health: "unknown" as const, reasons: ["no HealthCheckStatus datapoint in the last 300 s"], source: "cloudwatch:AWS/Route53 HealthCheckStatus hc-3 us-east-1", observedAt: "2026-12-07T16:00:05.000Z" };
        const sandbox = { health: "healthy" as const, reasons: [], source: "sandbox reachability model", observedAt: "2026-12-07T16:00:06.000Z" };
        const text = renderStatus({ ...base, endpointHealth: { regions: { primary: { ...endpoint, checks: [combined] }, secondary: sandbox }, failsOpen: false } });
        expect(text).to.contain(
            "  primary: endpoint check [route53:GetHealthCheckStatus hc-1 at 2026-12-07T16:00:00.000Z]; combined check unknown (no HealthCheckStatus datapoint in the last 300 s) [cloudwatch:AWS/Route53 HealthCheckStatus hc-3 us-east-1 at 2026-12-07T16:00:05.000Z]",
        );
        expect(text).to.contain("  secondary: endpoint check [sandbox reachability model at 2026-12-07T16:00:06.000Z]");
        expect(text).to.not.contain("\u001b");
    });
});
