// The two ways a notification leaves: SNS Publish (AWS SDK v3) and a webhook POST (fetch). Each
// sends one JSON message and throws on failure; bounding the time is the notifier's job.
import type { SNSClient } from "@aws-sdk/client-sns";
import { Notification, subjectOf } from "./message";
import { SnsTarget, WebhookTarget } from "./target";

/** Sends one notification; rejects when it was not accepted. */
export type Sender = (n: Notification, signal: AbortSignal) => Promise<void>;

/** Where SNS is reached: AWS's endpoint of the topic's region unless given (a moto server in tests). */
export interface SnsClientOptions {
    readonly endpoint?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * Publishes to the topic in its own region. One attempt: the notifier's timeout bounds the call,
 * and the SDK's retries would spend it on one endpoint that is down. The SDK is loaded at the first
 * send: the emergency fence starts without it unless it notifies.
 */
export function snsSender(target: SnsTarget, opts: SnsClientOptions = {}): Sender {
    let client: SNSClient | undefined;
    return async (n, signal) => {
        const sns = await import("@aws-sdk/client-sns");
        client ??= new sns.SNSClient({
            region: target.region,
            maxAttempts: 1,
            ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
            ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
        });
        await client.send(new sns.PublishCommand({ TopicArn: target.topicArn, Subject: subjectOf(n), Message: JSON.stringify(n) }), { abortSignal: signal });
    };
}

/** POSTs the notification as JSON; any answer but 2xx is a failure. */
export function webhookSender(target: WebhookTarget): Sender {
    return async (n, signal) => {
        const res = await fetch(target.url, {
            method: "POST",
            headers: { "content-type": "application/json", "user-agent": "sftp-failover" },
            body: JSON.stringify(n),
            signal,
            redirect: "error",
        });
        // The body is not needed; reading it to its end frees the connection.
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) {
            throw new Error(`the webhook answered HTTP ${res.status}`);
        }
    };
}
