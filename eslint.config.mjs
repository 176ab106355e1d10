// `npm run lint`: typescript-eslint's recommended rules over the repo's TypeScript; formatting is
// Prettier's (eslint-config-prettier turns off the rules that would fight it).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "sdk/",
      "node_modules/",
      "bench/results/",
      "test/reliability/results/",
      "examples/**/node_modules/",
      ".pulumi-*/",
      ".demo/",
      ".test-run/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { require: "readonly", module: "writable", exports: "writable", process: "readonly", __dirname: "readonly", console: "readonly" },
    },
    rules: {
      // `import x = require()` is how a provider module (whose module.exports is the object) is loaded.
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Tests, benchmarks, the demo and the emulator handle JSON from the CLI and the wire, checked by
    // assertions or by the vendor OpenAPI files rather than by types.
    files: ["test/**", "bench/**", "demo/**", "emulator/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  prettier,
);
