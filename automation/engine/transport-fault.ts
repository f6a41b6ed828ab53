// The inline program runs in this process and talks to the engine over gRPC on loopback. Once in
// a long while that connection is not there when the program starts (grpc-js reports
// "14 UNAVAILABLE: No connection established"; one known cause is a new engine listening on a port
// an earlier engine of this process used, whose failed connection grpc-js still remembers). Such
// a run says nothing about the stack, the config or any region, so it is run again, once, with a
// new engine — rather than stopping a switch, or refusing one at preflight, on a local hiccup.

/** grpc-js's wording when a client has no usable connection, or loses it mid-call. */
const transportFault = /\b14 UNAVAILABLE: (No connection established|Connection dropped)|Channel has been shut down/;

/** True when an engine run failed because the in-process program could not reach the engine. */
export function isEngineTransportFault(err: unknown): boolean {
    return err instanceof Error && transportFault.test(err.message);
}

/** How many times a run that failed that way is run again. */
export const transportFaultRetries = 1;

/**
 * Runs `run`; if it fails with an engine transport fault, runs it again (at most
 * `transportFaultRetries` times), telling `onRetry` why. Any other error, or a second fault,
 * propagates unchanged.
 */
export async function retryingTransportFault<T>(run: () => Promise<T>, onRetry?: (err: Error) => void): Promise<T> {
    for (let attempt = 0; ; attempt++) {
        try {
            return await run();
        } catch (err) {
            if (attempt >= transportFaultRetries || !isEngineTransportFault(err)) {
                throw err;
            }
            onRetry?.(err as Error);
        }
    }
}
