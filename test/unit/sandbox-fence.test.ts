import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { fenceCoordinates } from "../../components/dns-fence-coordinates";
import { sandboxFenceClient } from "../../sandbox/fence";

describe("sandbox fence client", function () {
    const coordinates = fenceCoordinates({ service: "sftp.sandbox.example.com" });
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-fence-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads unfenced before any datapoint (a health check that never failed is healthy), then fenced and unfenced per region", async function () {
        const file = path.join(dir, "fence.json");
        const client = sandboxFenceClient(file);
        expect(await client.state!("primary", coordinates)).to.equal("unfenced");
        await client.fence("primary", coordinates);
        expect(await client.state!("primary", coordinates)).to.equal("fenced");
        expect(await client.state!("secondary", coordinates)).to.equal("unfenced");
        await client.unfence("primary", coordinates);
        expect(await client.state!("primary", coordinates)).to.equal("unfenced");
    });

    it("records the datapoint PutMetricData would have published: fence region, namespace, metric, dimensions", async function () {
        const file = path.join(dir, "fence.json");
        await sandboxFenceClient(file).fence("secondary", coordinates);
        const [point] = Object.values(JSON.parse(fs.readFileSync(file, "utf8")));
        expect(point).to.include({ region: coordinates.region, namespace: coordinates.namespace, metricName: coordinates.metricName, value: 0 });
        expect((point as { dimensions: unknown }).dimensions).to.deep.equal(coordinates.dimensions.secondary);
    });
});
