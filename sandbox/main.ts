/**
 * Entry point of `sandbox/bin/pulumi-resource-aws`: the engine starts it as the `aws` resource
 * plugin. It says on stderr, once, that this is the sandbox — nothing it does reaches AWS.
 */
import { SandboxProvider, sandboxVersion } from "./provider";
import { serve } from "./server";

process.stderr.write(`sandbox: pulumi-resource-aws ${sandboxVersion} is the SANDBOX stand-in — nothing reaches AWS (see sandbox/README.md)\n`);

serve(new SandboxProvider(), process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`sandbox: provider failed to start: ${e.message}\n`);
    process.exitCode = 1;
});
