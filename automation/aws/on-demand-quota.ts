// The On-Demand Standard vCPU quota of a region, from Service Quotas: the value applied to the
// account (GetServiceQuota), else AWS's default (GetAWSDefaultServiceQuota). Service Quotas returns
// an applied value only for some quotas ("If the applied quota value is not available for a quota,
// the quota is not retrieved", API reference, GetServiceQuota), so NoSuchResourceException there is
// not yet a failure. Anything else — no permission, throttling, no answer — is a `problem`, which
// the judgement (automation/standby-quota.ts) turns into `unknown`, never into "enough".
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { OnDemandQuotaReader, onDemandStandardQuotaCode, QuotaReading } from "../standby-quota";

/** Options of {@link serviceQuotasReader}. */
export interface ServiceQuotasReaderOptions {
    /** Service Quotas' endpoint URL, e.g. a moto server. Defaults to AWS's endpoint of each region. */
    readonly endpoint?: string;
    /** Credentials. Defaults to the SDK's default provider chain. */
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
    /** Milliseconds to open a connection and, separately, to wait for an answer. Defaults to 5 000: status must not hang on a dead region. */
    readonly timeoutMs?: number;
    /** The client of a region (tests pass one with a stubbed `send`). Defaults to a ServiceQuotasClient from these options. */
    readonly client?: (awsRegion: string) => Pick<ServiceQuotasClient, "send">;
}

const serviceCode = "ec2";

/** A reader of the quota through Service Quotas in each region. */
export function serviceQuotasReader(options: ServiceQuotasReaderOptions = {}): OnDemandQuotaReader {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const clientOf =
        options.client ??
        ((region: string) =>
            new ServiceQuotasClient({
                region,
                maxAttempts: 2,
                requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
                ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
                ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
            }));
    return {
        name: "Service Quotas",
        async read(awsRegion: string): Promise<QuotaReading> {
            const client = clientOf(awsRegion);
            const request = { ServiceCode: serviceCode, QuotaCode: onDemandStandardQuotaCode };
            try {
                const applied = await client.send(new GetServiceQuotaCommand(request));
                return valueOf(applied.Quota?.Value, "Service Quotas (applied)");
            } catch (err) {
                if ((err as Error).name !== "NoSuchResourceException") {
                    return { problem: `GetServiceQuota ${serviceCode}/${onDemandStandardQuotaCode} in ${awsRegion}: ${describe(err)}` };
                }
            }
            try {
                const fallback = await client.send(new GetAWSDefaultServiceQuotaCommand(request));
                return valueOf(fallback.Quota?.Value, "Service Quotas (AWS default)");
            } catch (err) {
                return { problem: `GetAWSDefaultServiceQuota ${serviceCode}/${onDemandStandardQuotaCode} in ${awsRegion}: ${describe(err)}` };
            }
        },
    };
}

function valueOf(value: number | undefined, source: string): QuotaReading {
    return typeof value === "number" && Number.isFinite(value) ? { vcpus: value, source } : { problem: `${source} answered without a value` };
}

function describe(err: unknown): string {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return text.split("\n")[0].slice(0, 200);
}
