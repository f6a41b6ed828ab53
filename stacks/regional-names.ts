// The names a regional stack gives its host-key secret and users object. They follow from config
// alone, so the config check can size the gateway's policy with them (stacks/config/gateway-access.ts)
// before the stack has declared anything.
import * as os from "node:os";
import * as path from "node:path";
import { RegionName } from "../foundation/posture";
import { reservedKeyPrefix } from "../components/reserved-keys";

/** The host-key secret's name prefix; AWS and the provider complete it (components/host-keys.ts). */
export function hostKeySecretNamePrefix(namePrefix: string, regionName: RegionName): string {
    return `${namePrefix}/${regionName}/host-keys-`;
}

/**
 * The key of the users object in the region's own bucket, named after the region. The buckets
 * replicate both ways, so each bucket also holds its peer's object as a replica under the peer's
 * name; a gateway reads only its own region's key, so the replica is never served.
 */
export function usersObjectKey(regionName: RegionName): string {
    return `${usersObjectKeyPrefix}${regionName}.json`;
}

/** The folder of both regions' users objects in a bucket. */
export const usersObjectKeyPrefix = `${reservedKeyPrefix}users/`;

/**
 * The folder of the local files the users objects' bodies are uploaded from
 * (components/sftp-users.ts): the user's cache, `$XDG_CACHE_HOME/sftp-failover/users-objects`
 * (`~/.cache/…` by default). Not beside the users file: bootstrap and plan run the program in
 * scratch copies of the project that are removed afterwards, and the state would then name a file
 * that is gone. Each file is named after its content's sha256 and written again whenever a run
 * needs it, so any of them may be deleted at any time.
 */
export function usersBodyDir(env: NodeJS.ProcessEnv = process.env): string {
    const cache = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== "" ? env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
    return path.join(cache, "sftp-failover", "users-objects");
}
