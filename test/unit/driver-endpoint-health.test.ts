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
        expect(partial.regions.secondary).to.deep.equal({ health: "unknown", reasons: ["no world to read"] });
        expect(partial.failsOpen).to.equal(false);
        const undeployed = await readEndpointHealth(source, { primary: outputs("us-east-1"), secondary: {} });
        expect(undeployed.regions.secondary.health).to.equal("unknown");
    });
});
