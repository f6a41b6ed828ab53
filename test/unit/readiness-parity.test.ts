import { expect } from "chai";
import { Finding, readinessOf } from "../../automation/driver/readiness/findings";
import { parityFindings, RegionDeployment, sftpgoPackageOf } from "../../automation/driver/readiness/parity";
import { RegionName } from "../../foundation/posture";

const fingerprints = { ed25519: "SHA256:aaa", ecdsa: "SHA256:bbb", rsa: "SHA256:ccc" };

function region(name: RegionName, overrides: Partial<RegionDeployment["typed"]> = {}, launchTemplate: RegionDeployment["launchTemplate"] = { instanceType: "t3.small", sftpgoPackage: "sftpgo-2.6.6" }): RegionDeployment {
    return {
        typed: {
            regionName: name,
            usersFingerprint: "users-1",
            hostKeyFingerprints: fingerprints,
            canaryUser: "sftp-failover-canary",
            endpointPort: 22,
            capacityMode: name === "primary" ? "active" : "pilot-light",
            ...overrides,
        },
        launchTemplate,
    };
}

const activePassive = { posture: "active-passive" as const };
const whats = (findings: readonly Finding[]) => findings.map((f) => `${f.level}: ${f.what}`);

describe("readiness: parity of the two regions as deployed", () => {
    it("two regions deployed alike in their posture's capacities are ready", () => {
        const findings = parityFindings({ primary: region("primary"), secondary: region("secondary") }, activePassive);
        expect(findings).to.deep.equal([]);
        expect(readinessOf(findings)).to.equal("ready");
    });

    it("a region that takes traffic with its users quiesced is not ready; a quiesced region without traffic is fine", () => {
        const findings = parityFindings({ primary: region("primary", { quiesced: true }), secondary: region("secondary", { quiesced: true }) }, activePassive);
        expect(whats(findings)).to.deep.equal(["not-ready: primary takes traffic under active-passive but its users are quiesced (read-only)"]);
        expect(findings[0].fix).to.equal("finish the switch, which makes them writable again: `sftp-failover posture active-passive`");
    });

    it("names another instance type and another SFTPGo package, and is not ready", () => {
        const secondary = region("secondary", {}, { instanceType: "t3.micro", sftpgoPackage: "sftpgo-2.5.0" });
        const findings = parityFindings({ primary: region("primary"), secondary }, activePassive);
        expect(whats(findings)).to.deep.equal([
            "not-ready: the instance types differ: primary t3.small, secondary t3.micro",
            "not-ready: the SFTPGo packages differ: primary sftpgo-2.6.6, secondary sftpgo-2.5.0",
        ]);
        expect(findings.every((f) => f.fix.length > 0)).to.equal(true);
        expect(readinessOf(findings)).to.equal("not-ready");
    });

    it("names users and host keys that differ, whatever the order of the key types", () => {
        const secondary = region("secondary", { usersFingerprint: "users-2", hostKeyFingerprints: { rsa: "SHA256:ccc", ecdsa: "SHA256:bbb", ed25519: "SHA256:zzz" } });
        expect(whats(parityFindings({ primary: region("primary"), secondary }, activePassive))).to.deep.equal([
            "not-ready: the users differ: primary users-1, secondary users-2",
            "not-ready: the host keys differ: primary ecdsa SHA256:bbb, ed25519 SHA256:aaa, rsa SHA256:ccc, secondary ecdsa SHA256:bbb, ed25519 SHA256:zzz, rsa SHA256:ccc",
        ]);
        const reordered = region("secondary", { hostKeyFingerprints: { rsa: "SHA256:ccc", ecdsa: "SHA256:bbb", ed25519: "SHA256:aaa" } });
        expect(parityFindings({ primary: region("primary"), secondary: reordered }, activePassive)).to.deep.equal([]);
    });

    it("less capacity than the posture wants is not ready; more is a warning", () => {
        const drained = region("secondary", { capacityMode: "drained" });
        expect(whats(parityFindings({ primary: region("primary"), secondary: drained }, activePassive))).to.deep.equal(["not-ready: secondary runs drained capacity where active-passive wants pilot-light"]);
        const active = region("secondary", { capacityMode: "active" });
        expect(whats(parityFindings({ primary: region("primary"), secondary: active }, activePassive))).to.deep.equal(["warning: secondary runs active capacity where active-passive wants pilot-light"]);
    });

    it("no canary in either region is a warning (no switch can verify); one in one region only is a difference", () => {
        const none = (name: RegionName) => region(name, { canaryUser: undefined });
        expect(whats(parityFindings({ primary: none("primary"), secondary: none("secondary") }, activePassive))).to.deep.equal([
            "warning: no canary is configured: no switch can verify a region before DNS moves",
        ]);
        expect(whats(parityFindings({ primary: region("primary"), secondary: none("secondary") }, activePassive))).to.deep.equal([
            "not-ready: the canary users differ: primary sftp-failover-canary, secondary (none)",
        ]);
    });

    it("a region not deployed cannot be compared: unknown, nothing else", () => {
        const findings = parityFindings({ primary: region("primary"), secondary: { typed: {} } }, activePassive);
        expect(whats(findings)).to.deep.equal(["unknown: the secondary stack exports no deployment to compare"]);
        expect(readinessOf(findings)).to.equal("unknown");
    });

    it("reads the SFTPGo package from user data, plain or base64", () => {
        const script = "#!/bin/bash\nset -eu\nsftpgo_package='sftpgo-2.6.6'\necho hi\n";
        expect(sftpgoPackageOf(script)).to.equal("sftpgo-2.6.6");
        expect(sftpgoPackageOf(Buffer.from(script).toString("base64"))).to.equal("sftpgo-2.6.6");
        expect(sftpgoPackageOf("#!/bin/bash\necho no package\n")).to.equal(undefined);
        expect(sftpgoPackageOf(undefined)).to.equal(undefined);
    });
});
