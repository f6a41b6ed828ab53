import { sandboxStandIn } from "../../sandbox/engine";
import { bootArtifactsPrefix } from "../../components/gateway-user-data";
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { bootstrap } from "../../automation/driver/bootstrap";
import { FailoverController } from "../../automation/driver/controller";
import { BadInputError } from "../../automation/driver/errors";
import { checkStackConfigs, StackConfigs } from "../../automation/driver/preflight";
import { StackKey } from "../../automation/driver/planner";
import { checkResource } from "../../sandbox/rules";
import { loadDnsConfig } from "../../stacks/config/dns";
import { parseRegionalConfig } from "../../stacks/config/regional";
import { ConfigEntry, ConfigReader } from "../../stacks/config/source";
import { configKey } from "../../stacks/contract";
import { baseConfig as dnsHarnessConfig, runDns } from "./dns-harness";
import { fixtures, primaryConfig, Registered, runRegional, secondaryConfig } from "./regional-harness";

// Issue 25 (5, 6): every config key of every stack role, as the loaders themselves read them (a
// ConfigReader records each key asked for), is given bad values, and then
//  - a control or format character (Unicode Cc, Cf) in any string of a key that becomes a name is
//    refused by the loader with one line naming the key (and the field), showing U+XXXX;
//  - whatever the loader refuses, the driver's preflight refuses with the same words; and
//  - whatever the program refuses when it runs (under mocks, every resource it declares judged by
//    the sandbox's rules, which refuse as the AWS APIs do), preflight refused before any step.
// The last is the half switch of issue 25: a record name the DNS step's API refused passed preflight.

type Values = Record<string, unknown>;
type Role = "primary" | "secondary" | "dns";

const dnsBase = (): Values => ({ ...dnsHarnessConfig, posture: "active-passive" });
const base: Record<Role, () => Values> = { primary: primaryConfig, secondary: secondaryConfig, dns: dnsBase };
const secretKeys = ["hostKeys", "canaryKey"];
const names: Record<StackKey, string> = { primary: "primary", secondary: "secondary", dns: "dns" };

const kmsKeys = {
    "us-east-1": "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    "us-west-2": "arn:aws:kms:us-west-2:123456789012:key/mrk-0123456789abcdef0123456789abcdef",
};
const kmsSample: Values = { kmsKeyArn: kmsKeys["us-east-1"], peerKmsKeyArn: kmsKeys["us-west-2"] };

/**
 * A value for each key the loaders read that the base configs leave unset, with whatever it needs
 * beside it. Not a list of keys: a key the loaders read without a sample here fails the first test.
 */
