// The gateway's boot script. SFTPGo (https://github.com/drakkan/sftpgo) serves SFTP with each user's
// home on a prefix of the regional S3 bucket; its in-memory user store loads a JSON dump that a
// systemd timer regenerates from the region's users object, and a SIGHUP reloads it — users change
// without replacing instances. Everything rendered here must pass shellcheck (see the unit test).

/** Where SFTPGo listens on the instance; the load balancer forwards the public port to it. */
export const defaultGatewayPort = 2022;

/** What the boot script needs to know; every value is plain (resolved before rendering). */
export interface GatewayUserDataArgs {
    /** This region (AWS CLI calls and the S3 backend). */
    readonly region: string;
    /** The regional bucket holding the users' files and the users object. */
    readonly bucketName: string;
    /** ARN of the host-key secret in this region. */
    readonly hostKeySecretArn: string;
    /** Key of this region's users object in the bucket, e.g. `.sftp-failover/users/primary.json`. */
    readonly usersObjectKey: string;
    /** Port SFTPGo listens on. Defaults to 2022. */
    readonly port?: number;
    /** SFTPGo package version to pin, e.g. `2.6.6`. Defaults to the repository's latest. */
    readonly sftpgoVersion?: string;
    /**
     * SFTPGo as a pinned package in the regional bucket, checked against its SHA-256 before it is
     * installed: boot then reaches nothing outside the region. Defaults to none (the repository
     * mirror, through a NAT gateway).
     */
    readonly sftpgoPackage?: PinnedPackage;
    /** How often the user list is re-read, as a systemd time span. Defaults to `1min`. */
    readonly usersRefreshInterval?: string;
    /** Where the SFTPGo dump is written. Defaults to `/var/lib/sftpgo/users-dump.json`. */
    readonly usersDumpPath?: string;
    /** The account SFTPGo runs as (owner of the dump and the host keys). Defaults to `sftpgo`. */
    readonly serviceUser?: string;
    /** Folder of the host key files. Defaults to `/etc/sftpgo/hostkeys`. */
    readonly hostKeysDir?: string;
    /** Port of SFTPGo's telemetry server, whose `/healthz` an HTTP health check asks. Defaults to none (telemetry off). */
    readonly healthPort?: number;
    /** The group's launch lifecycle hook, which boot completes (see {@link renderBootCompleteScript}). Defaults to none. */
    readonly launchHook?: LaunchHookTarget;
}

/** The lifecycle hook a gateway completes at the end of each boot. */
export interface LaunchHookTarget {
    /** The Auto Scaling group's name. */
    readonly groupName: string;
    /** The hook's name on that group. */
    readonly hookName: string;
}

/** A package stored in the regional bucket, and the SHA-256 it must have. */
export interface PinnedPackage {
    /** Its key in the bucket, under {@link bootArtifactsPrefix}, ending in `.rpm`. */
    readonly key: string;
    /** Lowercase hex SHA-256 of the file. */
    readonly sha256: string;
}

/** Where boot artifacts live in the regional bucket: under sftp-failover's reserved prefix, never a home. */
export const bootArtifactsPrefix = ".sftp-failover/artifacts/";

/** Checks a pinned package's key and checksum, naming `label` (the config key). */
export function validatePinnedPackage(value: unknown, label: string): PinnedPackage {
    const pkg = (typeof value === "object" && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
    const extra = Object.keys(pkg).filter((k) => k !== "key" && k !== "sha256");
    if (extra.length > 0 || typeof value !== "object" || value === null) {
        throw new Error(`${label} must be { key, sha256 } (got ${JSON.stringify(value)})`);
    }
    const { key, sha256 } = pkg;
    if (typeof key !== "string" || !key.startsWith(bootArtifactsPrefix) || !/^[A-Za-z0-9_./+-]+\.rpm$/.test(key) || key.includes("..")) {
        throw new Error(`${label}.key must be an .rpm key under ${bootArtifactsPrefix} in the regional bucket (got ${JSON.stringify(key)})`);
    }
    if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) {
        throw new Error(`${label}.sha256 must be the file's SHA-256 as 64 lowercase hex digits (got ${JSON.stringify(sha256)})`);
    }
    return { key, sha256 };
}

