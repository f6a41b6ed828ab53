import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import * as YAML from "yaml";
import { checkStackConfigs } from "../../automation/driver/preflight";
import { ConfigEntry } from "../../stacks/config/source";
import { fixtureHostKeys, fixtures } from "./regional-harness";

// `pulumi config set` stores text: a top-level key always (`pulumi config set sftp-failover:ttl 60`
// writes "60"), and a field set with --path unless it is an integer or true/false (or with
// --type string). The loaders accept what Pulumi's own config.requireNumber/requireBoolean accept —
// text that is a number or true/false — and still refuse anything else, naming the key.

const root = path.resolve(__dirname, "..", "..");
const names = { primary: "primary", secondary: "secondary", dns: "dns" };

/** Every scalar as text, nested ones included: the stack file after `pulumi config set` of every value. */
function asText(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(asText);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asText(v)]));
    }
    return String(value);
}

/** What getAllConfig returns for a stack file's config (objects as JSON text). */
function entriesOf(config: Record<string, unknown>): Record<string, ConfigEntry> {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: typeof v === "string" ? v : JSON.stringify(v) }]));
}

function stackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const config = (YAML.parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
    const regional = stack === "dns" ? {} : { "sftp-failover:hostKeys": fixtureHostKeys(), "sftp-failover:usersFile": path.join(fixtures, "users.yaml") };
    return { ...config, ...regional, ...overrides };
}

function check(overrides: Partial<Record<"primary" | "secondary" | "dns", Record<string, unknown>>>, transform: (v: unknown) => unknown = (v) => v) {
    const configs = {
        primary: entriesOf(transform(stackConfig("primary", overrides.primary)) as Record<string, unknown>),
        secondary: entriesOf(transform(stackConfig("secondary", overrides.secondary)) as Record<string, unknown>),
        dns: entriesOf(transform(stackConfig("dns", overrides.dns)) as Record<string, unknown>),
    };
    return checkStackConfigs(names, configs, root);
}

describe("config typing: values as `pulumi config set` stores them", () => {
    it("the sample stack files with every number and boolean stored as text load to the same values", () => {
        const typed = check({});
        const text = check({}, asText);
        expect(text).to.deep.equal(typed);
        expect(text.regional.primary.capacity).to.deep.equal({ min: 2, desired: 2, max: 4, pilotLight: 1 });
        expect(text.dns.ttl).to.equal(60);
        expect(text.dns.routingControls).to.equal(false);
    });

    it("numeric text inside objects is read as a number: capacity, network, active-active weights", () => {
        const facts = check({
            primary: { "sftp-failover:capacity": { min: "1", desired: "3", max: "5", pilotLight: "1" }, "sftp-failover:network": { vpcCidr: "10.40.0.0/16", availabilityZoneCount: "3", flowLogRetentionDays: "30" } },
            dns: { "sftp-failover:posture": "active-active", "sftp-failover:activeActiveWeights": { primary: "70", secondary: "30" } },
        });
        expect(facts.regional.primary.capacity).to.deep.equal({ min: 1, desired: 3, max: 5, pilotLight: 1 });
        expect(facts.regional.primary.network).to.deep.include({ availabilityZoneCount: 3, flowLogRetentionDays: 30 });
        expect(facts.dns.spec.weights).to.deep.equal({ primary: 70, secondary: 30 });
    });

    it("text that is not a number is still refused, naming the file, the key and the value", () => {
        expect(() => check({ dns: { "sftp-failover:ttl": "thirty" } })).to.throw('Pulumi.dns.yaml (stack dns): sftp-failover:ttl must be a number (got "thirty")');
        expect(() => check({ primary: { "sftp-failover:capacity": { min: "two", desired: 2, max: 4, pilotLight: 1 } } })).to.throw(
            "Pulumi.primary.yaml (stack primary): sftp-failover:capacity.min must be an integer 0–1000 (got two)",
        );
        expect(() => check({ dns: { "sftp-failover:posture": "active-active", "sftp-failover:activeActiveWeights": { primary: "seventy", secondary: "30" } } })).to.throw(
            "sftp-failover:activeActiveWeights.primary must be an integer 0–255 (got seventy)",
        );
        expect(() => check({ primary: { "sftp-failover:network": { availabilityZoneCount: "2 zones" } } })).to.throw('sftp-failover:network.availabilityZoneCount must be an integer 2–6 (got "2 zones")');
        expect(() => check({ dns: { "sftp-failover:routingControls": "yes" } })).to.throw('sftp-failover:routingControls must be true or false (got "yes")');
    });
});
