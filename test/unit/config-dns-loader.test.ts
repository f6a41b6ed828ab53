import { expect } from "chai";
import { InvalidPostureError } from "../../foundation/posture";
import { loadDnsConfig } from "../../stacks/config/dns";
import { ConfigReader } from "../../stacks/config/source";
import { checkNameTextDeep } from "../../stacks/config/text";
import { baseConfig } from "./dns-harness";

// The dns stack's loader (stacks/config/dns.ts), decision by decision: what each key gives when set,
// what it defaults to when not, and each refusal in its exact words, naming the key (and the field).
// The program and the driver's preflight both run this loader, so a refusal here is a switch that
// stops before its first step. Pure: no mocks, no engine.

/** Loads the dns stack's config: baseConfig with `overrides` (`undefined` removes a key), as `getAllConfig()` gives it. */
function load(overrides: Record<string, unknown> = {}) {
    const given = Object.entries({ ...baseConfig, ...overrides }).filter(([, value]) => value !== undefined);
    return loadDnsConfig(ConfigReader.fromEntries(Object.fromEntries(given.map(([key, value]) => [`sftp-failover:${key}`, { value: typeof value === "string" ? value : JSON.stringify(value) }]))));
}

/** The loader's refusal of `overrides`: its one line, whole. */
function refusal(overrides: Record<string, unknown>): string {
    let thrown: unknown;
    try {
        load(overrides);
    } catch (err) {
        thrown = err;
    }
    expect(thrown, "a refusal").to.be.instanceOf(Error);
    const message = (thrown as Error).message;
    expect(message.split("\n"), "one line").to.have.length(1);
    return message;
}

/** Both regions as explicit endpoints (alias records: each has a zone id), with `primary` and `secondary` merged into them. */
function endpoints(primary: Record<string, unknown> = {}, secondary: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        primaryStack: undefined,
        secondaryStack: undefined,
        primaryEndpoint: { dnsName: "nlb-a.example.net", zoneId: "Z1", port: 22, ...primary },
        secondaryEndpoint: { dnsName: "nlb-b.example.net", zoneId: "Z2", port: 22, ...secondary },
    };
}

const invisible = "must not contain control or format characters (Unicode Cc, Cf): it has";

