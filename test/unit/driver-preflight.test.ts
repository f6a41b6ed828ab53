import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BadInputError } from "../../automation/driver/errors";
import { checkDriverFiles, checkJournalDir, checkStackConfigs, checkStackNames, stackFile, StackConfigs } from "../../automation/driver/preflight";
import { ConfigEntry } from "../../stacks/config/source";
import { primaryConfig, secondaryConfig } from "./regional-harness";

// Preflight runs the stack programs' own config loaders over `getAllConfig()`-shaped maps, and
// checks that each stack is the role it is given. No engine: these are pure over the maps.

type Values = Record<string, unknown>;

function entries(values: Values, secret: readonly string[] = []): Record<string, ConfigEntry> {
    const out: Record<string, ConfigEntry> = {};
    for (const [k, v] of Object.entries(values)) {
        if (v !== undefined) {
            out[`sftp-failover:${k}`] = { value: typeof v === "string" ? v : JSON.stringify(v), secret: secret.includes(k) };
        }
    }
    return out;
}

const dnsConfig = (): Values => ({
    role: "dns",
    posture: "active-passive",
    primaryStack: "organization/sftp-failover/primary",
    secondaryStack: "organization/sftp-failover/secondary",
    zoneName: "sandbox.example.com",
    recordName: "sftp.sandbox.example.com",
    ttl: "60",
    healthCheckInterval: "10",
    healthCheckFailureThreshold: "3",
});

const names = { primary: "primary", secondary: "secondary", dns: "dns" };

function configs(over: { primary?: Values; secondary?: Values; dns?: Values } = {}): StackConfigs {
    return {
        primary: entries({ ...primaryConfig(), ...over.primary }, ["hostKeys"]),
        secondary: entries({ ...secondaryConfig(), ...over.secondary }, ["hostKeys"]),
        dns: entries({ ...dnsConfig(), ...over.dns }),
    };
}

function refusal(fn: () => unknown): string {
    try {
        fn();
    } catch (err) {
        expect(err).to.be.instanceOf(BadInputError);
        const message = (err as Error).message;
        expect(message.split("\n"), "one line").to.have.length(1);
        return message;
    }
    throw new Error("expected a BadInputError");
}