/** Where the host keys are written on the instance. */
export const defaultHostKeysDir = "/etc/sftpgo/hostkeys";

/** Path of the host-key installer on the instance. */
export const hostKeysInstallPath = "/usr/local/sbin/sftp-host-keys-install";

/**
 * The host-key installer: reads the region's secret and writes each key (mode 0600, owned by the
 * service account) exactly as stored — `jq -j` adds no newline, and `-e` fails on a missing key
 * instead of writing the word "null" into a key file.
 */
export function renderHostKeysInstallScript(args: GatewayUserDataArgs): string {
    return `#!/bin/bash
# Installs the shared SSH host keys from Secrets Manager (rendered by sftp-failover).
set -euo pipefail

region=${shellValue("region", args.region)}
secret=${shellValue("hostKeySecretArn", args.hostKeySecretArn)}
keys_dir=${shellValue("hostKeysDir", args.hostKeysDir ?? defaultHostKeysDir)}
owner=${shellValue("serviceUser", args.serviceUser ?? "sftpgo")}

install -d -m 0700 "$keys_dir"
chown "$owner:$owner" "$keys_dir"
secret_json="$(aws secretsmanager get-secret-value --region "$region" --secret-id "$secret" --query SecretString --output text)"
for type in ed25519 ecdsa rsa; do
  key_file="$keys_dir/ssh_host_\${type}_key"
  if ! (umask 077 && jq -ej --arg type "$type" '.[$type] | strings' <<<"$secret_json" > "$key_file.new"); then
    rm -f "$key_file.new"
    echo "sftp-host-keys-install: the secret has no $type key" >&2
    exit 1
  fi
  chown "$owner:$owner" "$key_file.new"
  mv -f "$key_file.new" "$key_file"
done
echo "sftp-host-keys-install: installed ed25519, ecdsa and rsa host keys in $keys_dir"
`;
}

/** Path of the lifecycle-action completer on the instance. */
export const bootCompletePath = "/usr/local/sbin/sftp-boot-complete";

/**
 * The lifecycle-action completer: tells Auto Scaling the boot is done (CONTINUE) or failed
 * (ABANDON), for this instance, whose id it reads from the instance metadata service with an
 * IMDSv2 token (the launch template requires tokens). Called with no argument (the per-boot unit),
 * it answers CONTINUE when SFTPGo is running and ABANDON when not. A boot with no action pending
 * (a plain reboot of a serving instance) gets a refusal from Auto Scaling, which it logs and
 * ignores: there is nothing to complete.
 */
export function renderBootCompleteScript(args: GatewayUserDataArgs, hook: LaunchHookTarget): string {
    return `#!/bin/bash
# Completes this instance's launch lifecycle action (rendered by sftp-failover).
set -euo pipefail

region=${shellValue("region", args.region)}
group=${shellValue("launchHook.groupName", hook.groupName)}
hook=${shellValue("launchHook.hookName", hook.hookName)}

result="\${1:-}"
if [ -z "$result" ]; then
  if systemctl is-active --quiet sftpgo; then result=CONTINUE; else result=ABANDON; fi
fi
case "$result" in
  CONTINUE|ABANDON) ;;
  *) echo "sftp-boot-complete: result must be CONTINUE or ABANDON (got $result)" >&2; exit 2 ;;
esac

token="$(curl -fsS --retry 3 -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')"
instance_id="$(curl -fsS --retry 3 -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id)"
if aws autoscaling complete-lifecycle-action --region "$region" --auto-scaling-group-name "$group" \
  --lifecycle-hook-name "$hook" --instance-id "$instance_id" --lifecycle-action-result "$result"; then
  echo "sftp-boot-complete: $result for $instance_id in $group"
else
  echo "sftp-boot-complete: no launch action of $instance_id completed in $group (none pending, or the call failed)" >&2
  [ "$result" = ABANDON ] || [ -z "\${1:-}" ] || exit 1
fi
`;
}

/**
 * What boot adds for a launch lifecycle hook: the completer, an ERR trap that abandons the launch
 * when any step fails, and a unit that completes it on every later boot — a pooled instance is
 * started with its first boot's state, cloud-init does not run the user data again, and Auto
 * Scaling waits in Pending:Wait once more (User Guide, "Use lifecycle hooks with a warm pool").
 * That unit reloads the users first: the list the pool kept may be days old.
 */
