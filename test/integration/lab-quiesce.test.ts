import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { sandboxOpenSessions } from "../../sandbox/open-sessions";
import { ClientFiles, holdSession, uploadOnce, writeLargeFile } from "../../sandbox/lab-upload";
import { waitForDrain } from "../../automation/driver/drain";
import { generateKeyPair, SshdServer, SshKeyPair, startSshd } from "../support/sshd";

// The lab's quiesce on a real OpenSSH server and real `sftp` clients (issue 24): once the server
// reloads read-only (as a gateway reloads a quiesced users list), a client that logs in is refused
// writes cleanly, while a session open before keeps writing — its large upload completes — and the
// drain, counting the server's real sessions, ends only after that session does.

describe("lab quiesce: a read-only reload refuses new writes and lets an open upload finish", function () {
    let sshd: SshdServer;
    let files: ClientFiles;
    const endpoint = () => ({ host: "127.0.0.1", port: sshd.port, login: sshd.user });

    before(async () => {
        const [user, ed25519, ecdsa, rsa] = await Promise.all([generateKeyPair(), generateKeyPair("ed25519"), generateKeyPair("ecdsa"), generateKeyPair("rsa")]);
        const host: SshKeyPair[] = [ed25519, ecdsa, rsa];
        sshd = await startSshd({ authorizedKeys: [user.publicKey], hostKeys: { ed25519: ed25519.privateKey, ecdsa: ecdsa.privateKey, rsa: rsa.privateKey } });
        files = new ClientFiles({ privateKey: user.privateKey, hostPublicKeys: host.map((k) => k.publicKey), hostAlias: "sftp.lab.test" });
    });
    after(async () => {
        files?.remove();
        await sshd?.stop();
    });

    it("a new session is refused its upload with Permission denied and nothing stored; the open one completes and the drain waits for it", async () => {
        const large = path.join(files.dir, "large.bin");
        const small = path.join(files.dir, "small.bin");
        const bytes = 2 * 1024 * 1024;
        writeLargeFile(large, bytes);
        fs.writeFileSync(small, "late\n");
        expect((await uploadOnce(files, endpoint(), small, "before.bin")).ok, "writable before the quiesce").to.equal(true);

        const held = await holdSession(files, endpoint(), { limitKbits: 4096, timeoutMs: 120_000 });
        await sshd.setReadOnly(true);
        expect(sshd.readOnly).to.equal(true);

        const late = await uploadOnce(files, endpoint(), small, "late.bin");
        expect(late.ok).to.equal(false);
        expect(late.stderr).to.match(/permission denied/i);
        expect(fs.existsSync(path.join(sshd.sftpDir, "late.bin")), "nothing stored").to.equal(false);

        // The open session uploads after the reload, and leaves once the drain has seen it open.
        held.put(large, "large.bin");
        const source = sandboxOpenSessions({ endpoints: { primary: endpoint() } });
        const session: { ended?: ReturnType<typeof held.end> } = {};
        const seen: number[] = [];
        const drain = await waitForDrain({
            region: "primary",
            timeoutSeconds: 120,
            pollSeconds: 0.2,
            read: async (region) => {
                const reading = await source.read(region);
                seen.push(reading.known ? reading.sessions : -1);
                session.ended ??= held.end();
                return reading;
            },
        });
        const outcome = await (session.ended ?? held.end());
        expect(outcome.ok, outcome.stderr).to.equal(true);
        expect(fs.statSync(path.join(sshd.sftpDir, "large.bin")).size, "the whole file").to.equal(bytes);
        expect(seen[0], "the drain found the session open").to.equal(1);
        expect(drain).to.deep.include({ outcome: "drained", openSessions: 0 });

        await sshd.setReadOnly(false);
        expect((await uploadOnce(files, endpoint(), small, "after.bin")).ok, "writable again once lifted").to.equal(true);
    });
});
