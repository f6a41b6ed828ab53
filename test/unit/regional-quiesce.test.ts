import { expect } from "chai";
import { canaryUserName } from "../../components/canary";
import { generateHostKeys } from "../../components/host-keys";
import { ofType, primaryConfig, runRegional, usersObjectBody } from "./regional-harness";

// A planned switch's quiesce as the regional program deploys it (issue 24): only the users object
// changes — every declared user read-only, the canary as it is — while the users fingerprint, the
// gateway's policies and its launch template stay as declared, so the uploads under way finish.

const canaryKey = generateHostKeys("canary").ed25519;

type Run = Awaited<ReturnType<typeof runRegional>>;
const stored = (run: Run) => (JSON.parse(usersObjectBody(ofType(run, "aws:s3/bucketObjectv2:BucketObjectv2")[0])) as { users: { name: string; readOnly: boolean }[] }).users;
const inputsOf = (run: Run, type: string) => JSON.stringify(ofType(run, type).map((r) => r.inputs));

describe("regional quiesce (mocks)", () => {
    it("stores every declared user read-only and the canary writable, and exports quiesced with the modelled reload", async () => {
        const run = await runRegional({ ...primaryConfig(), canaryKey, quiesced: true, usersRefreshSeconds: 30 });
        const users = stored(run);
        expect(users.filter((u) => u.name !== canaryUserName).every((u) => u.readOnly)).to.equal(true);
        expect(users.find((u) => u.name === canaryUserName)?.readOnly).to.equal(false);
        expect(run.outputs).to.include({ quiesced: true, usersReloadSeconds: 35 });
    });

    it("changes nothing else: the fingerprint, the policies and the launch template are the declared ones", async () => {
        const declared = await runRegional({ ...primaryConfig(), canaryKey });
        const quiesced = await runRegional({ ...primaryConfig(), canaryKey, quiesced: true });
        expect(declared.outputs).to.include({ quiesced: false, usersReloadSeconds: 65 });
        expect(stored(declared).some((u) => u.name !== canaryUserName && !u.readOnly), "a writable user to quiesce").to.equal(true);
        expect(quiesced.outputs.usersFingerprint).to.equal(declared.outputs.usersFingerprint);
        for (const type of ["aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketPolicy:BucketPolicy", "aws:ec2/launchTemplate:LaunchTemplate"]) {
            expect(inputsOf(quiesced, type), type).to.equal(inputsOf(declared, type));
        }
        expect(usersObjectBody(ofType(quiesced, "aws:s3/bucketObjectv2:BucketObjectv2")[0])).to.not.equal(usersObjectBody(ofType(declared, "aws:s3/bucketObjectv2:BucketObjectv2")[0]));
    });

    it("renders the default timer as before (1min) and another period in seconds", async () => {
        const userData = async (config: Record<string, unknown>) => {
            const [template] = ofType(await runRegional(config), "aws:ec2/launchTemplate:LaunchTemplate");
            return Buffer.from(String(template.inputs.userData), "base64").toString("utf8");
        };
        expect(await userData(primaryConfig())).to.include("OnUnitActiveSec=1min");
        expect(await userData({ ...primaryConfig(), usersRefreshSeconds: 20 })).to.include("OnUnitActiveSec=20s");
    });
});