const samples: Record<string, Values> = {
    capacityMode: { capacityMode: "active" },
    warmPool: { capacityMode: "pilot-light", warmPool: { minSize: 1, maxGroupPreparedCapacity: 3, reuseOnScaleIn: true } },
    namePrefix: { namePrefix: "acme-sftp" },
    listenerPort: { listenerPort: 2222 },
    allowAnyCidr: { allowAnyCidr: false },
    noncurrentVersionDays: { noncurrentVersionDays: 30 },
    // Key ARNs (IAM matches no alias), each in its bucket's region; the secondary's are swapped in carrier().
    kmsKeyArn: kmsSample,
    peerKmsKeyArn: kmsSample,
    instanceType: { instanceType: "t3.small" },
    amiId: { amiId: "ami-0123456789abcdef0" },
    sftpgoVersion: { sftpgoVersion: "2.6.6" },
    sftpgoPackage: { sftpgoPackage: { key: `${bootArtifactsPrefix}sftpgo-2.6.6.x86_64.rpm`, sha256: "ab".repeat(32) } },
    deletionProtection: { deletionProtection: false },
    healthCheck: { healthCheck: { protocol: "http", port: 10000 } },
    drainTimeoutSeconds: { drainTimeoutSeconds: 300 },
    quiesced: { quiesced: true },
    usersRefreshSeconds: { usersRefreshSeconds: 30 },
    tags: { tags: { team: "data", "cost-center": "cc-42" } },
    sessionManager: { sessionManager: true },
    gatewayBucketAccess: { gatewayBucketAccess: "bucket" },
    network: { network: { vpcCidr: "10.40.0.0/16", availabilityZoneCount: 2, flowLogRetentionDays: 90 } },
    replicationEnabled: { replicationEnabled: true },
    // canaryKey is key material (a PEM private key, read with getSecret): not a name, and not sampled.
    canaryKey: {},
    activeActiveWeights: { posture: "active-active", activeActiveWeights: { primary: 70, secondary: 30 } },
    ttl: { ttl: 30 },
    allowLongTtl: { allowLongTtl: false },
    healthCheckInterval: { healthCheckInterval: 10 },
    healthCheckFailureThreshold: { healthCheckFailureThreshold: 3 },
    zoneName: { zoneId: undefined, zoneName: "example.com", privateZone: false },
    privateZone: { zoneId: undefined, zoneName: "example.com", privateZone: false },
    additionalRecordNames: { additionalRecordNames: ["files", "upload.example.com"] },
    primaryEndpoint: { primaryStack: undefined, secondaryStack: undefined, primaryEndpoint: { dnsName: "a.elb.example.net", zoneId: "Z1", port: 22, region: "eu-west-1", ipAddressType: "ipv4" }, secondaryEndpoint: { dnsName: "b.elb.example.net", zoneId: "Z2", port: 22 } },
    secondaryEndpoint: { primaryStack: undefined, secondaryStack: undefined, primaryEndpoint: { dnsName: "a.elb.example.net", zoneId: "Z1", port: 22 }, secondaryEndpoint: { dnsName: "b.elb.example.net", zoneId: "Z2", port: 22, region: "eu-central-1", ipAddressType: "dualstack" } },
    dualStack: { dualStack: false },
    fenceRegion: { fenceRegion: "eu-west-1" },
    fenceNamespace: { fenceNamespace: "Acme/Failover" },
    fenceMetricName: { fenceMetricName: "RegionEnabled" },
    routingControls: { routingControls: false },
    alarms: { alarms: true },
    alarmSubscriptions: {
        alarmSubscriptions: [
            { protocol: "email", endpoint: "oncall@example.com" },
            { protocol: "https", endpoint: "https://hooks.example.com/services/T0KEN" },
            { protocol: "sqs", endpoint: "arn:aws:sqs:us-east-2:123456789012:on-call" },
        ],
    },
    alarmReplicationLatencySeconds: { alarmReplicationLatencySeconds: 600 },
};

function entriesOf(values: Values): Record<string, ConfigEntry> {
    const out: Record<string, ConfigEntry> = {};
    for (const [k, v] of Object.entries(values)) {
        if (v !== undefined) {
            out[configKey(k)] = { value: typeof v === "string" ? v : JSON.stringify(v), secret: secretKeys.includes(k) };
        }
    }
    return out;
}

function loaderOf(role: Role): (reader: ConfigReader) => unknown {
    return role === "dns" ? (reader) => loadDnsConfig(reader) : (reader) => parseRegionalConfig(reader, { projectDir: fixtures });
}

/** What the loader of a role refuses (its message), and the keys it read. */
function load(role: Role, values: Values): { error?: string; keysRead: string[]; keyMaterial: string[] } {
    const reader = ConfigReader.fromEntries(entriesOf(values));
    try {
        loaderOf(role)(reader);
        return { keysRead: [...reader.keysRead()], keyMaterial: [...reader.keyMaterialKeys()] };
    } catch (err) {
        return { error: (err as Error).message, keysRead: [...reader.keysRead()], keyMaterial: [...reader.keyMaterialKeys()] };
    }
}

/** Preflight's refusal of the three stacks with `role` given `values`, or undefined. */
function preflight(role: Role, values: Values): string | undefined {
    const configs = { primary: entriesOf(primaryConfig()), secondary: entriesOf(secondaryConfig()), dns: entriesOf(dnsBase()), [role]: entriesOf(values) } as StackConfigs;
    try {
        checkStackConfigs(names, configs, fixtures);
        return undefined;
    } catch (err) {
        return (err as Error).message;
    }
}

