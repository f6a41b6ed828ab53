import { expect } from "chai";
import { canaryUserName } from "../../components/canary";
import { parseEndpoint, verifyRegion } from "../../automation/driver/verify";
import { sandboxEndpointAddresses } from "../../sandbox/cli-backends";
import { generateKeyPair, SshdServer, SshKeyPair, startSshd } from "../support/sshd";

// `verify` against a real OpenSSH sshd on loopback: the region passes only with one of the shared
// host keys, the canary's key, and a working put/get/list/delete; every failure names its phase.

describe("verify a region as its canary, against a real sshd", () => {
    let sshd: SshdServer;
    let canary: SshKeyPair;
    let outputs: Record<string, unknown>;

    before(async () => {
        canary = await generateKeyPair();
        sshd = await startSshd({ authorizedKeys: [canary.publicKey] });
        outputs = {
            endpointDnsName: "sftp-secondary-gw-nlb-0000000.elb.us-west-2.amazonaws.com",
            endpointPort: 22,
            hostKeyFingerprints: sshd.hostKeyFingerprints,
            canaryUser: canaryUserName,
        };
    });

    after(async () => {
        await sshd?.stop();
    });

    const lab = () => ({ host: "127.0.0.1", port: sshd.port, login: sshd.user });

    it("passes with the shared host keys and the canary's key, and says which key the server presented", async () => {
        const result = await verifyRegion({ region: "secondary", outputs, canaryKey: canary.privateKey, endpoint: lab() });
        expect(result, JSON.stringify(result)).to.include({ ok: true, region: "secondary", endpoint: `127.0.0.1:${sshd.port}` });
        expect(Object.values(sshd.hostKeyFingerprints)).to.include(result.hostKeyFingerprint);
    });

    it("fails at host-key when the region presents a key that is not one of the shared ones", async () => {
        const other = await generateKeyPair();
        const result = await verifyRegion({
            region: "secondary",
            outputs: { ...outputs, hostKeyFingerprints: { ed25519: other.fingerprint } },
            canaryKey: canary.privateKey,
            endpoint: lab(),
        });
        expect(result).to.include({ ok: false, stage: "host-key" });
        expect(result.message).to.match(/^secondary \(127\.0\.0\.1:\d+\) failed at host-key: /);
    });

    it("fails at authenticate when the region does not know the canary's key", async () => {
        const stranger = await generateKeyPair();
        const result = await verifyRegion({ region: "secondary", outputs, canaryKey: stranger.privateKey, endpoint: lab() });
        expect(result).to.include({ ok: false, stage: "authenticate" });
        expect(result.message).to.not.include("PRIVATE KEY");
    });

    it("fails at connect when nothing listens at the endpoint", async () => {
        const stopped = await startSshd({ authorizedKeys: [canary.publicKey] });
        const port = stopped.port;
        await stopped.stop();
        const result = await verifyRegion({ region: "primary", outputs, canaryKey: canary.privateKey, endpoint: { host: "127.0.0.1", port, login: sshd.user }, timeoutMs: 5000 });
        expect(result).to.include({ ok: false, stage: "connect", region: "primary" });
    });

    it("is unverifiable, not failed, when the region has no canary configured", async () => {
        const withoutCanary = { ...outputs, canaryUser: undefined };
        const result = await verifyRegion({ region: "secondary", outputs: withoutCanary, endpoint: lab() });
        expect(result).to.include({ ok: false, unverifiable: true });
        expect(result.message).to.match(/secondary has no canary to verify with: set the secret sftp-failover:canaryKey/);
        expect((await verifyRegion({ region: "secondary", outputs, endpoint: lab() })).unverifiable).to.equal(true);
    });

    it("with a resolver for endpoint names, a name it has no address for makes the region unverifiable with its reason, and nothing is dialled", async () => {
        const asked: string[] = [];
        const result = await verifyRegion({
            region: "secondary",
            outputs,
            canaryKey: canary.privateKey,
            resolveEndpointName: (name) => (asked.push(name), sandboxEndpointAddresses(name)),
        });
        expect(asked).to.deep.equal([outputs.endpointDnsName]);
        expect(result).to.deep.equal({
            region: "secondary",
            ok: false,
            unverifiable: true,
            message: `secondary: ${String(outputs.endpointDnsName)} is a sandbox load balancer with no address: give the region's SFTP endpoint (--sftp-endpoint region=host:port, or the controller's endpoints)`,
        });
    });

    it("with a resolver for endpoint names, the probe goes to the address it answers, at the exported port", async () => {
        const result = await verifyRegion({
            region: "secondary",
            outputs: { ...outputs, endpointPort: sshd.port },
            canaryKey: canary.privateKey,
            resolveEndpointName: async () => ["127.0.0.1"],
        });
        expect(result.endpoint).to.equal(`127.0.0.1:${sshd.port}`);
        // The exported canary user is no account of this sshd: the probe got past the host key to the login.
        expect(result).to.include({ ok: false, stage: "authenticate" });
    });

    it("parses host:port endpoints and refuses anything else, naming the value", () => {
        expect(parseEndpoint("127.0.0.1:2222", "ops")).to.deep.equal({ host: "127.0.0.1", port: 2222, login: "ops" });
        expect(parseEndpoint("[::1]:22")).to.deep.equal({ host: "::1", port: 22 });
        for (const bad of ["127.0.0.1", "host:0", "host:65536", ":22", "a b:22", "host:22x"]) {
            expect(() => parseEndpoint(bad), bad).to.throw(`"${bad}" is not host:port with a port 1–65535`);
        }
    });
});
