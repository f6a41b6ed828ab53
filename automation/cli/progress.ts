// How the CLI shows what a long operation is doing, on stderr. On a terminal, one live line names
// what runs now and its clock, rewritten in place every second, while finished work stays as lines
// above it; anywhere else (CI logs, a pipe) every start and end is a plain line, because a log
// cannot be rewritten and a carriage return there only garbles it. With --json nothing is shown:
// stdout is the result alone, and a script reading stderr wants the one error line, not a diary.

/** Where progress is written: stderr, or a test's buffer. */
export interface ProgressTerminal {
    /** True on a terminal: the live line is rewritten in place. */
    readonly isTTY: boolean;
    /** Writes raw text (the caller supplies newlines and escapes). */
    write(text: string): void;
    /** Its width in columns, when known: the live line is cut to fit, since a wrapped line cannot be rewritten. */
    columns?(): number | undefined;
}

/** What an operation reports, rendered one way on a terminal and another in a log. */
export interface ProgressView {
    /** A line that stays: a resource changed, a region was fenced. */
    line(text: string): void;
    /**
     * Work began: the live line on a terminal; elsewhere a plain line once it has run a moment, or
     * at once with `immediately` (a switch's steps: each is long, and its start is worth its line).
     */
    begin(task: string, opts?: { readonly immediately?: boolean }): void;
    /** Work ended: `text` stays (default: the task and how long it took). */
    end(task: string, durationMs: number, text?: string): void;
    /** Clears the live line and stops its clock; call before the result is printed. */
    close(): void;
}

/** The clock and refresh of a view; tests pass their own. */
export interface ProgressClock {
    readonly now: () => number;
    /** How often the live line's clock is redrawn, in ms. Defaults to 1000. */
    readonly refreshMs?: number;
    /**
     * Without a terminal, how long work runs before its start gets a line of its own, in ms (0: at
     * once). Defaults to 1000: a read that takes a moment is one line, its end, and a log shows
     * what a long one is waiting on while it waits.
     */
    readonly announceAfterMs?: number;
    /**
     * How long the view stays quiet at first, in ms (0, the default: not at all). An operation that
     * is over within it shows no progress at all: a quick refusal is its one `error:` line, and a
     * quick answer its result. Lines of work done in it are shown when it ends with work still
     * running; a decision (`line`) is shown at once, with what was held before it.
     */
    readonly quietMs?: number;
}

/** How long the CLI's progress stays quiet: only an operation that takes longer says what it is doing. */
export const cliQuietMs = 2000;

/**
 * A progress line as it starts: its stamp. A script (or a test) that wants the one `error:` line of
 * a refusal among them drops the lines this matches.
 */
export const progressLinePattern = /^\[\s*\d+\.\ds\] /;

