#!/usr/bin/env node
// The `sftp-failover` executable, and the CLI's composition root: the one file of automation/,
// stacks/ and components/ that may name sandbox/ (test/unit/layering.test.ts and the lint rule hold
// every other to that). It offers AWS, and the sandbox's backends for `--sandbox`, loaded only then.
// Everything else is in ./main.ts, which an embedder can run with backends of its own.
import { hideBin } from "yargs/helpers";
import { awsCliBackends, CliBackendChoice } from "./backends";
import { runCli } from "./main";

/** What the executable offers: AWS, and the sandbox with `--sandbox`. */
export const executableBackends: CliBackendChoice = {
    aws: awsCliBackends,
    sandbox: async () => {
        const { sandboxCliBackends } = await import("../../sandbox/cli-backends");
        return sandboxCliBackends(awsCliBackends);
    },
};

if (require.main === module) {
    // The AWS SDK warns once per process that its 2027 releases will need Node 22; the project
    // supports Node 20 with the versions it pins, and on an operator's terminal the notice would
    // bury the one line that matters. A value the operator sets wins.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    void runCli(hideBin(process.argv), executableBackends);
}
