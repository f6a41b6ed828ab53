import {
    CreateBucketCommand,
    DeleteObjectCommand,
    GetObjectCommand,
    ListObjectVersionsCommand,
    PutBucketVersioningCommand,
    PutObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { expect } from "chai";
import { reconcileBuckets, ReconcileError, ReconcileOptions } from "../../automation/aws/reconcile";
import { MotoServer, startMoto } from "../support/moto";

const serving = { bucket: "sftp-secondary-data", region: "us-east-1" };
const other = { bucket: "sftp-primary-data", region: "us-east-1" };

describe("failback reconciliation between two versioned buckets (moto server)", () => {
    let moto: MotoServer;
    let s3: S3Client;

    const put = (bucket: string, key: string, body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const body = async (bucket: string, key: string) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
    /** Every version and delete marker of a bucket, as "key@kind" sorted: what "nothing deleted" is checked against. */
    async function versions(bucket: string): Promise<string[]> {
        const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
        return [
            ...(out.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}`),
            ...(out.DeleteMarkers ?? []).map((m) => `${m.Key}@${m.VersionId}:marker`),
        ].sort();
    }
    const reconcile = (opts: Partial<ReconcileOptions> = {}) =>
        reconcileBuckets({ serving, other, endpoint: moto.endpoint, credentials: moto.clientConfig.credentials, ...opts });

    before(async () => {
        moto = await startMoto();
        s3 = new S3Client(moto.clientConfig);
    });

    beforeEach(async () => {
        await moto.reset();
        for (const b of [serving.bucket, other.bucket]) {
            await s3.send(new CreateBucketCommand({ Bucket: b }));
            await s3.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: "Enabled" } }));
        }
    });

    after(async () => {
        s3?.destroy();
        await moto?.stop();
    });

    it("reports nothing to do when both buckets hold the same objects", async () => {
        for (const b of [serving.bucket, other.bucket]) {
            await put(b, "in/a.csv", "alpha");
        }

        const report = await reconcile();

        expect(report.items).to.deep.equal([]);
        expect(report.inSync).to.equal(1);
        expect(report.totals.missing).to.deep.equal({ count: 0, bytes: 0 });
    });

    it("lists objects only the serving side has, and objects it holds a newer version of, with counts and bytes", async () => {
        await put(serving.bucket, "in/only-here.csv", "12345");
        await put(serving.bucket, "in/deep/also.txt", "abc");
        await put(other.bucket, "in/changed.csv", "old");
        await new Promise((r) => setTimeout(r, 1100)); // S3's LastModified has one-second resolution
        await put(serving.bucket, "in/changed.csv", "new-content");

        const report = await reconcile();

        expect(report.items.map((i) => [i.kind, i.key])).to.deep.equal([
            ["newer", "in/changed.csv"],
            ["missing", "in/deep/also.txt"],
            ["missing", "in/only-here.csv"],
        ]);
        expect(report.totals.missing).to.deep.equal({ count: 2, bytes: 8 });
        expect(report.totals.newer).to.deep.equal({ count: 1, bytes: 11 });
        expect(report.copied).to.equal(undefined);
    });

    it("lists a delete marker on the serving side whose object the other still holds, and --copy leaves it alone", async () => {
        await put(serving.bucket, "in/gone.csv", "bye");
        await put(other.bucket, "in/gone.csv", "bye");
        await s3.send(new DeleteObjectCommand({ Bucket: serving.bucket, Key: "in/gone.csv" }));

        const report = await reconcile({ copy: true });

        expect(report.items.map((i) => [i.kind, i.key])).to.deep.equal([["delete-marker", "in/gone.csv"]]);
        expect(report.totals["delete-marker"]).to.deep.equal({ count: 1, bytes: 3 });
        expect(report.copied).to.deep.equal([]);
        expect(await body(other.bucket, "in/gone.csv")).to.equal("bye");
    });

    it("reports, and never copies over, objects that are newer on the other side or only there", async () => {
        await put(serving.bucket, "in/x.csv", "serving");
        await new Promise((r) => setTimeout(r, 1100));
        await put(other.bucket, "in/x.csv", "other, later");
        await put(other.bucket, "in/theirs.csv", "only there");

        const report = await reconcile({ copy: true });

        expect(report.items.map((i) => [i.kind, i.key])).to.deep.equal([["only-on-other", "in/theirs.csv"], ["other-newer", "in/x.csv"]]);
        expect(report.copied).to.deep.equal([]);
        expect(await body(other.bucket, "in/x.csv")).to.equal("other, later");
    });

    it("--copy copies the latest version of what replication has not delivered; afterwards nothing is left and nothing was deleted", async () => {
        await put(serving.bucket, "in/one.csv", "first");
        await put(serving.bucket, "in/one.csv", "second, latest");
        await put(serving.bucket, "in/two.csv", "two");
        await put(other.bucket, "in/keep.csv", "kept");
        await put(serving.bucket, "in/keep.csv", "kept");
        await put(serving.bucket, "in/dm.csv", "x");
        await put(other.bucket, "in/dm.csv", "x");
        await s3.send(new DeleteObjectCommand({ Bucket: serving.bucket, Key: "in/dm.csv" }));
        const servingBefore = await versions(serving.bucket);
        const otherBefore = await versions(other.bucket);

        const first = await reconcile({ copy: true });
        const after = await reconcile();
        const again = await reconcile({ copy: true });

        expect(first.copied?.map((c) => [c.key, c.ok, c.bytes])).to.deep.equal([["in/one.csv", true, 14], ["in/two.csv", true, 3]]);
        expect(await body(other.bucket, "in/one.csv")).to.equal("second, latest");
        expect(await body(other.bucket, "in/two.csv")).to.equal("two");
        expect(after.items.map((i) => i.kind)).to.deep.equal(["delete-marker"]);
        expect(again.copied).to.deep.equal([]);
        expect(await versions(serving.bucket)).to.deep.equal(servingBefore);
        const otherAfter = await versions(other.bucket);
        expect(otherAfter).to.include.members(otherBefore);
        expect(otherAfter).to.have.length(otherBefore.length + 2);
    });

    it("leaves sftp-failover's own keys alone: an older replica of a user list is neither listed nor copied over the region's own", async () => {
        // The serving bucket holds the other region's users object as a replica, older than the one its stack wrote since.
        await put(serving.bucket, ".sftp-failover/users/primary.json", '{"version":1,"users":["removed-user"]}');
        await put(other.bucket, ".sftp-failover/users/secondary.json", '{"version":1,"users":[]}');
        await new Promise((r) => setTimeout(r, 1100));
        await put(serving.bucket, ".sftp-failover/users/secondary.json", '{"version":1,"users":["newer"]}');
        await put(serving.bucket, "in/client.csv", "data");

        const report = await reconcile({ copy: true });

        expect(report.items.map((i) => [i.kind, i.key])).to.deep.equal([["missing", "in/client.csv"]]);
        expect(report.reservedKeys).to.equal(2);
        expect(report.copied?.map((c) => c.key)).to.deep.equal(["in/client.csv"]);
        expect(await body(other.bucket, ".sftp-failover/users/secondary.json")).to.equal('{"version":1,"users":[]}');
        expect(await versions(other.bucket)).to.satisfy((v: string[]) => !v.some((k) => k.startsWith(".sftp-failover/users/primary.json")));
    });

    it("throws ReconcileError naming the bucket when it does not exist", async () => {
        const error = await reconcile({ other: { bucket: "no-such-bucket", region: "us-east-1" } }).then(() => undefined, (err: unknown) => err);

        expect(error).to.be.instanceOf(ReconcileError);
        expect((error as Error).message).to.include("listing versions of s3://no-such-bucket (us-east-1) failed");
    });

    it("refuses the same bucket on both sides and names it, whatever the regions (bucket names are global)", async () => {
        for (const other of [serving, { ...serving, region: serving.region === "us-east-1" ? "us-west-2" : "us-east-1" }]) {
            const error = await reconcile({ other, copy: true }).then(() => undefined, (err: unknown) => err);

            expect(String(error)).to.include(`serving and other are the same bucket (${serving.bucket}): bucket names are global, whatever the regions`);
        }
    });
});
