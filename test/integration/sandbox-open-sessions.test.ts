import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "ssh2";
import { waitForDrain } from "../../automation/driver/drain";
import { sandboxOpenSessions, setModelledOpenSessions } from "../../sandbox/open-sessions";
import { waitUntil } from "../support/child-server";
import { generateKeyPair, SshdServer, SshKeyPair, startSshd } from "../support/sshd";

// The sandbox's open sessions come from the lab's real SFTP sessions: an ssh2 client holding an
// SFTP session open to a real sshd is counted, and the drain ends when that client disconnects.

describe("sandbox open sessions: the lab's real SFTP sessions drive the drain", () => {
    let sshd: SshdServer;
    let userKey: SshKeyPair;
    let worldDir: string;

    before(async () => {
        userKey = await generateKeyPair();
        sshd = await startSshd({ authorizedKeys: [userKey.publicKey] });
        worldDir = fs.mkdtempSync(path.join(os.tmpdir(), "open-sessions-"));
    });
    after(async () => {
        await sshd?.stop();
        fs.rmSync(worldDir, { recursive: true, force: true });
    });

    /** Opens an SFTP session and keeps it open until `close` is called. */
    function openSftpSession(): Promise<{ close: () => void }> {
        return new Promise((resolve, reject) => {
            const client = new Client();
            client.on("ready", () => client.sftp((err) => (err ? reject(err) : resolve({ close: () => client.end() }))));
            client.on("error", reject);
            client.connect({ host: "127.0.0.1", port: sshd.port, username: sshd.user, privateKey: userKey.privateKey, readyTimeout: 15_000 });
        });
    }

    it("counts an open SFTP session, and the drain waits until the client ends it", async () => {
        const source = sandboxOpenSessions({ endpoints: { primary: { host: "127.0.0.1", port: sshd.port, login: sshd.user } } });
        expect(await source.read("primary")).to.deep.include({ known: true, sessions: 0 });
        const session = await openSftpSession();
        await waitUntil(async () => (await source.read("primary")).known && ((await source.read("primary")) as { sessions: number }).sessions === 1, {
            what: "the session counted",
            timeoutMs: 5_000,
            intervalMs: 50,
        });
        let reads = 0;
        const seen: number[] = [];
        const drained = waitForDrain({
            region: "primary",
            timeoutSeconds: 60,
            pollSeconds: 0.05,
            read: async (region) => {
                // The client ends its session once the drain has seen it open.
                if (++reads === 2) {
                    session.close();
                }
                const reading = await source.read(region);
                seen.push(reading.known ? reading.sessions : -1);
                return reading;
            },
        });
        const outcome = await drained;
        expect(outcome).to.deep.include({ outcome: "drained", openSessions: 0 });
        expect(seen[0], "the drain saw the session open first").to.equal(1);
        expect(seen.at(-1)).to.equal(0);
    });

    it("a drain that times out with the session open reports it", async () => {
        const source = sandboxOpenSessions({ endpoints: { primary: { host: "127.0.0.1", port: sshd.port, login: sshd.user } } });
        const session = await openSftpSession();
        try {
            const outcome = await waitForDrain({ region: "primary", timeoutSeconds: 1, pollSeconds: 0.2, read: source.read });
            expect(outcome).to.deep.include({ outcome: "timed-out", openSessions: 1 });
        } finally {
            session.close();
        }
    });

    it("the world's modelled count wins over the servers; no count and no server is none, saying why", async () => {
        const source = sandboxOpenSessions({ worldDir, endpoints: { primary: { host: "127.0.0.1", port: sshd.port, login: sshd.user } } });
        setModelledOpenSessions(worldDir, "primary", 3);
        expect(await source.read("primary")).to.deep.include({ known: true, sessions: 3 });
        setModelledOpenSessions(worldDir, "primary", undefined);
        expect(await source.read("primary")).to.deep.include({ known: true });
        const secondary = await source.read("secondary");
        expect(secondary).to.deep.include({ known: true, sessions: 0 });
        expect(secondary.source).to.contain("no SFTP server for secondary");
    });
});
