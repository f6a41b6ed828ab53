// Who hears the dns stack's alarms: subscriptions of its SNS topics, checked before anything is
// created. Pure, no Pulumi: the config loader and the component run the same check.

/** The protocols a subscription may use here: the ones that wake a person or feed a pager. */
export const subscriptionProtocols = ["email", "https", "sqs"] as const;

/** A subscription's protocol. */
export type SubscriptionProtocol = (typeof subscriptionProtocols)[number];

/** One subscriber of every alarm topic. */
export interface AlarmSubscription {
    readonly protocol: SubscriptionProtocol;
    /** An e-mail address, an https URL, or an SQS queue ARN (SNS's Subscribe: the endpoint's form follows the protocol). */
    readonly endpoint: string;
}

// SNS's Subscribe takes any address for email; this refuses only what cannot be one.
const emailAddress = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// arn:<partition>:sqs:<region>:<account>:<queue> (queue names: 1–80 letters, digits, - and _, .fifo).
const sqsQueueArn = /^arn:aws(?:-cn|-us-gov)?:sqs:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/**
 * Checks one subscription, naming `label` (e.g. `sftp-failover:alarmSubscriptions[1]`). The endpoint
 * is quoted only for SQS (an ARN): an address or a URL may carry a secret (a token in a hook URL).
 *
 * @throws Error `<label>.protocol must be one of email, https, sqs (got "sms")`, or a line naming `<label>.endpoint`.
 */
export function validateSubscription(value: unknown, label: string): AlarmSubscription {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new Error(`${label} must be an object { protocol, endpoint } (got ${JSON.stringify(value)})`);
    }
    const { protocol, endpoint, ...rest } = value as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) {
        throw new Error(`${label} has unknown keys ${extra.join(", ")} (valid: protocol, endpoint)`);
    }
    if (typeof protocol !== "string" || !(subscriptionProtocols as readonly string[]).includes(protocol)) {
        throw new Error(`${label}.protocol must be one of ${subscriptionProtocols.join(", ")} (got ${JSON.stringify(protocol)})`);
    }
    if (typeof endpoint !== "string" || endpoint.trim() === "") {
        throw new Error(`${label}.endpoint must be a non-empty string (got ${JSON.stringify(endpoint)})`);
    }
    const problem = endpointProblem(protocol as SubscriptionProtocol, endpoint);
    if (problem !== undefined) {
        throw new Error(`${label}.endpoint ${problem}`);
    }
    return { protocol: protocol as SubscriptionProtocol, endpoint };
}

/** Why an endpoint does not suit its protocol, or undefined when it does. */
function endpointProblem(protocol: SubscriptionProtocol, endpoint: string): string | undefined {
    switch (protocol) {
        case "email":
            return emailAddress.test(endpoint) ? undefined : "must be an e-mail address for protocol email";
        case "https": {
            let url: URL | undefined;
            try {
                url = new URL(endpoint);
            } catch {
                url = undefined;
            }
            // Literally "https://": SNS's Subscribe asks for "a URL beginning with https://".
            return endpoint.startsWith("https://") && url?.protocol === "https:" && url.hostname !== "" ? undefined : "must be an https:// URL for protocol https";
        }
        case "sqs":
            return sqsQueueArn.test(endpoint) ? undefined : `must be an SQS queue ARN like arn:aws:sqs:us-east-2:123456789012:on-call for protocol sqs (got ${JSON.stringify(endpoint)})`;
        default:
            throw new Error(`unknown subscription protocol "${protocol as string}"`);
    }
}

/** Refuses the same subscriber twice: SNS would keep one, and the config would say two. */
export function validateSubscriptions(values: readonly unknown[], label: string): AlarmSubscription[] {
    const subscriptions = values.map((v, i) => validateSubscription(v, `${label}[${i}]`));
    const seen = new Map<string, number>();
    subscriptions.forEach((s, i) => {
        const key = `${s.protocol} ${s.protocol === "email" ? s.endpoint.toLowerCase() : s.endpoint}`;
        const first = seen.get(key);
        if (first !== undefined) {
            throw new Error(`${label}[${i}] repeats ${label}[${first}] (the same ${s.protocol} subscriber)`);
        }
        seen.set(key, i);
    });
    return subscriptions;
}