describe("the dns stack's config loader", () => {
    describe("defaults", () => {
        it("a config of a record name, a zone id and two regional stacks loads with every default", () => {
            expect(load()).to.deep.equal({
                posture: "active-passive",
                spec: { posture: "active-passive", weights: { primary: 100, secondary: 0 }, capacity: { primary: "active", secondary: "pilot-light" } },
                endpoints: {
                    primary: { kind: "stack", stackName: "organization/sftp-failover/primary" },
                    secondary: { kind: "stack", stackName: "organization/sftp-failover/secondary" },
                },
                zone: { zoneId: "Z0EXAMPLE" },
                recordName: "sftp.example.com",
                additionalRecordNames: [],
                dualStack: false,
                ttl: 60,
                allowLongTtl: false,
                healthCheck: { requestInterval: 10, failureThreshold: 3 },
                fence: { region: "us-east-2", namespace: "SftpFailover/Fence", metricName: "RegionEnabled" },
                routingControls: false,
                alarms: { enabled: true, subscriptions: [], replicationLatencySeconds: 900 },
            });
        });

        it("each switch that defaults to off or on takes the value given", () => {
            const loaded = load({ routingControls: "true", alarms: "false", allowLongTtl: "true", ttl: 61 });
            expect(loaded.routingControls).to.equal(true);
            expect(loaded.alarms.enabled).to.equal(false);
            expect(loaded.allowLongTtl).to.equal(true);
            expect(loaded.ttl).to.equal(61);
            expect(load({ routingControls: "false" }).routingControls).to.equal(false);
        });
    });

    describe("posture and active-active weights", () => {
        it("an unknown posture is refused as an InvalidPostureError naming the key and the valid postures", () => {
            expect(() => load({ posture: "hot" }))
                .to.throw(InvalidPostureError)
                .with.property("message", 'sftp-failover:posture: unknown posture "hot" (valid: active-active, active-passive, failover)');
        });

        it("active-active takes the configured weights, given as numbers or as text that is wholly a number", () => {
            expect(load({ posture: "active-active", activeActiveWeights: { primary: "70", secondary: 30 } }).spec.weights).to.deep.equal({ primary: 70, secondary: 30 });
        });

        it("weights that parse to something other than a map are refused, showing what they are", () => {
            const key = "sftp-failover:activeActiveWeights";
            expect(refusal({ activeActiveWeights: "70" })).to.equal(`${key} must be an object { primary, secondary } (got 70)`);
            expect(refusal({ activeActiveWeights: "null" })).to.equal(`${key} must be an object { primary, secondary } (got null)`);
            expect(refusal({ activeActiveWeights: [70, 30] })).to.equal(`${key} must be an object { primary, secondary } (got [70,30])`);
        });

        it("weights with a key besides primary and secondary are refused, listing every unknown key", () => {
            expect(refusal({ activeActiveWeights: { primary: 70, secondary: 30, tertiary: 1, Primary: 2 } })).to.equal(
                "sftp-failover:activeActiveWeights has unknown keys tertiary, Primary (valid: primary, secondary)",
            );
        });
    });

    describe("TTL", () => {
        it("a TTL above 60 without allowLongTtl is refused, naming both keys", () => {
            expect(refusal({ ttl: 61 })).to.equal(
                "sftp-failover:ttl 61 is above 60 s on health-checked records (AWS recommends ≤ 60); set sftp-failover:allowLongTtl to true to accept the slower failover",
            );
        });
    });

    describe("record name and hosted zone", () => {
        it("a record name of spaces alone is refused as empty", () => {
            expect(refusal({ recordName: "   " })).to.equal("sftp-failover:recordName must not be empty");
        });

        it("a zone given both by id and by name is refused; a zone given by neither is refused", () => {
            expect(refusal({ zoneName: "example.com" })).to.equal("sftp-failover:zoneId and sftp-failover:zoneName are both set; give one");
            expect(refusal({ zoneId: undefined })).to.equal("sftp-failover:zoneId or sftp-failover:zoneName is required (the existing hosted zone of the service record)");
        });

        it("a zone by name is looked up as public unless privateZone is true", () => {
            expect(load({ zoneId: undefined, zoneName: "example.com" }).zone).to.deep.equal({ zoneName: "example.com", privateZone: false });
            expect(load({ zoneId: undefined, zoneName: "example.com", privateZone: "true" }).zone).to.deep.equal({ zoneName: "example.com", privateZone: true });
        });

        it("a zone name that is not a DNS name is refused, saying why", () => {
            expect(refusal({ zoneId: undefined, zoneName: "example..com" })).to.equal(
                'sftp-failover:zoneName "example..com" is not a DNS name: it has an empty label (a leading dot, or two dots in a row)',
            );
        });
    });

    describe("a region's regional stack", () => {
        it("a stack and an explicit endpoint for one region are refused: give one", () => {
            expect(refusal({ primaryEndpoint: { dnsName: "nlb-a.example.net", zoneId: "Z1", port: 22 } })).to.equal(
                "sftp-failover:primaryStack and sftp-failover:primaryEndpoint are both set; give one",
            );
        });

        it("a region with neither is refused, saying what to give", () => {
            expect(refusal({ secondaryStack: undefined })).to.equal(
                "sftp-failover:secondaryStack is required (a regional stack, e.g. organization/sftp-failover/secondary), or sftp-failover:secondaryEndpoint { dnsName, zoneId, port }",
            );
        });

        it("a stack name of spaces alone is refused as empty", () => {
            expect(refusal({ primaryStack: "  " })).to.equal("sftp-failover:primaryStack must not be empty");
        });

        it("a stack name of up to three parts is taken; four parts, or a character outside a part, anywhere in it, are refused", () => {
            expect(load({ secondaryStack: "secondary" }).endpoints.secondary).to.deep.equal({ kind: "stack", stackName: "secondary" });
            const wrong = (name: string) =>
                `sftp-failover:primaryStack must be a stack name like organization/sftp-failover/primary: parts of letters, digits, "-", "_" or "." (got ${JSON.stringify(name)})`;
            for (const name of ["acme/sftp-failover/primary/extra", "acme/sftp failover", "acme/sftp-failover/primary!", "!acme/sftp-failover/primary"]) {
                expect(refusal({ primaryStack: name }), name).to.equal(wrong(name));
            }
        });
    });

    describe("a region's explicit endpoint", () => {
        const key = "sftp-failover:primaryEndpoint";

        it("is taken with only the fields given: zone id, region and address type are left out when absent", () => {
            const loaded = load(endpoints({ zoneId: undefined, port: "2222" }, { zoneId: undefined }));
            expect(loaded.endpoints.primary).to.deep.equal({ kind: "endpoint", dnsName: "nlb-a.example.net", port: 2222 });
            const full = load(endpoints({ region: "eu-west-1", ipAddressType: "ipv4" }));
            expect(full.endpoints.primary).to.deep.equal({ kind: "endpoint", dnsName: "nlb-a.example.net", zoneId: "Z1", port: 22, region: "eu-west-1", ipAddressType: "ipv4" });
        });

        it("a value that is not a map is refused, showing what it is", () => {
            for (const [value, shown] of [["22", "22"], ["null", "null"], [["nlb-a.example.net", 22], '["nlb-a.example.net",22]'], [JSON.stringify("nlb-a.example.net"), '"nlb-a.example.net"']]) {
                expect(refusal({ primaryStack: undefined, primaryEndpoint: value }), shown as string).to.equal(`${key} must be an object { dnsName, zoneId, port, region } (got ${shown as string})`);
            }
        });

        it("an address type other than ipv4 or dualstack is refused", () => {
            expect(refusal(endpoints({ ipAddressType: "ipv6" }))).to.equal(`${key}.ipAddressType must be "ipv4" or "dualstack" (got "ipv6")`);
        });

        it("a DNS name that is absent, empty or not text is refused; one that is no host name is refused, saying why", () => {
            expect(refusal(endpoints({ dnsName: undefined }))).to.equal(`${key}.dnsName must be a non-empty string (got undefined)`);
            expect(refusal(endpoints({ dnsName: "" }))).to.equal(`${key}.dnsName must be a non-empty string (got "")`);
            expect(refusal(endpoints({ dnsName: 42 }))).to.equal(`${key}.dnsName must be a non-empty string (got 42)`);
            expect(refusal(endpoints({ dnsName: "nlb..example.net" }))).to.equal(`${key}.dnsName "nlb..example.net" is not a host name: it has an empty label (a leading dot, or two dots in a row)`);
        });

        it("a zone id or a region given empty or as something other than text is refused", () => {
            expect(refusal(endpoints({ zoneId: "" }))).to.equal(`${key}.zoneId must be a non-empty string when given (got "")`);
            expect(refusal(endpoints({ zoneId: 7 }))).to.equal(`${key}.zoneId must be a non-empty string when given (got 7)`);
            expect(refusal(endpoints({ region: "" }))).to.equal(`${key}.region must be a non-empty string when given (got "")`);
            expect(refusal(endpoints({ region: 7 }))).to.equal(`${key}.region must be a non-empty string when given (got 7)`);
        });

        it("a port that is text but no number is refused, showing it", () => {
            expect(refusal(endpoints({ port: "ssh" }))).to.equal(`${key}.port must be an integer 1–65535 (got "ssh")`);
        });
    });

    describe("the two regions' record kinds", () => {
        it("a regional stack beside an explicit endpoint without a zone id is refused (alias beside CNAME), naming both keys", () => {
            expect(refusal({ secondaryStack: undefined, secondaryEndpoint: { dnsName: "nlb-b.example.net", port: 22 } })).to.equal(
                "sftp-failover:primaryEndpoint and sftp-failover:secondaryEndpoint: endpoints: both regions need a zoneId (alias records) or neither (CNAME records); Route 53 cannot mix them under one name",
            );
        });

        it("a regional stack beside an explicit endpoint with a zone id is taken (alias records both)", () => {
            expect(load({ secondaryStack: undefined, secondaryEndpoint: { dnsName: "nlb-b.example.net", zoneId: "Z2", port: 22 } }).endpoints.secondary.kind).to.equal("endpoint");
        });
    });

    describe("dual stack", () => {
        it("is refused for a regional stack's IPv4-only load balancer, naming the region and the stack", () => {
            expect(refusal({ dualStack: "true" })).to.equal(
                "sftp-failover:dualStack is true, but the primary endpoint comes from stack organization/sftp-failover/primary, whose load balancer is IPv4-only: AAAA records would publish no address (set dualStack: false)",
            );
            expect(refusal({ dualStack: "true", ...endpoints({ ipAddressType: "dualstack" }), secondaryEndpoint: undefined, secondaryStack: "organization/sftp-failover/secondary" })).to.equal(
                "sftp-failover:dualStack is true, but the secondary endpoint comes from stack organization/sftp-failover/secondary, whose load balancer is IPv4-only: AAAA records would publish no address (set dualStack: false)",
            );
        });

        it("is refused for an explicit endpoint not declared dualstack, whichever region it is", () => {
            expect(refusal({ dualStack: "true", ...endpoints({}, { ipAddressType: "dualstack" }) })).to.equal(
                'sftp-failover:dualStack is true, but sftp-failover:primaryEndpoint.ipAddressType is not "dualstack": AAAA records would publish no address',
            );
            expect(refusal({ dualStack: "true", ...endpoints({ ipAddressType: "dualstack" }, { ipAddressType: "ipv4" }) })).to.equal(
                'sftp-failover:dualStack is true, but sftp-failover:secondaryEndpoint.ipAddressType is not "dualstack": AAAA records would publish no address',
            );
        });

        it("is taken when both explicit endpoints are dualstack, and is off unless set", () => {
            const both = endpoints({ ipAddressType: "dualstack" }, { ipAddressType: "dualstack" });
            expect(load({ dualStack: "true", ...both }).dualStack).to.equal(true);
            expect(load(both).dualStack).to.equal(false);
            expect(load({ dualStack: "false", ...both }).dualStack).to.equal(false);
        });
    });

    describe("the fence region", () => {
        it("is refused when it is an explicit endpoint's region, naming the key and the region", () => {
            expect(refusal(endpoints({ region: "us-east-2" }))).to.equal(
                'sftp-failover:fenceRegion "us-east-2" is also the primary region: the fence must live outside both serving regions so that a failing region can still be fenced',
            );
            expect(refusal({ fenceRegion: "eu-west-1", ...endpoints({ region: "us-east-1" }, { region: "eu-west-1" }) })).to.equal(
                'sftp-failover:fenceRegion "eu-west-1" is also the secondary region: the fence must live outside both serving regions so that a failing region can still be fenced',
            );
        });

        it("is taken beside explicit endpoints in other regions, and beside endpoints that name no region", () => {
            expect(load({ fenceRegion: "us-east-2", ...endpoints({ region: "us-east-1" }, { region: "us-west-2" }) }).fence.region).to.equal("us-east-2");
            expect(load({ fenceRegion: "us-east-2", ...endpoints() }).fence.region).to.equal("us-east-2");
        });
    });

    describe("alarms", () => {
        it("subscriptions given as a word instead of a list are refused, with an example of a subscription list", () => {
            expect(refusal({ alarmSubscriptions: "oncall@example.com" })).to.equal(
                'sftp-failover:alarmSubscriptions must be a YAML list, e.g. [{ protocol: email, endpoint: oncall@example.com }] (got "oncall@example.com"): write it in the stack file, or set each item with `pulumi config set --path \'sftp-failover:alarmSubscriptions[0]\' …`',
            );
        });
    });

    describe("control and format characters inside structured values are refused at their path (stacks/config/text.ts)", () => {
        it("in a list's item, naming its index", () => {
            expect(refusal({ additionalRecordNames: ["files", "up\u200bload"] })).to.equal(`sftp-failover:additionalRecordNames[1] ${invisible} U+200B at character 3`);
        });

        it("in a map's field, naming the field, and in a map inside a list", () => {
            expect(refusal(endpoints({ dnsName: "nlb\u202e.example.net" }))).to.equal(`sftp-failover:primaryEndpoint.dnsName ${invisible} U+202E at character 4`);
            expect(refusal({ alarmSubscriptions: [{ protocol: "email", endpoint: "oncall\u0007@example.com" }] })).to.equal(`sftp-failover:alarmSubscriptions[0].endpoint ${invisible} U+0007 at character 7`);
        });

        it("in a map's key, naming the map's key as the place", () => {
            expect(refusal({ activeActiveWeights: { "prim\u200bary": 50, secondary: 50 } })).to.equal(`sftp-failover:activeActiveWeights key ${invisible} U+200B at character 5`);
        });

        it("positions count characters, not UTF-16 units, and a code point beyond four hex digits is shown whole", () => {
            expect(refusal({ recordName: "\u{1F600}\u{E0001}.example.com" })).to.equal(`sftp-failover:recordName ${invisible} U+E0001 at character 2`);
        });

        it("a null or a number inside a structured value passes the check, left to the loader's own refusal", () => {
            expect(refusal(endpoints({ zoneId: null }))).to.equal("sftp-failover:primaryEndpoint.zoneId must be a non-empty string when given (got null)");
            expect(load(endpoints({ port: 2222 })).endpoints.primary).to.include({ port: 2222 });
        });

        it("a value a structure leaves out (undefined), a number and a boolean hold no text: nothing to refuse", () => {
            for (const value of [undefined, 0, 22, true, false, [undefined, 1, true], { absent: undefined, on: true }]) {
                expect(() => checkNameTextDeep("sftp-failover:example", value), JSON.stringify(value)).not.to.throw();
            }
            expect(() => checkNameTextDeep("sftp-failover:example", { absent: undefined, name: "a\u200b" })).to.throw(`sftp-failover:example.name ${invisible} U+200B at character 2`);
        });
    });
});
