// The fence operation's plan and apply over a store held in memory: what needs confirming and why,
// what a failed read becomes, what the audit entry holds, and which refusals name which region.
// The sandbox's real fence store and the CLI paths are in fence-operation.test.ts.
import { expect } from "chai";
import * as os from "node:os";
import { fenceCoordinates } from "../../components/dns-fence-coordinates";
import { AuditEntry } from "../../automation/driver/audit";
import { EndpointHealthSource } from "../../automation/driver/endpoint-health";
import { BadInputError } from "../../automation/driver/errors";
import { FenceObservation, RegionFenceClient } from "../../automation/fence/client";
import { applyFence, FenceAuditSink, FencePlan, FenceWorld, NothingToFenceError, parseFenceRegion, planFence, requireConfirmed } from "../../automation/fence/operation";
import { RegionName } from "../../foundation/posture";

const coordinates = fenceCoordinates({ service: "sftp.example.com" });
const store = `CloudWatch ${coordinates.namespace}/${coordinates.metricName} in ${coordinates.region}`;

type Health = "healthy" | "unhealthy" | "unknown";

/** A fence store in memory: each region's observation (or the error its read fails with), and what was published. */
function memoryStore(observed: Partial<Record<RegionName, FenceObservation | Error>> = {}) {
    const published: string[] = [];
    const client: RegionFenceClient = {
        fence: async (region) => void published.push(`fence ${region}`),
        unfence: async (region) => void published.push(`unfence ${region}`),
        read: async (region) => {
            const o = observed[region] ?? { state: "unfenced", alarm: "present" };
            if (o instanceof Error) {
                throw o;
            }
            return o;
        },
    };
    return { client, published };
}

function health(states: Partial<Record<RegionName, Health | Error>>): EndpointHealthSource {
    return {
        endpointHealth: async (e) => {
            const s = states[e.region] ?? "healthy";
            if (s instanceof Error) {
                throw s;
            }
            return { health: s, reasons: [] };
        },
    };
}

const endpoints = {
    primary: { region: "primary", awsRegion: "us-east-1", dnsName: "p.example.com", port: 22 },
    secondary: { region: "secondary", awsRegion: "us-west-2", dnsName: "s.example.com", port: 22 },
} as const;

const fenced: FenceObservation = { state: "fenced", alarm: "present" };

function world(over: Partial<FenceWorld> = {}): FenceWorld {
    return { coordinates, coordinatesFrom: "test", store: memoryStore().client, weights: { weights: { primary: 50, secondary: 50 }, from: "config" }, health: health({}), endpoints, ...over };
}

async function refused(p: Promise<unknown>): Promise<Error> {
    return p.then(
        () => expect.fail("expected a refusal"),
        (e: unknown) => e as Error,
    );
}

