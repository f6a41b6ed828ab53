import { expect } from "chai";
import { parseCli } from "../support/parse-cli";
import { sftpEndpointsOf } from "../../automation/cli/context";
import { GlobalArgs } from "../../automation/cli/options";

// `--sftp-endpoint` is the one option given once per region: the CLI's repeated-flag guard lets it
// through, and its own parser refuses a region named twice or a malformed value, naming the flag.

describe("--sftp-endpoint", () => {
    it("is accepted once, and once per region", async () => {
        const one = await parseCli(["verify", "primary", "--sftp-endpoint", "primary=root@127.0.0.1:2222"]);
        expect(sftpEndpointsOf(one as unknown as GlobalArgs)).to.deep.equal({ primary: { host: "127.0.0.1", port: 2222, login: "root" } });
        const two = await parseCli(["status", "--sftp-endpoint", "primary=127.0.0.1:1", "--sftp-endpoint", "secondary=127.0.0.1:2"]);
        expect(Object.keys(sftpEndpointsOf(two as unknown as GlobalArgs))).to.deep.equal(["primary", "secondary"]);
    });

    it("refuses a region named twice, an unknown region and a value without a port, naming the flag", async () => {
        const cases: [string[], RegExp][] = [
            [["--sftp-endpoint", "primary=127.0.0.1:1", "--sftp-endpoint", "primary=127.0.0.1:2"], /^--sftp-endpoint names primary twice$/],
            [["--sftp-endpoint", "middle=127.0.0.1:22"], /^--sftp-endpoint must be region=\[login@\]host:port with region primary or secondary \(got "middle=127\.0\.0\.1:22"\)$/],
            [["--sftp-endpoint", "primary=nohost"], /^--sftp-endpoint primary: "nohost" is not host:port with a port 1–65535$/],
        ];
        for (const [flags, message] of cases) {
            const argv = await parseCli(["status", ...flags]);
            expect(() => sftpEndpointsOf(argv as unknown as GlobalArgs), flags.join(" ")).to.throw(message);
        }
    });

    it("other flags given twice are still refused", async () => {
        let error: unknown;
        await parseCli(["status", "--identity", "a", "--identity", "b"]).catch((err: unknown) => (error = err));
        expect((error as Error).message).to.match(/--identity was given more than once/);
    });

    it("verify without a region names the positional", async () => {
        let error: unknown;
        await parseCli(["verify"]).catch((err: unknown) => (error = err));
        expect((error as Error).message).to.equal("verify: <region> (primary or secondary) is required");
    });
});
