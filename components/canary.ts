// The canary: an SFTP identity that the driver, not a customer, logs in with to prove a region
// serves before DNS sends clients to it. Its private key is secret stack config; the gateway only
// ever sees its public key, like any user's. Its home is a prefix of its own, and it is kept out of
// the users' drift fingerprint: that fingerprint proves both regions serve the *declared* users.
import { parsePrivateKey, publicKeyLineOf } from "./ssh-keys";

/** The canary's login. Declaring a user of this name in users.yaml is refused. */
export const canaryUserName = "sftp-canary";

/** The canary's home in the regional bucket: nothing else may live under it. */
export const canaryHomePrefix = "canary/";

/** A canary identity: the private key stays with the driver, the public key goes to the gateway. */
export interface CanaryIdentity {
    readonly user: string;
    /** `<type> <base64>` */
    readonly publicKey: string;
}

/**
 * Checks a canary private key (OpenSSH or PEM, no passphrase) and returns its identity. The
 * message never quotes the key.
 *
 * @throws Error naming `label` when the text is not a usable private key.
 */
export function canaryIdentityOf(privateKey: string, label = "canaryKey"): CanaryIdentity {
    try {
        return { user: canaryUserName, publicKey: publicKeyLineOf(parsePrivateKey(privateKey)) };
    } catch (err) {
        throw new Error(`${label} is not a usable SSH private key: ${(err as Error).message}`);
    }
}