function renderLaunchHookSetup(args: GatewayUserDataArgs): { setup: string; done: string } {
    const hook = args.launchHook;
    if (hook === undefined) {
        return { setup: "", done: "" };
    }
    const script = Buffer.from(renderBootCompleteScript(args, hook), "utf8").toString("base64");
    const setup = `
# A launch lifecycle hook holds this instance until boot says it is done: any failing step abandons it.
base64 -d > ${bootCompletePath} <<'SCRIPT'
${script}
SCRIPT
chmod 0755 ${bootCompletePath}
trap '${bootCompletePath} ABANDON' ERR
`;
    const done = `
# Every later boot (a pooled instance started) reloads the users — the pool kept its first boot's
# list — and completes the hook once SFTPGo is up; a failed reload abandons the launch.
cat > /etc/systemd/system/sftp-boot-complete.service <<'UNIT'
[Unit]
Description=Reload the users and complete the launch lifecycle action once SFTPGo runs
After=sftpgo.service network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/bin/bash -c '${usersSyncPath} && exec ${bootCompletePath} || exec ${bootCompletePath} ABANDON'

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable sftp-boot-complete.service
# SFTPGo, the host keys and the users are in place: the launch may go on.
systemctl is-active --quiet sftpgo
trap - ERR
${bootCompletePath} CONTINUE
`;
    return { setup, done };
}

/** Where the SFTPGo dump lives on the instance. */
export const defaultUsersDumpPath = "/var/lib/sftpgo/users-dump.json";

const safeValue = /^[A-Za-z0-9_./:@+=,-]+$/;

/** Quotes a value for the shell; refuses anything that is not a plain token, so no value can inject code. */
function shellValue(label: string, value: string): string {
    if (!safeValue.test(value)) {
        throw new Error(`${label} "${value}" contains characters not allowed in the gateway's boot script`);
    }
    return `'${value}'`;
}

/**
 * The jq program that turns the canonical user list (see canonicalUsersJson) into an SFTPGo data
 * dump: each user gets the S3 backend on its home prefix, and read-only users only list and
 * download. Dump version 17 is the format of SFTPGo 2.5+; older dumps make SFTPGo migrate event
 * actions, which this dump has none of. Exported so the unit test runs it through the real jq.
 */
export const sftpgoDumpFilter = [
    "{",
    "  version: 17,",
    "  users: [.users[] | {",
    "    username: .name,",
    "    status: 1,",
    '    home_dir: ("/srv/sftpgo/data/" + .name),',
    '    permissions: {"/": (if .readOnly then ["list", "download"] else ["*"] end)},',
    "    public_keys: .publicKeys,",
    "    filesystem: {provider: 1, s3config: {bucket: $bucket, region: $region, key_prefix: .homePrefix}}",
    "  }],",
    "  folders: [],",
    "  groups: [],",
    "  admins: []",
    "}",
].join("\n");

/** How often each gateway reloads the users object when no period is given: its timer's period. */
export const defaultUsersRefreshSeconds = 60;

/**
 * What one reload takes once the timer fires: a GetObject of the users object, jq over it, the dump
 * replaced and a SIGHUP to SFTPGo (a few seconds on an idle instance, counted generously).
 */
export const usersReloadAllowanceSeconds = 5;

/**
 * The longest time from a change of the users object to every gateway serving it: one timer period
 * (a gateway may have just read the old object) plus the reload itself. SFTPGo applies a reloaded
 * user at the next login; a session already open keeps the permissions it logged in with.
 */
export function usersReloadSeconds(refreshSeconds: number): number {
    return refreshSeconds + usersReloadAllowanceSeconds;
}

/**
 * The timer's period as a systemd time span: whole minutes as `<n>min` (so the default renders as
 * the `1min` every deployed launch template has, and changes nothing), else `<n>s`.
 */
export function usersRefreshSpan(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
        throw new Error(`usersRefreshSeconds must be whole seconds 1–3600 (got ${String(seconds)})`);
    }
    return seconds % 60 === 0 ? `${seconds / 60}min` : `${seconds}s`;
}

/** Path of the users sync script on the instance. */
export const usersSyncPath = "/usr/local/sbin/sftp-users-sync";

