import { expect } from "chai";
import { EndpointHealthSource, readEndpointHealth, RegionEndpoint } from "../../automation/driver/endpoint-health";

const outputs = (awsRegion: string) => ({ region: awsRegion, endpointDnsName: `gw.elb.${awsRegion}.amazonaws.com`, endpointPort: 22 });

describe("driver endpoint health", () => {
    it("asks the source about each region's exported endpoint and says Route 53 fails open when every check is unhealthy", async () => {
        const asked: RegionEndpoint[] = [];
        const source: EndpointHealthSource = {
            async endpointHealth(endpoint) {
                asked.push(endpoint);
                return { health: "unhealthy", reasons: ["checkers cannot reach it"] };
            },
        };
        const result = await readEndpointHealth(source, { primary: outputs("us-east-1"), secondary: outputs("us-west-2") });
        expect(asked).to.deep.equal([
            { region: "primary", awsRegion: "us-east-1", dnsName: "gw.elb.us-east-1.amazonaws.com", port: 22 },
            { region: "secondary", awsRegion: "us-west-2", dnsName: "gw.elb.us-west-2.amazonaws.com", port: 22 },
        ]);
        expect(result.failsOpen).to.equal(true);
    });

    it("reports unknown (not unhealthy) for a region without an endpoint or a failing source, so it never claims fail-open it cannot know", async () => {
        const source: EndpointHealthSource = {
            async endpointHealth(endpoint) {
                if (endpoint.region === "secondary") {
                    throw new Error("no world to read");
                }
                return { health: "unhealthy", reasons: [] };
            },
        };
        const partial = await readEndpointHealth(source, { primary: outputs("us-east-1"), secondary: outputs("us-west-2") });
        expect(partial.regions.secondary).to.include({ health: "unknown", source: "endpoint-health source" });
        expect(partial.regions.secondary.reasons).to.deep.equal(["no world to read"]);
        expect(Number.isNaN(Date.parse(partial.regions.secondary.observedAt))).to.equal(false);
        expect(partial.failsOpen).to.equal(false);
        const undeployed = await readEndpointHealth(source, { primary: outputs("us-east-1"), secondary: {} });
        expect(undeployed.regions.secondary.health).to.equal("unknown");
    });

    it("gives the source each region's health check ids and fence from the dns stack, and keeps a source's own name and time", async () => {
        const asked: RegionEndpoint[] = [];
        const source: EndpointHealthSource = {
            name: "test source",
            async endpointHealth(endpoint) {
                asked.push(endpoint);
                return { health: "healthy", reasons: [], source: `checker ${endpoint.healthCheckIds?.endpoint}`, observedAt: "2026-01-02T03:04:05.000Z" };
            },
        };
        const ids = (region: string) => ({ endpoint: `${region}-endpoint`, fence: `${region}-fence`, combined: `${region}-combined` });
        const fence = { region: "us-east-2", namespace: "SftpFailover/Fence", metricName: "RegionEnabled", dimensions: { primary: { RegionName: "primary" }, secondary: { RegionName: "secondary" } } };
        const dns = { healthCheckIds: { primary: ids("p"), secondary: ids("s") }, fence };
        const result = await readEndpointHealth(source, { primary: outputs("us-east-1"), secondary: outputs("us-west-2"), dns });
        expect(asked.map((e) => e.healthCheckIds)).to.deep.equal([ids("p"), ids("s")]);
        expect(asked[1].fence).to.deep.equal(fence);
        expect(result.regions.secondary).to.include({ source: "checker s-endpoint", observedAt: "2026-01-02T03:04:05.000Z" });
        const malformed = await readEndpointHealth(source, { primary: outputs("us-east-1"), secondary: outputs("us-west-2"), dns: { healthCheckIds: { primary: ids("p"), secondary: { endpoint: 7 } } } });
        expect(malformed.regions.primary.health).to.equal("healthy");
        expect(asked.slice(2).map((e) => e.healthCheckIds)).to.deep.equal([undefined, undefined]);
    });
});
