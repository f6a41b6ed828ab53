import { expect } from "chai";
import { ConfigMap, Deployment } from "@pulumi/pulumi/automation";
import { configuredRecordNames, stepTargetsIn } from "../../automation/driver/step-runner";
import { baseConfig } from "./dns-harness";

const record = (urn: string, name: string) => ({ urn, type: "aws:route53/record:Record", inputs: { name } });
const state = (resources: readonly object[]): Deployment => ({ version: 3, deployment: { resources } });

const deployed = state([
    { urn: "stack", type: "pulumi:pulumi:Stack" },
    record("sftp-primary-a", "sftp.example.com"),
    record("sftp-secondary-a", "sftp.example.com"),
    record("sftp-primary-a-files.example.com", "files.example.com"),
    record("sftp-secondary-a-files.example.com", "files.example.com"),
    record("sftp-primary-a-upload.example.com", "Upload.example.com."),
]);

/** The dns stack's config as `getAllConfig()` gives it (the harness's, recordName sftp.example.com). */
const dnsConfig = (additional?: unknown): ConfigMap => ({
    ...Object.fromEntries(Object.entries(baseConfig).map(([k, v]) => [`sftp-failover:${k}`, { value: String(v), secret: false }])),
    ...(additional === undefined ? {} : { "sftp-failover:additionalRecordNames": { value: typeof additional === "string" ? additional : JSON.stringify(additional), secret: false } }),
});

describe("the records a dns step targets", () => {
    it("without the stack's config: every deployed record", () => {
        expect(stepTargetsIn(deployed, "dns")).to.have.length(5);
    });

    it("with it: only the records of names the config lists, compared as DNS compares them", () => {
        expect(stepTargetsIn(deployed, "dns", dnsConfig(["FILES.example.com.", "upload.example.com"]))).to.have.members([
            "sftp-primary-a",
            "sftp-secondary-a",
            "sftp-primary-a-files.example.com",
            "sftp-secondary-a-files.example.com",
            "sftp-primary-a-upload.example.com",
        ]);
    });

    it("a name taken off the list and not deployed is left out, so the switch's targeted up cannot delete its records", () => {
        expect(stepTargetsIn(deployed, "dns", dnsConfig(["upload.example.com"]))).to.have.members(["sftp-primary-a", "sftp-secondary-a", "sftp-primary-a-upload.example.com"]);
        expect(stepTargetsIn(deployed, "dns", dnsConfig())).to.have.members(["sftp-primary-a", "sftp-secondary-a"]);
    });

    it("a config that does not load (no recordName, a list that does not parse, numbers) filters nothing", () => {
        expect(configuredRecordNames({})).to.equal(undefined);
        expect(configuredRecordNames(dnsConfig("[files, upload"))).to.equal(undefined);
        expect(configuredRecordNames(dnsConfig([1, 2]))).to.equal(undefined);
        expect(stepTargetsIn(deployed, "dns", dnsConfig("not json"))).to.have.length(5);
    });

    it("a regional step's targets do not depend on names", () => {
        const regional = state([{ urn: "asg", type: "aws:autoscaling/group:Group" }, record("r", "sftp.example.com")]);
        expect(stepTargetsIn(regional, "primary", dnsConfig([]))).to.deep.equal(["asg"]);
    });
});
