import { execFileSync, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { renderBootCompleteScript, renderGatewayUserData, renderHostKeysInstallScript, renderUsersSyncScript, sftpgoDumpFilter, usersRefreshSpan, validatePinnedPackage } from "../../components/gateway-user-data";
import { canonicalUsersJson, parseUsersYaml } from "../../components/sftp-users";
import { describeRangeEdges } from "../support/range-edges";
import { fixtures } from "./regional-harness";

// The gateway's scripts, checked by the real tools: shellcheck on both rendered scripts, and jq on
// the filter that turns the canonical user list into SFTPGo's dump.

const args = {
    region: "us-west-2",
    bucketName: "sftp-failover-secondary-123456789012",
    hostKeySecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:sftp-failover/secondary/host-keys-AbCdEf",
    usersObjectKey: ".sftp-failover/users/secondary.json",
};

function hasTool(name: string): boolean {
    return spawnSync(name, ["--version"], { stdio: "ignore" }).status === 0;
}

/** Skips when the tool is missing on a developer machine; in CI a missing tool fails the test. */
function requireTool(ctx: Mocha.Context, name: string): void {
    if (!hasTool(name)) {
        if (process.env.CI !== undefined && process.env.CI !== "") {
            throw new Error(`${name} is not installed (apt-get install -y ${name}); CI must run this test`);
        }
        ctx.skip();
    }
}

function shellcheck(script: string): { status: number | null; output: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "user-data-"));
    try {
        const file = path.join(dir, "script.sh");
        fs.writeFileSync(file, script);
        const res = spawnSync("shellcheck", ["--severity=style", "--shell=bash", file], { encoding: "utf8" });
        return { status: res.status, output: `${res.stdout}${res.stderr}` };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("regional gateway user data", () => {
    it("the boot script passes shellcheck at every severity", function () {
        requireTool(this, "shellcheck");
        const res = shellcheck(renderGatewayUserData({ ...args, sftpgoVersion: "2.6.6", port: 2022 }));
        expect(res.output).to.equal("");
        expect(res.status).to.equal(0);
    });

    const pinned = { key: ".sftp-failover/artifacts/sftpgo-2.6.6-1.x86_64.rpm", sha256: "a".repeat(64) };

    it("with a pinned package, the boot script passes shellcheck and reaches no host outside AWS", function () {
        const script = renderGatewayUserData({ ...args, sftpgoPackage: pinned });
        expect(script).to.not.match(/osuosl|curl|https?:\/\//);
        expect(script).to.include(`aws s3api get-object --region "$region" --bucket "$bucket" --key "$package_key" "$package_file"`);
        expect(script.indexOf("sha256sum --check")).to.be.lessThan(script.indexOf("dnf install"));
        requireTool(this, "shellcheck");
        const res = shellcheck(script);
        expect(res.output).to.equal("");
        expect(res.status).to.equal(0);
    });

    it("the pinned package's checksum line, run by bash, passes the right file and stops the boot on any other", function () {
        requireTool(this, "sha256sum");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pinned-package-"));
        try {
            const file = path.join(dir, "sftpgo.rpm");
            fs.writeFileSync(file, "the package bytes");
            const sha256 = crypto.createHash("sha256").update("the package bytes").digest("hex");
            const line = (renderGatewayUserData({ ...args, sftpgoPackage: { ...pinned, sha256 } }).split("\n").find((l) => l.includes("sha256sum")) as string);
            const run = (expected: string) => spawnSync("bash", ["-euo", "pipefail", "-c", line], { env: { ...process.env, package_sha256: expected, package_file: file }, encoding: "utf8" });
            expect(run(sha256).status).to.equal(0);
            fs.writeFileSync(file, "a tampered package");
            expect(run(sha256).status).to.not.equal(0);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a pinned package must be an .rpm under .sftp-failover/artifacts/ with a 64-hex SHA-256", () => {
        expect(validatePinnedPackage(pinned, "p")).to.deep.equal(pinned);
        expect(() => validatePinnedPackage({ ...pinned, key: "homes/alice/sftpgo.rpm" }, "p")).to.throw(/^p\.key must be an \.rpm key under \.sftp-failover\/artifacts\//);
        expect(() => validatePinnedPackage({ ...pinned, key: ".sftp-failover/artifacts/../users/primary.json" }, "p")).to.throw(/^p\.key must be/);
        expect(() => validatePinnedPackage({ ...pinned, sha256: "ABC" }, "p")).to.throw(/^p\.sha256 must be the file's SHA-256 as 64 lowercase hex digits \(got "ABC"\)/);
        expect(() => validatePinnedPackage({ ...pinned, url: "https://example.com" }, "p")).to.throw(/^p must be \{ key, sha256 \}/);
    });

    it("the users sync script passes shellcheck at every severity", function () {
        requireTool(this, "shellcheck");
        const res = shellcheck(renderUsersSyncScript(args));
        expect(res.output).to.equal("");
        expect(res.status).to.equal(0);
    });

    it("the host-key installer passes shellcheck at every severity", function () {
        requireTool(this, "shellcheck");
        const res = shellcheck(renderHostKeysInstallScript(args));
        expect(res.output).to.equal("");
        expect(res.status).to.equal(0);
    });

    it("shellcheck is really checking: a script with an unquoted variable is reported", function () {
        requireTool(this, "shellcheck");
        const res = shellcheck("#!/bin/bash\nrm -rf $1/tmp\n");
        expect(res.status).to.not.equal(0);
        expect(res.output).to.include("SC2086");
    });

    it("the boot script embeds the sync script, the host-key installer, the timer and the SFTPGo settings", () => {
        const script = renderGatewayUserData(args);
        const embedded = (file: string) => {
            const m = new RegExp(`base64 -d > /usr/local/sbin/${file} <<'SCRIPT'\\n([A-Za-z0-9+/=]+)\\nSCRIPT`).exec(script);
            expect(m, file).to.not.equal(null);
            return Buffer.from((m as RegExpExecArray)[1], "base64").toString("utf8");
        };
        expect(embedded("sftp-users-sync")).to.equal(renderUsersSyncScript(args));
        expect(embedded("sftp-host-keys-install")).to.equal(renderHostKeysInstallScript(args));
        expect(renderHostKeysInstallScript(args)).to.include(`secret='${args.hostKeySecretArn}'`);
        expect(script.indexOf("\n/usr/local/sbin/sftp-host-keys-install\n")).to.be.lessThan(script.indexOf("systemctl restart sftpgo.service"));
        expect(renderUsersSyncScript(args)).to.include(`key='${args.usersObjectKey}'`);
        expect(renderUsersSyncScript(args)).to.include(`aws s3api get-object --region "$region" --bucket "$bucket" --key "$key" "$fetched"`);
        expect(script).to.include("Description=Load SFTP users from the regional S3 object");
        expect(script).to.not.match(/ssm get-parameter|SSM parameter/);
        expect(script).to.include("SFTPGO_DATA_PROVIDER__DRIVER=memory");
        expect(script).to.include("SFTPGO_SFTPD__PASSWORD_AUTHENTICATION=false");
        expect(script).to.include("OnUnitActiveSec=1min");
        expect(script).to.include("systemctl enable --now sftp-users-sync.timer");
        expect(script).to.not.include("PRIVATE KEY");
    });

    describe("with a launch lifecycle hook (warm pool)", () => {
        const hook = { groupName: "sftp-secondary-gw-asg-dev", hookName: "gateway-boot" };
        const hooked = renderGatewayUserData({ ...args, launchHook: hook });

        it("the boot script and the completer pass shellcheck at every severity", function () {
            requireTool(this, "shellcheck");
            for (const script of [hooked, renderBootCompleteScript(args, hook)]) {
                expect(shellcheck(script)).to.deep.equal({ status: 0, output: "" });
            }
        });

        it("arms the ABANDON trap before the first install step and completes with CONTINUE only after SFTPGo, the host keys and the users are in place", () => {
            const at = (line: string) => {
                const i = hooked.indexOf(`\n${line}\n`);
                expect(i, line).to.be.greaterThan(-1);
                return i;
            };
            const order = [
                "trap '/usr/local/sbin/sftp-boot-complete ABANDON' ERR",
                'dnf install -y jq "$sftpgo_package"',
                "/usr/local/sbin/sftp-host-keys-install",
                "/usr/local/sbin/sftp-users-sync",
                "systemctl restart sftpgo.service",
                "systemctl is-active --quiet sftpgo",
                "trap - ERR",
                "/usr/local/sbin/sftp-boot-complete CONTINUE",
            ].map(at);
            expect(order).to.deep.equal([...order].sort((a, b) => a - b));
            expect(hooked.trimEnd().endsWith("/usr/local/sbin/sftp-boot-complete CONTINUE")).to.equal(true);
            // Later boots (a pooled instance started) reload the users, then complete again, after SFTPGo; a failed reload abandons.
            expect(hooked).to.include("After=sftpgo.service network-online.target").and.to.include("systemctl enable sftp-boot-complete.service");
            expect(hooked).to.include("ExecStart=/bin/bash -c '/usr/local/sbin/sftp-users-sync && exec /usr/local/sbin/sftp-boot-complete || exec /usr/local/sbin/sftp-boot-complete ABANDON'");
        });

        it("renders nothing of it without a hook", () => {
            expect(renderGatewayUserData(args)).to.not.match(/sftp-boot-complete|ABANDON|\ntrap /);
        });
    });

    it("refuses values that could inject shell code", () => {
        expect(() => renderGatewayUserData({ ...args, bucketName: "x'; rm -rf / #" })).to.throw(/bucketName .* not allowed/);
        expect(() => renderGatewayUserData({ ...args, port: 22 })).to.throw(/gateway port must be an integer 1024–65535/);
        expect(() => renderGatewayUserData({ ...args, usersRefreshInterval: "soon" })).to.throw(/usersRefreshInterval/);
    });

    describe("numeric arguments", () => {
        describeRangeEdges([
            { name: "gateway port", min: 1024, max: 65535, check: (v) => renderGatewayUserData({ ...args, port: v }), refusal: /^gateway port must be an integer 1024–65535/ },
            { name: "healthPort", min: 1024, max: 65535, check: (v) => renderGatewayUserData({ ...args, healthPort: v }), refusal: /^healthPort must be an integer 1024–65535/ },
            { name: "usersRefreshSeconds", min: 1, max: 3600, check: (v) => usersRefreshSpan(v), refusal: /^usersRefreshSeconds must be whole seconds 1–3600/ },
        ]);
    });

    it("jq turns the users object (the canonical list) into an SFTPGo dump with S3 homes and read-only permissions", function () {
        requireTool(this, "jq");
        const users = parseUsersYaml(fs.readFileSync(path.join(fixtures, "users.yaml"), "utf8"), "users.yaml");
        const out = execFileSync("jq", ["--arg", "bucket", args.bucketName, "--arg", "region", args.region, sftpgoDumpFilter], {
            input: canonicalUsersJson(users),
            encoding: "utf8",
        });
        const dump = JSON.parse(out) as { version: number; users: Record<string, unknown>[]; folders: unknown[]; admins: unknown[] };
        expect(dump.version).to.equal(17);
        expect(dump.folders).to.deep.equal([]);
        expect(dump.admins).to.deep.equal([]);
        expect(dump.users.map((u) => u.username)).to.deep.equal(["alice", "auditor", "bob"]);
        const auditor = dump.users[1];
        expect(auditor.permissions).to.deep.equal({ "/": ["list", "download"] });
        expect(auditor.filesystem).to.deep.equal({
            provider: 1,
            s3config: { bucket: args.bucketName, region: args.region, key_prefix: "reports/" },
        });
        expect(dump.users[2].permissions).to.deep.equal({ "/": ["*"] });
        expect(dump.users[2].public_keys).to.deep.equal(users[2].publicKeys);
        expect(dump.users[0].status).to.equal(1);
    });
});
