import * as pulumi from "@pulumi/pulumi";

/**
 * The value of a Pulumi Output as a promise, for assertions in mock-driven tests (instead of
 * nesting `apply` callbacks around `done`); rejects when the Output fails (an apply that throws
 * never calls the callback). An unknown Output (a preview's computed value) never runs `apply`,
 * so its promise never settles and the test times out: mocks run as an update unless told otherwise.
 */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve, reject) => {
        output.apply((value) => {
            resolve(value);
            return value;
        });
        (output as unknown as { promise(): Promise<T> }).promise().catch(reject);
    });
}
