import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { FailoverController } from "../../automation/driver/controller";
import { bootstrap } from "../../automation/driver/bootstrap";
import { AbortedError, ReplicationBacklogError } from "../../automation/driver/errors";
import { ReplicationMetricsUnavailableError } from "../../automation/index";
import { LocalCoordinationStore } from "../../automation/driver/coordination/local-store";
import { RunLog } from "../../automation/driver/coordination/run-log";
import { defaultReplicationThresholds } from "../../automation/driver/replication";
import { runPostDnsCheck } from "../../automation/driver/post-dns-check";
import { verifyRegion } from "../../automation/driver/verify";
import { errorRowOf, exitCodes } from "../../automation/error-table";
import type { FencePlan } from "../../automation/fence/operation";

// Every async SDK method takes `{ signal }`: aborted before the call, it throws AbortedError at once
// and touches nothing (no engine call, no file); aborted while the engine is busy, it rejects with
// AbortedError without waiting for the engine. The controller runs here on a fake engine — each
// stack and the fence and replication clients record their calls and never answer — so "stops"
// cannot be the engine finishing first. The real engine's side is in test/engine/driver-cli.test.ts.

/** A stand-in whose every method records its call and returns a promise that never settles. */
function unanswering(calls: string[], label: string, props: Record<string, unknown> = {}): unknown {
    return new Proxy(props, {
        get(target, prop) {
            if (prop in target) {
                return target[prop as string];
            }
            // Not a thenable: `await` on the stand-in itself must not call it.
            if (prop === "then") {
                return undefined;
            }
            return (..._args: unknown[]) => {
                calls.push(`${label}.${String(prop)}`);
                return new Promise(() => undefined);
            };
        },
    });
}

interface Harness {
    readonly controller: FailoverController;
    readonly calls: string[];
    readonly dir: string;
    readonly store: LocalCoordinationStore;
}

/** Stand-ins for a deployed environment's stacks: they answer with these outputs (and nothing else). */
type DeployedOutputs = Readonly<Record<"primary" | "secondary" | "dns", Record<string, unknown>>>;

/** A controller over stand-in stacks, fence and replication, with its files in a fresh folder. */
function harness(deployed?: DeployedOutputs, replication?: unknown): Harness {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-abort-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: sftp-failover\nruntime: nodejs\n");
    const calls: string[] = [];
    const store = new LocalCoordinationStore(path.join(dir, ".failover"));
    const names = { primary: "primary", secondary: "secondary", dns: "dns" };
    const ctx = {
        env: { projectDir: dir, backendUrl: `file://${path.join(dir, ".state")}`, pulumiHome: path.join(dir, ".pulumi"), envVars: {} },
        names,
        stacks: {
            primary: unanswering(calls, "primary", answering("primary", deployed)),
            secondary: unanswering(calls, "secondary", answering("secondary", deployed)),
            dns: unanswering(calls, "dns", answering("dns", deployed)),
        },
        identity: "abort-test",
        log: new RunLog(store, "abort-test"),
        leaseMs: 60_000,
        fence: unanswering(calls, "fence"),
        replication: replication ?? unanswering(calls, "replication"),
        thresholds: defaultReplicationThresholds,
        timeouts: { stepMs: 60_000, cancelGraceMs: 1000, stackBusyMs: 1000 },
        endpointHealth: undefined,
        endpoints: undefined,
        resolveEndpointName: undefined,
        fenceCacheFile: path.join(dir, ".failover", "fence-cache.json"),
    };
    // The constructor is private to embedders (they use `create`, which needs an engine); the test
    // gives it the context `create` would build, with stand-ins for everything that reaches out.
    const Controller = FailoverController as unknown as new (c: typeof ctx) => FailoverController;
    return { controller: new Controller(ctx), calls, dir, store };
}

/** A stack's name, and with `deployed`, the reads of a deployed stack (config and exported state). */
function answering(key: "primary" | "secondary" | "dns", deployed: DeployedOutputs | undefined): Record<string, unknown> {
    if (deployed === undefined) {
        return { name: key };
    }
    return {
        name: key,
        getAllConfig: async () => ({}),
        exportStack: async () => ({ version: 3, deployment: { resources: [{ type: "pulumi:pulumi:Stack", outputs: deployed[key] }] } }),
    };
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
    try {
        await p;
    } catch (err) {
        return err;
    }
    throw new Error("expected a rejection, got a result");
}

/** Asserts an AbortedError, and that the error table gives it exit code 130. */
function expectAborted(err: unknown): void {
    expect(err, String(err)).to.be.instanceOf(AbortedError);
    expect(errorRowOf(err)?.name).to.equal("AbortedError");
    expect(errorRowOf(err)?.exitCode).to.equal(exitCodes.interrupted);
}

type Call = (h: Harness, signal: AbortSignal) => Promise<unknown>;

