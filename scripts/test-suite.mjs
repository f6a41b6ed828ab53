#!/usr/bin/env node
// Runs one mocha suite: `node scripts/test-suite.mjs <suite> [mocha args]`. With no test file among
// the arguments the suite's own glob runs; with files (`npm run test:engine -- test/engine/x.test.ts`)
// only those do. Mocha alone cannot do both: a file on its command line is added to a config's
// `spec`, not put in its place, so the configs name no files and this picks.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const suites = ["unit", "engine", "integration", "package"];
const [suite, ...args] = process.argv.slice(2);
if (!suites.includes(suite)) {
    console.error(`test-suite: the first argument must be one of ${suites.join(", ")} (got ${JSON.stringify(suite)})`);
    process.exit(2);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const isFile = (arg) => !arg.startsWith("-") && (arg.endsWith(".ts") || fs.existsSync(path.resolve(arg)));
const files = args.filter(isFile);
const mocha = createRequire(import.meta.url).resolve("mocha/bin/mocha.js");
const spec = files.length > 0 ? [] : [`test/${suite}/**/*.test.ts`];
const run = spawnSync(process.execPath, [mocha, "--config", `test/${suite}/.mocharc.json`, ...spec, ...args], { cwd: root, stdio: "inherit" });
process.exit(run.status ?? 1);
