import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { renderUsersSyncScript } from "../../components/gateway-user-data";
import { SftpUser, canonicalUsersJson, parseUsersYaml, userListChunks, validateUsers } from "../../components/sftp-users";
import { MotoServer, motoCredentials, motoServerPath, startMoto } from "../support/moto";
import { fixtures } from "./regional-harness";

// The gateway's users sync, run for real: the rendered script, the AWS CLI against moto's SSM, jq.
// Only systemctl is a stand-in (it records its arguments), so the test sees exactly when SFTPGo
// would be told to reload.

const region = "us-west-2";
const parameterPath = "/sftp-failover/secondary/users";

function ciRequires(what: string): boolean {
    if (process.env.CI !== undefined && process.env.CI !== "") {
        throw new Error(`${what} is missing; CI must run this test`);
    }
    return false;
}

describe("regional users sync (moto, AWS CLI, jq)", function () {
    this.timeout(60_000);
    let moto: MotoServer | undefined;
    let dir = "";
    let script = "";
    let dump = "";
    let systemctlLog = "";
    let env: NodeJS.ProcessEnv = {};

    before(async function () {
        const tools = ["aws", "jq"].every((t) => spawnSync(t, ["--version"], { stdio: "ignore" }).status === 0);
        if (!tools || !fs.existsSync(motoServerPath)) {
            ciRequires("aws, jq or moto (scripts/ensure-test-tools)");
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
                bucketName: "sftp-failover-secondary-123456789012",
                hostKeySecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:x",
                usersParameterPath: parameterPath,
                usersDumpPath: dump,
                serviceUser: owner,
            }),
            { mode: 0o755 },
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
    });

    after(async () => {
        await moto?.stop();
        if (dir !== "") {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    /** Stores a user list as the stack does: chunks `<path>/000`, `/001`, ... (small, so there are several). */
    function publish(users: readonly SftpUser[] | string[]): void {
        const chunks = typeof users[0] === "string" ? (users as string[]) : userListChunks(canonicalUsersJson(users as SftpUser[]), 300);
        chunks.forEach((chunk, i) => {
            execFileSync(
                "aws",
                ["ssm", "put-parameter", "--region", region, "--name", `${parameterPath}/${String(i).padStart(3, "0")}`, "--type", "String", "--overwrite", "--value", chunk],
                { env, stdio: "ignore" },
            );
        });
    }

    function sync(): { status: number | null; stderr: string } {
        const res = spawnSync("bash", [script], { env, encoding: "utf8" });
        return { status: res.status, stderr: res.stderr };
    }

    const hups = () => (fs.existsSync(systemctlLog) ? fs.readFileSync(systemctlLog, "utf8").split("\n").filter((l) => l.startsWith("kill ")) : []);

    it("loads every chunk, writes the SFTPGo dump and reloads SFTPGo; an unchanged list reloads nothing; a change reloads once", () => {
        const users = parseUsersYaml(fs.readFileSync(path.join(fixtures, "users.yaml"), "utf8"), "users.yaml");
        publish(users);
        const first = sync();
        expect(first.status, first.stderr).to.equal(0);
        const loaded = JSON.parse(fs.readFileSync(dump, "utf8")) as { users: { username: string; filesystem: { s3config: { key_prefix: string } } }[] };
        expect(loaded.users.map((u) => u.username)).to.deep.equal(["alice", "auditor", "bob"]);
        expect(loaded.users[2].filesystem.s3config.key_prefix).to.equal("partners/bob/");
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

    it("a read that races an update (chunks that do not join into JSON) fails and keeps the previous dump", () => {
        const before = fs.existsSync(dump) ? fs.readFileSync(dump, "utf8") : "";
        const reloads = hups().length;
        publish(['{"version":1,"users":[{"name":"half-writ']);
        const res = sync();
        expect(res.status).to.not.equal(0);
        expect(fs.existsSync(dump) ? fs.readFileSync(dump, "utf8") : "").to.equal(before);
        expect(hups()).to.have.length(reloads);
        expect(fs.readdirSync(dir).filter((f) => f.startsWith("users-dump.json."))).to.deep.equal([]);
    });
});
