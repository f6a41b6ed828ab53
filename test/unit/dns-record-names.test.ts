import { expect } from "chai";
import {
    additionalRecordResourceName,
    dnsNameKey,
    dnsNameProblem,
    maxAdditionalRecordNames,
    validateAdditionalRecordNames,
} from "../../components/dns-record-names";
import { loadDnsConfig } from "../../stacks/config/dns";
import { ConfigEntry, ConfigReader } from "../../stacks/config/source";
import { baseConfig } from "./dns-harness";

// Additional record names: the pure rules (components/dns-record-names.ts) and the config loader
// that applies them, as the program and the driver's preflight both run it. No mocks, no engine.

const key = "sftp-failover:additionalRecordNames";
const label63 = "a".repeat(63);
const label64 = "a".repeat(64);
const badCharacter = (name: string, label: string) =>
    `${key}[0] "${name}" is not a host name: it has a character other than letters, digits, "-" and "_" in label "${label}" (an internationalised name goes in its xn-- form)`;
const notAList = (got: string) =>
    `${key} must be a YAML list, e.g. [files, upload.example.com] (got ${got}): write it in the stack file, or set each item with \`pulumi config set --path '${key}[0]' …\``;

/** The dns stack's config as `getAllConfig()` gives it: text, structured values as JSON. */
function load(overrides: Record<string, unknown>) {
    const entries: Record<string, ConfigEntry> = {};
    for (const [k, v] of Object.entries({ ...baseConfig, ...overrides })) {
        if (v !== undefined) {
            entries[`sftp-failover:${k}`] = { value: typeof v === "string" ? v : JSON.stringify(v) };
        }
    }
    return loadDnsConfig(ConfigReader.fromEntries(entries));
}

function refusal(overrides: Record<string, unknown>): string {
    try {
        load(overrides);
    } catch (err) {
        const message = (err as Error).message;
        expect(message.split("\n"), "one line").to.have.length(1);
        return message;
    }
    throw new Error(`config ${JSON.stringify(overrides)} should be refused`);
}

