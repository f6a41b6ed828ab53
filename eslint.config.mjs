// Lint: the recommended TypeScript rules plus the few that catch this project's classic mistakes.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "bin/**", "node_modules/**", ".pulumi-*/**", ".sandbox/**", ".tmp/**"] },
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
    files: ["components/**/*.ts", "stacks/**/*.ts", "automation/**/*.ts"],
    ignores: ["automation/cli/**/*.ts"],
    rules: {
      "no-console": "error",
      "no-restricted-properties": ["error", { object: "process", property: "exit", message: "library code never exits" }],
    },
  },
);
