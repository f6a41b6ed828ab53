import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { bootCompletePath, usersSyncPath, renderBootCompleteScript, renderGatewayUserData, renderHostKeysInstallScript, renderUsersSyncScript } from "../../components/gateway-user-data";
import { loadHostKeys } from "../../components/host-keys";
import { SftpUser, canonicalUsersJson, parseUsersYaml, validateUsers } from "../../components/sftp-users";
import { MotoServer, motoCredentials, motoServerPath, startMoto } from "../support/moto";
import { fixtureHostKeys, fixtures } from "../unit/regional-harness";

// The gateway's scripts run for real: the rendered scripts, the AWS CLI against moto (S3, Secrets
// Manager), jq, ssh-keygen. Only systemctl is a stand-in (it records its arguments), so the test
// sees exactly when SFTPGo would be told to reload.

const region = "us-west-2";
const bucket = "sftp-failover-secondary-123456789012";
const usersObjectKey = ".sftp-failover/users/secondary.json";

function ciRequires(what: string): boolean {
    if (process.env.CI !== undefined && process.env.CI !== "") {
        throw new Error(`${what} is missing; CI must run this test`);
    }
    return false;
}

describe("regional gateway scripts (moto, AWS CLI, jq)", function () {
    this.timeout(60_000);
    let moto: MotoServer | undefined;
    let dir = "";
    let script = "";
    let dump = "";
    let systemctlLog = "";
    let env: NodeJS.ProcessEnv = {};

    before(async function () {
        // Present is enough: ssh-keygen has no --version and exits 1 on it.
        const tools = ["aws", "jq", "ssh-keygen"].every((t) => spawnSync(t, ["--version"], { stdio: "ignore" }).error === undefined);
        if (!tools || !fs.existsSync(motoServerPath)) {
            ciRequires("aws, jq, ssh-keygen or moto (scripts/ensure-test-tools)");
            this.skip();
        }
        moto = await startMoto({ region });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "users-sync-"));
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        systemctlLog = path.join(dir, "systemctl.log");
        fs.writeFileSync(path.join(bin, "systemctl"), `#!/bin/bash\necho "$*" >> '${systemctlLog}'\n`, { mode: 0o755 });
        dump = path.join(dir, "users-dump.json");
        script = path.join(dir, "sftp-users-sync");
        const owner = os.userInfo().username;
        fs.writeFileSync(
            script,
            renderUsersSyncScript({
                region,
                bucketName: bucket,
                hostKeySecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:x",
                usersObjectKey,
                usersDumpPath: dump,
                serviceUser: owner,
            }),
            { mode: 0o755 },
        );
        fs.writeFileSync(
            path.join(dir, "sftp-host-keys-install"),
            renderHostKeysInstallScript({ region, bucketName: "unused", hostKeySecretArn: "ARN", usersObjectKey, hostKeysDir: path.join(dir, "hostkeys"), serviceUser: owner }),
        );
        env = {
            ...process.env,
            PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
            AWS_ENDPOINT_URL: moto.endpoint,
            AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
            AWS_DEFAULT_REGION: region,
            AWS_CONFIG_FILE: "/dev/null",
            AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        };
        // The regional bucket as the stack makes it: in its region, versioned.
        aws(["s3api", "create-bucket", "--bucket", bucket, "--create-bucket-configuration", `LocationConstraint=${region}`]);
        aws(["s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled"]);
    });

    after(async () => {
        await moto?.stop();
        if (dir !== "") {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    function aws(args: string[]): string {
        return execFileSync("aws", ["--region", region, ...args], { env, encoding: "utf8" });
    }

    /** Stores a user list as the stack does: one object, the canonical JSON (or, for the failure cases, any text). */
    function publish(users: readonly SftpUser[] | string): void {
        const body = path.join(dir, "body.json");
        fs.writeFileSync(body, typeof users === "string" ? users : canonicalUsersJson(users));
        aws(["s3api", "put-object", "--bucket", bucket, "--key", usersObjectKey, "--body", body, "--content-type", "application/json"]);
    }

    function sync(): { status: number | null; stdout: string; stderr: string } {
        const res = spawnSync("bash", [script], { env, encoding: "utf8" });
        return { status: res.status, stdout: res.stdout, stderr: res.stderr };
    }

    const hups = () => (fs.existsSync(systemctlLog) ? fs.readFileSync(systemctlLog, "utf8").split("\n").filter((l) => l.startsWith("kill ")) : []);

    it("loads the object, writes the SFTPGo dump and reloads SFTPGo; an unchanged list reloads nothing; a change reloads once", () => {
        const users = parseUsersYaml(fs.readFileSync(path.join(fixtures, "users.yaml"), "utf8"), "users.yaml");
        publish(users);
        const first = sync();
        expect(first.status, first.stderr).to.equal(0);
        const loaded = JSON.parse(fs.readFileSync(dump, "utf8")) as { users: { username: string; filesystem: { s3config: { bucket: string; key_prefix: string } } }[] };
        expect(loaded.users.map((u) => u.username)).to.deep.equal(["alice", "auditor", "bob"]);
        expect(loaded.users[2].filesystem.s3config).to.include({ bucket, key_prefix: "partners/bob/" });
        expect(hups()).to.deep.equal(["kill --signal=HUP --kill-whom=main sftpgo"]);

        expect(sync().status).to.equal(0);
        expect(hups(), "no reload for an unchanged list").to.have.length(1);

        const carol = fs.readFileSync(path.join(fixtures, "user-keys", "carol.pub"), "utf8").trim();
        const more = validateUsers([...users.map((u) => ({ ...u, publicKeys: [...u.publicKeys] })), { name: "zed", publicKeys: [carol] }]);
        publish(more);
        expect(sync().status).to.equal(0);
        expect((JSON.parse(fs.readFileSync(dump, "utf8")) as { users: unknown[] }).users).to.have.length(4);
        expect(hups()).to.have.length(2);
    });

    /** Runs the sync expecting it to fail, and checks the dump, the reloads and the folder are as they were. */
    function expectFailedSyncKeepsDump(): string {
        const before = fs.readFileSync(dump, "utf8");
        const reloads = hups().length;
        const res = sync();
        expect(res.status).to.not.equal(0);
        expect(fs.readFileSync(dump, "utf8")).to.equal(before);
        expect(hups()).to.have.length(reloads);
        expect(fs.readdirSync(dir).filter((f) => f.startsWith("users-dump.json."))).to.deep.equal([]);
        return res.stderr;
    }

    it("an object that is not the users JSON (cut short) fails and keeps the previous dump", () => {
        expect(fs.existsSync(dump), "the first test loaded a dump").to.equal(true);
        publish('{"version":1,"users":[{"name":"half-writ');
        expectFailedSyncKeepsDump();
        publish('{"version":1}');
        expectFailedSyncKeepsDump();
    });

    it("a missing or unreadable object fails and keeps the previous dump", () => {
        aws(["s3api", "delete-object", "--bucket", bucket, "--key", usersObjectKey]);
        expect(expectFailedSyncKeepsDump()).to.match(/NoSuchKey|Not Found|404/);
        const elsewhere = path.join(dir, "sftp-users-sync-elsewhere");
        fs.writeFileSync(elsewhere, fs.readFileSync(script, "utf8").replace(`bucket='${bucket}'`, "bucket='no-such-bucket-123456789012'"));
        const before = fs.readFileSync(dump, "utf8");
        const res = spawnSync("bash", [elsewhere], { env, encoding: "utf8" });
        expect(res.status).to.not.equal(0);
        expect(res.stderr).to.match(/NoSuchBucket/);
        expect(fs.readFileSync(dump, "utf8")).to.equal(before);
    });

    it("the object's latest version is what loads once it is back", () => {
        const users = parseUsersYaml(fs.readFileSync(path.join(fixtures, "users.yaml"), "utf8"), "users.yaml");
        publish(users);
        const res = sync();
        expect(res.status, res.stderr).to.equal(0);
        expect((JSON.parse(fs.readFileSync(dump, "utf8")) as { users: unknown[] }).users).to.have.length(3);
        expect(res.stdout).to.include(`loaded 3 users from s3://${bucket}/${usersObjectKey}`);
    });

    describe("host-key installer", () => {
        function install(secretJson: string): { status: number | null; stderr: string; keysDir: string } {
            const name = `host-keys-${Math.random().toString(36).slice(2)}`;
            const arn = JSON.parse(
                execFileSync("aws", ["secretsmanager", "create-secret", "--region", region, "--name", name, "--secret-string", secretJson], { env, encoding: "utf8" }),
            ).ARN as string;
            const file = path.join(dir, "sftp-host-keys-install");
            const rendered = fs.readFileSync(file, "utf8").replace("secret='ARN'", `secret='${arn}'`);
            fs.writeFileSync(`${file}.run`, rendered);
            const res = spawnSync("bash", [`${file}.run`], { env, encoding: "utf8" });
            return { status: res.status, stderr: res.stderr, keysDir: path.join(dir, "hostkeys") };
        }

        it("writes the three keys from the secret, mode 0600, and ssh-keygen reads them with the stacks' fingerprints", () => {
            const keys = fixtureHostKeys();
            const res = install(JSON.stringify(keys));
            expect(res.status, res.stderr).to.equal(0);
            const expected = loadHostKeys(keys).fingerprints;
            for (const type of ["ed25519", "ecdsa", "rsa"] as const) {
                const file = path.join(res.keysDir, `ssh_host_${type}_key`);
                expect(fs.readFileSync(file, "utf8"), type).to.equal(keys[type]);
                expect(fs.statSync(file).mode & 0o777, type).to.equal(0o600);
                const line = execFileSync("ssh-keygen", ["-l", "-f", file], { encoding: "utf8" });
                expect(line.split(" ")[1], type).to.equal(expected[type]);
            }
            expect(fs.statSync(res.keysDir).mode & 0o777).to.equal(0o700);
        });

        it("a secret without one of the keys fails naming it and leaves no half-written file", () => {
            const { rsa: _rsa, ...partial } = fixtureHostKeys();
            fs.rmSync(path.join(dir, "hostkeys"), { recursive: true, force: true });
            const res = install(JSON.stringify(partial));
            expect(res.status).to.equal(1);
            expect(res.stderr).to.include("sftp-host-keys-install: the secret has no rsa key");
            expect(fs.readdirSync(res.keysDir).sort()).to.deep.equal(["ssh_host_ecdsa_key", "ssh_host_ed25519_key"]);
        });
    });
});

// The launch-hook completer under bash, with stand-ins on PATH for what an instance has: `curl` as
// the instance metadata service (IMDSv2: a token first, then the instance id only with it),
// `systemctl` answering whether SFTPGo runs, and `aws` recording its arguments (moto serves no
// lifecycle actions to complete).
describe("regional gateway scripts: the launch-hook completer (bash, stub aws and IMDS)", () => {
    let dir = "";
    let script = "";
    let awsLog = "";
    const hook = { groupName: "sftp-secondary-gw-asg-dev", hookName: "gateway-boot" };

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "boot-complete-"));
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        awsLog = path.join(dir, "aws.log");
        // IMDSv2: PUT /latest/api/token gives the token; the instance id needs it in its header.
        const curl = [
            "#!/bin/bash",
            'args="$*"',
            'case "$args" in',
            '  *"-X PUT http://169.254.169.254/latest/api/token"*) echo -n "tok-123" ;;',
            '  *"X-aws-ec2-metadata-token: tok-123"*"/latest/meta-data/instance-id") echo -n "i-0abc1234def567890" ;;',
            '  *) echo "curl stub: unexpected $args" >&2; exit 22 ;;',
            "esac",
        ].join("\n");
        fs.writeFileSync(path.join(bin, "curl"), `${curl}\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "systemctl"), '#!/bin/bash\n[ "$*" = "is-active --quiet sftpgo" ] && [ "${SFTPGO_ACTIVE:-}" = yes ]\n', { mode: 0o755 });
        fs.writeFileSync(path.join(bin, "aws"), `#!/bin/bash\necho "$*" >> '${awsLog}'\n[ "\${AWS_FAILS:-}" != yes ]\n`, { mode: 0o755 });
        script = path.join(dir, "sftp-boot-complete");
        fs.writeFileSync(script, renderBootCompleteScript({ region, bucketName: bucket, hostKeySecretArn: "ARN", usersObjectKey }, hook), { mode: 0o755 });
    });

    after(() => {
        if (dir !== "") {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    function complete(argv: string[], extra: Record<string, string> = {}): { status: number | null; calls: string[]; stderr: string } {
        fs.rmSync(awsLog, { force: true });
        const env = { ...process.env, PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env.PATH ?? ""}`, ...extra };
        const res = spawnSync("bash", [script, ...argv], { env, encoding: "utf8" });
        const calls = fs.existsSync(awsLog) ? fs.readFileSync(awsLog, "utf8").split("\n").filter((l) => l !== "") : [];
        return { status: res.status, calls, stderr: res.stderr };
    }

    const call = (result: string) =>
        `autoscaling complete-lifecycle-action --region ${region} --auto-scaling-group-name ${hook.groupName} --lifecycle-hook-name ${hook.hookName} --instance-id i-0abc1234def567890 --lifecycle-action-result ${result}`;

    it("completes this instance's action with the result boot gives, its id read with an IMDSv2 token", () => {
        expect(complete(["CONTINUE"])).to.include({ status: 0 }).and.to.have.property("calls").that.deep.equals([call("CONTINUE")]);
        expect(complete(["ABANDON"]).calls).to.deep.equal([call("ABANDON")]);
    });

    it("on a later boot (no argument) answers CONTINUE when SFTPGo runs and ABANDON when it does not", () => {
        expect(complete([], { SFTPGO_ACTIVE: "yes" }).calls).to.deep.equal([call("CONTINUE")]);
        expect(complete([], { SFTPGO_ACTIVE: "no" }).calls).to.deep.equal([call("ABANDON")]);
    });

    it("a refused CONTINUE fails boot; a refusal with nothing pending (a plain reboot) is logged and ignored", () => {
        const refused = complete(["CONTINUE"], { AWS_FAILS: "yes" });
        expect(refused.status).to.equal(1);
        expect(refused.stderr).to.include("no launch action of i-0abc1234def567890 completed in sftp-secondary-gw-asg-dev");
        expect(complete([], { AWS_FAILS: "yes", SFTPGO_ACTIVE: "yes" }).status).to.equal(0);
    });

    it("the rendered user data abandons the launch when a boot step fails: the SFTPGo mirror out of reach stops it before anything is installed", () => {
        // The whole boot script as rendered, its completer written to the test's folder instead of
        // /usr/local/sbin; the curl stand-in answers only the metadata service, so the mirror fails.
        const sbin = path.join(dir, "sbin");
        fs.mkdirSync(sbin, { recursive: true });
        const userData = renderGatewayUserData({ region, bucketName: bucket, hostKeySecretArn: "ARN", usersObjectKey, launchHook: hook }).split(bootCompletePath).join(path.join(sbin, "sftp-boot-complete"));
        const file = path.join(dir, "user-data");
        fs.writeFileSync(file, userData);
        fs.rmSync(awsLog, { force: true });
        const res = spawnSync("bash", [file], { env: { ...process.env, PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env.PATH ?? ""}` }, encoding: "utf8" });
        expect(res.status).to.not.equal(0);
        expect(res.stderr).to.include("curl stub: unexpected");
        expect(fs.readFileSync(awsLog, "utf8").split("\n").filter((l) => l !== "")).to.deep.equal([call("ABANDON")]);
    });

    it("a later boot's unit reloads the users, then completes; a failed reload abandons", () => {
        // The unit's command line as rendered, with the sync replaced by a stand-in that fails on request.
        const userData = renderGatewayUserData({ region, bucketName: bucket, hostKeySecretArn: "ARN", usersObjectKey, launchHook: hook });
        const execStart = /^ExecStart=\/bin\/bash -c '(.+)'$/m.exec(userData.slice(userData.indexOf("sftp-boot-complete.service <<")))?.[1] ?? "";
        const sync = path.join(dir, "bin", "users-sync");
        fs.writeFileSync(sync, '#!/bin/bash\n[ "${SYNC_FAILS:-}" != yes ]\n', { mode: 0o755 });
        const command = execStart.split(usersSyncPath).join(sync).split(bootCompletePath).join(script);
        expect(command).to.include(sync).and.to.include(script);
        const unit = (extra: Record<string, string>) => {
            fs.rmSync(awsLog, { force: true });
            spawnSync("bash", ["-c", command], { env: { ...process.env, PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env.PATH ?? ""}`, ...extra }, encoding: "utf8" });
            return fs.readFileSync(awsLog, "utf8").split("\n").filter((l) => l !== "");
        };
        expect(unit({ SFTPGO_ACTIVE: "yes" })).to.deep.equal([call("CONTINUE")]);
        expect(unit({ SFTPGO_ACTIVE: "yes", SYNC_FAILS: "yes" })).to.deep.equal([call("ABANDON")]);
    });

    it("refuses a result other than CONTINUE or ABANDON without calling AWS", () => {
        const res = complete(["RETRY"]);
        expect(res).to.include({ status: 2 });
        expect(res.calls).to.deep.equal([]);
        expect(res.stderr).to.include("result must be CONTINUE or ABANDON (got RETRY)");
    });
});
