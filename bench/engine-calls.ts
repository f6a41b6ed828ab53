// Counts the engine (`pulumi`) processes the Automation API starts: each costs a process start and
// a read of the state backend, so their number is the driver's overhead in a form the machine's
// load cannot blur. The bench runs one thing at a time, so a single counter is enough.
import { PulumiCommand } from "@pulumi/pulumi/automation";

let calls = 0;
let installed = false;

/** The method every Automation API call goes through (not in the SDK's public typings). */
interface Runner {
    run(...args: unknown[]): unknown;
}

function install(): void {
    if (installed) {
        return;
    }
    installed = true;
    const prototype = PulumiCommand.prototype as unknown as Runner;
    const run = prototype.run;
    prototype.run = function (this: Runner, ...args: unknown[]) {
        calls++;
        return run.apply(this, args);
    };
}

/** Runs `fn` and returns its value with the number of engine processes started meanwhile. */
export async function countingEngineCalls<T>(fn: () => Promise<T>): Promise<{ readonly value: T; readonly engineCalls: number }> {
    install();
    const before = calls;
    const value = await fn();
    return { value, engineCalls: calls - before };
}
