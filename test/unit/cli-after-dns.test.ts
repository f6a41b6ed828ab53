import { expect } from "chai";
import { parseCli } from "../support/parse-cli";
import { AfterDnsArgs, afterDnsOf } from "../../automation/cli/after-dns-flags";
import { switchExitCode } from "../../automation/cli/switch";
import { exitCodeHelp } from "../../automation/cli/errors";
import { SetPostureResult } from "../../automation/driver/types";

// The flags of the check after DNS moves, on the switching verbs: parsed into the SDK's afterDns
// option, refused with one line naming the flag, and a failed check turning into exit code 4.

describe("--dns-server, --service-name and --region-address", () => {
    it("turn into the check's options on failover, failback and posture; without --dns-server there is no check", async () => {
        const argv = await parseCli<AfterDnsArgs>(["failover", "--reason", "r", "--dns-server", "127.0.0.1:5353", "--dns-server", "192.0.2.53", "--service-name", "sftp.example.com",
            "--region-address", "primary=192.0.2.10", "--region-address", "secondary=192.0.2.20,192.0.2.21"]);
        expect(afterDnsOf(argv)).to.deep.equal({
            servers: ["127.0.0.1:5353", "192.0.2.53"],
            name: "sftp.example.com",
            regionAddresses: { primary: ["192.0.2.10"], secondary: ["192.0.2.20", "192.0.2.21"] },
        });
        expect(afterDnsOf(await parseCli<AfterDnsArgs>(["failback", "--dns-server", "[::1]:53"]))).to.deep.equal({ servers: ["[::1]:53"] });
        expect(afterDnsOf(await parseCli<AfterDnsArgs>(["failback", "--dns-server", "127.0.0.1", "--dns-settle", "2.5"]))).to.deep.equal({ servers: ["127.0.0.1"], settleMs: 2500 });
        expect(afterDnsOf(await parseCli<AfterDnsArgs>(["posture", "active-active"]))).to.equal(undefined);
    });

    it("refuses a server that is not an address, a bad region or address, a name without a server, naming the flag", async () => {
        const cases: [string[], RegExp][] = [
            [["--dns-server", "ns1.example.com"], /^--dns-server must be an IP address, ip:port or \[ipv6\]:port with a port 1–65535 \(got "ns1\.example\.com"\)$/],
            [["--dns-server", "127.0.0.1:0"], /^--dns-server must be .* \(got "127\.0\.0\.1:0"\)$/],
            [["--dns-server", "127.0.0.1", "--region-address", "middle=192.0.2.1"], /^--region-address must be region=ip\[,ip…\] with region primary or secondary \(got "middle=192\.0\.2\.1"\)$/],
            [["--dns-server", "127.0.0.1", "--region-address", "primary=lb.example.com"], /^--region-address primary: "lb\.example\.com" is not an IP address$/],
            [["--dns-server", "127.0.0.1", "--region-address", "primary=192.0.2.1", "--region-address", "primary=192.0.2.2"], /^--region-address names primary twice$/],
            [["--service-name", "sftp.example.com"], /^--service-name needs --dns-server/],
            [["--dns-server", "127.0.0.1", "--service-name", "a b"], /^--service-name must be a DNS name \(got "a b"\)$/],
            [["--dns-settle", "5"], /^--dns-settle needs --dns-server/],
            [["--dns-server", "127.0.0.1", "--dns-settle", "-1"], /^--dns-settle must be a number of seconds ≥ 0 \(got -1\)$/],
        ];
        for (const [flags, message] of cases) {
            const argv = await parseCli<AfterDnsArgs>(["failover", "--reason", "r", ...flags]);
            expect(() => afterDnsOf(argv), flags.join(" ")).to.throw(message);
        }
    });

    it("exit code: 4 when the check after DNS failed, 3 when degraded wins, 0 when it passed", () => {
        const base: SetPostureResult = { runId: "r", status: "ok", to: "failover", steps: [], remaining: [], fenced: [], durationMs: 1 };
        const failedCheck = { outcome: "failed", name: "n", servers: [], failed: "session" } as const;
        expect(switchExitCode({ ...base, afterDns: failedCheck })).to.equal(4);
        expect(switchExitCode({ ...base, status: "degraded", afterDns: failedCheck })).to.equal(3);
        expect(switchExitCode({ ...base, afterDns: { outcome: "passed", name: "n", servers: [] } })).to.equal(0);
    });

    it("exit code: 5 when the switch is unverified (no canary, or --skip-verify), never 0; degraded and a failed check still say more", () => {
        const base: SetPostureResult = { runId: "r", status: "unverified", to: "failover", steps: [], remaining: [], fenced: [], durationMs: 1 };
        expect(switchExitCode(base)).to.equal(5);
        expect(switchExitCode({ ...base, afterDns: { outcome: "failed", name: "n", servers: [], failed: "answers" } })).to.equal(4);
        expect(switchExitCode({ ...base, status: "degraded" })).to.equal(3);
        expect(exitCodeHelp).to.contain("5 switched unverified");
    });
});
