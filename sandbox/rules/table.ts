// The README's table of every rule (type | rule | source), made from the rules themselves so the
// documentation cannot drift from what the sandbox enforces (a unit test compares the two).
import { typesWithRules } from "./index";

/** Escapes a cell of a Markdown table. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The Markdown table of every rule, one row each, grouped by type in the order the services list them. */
export function rulesTable(): string {
    const rows = typesWithRules().flatMap((t) => t.rules.map((r) => `| \`${t.type}\` | ${cell(r.rule)} | ${cell(r.source)} |`));
    return ["| type | rule | source |", "| --- | --- | --- |", ...rows].join("\n");
}
