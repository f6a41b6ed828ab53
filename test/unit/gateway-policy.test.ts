import { expect } from "chai";
import { GatewayPolicyArgs, HomeAccess, gatewayInstancePolicy, policyLength, rolePolicyMaxChars } from "../../components/gateway-policy";
import { PolicyDocument } from "../../components/regional-bucket";
import { SftpUser } from "../../components/sftp-users";

// The gateway role's inline policy in both home-access modes: what each grants, what a read-only
// home allows, and what each costs against IAM's 10,240 characters per role.

const bucket = "arn:aws:s3:::sftp-failover-primary-123456789012";
// As long as the real ARNs get: Terraform's 26-character unique id and Secrets Manager's "-XXXXXX".
const base = {
    bucketArn: bucket,
    hostKeySecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:sftp-failover/primary/host-keys-20261130120000000000000001-AbCdEf",
    usersObjectKey: ".sftp-failover/users/primary.json",
};

const user = (name: string, homePrefix: string, readOnly = false): SftpUser => ({ name, publicKeys: [], homePrefix, readOnly });
const fixtureUsers = [user("alice", "alice/"), user("auditor", "reports/", true), user("bob", "partners/bob/")];

/** `count` users named user0000… (8 characters, home = name), the first `readOnly` of them read-only. */
function users(count: number, readOnly = 0): SftpUser[] {
    return Array.from({ length: count }, (_, i) => {
        const name = `user${String(i).padStart(4, "0")}`;
        return user(name, `${name}/`, i < readOnly);
    });
}

const policy = (homeAccess: HomeAccess | undefined, list: readonly SftpUser[], extra: Partial<GatewayPolicyArgs> = {}): PolicyDocument =>
    gatewayInstancePolicy({ ...base, users: list, ...(homeAccess === undefined ? {} : { homeAccess }), ...extra });

const asList = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === "string" ? [v] : [...v]);

