import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { fencedMarker, fenceObjectKey, S3ObjectFence, serveMarker } from "../../automation/aws/s3-object-fence";
import { motoCredentials, MotoServer, startMoto } from "../support/moto";

// The S3-object fence against moto's S3: one PutObject per fence, the object's text decides what a
// string-match health check sees, and a failing call is an error, never a silent no-op.

describe("S3-object fence against moto S3", () => {
    let moto: MotoServer;
    const target = { bucket: "fence-objects", region: "us-east-2" };

    before(async () => {
        moto = await startMoto({ region: "us-east-2" });
        const s3 = new S3Client({ region: "us-east-2", endpoint: moto.endpoint, credentials: motoCredentials, forcePathStyle: true });
        await s3.send(new CreateBucketCommand({ Bucket: target.bucket, CreateBucketConfiguration: { LocationConstraint: "us-east-2" } }));
    });

    after(async () => {
        await moto?.stop();
    });

    const client = () => new S3ObjectFence(target, { endpoint: moto.endpoint, credentials: motoCredentials, forcePathStyle: true });

    it("fences with exactly one PutObject, and the object no longer holds the string the check matches", async () => {
        const fence = client();
        const calls: string[] = [];
        fence.s3.middlewareStack.add((next, context) => async (args) => {
            calls.push(String(context.commandName));
            return next(args);
        }, { step: "initialize" });
        await fence.fence("primary");
        expect(calls).to.deep.equal(["PutObjectCommand"]);
        expect(await client().state("primary")).to.equal("fenced");
    });

    it("unfences by writing the serve marker back, per region, without touching the other", async () => {
        const fence = client();
        await fence.fence("secondary");
        await fence.unfence("primary");
        expect(await fence.state("primary")).to.equal("unfenced");
        expect(await fence.state("secondary")).to.equal("fenced");
        expect(fenceObjectKey(target, "primary")).to.equal("fence/primary");
        expect(serveMarker).to.not.include(fencedMarker);
    });

    it("reads unset for a region never fenced", async () => {
        expect(await new S3ObjectFence({ ...target, keyPrefix: "other/" }, { endpoint: moto.endpoint, credentials: motoCredentials, forcePathStyle: true }).state("primary")).to.equal("unset");
    });

    it("fails loudly when the bucket does not exist", async () => {
        const fence = new S3ObjectFence({ ...target, bucket: "no-such-fence-bucket" }, { endpoint: moto.endpoint, credentials: motoCredentials, forcePathStyle: true });
        let error: unknown;
        await fence.fence("primary").catch((err: unknown) => (error = err));
        expect((error as Error | undefined)?.name).to.equal("NoSuchBucket");
    });
});
