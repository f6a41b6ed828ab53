// The lab's host keys, fetched the way a gateway fetches them at boot: the keys are stored in a
// Secrets Manager secret (moto's, on loopback) as the HostKeys component stores them — the JSON
// object { ed25519, ecdsa, rsa } of private keys — and the gateway's own installer script
// (components/gateway-user-data.ts, renderHostKeysInstallScript) reads the secret with the AWS CLI
// and writes the key files the lab's sshd then presents. A secret that is missing, unreadable or
// lacks a key type stops the lab, as it would stop a gateway's boot.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { Stack } from "@pulumi/pulumi/automation";
import { renderHostKeysInstallScript } from "../components/gateway-user-data";
import { HostKeyTexts, loadHostKeys } from "../components/host-keys";
import { readRegionalOutputs } from "../stacks/contract";
import { materialOf, RegionServerMaterial } from "./lab-servers";
import { MotoServer, motoCredentials, motoServerPath } from "./servers/moto";

const run = promisify(execFile);

/** Where the installer's secret lives, and the regional values its script is rendered with. */
export interface GatewayKeyFetchOptions {
    readonly moto: MotoServer;
    /** The stack's AWS region (`us-east-1`). */
    readonly region: string;
    /** The secret's name (created here). */
    readonly secretName: string;
    /** The regional bucket and users object (rendered into the script's arguments; the key installer does not use them). */
    readonly bucketName: string;
    readonly usersObjectKey: string;
}

/** What the key fetch installed. */
export interface FetchedHostKeys {
    readonly hostKeys: HostKeyTexts;
    /** The secret's ARN, as moto made it. */
    readonly secretArn: string;
}

/**
 * Stores `hostKeys` in a secret on moto and installs them through the gateway's key installer.
 * The private keys go through files only you can read, never a command line.
 */
export async function hostKeysThroughGateway(hostKeys: HostKeyTexts, opts: GatewayKeyFetchOptions): Promise<FetchedHostKeys> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-host-keys-"));
    try {
        const env = awsCliEnv(opts.moto, opts.region);
        const secretFile = path.join(dir, "secret.json");
        fs.writeFileSync(secretFile, JSON.stringify(loadHostKeys(hostKeys).privateKeys), { mode: 0o600 });
        const { stdout } = await run("aws", ["secretsmanager", "create-secret", "--name", opts.secretName, "--secret-string", `file://${secretFile}`, "--output", "json"], { env, timeout: 60_000 }).catch(
            (err: { stderr?: string; message: string }) => {
                throw new Error(`could not store the host keys in Secrets Manager (moto at ${opts.moto.endpoint}): ${lastLine(err)}`);
            },
        );
        fs.rmSync(secretFile);
        const secretArn = String((JSON.parse(stdout) as { ARN?: unknown }).ARN);
        const keysDir = path.join(dir, "hostkeys");
        const script = path.join(dir, "sftp-host-keys-install");
        fs.writeFileSync(
            script,
            renderHostKeysInstallScript({
                region: opts.region,
                bucketName: opts.bucketName,
                usersObjectKey: opts.usersObjectKey,
                hostKeySecretArn: secretArn,
                hostKeysDir: keysDir,
                serviceUser: os.userInfo().username,
            }),
            { mode: 0o700 },
        );
        await run("bash", [script], { env, timeout: 60_000 }).catch((err: { stderr?: string; message: string }) => {
            throw new Error(`the gateway's host-key installer failed: ${lastLine(err)}`);
        });
        const read = (type: keyof HostKeyTexts) => fs.readFileSync(path.join(keysDir, `ssh_host_${type}_key`), "utf8");
        return { hostKeys: { ed25519: read("ed25519"), ecdsa: read("ecdsa"), rsa: read("rsa") }, secretArn };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** A failed command's last line of stderr (the AWS CLI's and the installer's one-line reasons). */
function lastLine(err: { stderr?: string; message: string }): string {
    return ((err.stderr ?? "").trim() || err.message).split("\n").pop() ?? err.message;
}

/**
 * The AWS CLI pointed at moto with moto's fake credentials, and no profile or config of the
 * machine's: nothing it runs can reach AWS. `scripts/ensure-test-tools` puts the CLI in the venv
 * beside moto when the machine has none, so the venv's bin goes last on PATH.
 */
function awsCliEnv(moto: MotoServer, region: string): NodeJS.ProcessEnv {
    return {
        PATH: `${process.env.PATH ?? ""}${path.delimiter}${path.dirname(motoServerPath)}`,
        HOME: os.tmpdir(),
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: motoCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
        AWS_DEFAULT_REGION: region,
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    };
}

/** A region's server material with its host keys fetched through the gateway's installer, and the secret they came from. */
export async function labMaterialThroughGateway(stack: Stack, moto: MotoServer): Promise<{ readonly material: RegionServerMaterial; readonly secretArn: string }> {
    const material = await materialOf(stack);
    const outputs = readRegionalOutputs(Object.fromEntries(Object.entries(await stack.outputs()).map(([k, v]) => [k, v.value])));
    if (outputs.region === undefined || outputs.bucketName === undefined || outputs.usersObjectKey === undefined) {
        throw new Error(`stack ${stack.name} has no region, bucketName or usersObjectKey output: deploy it first`);
    }
    const fetched = await hostKeysThroughGateway(material.hostKeys, {
        moto,
        region: outputs.region,
        secretName: `sftp-failover-host-keys-${stack.name}`,
        bucketName: outputs.bucketName,
        usersObjectKey: outputs.usersObjectKey,
    });
    return { material: { ...material, hostKeys: fetched.hostKeys }, secretArn: fetched.secretArn };
}