/** Whether an IAM pattern (only `*` is used here) matches a value. */
function globMatches(pattern: string, value: string): boolean {
    const regex = pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${regex.join(".*")}$`).test(value);
}

/**
 * IAM's decision for one request from an identity policy alone: an explicit Deny wins, then any
 * Allow, else the implicit deny. Conditions are not modelled, so a matching statement with one fails
 * the test rather than being guessed at.
 */
function decide(doc: PolicyDocument, action: string, resource: string): "allowed" | "denied" {
    const matching = doc.Statement.filter((s) => asList(s.Action).some((a) => globMatches(a, action)) && asList(s.Resource).some((r) => globMatches(r, resource)));
    for (const s of matching) {
        expect(s.Condition, `statement ${s.Sid ?? "?"} has a condition this evaluator does not model`).to.equal(undefined);
    }
    if (matching.some((s) => s.Effect === "Deny")) {
        return "denied";
    }
    return matching.some((s) => s.Effect === "Allow") ? "allowed" : "denied";
}

const objectActions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
const writeActions = objectActions.filter((a) => a !== "s3:GetObject");

describe("gateway instance policy", () => {
    it("lets the instances complete only their own group's launch hook, and nothing of Auto Scaling without one", () => {
        const groupArn = "arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:*:autoScalingGroupName/sftp-secondary-gw-asg-dev";
        const doc = gatewayInstancePolicy({ ...base, users: [], launchHookGroupArn: groupArn });
        const autoscaling = doc.Statement.filter((st) => [st.Action].flat().some((a) => String(a).startsWith("autoscaling:")));
        expect(autoscaling).to.deep.equal([{ Sid: "CompleteOwnLaunchHook", Effect: "Allow", Action: "autoscaling:CompleteLifecycleAction", Resource: groupArn }]);
        expect(JSON.stringify(gatewayInstancePolicy({ ...base, users: [] }))).to.not.include("autoscaling:");
    });

    it("is per-home when homeAccess is not given (the policy of every existing stack)", () => {
        expect(policy(undefined, fixtureUsers)).to.deep.equal(policy("per-home", fixtureUsers));
        expect(policy(undefined, fixtureUsers).Statement.map((s) => s.Sid)).to.deep.equal(["ReadHostKeys", "ReadUsers", "ListHomes", "ReadWriteHomes", "ReadOnlyHomes"]);
    });

    describe("bucket mode", () => {
        it("grants the bucket's listing and objects, and denies writes on sftp-failover's own keys and each read-only home, with exact ARNs", () => {
            expect(policy("bucket", fixtureUsers).Statement).to.deep.equal([
                { Sid: "ReadHostKeys", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: base.hostKeySecretArn },
                { Sid: "ReadUsers", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucket}/.sftp-failover/users/primary.json` },
                { Sid: "ListBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket },
                { Sid: "ReadWriteBucket", Effect: "Allow", Action: objectActions, Resource: `${bucket}/*` },
                { Sid: "DenyWritesToReservedKeys", Effect: "Deny", Action: writeActions, Resource: `${bucket}/.sftp-failover/*` },
                { Sid: "DenyWritesToReadOnlyHomes", Effect: "Deny", Action: writeActions, Resource: [`${bucket}/reports/*`] },
            ]);
        });

        it("names no user's home in any Allow", () => {
            const allowed = policy("bucket", fixtureUsers)
                .Statement.filter((s) => s.Effect === "Allow")
                .flatMap((s) => asList(s.Resource));
            for (const home of fixtureUsers.map((u) => u.homePrefix)) {
                expect(allowed.filter((r) => r.includes(home)), home).to.deep.equal([]);
            }
        });

        it("denies only sftp-failover's own keys when no user is read-only", () => {
            expect(policy("bucket", [user("alice", "alice/")]).Statement.filter((s) => s.Effect === "Deny").map((s) => s.Sid)).to.deep.equal(["DenyWritesToReservedKeys"]);
        });

        it("grants nothing of the bucket when there are no users, like per-home", () => {
            expect(policy("bucket", []).Statement.map((s) => s.Sid)).to.deep.equal(["ReadHostKeys", "ReadUsers"]);
        });

        it("keeps the key and shell statements as per-home has them", () => {
            const extra = { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", sessionManager: true };
            const tail = (doc: PolicyDocument) => doc.Statement.filter((s) => s.Sid === "UseBucketKey" || s.Sid === "SessionManagerShell");
            expect(tail(policy("bucket", fixtureUsers, extra))).to.have.length(2);
            expect(tail(policy("bucket", fixtureUsers, extra))).to.deep.equal(tail(policy("per-home", fixtureUsers, extra)));
        });
    });

    describe("what a request is allowed (explicit Deny wins)", () => {
        it("a read-only user's home allows GetObject only, in both modes", () => {
            for (const mode of ["per-home", "bucket"] as const) {
                const doc = policy(mode, fixtureUsers);
                expect(decide(doc, "s3:GetObject", `${bucket}/reports/q3.csv`), mode).to.equal("allowed");
                for (const action of writeActions) {
                    expect(decide(doc, action, `${bucket}/reports/q3.csv`), `${mode} ${action}`).to.equal("denied");
                    expect(decide(doc, action, `${bucket}/reports/`), `${mode} ${action} on the folder marker`).to.equal("denied");
                }
            }
        });

        it("a read-write user's home allows every object action, in both modes", () => {
            for (const mode of ["per-home", "bucket"] as const) {
                for (const action of objectActions) {
                    expect(decide(policy(mode, fixtureUsers), action, `${bucket}/partners/bob/in/x.csv`), `${mode} ${action}`).to.equal("allowed");
                }
            }
        });

        it("a key outside every home is writable in bucket mode only: the trade-off", () => {
            expect(decide(policy("per-home", fixtureUsers), "s3:PutObject", `${bucket}/elsewhere/x`)).to.equal("denied");
            expect(decide(policy("bucket", fixtureUsers), "s3:PutObject", `${bucket}/elsewhere/x`)).to.equal("allowed");
            // A name that merely starts like a read-only home is another key, not inside it.
            expect(decide(policy("bucket", fixtureUsers), "s3:PutObject", `${bucket}/reports-old/x`)).to.equal("allowed");
        });

        it("the users object is readable and never writable, in both modes; the peer's replica is not readable in per-home mode", () => {
            const usersObject = `${bucket}/.sftp-failover/users/primary.json`;
            for (const mode of ["per-home", "bucket"] as const) {
                const doc = policy(mode, fixtureUsers);
                expect(decide(doc, "s3:GetObject", usersObject), mode).to.equal("allowed");
                for (const action of writeActions) {
                    expect(decide(doc, action, usersObject), `${mode} ${action}`).to.equal("denied");
                    expect(decide(doc, action, `${bucket}/.sftp-failover/users/new-user.json`), `${mode} ${action} beside it`).to.equal("denied");
                }
            }
            expect(decide(policy("per-home", fixtureUsers), "s3:GetObject", `${bucket}/.sftp-failover/users/secondary.json`)).to.equal("denied");
        });

        it("nothing outside the bucket", () => {
            expect(decide(policy("bucket", fixtureUsers), "s3:GetObject", "arn:aws:s3:::another-bucket/alice/x")).to.equal("denied");
        });
    });

    it("refuses an unknown home access, naming the valid ones", () => {
        expect(() => policy("Bucket" as HomeAccess, fixtureUsers)).to.throw('unknown home access "Bucket" (valid: per-home, bucket)');
    });

    describe("size against IAM's quota", () => {
        it("the quota is IAM's 10,240 characters of inline policy per role", () => {
            expect(rolePolicyMaxChars).to.equal(10240);
        });

        it("counts a document as IAM does: its JSON without white space", () => {
            const doc = policy("per-home", fixtureUsers);
            expect(policyLength(doc)).to.equal(JSON.stringify(doc, null, 4).replace(/\s/g, "").length);
        });

        it("per-home costs 97 characters per user with 8-character names: 10,152 at 97 users fit, 10,249 at 98 do not", () => {
            expect(policyLength(policy("per-home", users(98))) - policyLength(policy("per-home", users(97)))).to.equal(97);
            expect(policyLength(policy("per-home", users(97)))).to.equal(10152);
            expect(policyLength(policy("per-home", users(98)))).to.equal(10249);
            expect(policyLength(policy("per-home", users(2000)))).to.equal(194743);
        });

        it("bucket mode does not grow with read-write users: 981 characters at 10, 200 and 2,000 users", () => {
            for (const count of [10, 200, 2000]) {
                expect(policyLength(policy("bucket", users(count))), `${count} users`).to.equal(981);
            }
        });

        it("bucket mode grows 61 characters per read-only user (8-character names): 2,000 users with 100 read-only take 7,246", () => {
            expect(policyLength(policy("bucket", users(200, 10)))).to.equal(1756);
            expect(policyLength(policy("bucket", users(2000, 101))) - policyLength(policy("bucket", users(2000, 100)))).to.equal(61);
            expect(policyLength(policy("bucket", users(2000, 100)))).to.equal(7246);
            expect(policyLength(policy("bucket", users(2000, 100)))).to.be.at.most(rolePolicyMaxChars);
            expect(policyLength(policy("bucket", users(2000, 2000)))).to.equal(123146);
        });
    });
});
