import { expect } from "chai";
import { FenceRun, parseFenceFlags } from "../../bench/fence";
import { parseFlags } from "../../bench/main";
import { fenceRows, loadLine, onlyReadsAndOnePublish, recordRows, scaleRatioRows, switchRows } from "../../bench/table";
import { machineBusyMs, processTimes, readCpuCounters } from "../../bench/cpu-time";
import { pairedRatios, perRound, verdictAtMost, verdictCell, watchLoad } from "../../bench/verdict";
import { refusalOf } from "../../bench/scale";
import { summarize } from "../../bench/stats";
import { storageLabel, usersYaml, userStorage } from "../../bench/users";
import { canonicalUsersJson, parseUsersYaml } from "../../components/sftp-users";

describe("bench helpers", () => {
    it("summarize reports the median of an odd and an even count, and the spread", () => {
        expect(summarize([5, 1, 3])).to.include({ median: 3, min: 1, max: 5 });
        expect(summarize([4, 1, 3, 2])).to.include({ median: 2.5, min: 1, max: 4 });
        expect(() => summarize([])).to.throw("no samples");
    });

    it("generated users pass the program's own validation, one ed25519 key each", () => {
        const users = parseUsersYaml(usersYaml(3), "generated");

        expect(users.map((u) => u.name)).to.deep.equal(["user0000", "user0001", "user0002"]);
        for (const u of users) {
            expect(u.publicKeys).to.have.length(1);
            expect(u.publicKeys[0]).to.match(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/);
        }
        expect(new Set(users.map((u) => u.publicKeys[0])).size).to.equal(3);
    });

    it("measures the one users object per region as the canonical list's bytes", () => {
        const text = usersYaml(60);
        const storage = userStorage(text);

        expect(storage.users).to.equal(60);
        expect(storage.canonicalBytes).to.equal(canonicalUsersJson(parseUsersYaml(text, "generated")).length);
        expect(storageLabel({ users: 2000, canonicalBytes: 320_512 })).to.equal("1 object/region (313 KiB)");
    });

    it("a user count the stacks cannot be deployed with is reported by the check's own words, not the quoted policy", () => {
        const policy = `{"Version":"2012-10-17","Statement":[${'{"Sid":"x"},'.repeat(500)}]}`;
        const err = new Error(
            `Command failed with exit code 1: pulumi up\n    aws:iam:RolePolicy sftp-primary-gw-policy  error: aws:iam/rolePolicy:RolePolicy resource 'sftp-primary-gw-policy': property policy value {${policy}} has a problem: iam: policy is 20145 characters; at most 10240 are allowed; LimitExceeded (PutRolePolicy)\n`,
        );
        expect(refusalOf(err)).to.equal("sftp-primary-gw-policy: iam: policy is 20145 characters; at most 10240 are allowed; LimitExceeded (PutRolePolicy)");
        expect(refusalOf(new Error("error: something else broke"))).to.equal("error: something else broke");
    });

    it("flags: defaults, and each refusal names the flag and the value", () => {
        expect(parseFlags([])).to.deep.equal({ reps: 5, users: [10, 200, 2000, 10000], coldStart: false });
        expect(parseFlags(["--reps", "5", "--users", "none", "--cold-start"])).to.deep.equal({ reps: 5, users: [], coldStart: true });
        expect(() => parseFlags(["--reps", "0"])).to.throw("--reps must be an integer 1–20 (got 0)");
        expect(() => parseFlags(["--users", "10,x"])).to.throw('--users must be "none" or counts 1–20000 separated by commas (got 10,x)');
        expect(() => parseFlags(["--fast"])).to.throw("unknown flag --fast");
        expect(() => parseFlags(["--reps"])).to.throw("--reps needs a value");
    });

    it("fence rows: the targets apply to the compiled emergency path; the engine path is shown beside it without one", () => {
        const run = (path: FenceRun["path"], ackMs: number, operations: string[]): FenceRun => ({
            path,
            verb: "fence",
            ackMs,
            exitMs: ackMs + 10,
            exitCode: 0,
            calls: operations.map((operation) => ({ operation, answeredMs: ackMs, status: 200 })),
        });
        const reads = ["GetMetricData", "DescribeAlarmsForMetric", "GetMetricData", "DescribeAlarmsForMetric", "GetMetricData"];
        const rows = fenceRows([
            run("emergency-compiled", 400, [...reads, "PutMetricData"]),
            run("emergency-compiled", 1200, [...reads, "PutMetricData"]),
            run("emergency-compiled", 500, [...reads, "PutMetricData"]),
            run("engine-ts-node", 26_000, ["GetMetricData", "DescribeAlarmsForMetric", "PutMetricData"]),
        ]);
        expect(rows.map((r) => [r.measure.split(":")[0], r.value, r.met])).to.deep.equal([
            ["fence, emergency path, compiled CLI (dist/)", "0.50 s (0.40 s–1.20 s); exit 0.51 s", true],
            ["fence, emergency path, compiled CLI (dist/)", "6 (GetMetricData, DescribeAlarmsForMetric, PutMetricData)", true],
            ["fence --from-stack (engine path), ts-node", "26.00 s (26.00 s–26.00 s); exit 26.01 s", undefined],
            ["fence --from-stack (engine path), ts-node", "3 (GetMetricData, DescribeAlarmsForMetric, PutMetricData)", undefined],
        ]);
        expect(fenceRows([run("emergency-compiled", 1500, ["GetMetricData", "PutMetricData", "PutMetricData"])]).map((r) => r.met)).to.deep.equal([false, false]);
        expect(fenceRows([run("emergency-compiled", 500, ["ListMetrics", "PutMetricData"])]).map((r) => r.met)).to.deep.equal([true, false]);
        // A run that found the fence in place published nothing: the median is of the runs that did, and the row says how many.
        const noCall = { ...run("engine-ts-node", 0, ["GetMetricData"]), ackMs: undefined, exitMs: 20_000 };
        expect(fenceRows([run("engine-ts-node", 24_000, ["PutMetricData"]), noCall])[0].value).to.equal("24.00 s (24.00 s–24.00 s); exit 24.01 s; published in 1 of 2 runs");
    });

    // Five rounds of a switch both ways: the driver's samples and the bare ups' in round order.
    const rounds = (perRoundMs: readonly number[]) => summarize(perRoundMs.flatMap((ms) => [ms / 2, ms / 2]));

    it("switch rows: the overhead over (a) is judged per round against 1.15×, the one over (a′) is shown without a target", () => {
        const figures = {
            driver: rounds([12_000, 12_600, 12_200, 12_400, 12_100]),
            bare: rounds([15_000, 15_000, 15_000, 15_000, 15_000]),
            ups: rounds([8_400, 8_400, 8_400, 8_400, 8_400]),
            naive: rounds([60_000, 60_000, 60_000, 60_000, 60_000]),
            noop: summarize([1_400, 1_500, 1_450, 1_480, 1_500]),
        };
        const byMeasure = Object.fromEntries(switchRows(figures).map((r) => [r.measure.split(":")[0], [r.value, r.verdict]]));
        expect(byMeasure["driver / (a), per round"]).to.deep.equal(["0.81× (0.80–0.84×, 5 rounds)", "met"]);
        expect(byMeasure["driver / (a′)"]).to.deep.equal(["1.45× (1.43–1.50×, 5 rounds)", undefined]);
        expect(byMeasure["no-op / real switch, per round"]).to.deep.equal(["0.24× (0.23–0.25×, 5 rounds)", "met"]);
        // One slow round of the driver crosses the target: the spread straddles it, so no verdict either way.
        const straddling = switchRows({ ...figures, driver: rounds([12_000, 18_000, 12_200, 12_400, 12_100]), ups: undefined });
        expect(straddling.find((r) => r.measure === "driver / (a), per round")).to.include({ verdict: "unclear" });
        const slower = switchRows({ ...figures, driver: rounds([17_400, 17_600, 17_500, 17_800, 18_000]) });
        expect(slower.find((r) => r.measure === "driver / (a), per round")).to.include({ verdict: "missed" });
    });

    it("records rows: both spreads, and 4 against 1 record per region judged per round against 1.2×", () => {
        const rows = recordRows({ oneRecord: rounds([20_000, 22_000, 21_000, 20_000, 20_000]), fourRecords: rounds([22_000, 24_000, 23_000, 23_000, 22_000]) });
        expect(rows.map((r) => [r.measure, r.value, r.verdict])).to.deep.equal([
            ["switch with 1 record per region", "10.00 s (10.00 s–11.00 s)", undefined],
            ["switch with 4 records per region", "11.50 s (11.00 s–12.00 s)", undefined],
            ["switch 4 / 1 records per region, per round", "1.10× (1.09–1.15×, 5 rounds)", "met"],
        ]);
        expect(recordRows({ oneRecord: rounds([10_000, 10_000, 10_000, 10_000, 10_000]), fourRecords: rounds([12_100, 11_000, 12_500, 12_200, 12_400]) })[2].verdict).to.equal("unclear");
    });

    it("verdicts: met only when every round meets the target, missed when none does, unclear otherwise or with fewer than 5 rounds", () => {
        expect(verdictAtMost(summarize([1.0, 1.1, 1.2, 1.15, 1.19]), 1.2)).to.equal("met");
        expect(verdictAtMost(summarize([1.21, 1.3, 1.25, 1.22, 1.4]), 1.2)).to.equal("missed");
        expect(verdictAtMost(summarize([1.1, 1.3, 1.25, 1.22, 1.4]), 1.2)).to.equal("unclear");
        expect(verdictAtMost(summarize([1.0, 1.0, 1.0, 1.0]), 1.2)).to.equal("unclear");
        expect(() => pairedRatios([1, 2], [1])).to.throw("2 numerators against 1 denominators");
        expect(perRound([1, 2, 3, 4, 5], 2)).to.deep.equal([3, 7]);
    });

    it("the load beside a verdict: without /proc, marked when the peak was above 1 per core", () => {
        expect(verdictCell("met", { peak: 1.4, cpus: 2, loaded: false })).to.equal("met");
        expect(verdictCell("missed", { peak: 5.3, cpus: 2, loaded: true })).to.equal("**missed** (load 5.3 on 2 cores: loaded)");
        const readings = [0.5, 3.2, 1.0];
        const watch = watchLoad(60_000, () => readings.shift() ?? 0.1, 2, () => undefined);
        expect(watch.stop()).to.deep.equal({ peak: 3.2, cpus: 2, loaded: true });
        const atEdge = [2.0, 2.0];
        expect(watchLoad(60_000, () => atEdge.shift() ?? 2.0, 2, () => undefined).stop().loaded, "exactly 1 per core is quiet").to.equal(false);
    });

    it("quiet or busy from other work's CPU, not the load average the bench's own engines raise", () => {
        // 100 s of wall on 2 cores: 200 s of CPU. The bench tree used 150 s; the machine was busy 150 + other.
        const run = (otherMs: number) => {
            const counters = [
                { machineBusyMs: 1_000_000, ownMs: 50_000 },
                { machineBusyMs: 1_000_000 + 150_000 + otherMs, ownMs: 50_000 + 150_000 },
            ];
            const clock = [0, 100_000];
            return watchLoad(60_000, () => 3.2, 2, () => counters.shift(), () => clock.shift() ?? 100_000).stop();
        };
        expect(run(0), "load 3.2 from the bench alone is quiet").to.deep.equal({ peak: 3.2, cpus: 2, otherShare: 0, loaded: false });
        expect(run(20_000).loaded, "other work at exactly a tenth is quiet").to.equal(false);
        expect(run(20_010).loaded, "just above a tenth is busy").to.equal(true);
        expect(verdictCell("met", run(60_000))).to.equal("met (other work 30 % of 2 cores: loaded)");
        expect(loadLine(run(60_000))).to.match(/^Load: other work used 30 % of the CPU while the bench ran — above 10 %: these figures were taken on a busy machine; peak 1-minute load average 3\.2/);
        expect(loadLine(run(0))).to.match(/^Load: other work used 0 % of the CPU while the bench ran \(quiet: at most 10 %\)/);
        // Counters that ran backwards (a reset) never make a negative share.
        const backwards = [{ machineBusyMs: 500, ownMs: 0 }, { machineBusyMs: 100, ownMs: 0 }];
        expect(watchLoad(60_000, () => 0.1, 2, () => backwards.shift(), (() => { const c = [0, 1000]; return () => c.shift() ?? 1000; })()).stop().otherShare).to.equal(0);
    });

    it("CPU counters read from the kernel's texts", () => {
        expect(machineBusyMs("cpu  100 5 50 9000 40 3 2 1 0 0\ncpu0 50 2 25 4500 20 1 1 0 0 0\n"), "user nice system irq softirq steal, not idle or iowait").to.equal((100 + 5 + 50 + 3 + 2 + 1) * 10);
        expect(() => machineBusyMs("intr 1 2 3\n")).to.throw("cpu line");
        // A command name with spaces and a parenthesis: the fields are counted after the last ")".
        const stat = "4242 (node (x) y) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 20 0 1 0 100";
        expect(processTimes(stat)).to.deep.equal({ ownMs: (11 + 12) * 10, childrenMs: (13 + 14) * 10 });
        expect(() => processTimes("4242 (node) S 1 2")).to.throw("time fields");
        expect(readCpuCounters(), "this machine has /proc").to.have.keys("machineBusyMs", "ownMs");
    });

    it("the emergency fence's calls: one publish and only reads of the fences and endpoint health", () => {
        const run = (...operations: string[]) => ({ calls: operations.map((operation) => ({ operation, answeredMs: 1, status: 200 })) });
        const health = "GET /2013-04-01/healthcheck/abc-123/status";
        expect(onlyReadsAndOnePublish(run("GetMetricData", "DescribeAlarmsForMetric", health, "PutMetricData"))).to.equal(true);
        expect(onlyReadsAndOnePublish(run("GetMetricData", "PutMetricData", "PutMetricData")), "two publishes").to.equal(false);
        expect(onlyReadsAndOnePublish(run("GetMetricData")), "no publish").to.equal(false);
        expect(onlyReadsAndOnePublish(run("PutMetricData", "POST /2013-04-01/hostedzone/Z1/rrset")), "a record edit is control plane").to.equal(false);
        expect(onlyReadsAndOnePublish(run("PutMetricData", "GET /2013-04-01/healthcheck/abc-123")), "a health check's config is not its status").to.equal(false);
        expect(onlyReadsAndOnePublish(run("PutMetricData", "SetAlarmState")), "an alarm write").to.equal(false);
    });

    it("scale rows: each larger count against the smallest per round, 1.2× up to 2,000 users and 1.5× above", () => {
        const point = (users: number, perRoundMs: readonly number[]) => ({
            storage: { users, canonicalBytes: users * 160 },
            usersUpdateMs: 0,
            driverSwitch: rounds(perRoundMs),
            program: { evalMs: 0, firstMs: 0, peakRssMiB: 0, resources: 0 },
        });
        const rows = scaleRatioRows(point(10, [10_000, 10_000, 10_000, 10_000, 10_000]), [point(2000, [11_000, 11_500, 11_000, 11_900, 11_000]), point(10000, [14_000, 14_500, 14_900, 14_000, 14_000])]);
        expect(rows.map((r) => [r.measure, r.target, r.verdict])).to.deep.equal([
            ["switch 2000 / 10 users, per round", "≤ 1.2×", "met"],
            ["switch 10000 / 10 users, per round", "≤ 1.5×", "met"],
        ]);
    });

    it("fence flags: defaults, and each refusal names the flag and the value", () => {
        expect(parseFenceFlags([])).to.deep.equal({ reps: 3, engine: true });
        expect(parseFenceFlags(["--reps", "2", "--no-engine"])).to.deep.equal({ reps: 2, engine: false });
        expect(() => parseFenceFlags(["--reps", "x"])).to.throw("--reps must be an integer 1–20 (got x)");
        expect(() => parseFenceFlags(["--fast"])).to.throw("unknown flag --fast");
    });
});
