import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ConfigReader, numberField } from "../../stacks/config/source";

// The typed reads every loader stands on (stacks/config/source.ts), judged by what they return and
// by the exact line each refusal prints: the full key, the value as stored (or "[secret]"), and the
// range or spelling wanted.

/** A reader over plain (not secret) values, keyed by short names in the project's namespace. */
function reader(values: Record<string, string>, secretKeys: readonly string[] = []): ConfigReader {
    return ConfigReader.fromEntries(
        Object.fromEntries(Object.entries(values).map(([k, value]) => [`sftp-failover:${k}`, { value, secret: secretKeys.includes(k) }])),
    );
}

describe("config source: numberField", () => {
    it("reads text that is wholly a number as that number, and keeps numbers as they are", () => {
        expect(numberField("3")).to.equal(3);
        expect(numberField(" 2.5 ")).to.equal(2.5);
        expect(numberField(7)).to.equal(7);
    });

    it("returns anything else unchanged, for the caller to refuse", () => {
        expect(numberField("3 instances")).to.equal("3 instances");
        expect(numberField("")).to.equal("");
        expect(numberField("   ")).to.equal("   ");
        expect(numberField("Infinity")).to.equal("Infinity");
        expect(numberField(true)).to.equal(true);
        expect(numberField(null)).to.equal(null);
    });
});

describe("config source: keys", () => {
    it("a short key takes the reader's namespace; a key that names one keeps it", () => {
        const config = reader({});
        expect(config.fullKey("ttl")).to.equal("sftp-failover:ttl");
        expect(config.fullKey("aws:region")).to.equal("aws:region");
        expect(ConfigReader.fromEntries({}, "other").fullKey("ttl")).to.equal("other:ttl");
    });

    it("records every key read, in the order first read, and the key material apart", () => {
        const config = reader({ a: "1", pem: "{}" }, ["pem"]);
        config.get("b");
        config.getNumber("a");
        config.get("b");
        config.getSecret("s");
        config.requireKeyMaterial("pem");
        expect(config.keysRead()).to.deep.equal(["sftp-failover:b", "sftp-failover:a", "sftp-failover:s", "sftp-failover:pem"]);
        expect(config.keyMaterialKeys()).to.deep.equal(["sftp-failover:s", "sftp-failover:pem"]);
    });
});

describe("config source: get and require", () => {
    it("returns the value as stored, or undefined when unset", () => {
        const config = reader({ mode: "bucket" });
        expect(config.get("mode")).to.equal("bucket");
        expect(config.get("missing")).to.equal(undefined);
    });

    it("takes a value among the allowed ones and refuses any other, listing them and quoting the value", () => {
        const config = reader({ mode: "bucket", bad: "Bucket" });
        expect(config.get("mode", { allowedValues: ["per-home", "bucket"] })).to.equal("bucket");
        expect(config.get("missing", { allowedValues: ["per-home"] })).to.equal(undefined);
        expect(() => config.get("bad", { allowedValues: ["per-home", "bucket"] })).to.throw('sftp-failover:bad must be one of per-home, bucket (got "Bucket")');
    });

    it("never quotes a secret value it refuses", () => {
        const config = reader({ mode: "hunter2" }, ["mode"]);
        expect(() => config.get("mode", { allowedValues: ["a"] })).to.throw(/^sftp-failover:mode must be one of a \(got \[secret\]\)$/);
    });

    it("require refuses an unset key naming it, and passes the allowed values on", () => {
        const config = reader({ mode: "x" });
        expect(() => config.require("region")).to.throw(/^sftp-failover:region is required$/);
        expect(config.require("mode")).to.equal("x");
        expect(() => config.require("mode", { allowedValues: ["y"] })).to.throw('sftp-failover:mode must be one of y (got "x")');
    });

    it("refuses a control or format character in plain text, and inside a structured value by its path", () => {
        expect(() => reader({ name: "a\u200bb" }).get("name")).to.throw(
            /^sftp-failover:name must not contain control or format characters \(Unicode Cc, Cf\): it has U\+200B at character 2$/,
        );
        expect(() => reader({ tags: '{"team":"a\\u0007"}' }).getObject("tags")).to.throw(/^sftp-failover:tags\.team must not contain .* U\+0007 at character 2$/);
    });

    it("reads a structured value whose JSON layout holds line breaks: what it says is checked, not how it is written", () => {
        expect(reader({ tags: '{\n  "team": "ops"\n}' }).getObject("tags")).to.deep.equal({ team: "ops" });
    });
});

