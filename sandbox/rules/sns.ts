// SNS topics and subscriptions, as CreateTopic and Subscribe accept them, and the one rule
// CloudWatch keeps on an alarm's SNS actions (they live in the alarm's region).
import { Inputs, TypeRules, custom, list, oneOf, problem, required, str } from "./engine";

const api = "AWS SNS API reference";

/** CreateTopic's Name: letters, digits, hyphens and underscores, 1–256; a FIFO topic's ends in `.fifo` (which counts). */
function topicNameProblem(name: string, fifo: boolean): string | undefined {
    const base = fifo ? name.replace(/\.fifo$/, "") : name;
    if (fifo && !name.endsWith(".fifo")) {
        return `a FIFO topic's name must end in ".fifo" (got ${JSON.stringify(name)})`;
    }
    if (name.length < 1 || name.length > 256 || !/^[A-Za-z0-9_-]+$/.test(base)) {
        return `topic names are 1–256 letters, digits, hyphens or underscores${fifo ? ' before ".fifo"' : ""} (got ${JSON.stringify(name)})`;
    }
    return undefined;
}

const topic: TypeRules = {
    type: "aws:sns/topic:Topic",
    service: "sns",
    rules: [
        custom("name: 1–256 letters, digits, - and _; a FIFO topic's ends in .fifo", `${api} (CreateTopic Name: "Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long. For a FIFO topic, the name must end with the .fifo suffix.")`, (i) => {
            const name = str(i.name);
            const why = name === undefined ? undefined : topicNameProblem(name, i.fifoTopic === true || i.fifoTopic === "true");
            return why === undefined ? [] : [problem("name", `name: ${why} (CreateTopic)`)];
        }),
    ],
};

/** Subscribe's protocols. */
const protocols = ["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"];

/** The endpoint form each protocol takes (Subscribe's Endpoint: "Endpoints vary by protocol"). */
const endpointForms: Readonly<Record<string, { readonly test: RegExp; readonly what: string }>> = {
    http: { test: /^http:\/\/\S+$/, what: "a URL beginning with http://" },
    https: { test: /^https:\/\/\S+$/, what: "a URL beginning with https://" },
    email: { test: /^[^\s@]+@[^\s@]+$/, what: "an e-mail address" },
    "email-json": { test: /^[^\s@]+@[^\s@]+$/, what: "an e-mail address" },
    sms: { test: /^\+?[0-9]{6,15}$/, what: "a phone number (E.164)" },
    sqs: { test: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:\S+$/, what: "the ARN of an SQS queue" },
    application: { test: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:endpoint\/\S+$/, what: "the EndpointArn of a mobile app and device" },
    lambda: { test: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:\S+$/, what: "the ARN of a Lambda function" },
    firehose: { test: /^arn:aws[a-z-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream\/\S+$/, what: "the ARN of a Firehose delivery stream" },
};

const subscribe = `${api} (Subscribe)`;

const topicSubscription: TypeRules = {
    type: "aws:sns/topicSubscription:TopicSubscription",
    service: "sns",
    rules: [
        required("topic", "Subscribe", `${subscribe} TopicArn`),
        required("protocol", "Subscribe", `${subscribe} Protocol`),
        required("endpoint", "Subscribe", `${subscribe} Endpoint; terraform-provider-aws internal/service/sns/topic_subscription.go (endpoint Required)`),
        oneOf("protocol", protocols, "Subscribe", `${subscribe} Protocol: "Supported protocols include: http, https, email, email-json, sms, sqs, application, lambda, firehose"`),
        custom("endpoint takes the protocol's form", `${subscribe} Endpoint: "Endpoints vary by protocol"`, (i) => {
            const protocol = str(i.protocol);
            const endpoint = str(i.endpoint);
            const form = protocol === undefined ? undefined : endpointForms[protocol];
            // The endpoint is not quoted: an https one often carries a token.
            return form !== undefined && endpoint !== undefined && !form.test.test(endpoint)
                ? [problem("endpoint", `endpoint must be ${form.what} for protocol ${protocol} (Subscribe)`)]
                : [];
        }),
        custom("a firehose subscription needs subscriptionRoleArn", `${subscribe} Attributes SubscriptionRoleArn: "required … for Firehose delivery stream subscriptions"`, (i) =>
            str(i.protocol) === "firehose" && str(i.subscriptionRoleArn) === undefined ? [problem("subscriptionRoleArn", "subscriptionRoleArn is required for protocol firehose (Subscribe)")] : [],
        ),
    ],
};

/**
 * An alarm notifies SNS topics of its own region only: PutMetricAlarm refuses another region's
 * topic ("ValidationError: Invalid region us-west-2 specified. Only us-east-1 is supported.").
 * Judged when the alarm names its region (the provider's default region is not an input).
 */
export function alarmActionRegionProblems(i: Inputs): { property: string; message: string }[] {
    const region = str(i.region);
    if (region === undefined) {
        return [];
    }
    return ["alarmActions", "okActions", "insufficientDataActions"].flatMap((key) =>
        (list(i[key]) ?? []).flatMap((action, n) => {
            const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):/.exec(str(action) ?? "");
            return m !== null && m[1] !== region
                ? [problem(`${key}[${n}]`, `${key}[${n}] is a topic in ${m[1]}; an alarm in ${region} notifies topics of ${region} only ("Invalid region ${m[1]} specified. Only ${region} is supported.", PutMetricAlarm)`)]
                : [];
        }),
    );
}

export const snsRules: readonly TypeRules[] = [topic, topicSubscription];
