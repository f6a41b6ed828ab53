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
    /** How often the user list is re-read, as a systemd time span. Defaults to `1min`. */
    readonly usersRefreshInterval?: string;
    /** Where the SFTPGo dump is written. Defaults to `/var/lib/sftpgo/users-dump.json`. */
    readonly usersDumpPath?: string;
    /** The account SFTPGo runs as (owner of the dump and the host keys). Defaults to `sftpgo`. */
    readonly serviceUser?: string;
    /** Folder of the host key files. Defaults to `/etc/sftpgo/hostkeys`. */
    readonly hostKeysDir?: string;
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
 * The instance's user data (Amazon Linux 2023, which ships the AWS CLI and the SSM agent): installs
 * SFTPGo from its official YUM repository, writes the shared host keys from Secrets Manager,
 * configures SFTPGo by environment (public-key only, memory provider, no web admin), installs the
 * users sync script and its timer, loads the users once and starts the service.
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
    const pkg = args.sftpgoVersion === undefined ? "sftpgo" : `sftpgo-${args.sftpgoVersion}`;
    const syncScript = Buffer.from(renderUsersSyncScript(args), "utf8").toString("base64");
    const hostKeysScript = Buffer.from(renderHostKeysInstallScript(args), "utf8").toString("base64");
    return `#!/bin/bash
# SFTP gateway bootstrap (rendered by sftp-failover; do not edit on the instance).
set -euo pipefail

sftpgo_package=${shellValue("sftpgoVersion", pkg)}
keys_dir=${shellValue("hostKeysDir", args.hostKeysDir ?? defaultHostKeysDir)}

# SFTPGo from its official repository (Oregon State University Open Source Lab mirror).
curl -fsS --retry 5 "https://ftp.osuosl.org/pub/sftpgo/yum/$(uname -m)/sftpgo.repo" -o /etc/yum.repos.d/sftpgo.repo
dnf install -y jq "$sftpgo_package"

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
SFTPGO_TELEMETRY__BIND_PORT=0
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
`;
}