describe("config source: getSecret", () => {
    it("returns a value stored encrypted, unchecked (key material is lines)", () => {
        expect(reader({ key: "line1\nline2" }, ["key"]).getSecret("key")).to.equal("line1\nline2");
        expect(reader({}).getSecret("key")).to.equal(undefined);
    });

    it("refuses a plaintext value without quoting it, telling how to set it", () => {
        expect(() => reader({ key: "hunter2" }).getSecret("key")).to.throw(
            /^sftp-failover:key must be a secret: set it with `pulumi config set --secret sftp-failover:key`$/,
        );
    });
});

describe("config source: getNumber", () => {
    it("reads a number, or undefined when unset", () => {
        const config = reader({ n: "42", f: "2.5", neg: "-3" });
        expect(config.getNumber("n")).to.equal(42);
        expect(config.getNumber("f")).to.equal(2.5);
        expect(config.getNumber("neg")).to.equal(-3);
        expect(config.getNumber("missing", { min: 1, max: 2 })).to.equal(undefined);
    });

    it("refuses text that is not wholly a finite number, empty or blank text included", () => {
        for (const bad of ["30 days", "", "  ", "Infinity", "NaN"]) {
            expect(() => reader({ n: bad }).getNumber("n"), JSON.stringify(bad)).to.throw(`sftp-failover:n must be a number (got ${JSON.stringify(bad)})`);
        }
    });

    it("checks a closed range at both edges and names it as min–max", () => {
        const config = reader({ lo: "1", hi: "10", below: "0", above: "11" });
        expect(config.getNumber("lo", { min: 1, max: 10 })).to.equal(1);
        expect(config.getNumber("hi", { min: 1, max: 10 })).to.equal(10);
        expect(() => config.getNumber("below", { min: 1, max: 10 })).to.throw('sftp-failover:below must be 1–10 (got "0")');
        expect(() => config.getNumber("above", { min: 1, max: 10 })).to.throw('sftp-failover:above must be 1–10 (got "11")');
    });

    it("checks a range open above as ≥ min, and one open below as ≤ max", () => {
        const config = reader({ zero: "0", one: "1", big: "1000000" });
        expect(config.getNumber("one", { min: 1 })).to.equal(1);
        expect(config.getNumber("big", { min: 1 })).to.equal(1000000);
        expect(() => config.getNumber("zero", { min: 1 })).to.throw('sftp-failover:zero must be ≥ 1 (got "0")');
        expect(config.getNumber("one", { max: 1 })).to.equal(1);
        expect(config.getNumber("zero", { max: 1 })).to.equal(0);
        expect(() => config.getNumber("big", { max: 1 })).to.throw('sftp-failover:big must be ≤ 1 (got "1000000")');
    });

    it("shows a secret number it refuses as [secret]", () => {
        expect(() => reader({ n: "x" }, ["n"]).getNumber("n")).to.throw(/^sftp-failover:n must be a number \(got \[secret\]\)$/);
        expect(() => reader({ n: "5" }, ["n"]).getNumber("n", { max: 1 })).to.throw(/^sftp-failover:n must be ≤ 1 \(got \[secret\]\)$/);
    });
});

describe("config source: getBoolean", () => {
    it("reads exactly true and false, or undefined when unset", () => {
        const config = reader({ t: "true", f: "false" });
        expect(config.getBoolean("t")).to.equal(true);
        expect(config.getBoolean("f")).to.equal(false);
        expect(config.getBoolean("missing")).to.equal(undefined);
    });

    it("refuses any other spelling, quoting it", () => {
        for (const bad of ["yes", "True", "1", ""]) {
            expect(() => reader({ b: bad }).getBoolean("b"), bad).to.throw(`sftp-failover:b must be true or false (got ${JSON.stringify(bad)})`);
        }
    });
});

