// Every range a CLI flag is checked against, at its edges on both sides: the last value accepted
// and the first refused, each refusal one line naming the flag and the value (exit code 2 from
// the CLI: UsageError). Open-ended ranges (> 0, ≥ 0) have one edge.
import { expect } from "chai";
import { leaseMs, stepTimeoutMs, waitMs } from "../../automation/cli/context";
import { drainOptionsOf } from "../../automation/cli/drain-flags";
import { UsageError } from "../../automation/cli/errors";
import { GlobalArgs } from "../../automation/cli/options";
import { isDnsServer } from "../../automation/driver/post-dns-inputs";
import { AfterDnsArgs, afterDnsOf } from "../../automation/cli/after-dns-flags";

interface FlagEdge {
    readonly flag: string;
    readonly check: (value: number) => unknown;
    readonly accepted: readonly number[];
    readonly refused: readonly number[];
}

const edges: readonly FlagEdge[] = [
    { flag: "--lease", check: leaseMs, accepted: [Number.MIN_VALUE, 0.001], refused: [0, -Number.MIN_VALUE] },
    { flag: "--wait", check: (wait) => waitMs({ wait } as GlobalArgs), accepted: [0, Number.MIN_VALUE], refused: [-Number.MIN_VALUE, -1] },
    { flag: "--step-timeout", check: stepTimeoutMs, accepted: [Number.MIN_VALUE, 0.001], refused: [0, -Number.MIN_VALUE] },
    { flag: "--drain-timeout", check: (t) => drainOptionsOf({ "drain-timeout": t }), accepted: [0, 3600], refused: [-1, 3601, 0.5] },
    { flag: "--dns-settle", check: (s) => afterDnsOf({ "dns-server": ["127.0.0.1"], "dns-settle": s } as AfterDnsArgs), accepted: [0, Number.MIN_VALUE], refused: [-Number.MIN_VALUE] },
];

describe("CLI flags at the edges of their ranges", () => {
    for (const e of edges) {
        it(`${e.flag} accepts ${e.accepted.join(" and ")}, refuses ${e.refused.join(" and ")} naming the flag and the value`, () => {
            for (const value of e.accepted) {
                expect(() => e.check(value), String(value)).to.not.throw();
            }
            for (const value of e.refused) {
                expect(() => e.check(value), String(value)).to.throw(UsageError, new RegExp(`^${e.flag} must be .*\\(got ${String(value).replace(/[.+-]/g, "\\$&")}\\)$`));
            }
        });
    }

    it("--dns-server takes a port 1–65535, with 53 when none is given", () => {
        for (const ok of ["127.0.0.1", "127.0.0.1:1", "127.0.0.1:65535", "[::1]:1", "[::1]:65535"]) {
            expect(isDnsServer(ok), ok).to.equal(true);
        }
        for (const bad of ["127.0.0.1:0", "127.0.0.1:65536", "[::1]:0", "[::1]:65536"]) {
            expect(isDnsServer(bad), bad).to.equal(false);
            expect(() => afterDnsOf({ "dns-server": [bad] } as AfterDnsArgs)).to.throw(UsageError, `--dns-server must be an IP address, ip:port or [ipv6]:port with a port 1–65535 (got "${bad}")`);
        }
    });
});
