import { expect } from "chai";
import { ConfigEntry, ConfigReader } from "../../stacks/config/source";
import { parseRegionalConfig } from "../../stacks/config/regional";
import { loadDnsConfig } from "../../stacks/config/dns";
import { baseConfig } from "./dns-harness";
import { primaryConfig } from "./regional-harness";

// Every range a config loader checks, at its edges on both sides: min−1 refused, min accepted,
// max accepted, max+1 refused. A range moved by one (zones ≥ 2 → ≥ 1, a port ≤ 65535 → ≤ 65536)
// passes every test that uses far-out values; these fail it.

/** A config as `getAllConfig` returns it: namespaced keys, objects as JSON text. */
function entries(config: Record<string, unknown>): Record<string, ConfigEntry> {
    // `undefined` removes a key, as in the harnesses.
    return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined).map(([k, v]) => [`sftp-failover:${k}`, { value: typeof v === "string" ? v : JSON.stringify(v) }]));
}

const regional = (overrides: Record<string, unknown>) => () => parseRegionalConfig(ConfigReader.fromEntries(entries({ ...primaryConfig(), ...overrides })));
const dns = (overrides: Record<string, unknown>) => () => loadDnsConfig(ConfigReader.fromEntries(entries({ ...baseConfig, ...overrides })));

interface Range {
    readonly key: string;
    readonly min: number;
    readonly max: number;
    /** The load with the key set to a value. */
    readonly load: (value: number) => () => unknown;
    /** The error names this (the key as the user writes it). */
    readonly names: RegExp;
    /** Whether a fraction inside the range is refused. Defaults to true. */
    readonly integer?: boolean;
}

const ranges: readonly Range[] = [
    { key: "listenerPort", min: 1, max: 65535, load: (v) => regional({ listenerPort: v }), names: /sftp-failover:listenerPort/ },
    { key: "noncurrentVersionDays", min: 1, max: 3650, load: (v) => regional({ noncurrentVersionDays: v }), names: /sftp-failover:noncurrentVersionDays/ },
    {
        key: "network.availabilityZoneCount",
        min: 2,
        max: 6,
        load: (v) => regional({ network: { vpcCidr: "10.40.0.0/16", availabilityZoneCount: v } }),
        names: /sftp-failover:network\.availabilityZoneCount/,
    },
    {
        key: "activeActiveWeights.primary",
        min: 0,
        max: 255,
        load: (v) => dns({ posture: "active-active", activeActiveWeights: { primary: v, secondary: 10 } }),
        names: /activeActiveWeights\.primary must be an integer 0–255/,
    },
    {
        key: "activeActiveWeights.secondary",
        min: 0,
        max: 255,
        load: (v) => dns({ posture: "active-active", activeActiveWeights: { primary: 10, secondary: v } }),
        names: /activeActiveWeights\.secondary must be an integer 0–255/,
    },
    { key: "healthCheckFailureThreshold", min: 1, max: 10, load: (v) => dns({ healthCheckFailureThreshold: v }), names: /sftp-failover:healthCheckFailureThreshold/ },
    { key: "ttl", min: 0, max: 60, load: (v) => dns({ ttl: v }), names: /sftp-failover:ttl/ },
    // The capacity's sizes are checked each on its own before their order (min ≤ desired ≤ max).
    { key: "capacity.min", min: 0, max: 1000, load: (v) => regional({ capacity: { min: v, desired: 1000, max: 1000, pilotLight: 1 } }), names: /sftp-failover:capacity\.min must be an integer 0–1000/ },
    { key: "capacity.desired", min: 0, max: 1000, load: (v) => regional({ capacity: { min: 0, desired: v, max: 1000, pilotLight: 1 } }), names: /sftp-failover:capacity\.desired must be an integer 0–1000/ },
    { key: "capacity.max", min: 1, max: 1000, load: (v) => regional({ capacity: { min: 0, desired: 0, max: v, pilotLight: 0 } }), names: /sftp-failover:capacity\.max must be/ },
    { key: "capacity.pilotLight", min: 0, max: 1000, load: (v) => regional({ capacity: { min: 0, desired: 0, max: 1000, pilotLight: v } }), names: /sftp-failover:capacity\.pilotLight must be an integer 0–1000/ },
    { key: "warmPool.minSize", min: 0, max: 1000, load: (v) => regional({ warmPool: { minSize: v } }), names: /sftp-failover:warmPool\.minSize must be an integer 0–1000/ },
    { key: "warmPool.maxGroupPreparedCapacity", min: 0, max: 1000, load: (v) => regional({ warmPool: { minSize: 0, maxGroupPreparedCapacity: v } }), names: /sftp-failover:warmPool\.maxGroupPreparedCapacity must be an integer 0–1000/ },
    { key: "drainTimeoutSeconds", min: 0, max: 3600, load: (v) => regional({ drainTimeoutSeconds: v }), names: /sftp-failover:drainTimeoutSeconds/ },
    { key: "network.vpcCidr (prefix length)", min: 16, max: 24, load: (v) => regional({ network: { vpcCidr: `10.40.0.0/${v}` } }), names: /sftp-failover:network\.vpcCidr must be an IPv4 CIDR from \/16 to \/24/, integer: false },
    { key: "tags (key length)", min: 1, max: 128, load: (v) => regional({ tags: { ["k".repeat(v)]: "v" } }), names: /sftp-failover:tags.* must be 1–128 characters/, integer: false },
    { key: "primaryEndpoint.port", min: 1, max: 65535, load: (v) => dns({ primaryStack: undefined, primaryEndpoint: { dnsName: "nlb.example.net", zoneId: "Z1", port: v } }), names: /sftp-failover:primaryEndpoint\.port must be an integer 1–65535/ },
    { key: "secondaryEndpoint.port", min: 1, max: 65535, load: (v) => dns({ secondaryStack: undefined, secondaryEndpoint: { dnsName: "nlb.example.net", zoneId: "Z1", port: v } }), names: /sftp-failover:secondaryEndpoint\.port must be an integer 1–65535/ },
    { key: "primaryStack (length)", min: 1, max: 300, load: (v) => dns({ primaryStack: "p".repeat(v) }), names: /sftp-failover:primaryStack must/, integer: false },
    { key: "alarmReplicationLatencySeconds", min: 1, max: 86400, load: (v) => dns({ alarmReplicationLatencySeconds: v }), names: /sftp-failover:alarmReplicationLatencySeconds must be an integer of seconds 1–86400/ },
    { key: "fenceNamespace (length)", min: 1, max: 255, load: (v) => dns({ fenceNamespace: "n".repeat(v) }), names: /sftp-failover:fenceNamespace must be 1–255/, integer: false },
    { key: "fenceMetricName (length)", min: 1, max: 255, load: (v) => dns({ fenceMetricName: "m".repeat(v) }), names: /sftp-failover:fenceMetricName must be 1–255/, integer: false },
    // A host name of n characters: labels of 63 joined by dots, the last one shorter.
    { key: "recordName (length)", min: 1, max: 253, load: (v) => dns({ recordName: Array.from({ length: v }, (_, k) => (k % 64 === 63 ? "." : "a")).join("") }), names: /sftp-failover:recordName (must not be empty|.* is not a host name: it is 254 characters long)/, integer: false },
    { key: "recordName (label length)", min: 1, max: 63, load: (v) => dns({ recordName: `${"a".repeat(v)}.example.com` }), names: /sftp-failover:recordName .* is not a host name: it (has an empty label|has a label of 64 characters)/, integer: false },
];

