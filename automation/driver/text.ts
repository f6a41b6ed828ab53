// Text that comes from users (a reason, an identity) is data, never terminal control. The driver
// refuses control characters in what it is given, so the journal and the audit log never store
// them; and everything printed escapes them anyway, so a log written by another tool (or by hand)
// cannot forge a row of `history` or send escape sequences to an operator's terminal.
import { invisibleCharacterClass } from "../../stacks/config/text";

// The characters config names refuse (stacks/config/text.ts: Unicode's controls and format
// characters — C0, DEL, C1, bidirectional overrides and isolates, zero-width characters), and the
// line and paragraph separators, which break what is shown.
const controlChars = new RegExp(`[${invisibleCharacterClass}\\u2028\\u2029]`, "gu");

/** Whether a text holds a control character. */
export function hasControlChars(text: string): boolean {
    controlChars.lastIndex = 0;
    return controlChars.test(text);
}

/** The text with every control character shown as an escape (`\n`, `\x1b`, `\u2028`). */
export function escapeControl(text: string): string {
    return text.replace(controlChars, (c) => {
        switch (c) {
            case "\n":
                return "\\n";
            case "\r":
                return "\\r";
            case "\t":
                return "\\t";
            default: {
                const code = c.codePointAt(0) ?? 0;
                return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : code <= 0xffff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\u{${code.toString(16)}}`;
            }
        }
    });
}
