import { expect } from "chai";
import { parseFlags } from "../../bench/main";
import { summarize } from "../../bench/stats";
import { usersYaml, userStorage } from "../../bench/users";
import { parseUsersYaml, userListChunkSize } from "../../components/sftp-users";

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

    it("counts one SSM parameter per started 4 KB of the canonical user list", () => {
        const storage = userStorage(usersYaml(60));

        expect(storage.users).to.equal(60);
        expect(storage.parametersPerRegion).to.equal(Math.ceil(storage.canonicalBytes / userListChunkSize));
        expect(storage.parametersPerRegion).to.be.greaterThan(1);
    });

    it("flags: defaults, and each refusal names the flag and the value", () => {
        expect(parseFlags([])).to.deep.equal({ reps: 3, users: [10, 200, 2000], coldStart: false });
        expect(parseFlags(["--reps", "5", "--users", "none", "--cold-start"])).to.deep.equal({ reps: 5, users: [], coldStart: true });
        expect(() => parseFlags(["--reps", "0"])).to.throw("--reps must be an integer 1–20 (got 0)");
        expect(() => parseFlags(["--users", "10,x"])).to.throw('--users must be "none" or counts 1–5000 separated by commas (got 10,x)');
        expect(() => parseFlags(["--fast"])).to.throw("unknown flag --fast");
        expect(() => parseFlags(["--reps"])).to.throw("--reps needs a value");
    });
});