describe("driver preflight (pure)", () => {
    it("accepts the three stacks as configured, returning each stack's validated config", () => {
        const facts = checkStackConfigs(names, configs(), process.cwd());
        expect(facts.regional.primary.region).to.equal("us-east-1");
        expect(facts.regional.secondary.regionName).to.equal("secondary");
        expect(facts.dns.ttl).to.equal(60);
    });

    const cases: [string, Parameters<typeof configs>[0], RegExp][] = [
        ["a word where a number belongs", { primary: { noncurrentVersionDays: "thirty" } }, /^Pulumi\.primary\.yaml \(stack primary\): sftp-failover:noncurrentVersionDays must be a number \(got "thirty"\)$/],
        ["a TTL above 60 s without allowLongTtl", { dns: { ttl: "3600" } }, /^Pulumi\.dns\.yaml \(stack dns\): sftp-failover:ttl 3600 is above 60 s/],
        ["a negative health-check threshold", { dns: { healthCheckFailureThreshold: "-1" } }, /^Pulumi\.dns\.yaml \(stack dns\): sftp-failover:healthCheckFailureThreshold/],
        ["an unknown posture in the dns stack", { dns: { posture: "sideways" } }, /^Pulumi\.dns\.yaml \(stack dns\): sftp-failover:posture/],
        [
            "an additional record name repeating the record name",
            { dns: { additionalRecordNames: ["files.sandbox.example.com", "SFTP.sandbox.example.com."] } },
            /^Pulumi\.dns\.yaml \(stack dns\): sftp-failover:additionalRecordNames\[1\] "SFTP\.sandbox\.example\.com\." is the same DNS name as sftp-failover:recordName "sftp\.sandbox\.example\.com"/,
        ],
        ["a regional stack with the dns role", { secondary: { role: "dns" } }, /^Pulumi\.secondary\.yaml \(stack secondary\): sftp-failover:role is "dns", but the secondary stack must have role regional$/],
        ["an unreadable users file", { primary: { usersFile: "/nonexistent/users.yaml" } }, /^Pulumi\.primary\.yaml \(stack primary\): sftp-failover:usersFile cannot be read: \/nonexistent\/users\.yaml \(ENOENT\)$/],
        ["regions that are not each other's peers", { secondary: { peerRegion: "eu-west-1" } }, /not each other's peers/],
        ["a dns stack that points at other stacks", { dns: { primaryStack: "organization/sftp-failover/staging" } }, /sftp-failover:primaryStack is organization\/sftp-failover\/staging, but the primary stack given is primary/],
    ];
    for (const [what, over, message] of cases) {
        it(`${what}: refused with one line naming the stack file, key and value`, () => {
            expect(refusal(() => checkStackConfigs(names, configs(over), process.cwd()))).to.match(message);
        });
    }

    const moreCases: [string, Parameters<typeof configs>[0], string][] = [
        ["a dns stack without a role", { dns: { role: undefined } }, "Pulumi.dns.yaml (stack dns): sftp-failover:role is null, but the dns stack must have role dns"],
        ["a dns stack with the regional role", { dns: { role: "regional" } }, 'Pulumi.dns.yaml (stack dns): sftp-failover:role is "regional", but the dns stack must have role dns'],
        ["a primary stack without a role", { primary: { role: undefined } }, "Pulumi.primary.yaml (stack primary): sftp-failover:role is null, but the primary stack must have role regional"],
        [
            "a fence region that is the primary's region",
            { dns: { fenceRegion: "us-east-1" } },
            'Pulumi.dns.yaml (stack dns): sftp-failover:fenceRegion "us-east-1" is also the primary region: the fence must live outside both serving regions so that a failing region can still be fenced',
        ],
        [
            "a primary whose peer is not the secondary",
            { primary: { peerRegion: "eu-west-1" } },
            "the regional stacks are not each other's peers: Pulumi.primary.yaml has region us-east-1 / peerRegion eu-west-1, Pulumi.secondary.yaml has region us-west-2 / peerRegion us-east-1",
        ],
        [
            "a dns stack whose secondary is another stack",
            { dns: { secondaryStack: "organization/sftp-failover/staging" } },
            "Pulumi.dns.yaml (stack dns): sftp-failover:secondaryStack is organization/sftp-failover/staging, but the secondary stack given is secondary (are the stacks swapped?)",
        ],
        [
            "an explicit secondary endpoint in another region than the secondary stack",
            { dns: { secondaryStack: undefined, secondaryEndpoint: { dnsName: "nlb.eu-west-1.example.com", zoneId: "Z1", port: 22, region: "eu-west-1" } } },
            "Pulumi.dns.yaml (stack dns): sftp-failover:secondaryEndpoint.region is eu-west-1, but Pulumi.secondary.yaml has region us-west-2",
        ],
        ["a dns loader refusal", { dns: { ttl: "abc" } }, 'Pulumi.dns.yaml (stack dns): sftp-failover:ttl must be a number (got "abc")'],
    ];
    for (const [what, over, message] of moreCases) {
        it(`${what}: refused, naming it`, () => {
            expect(refusal(() => checkStackConfigs(names, configs(over), process.cwd()))).to.equal(message);
        });
    }

    it("an explicit endpoint in the stack's own region, or with no region, is accepted", () => {
        for (const region of ["us-west-2", undefined]) {
            const facts = checkStackConfigs(names, configs({ dns: { secondaryStack: undefined, secondaryEndpoint: { dnsName: "nlb.example.com", zoneId: "Z1", port: 22, ...(region ? { region } : {}) } } }), process.cwd());
            expect(facts.dns.endpoints.secondary.kind).to.equal("endpoint");
        }
    });

    it("a users-file refusal that already names the file is not prefixed with it twice", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-users-"));
        try {
            fs.writeFileSync(path.join(dir, "people.yaml"), "users: 3\n");
            const message = refusal(() => checkStackConfigs(names, configs({ primary: { usersFile: "people.yaml" } }), dir));
            expect(message).to.equal(`Pulumi.primary.yaml (stack primary): ${path.join(dir, "people.yaml")}: expected a list of users under "users"`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("without usersFile the users are read from users.yaml in the project folder", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-users-"));
        try {
            fs.writeFileSync(path.join(dir, "users.yaml"), "users: 3\n");
            const message = refusal(() => checkStackConfigs(names, configs({ primary: { usersFile: undefined } }), dir));
            expect(message).to.equal(`Pulumi.primary.yaml (stack primary): ${path.join(dir, "users.yaml")}: expected a list of users under "users"`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a refusal keeps the loader's own error as its cause", () => {
        for (const over of [{ primary: { noncurrentVersionDays: "thirty" } }, { dns: { ttl: "abc" } }, { dns: { fenceRegion: "us-west-2" } }]) {
            try {
                checkStackConfigs(names, configs(over), process.cwd());
                expect.fail(`refused: ${JSON.stringify(over)}`);
            } catch (err) {
                expect(err, JSON.stringify(over)).to.be.instanceOf(BadInputError);
                const cause = (err as Error).cause as Error;
                expect(cause, JSON.stringify(over)).to.be.instanceOf(Error);
                expect((err as Error).message.endsWith(cause.message), JSON.stringify(over)).to.equal(true);
            }
        }
    });

    describe("stack names", () => {
        it("accepts three stacks, short or fully qualified, and names each stack's file by its last segment", () => {
            checkStackNames({ primary: "primary", secondary: "secondary", dns: "dns" });
            checkStackNames({ primary: "org-a/sftp-failover/dns", secondary: "org-b/sftp-failover/dns", dns: "dns2" });
            expect(stackFile("organization/sftp-failover/primary")).to.equal("Pulumi.primary.yaml");
            expect(stackFile("dns")).to.equal("Pulumi.dns.yaml");
        });

        it("refuses an empty or blank name, naming the role", () => {
            expect(refusal(() => checkStackNames({ primary: "primary", secondary: "  ", dns: "dns" }))).to.equal("stacks.secondary must not be empty");
            expect(refusal(() => checkStackNames({ primary: "", secondary: "secondary", dns: "dns" }))).to.equal("stacks.primary must not be empty");
        });

        it("refuses an invisible character, naming the role and where it is", () => {
            expect(refusal(() => checkStackNames({ primary: "primary", secondary: "secondary", dns: "d\u200bns" }))).to.equal(
                "stacks.dns must not contain control or format characters (Unicode Cc, Cf): it has U+200B at character 2",
            );
        });

        it("refuses two roles naming one stack, a short name and a qualified one included, listing all three", () => {
            expect(refusal(() => checkStackNames({ primary: "primary", secondary: "secondary", dns: "organization/sftp-failover/secondary" }))).to.equal(
                "stacks must be three different stacks: secondary and dns name the same stack (got primary=primary, secondary=secondary, dns=organization/sftp-failover/secondary)",
            );
            expect(refusal(() => checkStackNames({ primary: "p", secondary: "s", dns: "p" }))).to.match(/^stacks must be three different stacks: primary and dns name the same stack/);
        });
    });

    it("swapped roles (--primary-stack secondary --secondary-stack primary) are refused: each stack says which region it is", () => {
        const swapped = { primary: "secondary", secondary: "primary", dns: "dns" };
        const c = configs();
        const message = refusal(() => checkStackConfigs(swapped, { primary: c.secondary, secondary: c.primary, dns: c.dns }, process.cwd()));
        expect(message).to.equal("stack secondary was given as the primary stack, but Pulumi.secondary.yaml has sftp-failover:regionName secondary (are the stacks swapped?)");
    });

    it("a users file is read relative to the project folder the driver was given, not the repository", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-users-"));
        try {
            fs.writeFileSync(path.join(dir, "users.yaml"), "users:\n  - name: Bad-Name\n    publicKeys: []\n");
            const message = refusal(() => checkStackConfigs(names, configs({ primary: { usersFile: "users.yaml" }, secondary: { usersFile: "users.yaml" } }), dir));
            expect(message).to.match(new RegExp(`^Pulumi\\.primary\\.yaml \\(stack primary\\): ${path.join(dir, "users.yaml").replace(/[.\\/]/g, "\\$&")}: user "Bad-Name"`));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a secret value is never quoted in a refusal", () => {
        const c = configs();
        const broken = { ...c, primary: { ...c.primary, "sftp-failover:hostKeys": { value: "not-json PRIVATE", secret: true } } };
        const message = refusal(() => checkStackConfigs(names, broken, process.cwd()));
        expect(message).to.contain("sftp-failover:hostKeys");
        expect(message).to.not.contain("PRIVATE");
    });

    describe("driver files", () => {
        let dir: string;
        beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-files-"))));
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("a journal folder that does not exist yet passes, and is not created by the check", () => {
            const journalDir = path.join(dir, "a", "b");
            checkDriverFiles({ journal: path.join(journalDir, "journal.jsonl"), audit: path.join(journalDir, "audit.jsonl"), lock: path.join(journalDir, "failover.lock") });
            expect(fs.existsSync(path.join(dir, "a"))).to.equal(false);
        });

        it("an audit log that cannot be written is refused before the switch, naming it", () => {
            fs.mkdirSync(path.join(dir, "audit.jsonl"));
            const message = refusal(() => checkDriverFiles({ journal: path.join(dir, "journal.jsonl"), audit: path.join(dir, "audit.jsonl"), lock: path.join(dir, "failover.lock") }));
            expect(message).to.equal(`audit log ${path.join(dir, "audit.jsonl")} cannot be written (not a regular file); nothing was changed`);
        });

        it("a lock folder that cannot be made (a path through a file) is refused, naming the folder", () => {
            fs.writeFileSync(path.join(dir, "file"), "");
            const lockDir = path.join(dir, "file", "locks");
            const message = refusal(() => checkDriverFiles({ journal: path.join(dir, "journal.jsonl"), audit: path.join(dir, "audit.jsonl"), lock: path.join(lockDir, "failover.lock") }));
            expect(message).to.equal(`lock folder ${lockDir} cannot be written (${path.join(dir, "file")} is not a folder); nothing was changed`);
        });

        it("a journal folder named by the caller is checked without being made; none named is not checked", () => {
            checkJournalDir(undefined);
            checkJournalDir(path.join(dir, "new", "journal"));
            expect(fs.existsSync(path.join(dir, "new"))).to.equal(false);
            const message = refusal(() => checkJournalDir("/proc/x/journal"));
            expect(message).to.match(/^journal folder \/proc\/x\/journal cannot be written \(E[A-Z]+\); nothing was changed$/);
            fs.writeFileSync(path.join(dir, "file"), "");
            expect(refusal(() => checkJournalDir(path.join(dir, "file")))).to.equal(`journal folder ${path.join(dir, "file")} cannot be written (${path.join(dir, "file")} is not a folder); nothing was changed`);
        });

        it("a journal folder under /proc is refused at once", () => {
            const message = refusal(() => checkDriverFiles({ journal: "/proc/x/journal.jsonl", audit: "/proc/x/audit.jsonl", lock: "/proc/x/failover.lock" }));
            expect(message).to.match(/^journal \/proc\/x\/journal\.jsonl cannot be written \(E[A-Z]+\); nothing was changed$/);
        });
    });
});
