import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "dist-action/**", "node_modules/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/core/**/*.ts", "src/report/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["probot", "@octokit/*", "node:child_process", "node:http", "node:https", "node:net"], message: "src/core and src/report are pure: no GitHub, no network, no processes." },
            { group: ["**/app/**", "**/cli/**"], message: "The core must not depend on its front ends." }
          ]
        }
      ],
      "no-restricted-globals": ["error", { name: "process", message: "The core is pure: pass what you need as an argument." }]
    }
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }]
    }
  }
);
