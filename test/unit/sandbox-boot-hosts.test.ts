import { expect } from "chai";
import { renderGatewayUserData } from "../../components/gateway-user-data";
import { awsServicesCalled, hostsOutsideAws } from "../../sandbox/boot-hosts";
import { factsOf } from "../../sandbox/world";

// Which hosts outside AWS a gateway's boot reaches, read from the real rendered user data.

const args = {
    region: "us-west-2",
    bucketName: "sftp-failover-secondary-123456789012",
    hostKeySecretArn: "arn:aws:secretsmanager:us-west-2:123456789012:secret:sftp-failover/secondary/host-keys-AbCdEf",
    usersObjectKey: ".sftp-failover/users/secondary.json",
};
const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("sandbox boot hosts", () => {
    it("the repository install reaches the OSU mirror; the pinned package reaches nothing outside AWS", () => {
        expect(hostsOutsideAws(base64(renderGatewayUserData(args)))).to.deep.equal(["ftp.osuosl.org"]);
        const pinned = renderGatewayUserData({ ...args, sftpgoPackage: { key: ".sftp-failover/artifacts/sftpgo.rpm", sha256: "0".repeat(64) } });
        expect(hostsOutsideAws(base64(pinned))).to.deep.equal([]);
    });

    it("AWS endpoints are not outside AWS; other hosts are, once each", () => {
        const script = "curl https://s3.us-west-2.amazonaws.com/x https://example.com/a http://EXAMPLE.com/b https://sts.cn-north-1.amazonaws.com.cn https://github.com/drakkan";
        expect(hostsOutsideAws(base64(script))).to.deep.equal(["example.com", "github.com"]);
        expect(hostsOutsideAws(undefined)).to.deep.equal([]);
    });

    it("the world keeps a launch template's hosts outside AWS, never its user data", () => {
        const facts = factsOf("aws:ec2/launchTemplate:LaunchTemplate", { name: "lt", userData: base64(renderGatewayUserData(args)) });
        expect(facts).to.deep.equal({ name: "lt", bootHostsOutsideAws: ["ftp.osuosl.org"], bootAwsServices: ["s3", "secretsmanager"] });
    });

    it("the AWS services boot calls include those of the scripts it writes from base64 (the host-key installer calls Secrets Manager)", () => {
        expect(awsServicesCalled(base64(renderGatewayUserData(args)))).to.deep.equal(["s3", "secretsmanager"]);
        // Without reading the embedded installer, Secrets Manager would be missed.
        const outer = renderGatewayUserData(args).replace(/base64 -d > [^\n]*sftp-host-keys-install <<'SCRIPT'\n[A-Za-z0-9+/=\n]+\nSCRIPT\n/, "");
        expect(awsServicesCalled(base64(outer))).to.deep.equal(["s3"]);
        expect(awsServicesCalled(base64("aws cloudwatch put-metric-data --x y\naws logs create-log-stream --a b\n"))).to.deep.equal(["logs", "monitoring"]);
    });
});
