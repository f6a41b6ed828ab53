// What `history` shows: entries since a time an operator types the way they think of it ("2h",
// "yesterday", an ISO time), in a table that fits the terminal. One `unlock` entry's `to` column
// is about 300 characters; without fitting, every row of the table padded to it.

/** The units `--since` takes: minutes, hours, days, weeks. */
const durationUnits: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Thrown for a `--since` value none of the forms match. */
export class SinceError extends Error {
    constructor(value: string) {
        super(`--since must be an ISO date or time, a duration ago such as 30m, 2h, 1d or 1w, or today or yesterday (got "${value}")`);
        this.name = "SinceError";
    }
}

/**
 * The time `--since` names: `2h` (two hours ago), `today` or `yesterday` (midnight, local time, as
 * an operator says it), or anything `Date` parses as ISO 8601 (`2026-12-07`, `2026-12-07T10:00Z`).
 * @throws SinceError naming the value when it is none of these.
 */
export function parseSince(value: string, now: Date = new Date()): Date {
    const text = value.trim();
    const duration = /^(\d{1,6})\s*([mhdw])$/i.exec(text);
    if (duration !== null) {
        return new Date(now.getTime() - Number(duration[1]) * durationUnits[duration[2].toLowerCase()]);
    }
    const word = text.toLowerCase();
    if (word === "today" || word === "yesterday") {
        const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
        return word === "today" ? midnight : new Date(midnight.getFullYear(), midnight.getMonth(), midnight.getDate() - 1);
    }
    // Only ISO-looking text: `new Date("5")` is a valid date in year 2001, not what anyone meant.
    const parsed = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
    if (Number.isNaN(parsed.getTime())) {
        throw new SinceError(value);
    }
    return parsed;
}

/** The ellipsis a cut cell ends with. */
const ellipsis = "…";

/** The narrowest a cut column gets: enough to recognise what it held. */
const minColumn = 8;

/**
 * Lays out rows as a table no wider than `width` (undefined: as wide as the widest row). Only the
 * columns named in `shrinkable` are cut, widest first, each cut cell ending in an ellipsis; the
 * others (time, who, result) are kept whole, since a cut there would mislead.
 */
export function fitTable(rows: readonly (readonly string[])[], width: number | undefined, shrinkable: readonly number[]): string {
    const gap = 2;
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    if (width !== undefined) {
        let excess = widths.reduce((sum, w) => sum + w, 0) + gap * (widths.length - 1) - width;
        // Widest first, and only down to the next widest: the cut is shared rather than taken
        // whole from one column.
        while (excess > 0) {
            const candidates = shrinkable.filter((i) => widths[i] > minColumn).sort((a, b) => widths[b] - widths[a]);
            if (candidates.length === 0) {
                break;
            }
            const widest = candidates[0];
            const floor = Math.max(minColumn, candidates.length > 1 ? widths[candidates[1]] : minColumn, widths[widest] - excess);
            const cut = Math.max(1, widths[widest] - floor);
            widths[widest] -= cut;
            excess -= cut;
        }
    }
    const cell = (text: string, w: number) => (text.length > w ? `${text.slice(0, w - 1)}${ellipsis}` : text.padEnd(w));
    return rows.map((r) => r.map((c, i) => cell(c ?? "", widths[i])).join(" ".repeat(gap)).trimEnd()).join("\n");
}

/** The width `history` fits: the terminal's, unless output goes elsewhere or `--wide` asks for everything. */
export function historyWidth(opts: { readonly wide: boolean; readonly isTTY: boolean; readonly columns: number | undefined }): number | undefined {
    return opts.wide || !opts.isTTY || opts.columns === undefined || opts.columns <= 0 ? undefined : opts.columns;
}