describe("config ranges at their edges", () => {
    for (const r of ranges) {
        describe(r.key, () => {
            it(`accepts ${r.min} and ${r.max}`, () => {
                expect(r.load(r.min)).not.to.throw();
                expect(r.load(r.max)).not.to.throw();
            });

            it(`refuses ${r.min - 1} and ${r.max + 1}, naming the key`, () => {
                expect(r.load(r.min - 1)).to.throw(r.names);
                expect(r.load(r.max + 1)).to.throw(r.names);
            });

            if (r.integer ?? true) {
                it(`refuses a fraction inside the range (${r.min + 0.5})`, () => {
                    expect(r.load(r.min + 0.5)).to.throw(r.names);
                });
            }
        });
    }

    it("healthCheckInterval takes exactly 10 or 30 (9, 11, 29 and 31 are refused)", () => {
        for (const ok of [10, 30]) {
            expect(dns({ healthCheckInterval: ok })).not.to.throw();
        }
        for (const bad of [9, 11, 29, 31]) {
            expect(dns({ healthCheckInterval: bad })).to.throw(/sftp-failover:healthCheckInterval must be 10 or 30 seconds/);
        }
    });

    it("a tag value holds 256 characters, not 257 (AWS's limit on every tag)", () => {
        expect(regional({ tags: { team: "v".repeat(256) } })).not.to.throw();
        expect(regional({ tags: { team: "v".repeat(257) } })).to.throw(/sftp-failover:tags\.team is 257 characters; a tag value holds at most 256/);
    });

    it("a ttl above 60 is accepted only with allowLongTtl", () => {
        expect(dns({ ttl: 61, allowLongTtl: true })).not.to.throw();
    });

    it("capacity: pilotLight may equal max, not exceed it; min may equal desired, not exceed it", () => {
        expect(regional({ capacity: { min: 2, desired: 2, max: 4, pilotLight: 4 } })).not.to.throw();
        expect(regional({ capacity: { min: 2, desired: 2, max: 4, pilotLight: 5 } })).to.throw(/sftp-failover:capacity\.pilotLight must not exceed/);
        expect(regional({ capacity: { min: 3, desired: 3, max: 4, pilotLight: 1 } })).not.to.throw();
        expect(regional({ capacity: { min: 4, desired: 3, max: 4, pilotLight: 1 } })).to.throw(/sftp-failover:capacity must satisfy min ≤ desired ≤ max/);
        expect(regional({ capacity: { min: 2, desired: 4, max: 4, pilotLight: 1 } })).not.to.throw();
        expect(regional({ capacity: { min: 2, desired: 5, max: 4, pilotLight: 1 } })).to.throw(/sftp-failover:capacity must satisfy min ≤ desired ≤ max/);
    });
});
