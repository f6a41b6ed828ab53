// Where the driver's notifications go: an SNS topic (by ARN) or a webhook (an http(s) URL). Parsed
// once, here, from the CLI's `--notify`, `$SFTP_FAILOVER_NOTIFY` or the SDK's `notify.target`.
import { awsRegionPattern } from "../../components/aws-region";

/** An SNS topic: the region is the ARN's, the only place the topic can be published to. */
export interface SnsTarget {
    readonly kind: "sns";
    readonly topicArn: string;
    readonly region: string;
}

/** A webhook: one JSON POST per notification. */
export interface WebhookTarget {
    readonly kind: "webhook";
    readonly url: URL;
}

/** A parsed notification target. */
export type NotifyTarget = SnsTarget | WebhookTarget;

/** The environment variable the CLI reads when `--notify` is not given. */
export const notifyEnvVar = "SFTP_FAILOVER_NOTIFY";

// arn:aws:sns:<region>:<12-digit account>:<topic> (topic names: CreateTopic's rule, see
// components/alarm-rules.ts); the partition may be aws, aws-cn or aws-us-gov.
const snsArn = /^arn:aws(?:-cn|-us-gov)?:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

/**
 * Parses a target, naming `label` (a flag or option) in the one-line refusal. The text is quoted
 * only when it is an ARN: a webhook URL may carry a token in its path or query, so a refused URL
 * is described by its scheme alone.
 *
 * @throws Error `<label> must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>) or an http(s) URL (got …)`.
 */
export function parseNotifyTarget(text: string, label = "notify"): NotifyTarget {
    const value = text.trim();
    if (value.startsWith("arn:")) {
        const m = snsArn.exec(value);
        if (m === null || !awsRegionPattern.test(m[1])) {
            throw new Error(`${label} must be an SNS topic ARN like arn:aws:sns:us-east-2:123456789012:sftp-failover (got ${JSON.stringify(value)})`);
        }
        return { kind: "sns", topicArn: value, region: m[1] };
    }
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new Error(`${label} must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>) or an http(s) URL (got text that is neither)`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw new Error(`${label} must be an SNS topic ARN or an http(s) URL (got a ${url.protocol} URL)`);
    }
    if (url.username !== "" || url.password !== "") {
        throw new Error(`${label}: a webhook URL must not carry a user or password (got a URL with one)`);
    }
    return { kind: "webhook", url };
}

/**
 * The target as messages show it: an ARN whole, a URL by its origin only (a webhook's path or
 * query often is its secret, e.g. a chat service's incoming-hook token).
 */
export function describeTarget(target: NotifyTarget): string {
    return target.kind === "sns" ? target.topicArn : `webhook ${target.url.origin}`;
}
