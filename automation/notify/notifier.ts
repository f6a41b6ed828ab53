// The notifier: publishes a notification to the configured target within a short, bounded time,
// and never throws. A switch must not fail, or wait long, because a chat service or a topic is
// down: the caller gets a typed failure to report and audit (./audited.ts), and carries on.
import { Notification } from "./message";
import { Sender, SnsClientOptions, snsSender, webhookSender } from "./senders";
import { describeTarget, NotifyTarget, parseNotifyTarget } from "./target";

/** How long a notification may take before it is given up, by default. */
export const defaultNotifyTimeoutMs = 5_000;

/** The longest timeout accepted: a notification must never hold a switch for long. */
export const maxNotifyTimeoutMs = 30_000;

/** The SDK's notification option (`FailoverControllerOptions.notify`). */
export interface NotifyOptions {
    /** An SNS topic ARN or an http(s) webhook URL (./target.ts). */
    readonly target: string | NotifyTarget;
    /** Give a notification up after this long, in ms (1–30000). Defaults to 5000. */
    readonly timeoutMs?: number;
    /** Where SNS is reached (an emulator in tests). Defaults to AWS's endpoint of the topic's region. */
    readonly sns?: SnsClientOptions;
    /** Told of each notification that failed (the CLI prints a warning). Defaults to nothing. */
    readonly onFailure?: (failure: NotifyFailure) => void;
}

/** A notification that did not go out. */
export interface NotifyFailure {
    /** The target as messages may show it (a webhook by its origin only). */
    readonly target: string;
    /** What the notification was about, in one line (`failover secondary: ok`). */
    readonly about: string;
    readonly error: string;
    readonly durationMs: number;
}

/** A parsed, ready notifier. */
export class Notifier {
    private constructor(
        readonly target: NotifyTarget,
        private readonly send: Sender,
        private readonly timeoutMs: number,
        private readonly onFailure: ((f: NotifyFailure) => void) | undefined,
    ) {}

    /**
     * Builds the notifier of the options, or undefined when there are none.
     *
     * @throws Error naming `notify.target` or `notify.timeoutMs` when one is malformed.
     */
    static from(options: NotifyOptions | undefined, label = "notify.target"): Notifier | undefined {
        if (options === undefined) {
            return undefined;
        }
        const target = typeof options.target === "string" ? parseNotifyTarget(options.target, label) : options.target;
        const timeoutMs = options.timeoutMs ?? defaultNotifyTimeoutMs;
        if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > maxNotifyTimeoutMs) {
            throw new Error(`notify.timeoutMs must be an integer 1–${maxNotifyTimeoutMs} (got ${String(options.timeoutMs)})`);
        }
        const send = target.kind === "sns" ? snsSender(target, options.sns) : webhookSender(target);
        return new Notifier(target, send, timeoutMs, options.onFailure);
    }

    /** Publishes; resolves undefined when it went out, or the failure (already passed to `onFailure`). Never rejects. */
    async publish(n: Notification, about: string): Promise<NotifyFailure | undefined> {
        const started = Date.now();
        const signal = AbortSignal.timeout(this.timeoutMs);
        try {
            // Raced as well as passed: a sender that ignores the signal still cannot hold the caller.
            await Promise.race([this.send(n, signal), aborted(signal)]);
            return undefined;
        } catch (err) {
            const failure: NotifyFailure = { target: describeTarget(this.target), about, error: this.errorText(err, signal), durationMs: Date.now() - started };
            try {
                this.onFailure?.(failure);
            } catch {
                // A reporter that throws must not turn a lost notification into a failed switch.
            }
            return failure;
        }
    }

    /** The error in one line, with a webhook's URL cut to its origin (its path may be its token). */
    private errorText(err: unknown, signal: AbortSignal): string {
        if (signal.aborted) {
            return `no answer within ${this.timeoutMs} ms`;
        }
        const e = err as Error & { cause?: { code?: string; message?: string } };
        const cause = e.cause?.code ?? e.cause?.message;
        let text = `${e.message ?? String(err)}${cause !== undefined ? ` (${cause})` : ""}`.replace(/\s+/g, " ");
        if (this.target.kind === "webhook") {
            text = text.split(this.target.url.href).join(this.target.url.origin);
        }
        return text;
    }
}

/** Rejects once the signal aborts. */
function aborted(signal: AbortSignal): Promise<never> {
    return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true }));
}
