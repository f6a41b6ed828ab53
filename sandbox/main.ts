/**
 * Entry point of `sandbox/bin/pulumi-resource-aws`: the engine starts it as the `aws` resource
 * plugin. It says on stderr, once, that this is the sandbox — nothing it does reaches AWS.
 */
import { SandboxProvider, sandboxVersion } from "./provider";
import { serve } from "./server";

process.stderr.write(`sandbox: pulumi-resource-aws ${sandboxVersion} is the SANDBOX stand-in — nothing reaches AWS (see sandbox/README.md)\n`);

// A killed engine (the reliability tests kill updates midway) cannot tell its plugins to stop, and
// the gRPC server would keep this process alive for good; leave when the engine is gone.
const engine = process.ppid;
setInterval(() => {
    if (process.ppid !== engine) {
        process.exit(0);
    }
}, 1000).unref();

serve(new SandboxProvider(), process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`sandbox: provider failed to start: ${e.message}\n`);
    process.exitCode = 1;
});
