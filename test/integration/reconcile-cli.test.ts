import { spawnCli } from "../support/spawn-cli";
import { CreateBucketCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { MotoServer, startMoto } from "../support/moto";


// The `reconcile` verb as an operator runs it, against moto's S3.
describe("the reconcile verb (moto server)", () => {
    let moto: MotoServer;
    let s3: S3Client;

    function cli(args: readonly string[]) {
        return spawnCli(["reconcile", ...args], {
            env: {
                ...process.env,
                TS_NODE_TRANSPILE_ONLY: "true",
                AWS_ACCESS_KEY_ID: moto.clientConfig.credentials.accessKeyId,
                AWS_SECRET_ACCESS_KEY: moto.clientConfig.credentials.secretAccessKey,
            },
            timeoutMs: 90_000,
        });
    }
    const buckets = () => ["--serving-bucket", "serving-b", "--serving-region", "us-east-1", "--other-bucket", "other-b", "--other-region", "us-east-1", "--s3-endpoint", moto.endpoint];

    before(async () => {
        moto = await startMoto();
        s3 = new S3Client(moto.clientConfig);
        for (const b of ["serving-b", "other-b"]) {
            await s3.send(new CreateBucketCommand({ Bucket: b }));
            await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: "Enabled" } }));
        }
        await s3.send(new PutObjectCommand({ Bucket: "serving-b", Key: "in/new.csv", Body: "1234567" }));
    });

    after(async () => {
        s3?.destroy();
        await moto?.stop();
    });

    it("reports the object the other bucket lacks as JSON, changing nothing", async () => {
        const r = cli([...buckets(), "--json"]);

        expect(r.status, r.stderr).to.equal(0);
        const report = JSON.parse(r.stdout);
        expect(report.totals.missing).to.deep.equal({ count: 1, bytes: 7 });
        expect((await s3.send(new ListObjectVersionsCommand({ Bucket: "other-b" }))).Versions ?? []).to.deep.equal([]);
    });

    it("--copy copies it and says nothing was deleted; a second report finds nothing missing", () => {
        const copy = cli([...buckets(), "--copy"]);
        const again = cli([...buckets(), "--json"]);

        expect(copy.status, copy.stderr).to.equal(0);
        expect(copy.stdout).to.include("copied 1 of 1 (7 bytes); nothing was deleted");
        expect(JSON.parse(again.stdout).items).to.deep.equal([]);
    });

    // Bucket names are global (issue 25, 7): different regions do not make one name two buckets.
    for (const regions of [["us-east-1", "us-east-1"], ["us-west-2", "us-east-1"]]) {
        it(`refuses the same bucket on both sides (regions ${regions.join(" and ")}) with one line naming both flags and exit code 2, copying nothing`, async () => {
            const before = (await s3.send(new ListObjectVersionsCommand({ Bucket: "serving-b" }))).Versions?.length;
            const r = cli(["--serving-bucket", "serving-b", "--serving-region", regions[0], "--other-bucket", "serving-b", "--other-region", regions[1], "--copy", "--s3-endpoint", moto.endpoint]);

            expect(r.status, r.stderr).to.equal(2);
            expect(r.stderr.trim().split("\n")).to.deep.equal([
                "error: --serving-bucket and --other-bucket name the same bucket (serving-b): bucket names are global, whatever --serving-region and --other-region say",
            ]);
            expect(r.stdout).to.equal("");
            expect((await s3.send(new ListObjectVersionsCommand({ Bucket: "serving-b" }))).Versions?.length).to.equal(before);
        });
    }

    it("refuses a missing --other-bucket with exit code 2", () => {
        const r = cli(["--serving-bucket", "b", "--serving-region", "us-east-1", "--other-region", "us-east-1"]);

        expect(r.status).to.equal(2);
        expect(r.stderr).to.include("other-bucket");
    });
});
