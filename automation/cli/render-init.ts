// What `init` prints: the files it wrote, and the next steps as one short list.
import * as path from "node:path";
import type { StarterProjectResult } from "../starter-project";

/** The next steps after `init`, numbered; the first installs the package where the project lacks it. */
export function initNextSteps(result: StarterProjectResult): string[] {
    const relative = path.relative(process.cwd(), result.dir);
    const here = relative.startsWith("..") || path.isAbsolute(relative) ? result.dir : relative;
    return [
        ...(relative !== "" ? [`cd ${here}`] : []),
        ...(result.packageInstalled ? [] : ["npm install sftp-failover   # Pulumi.yaml runs the program it installs"]),
        "edit users.yaml and the stack files (every key: docs/regional.md, docs/dns.md); as written they are a sandbox example",
        "npx sftp-failover hostkeys generate   # one set of host keys for both regions (add --sandbox in the sandbox)",
        "npx sftp-failover bootstrap --yes     # create and deploy the three stacks; gives both regions the canary",
        "npx sftp-failover status",
    ];
}

/** `init`'s text: what was written where, then the next steps. */
export function renderInit(result: StarterProjectResult): string {
    const steps = initNextSteps(result).map((step, i) => `  ${i + 1}. ${step}`);
    return [`wrote ${result.written.join(", ")} in ${result.dir}`, "next:", ...steps].join("\n");
}
