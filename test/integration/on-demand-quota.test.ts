import { GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { expect } from "chai";
import { serviceQuotasReader } from "../../automation/aws/on-demand-quota";
import { judgeStandbyQuota } from "../../automation/standby-quota";
import { motoCredentials, MotoServer, startMoto } from "../support/moto";

// The On-Demand quota reader against a real Service Quotas API on loopback. moto serves Service
// Quotas for the vpc service code only: it answers ec2/L-1216C47A with NoSuchResourceException and
// has no GetAWSDefaultServiceQuota. So what runs for real here is the unreadable path end to end —
// the reader's two calls, its fallback, and the judgement that makes it `unknown`, never "enough".
// The readable path is tested with a stubbed client (test/unit/standby-quota.test.ts) and through
// the sandbox's quota model (test/engine/driver-cli.test.ts).

describe("On-Demand vCPU quota from Service Quotas (moto server)", () => {
    let moto: MotoServer;

    before(async () => {
        moto = await startMoto();
    });
    after(async () => {
        await moto?.stop();
    });

    it("moto answers Service Quotas (a vpc quota), so what follows is its answer about EC2, not a dead endpoint", async () => {
        const client = new ServiceQuotasClient({ endpoint: moto.endpoint, region: "us-west-2", credentials: motoCredentials });
        const vpc = await client.send(new GetServiceQuotaCommand({ ServiceCode: "vpc", QuotaCode: "L-7E9ECCDB" }));
        expect(vpc.Quota?.QuotaName).to.equal("Active VPC peering connections per VPC");
    });

    it("an EC2 quota moto does not hold reads as a problem naming both calls' region, and the standby's quota is unknown", async () => {
        const reading = await serviceQuotasReader({ endpoint: moto.endpoint, credentials: motoCredentials }).read("us-west-2");
        expect(reading).to.have.property("problem").that.matches(/^GetAWSDefaultServiceQuota ec2\/L-1216C47A in us-west-2: /);
        const judged = judgeStandbyQuota({ region: "secondary", awsRegion: "us-west-2", instanceType: "t3.small", activeSize: 2, reading });
        expect(judged.verdict).to.equal("unknown");
        expect(judged.neededVcpus).to.equal(4);
    });
});
