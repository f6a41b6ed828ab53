// Lint: the recommended TypeScript rules plus the few that catch this project's classic mistakes.
import tseslint from "typescript-eslint";

/**
 * A relative module path into sandbox/ or scripts/ (product code reaches them only that way). "/" is
 * written \x2F because the selectors below embed the pattern in a /regex/ literal.
 */
const layerViolation = "\\.\\x2F(sandbox|scripts)(\\x2F|$)";
const layerMessage = "product code never imports sandbox/ or scripts/: take the backend as a parameter (automation/cli/backends.ts); only automation/cli/bin.ts offers the sandbox";
const layerSelectors = [
  { selector: `ImportExpression[source.value=/${layerViolation}/]`, message: layerMessage },
  { selector: `CallExpression[callee.name='require'][arguments.0.value=/${layerViolation}/]`, message: layerMessage },
];

/**
 * Folders are made by makeFolder (foundation/folders.ts) alone: Node's recursive mkdir spins
 * forever at 100 % CPU where mkdir(2) answers ENOENT under an existing parent (/proc, issue 25).
 * Tests may call mkdirSync on their own temporary folders.
 */
const mkdirMessage = "make folders with makeFolder (foundation/folders.ts): Node's recursive mkdir spins forever on /proc";
const mkdirSelectors = [
  { selector: "MemberExpression[property.name='mkdirSync']", message: mkdirMessage },
  { selector: "MemberExpression[object.property.name='promises'][property.name='mkdir']", message: mkdirMessage },
  { selector: "ImportSpecifier[imported.name=/^mkdir(Sync)?$/]", message: mkdirMessage },
  // fs/promises imported whole (fsp.mkdir) and the callback form (fs.mkdir): any recursive .mkdir call.
  { selector: "CallExpression[callee.property.name='mkdir'] > ObjectExpression > Property[key.name='recursive']", message: mkdirMessage },
];
const makeFolderHome = "foundation/folders.ts";

export default tseslint.config(
  { ignores: ["dist/**", "bin/**", "node_modules/**", ".pulumi-*/**", ".sandbox/**", ".tmp/**", ".stryker-tmp/**", "reports/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
      "no-console": "off",
      "eqeqeq": ["error", "always"],
      "prefer-const": "error",
    },
  },
  {
    // Library code never prints and never exits; only the CLI, scripts, sandbox binaries and tests do.
    files: ["foundation/**/*.ts", "components/**/*.ts", "stacks/**/*.ts", "automation/**/*.ts"],
    ignores: ["automation/cli/**/*.ts"],
    rules: {
      "no-console": "error",
      "no-restricted-properties": ["error", { object: "process", property: "exit", message: "library code never exits" }],
    },
  },
  {
    // Product code never imports the sandbox or the scripts (issue 11): the sandbox plugs in through
    // the CLI's backends (automation/cli/backends.ts), offered by the executable entry alone.
    // test/unit/layering.test.ts checks the same, and what the library entries load transitively.
    files: ["foundation/**/*.ts", "components/**/*.ts", "stacks/**/*.ts", "automation/**/*.ts", "index.ts"],
    ignores: ["automation/cli/bin.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: layerViolation, message: layerMessage }] }],
      "no-restricted-syntax": ["error", ...layerSelectors, ...mkdirSelectors],
    },
  },
  {
    // Everything else outside the tests: the folder rule alone (a later block replaces, not merges,
    // a rule's options, so product files get both sets above).
    files: ["**/*.ts", "**/*.js", "**/*.mjs"],
    ignores: ["test/**", "foundation/**/*.ts", "components/**/*.ts", "stacks/**/*.ts", "automation/**/*.ts", "index.ts"],
    rules: { "no-restricted-syntax": ["error", ...mkdirSelectors] },
  },
  {
    files: ["automation/cli/bin.ts"],
    rules: { "no-restricted-syntax": ["error", ...mkdirSelectors] },
  },
  {
    // The helper itself.
    files: [makeFolderHome],
    rules: { "no-restricted-syntax": ["error", ...layerSelectors] },
  },
);
