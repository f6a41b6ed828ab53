import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { cli } from "../../automation/cli/main";

// Every message and page that tells an operator what to run names the installed command,
// `sftp-failover <verb>`: a bare `failover <verb>` is a command that does not exist.
const root = path.resolve(__dirname, "..", "..");
const scanned = ["README.md", "docs", "automation", "stacks", "components", "sandbox", "scripts", "examples"];

function filesUnder(rel: string): string[] {
    const full = path.join(root, rel);
    if (!fs.existsSync(full)) {
        return [];
    }
    if (fs.statSync(full).isFile()) {
        return [rel];
    }
    return fs.readdirSync(full).flatMap((name) => filesUnder(path.join(rel, name)));
}

describe("the command operators are told to run", () => {
    it("is always the installed `sftp-failover <verb>`, in messages, docs and examples", async () => {
        const help = await cli([]).getHelp();
        const verbs = [...help.matchAll(/^ {2}sftp-failover (\w+)/gm)].map((m) => m[1]);
        expect(verbs, "the verbs, read from --help").to.include.members(["posture", "unlock", "status", "fence", "bootstrap"]);
        const bare = new RegExp(`(?<![\\w-])failover (${verbs.join("|")})\\b(?= |\`|$)`, "gm");
        const offenders: string[] = [];
        for (const file of scanned.flatMap(filesUnder).filter((f) => /\.(ts|md|ya?ml)$/.test(f))) {
            const text = fs.readFileSync(path.join(root, file), "utf8");
            for (const line of text.split("\n")) {
                // Only where a command is shown: in backticks, after a prompt, or as a quoted string.
                if (/(`|\$ |")(failover) /.test(line) && bare.test(line)) {
                    offenders.push(`${file}: ${line.trim().slice(0, 120)}`);
                }
                bare.lastIndex = 0;
            }
        }
        expect(offenders).to.deep.equal([]);
    });
});
