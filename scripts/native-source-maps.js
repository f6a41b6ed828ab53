// Preloaded after ts-node (`-r`) by the test suites, the drill, the bench and the checkout's CLI.
// ts-node maps stack traces with source-map-support, whose formatter runs at every stack capture,
// and the Pulumi SDK captures one for every promise it creates (runtime/debuggable.js): in a
// switch that was about 1.8 s of a 9.9 s run. Node's own source-map support maps the same traces
// to the same TypeScript lines at a fraction of the cost, so it replaces the ts-node one here.
"use strict";
Error.prepareStackTrace = undefined;
process.setSourceMapsEnabled(true);