/** What the program refuses, running under mocks with every declared resource judged by the sandbox's rules. */
async function program(role: Role, values: Values): Promise<string | undefined> {
    let resources: readonly Registered[];
    try {
        if (role === "dns") {
            const removed = Object.fromEntries(Object.keys(dnsHarnessConfig).filter((k) => !(k in values)).map((k) => [k, undefined]));
            resources = (await runDns({ ...removed, ...values })).resources;
        } else {
            resources = (await runRegional(values)).resources;
        }
    } catch (err) {
        return (err as Error).message.split("\n")[0];
    }
    for (const r of resources) {
        const { failures } = checkResource(r.type, r.name, {}, r.inputs, () => "abc1234");
        if (failures.length > 0) {
            return `${r.type} ${r.name}: ${failures[0].reason}`;
        }
    }
    return undefined;
}

/** The config of a role in which `key` is set: the base when it sets the key, else the base with its sample. */
function carrier(role: Role, key: string): Values | undefined {
    const values = base[role]();
    if (values[key] !== undefined) {
        return values;
    }
    if (samples[key] === undefined) {
        return undefined;
    }
    const sample = samples[key] === kmsSample && role === "secondary" ? { kmsKeyArn: kmsKeys["us-west-2"], peerKmsKeyArn: kmsKeys["us-east-1"] } : samples[key];
    return { ...values, ...sample };
}

/** Every key a role's loader reads: over the base, then over each sample, until no new key appears (short names). */
function keysOf(role: Role): string[] {
    const found = new Set<string>();
    let todo = [base[role]()];
    while (todo.length > 0) {
        const next: Values[] = [];
        for (const values of todo) {
            for (const full of load(role, values).keysRead) {
                const key = full.slice(full.indexOf(":") + 1);
                if (!found.has(key)) {
                    found.add(key);
                    const c = carrier(role, key);
                    if (c !== undefined) {
                        next.push(c);
                    }
                }
            }
        }
        todo = next;
    }
    return [...found];
}

/** Every string (or number) inside a value, by its path (`""` for the value itself, `.team`, `[1]`). */
function leaves(value: unknown, at = ""): string[] {
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => leaves(v, `${at}[${i}]`));
    }
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => leaves(v, `${at}.${k}`));
    }
    return typeof value === "string" || typeof value === "number" ? [at] : [];
}

