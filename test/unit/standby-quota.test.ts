import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, NoSuchResourceException } from "@aws-sdk/client-service-quotas";
import { expect } from "chai";
import { serviceQuotasReader } from "../../automation/aws/on-demand-quota";
import { quotaFindings } from "../../automation/driver/readiness/status-findings";
import { describeStandbyQuota, judgeStandbyQuota, QuotaReading, StandbyQuotaInput } from "../../automation/standby-quota";
import { sandboxDefaultOnDemandVcpus, sandboxOnDemandQuota, setSandboxOnDemandQuota } from "../../sandbox/service-quotas";

// The standby's On-Demand vCPU quota: the judgement (pure), the finding it makes, the Service
// Quotas reader with a stubbed client (moto serves no EC2 quota; test/integration/on-demand-quota
// shows what the reader makes of that), and the sandbox's per-region model.

const input = (vcpus: number, over: Partial<StandbyQuotaInput> = {}): StandbyQuotaInput => ({
    region: "secondary",
    awsRegion: "us-west-2",
    instanceType: "t3.small",
    activeSize: 2,
    reading: { vcpus, source: "Service Quotas (applied)" },
    ...over,
});

describe("standby On-Demand vCPU quota", () => {
    it("exactly enough vCPUs is enough (2 × t3.small = 4 of 4); one short is short, naming the gap", () => {
        const exact = judgeStandbyQuota(input(4));
        expect(exact).to.deep.include({ verdict: "enough", neededVcpus: 4, quotaVcpus: 4 });
        expect(quotaFindings({ standbyQuota: exact })).to.deep.equal([]);
        const short = judgeStandbyQuota(input(3));
        expect(short.verdict).to.equal("short");
        expect(describeStandbyQuota(short)).to.equal("secondary (us-west-2): 4 vCPUs needed (2 × t3.small), On-Demand Standard quota 3: SHORT by 1 vCPUs");
        const [finding] = quotaFindings({ standbyQuota: short });
        expect(finding).to.deep.include({ area: "standby", level: "not-ready" });
        expect(finding.fix).to.include("L-1216C47A");
    });

    it("an unreadable quota, an unknown instance type and a family outside the standard quota are unknown, never enough", () => {
        const unreadable = judgeStandbyQuota(input(0, { reading: { problem: "AccessDeniedException: no" } }));
        expect(unreadable).to.deep.include({ verdict: "unknown", neededVcpus: 4 });
        expect(quotaFindings({ standbyQuota: unreadable }).map((f) => f.level)).to.deep.equal(["unknown"]);
        expect(judgeStandbyQuota(input(1000, { instanceType: "t3.xlarge" })).verdict).to.equal("unknown");
        expect(judgeStandbyQuota(input(1000, { instanceType: "g5.xlarge" })).detail).to.equal("g5.xlarge is not a standard family, so L-1216C47A does not cover it");
    });

    describe("the Service Quotas reader (stubbed client)", () => {
        const reader = (answer: (command: unknown) => unknown) => {
            const sent: string[] = [];
            const r = serviceQuotasReader({
                client: () => ({
                    send: (async (command: GetServiceQuotaCommand | GetAWSDefaultServiceQuotaCommand) => {
                        sent.push(`${command.constructor.name} ${command.input.ServiceCode}/${command.input.QuotaCode}`);
                        return answer(command);
                    }) as never,
                }),
            });
            return { r, sent };
        };

        it("reads the applied value of ec2/L-1216C47A", async () => {
            const { r, sent } = reader(() => ({ Quota: { Value: 32 } }));
            expect(await r.read("us-west-2")).to.deep.equal({ vcpus: 32, source: "Service Quotas (applied)" });
            expect(sent).to.deep.equal(["GetServiceQuotaCommand ec2/L-1216C47A"]);
        });

        it("falls back to AWS's default when no applied value exists (NoSuchResourceException)", async () => {
            const { r, sent } = reader((c) => {
                if (c instanceof GetServiceQuotaCommand) {
                    throw new NoSuchResourceException({ message: "not applied", $metadata: {} });
                }
                return { Quota: { Value: 5 } };
            });
            expect(await r.read("us-west-2")).to.deep.equal({ vcpus: 5, source: "Service Quotas (AWS default)" });
            expect(sent).to.have.length(2);
        });

        it("any other failure is a problem naming the call and the region, not a number", async () => {
            const denied = Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" });
            const { r, sent } = reader(() => {
                throw denied;
            });
            const reading: QuotaReading = await r.read("us-west-2");
            expect(reading).to.deep.equal({ problem: "GetServiceQuota ec2/L-1216C47A in us-west-2: AccessDeniedException: User is not authorized" });
            expect(sent).to.have.length(1);
        });
    });

    it("the sandbox's model: the default until a test sets a region's quota, or makes it unreadable", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quota-"));
        try {
            const model = sandboxOnDemandQuota(dir);
            expect(await model.read("us-west-2")).to.deep.equal({ vcpus: sandboxDefaultOnDemandVcpus, source: "sandbox quota model" });
            setSandboxOnDemandQuota(dir, "us-west-2", 3);
            setSandboxOnDemandQuota(dir, "us-east-1", "unreadable");
            expect(await model.read("us-west-2")).to.deep.equal({ vcpus: 3, source: "sandbox quota model" });
            expect(await model.read("us-east-1")).to.have.property("problem");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
