import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { canaryHomePrefix } from "../../components/canary";
import { reservedKeyPrefix } from "../../components/reserved-keys";
import { canonicalUsersJson, parseUsersYaml, servedUsers, usersFingerprint, validateUsers } from "../../components/sftp-users";
import { usersObjectKey } from "../../stacks/regional-names";
import { fixtures } from "./regional-harness";

// Users as code: validation names the user at fault, and the canonical form (hence the
// fingerprint the driver compares across regions) does not depend on how the list is written.

const key = (name: string) => fs.readFileSync(path.join(fixtures, "user-keys", `${name}.pub`), "utf8").trim();

describe("regional users", () => {
    it("parses the fixture file into canonical users sorted by name, homes ending in '/'", () => {
        const users = parseUsersYaml(fs.readFileSync(path.join(fixtures, "users.yaml"), "utf8"), "users.yaml");
        expect(users.map((u) => [u.name, u.homePrefix, u.readOnly])).to.deep.equal([
            ["alice", "alice/", false],
            ["auditor", "reports/", true],
            ["bob", "partners/bob/", false],
        ]);
        expect(users[2].publicKeys).to.have.length(2);
        expect(users[2].publicKeys.every((k) => k.split(" ").length === 2)).to.equal(true);
    });

    it("the fingerprint ignores order, comments and repeated keys, and changes with any real change", () => {
        const a = validateUsers([
            { name: "alice", publicKeys: [key("alice")] },
            { name: "bob", publicKeys: [key("bob"), key("carol")] },
        ]);
        const b = validateUsers([
            { name: "bob", publicKeys: [key("carol").replace("carol@example", "other comment"), key("bob"), key("bob")] },
            { name: "alice", publicKeys: [key("alice")], homePrefix: "alice/", readOnly: false },
        ]);
        expect(canonicalUsersJson(b)).to.equal(canonicalUsersJson(a));
        expect(usersFingerprint(b)).to.equal(usersFingerprint(a));
        const c = validateUsers([
            { name: "alice", publicKeys: [key("alice")], readOnly: true },
            { name: "bob", publicKeys: [key("bob"), key("carol")] },
        ]);
        expect(usersFingerprint(c)).to.not.equal(usersFingerprint(a));
    });

    it("an empty list is valid (a region can serve nobody)", () => {
        expect(validateUsers([])).to.deep.equal([]);
        expect(usersFingerprint([])).to.match(/^sha256:[0-9a-f]{64}$/);
    });

    describe("invalid users fail before anything is deployed, naming the user", () => {
        const cases: [string, unknown, RegExp][] = [
            ["a bad name", [{ name: "Alice Smith", publicKeys: [key("alice")] }], /user "Alice Smith" \(users\[0\]\): name must match/],
            ["a missing name", [{ publicKeys: [key("alice")] }], /users\[0\]: name must match/],
            [
                "a malformed public key",
                [{ name: "alice", publicKeys: [key("alice")] }, { name: "bob", publicKeys: ["ssh-ed25519 AAAAnotakey"] }],
                /user "bob" \(users\[1\]\): publicKeys\[0\] is not a valid SSH public key/,
            ],
            [
                "a key whose type does not match its data",
                [{ name: "carol", publicKeys: [`ssh-rsa ${key("alice").split(" ")[1]}`] }],
                /user "carol" \(users\[0\]\): publicKeys\[0\] is not a valid SSH public key: key data says "ssh-ed25519"/,
            ],
            ["a weak RSA key", [{ name: "dave", publicKeys: [key("weak1024")] }], /user "dave" .*1024 bits/],
            ["no keys", [{ name: "erin", publicKeys: [] }], /user "erin" \(users\[0\]\): publicKeys must be a non-empty list/],
            [
                "a duplicate name",
                [
                    { name: "alice", publicKeys: [key("alice")] },
                    { name: "bob", publicKeys: [key("bob")] },
                    { name: "alice", publicKeys: [key("carol")] },
                ],
                /user "alice" is declared twice \(users\[0\] and users\[2\]\)/,
            ],
            [
                "a home inside another user's home",
                [
                    { name: "alice", publicKeys: [key("alice")], homePrefix: "shared" },
                    { name: "bob", publicKeys: [key("bob")], homePrefix: "shared/bob" },
                ],
                /user "bob" has homePrefix "shared\/bob\/" inside user "alice"'s "shared\/"/,
            ],
            [
                "a home that escapes upwards",
                [{ name: "alice", publicKeys: [key("alice")], homePrefix: "../etc" }],
                /user "alice" \(users\[0\]\): homePrefix "\.\.\/etc" must be relative/,
            ],
            ["an absolute home", [{ name: "alice", publicKeys: [key("alice")], homePrefix: "/root" }], /user "alice" .*homePrefix "\/root"/],
            ["a non-boolean readOnly", [{ name: "alice", publicKeys: [key("alice")], readOnly: "yes" }], /user "alice" .*readOnly must be true or false/],
            ["an unknown field", [{ name: "alice", publicKeys: [key("alice")], password: "x" }], /user "alice" .*unknown field\(s\) password/],
            ["not a list", { alice: {} }, /expected a list of users/],
        ];
        for (const [what, raw, message] of cases) {
            it(what, () => {
                expect(() => validateUsers(raw, "users.yaml")).to.throw(message);
            });
        }

        it("a file that is not YAML, or has no users list, names the file", () => {
            expect(() => parseUsersYaml("users: [\n", "/x/users.yaml")).to.throw(/^\/x\/users\.yaml: not valid YAML/);
            expect(() => parseUsersYaml("people: []\n", "/x/users.yaml")).to.throw(/^\/x\/users\.yaml: expected a top-level "users:" list/);
        });
    });

    it("finds a home inside another wherever the two stand in the list, and equal homes, naming both users", () => {
        const user = (name: string, homePrefix: string) => ({ name, publicKeys: [key("alice")], homePrefix });
        // By name "a" and "z" are far apart; by home, "w/" stands between nothing that matters.
        expect(() => validateUsers([user("a", "x"), user("m", "w"), user("z", "x/y")], "u")).to.throw('u: user "z" has homePrefix "x/y/" inside user "a"\'s "x/"');
        // Three levels: a nesting is reported, whichever level it is found at.
        expect(() => validateUsers([user("c", "data/a/b"), user("b", "data/a"), user("a", "data")], "u")).to.throw(/inside user "(a|b)"'s "data\/(a\/)?"/);
        expect(() => validateUsers([user("bob", "shared"), user("amy", "shared/")], "u")).to.throw('u: user "bob" has homePrefix "shared/" inside user "amy"\'s "shared/"');
        // A prefix of the name is not a prefix of the home: "data2/" is not inside "data/".
        expect(validateUsers([user("a", "data"), user("b", "data2"), user("c", "data-x")], "u").map((u) => u.homePrefix)).to.deep.equal(["data/", "data2/", "data-x/"]);
        // One nested pair among 2,000 users, 1,999 entries apart.
        const many = Array.from({ length: 2000 }, (_, i) => user(`u${String(i).padStart(4, "0")}`, `home${String(i).padStart(4, "0")}`));
        many[1999] = user("u1999", "home0000/inner");
        expect(() => validateUsers(many, "u")).to.throw('u: user "u1999" has homePrefix "home0000/inner/" inside user "u0000"\'s "home0000/"');
    });

    it("the canary's home is kept apart from every declared home, inside or around it", () => {
        const canary = { user: "sftp-failover-canary", publicKey: key("carol") };
        const declared = (homePrefix: string) => validateUsers([{ name: "dave", publicKeys: [key("alice")], homePrefix }], "u");
        expect(() => servedUsers(declared("canary/in"), canary, "u")).to.throw(`u: user "dave" has homePrefix "canary/in/" inside user "${canary.user}"'s "canary/"`);
        expect(() => servedUsers(declared("canary"), canary, "u")).to.throw(/inside user/);
        expect(servedUsers(declared("dave"), canary, "u").map((u) => u.name)).to.deep.equal(["dave", canary.user]);
    });

    it("no home can be under the reserved prefix that holds the users object", () => {
        expect(usersObjectKey("primary")).to.equal(".sftp-failover/users/primary.json");
        expect(usersObjectKey("secondary")).to.equal(".sftp-failover/users/secondary.json");
        expect(usersObjectKey("primary").startsWith(reservedKeyPrefix)).to.equal(true);
        expect(canaryHomePrefix.startsWith(reservedKeyPrefix)).to.equal(false);
        for (const homePrefix of [".sftp-failover", ".sftp-failover/users/", "a/../.sftp-failover"]) {
            expect(() => validateUsers([{ name: "mallory", publicKeys: [key("alice")], homePrefix }], "users.yaml"), homePrefix).to.throw(
                /user "mallory" \(users\[0\]\): homePrefix ".*" must be relative, made of segments/,
            );
        }
    });
});
