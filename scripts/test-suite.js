#!/usr/bin/env node
// Runs one mocha suite: `node scripts/test-suite.js <suite> [mocha args]`. With no test file among
// the arguments the suite's own glob runs; with files (`npm run test:engine -- test/engine/x.test.ts`)
// only those do. Mocha alone cannot do both: a file on its command line is added to a config's
// `spec`, not put in its place, so the configs name no files and this picks.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const suites = ["unit", "engine", "integration", "package"];
const [suite, ...args] = process.argv.slice(2);
if (!suites.includes(suite)) {
    console.error(`test-suite: the first argument must be one of ${suites.join(", ")} (got ${JSON.stringify(suite)})`);
    process.exit(2);
}
const root = path.resolve(__dirname, "..");
const isFile = (arg) => !arg.startsWith("-") && (arg.endsWith(".ts") || fs.existsSync(path.resolve(arg)));
const files = args.filter(isFile);
const mocha = require.resolve("mocha/bin/mocha.js");
const spec = files.length > 0 ? [] : [`test/${suite}/**/*.test.ts`];
const run = spawnSync(process.execPath, [mocha, "--config", `test/${suite}/.mocharc.json`, ...spec, ...args], { cwd: root, stdio: "inherit" });
process.exit(run.status ?? 1);
