// Preloaded after ts-node (`-r`) by the test suites, the drill, the bench and the checkout's CLI.
// ts-node maps every stack trace through source-map-support, whose formatter runs at each stack
// capture, and the Pulumi SDK captures a stack for every promise it makes (its leak report's
// bookkeeping, runtime/debuggable.js): formatting those cost about a fifth of a switch. Those
// captures get V8's plain format here; every other stack is still mapped to TypeScript lines.
"use strict";

const mapped = Error.prepareStackTrace;
const bookkeeping = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;

if (typeof mapped === "function") {
    Error.prepareStackTrace = (error, frames) => {
        const top = frames.length > 0 ? frames[0].getFileName() : undefined;
        if (typeof top === "string" && bookkeeping.test(top)) {
            return [String(error), ...frames.map((frame) => `    at ${frame}`)].join("\n");
        }
        return mapped(error, frames);
    };
}
