import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";

// Every relative link in the README and the docs leads somewhere: the file exists and, when the
// link names a heading (#anchor), the file has that heading (GitHub's slugs).

const root = path.resolve(__dirname, "..", "..");

function markdownFiles(): string[] {
    const docs = fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f));
    const more = ["README.md", "sandbox/README.md", ...fs.readdirSync(path.join(root, "examples")).filter((f) => f.endsWith(".md")).map((f) => path.join("examples", f))];
    return [...more.filter((f) => fs.existsSync(path.join(root, f))), ...docs];
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/`/g, "")
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
    const text = fs.readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    for (const match of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
        const slug = slugOf(match[1]);
        const n = seen.get(slug) ?? 0;
        anchors.add(n === 0 ? slug : `${slug}-${n}`);
        seen.set(slug, n + 1);
    }
    return anchors;
}

/** The relative links of a markdown file, outside code blocks and code spans. */
function linksOf(file: string): string[] {
    const text = fs
        .readFileSync(file, "utf8")
        .replace(/```[\s\S]*?```/g, "")
        .replace(/`[^`\n]*`/g, "");
    return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href));
}

describe("docs: every relative link leads somewhere", () => {
    for (const file of markdownFiles()) {
        it(`${file}`, () => {
            const broken: string[] = [];
            for (const href of linksOf(path.join(root, file))) {
                const [target, anchor] = href.split("#");
                const resolved = target === "" ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(target));
                if (!fs.existsSync(resolved)) {
                    broken.push(`${href} (no such file)`);
                    continue;
                }
                if (anchor !== undefined && anchor !== "" && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor)) {
                    broken.push(`${href} (no heading #${anchor} in ${path.relative(root, resolved)})`);
                }
            }
            expect(broken).to.deep.equal([]);
        });
    }

    it("the slug rule matches GitHub's on the shapes our headings take", () => {
        expect(slugOf("The emergency fence: `fence`, `unfence`")).to.equal("the-emergency-fence-fence-unfence");
        expect(slugOf("Running")).to.equal("running");
        expect(slugOf("The engine offline: how it is built")).to.equal("the-engine-offline-how-it-is-built");
    });
});