describe("additional record names", () => {
    describe("config (stacks/config/dns.ts)", () => {
        it("unset, or an empty list, means no additional names", () => {
            expect(load({}).additionalRecordNames).to.deep.equal([]);
            expect(load({ additionalRecordNames: [] }).additionalRecordNames).to.deep.equal([]);
        });

        it("keeps the names as given, in their order, relative or fully qualified", () => {
            const names = ["upload.example.com", "files", "Partner-A.example.com.", "*.drop.example.com", "_internal.example.com"];
            expect(load({ additionalRecordNames: names }).additionalRecordNames).to.deep.equal(names);
        });

        it("accepts labels of 63 characters, names of 253, and 20 names", () => {
            const longest = [label63, label63, label63, "a".repeat(61)].join(".");
            expect(longest).to.have.length(253);
            const longestWithDot = `${"b".repeat(63)}${longest.slice(63)}.`;
            expect(load({ additionalRecordNames: [`${label63}.example.com`, longest, longestWithDot] }).additionalRecordNames).to.have.length(3);
            const twenty = Array.from({ length: maxAdditionalRecordNames }, (_, n) => `name-${n}.example.com`);
            expect(load({ additionalRecordNames: twenty }).additionalRecordNames).to.have.length(20);
        });

        const refused: [string, unknown, string][] = [
            ["a word instead of a list", "files", notAList('"files"')],
            ["a comma-separated string", "files,upload", notAList('"files,upload"')],
            ["a list typed on the command line, which Pulumi stores as text", "[files, upload]", notAList('"[files, upload]"')],
            ["a quoted string", '"files"', notAList('"\\"files\\""')],
            ["a map", { files: true }, notAList('"{\\"files\\":true}"')],
            ["a number", 42, notAList('"42"')],
            ["a list with a number", ["files.example.com", 2024], `${key}[1] must be a non-empty string (got 2024)`],
            ["a list with an empty entry (YAML null)", ["files.example.com", null], `${key}[1] must be a non-empty string (got null)`],
            ["a list in a list", [["files.example.com"]], `${key}[0] must be a non-empty string (got ["files.example.com"])`],
            ["an empty string", [""], `${key}[0] must be a non-empty string (got "")`],
            ["blanks", ["   "], `${key}[0] must be a non-empty string (got "   ")`],
            ["a lone dot", ["."], `${key}[0] "." is not a host name: it is empty`],
            [
                "a duplicate differing only in case",
                ["files.example.com", "FILES.Example.com"],
                `${key}[1] "FILES.Example.com" is the same DNS name as ${key}[0] "files.example.com" (compared ignoring case and a trailing dot)`,
            ],
            [
                "a duplicate differing only in a trailing dot",
                ["files.example.com", "files.example.com."],
                `${key}[1] "files.example.com." is the same DNS name as ${key}[0] "files.example.com" (compared ignoring case and a trailing dot)`,
            ],
            [
                "recordName repeated",
                ["files.example.com", "sftp.example.com"],
                `${key}[1] "sftp.example.com" is the same DNS name as sftp-failover:recordName "sftp.example.com" (compared ignoring case and a trailing dot)`,
            ],
            [
                "recordName repeated in capitals with a trailing dot",
                ["SFTP.EXAMPLE.COM."],
                `${key}[0] "SFTP.EXAMPLE.COM." is the same DNS name as sftp-failover:recordName "sftp.example.com" (compared ignoring case and a trailing dot)`,
            ],
            ["a 64-character label", [`${label64}.example.com`], `${key}[0] "${label64}.example.com" is not a host name: it has a label of 64 characters (at most 63)`],
            [
                "a name of 254 characters",
                [[label63, label63, label63, "a".repeat(62)].join(".")],
                `${key}[0] "${[label63, label63, label63, "a".repeat(62)].join(".")}" is not a host name: it is 254 characters long (at most 253 without the trailing dot)`,
            ],
            ["two dots in a row", ["files..example.com"], `${key}[0] "files..example.com" is not a host name: it has an empty label (a leading dot, or two dots in a row)`],
            ["a leading dot", [".files.example.com"], `${key}[0] ".files.example.com" is not a host name: it has an empty label (a leading dot, or two dots in a row)`],
            ["a space", ["files example.com"], badCharacter("files example.com", "files example")],
            ["a slash", ["files/upload.example.com"], badCharacter("files/upload.example.com", "files/upload")],
            ["a name not in its xn-- form", ["fïles.example.com"], badCharacter("fïles.example.com", "fïles")],
            ["a wildcard that is not the first label", ["files.*.example.com"], badCharacter("files.*.example.com", "*")],
        ];
        for (const [what, value, message] of refused) {
            it(`refuses ${what}, in one line naming the key and the value`, () => {
                expect(refusal({ additionalRecordNames: value })).to.equal(message);
            });
        }

        it(`refuses more than ${maxAdditionalRecordNames} names`, () => {
            const many = Array.from({ length: maxAdditionalRecordNames + 1 }, (_, n) => `name-${n}.example.com`);
            expect(refusal({ additionalRecordNames: many })).to.equal(`${key} lists 21 names; at most 20 (each one adds its records to every switch's DNS step)`);
        });

        it("with the zone given by name, compares a relative name completed with the zone's name, as the provider completes it", () => {
            const byName = { zoneId: undefined, zoneName: "example.com" };
            expect(refusal({ ...byName, additionalRecordNames: ["files", "files.example.com"] })).to.equal(
                `${key}[1] "files.example.com" is the same DNS name as ${key}[0] "files" (compared ignoring case and a trailing dot, a name outside example.com taken relative to it)`,
            );
            expect(refusal({ ...byName, additionalRecordNames: ["SFTP"] })).to.match(/is the same DNS name as sftp-failover:recordName "sftp\.example\.com"/);
            expect(load({ ...byName, additionalRecordNames: ["files", "upload.example.com"] }).additionalRecordNames).to.deep.equal(["files", "upload.example.com"]);
        });

        it("with the zone given by name, refuses a name that ends with the zone's name inside a label, as Route 53 would", () => {
            expect(refusal({ zoneId: undefined, zoneName: "example.com", additionalRecordNames: ["files.myexample.com"] })).to.equal(
                `${key}[0] "files.myexample.com" lies outside zone example.com (it ends with the zone's name inside a label); Route 53 would refuse it`,
            );
        });

        it("a secret list is never quoted when it is not a list", () => {
            const entries = Object.fromEntries(Object.entries(baseConfig).map(([k, v]) => [`sftp-failover:${k}`, { value: String(v) }]));
            const reader = ConfigReader.fromEntries({ ...entries, [key]: { value: "partner-secret", secret: true } });
            expect(() => loadDnsConfig(reader)).to.throw(notAList("[secret]"));
        });
    });

    describe("dnsNameProblem", () => {
        it("accepts host names, a wildcard first label and a trailing dot", () => {
            for (const name of ["files", "files.example.com", "files.example.com.", "*.example.com", "a-b_c.example.com", "xn--fles-6qa.example.com", label63]) {
                expect(dnsNameProblem(name), name).to.equal(undefined);
            }
        });
    });

    describe("dnsNameKey", () => {
        it("ignores case and one trailing dot", () => {
            expect(dnsNameKey("Files.Example.COM.")).to.equal("files.example.com");
        });

        it("with a zone, completes a name that does not end with the zone's name, and tests only the text's end as the provider does", () => {
            expect(dnsNameKey("files", "example.com.")).to.equal("files.example.com");
            expect(dnsNameKey("files.other.org", "example.com")).to.equal("files.other.org.example.com");
            expect(dnsNameKey("FILES.example.com", "example.com")).to.equal("files.example.com");
            expect(dnsNameKey("files.myexample.com", "example.com")).to.equal("files.myexample.com");
        });
    });

    describe("validateAdditionalRecordNames (the component's check)", () => {
        it("names the component's arguments by default", () => {
            expect(() => validateAdditionalRecordNames(["Sftp.example.com"], "sftp.example.com")).to.throw(
                'additionalRecordNames[0] "Sftp.example.com" is the same DNS name as recordName "sftp.example.com" (compared ignoring case and a trailing dot)',
            );
        });
    });

    describe("additionalRecordResourceName", () => {
        it("derives the Pulumi name from the DNS name, in lower case without the trailing dot", () => {
            expect(additionalRecordResourceName("sftp", "primary", "A", "Files.Example.com.")).to.equal("sftp-primary-a-files.example.com");
            expect(additionalRecordResourceName("sftp", "secondary", "CNAME", "upload")).to.equal("sftp-secondary-cname-upload");
        });

        it("maps different DNS names to different resource names, none of them a service-name record's", () => {
            // Names chosen to look like the parts around them: region and type words, dashes, dots.
            const names = ["a", "aaaa", "a-files", "aaaa-files", "primary-a", "secondary-a", "cname", "x.primary", "x-primary-a", "files", "files.example.com", "*.example.com"];
            const made = new Map<string, string>();
            for (const region of ["primary", "secondary"]) {
                for (const type of ["A", "AAAA", "CNAME"]) {
                    made.set(`sftp-${region}-${type.toLowerCase()}`, `service name ${region} ${type}`);
                    for (const name of names) {
                        const resourceName = additionalRecordResourceName("sftp", region, type, name);
                        expect(made.get(resourceName), `${region} ${type} ${name}`).to.equal(undefined);
                        made.set(resourceName, `${region} ${type} ${name}`);
                    }
                }
            }
        });
    });
});
