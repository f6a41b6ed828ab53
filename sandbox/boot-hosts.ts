/**
 * The hosts outside AWS an instance's user data reaches (an `http(s)://` URL whose host is not an
 * AWS endpoint), from the launch template's base64 user data. The reachability model cuts them off
 * during a regional event: a standby that must download from a third-party mirror to boot does not
 * come up when it is needed. Calls the AWS CLI makes (S3, Secrets Manager) name no URL and stay in
 * the region. Only the host names are kept — never the script, which may name what should not be
 * in a shared file.
 */
export function hostsOutsideAws(userDataBase64: unknown): string[] {
    if (typeof userDataBase64 !== "string" || userDataBase64 === "") {
        return [];
    }
    const script = Buffer.from(userDataBase64, "base64").toString("utf8");
    const hosts = [...script.matchAll(/https?:\/\/([A-Za-z0-9.-]+)/g)].map((m) => m[1].toLowerCase());
    return [...new Set(hosts.filter((h) => !awsHost.test(h)))].sort();
}

/** AWS's own endpoints (commercial, China), which a regional VPC reaches without the internet through endpoints. */
const awsHost = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/;
