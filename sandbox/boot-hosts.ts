/**
 * The hosts outside AWS an instance's user data reaches (an `http(s)://` URL whose host is not an
 * AWS endpoint), from the launch template's base64 user data. The reachability model cuts them off
 * during a regional event: a standby that must download from a third-party mirror to boot does not
 * come up when it is needed. Only the host names are kept — never the script, which may name what
 * should not be in a shared file.
 */
export function hostsOutsideAws(userDataBase64: unknown): string[] {
    const script = bootScripts(userDataBase64);
    const hosts = [...script.matchAll(/https?:\/\/([A-Za-z0-9.-]+)/g)].map((m) => m[1].toLowerCase());
    return [...new Set(hosts.filter((h) => !awsHost.test(h)))].sort();
}

/**
 * The AWS services the user data calls through the AWS CLI (`aws <command> …`), by the endpoint
 * name a VPC endpoint has (`com.amazonaws.<region>.<name>`): `s3api` and `s3` are `s3`,
 * `cloudwatch` is `monitoring`, the rest are their own. Scripts the user data writes from base64
 * (`base64 -d > file <<'SCRIPT'`) count too: the gateway's host-key installer is one.
 */
export function awsServicesCalled(userDataBase64: unknown): string[] {
    const script = bootScripts(userDataBase64);
    const commands = [...script.matchAll(/(?:^|[\s;(&|$])aws\s+([a-z0-9-]+)\s/gm)].map((m) => m[1]);
    return [...new Set(commands.map((c) => endpointNames[c] ?? c))].sort();
}

const endpointNames: Readonly<Record<string, string>> = { s3api: "s3", s3: "s3", cloudwatch: "monitoring" };

/** The user data decoded, followed by every script it writes out of a base64 heredoc. */
function bootScripts(userDataBase64: unknown): string {
    if (typeof userDataBase64 !== "string" || userDataBase64 === "") {
        return "";
    }
    const script = Buffer.from(userDataBase64, "base64").toString("utf8");
    const embedded = [...script.matchAll(/base64 -d[^\n]*<<'(\w+)'\n([A-Za-z0-9+/=\n]+)\n\1\n/g)].map((m) => Buffer.from(m[2], "base64").toString("utf8"));
    return [script, ...embedded].join("\n");
}

/** AWS's own endpoints (commercial, China), which a regional VPC reaches without the internet through endpoints. */
const awsHost = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/;