/** The value with the leaf at `at` replaced by `change(leaf as text)`. */
function changed(value: unknown, at: string, change: (text: string) => string): unknown {
    if (at === "") {
        return change(String(value));
    }
    const m = /^(?:\[(\d+)\]|\.([^.[]+))(.*)$/.exec(at);
    if (m === null) {
        throw new Error(`bad path ${at}`);
    }
    if (m[1] !== undefined) {
        const list = [...(value as unknown[])];
        list[Number(m[1])] = changed(list[Number(m[1])], m[3], change);
        return list;
    }
    return { ...(value as Values), [m[2]]: changed((value as Values)[m[2]], m[3], change) };
}

const middle = (text: string, inserted: string) => `${text.slice(0, Math.ceil(text.length / 2))}${inserted}${text.slice(Math.ceil(text.length / 2))}`;
const position = (text: string) => Math.ceil(text.length / 2) + 1;

/** Invisible characters: a zero-width space, a right-to-left override, a bell, a soft hyphen, a byte-order mark. */
const invisible = ["\u200b", "\u202e", "\u0007", "\u00ad", "\ufeff"];

/** Other bad values, each a mistake a tired operator makes; the program's refusals must all come first in preflight. */
const mistakes: Record<string, (text: string) => string> = {
    "emptied": () => "",
    "a space inserted": (t) => middle(t, " "),
    "in capitals": (t) => t.toUpperCase(),
    "300 characters long": (t) => t.padEnd(300, "x"),
    "a trailing dot": (t) => `${t}.`,
};

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("every config key of every stack role: preflight refuses what the loader and the program refuse", function () {
    this.timeout(600_000);
    const roles: Role[] = ["primary", "secondary", "dns"];

    it("the base configs load, pass preflight and deploy under the sandbox's rules (so each case fails for its own reason)", async function () {
        for (const role of roles) {
            expect(load(role, base[role]()).error, role).to.equal(undefined);
            expect(preflight(role, base[role]()), role).to.equal(undefined);
            expect(await program(role, base[role]()), role).to.equal(undefined);
        }
    });

    it("refuses a control or format character in a stack name given to the controller or bootstrap, naming the role", async function () {
        for (const role of roles) {
            const stacks = { [role]: `${role}\u200b` };
            for (const call of [() => FailoverController.create({ stacks }), () => bootstrap({ standIn: sandboxStandIn, stacks })]) {
                const error = await call().then(() => undefined, (err: unknown) => err);
                expect(error).to.be.instanceOf(BadInputError);
                expect((error as Error).message).to.equal(`stacks.${role} must not contain control or format characters (Unicode Cc, Cf): it has U+200B at character ${role.length + 1}`);
            }
        }
    });

    it("refuses a control or format character in every field of every user of the users file, naming the file and the field", function () {
        const fixture = YAML.parse(fs.readFileSync(path.join(fixtures, "users.yaml"), "utf8")) as { users: unknown[] };
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "users-text-"));
        let checked = 0;
        try {
            for (const at of leaves(fixture.users)) {
                const text = String(pick(fixture.users, at));
                const file = path.join(dir, `users-${checked}.yaml`);
                fs.writeFileSync(file, YAML.stringify({ users: changed(fixture.users, at, (t) => middle(t, "\u200b")) }));
                const want = `${file}: users${at} must not contain control or format characters (Unicode Cc, Cf): it has U+200B at character ${position(text)}`;
                expect(load("primary", { ...primaryConfig(), usersFile: file }).error).to.equal(want);
                expect(preflight("primary", { ...primaryConfig(), usersFile: file })).to.match(new RegExp(`: ${escaped(want)}$`));
                checked++;
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        expect(checked).to.be.greaterThan(5);
    });

    for (const role of roles) {
        describe(`the ${role} stack`, function () {
            const keys = keysOf(role);

            it("has a value for every key its loader reads (a new key needs a sample above)", function () {
                expect(keys.length, "keys read").to.be.greaterThan(10);
                expect(keys.filter((k) => carrier(role, k) === undefined)).to.deep.equal([]);
            });

            it("refuses a control or format character in every string of every key that becomes a name, naming the key and showing U+XXXX", function () {
                let checked = 0;
                for (const key of keys) {
                    const values = carrier(role, key) as Values;
                    const full = configKey(key);
                    if (load(role, values).keyMaterial.includes(full)) {
                        continue;
                    }
                    for (const at of leaves(values[key])) {
                        for (const c of invisible) {
                            const text = String(at === "" ? values[key] : pick(values[key], at));
                            const bad = { ...values, [key]: changed(values[key], at, (t) => middle(t, c)) };
                            const want = `${full}${at} must not contain control or format characters (Unicode Cc, Cf): it has U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} at character ${position(text)}`;
                            expect(load(role, bad).error, `${full}${at} with ${JSON.stringify(c)}`).to.equal(want);
                            expect(preflight(role, bad), `preflight of ${full}${at}`).to.match(new RegExp(`: ${escaped(want)}$`));
                            expect(preflight(role, bad)?.split("\n")).to.have.length(1);
                            checked++;
                        }
                    }
                }
                expect(checked).to.be.greaterThan(50);
            });

            it("for every other mistake in every key: preflight refuses what the loader refuses, in its words, and everything the program refuses", async function () {
                const gaps: string[] = [];
                for (const key of keys) {
                    const values = carrier(role, key) as Values;
                    for (const at of leaves(values[key])) {
                        for (const [what, change] of Object.entries(mistakes)) {
                            const bad = { ...values, [key]: changed(values[key], at, change) };
                            const loaded = load(role, bad).error;
                            const refused = preflight(role, bad);
                            const label = `${configKey(key)}${at} ${what}`;
                            if (loaded !== undefined) {
                                if (refused === undefined || !refused.endsWith(loaded.split("\n")[0])) {
                                    gaps.push(`${label}: the loader refuses "${loaded}" but preflight says ${JSON.stringify(refused)}`);
                                }
                                continue;
                            }
                            const ran = await program(role, bad);
                            if (ran !== undefined && refused === undefined) {
                                gaps.push(`${label}: the program refuses "${ran}" but preflight passes`);
                            }
                        }
                    }
                }
                expect(gaps).to.deep.equal([]);
            });
        });
    }
});

/** The leaf at `at` inside a value. */
function pick(value: unknown, at: string): unknown {
    let result = value;
    for (const m of at.matchAll(/\[(\d+)\]|\.([^.[]+)/g)) {
        result = m[1] !== undefined ? (result as unknown[])[Number(m[1])] : (result as Values)[m[2]];
    }
    return result;
}