describe("config source: structured values", () => {
    it("getObject parses a map or list, or returns undefined when unset", () => {
        const config = reader({ m: '{"a":1}', l: "[1,2]" });
        expect(config.getObject("m")).to.deep.equal({ a: 1 });
        expect(config.getObject("l")).to.deep.equal([1, 2]);
        expect(config.getObject("missing")).to.equal(undefined);
    });

    it("getObject refuses text that is not YAML structure, quoting it", () => {
        expect(() => reader({ m: "{a" }).getObject("m")).to.throw(/^sftp-failover:m must be a YAML map or list \(got "\{a"\)$/);
    });

    it("requireObject refuses an unset key and returns a set one", () => {
        expect(() => reader({}).requireObject("m")).to.throw(/^sftp-failover:m is required$/);
        expect(reader({ m: '{"a":1}' }).requireObject("m")).to.deep.equal({ a: 1 });
    });

    it("getList returns a list, or undefined when unset", () => {
        expect(reader({ l: '["a","b"]' }).getList("l")).to.deep.equal(["a", "b"]);
        expect(reader({}).getList("l")).to.equal(undefined);
    });

    it("getList refuses a plain word, text that looks like a list, and a map, showing the example and how to set items", () => {
        const hint = "write it in the stack file, or set each item with `pulumi config set --path 'sftp-failover:l[0]' …`";
        expect(() => reader({ l: "files" }).getList("l")).to.throw(`sftp-failover:l must be a YAML list, e.g. [a, b] (got "files"): ${hint}`);
        expect(() => reader({ l: "[a, b]" }).getList("l", "[x]")).to.throw(`sftp-failover:l must be a YAML list, e.g. [x] (got "[a, b]"): ${hint}`);
        expect(() => reader({ l: '{"a":1}' }).getList("l")).to.throw(`sftp-failover:l must be a YAML list, e.g. [a, b] (got "{\\"a\\":1}"): ${hint}`);
    });

    it("requireKeyMaterial parses PEM text with its line breaks, unchecked, and refuses unset or malformed values", () => {
        expect(reader({ keys: '{"rsa":"-----BEGIN\\nabc\\n-----END"}' }, ["keys"]).requireKeyMaterial("keys")).to.deep.equal({ rsa: "-----BEGIN\nabc\n-----END" });
        expect(() => reader({}).requireKeyMaterial("keys")).to.throw(/^sftp-failover:keys is required$/);
        expect(() => reader({ keys: "{pem" }, ["keys"]).requireKeyMaterial("keys")).to.throw(/^sftp-failover:keys must be a YAML map or list \(got \[secret\]\)$/);
    });
});

describe("config source: from the running program's config", () => {
    // The runtime's config is the process's: what another test file set is put back.
    let saved: Record<string, string> = {};
    beforeEach(() => {
        saved = pulumi.runtime.allConfig();
    });
    afterEach(() => {
        pulumi.runtime.setAllConfig(saved);
    });

    it("knows which keys the engine marks secret: a secret one is read, a plaintext one refused", () => {
        pulumi.runtime.setAllConfig({ "sftp-failover:sealed": "s3cret", "sftp-failover:open": "plain" }, ["sftp-failover:sealed"]);
        const config = ConfigReader.fromRuntime();
        expect(config.getSecret("sealed")).to.equal("s3cret");
        expect(() => config.getSecret("open")).to.throw(/^sftp-failover:open must be a secret/);
        expect(() => config.get("sealed", { allowedValues: ["x"] })).to.throw(/\(got \[secret\]\)$/);
        expect(config.get("open")).to.equal("plain");
    });

    it("under a runtime that cannot say which keys are secret, reads a key-material value it cannot judge rather than refuse it", () => {
        // An older @pulumi/pulumi has no isConfigSecret: the reader must neither crash nor refuse every secret.
        const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
        const isConfigSecret = runtime.isConfigSecret;
        runtime.isConfigSecret = undefined;
        try {
            pulumi.runtime.setAllConfig({ "sftp-failover:sealed": "s3cret" }, ["sftp-failover:sealed"]);
            const config = ConfigReader.fromRuntime();
            expect(config.getSecret("sealed")).to.equal("s3cret");
        } finally {
            runtime.isConfigSecret = isConfigSecret;
        }
    });

    it("reads keys in the namespace it is given", () => {
        pulumi.runtime.setAllConfig({ "other:ttl": "5" });
        expect(ConfigReader.fromRuntime("other").getNumber("ttl")).to.equal(5);
    });
});
