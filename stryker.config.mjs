// Mutation testing of the decision modules (docs/testing.md, "Mutation testing"): `npm run test:mutation`.
// STRYKER_SPEC narrows the unit test files that judge the mutants (space-separated paths): loading all
// of the unit suite into each test runner costs minutes on a shared 2-core machine, one module's own
// test files seconds. Without it the whole unit suite runs, as a full score needs.
const spec = (process.env.STRYKER_SPEC ?? "").split(/\s+/).filter((file) => file !== "");

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
const config = {
  "packageManager": "npm",
  "testRunner": "mocha",
  "checkers": [
    "typescript"
  ],
  "tsconfigFile": "tsconfig.json",
  "typescriptChecker": {
    "prioritizePerformanceOverAccuracy": true
  },
  "mochaOptions": {
    "config": "test/unit/.mocharc.json",
    "spec": [
      "test/unit/**/*.test.ts"
    ],
    "ignore": [
      "test/unit/unmapped-sdk-stacks.test.ts"
    ]
  },
  "coverageAnalysis": "perTest",
  "ignoreStatic": true,
  "concurrency": 2,
  "timeoutMS": 10000,
  "mutate": [
    "foundation/posture.ts",
    "automation/dns-answers.ts",
    "automation/answer-safety.ts",
    "automation/driver/planner.ts",
    "automation/driver/step-failure-policy.ts",
    "automation/fence/cloudwatch-fence.ts",
    "automation/fence/last-word.ts",
    "automation/fence/operation.ts",
    "automation/driver/coordination/lease.ts",
    "automation/driver/coordination/store.ts",
    "automation/driver/coordination/local-store.ts",
    "automation/driver/journal.ts",
    "automation/driver/resume.ts",
    "automation/driver/preflight.ts",
    "stacks/config/*.ts",
    "automation/aws/reconcile.ts:142-192",
    "sandbox/rules/*.ts"
  ],
  "ignorePatterns": [
    "/.pulumi-cli",
    "/.pulumi-state",
    "/.pulumi-home",
    "/.sandbox",
    "/.tmp",
    "/.failover",
    "/.bench",
    "/dist"
  ],
  "reporters": [
    "clear-text",
    "progress",
    "html",
    "json"
  ],
  "htmlReporter": {
    "fileName": "reports/mutation/mutation.html"
  },
  "jsonReporter": {
    "fileName": "reports/mutation/mutation.json"
  },
  "tempDirName": ".stryker-tmp",
  "cleanTempDir": true,
  "disableTypeChecks": true,
  "testRunnerNodeArgs": [
    "--no-experimental-strip-types"
  ]
};

if (spec.length > 0) {
  config.mochaOptions.spec = spec;
}

export default config;
