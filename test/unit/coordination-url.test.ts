import * as path from "node:path";
import { expect } from "chai";
import { BadInputError } from "../../automation/driver/errors";
import { defaultCoordination, parseCoordinationUrl } from "../../automation/driver/coordination/url";
import { coordinationEnvVar, openCoordination } from "../../automation/driver/coordination/from-options";

describe("coordination store URLs", () => {
    it("an s3:// URL names bucket, prefix, region and a path-style endpoint", () => {
        expect(parseCoordinationUrl("s3://team-ops/sftp/prod?region=eu-west-1&endpoint=http://127.0.0.1:5000")).to.deep.equal({
            kind: "s3",
            bucket: "team-ops",
            prefix: "sftp/prod/",
            region: "eu-west-1",
            endpoint: "http://127.0.0.1:5000",
            forcePathStyle: true,
            url: "s3://team-ops/sftp/prod?region=eu-west-1&endpoint=http://127.0.0.1:5000",
        });
    });

    it("takes Pulumi's own S3 backend parameters: an endpoint without scheme and disableSSL mean plain http", () => {
        const where = parseCoordinationUrl("s3://team-ops?endpoint=127.0.0.1:5000&disableSSL=true&s3ForcePathStyle=true");
        expect(where).to.include({ kind: "s3", prefix: "", endpoint: "http://127.0.0.1:5000", forcePathStyle: true });
    });

    it("a path or file:// URL is a local folder", () => {
        expect(parseCoordinationUrl("some/dir")).to.deep.equal({ kind: "local", dir: path.resolve("some/dir") });
        expect(parseCoordinationUrl("file:///var/ops")).to.deep.equal({ kind: "local", dir: "/var/ops" });
    });

    for (const [value, message] of [
        ["s3://Bad_Bucket/x", 'coordination "s3://Bad_Bucket/x" names no valid bucket'],
        ["s3://team-ops/x?regoin=us-east-1", 'has an unknown parameter "regoin"'],
        ["gs://team-ops/x", "is neither s3://bucket/prefix nor a folder"],
        ["  ", "coordination must not be empty"],
    ] as const) {
        it(`refuses "${value}" with one line naming it`, () => {
            expect(() => parseCoordinationUrl(value)).to.throw(BadInputError, message);
        });
    }

    it("defaults to .failover/ beside the state of an s3:// backend, with the backend's client settings", () => {
        const where = defaultCoordination("s3://state-bucket/pulumi?region=us-east-1&endpoint=http://127.0.0.1:5000", "/project/.failover");
        expect(where).to.include({ kind: "s3", bucket: "state-bucket", prefix: "pulumi/.failover/", region: "us-east-1", endpoint: "http://127.0.0.1:5000" });
    });

    it("defaults to the local folder with a file backend", () => {
        expect(defaultCoordination("file:///project/.pulumi-state", "/project/.failover")).to.deep.equal({ kind: "local", dir: "/project/.failover" });
        expect(defaultCoordination(undefined, "/project/.failover")).to.deep.equal({ kind: "local", dir: "/project/.failover" });
    });
});

describe("openCoordination: which store the options select", () => {
    const saved = process.env[coordinationEnvVar];
    afterEach(() => {
        if (saved === undefined) {
            delete process.env[coordinationEnvVar];
        } else {
            process.env[coordinationEnvVar] = saved;
        }
    });

    it("an option beats an explicit journal folder, which beats the environment, which beats the backend's bucket", () => {
        process.env[coordinationEnvVar] = "s3://from-env/ops";
        const backendUrl = "s3://state-bucket?region=us-east-1";
        expect(openCoordination({ coordination: "s3://given/ops", journalDir: "/j", backendUrl }).location).to.equal("s3://given/ops/");
        expect(openCoordination({ journalDir: "/j", backendUrl }).location).to.equal("/j");
        expect(openCoordination({ backendUrl }).location).to.equal("s3://from-env/ops/");
        delete process.env[coordinationEnvVar];
        expect(openCoordination({ backendUrl }).location).to.equal("s3://state-bucket/.failover/");
        expect(openCoordination({ backendUrl: "file:///p/.pulumi-state", projectDir: "/p" }).location).to.equal("/p/.failover");
    });

    it("names the environment variable when its value is refused", () => {
        process.env[coordinationEnvVar] = "ftp://nope";
        expect(() => openCoordination({ projectDir: "/p" })).to.throw(BadInputError, `${coordinationEnvVar} "ftp://nope" is neither s3://bucket/prefix nor a folder`);
    });
});
