import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { fenceAlarmSettings, FenceCoordinates, fenceCoordinates } from "../../components/dns-fence-coordinates";
import { sandboxFenceClient } from "../../sandbox/fence";
import { World } from "../../sandbox/world";

// The sandbox's CloudWatch for the fence: every datapoint kept, dimensions in canonical order, the
// alarm evaluated per period, and whether the alarm exists taken from the sandbox's world.

describe("sandbox fence client", function () {
    const coordinates = fenceCoordinates({ service: "sftp.sandbox.example.com" });
    /** The same metric with its dimensions written in the other order, as the emergency path once did. */
    const reordered: FenceCoordinates = {
        ...coordinates,
        dimensions: {
            primary: Object.fromEntries(Object.entries(coordinates.dimensions.primary).reverse()),
            secondary: Object.fromEntries(Object.entries(coordinates.dimensions.secondary).reverse()),
        },
    };
    let dir: string;
    let clock: number;
    const file = () => path.join(dir, "fence.json");
    const client = (worldDir?: string) => sandboxFenceClient(file(), { now: () => new Date(clock), ...(worldDir !== undefined ? { worldDir } : {}) });
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-fence-"));
        clock = Math.floor(Date.now() / 60_000) * 60_000 + 5_000;
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads unfenced before any datapoint (a health check that never failed is healthy), then fenced and unfenced per region", async function () {
        expect(await client().state!("primary", coordinates)).to.equal("unfenced");
        await client().fence("primary", coordinates);
        expect(await client().state!("primary", coordinates)).to.equal("fenced");
        expect(await client().state!("secondary", coordinates)).to.equal("unfenced");
        clock += 60_000;
        await client().unfence("primary", coordinates);
        expect(await client().state!("primary", coordinates)).to.equal("unfenced");
    });

    it("fence → unfence → fence within one minute leaves the region fenced; unfence → fence → unfence leaves it unfenced", async function () {
        const minuteEnd = Math.floor(clock / 60_000) * 60_000 + 60_000;
        for (const action of ["fence", "unfence", "fence"] as const) {
            await client()[action]("primary", coordinates);
            clock += 10_000;
        }
        expect(await client().state!("primary", coordinates)).to.equal("fenced");
        for (const action of ["unfence", "fence", "unfence"] as const) {
            await client()[action]("secondary", coordinates);
            clock += 10_000;
        }
        expect(await client().state!("secondary", coordinates)).to.equal("unfenced");
        // The alarm itself: fenced while the minute holding the 0 is the latest closed one, lifted once the next closes.
        expect(clock, "all six within one minute").to.be.at.most(minuteEnd + 5_000);
        expect(client().alarmState("secondary", coordinates, new Date(minuteEnd))).to.equal("ALARM");
        expect(client().alarmState("secondary", coordinates, new Date(minuteEnd + 60_000))).to.equal("OK");
        expect(client().alarmState("primary", coordinates, new Date(minuteEnd + 60_000))).to.equal("ALARM");
    });

    it("keeps every datapoint and sees a fence whatever order its dimensions were written in", async function () {
        await client().fence("primary", reordered);
        expect(await client().state!("primary", coordinates)).to.equal("fenced");
        clock += 10_000;
        await client().unfence("primary", coordinates);
        const stored = JSON.parse(fs.readFileSync(file(), "utf8")) as { points: { value: number; dimensions: Record<string, string> }[] };
        expect(stored.points.map((p) => p.value)).to.deep.equal([0, 1, 1]);
        expect(new Set(stored.points.map((p) => JSON.stringify(p.dimensions))).size, "one canonical order").to.equal(1);
    });

    it("records what PutMetricData would have published: fence region, namespace, metric, dimensions", async function () {
        await client().fence("secondary", coordinates);
        const [point] = (JSON.parse(fs.readFileSync(file(), "utf8")) as { points: unknown[] }).points;
        expect(point).to.include({ region: coordinates.region, namespace: coordinates.namespace, metricName: coordinates.metricName, value: 0 });
        expect((point as { dimensions: unknown }).dimensions).to.deep.equal(coordinates.dimensions.secondary);
    });

    it("knows from the world whether the dns stack's alarm watches the metric: absent after a destroy, unknown without a world", async function () {
        const worldDir = path.join(dir, "world");
        const world = new World(worldDir);
        const settings = fenceAlarmSettings();
        world.put({
            urn: "urn:pulumi:dns::p::aws:cloudwatch/metricAlarm:MetricAlarm::primary-fence",
            type: "aws:cloudwatch/metricAlarm:MetricAlarm",
            region: coordinates.region,
            id: "primary-fence",
            facts: { name: "primary-fence", namespace: coordinates.namespace, metricName: coordinates.metricName, dimensions: reordered.dimensions.primary, ...settings },
        });
        expect(await client(worldDir).read!("primary", coordinates)).to.deep.equal({ state: "unfenced", alarm: "present" });
        expect(await client(worldDir).read!("secondary", coordinates)).to.deep.equal({ state: "unfenced", alarm: "absent" });
        expect(await client().read!("secondary", coordinates)).to.deep.equal({ state: "unfenced", alarm: "unknown" });
        world.remove("urn:pulumi:dns::p::aws:cloudwatch/metricAlarm:MetricAlarm::primary-fence", "primary-fence");
        await client().fence("primary", coordinates);
        // Datapoints with no alarm fence nothing.
        expect(await client(worldDir).read!("primary", coordinates)).to.deep.equal({ state: "unfenced", alarm: "absent" });
    });

    it("reads the first format (one datapoint per metric) so an existing lab keeps its fence", async function () {
        fs.writeFileSync(file(), JSON.stringify({ k: { region: coordinates.region, namespace: coordinates.namespace, metricName: coordinates.metricName, dimensions: reordered.dimensions.primary, value: 0, at: new Date(clock - 120_000).toISOString() } }));
        expect(await client().state!("primary", coordinates)).to.equal("fenced");
    });
});
