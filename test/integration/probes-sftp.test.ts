import { expect } from "chai";
import * as fs from "node:fs";
import * as net from "node:net";
import { probeSftp, SftpProbeOptions } from "../../automation/probes/sftp";
import { waitUntil } from "../support/child-server";
import { generateKeyPair, SshdServer, SshKeyPair, startSshd } from "../support/sshd";

describe("SFTP probe against a real OpenSSH sshd", () => {
    let sshd: SshdServer;
    let userKey: SshKeyPair;
    let base: SftpProbeOptions;

    before(async () => {
        userKey = await generateKeyPair();
        sshd = await startSshd({ authorizedKeys: [userKey.publicKey] });
        base = {
            host: "127.0.0.1",
            port: sshd.port,
            username: sshd.user,
            privateKey: userKey.privateKey,
            expectedHostKeyFingerprints: Object.values(sshd.hostKeyFingerprints),
            timeoutMs: 15_000,
        };
    });

    /** Waits (bounded) for sshd's own log to show a line with all of `parts`: the server's view, not the client's. */
    async function sshdLogged(...parts: string[]): Promise<void> {
        const logged = () => sshd.output().split("\n").some((line) => parts.every((p) => line.includes(p)));
        await waitUntil(async () => logged(), { what: `sshd log line with ${parts.join(" … ")}`, timeoutMs: 5000, intervalMs: 20 })
            .catch((err: Error) => expect.fail(`${err.message}\n${sshd.output()}`));
    }

    after(async () => {
        await sshd?.stop();
    });

    it("writes, reads back, lists and deletes a file when the host key and the user key are right", async () => {
        const result = await probeSftp(base);

        expect(result, JSON.stringify(result)).to.include({ ok: true, bytes: 1024 });
        if (!result.ok) return;
        expect(Object.values(sshd.hostKeyFingerprints)).to.include(result.hostKeyFingerprint);
        for (const step of ["handshakeMs", "authenticateMs", "openSftpMs", "writeMs", "readMs", "listMs", "deleteMs"] as const) {
            expect(result.timings[step], step).to.be.a("number").at.least(0);
        }
        expect(result.timings.totalMs).to.be.at.least(result.timings.writeMs ?? 0);
        // The file went through the real server's folder and is gone again.
        expect(fs.readdirSync(sshd.sftpDir)).to.deep.equal([]);
        await sshdLogged(`Accepted publickey for ${sshd.user} from 127.0.0.1`, userKey.fingerprint);
    });

    it("trusts a server when only one of its host keys is expected", async () => {
        const result = await probeSftp({ ...base, expectedHostKeyFingerprints: [sshd.hostKeyFingerprints.ed25519] });

        expect(result.ok, JSON.stringify(result)).to.equal(true);
        expect(result.hostKeyFingerprint).to.equal(sshd.hostKeyFingerprints.ed25519);
    });

    it("refuses a server whose host key is not an expected one, before authenticating", async () => {
        const impostor = await generateKeyPair();

        const result = await probeSftp({ ...base, expectedHostKeyFingerprints: [impostor.fingerprint] });

        expect(result.ok).to.equal(false);
        if (result.ok) return;
        expect(result.stage).to.equal("host-key");
        expect(result.message).to.include("is not one of the expected fingerprints").and.include(impostor.fingerprint);
        expect(Object.values(sshd.hostKeyFingerprints)).to.include(result.hostKeyFingerprint);
        expect(result.timings.authenticateMs).to.equal(undefined);
        expect(fs.readdirSync(sshd.sftpDir)).to.deep.equal([]);
    });

    it("trusts a second server that shares the first one's host keys, as the secondary region does", async () => {
        const [ed25519, ecdsa, rsa] = await Promise.all([generateKeyPair("ed25519"), generateKeyPair("ecdsa"), generateKeyPair("rsa")]);
        const primary = await startSshd({ hostKeys: { ed25519: ed25519.privateKey, ecdsa: ecdsa.privateKey, rsa: rsa.privateKey } });
        const secondary = await startSshd({
            hostKeys: { ed25519: ed25519.privateKey, ecdsa: ecdsa.privateKey, rsa: rsa.privateKey },
            authorizedKeys: [userKey.publicKey],
        });
        try {
            expect(secondary.hostKeyFingerprints).to.deep.equal(primary.hostKeyFingerprints);
            expect(primary.hostKeyFingerprints).to.deep.equal({ ed25519: ed25519.fingerprint, ecdsa: ecdsa.fingerprint, rsa: rsa.fingerprint });

            const pinnedToPrimary = Object.values(primary.hostKeyFingerprints);
            const onSecondary = await probeSftp({ ...base, port: secondary.port, expectedHostKeyFingerprints: pinnedToPrimary });
            const onOwnKeys = await probeSftp({ ...base, expectedHostKeyFingerprints: pinnedToPrimary });

            expect(onSecondary.ok, JSON.stringify(onSecondary)).to.equal(true);
            expect(onOwnKeys).to.deep.include({ ok: false, stage: "host-key" });
        } finally {
            await Promise.all([primary.stop(), secondary.stop()]);
        }
    });

    it("reports an authentication failure when the user key is not authorized", async () => {
        const stranger = await generateKeyPair();

        const result = await probeSftp({ ...base, privateKey: stranger.privateKey });

        expect(result.ok).to.equal(false);
        if (result.ok) return;
        expect(result.stage).to.equal("authenticate");
        expect(result.message).to.include(`refused the key of user "${sshd.user}"`);
        expect(result.timings.handshakeMs).to.be.a("number");
        expect(result.timings.writeMs).to.equal(undefined);
        await sshdLogged(`Failed publickey for ${sshd.user} from 127.0.0.1`, stranger.fingerprint);
    });

    it("reports a connection failure when nothing listens on the port", async () => {
        const result = await probeSftp({ ...base, port: 1 });

        expect(result.ok).to.equal(false);
        if (result.ok) return;
        expect(result.stage).to.equal("connect");
        expect(result.message).to.match(/^could not connect to 127\.0\.0\.1:1: .*ECONNREFUSED/);
    });

    it("gives up at connect, within its bound, when the server accepts TCP but never speaks SSH", async () => {
        const silent = net.createServer(() => undefined);
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        try {
            const port = (silent.address() as net.AddressInfo).port;

            const result = await probeSftp({ ...base, port, timeoutMs: 300 });

            expect(result.ok).to.equal(false);
            if (result.ok) return;
            expect(result.stage).to.equal("connect");
            expect(result.message).to.match(/timed out/i);
        } finally {
            silent.close();
        }
    });

    it("stops at once when aborted before it starts", async () => {
        const result = await probeSftp({ ...base, signal: AbortSignal.abort() });

        expect(result).to.deep.include({ ok: false, stage: "connect" });
        if (result.ok) return;
        expect(result.message).to.include("aborted");
    });

    it("rejects options that would trust any host key", async () => {
        let error: unknown;
        await probeSftp({ ...base, expectedHostKeyFingerprints: [] }).catch((err: unknown) => { error = err; });
        expect(String(error)).to.include("expectedHostKeyFingerprints is empty");

        await probeSftp({ ...base, expectedHostKeyFingerprints: ["MD5:aa:bb"] }).catch((err: unknown) => { error = err; });
        expect(String(error)).to.include('has "MD5:aa:bb", which is not a SHA256');
    });
});
