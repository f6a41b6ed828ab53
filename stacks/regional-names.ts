// The names a regional stack gives its host-key secret and users parameters, and the ARN of that
// parameter path. They follow from config alone, so the config check can size the gateway's policy
// with them (stacks/config/gateway-access.ts) before the stack has declared anything.
import { RegionName } from "../automation/posture";

/** The host-key secret's name prefix; AWS and the provider complete it (components/host-keys.ts). */
export function hostKeySecretNamePrefix(namePrefix: string, regionName: RegionName): string {
    return `${namePrefix}/${regionName}/host-keys-`;
}

/** The SSM path under which the users list is stored in chunks. */
export function usersParameterPath(namePrefix: string, regionName: RegionName): string {
    return `/${namePrefix}/${regionName}/users`;
}

/** The ARN of a parameter path, as GetParametersByPath is granted on it. */
export function parameterPathArn(partition: string, region: string, accountId: string, parameterPath: string): string {
    return `arn:${partition}:ssm:${region}:${accountId}:parameter${parameterPath}`;
}