/** Seconds with one decimal: `4.2s`. */
export function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)}s`;
}

/** Erases the terminal's current line and returns the cursor to its start. */
const clearLine = "\r\x1b[2K";

/** A view that shows nothing (--json). */
export const silentProgress: ProgressView = { line: () => undefined, begin: () => undefined, end: () => undefined, close: () => undefined };

/** A view on `target`: a live line when it is a TTY, plain lines otherwise. */
export function progressView(target: ProgressTerminal, clock: ProgressClock = { now: Date.now }): ProgressView {
    const started = clock.now();
    const terminal = quietAtFirst(target, clock);
    const stamp = (at = clock.now()) => `[${seconds(at - started).padStart(7)}]`;
    const stays = (text: string, at?: number) => `${stamp(at)} ${text}`;
    if (!terminal.isTTY) {
        return plainView(terminal, stays, clock);
    }
    // What runs now, oldest first; the live line names the newest (parts of `status` run side by side).
    const running: { task: string; since: number }[] = [];
    let shown = false;
    let timer: NodeJS.Timeout | undefined;
    const draw = () => {
        const newest = running.at(-1);
        if (newest === undefined) {
            if (shown) {
                terminal.write(clearLine);
                shown = false;
            }
            return;
        }
        const more = running.length > 1 ? ` (+${running.length - 1} more)` : "";
        const text = stays(`${newest.task} … ${seconds(clock.now() - newest.since)}${more}`);
        // A pseudo-terminal without a window size reports 0 columns.
        const columns = terminal.columns?.() ?? 0;
        const width = columns > 0 ? columns : 80;
        terminal.write(`${clearLine}${cut(text, width - 1)}`);
        shown = true;
    };
    const tick = () => {
        if (running.length > 0 && timer === undefined) {
            // Unref'd: the clock never keeps the CLI alive once the operation is over.
            timer = setInterval(draw, clock.refreshMs ?? 1000);
            timer.unref();
        } else if (running.length === 0 && timer !== undefined) {
            clearInterval(timer);
            timer = undefined;
        }
    };
    const stay = (text: string) => {
        terminal.write(`${clearLine}${stays(text)}\n`);
        shown = false;
        draw();
    };
    return {
        line(text) {
            terminal.speak();
            stay(text);
        },
        begin(task) {
            running.push({ task, since: clock.now() });
            tick();
            draw();
        },
        end(task, durationMs, text) {
            const i = running.findIndex((r) => r.task === task);
            if (i >= 0) {
                running.splice(i, 1);
            }
            tick();
            stay(text ?? `${task}: ${seconds(durationMs)}`);
        },
        close() {
            running.length = 0;
            tick();
            draw();
            terminal.drop();
        },
    };
}

/** A terminal that holds its lines while the view is quiet, and can be told to speak or to drop them. */
interface QuietTerminal extends ProgressTerminal {
    /** Ends the quiet now: what was held is written. */
    speak(): void;
    /** The operation is over: what is still held is dropped. */
    drop(): void;
}

/**
 * `terminal` quiet for `clock.quietMs`: whole lines are held (a live line's redraw, which ends in
 * no newline, is skipped), and written when the quiet ends — by its timer, by a write after it, or
 * by `speak`. Unref'd: the timer never keeps the CLI alive.
 */
function quietAtFirst(terminal: ProgressTerminal, clock: ProgressClock): QuietTerminal {
    const quietMs = clock.quietMs ?? 0;
    let held: string[] | undefined = quietMs > 0 ? [] : undefined;
    const started = clock.now();
    const speak = () => {
        if (held !== undefined) {
            const lines = held;
            held = undefined;
            clearTimeout(timer);
            lines.forEach((line) => terminal.write(line));
        }
    };
    const timer = held !== undefined ? setTimeout(speak, quietMs) : undefined;
    timer?.unref();
    return {
        isTTY: terminal.isTTY,
        ...(terminal.columns !== undefined ? { columns: () => terminal.columns?.() } : {}),
        write(text) {
            if (held !== undefined && clock.now() - started >= quietMs) {
                speak();
            }
            if (held === undefined) {
                terminal.write(text);
            } else if (text.endsWith("\n")) {
                held.push(text);
            }
        },
        speak,
        drop() {
            held = undefined;
            clearTimeout(timer);
        },
    };
}

/** Plain lines: a task's start once it has run `announceAfterMs` (stamped with when it started), its end always. */
function plainView(terminal: QuietTerminal, stays: (text: string, at?: number) => string, clock: ProgressClock): ProgressView {
    const announceAfterMs = clock.announceAfterMs ?? 1000;
    const pending = new Map<string, NodeJS.Timeout>();
    const announce = (task: string, at: number) => terminal.write(`${stays(`${task} …`, at)}\n`);
    const settle = (task: string) => {
        clearTimeout(pending.get(task));
        pending.delete(task);
    };
    return {
        line: (text) => {
            terminal.speak();
            terminal.write(`${stays(text)}\n`);
        },
        begin(task, opts) {
            const at = clock.now();
            if (announceAfterMs <= 0 || opts?.immediately === true) {
                announce(task, at);
                return;
            }
            settle(task);
            const timer = setTimeout(() => {
                pending.delete(task);
                announce(task, at);
            }, announceAfterMs);
            // Unref'd: a pending announcement never keeps the CLI alive.
            timer.unref();
            pending.set(task, timer);
        },
        end(task, durationMs, text) {
            settle(task);
            terminal.write(`${stays(text ?? `${task}: ${seconds(durationMs)}`)}\n`);
        },
        close() {
            [...pending.keys()].forEach(settle);
            terminal.drop();
        },
    };
}

/** `text` cut to `width` characters with an ellipsis (by code point: a cut must not split a character). */
function cut(text: string, width: number): string {
    const chars = [...text];
    return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}