/** Every async method of the controller, called with `signal`. */
const methods: Readonly<Record<string, Call>> = {
    status: (h, signal) => h.controller.status({ signal }),
    check: (h, signal) => h.controller.check({ signal }),
    plan: (h, signal) => h.controller.plan("failover", { signal }),
    setPosture: (h, signal) => h.controller.setPosture("failover", { reason: "abort test", signal }),
    failback: (h, signal) => h.controller.failback({ reason: "abort test", signal }),
    planFence: (h, signal) => h.controller.planFence("primary", "fence", { signal }),
    fence: (h, signal) => h.controller.fence("primary", { yes: true, signal }),
    unfence: (h, signal) => h.controller.unfence("primary", { yes: true, signal }),
    applyFence: (h, signal) => h.controller.applyFence({ region: "primary" } as unknown as FencePlan, { signal }),
    verify: (h, signal) => h.controller.verify("primary", { signal }),
    unlock: (h, signal) => h.controller.unlock({ reason: "abort test", signal }),
    history: (h, signal) => h.controller.history({ signal }),
};

/** The methods that wait on the engine, the fence or the metrics: aborting them mid-way must not wait for an answer. */
const waitingOnTheEngine = ["status", "check", "plan", "setPosture", "failback", "planFence", "fence", "unfence", "verify"] as const;

describe("SDK methods and their AbortSignal", () => {
    const made: string[] = [];
    afterEach(() => {
        for (const dir of made.splice(0)) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    for (const [name, call] of Object.entries(methods)) {
        it(`${name}() with an already-aborted signal throws AbortedError at once, calls nothing and writes nothing`, async () => {
            const h = harness();
            made.push(h.dir);
            const before = filesUnder(h.dir);
            expectAborted(await rejection(call(h, AbortSignal.abort())));
            expect(h.calls).to.deep.equal([]);
            expect(filesUnder(h.dir)).to.deep.equal(before);
        });
    }

    for (const name of waitingOnTheEngine) {
        it(`${name}() aborted while the engine has not answered rejects with AbortedError without waiting for it`, async () => {
            const h = harness();
            made.push(h.dir);
            const abort = new AbortController();
            const pending = rejection(methods[name](h, abort.signal));
            // Wait on the condition: the method has reached the (never answering) engine or clients.
            while (h.calls.length === 0) {
                await new Promise((resolve) => setImmediate(resolve));
            }
            abort.abort();
            expectAborted(await pending);
            if (name === "setPosture" || name === "failback") {
                // The switch took the lock before reading the stacks; an abort releases it.
                expect((await h.store.readLock()).state).to.equal("free");
            }
        });
    }

    it("the static methods and the exported functions refuse an already-aborted signal before anything", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-abort-static-"));
        made.push(dir);
        const missing = path.join(dir, "not-created");
        const signal = AbortSignal.abort();
        expectAborted(await rejection(FailoverController.create({ projectDir: missing, signal })));
        expectAborted(await rejection(FailoverController.bootstrap({ projectDir: missing, signal })));
        expectAborted(await rejection(bootstrap({ projectDir: missing, signal })));
        expectAborted(await rejection(FailoverController.readHistory({ journalDir: missing }, { signal })));
        expectAborted(await rejection(verifyRegion({ region: "primary", outputs: {}, signal })));
        expectAborted(await rejection(runPostDnsCheck({ name: "sftp.example.com", servers: ["127.0.0.1"], weights: { primary: 100, secondary: 0 }, health: { primary: "healthy", secondary: "healthy" }, fingerprints: [], locate: async () => undefined, canary: async () => undefined, signal } as unknown as Parameters<typeof runPostDnsCheck>[0])));
        expect(fs.existsSync(missing)).to.equal(false);
    });

    describe("failback without replication data", () => {
        const failedOver: DeployedOutputs = {
            primary: { region: "us-east-1", bucketName: "b-primary", capacityMode: "drained" },
            secondary: { region: "us-west-2", bucketName: "b-secondary", capacityMode: "active" },
            dns: { posture: "failover", weights: { primary: 0, secondary: 100 } },
        };

        it("CloudWatch unreachable: ReplicationBacklogError (exit 1) whose cause is the exported ReplicationMetricsUnavailableError; nothing locked or written", async () => {
            const unreachable = new ReplicationMetricsUnavailableError('reading replication metrics of rule "r" from CloudWatch in us-west-2 failed: connect ECONNREFUSED');
            const h = harness(failedOver, { backlog: async () => Promise.reject(unreachable) });
            made.push(h.dir);
            const err = await rejection(h.controller.failback({ reason: "primary back" }));
            expect(err).to.be.instanceOf(ReplicationBacklogError);
            expect((err as Error).cause).to.equal(unreachable);
            expect((err as Error).message).to.match(/cannot read the replication metrics of b-secondary: .*ECONNREFUSED.*force to fail back anyway/);
            expect(errorRowOf(err)).to.deep.include({ name: "ReplicationBacklogError", exitCode: exitCodes.failed });
            expect(h.calls).to.deep.equal([]);
            expect(fs.existsSync(path.join(h.dir, ".failover"))).to.equal(false);
        });

        it("stacks that export no buckets: ReplicationBacklogError, not a plain FailoverError", async () => {
            const noBuckets: DeployedOutputs = { ...failedOver, secondary: { capacityMode: "active" } };
            const h = harness(noBuckets, { backlog: async () => Promise.reject(new Error("must not be asked")) });
            made.push(h.dir);
            const err = await rejection(h.controller.failback({ reason: "primary back" }));
            expect(err).to.be.instanceOf(ReplicationBacklogError);
            expect((err as Error).message).to.contain("export no region/bucketName");
        });
    });
});
