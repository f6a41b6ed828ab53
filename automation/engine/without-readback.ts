// `Stack.up` of the Automation API reads the stack back after every update: its outputs (two engine
// processes, one of them decrypting secrets) and its last update (a third). Each is a whole engine
// start and a read of the state backend, about 0.4 s apiece here, so three of them per step make
// up a third of a posture switch. A posture step needs neither: what it changed comes from the
// engine's own summary event, and the driver reads the stacks again before each switch.
import { EngineEvent, OpMap, Stack, UpOptions } from "@pulumi/pulumi/automation";

/**
 * A view of `stack` whose `outputs` and `info` answer without the engine; every other member is the
 * stack's own. Only `up` is meant to be called on it, and only where the outputs and the update
 * summary of its result are not used.
 */
function withoutReadback(stack: Stack): Stack {
    return Object.create(stack, {
        outputs: { value: async () => ({}) },
        info: { value: async () => undefined },
    }) as Stack;
}

/**
 * Runs `up` without the Automation API's read-back and returns the resource changes the engine's
 * summary event reported. Should the event not arrive, the stack's last update is read instead
 * (the one read-back it saves is then paid after all).
 */
export async function upWithoutReadback(stack: Stack, opts: UpOptions): Promise<OpMap> {
    let changes: OpMap | undefined;
    const onEvent = (event: EngineEvent): void => {
        if (event.summaryEvent !== undefined) {
            changes = event.summaryEvent.resourceChanges;
        }
        opts.onEvent?.(event);
    };
    await withoutReadback(stack).up({ ...opts, onEvent });
    return changes ?? (await stack.info())?.resourceChanges ?? {};
}