/**
 * The users sync script: fetches the region's users object, renders the SFTPGo dump, and only when it
 * changed replaces it atomically and sends SFTPGo a SIGHUP (which reloads the memory provider).
 */
export function renderUsersSyncScript(args: GatewayUserDataArgs): string {
    return `#!/bin/bash
# Loads the SFTP user list from its regional S3 object into SFTPGo (rendered by sftp-failover).
set -euo pipefail

region=${shellValue("region", args.region)}
bucket=${shellValue("bucketName", args.bucketName)}
key=${shellValue("usersObjectKey", args.usersObjectKey)}
dump=${shellValue("usersDumpPath", args.usersDumpPath ?? defaultUsersDumpPath)}
owner=${shellValue("serviceUser", args.serviceUser ?? "sftpgo")}
filter="$(cat <<'JQ'
${sftpgoDumpFilter}
JQ
)"

fetched="$(mktemp "\${dump}.object.XXXXXX")"
tmp="$(mktemp "\${dump}.XXXXXX")"
trap 'rm -f "$fetched" "$tmp"' EXIT

# One GetObject returns one version of the object, whole: a read that races an update gets the old
# list or the new one, never a mix. A failed read or invalid JSON stops the script before the dump
# is touched; the old dump stays, and the next run of the timer tries again.
aws s3api get-object --region "$region" --bucket "$bucket" --key "$key" "$fetched" > /dev/null
jq --arg bucket "$bucket" --arg region "$region" "$filter" "$fetched" > "$tmp"

if [ -f "$dump" ] && cmp -s "$tmp" "$dump"; then
  exit 0
fi
chown "$owner:$owner" "$tmp"
chmod 0640 "$tmp"
mv -f "$tmp" "$dump"
if systemctl is-active --quiet sftpgo; then
  systemctl kill --signal=HUP --kill-whom=main sftpgo
fi
echo "sftp-users-sync: loaded $(jq '.users | length' "$dump") users from s3://$bucket/$key"
`;
}

/**
 * How boot installs SFTPGo and jq. With a pinned package: from the regional bucket through the S3
 * gateway endpoint, refused unless its SHA-256 matches, and jq from Amazon Linux's own repositories
 * (served from S3 in the region) — nothing outside the region. Without: SFTPGo's repository on the
 * Oregon State University Open Source Lab mirror, which needs the internet (a NAT gateway).
 */
function renderSftpgoInstall(args: GatewayUserDataArgs): string {
    const pinned = args.sftpgoPackage;
    if (pinned === undefined) {
        const pkg = args.sftpgoVersion === undefined ? "sftpgo" : `sftpgo-${args.sftpgoVersion}`;
        return `sftpgo_package=${shellValue("sftpgoVersion", pkg)}

# SFTPGo from its official repository (Oregon State University Open Source Lab mirror).
curl -fsS --retry 5 "https://ftp.osuosl.org/pub/sftpgo/yum/$(uname -m)/sftpgo.repo" -o /etc/yum.repos.d/sftpgo.repo
dnf install -y jq "$sftpgo_package"`;
    }
    const checked = validatePinnedPackage(pinned, "sftpgoPackage");
    return `region=${shellValue("region", args.region)}
bucket=${shellValue("bucketName", args.bucketName)}
package_key=${shellValue("sftpgoPackage.key", checked.key)}
package_sha256=${shellValue("sftpgoPackage.sha256", checked.sha256)}
package_file=/var/tmp/sftpgo.rpm

# SFTPGo from the pinned package in this region's bucket (S3 gateway endpoint), installed only if its
# SHA-256 matches; jq from Amazon Linux's repositories, which S3 serves in the region.
aws s3api get-object --region "$region" --bucket "$bucket" --key "$package_key" "$package_file" > /dev/null
echo "$package_sha256  $package_file" | sha256sum --check --strict -
dnf install -y jq "$package_file"`;
}

/**
 * SFTPGo's telemetry server: off, or — for an HTTP health check — on every interface at the health
 * port, where the load balancer asks `/healthz` (the instances' security group admits the port
 * from the load balancer only).
 */
