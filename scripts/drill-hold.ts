// `npm run drill -- --hold <seconds>`: after the drill, keep its lab up for a while so it can be
// tried by hand — `dig` at its DNS server, `sftp` at each region's sshd and through the service
// name — then stop it. Bounded (at most an hour), and Ctrl-C ends it sooner.

/** The longest hold accepted: servers started here always stop by themselves. */
export const maxHoldSeconds = 3600;

/**
 * The seconds `--hold` asks for, or undefined without it.
 *
 * @throws Error (one line, naming the flag and the value) on anything but `--hold <1–3600>`.
 */
export function holdSecondsOf(argv: readonly string[]): number | undefined {
    let hold: number | undefined;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] !== "--hold") {
            throw new Error(`unknown argument "${argv[i]}" (the drill takes only --hold <seconds>)`);
        }
        if (hold !== undefined) {
            throw new Error("--hold was given more than once");
        }
        const value = argv[++i];
        const seconds = Number(value);
        if (value === undefined || !/^\d+$/.test(value) || seconds < 1 || seconds > maxHoldSeconds) {
            throw new Error(`--hold must be a whole number of seconds from 1 to ${maxHoldSeconds} (got ${value === undefined ? "nothing" : `"${value}"`})`);
        }
        hold = seconds;
    }
    return hold;
}

/** Waits `seconds`, or until SIGINT/SIGTERM, whichever comes first. */
export function holdFor(seconds: number): Promise<"elapsed" | "interrupted"> {
    return new Promise((resolve) => {
        const done = (how: "elapsed" | "interrupted") => {
            clearTimeout(timer);
            process.off("SIGINT", onSignal);
            process.off("SIGTERM", onSignal);
            resolve(how);
        };
        const onSignal = () => done("interrupted");
        const timer = setTimeout(() => done("elapsed"), seconds * 1000);
        process.once("SIGINT", onSignal);
        process.once("SIGTERM", onSignal);
    });
}