describe("the fence operation: plans, confirmations and the audit entry", () => {
    it("names an unknown region with its control characters escaped", () => {
        expect(() => parseFenceRegion("pri\nmary")).to.throw(BadInputError, 'unknown region "pri\\nmary" (valid: primary, secondary)');
    });

    it("never fences both: fencing one while the other is fenced is refused; unfencing it, or fencing beside an unknown reading, is not", async () => {
        const otherFenced = world({ store: memoryStore({ secondary: fenced }).client });
        expect((await refused(planFence({ region: "primary", action: "fence" }, otherFenced))).message).to.equal(
            `secondary is fenced (read from ${store}): fencing primary too would leave no healthy record, and Route 53 would answer both; unfence secondary first; nothing was changed`,
        );
        const unfence = await planFence({ region: "primary", action: "unfence" }, otherFenced);
        expect(unfence.readings.fence).to.deep.equal({ primary: "unfenced", secondary: "fenced" });
        const unknown = await planFence({ region: "primary", action: "fence" }, world({ store: memoryStore({ secondary: new Error("throttled") }).client }));
        expect(unknown.readings.fence.secondary).to.equal("unknown");
    });

    it("a fence that cannot be read counts as unknown, with a warning naming the store and the error", async () => {
        const plan = await planFence({ region: "secondary", action: "unfence" }, world({ store: memoryStore({ primary: new Error("AccessDenied") }).client }));
        expect(plan.readings.fence).to.deep.equal({ primary: "unknown", secondary: "unfenced" });
        expect(plan.warnings).to.deep.equal([`the primary fence could not be read from ${store} (AccessDenied): it counts as unknown`]);
        expect(plan.prediction?.verdict).to.equal("unknown");
        expect(plan.confirm).to.deep.equal(["primary fence is unknown"]);
        expect(plan.cases).to.have.length(2);
        expect(plan).to.not.have.property("movesClients");
    });

    it("nothing to unfence when no alarm watches the region's metric, naming the region and the store", async () => {
        const noAlarm = memoryStore({ secondary: { state: "unfenced", alarm: "absent" } });
        const err = await refused(planFence({ region: "secondary", action: "unfence" }, world({ store: noAlarm.client })));
        expect(err).to.be.instanceOf(NothingToFenceError);
        expect(err.message).to.equal(`nothing to unfence: no alarm watches the secondary fence metric in ${store} (is the dns stack deployed?); nothing was changed`);
        // The other region's alarm does not matter to this one.
        await planFence({ region: "primary", action: "unfence" }, world({ store: noAlarm.client }));
    });

    describe("endpoint health", () => {
        it("a health read that fails, or a region without an endpoint, is unknown; only the failure warns", async () => {
            const plan = await planFence({ region: "primary", action: "fence" }, world({ health: health({ secondary: new Error("Throttling") }), endpoints: { primary: endpoints.primary } }));
            expect(plan.readings.endpoint).to.deep.equal({ primary: "healthy", secondary: "unknown" });
            expect(plan.warnings).to.deep.equal([]);
            const failing = await planFence({ region: "primary", action: "fence" }, world({ health: health({ secondary: new Error("Throttling") }) }));
            expect(failing.readings.endpoint).to.deep.equal({ primary: "healthy", secondary: "unknown" });
            expect(failing.warnings).to.deep.equal(["the secondary endpoint's health could not be read (Throttling): it counts as unknown"]);
        });

        it("asks each source for the endpoint check alone: the fences were read already", async () => {
            const scopes: unknown[] = [];
            const asking: EndpointHealthSource = {
                endpointHealth: async (_e, scope) => {
                    scopes.push(scope);
                    return { health: "healthy", reasons: [] };
                },
            };
            await planFence({ region: "primary", action: "fence" }, world({ health: asking }));
            expect(scopes).to.deep.equal([{ endpointOnly: true }, { endpointOnly: true }]);
        });

        it("without a health source both are unknown, with that one warning and no failed read", async () => {
            const plan = await planFence({ region: "primary", action: "fence" }, world({ health: undefined }));
            expect(plan.readings.endpoint).to.deep.equal({ primary: "unknown", secondary: "unknown" });
            expect(plan.warnings).to.deep.equal(["no endpoint-health source: both endpoints count as unknown"]);
        });

        it("without the regional endpoints both are unknown, saying why", async () => {
            const plan = await planFence({ region: "primary", action: "fence" }, world({ endpoints: undefined }));
            expect(plan.readings.endpoint).to.deep.equal({ primary: "unknown", secondary: "unknown" });
            expect(plan.warnings).to.deep.equal(["the regional endpoints are unknown (no cached stack read): both endpoints count as unknown"]);
            expect(plan.confirm[0]).to.equal("primary endpoint and secondary endpoint are unknown");
        });
    });

    describe("what needs confirming", () => {
        it("every reason to confirm is named, one after another: a forced harm that also moves clients", async () => {
            const harmful = world({ health: health({ primary: "unhealthy" }) });
            const plan = await planFence({ region: "secondary", action: "fence", force: true, reason: "drill" }, harmful);
            expect(plan.confirm).to.deep.equal(["the fence moves clients", `forced past: ${plan.forced}`]);
            expect(() => requireConfirmed(plan, false)).to.throw(`fence secondary needs confirming (the fence moves clients; forced past: ${plan.forced}): `);
        });

        it("unknown weights: the effect cannot be predicted, for a fence and for an unfence, and it must be confirmed", async () => {
            for (const action of ["fence", "unfence"] as const) {
                const plan = await planFence({ region: "primary", action }, world({ weights: undefined }));
                const verb = action === "fence" ? "fencing" : "unfencing";
                expect(plan.confirm).to.deep.equal([`the weights are unknown, so the effect of ${verb} primary on who serves cannot be predicted`]);
                expect(plan.summary).to.equal(`${verb} primary: the effect on who serves is unknown (no cached or configured weights)`);
                expect(plan.cases).to.deep.equal([]);
                expect(plan).to.not.have.property("prediction");
                expect(plan.readings.endpoint).to.deep.equal({ primary: "healthy", secondary: "healthy" });
                expect(() => requireConfirmed(plan, false)).to.throw(`${action} primary needs confirming`);
            }
        });

        it("a fence that moves clients asks; one that moves nobody does not, and says so", async () => {
            const moving = await planFence({ region: "primary", action: "fence" }, world());
            expect(moving.movesClients).to.equal(true);
            expect(moving.confirm).to.deep.equal(["the fence moves clients"]);
            expect(moving.summary).to.equal("Route 53 answers primary 50 % and secondary 50 % now, secondary 100 % after (weights from config)");
            expect(() => requireConfirmed(moving, false)).to.throw(
                "fence primary needs confirming (the fence moves clients): Route 53 answers primary 50 % and secondary 50 % now, secondary 100 % after (weights from config); nothing was changed",
            );

            const still = await planFence({ region: "secondary", action: "fence" }, world({ weights: { weights: { primary: 100, secondary: 0 }, from: "config" } }));
            expect(still.movesClients).to.equal(false);
            expect(still.confirm).to.deep.equal([]);
            expect(still.cases).to.deep.equal([]);
            requireConfirmed(still, false);
        });

        it("an unfence that brings clients back does not ask", async () => {
            const plan = await planFence({ region: "primary", action: "unfence" }, world({ store: memoryStore({ primary: fenced }).client }));
            expect(plan.movesClients).to.equal(true);
            expect(plan.confirm).to.deep.equal([]);
        });

        it("who and why: the identity given, trimmed, or the OS user; a reason only when given", async () => {
            const named = await planFence({ region: "primary", action: "unfence", identity: "  dana ", reason: "maintenance over" }, world());
            expect(named).to.deep.include({ identity: "dana", reason: "maintenance over", coordinatesFrom: "test", region: "primary", action: "unfence" });
            const anonymous = await planFence({ region: "primary", action: "unfence" }, world());
            expect(anonymous.identity).to.equal(os.userInfo().username);
            expect(anonymous).to.not.have.property("reason");
            expect(anonymous).to.not.have.property("forced");
        });
    });

    describe("applying", () => {
        const at = new Date("2026-12-07T10:00:00.000Z");
        let audit: AuditEntry[];
        const sink: FenceAuditSink = { checkWritable: async () => undefined, append: async (e) => void audit.push(e) };
        beforeEach(() => (audit = []));

        it("an unfence publishes through the store and audits it once, with no reason or forced field when there was none", async () => {
            const mem = memoryStore({ primary: fenced });
            const plan = await planFence({ region: "primary", action: "unfence", identity: "dana" }, world({ store: mem.client }));
            const started = Date.now();
            const outcome = await applyFence(plan, mem.client, sink, () => at);
            const elapsed = Date.now() - started;
            expect(mem.published).to.deep.equal(["unfence primary"]);
            expect(outcome).to.deep.equal({ region: "primary", state: "unfenced", changed: true, coordinates, runId: outcome.runId });
            expect(outcome.runId).to.match(/^20261207T100000-[0-9a-f]{6}$/);
            expect(audit).to.have.length(1);
            const { durationMs, ...entry } = audit[0];
            expect(durationMs, "the time the publish took, measured around it").to.be.a("number").that.is.within(0, elapsed);
            expect(entry).to.deep.equal({ at: at.toISOString(), identity: "dana", host: os.hostname(), operation: "unfence", to: "primary unfenced", result: "ok", runId: outcome.runId });
        });

        it("a fence publishes a fence and says the region is fenced", async () => {
            const mem = memoryStore();
            const plan = await planFence({ region: "secondary", action: "fence", reason: "drill" }, world({ store: mem.client, weights: { weights: { primary: 100, secondary: 0 }, from: "config" } }));
            const outcome = await applyFence(plan, mem.client, sink, () => at);
            expect(mem.published).to.deep.equal(["fence secondary"]);
            expect(outcome.state).to.equal("fenced");
            expect(audit[0]).to.deep.include({ operation: "fence", to: "secondary fenced", reason: "drill", result: "ok" });
        });

        it("a publish that fails carries the store's error as its cause, and is audited as failed", async () => {
            const mem = memoryStore();
            const cause = new Error("Throttling");
            const broken: RegionFenceClient = { ...mem.client, fence: () => Promise.reject(cause) };
            const plan = await planFence({ region: "secondary", action: "fence" }, world({ store: broken, weights: { weights: { primary: 100, secondary: 0 }, from: "config" } }));
            const err = await refused(applyFence(plan, broken, sink, () => at));
            expect(err.message).to.equal("fence secondary failed: Throttling");
            expect(err.cause).to.equal(cause);
            expect(audit.map((e) => e.result)).to.deep.equal(["failed"]);
        });

        it("an audit log that cannot be written stops the fence before anything is published", async () => {
            const mem = memoryStore();
            const plan: FencePlan = await planFence({ region: "secondary", action: "fence", reason: "drill" }, world({ store: mem.client, weights: { weights: { primary: 100, secondary: 0 }, from: "config" } }));
            const err = await refused(applyFence(plan, mem.client, { checkWritable: () => Promise.reject(new Error("audit log read-only")), append: sink.append }));
            expect(err.message).to.equal("audit log read-only");
            expect(mem.published).to.deep.equal([]);
            expect(audit).to.deep.equal([]);
        });
    });
});
