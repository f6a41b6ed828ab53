import { expect } from "chai";
import { generateHostKeys, loadHostKeys } from "../../components/host-keys";
import { hostKeysThroughGateway } from "../../sandbox/lab-host-keys";
import { MotoServer, startMoto } from "../support/moto";
import { SshdServer, startSshd } from "../support/sshd";

// The lab's host keys through the gateway's own key fetch: a Secrets Manager secret on moto, the
// rendered installer script, the AWS CLI and jq, all real; then an sshd presenting what it wrote.

describe("lab host keys through the gateway's key installer and moto's Secrets Manager", function () {
    this.timeout(120_000);
    let moto: MotoServer | undefined;
    let sshd: SshdServer | undefined;

    before(async () => {
        moto = await startMoto({ region: "us-west-2" });
    });

    after(async () => {
        await sshd?.stop();
        await moto?.stop();
    });

    it("installs the three keys exactly as the HostKeys component stores them, and sshd presents their fingerprints", async () => {
        const texts = generateHostKeys("lab-host-keys-test");
        const expected = loadHostKeys(texts);

        const fetched = await hostKeysThroughGateway(texts, {
            moto: moto!,
            region: "us-west-2",
            secretName: "sftp-failover-host-keys-test",
            bucketName: "sftp-failover-secondary-123456789012",
            usersObjectKey: ".sftp-failover/users/secondary.json",
        });

        expect(fetched.secretArn).to.match(/^arn:aws:secretsmanager:us-west-2:\d{12}:secret:sftp-failover-host-keys-test-\w{6}$/);
        expect(fetched.hostKeys).to.deep.equal(expected.privateKeys);
        sshd = await startSshd({ hostKeys: fetched.hostKeys });
        expect(sshd.hostKeyFingerprints).to.deep.equal(expected.fingerprints);
    });

    it("stops with the installer's own line when the secret cannot be created (a name already taken)", async () => {
        const opts = {
            moto: moto!,
            region: "us-west-2",
            secretName: "sftp-failover-host-keys-taken",
            bucketName: "sftp-failover-secondary-123456789012",
            usersObjectKey: ".sftp-failover/users/secondary.json",
        };
        const texts = generateHostKeys("lab-host-keys-test");
        await hostKeysThroughGateway(texts, opts);

        const error = await hostKeysThroughGateway(texts, opts).then(
            () => undefined,
            (e: Error) => e.message,
        );
        expect(error).to.match(/^could not store the host keys in Secrets Manager \(moto at http:\/\/127\.0\.0\.1:\d+\): .*ResourceExistsException/);
        expect(error).to.not.include("PRIVATE KEY");
    });
});
