import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { canaryHomePrefix, canaryIdentityOf, canaryUserName } from "../../components/canary";
import { generateHostKeys } from "../../components/host-keys";
import { parseRegionalConfig } from "../../stacks/config/regional";
import { ConfigReader } from "../../stacks/config/source";
import { fixtures, ofType, primaryConfig, runRegional, runRegionalFailure, usersObjectBody } from "./regional-harness";

// The canary: a user the driver verifies with. Stored with the users, confined to its own prefix,
// left out of the users' drift fingerprint, its key secret config that is never quoted.

const canaryKey = generateHostKeys("canary").ed25519;

function storedUsers(run: Awaited<ReturnType<typeof runRegional>>): { name: string; homePrefix: string }[] {
    const [object] = ofType(run, "aws:s3/bucketObjectv2:BucketObjectv2");
    return (JSON.parse(usersObjectBody(object)) as { users: { name: string; homePrefix: string }[] }).users;
}

describe("regional canary user (mocks)", () => {
    it("stores the canary beside the declared users, in its own prefix, and exports its name", async () => {
        const run = await runRegional({ ...primaryConfig(), canaryKey });
        const users = storedUsers(run);
        expect(users.find((u) => u.name === canaryUserName)).to.deep.include({ homePrefix: canaryHomePrefix });
        expect(run.outputs.canaryUser).to.equal(canaryUserName);
    });

    it("leaves the users' drift fingerprint unchanged, so adding a canary is not user drift", async () => {
        const without = await runRegional(primaryConfig());
        const withCanary = await runRegional({ ...primaryConfig(), canaryKey });
        expect(withCanary.outputs.usersFingerprint).to.equal(without.outputs.usersFingerprint);
        expect(storedUsers(withCanary).length).to.equal(storedUsers(without).length + 1);
        expect(without.outputs.canaryUser).to.equal(undefined);
    });

    it("grants the gateways the canary's prefix like any user's", async () => {
        const policiesOf = async (config: Record<string, unknown>) =>
            JSON.stringify(ofType(await runRegional(config), "aws:iam/rolePolicy:RolePolicy").map((p) => p.inputs.policy));
        expect(await policiesOf({ ...primaryConfig(), canaryKey })).to.include(canaryHomePrefix);
        expect(await policiesOf(primaryConfig())).to.not.include(canaryHomePrefix);
    });

    it("refuses a canary key that is not a private key, naming the key and never quoting it", async () => {
        const { error, resources } = await runRegionalFailure({ ...primaryConfig(), canaryKey: "ssh-ed25519 AAAA-not-a-private-key" });
        expect(error.message).to.match(/sftp-failover:canaryKey is not a usable SSH private key/);
        expect(error.message).to.not.include("AAAA-not-a-private-key");
        expect(resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).to.deep.equal([]);
    });

    it("refuses a declared user that takes the canary's name", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "canary-users-"));
        try {
            const alice = fs.readFileSync(path.join(fixtures, "user-keys", "alice.pub"), "utf8").trim();
            const file = path.join(dir, "users.yaml");
            fs.writeFileSync(file, `users:\n  - name: ${canaryUserName}\n    publicKeys: ["${alice}"]\n`);
            const { error } = await runRegionalFailure({ ...primaryConfig(), usersFile: file, canaryKey });
            expect(error.message).to.match(new RegExp(`user "${canaryUserName}" is reserved for the canary`));
            // Without a canary, the same name is just a user.
            expect((await runRegional({ ...primaryConfig(), usersFile: file })).outputs.canaryUser).to.equal(undefined);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a declared user whose home contains the canary's", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "canary-users-"));
        try {
            const alice = fs.readFileSync(path.join(fixtures, "user-keys", "alice.pub"), "utf8").trim();
            const file = path.join(dir, "users.yaml");
            fs.writeFileSync(file, `users:\n  - name: ops\n    homePrefix: canary/ops\n    publicKeys: ["${alice}"]\n`);
            const { error } = await runRegionalFailure({ ...primaryConfig(), usersFile: file, canaryKey });
            expect(error.message).to.match(/user "ops" has homePrefix "canary\/ops\/" inside user "sftp-canary"/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a canary key stored in plaintext, naming the key and the command that stores it encrypted", () => {
        const entries = Object.fromEntries(
            Object.entries({ ...primaryConfig(), canaryKey }).map(([k, v]) => [
                `sftp-failover:${k}`,
                { value: typeof v === "string" ? v : JSON.stringify(v), secret: k === "hostKeys" },
            ]),
        );
        expect(() => parseRegionalConfig(ConfigReader.fromEntries(entries))).to.throw(
            /^sftp-failover:canaryKey must be a secret: set it with `pulumi config set --secret sftp-failover:canaryKey`$/,
        );
    });

    it("derives the canary's public key from its private key", () => {
        const identity = canaryIdentityOf(canaryKey);
        expect(identity.user).to.equal(canaryUserName);
        expect(identity.publicKey).to.match(/^ssh-ed25519 [A-Za-z0-9+/]+=*$/);
    });
});