function renderTelemetry(healthPort: number | undefined): string {
    if (healthPort === undefined) {
        return "SFTPGO_TELEMETRY__BIND_PORT=0";
    }
    if (!Number.isInteger(healthPort) || healthPort < 1024 || healthPort > 65535) {
        throw new Error(`healthPort must be an integer 1024–65535 (got ${String(healthPort)})`);
    }
    return `SFTPGO_TELEMETRY__BIND_PORT=${healthPort}\nSFTPGO_TELEMETRY__BIND_ADDRESS=`;
}

/**
 * The instance's user data (Amazon Linux 2023, which ships the AWS CLI and the SSM agent): installs
 * SFTPGo from its official YUM repository, writes the shared host keys from Secrets Manager,
 * configures SFTPGo by environment (public-key only, memory provider, no web admin), installs the
 * users sync script and its timer, loads the users once and starts the service. With a launch
 * lifecycle hook, it completes the hook last (CONTINUE) and abandons the launch when a step fails.
 */
export function renderGatewayUserData(args: GatewayUserDataArgs): string {
    const port = args.port ?? defaultGatewayPort;
    const interval = args.usersRefreshInterval ?? "1min";
    if (!Number.isInteger(port) || port < 1024 || port > 65535) {
        throw new Error(`gateway port must be an integer 1024–65535 (got ${String(port)})`);
    }
    if (!/^\d+(s|min|h)$/.test(interval)) {
        throw new Error(`usersRefreshInterval must look like 30s, 1min or 1h (got "${interval}")`);
    }
    const syncScript = Buffer.from(renderUsersSyncScript(args), "utf8").toString("base64");
    const hostKeysScript = Buffer.from(renderHostKeysInstallScript(args), "utf8").toString("base64");
    const hook = renderLaunchHookSetup(args);
    return `#!/bin/bash
# SFTP gateway bootstrap (rendered by sftp-failover; do not edit on the instance).
set -euo pipefail
${hook.setup}
keys_dir=${shellValue("hostKeysDir", args.hostKeysDir ?? defaultHostKeysDir)}

${renderSftpgoInstall(args)}

# The shared host keys: the same three keys in both regions, so clients see one set of fingerprints.
base64 -d > ${hostKeysInstallPath} <<'SCRIPT'
${hostKeysScript}
SCRIPT
chmod 0755 ${hostKeysInstallPath}
${hostKeysInstallPath}

install -d -m 0750 -o sftpgo -g sftpgo /var/lib/sftpgo /srv/sftpgo/data
cat > /etc/sftpgo/gateway.env <<ENV
SFTPGO_SFTPD__BINDINGS__0__PORT=${port}
SFTPGO_SFTPD__HOST_KEYS=$keys_dir/ssh_host_ed25519_key,$keys_dir/ssh_host_ecdsa_key,$keys_dir/ssh_host_rsa_key
SFTPGO_SFTPD__PASSWORD_AUTHENTICATION=false
SFTPGO_DATA_PROVIDER__DRIVER=memory
SFTPGO_DATA_PROVIDER__NAME=${args.usersDumpPath ?? defaultUsersDumpPath}
SFTPGO_HTTPD__BINDINGS__0__PORT=0
${renderTelemetry(args.healthPort)}
ENV
install -d /etc/systemd/system/sftpgo.service.d
cat > /etc/systemd/system/sftpgo.service.d/gateway.conf <<'UNIT'
[Service]
EnvironmentFile=/etc/sftpgo/gateway.env
UNIT

base64 -d > ${usersSyncPath} <<'SCRIPT'
${syncScript}
SCRIPT
chmod 0755 ${usersSyncPath}
cat > /etc/systemd/system/sftp-users-sync.service <<'UNIT'
[Unit]
Description=Load SFTP users from the regional S3 object
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=${usersSyncPath}
UNIT
cat > /etc/systemd/system/sftp-users-sync.timer <<'UNIT'
[Unit]
Description=Refresh SFTP users

[Timer]
OnBootSec=${interval}
OnUnitActiveSec=${interval}

[Install]
WantedBy=timers.target
UNIT

# Users first, so SFTPGo starts with the full list.
${usersSyncPath}
systemctl daemon-reload
systemctl enable sftpgo.service
systemctl restart sftpgo.service
systemctl enable --now sftp-users-sync.timer
${hook.done}`;
}
