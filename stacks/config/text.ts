// The text check every config loader stands on: a string that becomes a name (a zone, a record, a
// bucket, a user, a tag, a stack) holds no control or format character. Those are invisible or
// reorder what is shown (U+200B zero-width space, U+202E right-to-left override, U+0007 bell), so
// "sandbox\u200b.example.com" reads as the zone an operator meant while naming another — and an
// AWS API refuses it only in the middle of a deployment. Imports nothing of ours: the ground floor.

/** Unicode's general categories Cc (controls) and Cf (format characters), as a regular expression class's body. */
export const invisibleCharacterClass = "\\p{Cc}\\p{Cf}";

const invisibleCharacter = new RegExp(`[${invisibleCharacterClass}]`, "u");

/** A code point as Unicode writes it: `U+200B`. */
export function codePointLabel(character: string): string {
    return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Why a text cannot be a name, or undefined when it can: its first control or format character,
 * shown as U+XXXX with its position (counted in characters from 1), never raw.
 */
export function invisibleCharacterProblem(text: string): string | undefined {
    const match = invisibleCharacter.exec(text);
    if (match === null) {
        return undefined;
    }
    const position = [...text.slice(0, match.index)].length + 1;
    return `must not contain control or format characters (Unicode Cc, Cf): it has ${codePointLabel(match[0])} at character ${position}`;
}

/**
 * Refuses a text that holds a control or format character, naming `label` (a config key, a
 * field). The value itself is not quoted: it may be a secret, and quoting it would print the
 * very character refused.
 *
 * @throws Error `<label> must not contain control or format characters …: it has U+200B at character 8`.
 */
export function checkNameText(label: string, text: string): string {
    const problem = invisibleCharacterProblem(text);
    if (problem !== undefined) {
        throw new Error(`${label} ${problem}`);
    }
    return text;
}

/**
 * `checkNameText` over a structured value: every string in it and every map key, each labelled by
 * its path under `label` (`sftp-failover:tags.team`, `sftp-failover:network.subnetIds[1]`).
 */
export function checkNameTextDeep(label: string, value: unknown): void {
    if (typeof value === "string") {
        checkNameText(label, value);
    } else if (Array.isArray(value)) {
        value.forEach((item, index) => checkNameTextDeep(`${label}[${index}]`, item));
    } else if (typeof value === "object" && value !== null) {
        for (const [key, item] of Object.entries(value)) {
            checkNameText(`${label} key`, key);
            checkNameTextDeep(`${label}.${key}`, item);
        }
    }
}
